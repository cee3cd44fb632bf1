import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from '../platform/notifier.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { identityErrors } from './errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { consumeRateLimit, retryAfterSeconds } from './rate-limit.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { codeAttempt, readCode, type CodePurpose } from './security-store.ts';

/** What the account-security use cases share with the rest of the local issuer. */
export interface SecurityContext {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Where codes are mailed; without one (some tests) they are not sent, and that is logged. */
  notifier: Notifier | undefined;
  refreshTokens: RefreshTokens;
  /** Drops the cached profile after a change to it. */
  forgetProfile(userId: string): void;
}

/** Attempts allowed on one mailed code; past them it is dead and a new one must be asked for. */
export const maxCodeAttempts = 5;

export const invalidCode = (message = 'the code is wrong, used already, or was never sent') =>
  identityErrors.error('invalid_code', message, { param: 'code' });

/** Six random digits, as people type them from an email. */
export function newNumericCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Mailed codes are short, so they are stored as salted scrypt hashes (the password hash): a
 * copied table does not give them away within their lifetime.
 */
export const hashCode = (code: string): Promise<string> => hashPassword(code);

/**
 * Checks `code` against the user's code for `purpose`, spending one of its attempts first (so
 * guesses stop at `maxCodeAttempts`, concurrent ones included), and returns the stored hash for
 * the caller's consuming write. Throws `invalid_code` (none, wrong, attempts spent) or `code_expired`.
 */
export async function checkMailedCode(
  context: SecurityContext,
  userId: string,
  purpose: CodePurpose,
  code: string,
): Promise<string> {
  const stored = await readCode(context.store, userId, purpose);
  if (!stored) throw invalidCode();
  if (stored.expires_at * 1000 <= context.clock.now())
    throw identityErrors.error('code_expired', 'the code has expired; ask for a new one', { param: 'code' });
  try {
    await context.store.transact([codeAttempt(userId, purpose, stored.code_hash, maxCodeAttempts)]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    throw invalidCode('too many wrong attempts for this code; ask for a new one');
  }
  if (!(await verifyPassword(code.trim(), stored.code_hash))) throw invalidCode();
  return stored.code_hash;
}

/**
 * Counts one request against each limit and throws `rate_limited` (with `details.retry_after`)
 * at the first one reached.
 */
export async function enforceLimits(
  context: Pick<SecurityContext, 'store' | 'clock'>,
  limits: { key: string; limit: number; windowSeconds: number }[],
  message: string,
): Promise<void> {
  const now = context.clock.now();
  for (const { key, limit, windowSeconds } of limits) {
    const result = await consumeRateLimit(context.store, { key, limit, windowSeconds, now });
    if (!result.allowed)
      throw new AppError('rate_limited', message, {
        details: { retry_after: retryAfterSeconds(result, now) },
      });
  }
}

/**
 * Sends an email through the notifier. Never throws: the flows that mail (sign-up, a reset
 * request) must answer the same whether or not the mail went out; a failure is logged without
 * the body (it holds a code).
 */
export async function sendMail(
  context: Pick<SecurityContext, 'notifier' | 'logger'>,
  message: { to: string; subject: string; text: string; userId: string | undefined },
): Promise<void> {
  if (!context.notifier) {
    context.logger.warn('no notifier: email not sent', { subject: message.subject, user_id: message.userId });
    return;
  }
  try {
    await context.notifier.sendEmail({ to: message.to, subject: message.subject, text: message.text });
  } catch (error) {
    context.logger.error('could not send email', {
      subject: message.subject,
      user_id: message.userId,
      error: error instanceof Error ? error.name : typeof error,
    });
  }
}

// Recovery codes: 10 characters from an alphabet without look-alikes (about 49 bits), grouped
// as xxxxx-xxxxx. High entropy, so a plain SHA-256 is enough to store them.

const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => recoveryAlphabet[randomInt(recoveryAlphabet.length)]).join(
      '',
    );
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a recovery code, as typed or not (case, dashes and spaces do not matter). */
export function hashRecoveryCode(code: string): string {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normalized).digest('hex');
}

/** The index of `code` among `hashes`, compared in constant time per entry, or -1. */
export function findRecoveryCode(hashes: readonly string[], code: string): number {
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  let found = -1;
  hashes.forEach((hash, index) => {
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate) && found === -1)
      found = index;
  });
  return found;
}
