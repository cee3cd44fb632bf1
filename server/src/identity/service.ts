import { randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from '../platform/notifier.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../platform/store.ts';
import { groups as knownGroups, type AuthResponse, type SignUpInput, type User } from './model.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import { enforceLoginLimits, enforceSignUpLimits } from './rate-limit.ts';
import { createRefreshTokens } from './refresh-tokens.ts';
import { createAccountSecurity, emailVerificationCode } from './account-security.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import type { SecurityContext } from './security-context.ts';
import { createSecondFactor } from './second-factor.ts';
import {
  emailPointerPut,
  passwordHashUpdate,
  queryUsers,
  readCredentials,
  readUser,
  readUserIdByEmail,
  userPut,
} from './store.ts';
import { createAccessTokens } from './tokens.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { createSessionRevocations } from './revocation.ts';

import type { Identity } from '../platform/identity.ts';

export type { Identity };
// The AWS identity adapter reads and writes the same profile and email items through these.
export { emailKey, userKey } from './store.ts';

export interface LocalIdentityDeps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  /**
   * Where verification and reset codes are mailed (the local mailbox). Without one, codes are
   * stored but not sent, and that is logged: fine for tests that never read them.
   */
  notifier?: Notifier;
}

const source = 'sluice.identity';
const badCredentials = () => new AppError('invalid_credentials', 'the email or password is incorrect');

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A new user as both identity adapters record it: the email as given (normalized), the name
 * trimmed, `admin` for the configured admin emails.
 *
 * @example const user = newUser(input, newId('user', now), now, new Set(config.adminEmails));
 */
export function newUser(
  input: SignUpInput,
  id: string,
  now: number,
  adminEmails: ReadonlySet<string>,
  emailVerified = false,
): User {
  const email = normalizeEmail(input.email);
  return {
    id,
    email,
    name: input.name.trim(),
    groups: adminEmails.has(email) ? [knownGroups.admin] : [],
    created_at: new Date(now).toISOString(),
    email_verified: emailVerified,
    mfa_enabled: false,
  };
}

/** What a session records of the client: its User-Agent, cut to a length worth showing. */
export function deviceOf(userAgent: string | undefined): string | undefined {
  const device = userAgent?.trim().slice(0, 200);
  return device ? device : undefined;
}

/**
 * The writes that record a new user, the same in both identity adapters: the profile (listed
 * under `USERS`, for the admin list), the email pointer and `user.signed_up` (the wallet opens
 * the account from it). Both puts are create-only: a taken email fails the transaction at
 * index `signUpEmailIndex`. `profile` adds attributes to the profile item (a password hash).
 *
 * @example await store.transact(signUpWrites(user, clock.now(), { password_hash }));
 */
export function signUpWrites(
  user: User,
  now: number,
  profile: { password_hash?: string } = {},
): WriteOperation[] {
  const event = createEvent({
    type: 'user.signed_up',
    source,
    subject: user.id,
    audience: [user.id],
    data: { user_id: user.id, email: user.email, name: user.name },
    now,
  });
  return [userPut(user, profile), emailPointerPut(user), outboxPut(event)];
}

/** Where `signUpWrites` puts the email pointer: a cancellation there means the email is taken. */
export const signUpEmailIndex = 1;

