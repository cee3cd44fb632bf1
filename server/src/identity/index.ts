import { identityKeyPatterns } from './store.ts';
import { defineModule } from '../platform/module.ts';
import { identityAdminRoutes } from './admin-routes.ts';
import { identityRoutes } from './routes.ts';
import { accountSecurityRoutes } from './security-routes.ts';
import { identityErrors } from './errors.ts';
export { identityErrors, requireVerifiedEmail } from './errors.ts';
export { checkPasswordPolicy } from './password-policy.ts';
export {
  emailVerifiedWrites,
  enforceResetConfirmLimits,
  enforceResetRequestLimits,
  enforceVerificationMailLimit,
  securityLimits,
} from './account-security.ts';
export { enforceSecondFactorLimit, secondFactorLimit } from './second-factor.ts';
export { totpCode, totpUri } from './totp.ts';
export {
  createLocalIdentity,
  deviceOf,
  emailKey,
  newUser,
  normalizeEmail,
  signUpEmailIndex,
  signUpWrites,
  userKey,
  type Identity,
  type LocalIdentityDeps,
} from './service.ts';
export { identityRoutes } from './routes.ts';
export {
  consumeRateLimit,
  enforceLoginLimits,
  enforceSignUpLimits,
  MemoryRateLimiter,
  retryAfterSeconds,
  storeRateLimiter,
  type RateLimiter,
  type RateLimitInput,
  type RateLimitResult,
} from './rate-limit.ts';
export {
  authResponseSchema,
  authUserSchema,
  groups,
  jwksSchema,
  logInSchema,
  logOutSchema,
  refreshSchema,
  signUpSchema,
  unknownClientIp,
  userSchema,
  type AuthResponse,
  type AuthUser,
  type Group,
  type Jwks,
  type LogInInput,
  type LogOutInput,
  type RefreshInput,
  type SignUpInput,
  type User,
} from './model.ts';

/**
 * Identity as a module: sign-up, sign-in and sessions (public paths), `/v1/me`, the admins' user
 * list. The Identity port itself is built by each runtime (the local issuer, Cognito on AWS).
 */
export const identityModule = defineModule({
  name: 'identity',
  http: {
    paths: [
      { exact: '/v1/auth/signup', auth: 'public' },
      { exact: '/v1/auth/login', auth: 'public' },
      { exact: '/v1/auth/refresh', auth: 'public' },
      { exact: '/v1/auth/logout', auth: 'public' },
      { exact: '/v1/auth/login/mfa', auth: 'public' },
      { exact: '/v1/auth/password-reset', auth: 'public' },
      { exact: '/v1/auth/password-reset/confirm', auth: 'public' },
      { prefix: '/v1/auth/verify-email', auth: 'user' },
      { prefix: '/v1/me', auth: 'user' },
      { prefix: '/v1/admin/users', auth: 'admin' },
    ],
    routes: (deps) =>
      identityRoutes(deps.identity)
        .route('/', accountSecurityRoutes(deps.identity))
        .route('/', identityAdminRoutes(deps.identity)),
  },
  events: ['user.signed_up', 'user.email_verified'],
  errors: identityErrors.table,
  keys: identityKeyPatterns,
});

/** For identity adapters outside this folder (Cognito) that keep profiles in the same items. */
export {
  foreignSessionRevocation,
  mfaEnabledUpdate,
  queryOpenSessions,
  queryUsers,
  readRefreshToken,
  readSession,
  readUser,
  readUserIdByEmail,
  refreshTokenPut,
  refreshTokenSpend,
  sessionPut,
  sessionRevocation,
  sessionsCutOff,
  sessionUse,
  type StoredRefreshToken,
} from './store.ts';
export { hashToken as refreshTokenHash } from './refresh-tokens.ts';
export { createSessionRevocations, revocationCheckMs, type SessionRevocations } from './revocation.ts';
