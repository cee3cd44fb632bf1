import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getClientIp, requireUser } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import type { Identity, SignedIn } from '../platform/identity.ts';
import {
  authResponseSchema,
  changePasswordSchema,
  mfaLogInSchema,
  passwordResetConfirmSchema,
  passwordResetSchema,
  recoveryCodesSchema,
  sessionListSchema,
  totpCodeSchema,
  totpEnrolmentSchema,
  userSchema,
  verifyEmailSchema,
} from './model.ts';
import { deviceOf } from './service.ts';
import { withRetryAfter } from './routes.ts';

const tags = ['Account security'];
const noContent = { 204: { description: 'Done' } };

function post<B extends z.ZodType>(path: string, summary: string, body: B, description?: string) {
  return {
    method: 'post' as const,
    path,
    tags,
    summary,
    ...(description ? { description } : {}),
    request: { body: jsonBody(body) },
  };
}
const signedIn = { security: bearerSecurity };

const passwordResetRoute = createRoute({
  ...post(
    '/v1/auth/password-reset',
    'Mail a password reset code',
    passwordResetSchema,
    'Answers 204 whether or not the email has an account. The code works once, for 15 minutes.',
  ),
  responses: { ...noContent, ...errorResponses(400, 429) },
});

const passwordResetConfirmRoute = createRoute({
  ...post(
    '/v1/auth/password-reset/confirm',
    'Set a new password with the mailed code',
    passwordResetConfirmSchema,
    'Ends every session of the account. A code allows 5 attempts; then ask for a new one.',
  ),
  responses: { ...noContent, ...errorResponses(400, 429) },
});

const mfaLogInRoute = createRoute({
  ...post('/v1/auth/login/mfa', 'Finish a sign-in with an authenticator or recovery code', mfaLogInSchema),
  responses: { 200: jsonResponse(authResponseSchema, 'Signed in'), ...errorResponses(400, 401, 429) },
});

const verifyEmailRoute = createRoute({
  ...post('/v1/auth/verify-email', 'Verify the email with the mailed code', verifyEmailSchema),
  ...signedIn,
  responses: { 200: jsonResponse(userSchema, 'The user, verified'), ...errorResponses(400, 401, 429) },
});

const resendVerificationRoute = createRoute({
  method: 'post',
  path: '/v1/auth/verify-email/resend',
  tags,
  summary: 'Mail a new verification code',
  ...signedIn,
  responses: { ...noContent, ...errorResponses(401, 429) },
});

const changePasswordRoute = createRoute({
  ...post('/v1/me/password', 'Change the password (ends every other session)', changePasswordSchema),
  ...signedIn,
  responses: { ...noContent, ...errorResponses(400, 401, 409, 429) },
});

const startTotpRoute = createRoute({
  method: 'post',
  path: '/v1/me/mfa/totp',
  tags,
  summary: 'Start authenticator (TOTP) enrolment',
  description: 'Nothing changes at sign-in until a first code confirms it (`/v1/me/mfa/totp/confirm`).',
  ...signedIn,
  responses: {
    200: jsonResponse(totpEnrolmentSchema, 'The secret, shown this once'),
    ...errorResponses(401, 409),
  },
});

const confirmTotpRoute = createRoute({
  ...post('/v1/me/mfa/totp/confirm', 'Turn two-factor sign-in on with a first code', totpCodeSchema),
  ...signedIn,
  responses: {
    200: jsonResponse(recoveryCodesSchema, 'Recovery codes, shown this once'),
    ...errorResponses(400, 401, 409, 429),
  },
});

const disableTotpRoute = createRoute({
  method: 'delete',
  path: '/v1/me/mfa/totp',
  tags,
  summary: 'Turn two-factor sign-in off, with a current or recovery code',
  request: { body: jsonBody(totpCodeSchema) },
  ...signedIn,
  responses: { ...noContent, ...errorResponses(400, 401, 409, 429) },
});

