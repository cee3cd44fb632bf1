import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getClientIp, optionalPrincipal, requireUser } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { validationHook } from '../http/errors.ts';
import { errorSchema, jsonBody } from '../http/openapi.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import {
  authResponseSchema,
  jwksSchema,
  logInSchema,
  logOutSchema,
  mfaChallengeSchema,
  refreshSchema,
  signUpSchema,
  userSchema,
} from './model.ts';
import { deviceOf, type Identity } from './service.ts';

const tags = ['Auth'];

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});
const authResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: authResponseSchema } },
});

const rateLimited = (description: string) => ({
  ...error(description),
  headers: z.object({
    'Retry-After': z.string().openapi({ description: 'Seconds until the next attempt is allowed.' }),
  }),
});

/** A `POST` of a JSON body to `path`: a body that fails its schema is a 400. */
function postRoute<B extends z.ZodType, R extends RouteConfig['responses']>(route: {
  path: string;
  summary: string;
  description?: string;
  body: B;
  responses: R;
}) {
  return createRoute({
    method: 'post',
    path: route.path,
    tags,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    request: { body: jsonBody(route.body) },
    responses: {
      ...route.responses,
      400: error('Invalid input (`validation_failed`, `weak_password`, `invalid_code`…)'),
    },
  });
}

const signUpRoute = postRoute({
  path: '/v1/auth/signup',
  summary: 'Create an account',
  body: signUpSchema,
  responses: {
    201: authResponse('The new user, signed in'),
    409: error('`email_taken`: an account with this email exists'),
    429: rateLimited('`rate_limited`: too many sign-ups from this address'),
  },
});

const logInRoute = postRoute({
  path: '/v1/auth/login',
  summary: 'Sign in with email and password',
  body: logInSchema,
  description:
    'A user with two-factor sign-in on gets `{mfa_required: true, mfa_token}` instead of tokens: finish with `POST /v1/auth/login/mfa`.',
  responses: {
    200: {
      description: 'Signed in, or a second factor is needed',
      content: { 'application/json': { schema: z.union([authResponseSchema, mfaChallengeSchema]) } },
    },
    401: error('`invalid_credentials`: unknown email or wrong password (indistinguishable)'),
    429: rateLimited('`rate_limited`: too many attempts for this email or address'),
  },
});

const refreshRoute = postRoute({
  path: '/v1/auth/refresh',
  summary: 'Exchange a refresh token for new tokens',
  description: 'Refresh tokens are single use. Presenting one a second time revokes its whole session.',
  body: refreshSchema,
  responses: {
    200: authResponse('New access and refresh tokens'),
    401: error('`invalid_token`: unknown, expired, used or revoked refresh token'),
  },
});

const logOutRoute = postRoute({
  path: '/v1/auth/logout',
  summary: 'Revoke a session',
  description:
    'Revokes every refresh token of the session. An unknown token is ignored (RFC 7009). Send the access token too (Authorization: Bearer) so it stops working at once everywhere; the local issuer ends it either way.',
  body: logOutSchema,
  responses: { 204: { description: 'Signed out' } },
});

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags,
  summary: 'Public keys that sign access tokens',
  responses: {
    200: { description: 'A JSON Web Key Set', content: { 'application/json': { schema: jwksSchema } } },
  },
});

/**
 * The sign-up and sign-in API (SPEC §0) as a Hono sub-app; mount it with `app.route('/', …)`.
 *
 * @example app.route('/', identityRoutes(identity));
 */
export function identityRoutes(identity: Identity) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });

  app.openapi(signUpRoute, async (c) =>
    withRetryAfter(c, async () =>
      c.json(
        await identity.signUp({
          ...c.req.valid('json'),
          client_ip: getClientIp(c),
          device: deviceOf(c.req.header('user-agent')),
        }),
        201,
      ),
    ),
  );

  app.openapi(logInRoute, async (c) =>
    withRetryAfter(c, async () =>
      c.json(
        await identity.logIn({
          ...c.req.valid('json'),
          client_ip: getClientIp(c),
          device: deviceOf(c.req.header('user-agent')),
        }),
        200,
      ),
    ),
  );

  app.openapi(refreshRoute, async (c) =>
    c.json(await identity.refresh(c.req.valid('json').refresh_token), 200),
  );

  app.openapi(logOutRoute, async (c) => {
    const caller = await optionalPrincipal(identity, c.req.header('authorization'));
    await identity.logOut(
      c.req.valid('json').refresh_token,
      caller ? { userId: caller.userId, sessionId: caller.sessionId } : undefined,
    );
    return c.body(null, 204);
  });

  const meRoute = createRoute({
    method: 'get',
    path: '/v1/me',
    tags,
    summary: 'The signed-in user',
    security: [{ bearerAuth: [] }],
    middleware: [requireUser(identity)] as const,
    responses: {
      200: { description: 'The user', content: { 'application/json': { schema: userSchema } } },
      401: error('`unauthenticated`, `invalid_token` or `token_expired`'),
      404: error('The user no longer exists'),
    },
  });
  app.openapi(meRoute, async (c) => {
    const user = await identity.getUser(c.var.principal.userId);
    if (!user) throw new AppError('not_found', 'the user no longer exists');
    return c.json(user, 200);
  });

  app.openapi(jwksRoute, async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(await identity.jwks(), 200);
  });

  return app;
}

/** Runs `handle`; a `rate_limited` refusal also gets its `Retry-After` header. */
export async function withRetryAfter<T>(c: Context, handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    const retryAfter =
      isAppError(error) && error.code === 'rate_limited' ? error.details?.retry_after : undefined;
    // The error handler renders the body; headers set on the context carry over into it.
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    throw error;
  }
}
