/**
 * How the HTTP API routes map onto the app's own authentication, from the paths the modules
 * claim (`app/registry.ts`). API Gateway adds a Cognito JWT check in front of the people's
 * routes (`user` and `admin`, and every `/v1` path no module claims); the paths of any other
 * scheme (the merchant API's API keys, which are not JWTs) and the public paths reach the app
 * without one, and the app checks every request itself either way.
 */

import { modules } from '../../server/src/app/modules.ts';
import { ownedPaths } from '../../server/src/app/registry.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';

/** API Gateway route paths that take no JWT authorizer: a prefix is itself and `{proxy+}` below it. */
export function routesWithoutAuthorizer(list: readonly SluiceModule[] = modules): string[] {
  return ownedPaths(list)
    .filter((path) => path.auth !== 'user' && path.auth !== 'admin')
    .flatMap((path) => ('exact' in path ? [path.exact] : [path.prefix, `${path.prefix}/{proxy+}`]));
}
