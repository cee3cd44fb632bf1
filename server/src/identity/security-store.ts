import { z } from 'zod';
import { readItem, type Item, type Store, type WriteOperation } from '../platform/store.ts';

/**
 * The stored layout of account security (the local issuer's), beside the profile in the user's
 * partition `USER#<user id>`:
 *
 * - one-time codes: sort key `CODE#EMAIL` (email verification) or `CODE#RESET` (password reset),
 *   the code as a salted scrypt hash, its expiry (`expires_at`, the store's TTL) and the attempts
 *   spent on it; a new code replaces the previous one;
 * - `TOTP`: the authenticator secret (base32), `confirmed_at` once enrolment is confirmed, and
 *   `last_step`, the newest time step accepted (a code for it or an earlier step is a replay);
 * - `RECOVERY`: SHA-256 hashes of the unused recovery codes, with a `version` every use bumps;
 *
 * and, under `MFA#<SHA-256 of the token>` / `MFA`, the pending second step of a log-in.
 */
const securityKeys = {
  code: (userId: string, purpose: CodePurpose) => ({ pk: `USER#${userId}`, sk: `CODE#${purpose}` }),
  totp: (userId: string) => ({ pk: `USER#${userId}`, sk: 'TOTP' }),
  recovery: (userId: string) => ({ pk: `USER#${userId}`, sk: 'RECOVERY' }),
  mfaChallenge: (tokenHash: string) => ({ pk: `MFA#${tokenHash}`, sk: 'MFA' }),
};

export const securityKeyPatterns = ['MFA#*'] as const;

export type CodePurpose = 'EMAIL' | 'RESET';

// One-time codes

export interface StoredCode {
  code_hash: string;
  /** Unix seconds: the store's TTL attribute, and the code's end. */
  expires_at: number;
  attempts: number;
}

const codeItemSchema = z.object({
  code_hash: z.string(),
  expires_at: z.number(),
  attempts: z.number().int(),
});

/** Replaces the user's code for `purpose` with a new one, no attempts spent. */
export function codePut(
  userId: string,
  purpose: CodePurpose,
  code: Omit<StoredCode, 'attempts'>,
): WriteOperation {
  return {
    type: 'put',
    item: { ...securityKeys.code(userId, purpose), kind: 'one_time_code', ...code, attempts: 0 },
  };
}

export function readCode(
  store: Store,
  userId: string,
  purpose: CodePurpose,
): Promise<StoredCode | undefined> {
  return readItem(store, securityKeys.code(userId, purpose), (item) => codeItemSchema.parse(item));
}

/**
 * Spends one attempt on the code read as `codeHash`, while fewer than `maxAttempts` are spent:
 * it fails (the code is used up, or was replaced or consumed meanwhile) past that.
 */
export function codeAttempt(
  userId: string,
  purpose: CodePurpose,
  codeHash: string,
  maxAttempts: number,
): WriteOperation {
  return {
    type: 'update',
    key: securityKeys.code(userId, purpose),
    add: { attempts: 1 },
    condition: {
      all: [{ compare: ['code_hash', '=', codeHash] }, { compare: ['attempts', '<', maxAttempts] }],
    },
  };
}

/** Consumes the code read as `codeHash`: of two concurrent uses, one passes. */
export function codeConsume(userId: string, purpose: CodePurpose, codeHash: string): WriteOperation {
  return {
    type: 'delete',
    key: securityKeys.code(userId, purpose),
    condition: { compare: ['code_hash', '=', codeHash] },
  };
}

// TOTP

export interface StoredTotp {
  secret: string;
  confirmed_at?: string | undefined;
  last_step?: number | undefined;
}

const totpItemSchema = z.object({
  secret: z.string(),
  confirmed_at: z.string().optional(),
  last_step: z.number().int().optional(),
});

export function readTotp(store: Store, userId: string): Promise<StoredTotp | undefined> {
  return readItem(store, securityKeys.totp(userId), (item) => totpItemSchema.parse(item));
}