export function createLocalIdentity(deps: LocalIdentityDeps): Identity {
  const { store, clock, config, logger, notifier } = deps;
  const accessTokens = createAccessTokens({ store, clock, config });
  const refreshTokens = createRefreshTokens({
    store,
    clock,
    logger,
    ttlSeconds: config.refreshTokenTtlSeconds,
  });
  const adminEmails = new Set(config.adminEmails.map(normalizeEmail));
  // Compared against when the email is unknown, so that answer takes as long as a wrong password.
  let dummyHash: Promise<string> | undefined;

  async function respond(
    user: User,
    session: { sessionId: string; refreshToken: string; mfa: boolean },
  ): Promise<AuthResponse> {
    const { sessionId, refreshToken, mfa } = session;
    const accessToken = await accessTokens.sign({
      userId: user.id,
      email: user.email,
      groups: user.groups,
      sessionId,
      mfa,
    });
    return {
      user: { id: user.id, email: user.email, name: user.name, groups: user.groups },
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: config.accessTokenTtlSeconds,
    };
  }

  // Every wallet transfer looks up two people, so profiles (id, email, name, groups) and the
  // email → user pointers are kept in memory for a minute once read. Nothing changes them after
  // sign-up but verification and two-factor enrolment, which drop the entry here (`forgetProfile`); the minute bounds how long
  // another process (or a change behind the identity's back) can be out of date.
  const profiles = new ExpiringCache<string, User>(clock, 60_000, 10_000);
  const userIdsByEmail = new ExpiringCache<string, string>(clock, 60_000, 10_000);
  const revocations = createSessionRevocations({ store, clock });

  async function cachedUser(userId: string): Promise<User | undefined> {
    const cached = profiles.get(userId);
    if (cached) return cached;
    const user = await readUser(store, userId);
    if (user) profiles.set(userId, user);
    return user;
  }

  async function upgradeHash(userId: string, previousHash: string, password: string): Promise<void> {
    try {
      await store.transact([passwordHashUpdate(userId, await hashPassword(password), previousHash)]);
    } catch (error) {
      // Best effort: a concurrent change of the hash wins, and the login still succeeds.
      if (!isTransactionCanceled(error))
        logger.warn('password rehash failed', { user_id: userId, error: String(error) });
    }
  }

  const securityContext: SecurityContext = {
    store,
    clock,
    config,
    logger,
    notifier,
    refreshTokens,
    forgetProfile: (userId) => profiles.delete(userId),
  };
  const accountSecurity = createAccountSecurity(securityContext);
  const secondFactor = createSecondFactor(securityContext);

  return {
    ...accountSecurity,
    startTotpEnrolment: secondFactor.startTotpEnrolment,
    confirmTotp: secondFactor.confirmTotp,
    disableTotp: secondFactor.disableTotp,

    async signUp(input) {
      checkPasswordPolicy(input.password, { email: input.email, param: 'password' });
      await enforceSignUpLimits({ store, clock, config }, input.client_ip);
      const now = clock.now();
      const id = newId('user', now);
      const isVerified = input.email_verified === true || !config.requireEmailVerification;
      const user = newUser(input, id, now, adminEmails, isVerified);
      const session = refreshTokens.startSession(id, deviceOf(input.device));
      const verification = isVerified ? undefined : await emailVerificationCode(securityContext, user);
      try {
        await store.transact([
          ...signUpWrites(user, now, { password_hash: await hashPassword(input.password) }),
          ...session.operations,
          ...(verification?.operations ?? []),
        ]);
      } catch (error) {
        if (isTransactionCanceled(error) && error.reasonAt(signUpEmailIndex)) {
          throw new AppError('email_taken', 'an account with this email already exists', { param: 'email' });
        }
        throw error;
      }
      logger.info('user signed up', { user_id: id });
      await verification?.send();
      return respond(user, session);
    },

    async logIn(input) {
      const email = normalizeEmail(input.email);
      dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
      await enforceLoginLimits({ store, clock, config }, email, input.client_ip);
      const userId = await readUserIdByEmail(store, email);
      const credentials = userId === undefined ? undefined : await readCredentials(store, userId);
      const passwordHash = credentials?.passwordHash;
      if (!credentials || passwordHash === undefined) {
        await verifyPassword(input.password, await dummyHash);
        throw badCredentials();
      }
      const { user } = credentials;
      if (!(await verifyPassword(input.password, passwordHash))) throw badCredentials();
      if (needsRehash(passwordHash)) await upgradeHash(user.id, passwordHash, input.password);
      if (user.mfa_enabled) return secondFactor.challenge(user.id);
      const session = refreshTokens.startSession(user.id, deviceOf(input.device));
      await store.transact(session.operations);
      return respond(user, session);
    },

    async completeMfaLogIn(input) {
      const user = await secondFactor.passChallenge(input);
      const session = refreshTokens.startSession(user.id, deviceOf(input.device), { mfa: true });
      await store.transact(session.operations);
      logger.info('signed in with a second factor', { user_id: user.id });
      return respond(user, session);
    },

    async refresh(refreshToken) {
      const next = await refreshTokens.rotate(refreshToken);
      const credentials = await readCredentials(store, next.userId);
      const user = credentials?.user;
      const isCutOff =
        credentials?.sessionsRevokedAt !== undefined && next.issuedAt < credentials.sessionsRevokedAt;
      if (!user || isCutOff) {
        await refreshTokens.revokeSession(next.sessionId);
        throw new AppError('invalid_token', 'the refresh token is invalid');
      }
      return respond(user, next);
    },

    async logOut(refreshToken, caller) {
      await refreshTokens.revoke(refreshToken);
      // The session of the access token sent along ends too, whatever the refresh token was (one
      // already rotated away, or mistyped, must not leave the signed-out session open).
      if (caller?.sessionId !== undefined) await refreshTokens.revokeSession(caller.sessionId);
    },

    async verifyAccessToken(token) {
      const principal = await accessTokens.verify(token);
      // A valid signature is not enough: a token for nobody must not open a wallet (or anything
      // else) for an id no one signed up with. Cognito's adapter refuses the same way.
      if (!(await cachedUser(principal.userId)))
        throw new AppError('invalid_token', 'the access token names an unknown user');
      // A signature outlives its session: a session ended (log-out, a reused refresh token, a
      // password change, "end session") or expired refuses its access tokens within seconds.
      if (
        principal.sessionId !== undefined &&
        (await revocations.sessionState(principal.sessionId)) !== 'open'
      )
        throw new AppError('invalid_token', 'the session of this access token has ended');
      return principal;
    },

    getUser: (userId) => cachedUser(userId),

    async findUserByEmail(email) {
      const normalized = normalizeEmail(email);
      const userId = userIdsByEmail.get(normalized);
      if (userId) return cachedUser(userId);
      const pointedTo = await readUserIdByEmail(store, normalized);
      if (pointedTo === undefined) return undefined;
      userIdsByEmail.set(normalized, pointedTo);
      return cachedUser(pointedTo);
    },

    jwks: () => accessTokens.jwks(),

    async listUsers({ limit, cursor }) {
      const page = await queryUsers(store, { limit, ...(cursor ? { cursor } : {}) });
      return { users: page.users, next_cursor: page.cursor };
    },
  };
}
