import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Identity } from '../platform/identity.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { AppEnv } from './context.ts';
import { errorResponse } from './errors.ts';

/** Far longer than any token we mint; anything bigger is refused before it is parsed. */
const maxTokenLength = 4096;

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Requires `Authorization: Bearer <access token>` and sets `c.var.principal`. Answers 401
 * `unauthenticated` without a token and 401 `invalid_token` or `token_expired` for a bad one;
 * the body never says more than the code (nor echoes the token).
 *
 * @example app.get('/v1/wallet', requireUser(identity), (c) => c.json(await wallet.get(c.var.principal.userId)));
 */
export function requireUser(identity: Pick<Identity, 'verifyAccessToken'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(c, new AppError('unauthenticated', 'an access token is required'));
    }
    let principal: Principal;
    try {
      if (token.length > maxTokenLength) throw new AppError('invalid_token', 'the access token is invalid');
      principal = await identity.verifyAccessToken(token);
    } catch (error) {
      if (!isAppError(error)) throw error;
      // RFC 6750 §3: the challenge names the error; no description that could guide an attacker.
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return errorResponse(c, error);
    }
    c.set('principal', principal);
    await next();
  });
}

/**
 * The caller an optional `Authorization: Bearer` header names, or undefined when there is none or
 * it does not verify: for public routes that do more for a signed-in caller (log-out also ending
 * the access token's session).
 */
export async function optionalPrincipal(
  identity: Pick<Identity, 'verifyAccessToken'>,
  header: string | undefined,
): Promise<Principal | undefined> {
  const token = bearerToken(header);
  if (!token || token.length > maxTokenLength) return undefined;
  try {
    return await identity.verifyAccessToken(token);
  } catch (error) {
    if (isAppError(error)) return undefined;
    throw error;
  }
}

/**
 * After `requireUser`: 403 `forbidden` unless the caller is in the `admin` group, and, with
 * `requireMfa`, 403 `mfa_required` unless they signed in with a second factor.
 */
export function requireAdmin(options: { requireMfa?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    if (!principal) return errorResponse(c, new AppError('unauthenticated', 'an access token is required'));
    if (!principal.groups.includes('admin'))
      return errorResponse(c, new AppError('forbidden', 'this action needs the admin group'));
    if (options.requireMfa && principal.mfa !== true)
      return errorResponse(
        c,
        new AppError(
          'mfa_required',
          'admins must sign in with two-factor authentication: turn it on under Security, then sign in again',
        ),
      );
    await next();
  });
}

/**
 * The caller's address as the Node server or API Gateway saw it, or `'unknown'` (tests), which the
 * identity module's `unknownClientIp` matches (a literal here, so http does not import identity
 * values and the two modules stay free of an import cycle). Deliberately
 * not `X-Forwarded-For`: any client can write that header, so trusting it would let an attacker
 * pick a fresh address for every login attempt.
 */
export function getClientIp(c: Context): string {
  // The local server (@hono/node-server) hands over the socket; API Gateway (through the Lambda
  // adapter) its request context, whose sourceIp it sets itself: neither comes from a header a
  // client could forge.
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestContext?: { http?: { sourceIp?: string } };
      }
    | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.requestContext?.http?.sourceIp ?? 'unknown';
}
