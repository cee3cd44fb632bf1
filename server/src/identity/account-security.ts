import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import type { Identity } from '../platform/identity.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { unknownClientIp, type User } from './model.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import {
  checkMailedCode,
  enforceLimits,
  hashCode,
  invalidCode,
  newNumericCode,
  sendMail,
  type SecurityContext,
} from './security-context.ts';
import { codeConsume, codePut } from './security-store.ts';
import {
  emailVerifiedUpdate,
  passwordReset,
  passwordHashUpdate,
  queryOpenSessions,
  readCredentials,
  readSession,
  readUser,
  readUserIdByEmail,
  sessionsCutOff,
} from './store.ts';

/** How long a mailed code works. */
export const emailCodeTtlSeconds = 24 * 3600;
export const resetCodeTtlSeconds = 15 * 60;

const hour = 3600;
/** Per window of an hour: verification mails per user, reset mails per email and per address, reset confirmations per address. */
export const securityLimits = {
  verificationMailsPerUser: 5,
  resetRequestsPerEmail: 3,
  resetRequestsPerAddress: 10,
  resetConfirmsPerAddress: 20,
  passwordChangesPerUser: 10,
} as const;

const source = 'sluice.identity';

type LimitDeps = Pick<SecurityContext, 'store' | 'clock'>;

/** Counts a verification mail for `userId`; `rate_limited` past `verificationMailsPerUser` an hour. Both adapters call it. */
export function enforceVerificationMailLimit(deps: LimitDeps, userId: string): Promise<void> {
  return enforceLimits(
    deps,
    [
      {
        key: `verify-mail:user:${userId}`,
        limit: securityLimits.verificationMailsPerUser,
        windowSeconds: hour,
      },
    ],
    'too many verification emails; try again later',
  );
}

/**
 * Counts a reset request per address and per email, whether or not the email has an account
 * (so the limit says nothing about that); `rate_limited` past either. Both adapters call it.
 */
export function enforceResetRequestLimits(deps: LimitDeps, email: string, clientIp: string): Promise<void> {
  const limits: { key: string; limit: number; windowSeconds: number }[] = [];
  if (clientIp !== unknownClientIp)
    limits.push({
      key: `reset:ip:${clientIp}`,
      limit: securityLimits.resetRequestsPerAddress,
      windowSeconds: hour,
    });
  limits.push({
    key: `reset:email:${email}`,
    limit: securityLimits.resetRequestsPerEmail,
    windowSeconds: hour,
  });
  return enforceLimits(deps, limits, 'too many password reset requests; try again later');
}

/** Counts a reset confirmation per address (codes for many emails from one place); both adapters call it. */
export async function enforceResetConfirmLimits(deps: LimitDeps, clientIp: string): Promise<void> {
  if (clientIp === unknownClientIp) return;
  await enforceLimits(
    deps,
    [
      {
        key: `reset-confirm:ip:${clientIp}`,
        limit: securityLimits.resetConfirmsPerAddress,
        windowSeconds: hour,
      },
    ],
    'too many password reset attempts; try again later',
  );
}

/**
 * The writes that record a verified email, the same in both adapters: the profile flag (once:
 * it fails when already set) and `user.email_verified` (the wallet pays the sign-up bonus on it).
 */
export function emailVerifiedWrites(user: Pick<User, 'id' | 'email'>, now: number): WriteOperation[] {
  const event = createEvent({
    type: 'user.email_verified',
    source,
    subject: user.id,
    audience: [user.id],
    data: { user_id: user.id, email: user.email },
    now,
  });
  return [emailVerifiedUpdate(user.id), outboxPut(event)];
}

type AccountSecurity = Pick<
  Identity,
  | 'resendEmailVerification'
  | 'verifyEmail'
  | 'requestPasswordReset'
  | 'confirmPasswordReset'
  | 'changePassword'
  | 'listSessions'
  | 'endSession'
  | 'endAllSessions'
>;

/**
 * The writes that give `user` a new email-verification code, and the mail to send once they
 * commit (sign-up puts them in its own transaction).
 */
export async function emailVerificationCode(
  context: SecurityContext,
  user: Pick<User, 'id' | 'email' | 'name'>,
): Promise<{ operations: WriteOperation[]; send: () => Promise<void> }> {
  const code = newNumericCode();
  const expiresAt = Math.floor(context.clock.now() / 1000) + emailCodeTtlSeconds;
  return {
    operations: [codePut(user.id, 'EMAIL', { code_hash: await hashCode(code), expires_at: expiresAt })],
    send: () =>
      sendMail(context, {
        to: user.email,
        userId: user.id,
        subject: 'Verify your email for Sluice',
        text: [
          `Hi ${user.name},`,
          '',
          `Your Sluice verification code is ${code}. It works for 24 hours.`,
          'Enter it on the Verify email page of the dashboard to finish setting up your account.',
          '',
          'If you did not sign up for Sluice, ignore this email.',
        ].join('\n'),
      }),
  };
}

/**
 * Email verification, password reset and change, and the sessions list, for the local issuer.
 *
 * @example const security = createAccountSecurity(context); await security.verifyEmail(caller, '123456');
 */
