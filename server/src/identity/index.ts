export { createLocalIdentity, emailKey, newUser, normalizeEmail, signUpEmailIndex, signUpWrites, toUser, userKey, usersPartition, type Identity, type LocalIdentityDeps } from './service.ts';
export { identityRoutes } from './routes.ts';
export { consumeRateLimit, MemoryRateLimiter, retryAfterSeconds, storeRateLimiter, type RateLimiter, type RateLimitInput, type RateLimitResult } from './rate-limit.ts';
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
