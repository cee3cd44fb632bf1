/**
 * How the HTTP API routes map onto the app's own authentication (`server/src/http/app.ts`).
 * API Gateway adds a Cognito JWT check in front of the people's routes; the merchant API (API
 * keys, which are not JWTs) and the public paths reach the app without one, and the app checks
 * every request itself either way. The tests check these lists against `isMerchantPath`.
 */

import { merchantPathPrefixes, publicPaths } from '../../server/src/http/app.ts';

/** The merchant API prefixes: each route is the prefix itself and everything below it. */
export { merchantPathPrefixes };

/** `/v1` paths that need no token (sign-up, sign-in, refresh, logout; realtime checks its own). */
export const publicHttpPaths = publicPaths;