export function createAccountSecurity(context: SecurityContext): AccountSecurity {
  const { store, clock, logger, refreshTokens } = context;
  // Compared against when the email is unknown, so that answer takes as long as a real one.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('base64url')));

  async function signedInUser(userId: string): Promise<User> {
    const user = await readUser(store, userId);
    if (!user) throw new AppError('invalid_token', 'the access token names an unknown user');
    return user;
  }

  return {
    async resendEmailVerification(caller) {
      const user = await signedInUser(caller.userId);
      if (user.email_verified) return;
      await enforceVerificationMailLimit(context, user.id);
      const { operations, send } = await emailVerificationCode(context, user);
      await store.transact(operations);
      await send();
    },

    async verifyEmail(caller, code) {
      const user = await signedInUser(caller.userId);
      if (user.email_verified) return user;
      const codeHash = await checkMailedCode(context, user.id, 'EMAIL', code);
      try {
        await store.transact([
          codeConsume(user.id, 'EMAIL', codeHash),
          ...emailVerifiedWrites(user, clock.now()),
        ]);
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        // Verified meanwhile (a second tab): quiet, as verifying twice is.
        if (error.reasonAt(1) && !error.reasonAt(0)) return { ...user, email_verified: true };
        throw invalidCode();
      }
      context.forgetProfile(user.id);
      logger.info('email verified', { user_id: user.id });
      return { ...user, email_verified: true };
    },

    async requestPasswordReset({ email, client_ip }) {
      await enforceResetRequestLimits(context, email, client_ip);
      const userId = await readUserIdByEmail(store, email);
      const user = userId === undefined ? undefined : await readUser(store, userId);
      if (!user) {
        // As long as hashing a code for a real account: the answer's timing says nothing either.
        await verifyPassword('000000', await dummy());
        return;
      }
      const code = newNumericCode();
      const expiresAt = Math.floor(clock.now() / 1000) + resetCodeTtlSeconds;
      await store.transact([
        codePut(user.id, 'RESET', { code_hash: await hashCode(code), expires_at: expiresAt }),
      ]);
      await sendMail(context, {
        to: user.email,
        userId: user.id,
        subject: 'Reset your Sluice password',
        text: [
          `Hi ${user.name},`,
          '',
          `Your Sluice password reset code is ${code}. It works once, for 15 minutes.`,
          'Resetting your password signs you out everywhere.',
          '',
          'If you did not ask for this, ignore this email: your password stays as it is.',
        ].join('\n'),
      });
    },

    async confirmPasswordReset({ email, code, new_password, client_ip }) {
      await enforceResetConfirmLimits(context, client_ip);
      checkPasswordPolicy(new_password, { email, param: 'new_password' });
      const userId = await readUserIdByEmail(store, email);
      // No account reads like an account without a code: both answer at once.
      if (userId === undefined) throw invalidCode();
      const codeHash = await checkMailedCode(context, userId, 'RESET', code);
      const passwordHash = await hashPassword(new_password);
      try {
        await store.transact([
          codeConsume(userId, 'RESET', codeHash),
          passwordReset(userId, passwordHash, new Date(clock.now()).toISOString()),
        ]);
      } catch (error) {
        if (isTransactionCanceled(error)) throw invalidCode();
        throw error;
      }
      await refreshTokens.revokeUserSessions(userId);
      logger.info('password reset; every session revoked', { user_id: userId });
    },

    async changePassword(caller, { current_password, new_password }) {
      await enforceLimits(
        context,
        [
          {
            key: `password-change:user:${caller.userId}`,
            limit: securityLimits.passwordChangesPerUser,
            windowSeconds: hour,
          },
        ],
        'too many password changes; try again later',
      );
      const credentials = await readCredentials(store, caller.userId);
      if (!credentials?.passwordHash)
        throw new AppError('invalid_token', 'the access token names an unknown user');
      if (!(await verifyPassword(current_password, credentials.passwordHash)))
        throw new AppError('invalid_credentials', 'the current password is incorrect', {
          param: 'current_password',
        });
      checkPasswordPolicy(new_password, { email: credentials.user.email, param: 'new_password' });
      try {
        await store.transact([
          passwordHashUpdate(caller.userId, await hashPassword(new_password), credentials.passwordHash),
        ]);
      } catch (error) {
        if (isTransactionCanceled(error))
          throw new AppError('conflict', 'the password changed meanwhile; sign in again');
        throw error;
      }
      await refreshTokens.revokeUserSessions(caller.userId, caller.sessionId);
      logger.info('password changed; other sessions revoked', { user_id: caller.userId });
    },

    async listSessions(caller) {
      const now = clock.now();
      const sessions = await queryOpenSessions(store, caller.userId, 100);
      return sessions
        .filter((session) => session.revoked_at === undefined && session.expires_at * 1000 > now)
        .map((session) => ({
          id: session.id,
          device: session.device ?? null,
          created_at: session.created_at,
          last_used_at: session.last_used_at ?? session.created_at,
          current: session.id === caller.sessionId,
        }));
    },

    async endSession(caller, sessionId) {
      const session = await readSession(store, sessionId);
      // Someone else's session reads like one that does not exist.
      if (!session || session.user_id !== caller.userId || session.revoked_at !== undefined)
        throw new AppError('not_found', 'no such session', { param: 'id' });
      await refreshTokens.revokeSession(sessionId);
    },

    async endAllSessions(caller) {
      await store.transact([sessionsCutOff(caller.userId, new Date(clock.now()).toISOString())]);
      await refreshTokens.revokeUserSessions(caller.userId);
    },
  };
}
