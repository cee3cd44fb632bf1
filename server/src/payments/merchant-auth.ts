import { createMiddleware } from 'hono/factory';
import { retryAfterSeconds, type RateLimiter } from '../identity/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { Store } from '../platform/store.ts';
import type { MerchantPrincipal } from '../kernel/principal.ts';
import type { AppEnv } from '../http/context.ts';
import { errorResponse } from '../http/errors.ts';
import type { Identity } from '../platform/identity.ts';
import { apiKeySecretPrefix, authenticateApiKey } from './api-keys.ts';
import { roleOf, type Person } from './members.ts';
import { getMerchantRecord } from './merchants.ts';
import { permissionFor, roleAllows } from './permissions.ts';

export interface MerchantAuthDeps {
  store: Store;
  clock: Clock;
  identity: Pick<Identity, 'verifyAccessToken' | 'getUser'>;
  rateLimiter: RateLimiter;
}

const maxCredentialLength = 4096;

/**
 * The owner's own dashboard (a user token plus `Sluice-Merchant`) polls several resources at
 * once; it gets a budget of its own, separate from and larger than an API key's default.
 */
export const dashboardRateLimitPerMinute = 1000;

/**
 * Authenticates the merchant API and sets `c.var.merchant`. Either a secret key
 * (`Authorization: Bearer sk_test_…`, looked up by its hash and then taken on trust for
 * `apiKeyCacheMs`: a key revoked in this process is refused at once, elsewhere within 5 s: 401
 * `invalid_api_key`; it acts with owner-like rights), or a team member's access token with
 * `Sluice-Merchant: mer_…` (the dashboard), acting with their role. Every request is then checked
 * against the permission table (`permissions.ts`: 403 `forbidden` when the role does not allow it). Then a fixed-window rate limit per key (per merchant,
 * with the dashboard's larger budget, for token callers): `RateLimit-Limit`, `-Remaining` and `-Reset` on every response, and 429
 * `rate_limited` with `Retry-After` beyond it.
 *
 * @example app.use('/v1/payments/*', requireMerchant({ store, clock, identity, rateLimiter: storeRateLimiter(store) }));
 */
export function requireMerchant(deps: MerchantAuthDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = /^Bearer +([^\s]+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(
        c,
        new AppError('unauthenticated', 'an API key (Authorization: Bearer sk_test_…) is required'),
      );
    }
    let principal: MerchantPrincipal;
    let limit: number;
    if (token.startsWith(apiKeySecretPrefix)) {
      const grant = token.length <= maxCredentialLength ? await authenticateApiKey(deps, token) : undefined;
      if (!grant) {
        c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        return errorResponse(c, new AppError('invalid_api_key', 'the API key is invalid or revoked'));
      }
      principal = {
        kind: 'merchant',
        merchantId: grant.merchantId,
        apiKeyId: grant.keyId,
        ownerId: grant.ownerId,
        role: 'owner',
        userId: undefined,
      };
      limit = grant.rateLimitPerMinute;
    } else {
      let person: Person;
      try {
        if (token.length > maxCredentialLength)
          throw new AppError('invalid_token', 'the access token is invalid');
        const { userId, email } = await deps.identity.verifyAccessToken(token);
        person = { userId, email };
      } catch (error) {
        if (!isAppError(error)) throw error;
        c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        return errorResponse(c, error);
      }
      const merchantId = c.req.header('sluice-merchant');
      if (!merchantId)
        return errorResponse(
          c,
          new AppError(
            'validation_failed',
            'with a user access token, name the merchant in the Sluice-Merchant header',
            { param: 'Sluice-Merchant' },
          ),
        );
      const merchant = merchantId.length <= 200 ? await getMerchantRecord(deps, merchantId) : undefined;
      // A person acts for the merchants whose team they are on, with their role there.
      const role = merchant && (await roleOf(deps, merchant, person));
      if (!merchant || !role)
        return errorResponse(
          c,
          new AppError('not_found', `no merchant ${merchantId}`, { param: 'Sluice-Merchant' }),
        );
      principal = {
        kind: 'merchant',
        merchantId: merchant.id,
        apiKeyId: undefined,
        ownerId: merchant.owner,
        role,
        userId: person.userId,
        email: person.email,
      };
      limit = dashboardRateLimitPerMinute;
    }

    const now = deps.clock.now();
    const result = await deps.rateLimiter.consume({
      key: principal.apiKeyId ? `api-key:${principal.apiKeyId}` : `dashboard:${principal.merchantId}`,
      limit,
      windowSeconds: 60,
      now,
    });
    const headers = {
      'RateLimit-Limit': String(result.limit),
      'RateLimit-Remaining': String(result.remaining),
      'RateLimit-Reset': String(retryAfterSeconds(result, now)),
    };
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (!result.allowed) {
      c.header('Retry-After', String(retryAfterSeconds(result, now)));
      return errorResponse(
        c,
        new AppError('rate_limited', `rate limit of ${result.limit} requests per minute exceeded`),
      );
    }
    // One permission table for every merchant route, whichever module serves it (permissions.ts).
    const needs = permissionFor(c.req.method, c.req.path);
    if (!roleAllows(principal.role, needs))
      return errorResponse(
        c,
        new AppError('forbidden', `a member with the ${principal.role} role cannot do this`, {
          details: { role: principal.role, needs },
        }),
      );
    c.set('merchant', principal);
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
