import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors.ts';
import type { Identity, MfaChallenge } from '../platform/identity.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import { identityErrors } from './errors.ts';
import type { User } from './model.ts';
import {
  enforceLimits,
  findRecoveryCode,
  hashRecoveryCode,
  invalidCode,
  newRecoveryCodes,
  type SecurityContext,
} from './security-context.ts';
import {
  mfaChallengeAttempt,
  mfaChallengeConsume,
  mfaChallengePut,
  readMfaChallenge,
  readRecoveryCodes,
  readTotp,
  recoveryCodesDelete,
  recoveryCodesPut,
  recoveryCodesUse,
  totpConfirm,
  totpDelete,
  totpPendingPut,
  totpStepUse,
} from './security-store.ts';
import { mfaEnabledUpdate, readUser } from './store.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

/** How long the second step of a log-in may wait, and how many codes it may try. */
export const mfaChallengeTtlSeconds = 300;
export const maxChallengeAttempts = 5;
/** Codes (TOTP or recovery) a user may try per window, across challenges, enrolment and disabling. */
export const secondFactorLimit = { attempts: 10, windowSeconds: 15 * 60 } as const;

const challengePrefix = 'mfa_';
const invalidChallenge = () =>
  new AppError('invalid_token', 'the sign-in step has expired or was used; sign in again', {
    param: 'mfa_token',
  });
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Counts one code tried by `userId`; `rate_limited` past `secondFactorLimit`. Both adapters call it. */
export function enforceSecondFactorLimit(
  deps: Pick<SecurityContext, 'store' | 'clock'>,
  userId: string,
): Promise<void> {
  return enforceLimits(
    deps,
    [
      {
        key: `mfa:user:${userId}`,
        limit: secondFactorLimit.attempts,
        windowSeconds: secondFactorLimit.windowSeconds,
      },
    ],
    'too many two-factor codes tried; try again later',
  );
}

type SecondFactor = Pick<Identity, 'startTotpEnrolment' | 'confirmTotp' | 'disableTotp'> & {
  /** The challenge a log-in of a two-factor user answers with. */
  challenge(userId: string): Promise<MfaChallenge>;
  /** Passes the challenge with a code: the user it was for, once. */
  passChallenge(input: { mfa_token: string; code: string }): Promise<User>;
};

/**
 * TOTP enrolment, recovery codes and the second step of a log-in, for the local issuer. Every
 * code tried counts against `secondFactorLimit` per user; a TOTP code is accepted once (its time
 * step is recorded), a recovery code once (it is removed).
 *
 * @example const factor = createSecondFactor(context); const { secret } = await factor.startTotpEnrolment(caller);
 */
