import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import {
  isTransactionCanceled,
  type Condition,
  type Item,
  type ItemKey,
  type Store,
  type WriteOperation,
  readItem,
} from '../platform/store.ts';
import type { User } from './model.ts';
import { securityKeyPatterns } from './security-store.ts';

/**
 * Identity's stored layout, the only code that knows it:
 *
 * - profile `USER#<user id>` / `PROFILE`, with the password hash where the local issuer keeps
 *   it, listed in gsi1 `USERS` by `<created_at>#<id>` (the admins' user list);
 * - email pointer `EMAIL#<email>` / `EMAIL` → user id: its create-only put makes an email taken;
 * - local issuer only: session `SESSION#<id>` / `SESSION`, listed in gsi1 `SESSIONS#<user id>` by
 *   `<created_at>#<id>` while it is open, refresh token `REFRESH#<SHA-256 of the token>` /
 *   `REFRESH`, signing key `IDENTITY#SIGNING_KEY` / `CURRENT`, and the account-security items of
 *   `security-store.ts`;
 * - rate-limit counter `RATE#<SHA-256 of the limited key>` / `W#<window start>`.
 */
const identityKeys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' }),
  refreshToken: (tokenHash: string) => ({ pk: `REFRESH#${tokenHash}`, sk: 'REFRESH' }),
  signingKey: { pk: 'IDENTITY#SIGNING_KEY', sk: 'CURRENT' },
};

/** The gsi1 partition that lists every user (`queryUsers`). */
export const usersPartition = 'USERS';

/** Every partition key and index partition identity writes (`*` is one id, email or hash). */
export const identityKeyPatterns = [
  'USER#*',
  'EMAIL#*',
  'USERS',
  'SESSION#*',
  'SESSIONS#*',
  'REFRESH#*',
  ...securityKeyPatterns,
  'RATE#*',
  'IDENTITY#SIGNING_KEY',
] as const satisfies readonly KeyPattern[];

/** The profile item's key. */
export function userKey(userId: string): ItemKey {
  return identityKeys.user(userId);
}

/** The email pointer's key; `email` as normalized. */
export function emailKey(email: string): ItemKey {
  return identityKeys.email(email);
}

/** A put that only creates: a second write of the same key fails its transaction. */
function createOnly(item: Item): WriteOperation {
  return { type: 'put', item, condition: { attributeNotExists: 'pk' } };
}

// Users

const userItemSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  groups: z.array(z.string()),
  created_at: z.string(),
  password_hash: z.string().optional(),
  // Absent on profiles from before verification existed: those users count as verified.
  email_verified: z.boolean().optional(),
  mfa_enabled: z.boolean().optional(),
  sessions_revoked_at: z.string().optional(),
});

/** The user with the password hash the local issuer keeps (absent for Cognito users). */
export interface UserCredentials {
  user: User;
  passwordHash: string | undefined;
  /** Refresh tokens issued before this time (ISO 8601) are refused: every session was ended then. */
  sessionsRevokedAt: string | undefined;
}

function credentialsFromItem(item: Item): UserCredentials {
  const {
    id,
    email,
    name,
    groups,
    created_at,
    password_hash,
    email_verified,
    mfa_enabled,
    sessions_revoked_at,
  } = userItemSchema.parse(item);
  return {
    user: {
      id,
      email,
      name,
      groups,
      created_at,
      email_verified: email_verified ?? true,
      mfa_enabled: mfa_enabled ?? false,
    },
    passwordHash: password_hash,
    sessionsRevokedAt: sessions_revoked_at,
  };
}

/** The user a profile item describes (never its password hash). */
export function userFromItem(item: Item): User {
  return credentialsFromItem(item).user;
}

/** The create-only profile put of a new user, listed under `USERS`; `profile` adds the password hash. */
export function userPut(user: User, profile: { password_hash?: string } = {}): WriteOperation {
  return createOnly({
    ...identityKeys.user(user.id),
    kind: 'user',
    ...user,
    ...profile,
    gsi1pk: usersPartition,
    gsi1sk: `${user.created_at}#${user.id}`,
  });
}

/** The create-only email pointer of a new user: it fails when the email is taken. */
export function emailPointerPut(user: User): WriteOperation {
  return createOnly({ ...identityKeys.email(user.email), kind: 'user_email', user_id: user.id });
}

/** Replaces the password hash, unless it changed since `previousHash` was read. */
export function passwordHashUpdate(userId: string, hash: string, previousHash: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.user(userId),
    set: { password_hash: hash },
    condition: { compare: ['password_hash', '=', previousHash] },
  };
}

/**
 * A reset: sets the password hash, whatever it was, and ends every session at `at` (see
 * `sessionsCutOff`), in one write of the profile. The profile must exist.
 */
export function passwordReset(userId: string, hash: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.user(userId),
    set: { password_hash: hash, sessions_revoked_at: at },
    condition: { attributeExists: 'pk' },
  };
}