/** A pending enrolment's secret, replacing a pending one but never a confirmed one. */
export function totpPendingPut(userId: string, secret: string): WriteOperation {
  return {
    type: 'put',
    item: { ...securityKeys.totp(userId), kind: 'totp', secret },
    condition: { attributeNotExists: 'confirmed_at' },
  };
}

/** Confirms the pending enrolment of `secret` with the code of `step`. */
export function totpConfirm(userId: string, secret: string, step: number, at: string): WriteOperation {
  return {
    type: 'update',
    key: securityKeys.totp(userId),
    set: { confirmed_at: at, last_step: step },
    condition: { all: [{ compare: ['secret', '=', secret] }, { attributeNotExists: 'confirmed_at' }] },
  };
}

/** Records that the code of `step` was used: fails when that step (or a later one) was used already. */
export function totpStepUse(userId: string, step: number): WriteOperation {
  return {
    type: 'update',
    key: securityKeys.totp(userId),
    set: { last_step: step },
    condition: {
      all: [
        { attributeExists: 'confirmed_at' },
        { any: [{ attributeNotExists: 'last_step' }, { compare: ['last_step', '<', step] }] },
      ],
    },
  };
}

export function totpDelete(userId: string): WriteOperation {
  return { type: 'delete', key: securityKeys.totp(userId) };
}

// Recovery codes

export interface StoredRecoveryCodes {
  hashes: string[];
  version: number;
}

const recoveryItemSchema = z.object({ hashes: z.array(z.string()), version: z.number().int() });

export function readRecoveryCodes(store: Store, userId: string): Promise<StoredRecoveryCodes | undefined> {
  return readItem(store, securityKeys.recovery(userId), (item) => recoveryItemSchema.parse(item));
}

export function recoveryCodesPut(userId: string, hashes: string[]): WriteOperation {
  return {
    type: 'put',
    item: { ...securityKeys.recovery(userId), kind: 'recovery_codes', hashes, version: 1 },
  };
}

/** Leaves `remaining` as the unused codes, unless another use changed them since `version` was read. */
export function recoveryCodesUse(userId: string, remaining: string[], version: number): WriteOperation {
  return {
    type: 'update',
    key: securityKeys.recovery(userId),
    set: { hashes: remaining, version: version + 1 },
    condition: { compare: ['version', '=', version] },
  };
}

export function recoveryCodesDelete(userId: string): WriteOperation {
  return { type: 'delete', key: securityKeys.recovery(userId) };
}

// The second step of a log-in

export interface StoredMfaChallenge {
  user_id: string;
  /** Unix seconds: the store's TTL attribute, and the challenge's end. */
  expires_at: number;
  attempts: number;
}

const challengeItemSchema = z.object({
  user_id: z.string(),
  expires_at: z.number(),
  attempts: z.number().int(),
});

export function mfaChallengePut(tokenHash: string, userId: string, expiresAt: number): WriteOperation {
  return {
    type: 'put',
    item: {
      ...securityKeys.mfaChallenge(tokenHash),
      kind: 'mfa_challenge',
      user_id: userId,
      expires_at: expiresAt,
      attempts: 0,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function readMfaChallenge(store: Store, tokenHash: string): Promise<StoredMfaChallenge | undefined> {
  return readItem(store, securityKeys.mfaChallenge(tokenHash), (item: Item) =>
    challengeItemSchema.parse(item),
  );
}

/** Spends one attempt on the challenge, while fewer than `maxAttempts` are spent. */
export function mfaChallengeAttempt(tokenHash: string, maxAttempts: number): WriteOperation {
  return {
    type: 'update',
    key: securityKeys.mfaChallenge(tokenHash),
    add: { attempts: 1 },
    condition: { all: [{ attributeExists: 'pk' }, { compare: ['attempts', '<', maxAttempts] }] },
  };
}

/** Ends the challenge once it is passed: of two concurrent completions, one passes. */
export function mfaChallengeConsume(tokenHash: string): WriteOperation {
  return { type: 'delete', key: securityKeys.mfaChallenge(tokenHash), condition: { attributeExists: 'pk' } };
}