export function createSecondFactor(
  context: SecurityContext,
  options: { issuerName?: string } = {},
): SecondFactor {
  const { store, clock, logger } = context;
  const issuerName = options.issuerName ?? 'Sluice';

  async function userOf(userId: string): Promise<User> {
    const user = await readUser(store, userId);
    if (!user) throw new AppError('invalid_token', 'the access token names an unknown user');
    return user;
  }

  const limitAttempts = (userId: string) => enforceSecondFactorLimit(context, userId);

  /** Accepts a current TOTP code or an unused recovery code once, recording its use. Throws `invalid_code`. */
  async function useSecondFactor(userId: string, code: string): Promise<void> {
    await limitAttempts(userId);
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const totp = await readTotp(store, userId);
      if (!totp?.confirmed_at) throw invalidCode();
      const step = matchTotp(totp.secret, trimmed, clock.now());
      if (step === undefined) throw invalidCode();
      try {
        await store.transact([totpStepUse(userId, step)]);
      } catch (error) {
        if (isTransactionCanceled(error))
          throw invalidCode('this code was used already; wait for the next one');
        throw error;
      }
      return;
    }
    const recovery = await readRecoveryCodes(store, userId);
    const index = recovery ? findRecoveryCode(recovery.hashes, trimmed) : -1;
    if (!recovery || index === -1) throw invalidCode();
    const remaining = recovery.hashes.filter((_, i) => i !== index);
    try {
      await store.transact([recoveryCodesUse(userId, remaining, recovery.version)]);
    } catch (error) {
      if (isTransactionCanceled(error)) throw invalidCode('this recovery code was used already');
      throw error;
    }
    logger.info('recovery code used', { user_id: userId, remaining: remaining.length });
  }

  return {
    async startTotpEnrolment(caller) {
      const user = await userOf(caller.userId);
      const alreadyEnabled = () =>
        identityErrors.error('mfa_already_enabled', 'two-factor sign-in is on already; turn it off first');
      if (user.mfa_enabled) throw alreadyEnabled();
      const secret = newTotpSecret();
      try {
        await store.transact([totpPendingPut(user.id, secret)]);
      } catch (error) {
        if (isTransactionCanceled(error)) throw alreadyEnabled();
        throw error;
      }
      return { secret, otpauth_url: totpUri(secret, user.email, issuerName) };
    },

    async confirmTotp(caller, code) {
      const user = await userOf(caller.userId);
      if (user.mfa_enabled)
        throw identityErrors.error('mfa_already_enabled', 'two-factor sign-in is on already');
      const totp = await readTotp(store, user.id);
      if (!totp || totp.confirmed_at)
        throw identityErrors.error('mfa_not_enabled', 'start enrolment first (POST /v1/me/mfa/totp)');
      await limitAttempts(user.id);
      const step = matchTotp(totp.secret, code.trim(), clock.now());
      if (step === undefined) throw invalidCode();
      const recoveryCodes = newRecoveryCodes();
      try {
        await store.transact([
          totpConfirm(user.id, totp.secret, step, new Date(clock.now()).toISOString()),
          mfaEnabledUpdate(user.id, true),
          recoveryCodesPut(user.id, recoveryCodes.map(hashRecoveryCode)),
        ]);
      } catch (error) {
        // Restarted or confirmed meanwhile: this code belongs to an enrolment that is gone.
        if (isTransactionCanceled(error)) throw invalidCode('the enrolment changed meanwhile; start again');
        throw error;
      }
      context.forgetProfile(user.id);
      logger.info('two-factor sign-in enabled', { user_id: user.id });
      return { recovery_codes: recoveryCodes };
    },

    async disableTotp(caller, code) {
      const user = await userOf(caller.userId);
      if (!user.mfa_enabled) throw identityErrors.error('mfa_not_enabled', 'two-factor sign-in is off');
      await useSecondFactor(user.id, code);
      await store.transact([
        totpDelete(user.id),
        recoveryCodesDelete(user.id),
        mfaEnabledUpdate(user.id, false),
      ]);
      context.forgetProfile(user.id);
      logger.info('two-factor sign-in disabled', { user_id: user.id });
    },

    async challenge(userId) {
      const token = `${challengePrefix}${randomBytes(32).toString('base64url')}`;
      const expiresAt = Math.floor(clock.now() / 1000) + mfaChallengeTtlSeconds;
      await store.transact([mfaChallengePut(hashToken(token), userId, expiresAt)]);
      return { mfa_required: true, mfa_token: token };
    },

    async passChallenge({ mfa_token, code }) {
      if (!mfa_token.startsWith(challengePrefix)) throw invalidChallenge();
      const tokenHash = hashToken(mfa_token);
      const challenge = await readMfaChallenge(store, tokenHash);
      if (!challenge || challenge.expires_at * 1000 <= clock.now()) throw invalidChallenge();
      try {
        await store.transact([mfaChallengeAttempt(tokenHash, maxChallengeAttempts)]);
      } catch (error) {
        if (isTransactionCanceled(error)) throw invalidChallenge();
        throw error;
      }
      await useSecondFactor(challenge.user_id, code);
      try {
        await store.transact([mfaChallengeConsume(tokenHash)]);
      } catch (error) {
        if (isTransactionCanceled(error)) throw invalidChallenge();
        throw error;
      }
      return userOf(challenge.user_id);
    },
  };
}