/**
 * Ends every session of the user at `at`, whatever the sessions list shows (sessions from before
 * it existed, or an index a moment behind): refresh tokens issued before it are refused.
 */
export function sessionsCutOff(userId: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.user(userId),
    set: { sessions_revoked_at: at },
    condition: { attributeExists: 'pk' },
  };
}

/** Marks the email verified, once: fails when it is verified already. */
export function emailVerifiedUpdate(userId: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.user(userId),
    set: { email_verified: true },
    condition: { all: [{ attributeExists: 'pk' }, { compare: ['email_verified', '=', false] }] },
  };
}

/** Turns two-factor sign-in on or off; the profile must exist. */
export function mfaEnabledUpdate(userId: string, enabled: boolean): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.user(userId),
    set: { mfa_enabled: enabled },
    condition: { attributeExists: 'pk' },
  };
}

export function readCredentials(store: Store, userId: string): Promise<UserCredentials | undefined> {
  return readItem(store, identityKeys.user(userId), credentialsFromItem);
}

export async function readUser(store: Store, userId: string): Promise<User | undefined> {
  return (await readCredentials(store, userId))?.user;
}

const emailPointerItemSchema = z.object({ user_id: z.string() });

/** Whose the (normalized) email is, from its pointer. */
export async function readUserIdByEmail(store: Store, email: string): Promise<string | undefined> {
  const item = await store.get(identityKeys.email(email));
  return item ? emailPointerItemSchema.parse(item).user_id : undefined;
}

/** A page of users, newest first. */
export async function queryUsers(
  store: Store,
  options: { limit: number; cursor?: string },
): Promise<{ users: User[]; cursor: string | undefined }> {
  const page = await store.query({
    index: 'gsi1',
    partition: usersPartition,
    direction: 'desc',
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { users: page.items.map(userFromItem), cursor: page.cursor };
}

// Sessions and refresh tokens (the local issuer)

export interface StoredSession {
  id: string;
  user_id: string;
  created_at: string;
  /** Unix seconds: the store's TTL attribute. */
  expires_at: number;
  /** The client's User-Agent, shortened; absent when it sent none. */
  device?: string | undefined;
  last_used_at?: string | undefined;
  revoked_at?: string | undefined;
  /**
   * Another issuer's name for the newest access token of the session (Cognito's `origin_jti`),
   * which tells the caller's own session in a list and is refused once the session ends.
   */
  access_id?: string | undefined;
}

const sessionItemSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  created_at: z.string(),
  expires_at: z.number(),
  device: z.string().optional(),
  last_used_at: z.string().optional(),
  revoked_at: z.string().optional(),
  access_id: z.string().optional(),
});

function sessionFromItem(item: Item): StoredSession {
  return sessionItemSchema.parse(item);
}

export function readSession(store: Store, sessionId: string): Promise<StoredSession | undefined> {
  return readItem(store, identityKeys.session(sessionId), sessionFromItem);
}

/** The user's open sessions (listed ones: revoked sessions leave the list), newest first. */
export async function queryOpenSessions(
  store: Store,
  userId: string,
  limit: number,
): Promise<StoredSession[]> {
  const page = await store.query({
    index: 'gsi1',
    partition: `SESSIONS#${userId}`,
    direction: 'desc',
    limit,
  });
  return page.items.map(sessionFromItem);
}

export interface StoredRefreshToken {
  /** SHA-256 of the token: the token itself is never stored. */
  hash: string;
  session_id: string;
  user_id: string;
  created_at: string;
  /** Unix seconds: the store's TTL attribute. */
  expires_at: number;
  /** Set once, when the token is spent. */
  used_at?: string;
  /** The session was opened with a second factor (carried from token to token). */
  mfa?: boolean;
}

const refreshTokenItemSchema = z.object({
  session_id: z.string(),
  user_id: z.string(),
  created_at: z.string(),
  expires_at: z.number(),
  used_at: z.string().optional(),
  mfa: z.boolean().optional(),
});

export function sessionPut(session: StoredSession): WriteOperation {
  return createOnly({
    ...identityKeys.session(session.id),
    kind: 'session',
    ...session,
    gsi1pk: `SESSIONS#${session.user_id}`,
    gsi1sk: `${session.created_at}#${session.id}`,
  });
}

export function refreshTokenPut({ hash, ...token }: StoredRefreshToken): WriteOperation {
  return createOnly({ ...identityKeys.refreshToken(hash), kind: 'refresh_token', ...token });
}

export async function readRefreshToken(store: Store, hash: string): Promise<StoredRefreshToken | undefined> {
  const item = await store.get(identityKeys.refreshToken(hash));
  return item ? { hash, ...refreshTokenItemSchema.parse(item) } : undefined;
}

/** Holds while the item exists and `attribute` is not set yet. */
function existsWithout(attribute: string): Condition {
  return { all: [{ attributeExists: 'pk' }, { attributeNotExists: attribute }] };
}