const listSessionsRoute = createRoute({
  method: 'get',
  path: '/v1/me/sessions',
  tags,
  summary: 'Your open sessions, newest first',
  ...signedIn,
  responses: { 200: jsonResponse(sessionListSchema, 'Open sessions'), ...errorResponses(401) },
});

const endSessionRoute = createRoute({
  method: 'delete',
  path: '/v1/me/sessions/{id}',
  tags,
  summary: 'End one session: its refresh token stops working',
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  ...signedIn,
  responses: { ...noContent, ...errorResponses(401, 404) },
});

const endAllSessionsRoute = createRoute({
  method: 'delete',
  path: '/v1/me/sessions',
  tags,
  summary: 'End every session, this one included',
  ...signedIn,
  responses: { ...noContent, ...errorResponses(401) },
});

/** The caller as account-security operations take it: the principal plus the token it came with. */
function callerOf(c: Context<AppEnv>): SignedIn {
  const principal = c.var.principal;
  const accessToken = /^Bearer +(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  return { userId: principal.userId, accessToken, sessionId: principal.sessionId };
}

/**
 * Email verification, password reset and change, two-factor sign-in and sessions (SPEC §0,
 * account security), as a Hono sub-app.
 *
 * @example app.route('/', accountSecurityRoutes(identity));
 */
export function accountSecurityRoutes(identity: Identity) {
  const app = createRouter();
  const user = requireUser(identity);

  app.openapi(passwordResetRoute, async (c) =>
    withRetryAfter(c, async () => {
      await identity.requestPasswordReset({ email: c.req.valid('json').email, client_ip: getClientIp(c) });
      return c.body(null, 204);
    }),
  );
  app.openapi(passwordResetConfirmRoute, async (c) =>
    withRetryAfter(c, async () => {
      await identity.confirmPasswordReset({ ...c.req.valid('json'), client_ip: getClientIp(c) });
      return c.body(null, 204);
    }),
  );
  app.openapi(mfaLogInRoute, async (c) =>
    withRetryAfter(c, async () =>
      c.json(
        await identity.completeMfaLogIn({
          ...c.req.valid('json'),
          device: deviceOf(c.req.header('user-agent')),
        }),
        200,
      ),
    ),
  );

  app.use('/v1/auth/verify-email', user);
  app.use('/v1/auth/verify-email/*', user);
  app.use('/v1/me/*', user);

  app.openapi(verifyEmailRoute, async (c) =>
    withRetryAfter(c, async () =>
      c.json(await identity.verifyEmail(callerOf(c), c.req.valid('json').code), 200),
    ),
  );
  app.openapi(resendVerificationRoute, async (c) =>
    withRetryAfter(c, async () => {
      await identity.resendEmailVerification(callerOf(c));
      return c.body(null, 204);
    }),
  );
  app.openapi(changePasswordRoute, async (c) =>
    withRetryAfter(c, async () => {
      await identity.changePassword(callerOf(c), c.req.valid('json'));
      return c.body(null, 204);
    }),
  );
  app.openapi(startTotpRoute, async (c) => c.json(await identity.startTotpEnrolment(callerOf(c)), 200));
  app.openapi(confirmTotpRoute, async (c) =>
    withRetryAfter(c, async () =>
      c.json(await identity.confirmTotp(callerOf(c), c.req.valid('json').code), 200),
    ),
  );
  app.openapi(disableTotpRoute, async (c) =>
    withRetryAfter(c, async () => {
      await identity.disableTotp(callerOf(c), c.req.valid('json').code);
      return c.body(null, 204);
    }),
  );
  app.openapi(listSessionsRoute, async (c) =>
    c.json({ data: await identity.listSessions(callerOf(c)) }, 200),
  );
  app.openapi(endSessionRoute, async (c) => {
    await identity.endSession(callerOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(endAllSessionsRoute, async (c) => {
    await identity.endAllSessions(callerOf(c));
    return c.body(null, 204);
  });
  return app;
}