/** Spends the token: of two concurrent spends of one token, exactly one passes. */
export function refreshTokenSpend(hash: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.refreshToken(hash),
    set: { used_at: at },
    condition: existsWithout('used_at'),
  };
}

/** Records a use of the session (and its newest access token's `accessId`) and extends it, unless it was revoked. */
export function sessionUse(
  sessionId: string,
  at: string,
  expiresAt: number,
  accessId?: string,
): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.session(sessionId),
    set: {
      last_used_at: at,
      expires_at: expiresAt,
      ...(accessId !== undefined ? { access_id: accessId } : {}),
    },
    condition: existsWithout('revoked_at'),
  };
}

/**
 * Records as ended a session whose tokens another issuer holds (Cognito's `origin_jti`), until
 * `expiresAt` (unix seconds: past the longest access token it can have issued).
 */
export function foreignSessionRevocation(session: {
  id: string;
  user_id: string;
  at: string;
  expires_at: number;
}): WriteOperation {
  return {
    type: 'put',
    item: {
      ...identityKeys.session(session.id),
      kind: 'session',
      id: session.id,
      user_id: session.user_id,
      created_at: session.at,
      revoked_at: session.at,
      expires_at: session.expires_at,
    },
  };
}

/** Revokes the session once, and takes it off its user's list: a revoked or missing session fails the condition. */
export function sessionRevocation(sessionId: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: identityKeys.session(sessionId),
    set: { revoked_at: at },
    remove: ['gsi1pk', 'gsi1sk'],
    condition: existsWithout('revoked_at'),
  };
}

// Rate limits

/**
 * One counter item per limited key, window and shard (a high limit is spread over several, see
 * `consumeRateLimit`); keys are hashed so emails and addresses never land in keys.
 */
export function rateLimitCounterKey(key: string, windowStart: number, shard = 0): ItemKey {
  const digest = createHash('sha256').update(key).digest('base64url');
  return { pk: `RATE#${digest}`, sk: shard === 0 ? `W#${windowStart}` : `W#${windowStart}#${shard}` };
}

/** Counts one request, only while fewer than `limit` are counted; `expiresAt` (Unix seconds) is the TTL. */
export function rateLimitCount(key: ItemKey, limit: number, expiresAt: number): WriteOperation {
  return {
    type: 'update',
    key,
    add: { count: 1 },
    set: { kind: 'rate_limit', expires_at: expiresAt },
    condition: { any: [{ attributeNotExists: 'count' }, { compare: ['count', '<', limit] }] },
  };
}

const rateLimitItemSchema = z.object({ count: z.number().int() });

/** How many requests the counter holds; undefined when there is no counter. */
export async function readRateLimitCount(store: Store, key: ItemKey): Promise<number | undefined> {
  const item = await store.get(key);
  return item ? rateLimitItemSchema.parse(item).count : undefined;
}

// The local issuer's signing key

const ecPublicJwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.string(),
  x: z.string(),
  y: z.string(),
});
const ecPrivateJwkSchema = ecPublicJwkSchema.extend({ d: z.string() });
type EcPublicJwk = z.infer<typeof ecPublicJwkSchema>;
type EcPrivateJwk = z.infer<typeof ecPrivateJwkSchema>;

/** The JWK exactly as stored (the JWKS route serves it member for member), once it is known to be an EC key. */
const storedJwk = <T>(schema: z.ZodType<T>) =>
  z.custom<T>((value) => schema.safeParse(value).success, { error: 'expected an EC JWK' });

const signingKeyItemSchema = z.object({
  kid: z.string(),
  alg: z.string(),
  public_jwk: storedJwk<EcPublicJwk>(ecPublicJwkSchema),
  private_jwk: storedJwk<EcPrivateJwk>(ecPrivateJwkSchema),
  created_at: z.string(),
});

export type StoredSigningKey = z.infer<typeof signingKeyItemSchema>;

export function signingKeyFromItem(item: Item): StoredSigningKey {
  return signingKeyItemSchema.parse(item);
}

export function readSigningKey(store: Store): Promise<StoredSigningKey | undefined> {
  return readItem(store, identityKeys.signingKey, signingKeyFromItem);
}

/**
 * Stores the key pair every process signs with, unless one is stored already (another process
 * started first), and returns the one that is. The new key is checked as a stored one would be
 * before it is written, so a key that could not be read back is never stored.
 */
export async function putSigningKeyOnce(
  store: Store,
  key: { kid: string; alg: string; public_jwk: JWK; private_jwk: JWK; created_at: string },
): Promise<StoredSigningKey> {
  const item = { ...identityKeys.signingKey, kind: 'signing_key', ...key };
  const stored = signingKeyFromItem(item);
  try {
    await store.transact([createOnly(item)]);
    return stored;
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const winner = await readSigningKey(store);
    if (!winner) throw error;
    return winner;
  }
}
