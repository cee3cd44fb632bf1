import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../../platform/store.ts';
import {
  foreignSessionRevocation,
  queryOpenSessions,
  readRefreshToken,
  readSession,
  refreshTokenHash,
  refreshTokenPut,
  refreshTokenSpend,
  sessionPut,
  sessionRevocation,
  sessionUse,
  type StoredRefreshToken,
} from '../../identity/index.ts';
import type { Session } from '../../platform/identity.ts';

/**
 * The sessions (refresh-token families) the Cognito adapter keeps beside the user pool, so that a
 * rotated-out refresh token presented again is recognised: Cognito rotates refresh tokens itself,
 * accepts a rotated-out one again for the app client's grace period and never reports a reuse.
 *
 * The items are the local issuer's own (`identity/store.ts`): a session per sign-in and, per
 * refresh token Cognito hands out, a `REFRESH#<SHA-256>` item naming its session, never the
 * token. Rotating spends the old token's item (`used_at`, kept until it would have expired:
 * the refresh-token lifetime) in a conditional transaction, so of two refreshes with one token
 * exactly one records the rotation; the other, and any later use of a spent token, is a reuse.
 *
 * The session also names its newest access token by Cognito's `origin_jti` (`access_id`): that
 * tells the caller's own session in the list, and ending a session records that name as ended
 * too, so the access token is refused like one sent with a log-out. Older access tokens of the
 * session (from before its last refresh) are not named and live until they expire.
 *
 * @example
 * const sessions = createCognitoSessions({ store, clock, ttlSeconds: config.refreshTokenTtlSeconds });
 * await store.transact([...signUpWrites(user, now), ...sessions.open(user.id, tokens.refresh)]);
 */
export interface CognitoSessions {
  /**
   * The writes that open a session for `userId` whose first tokens are `refreshToken` and the
   * access token Cognito names `accessId`.
   */
  open(session: {
    userId: string;
    refreshToken: string;
    accessId?: string;
    device?: string;
  }): WriteOperation[];
  /** What is recorded of `refreshToken`: nothing for a token issued before sessions were kept. */
  find(refreshToken: string): Promise<StoredRefreshToken | undefined>;
  /**
   * Records that Cognito rotated `spent` (recorded as `record`, or not at all) into `next` for
   * `userId`: `rotated`, or `reused` (the same token was rotated already, concurrently: the
   * session it belongs to is named), or `ended` (its session was revoked or has expired).
   */
  recordRotation(rotation: {
    spent: string;
    record: StoredRefreshToken | undefined;
    next: string;
    /** The `origin_jti` of the access token minted with `next`. */
    accessId?: string;
    userId: string;
  }): Promise<RotationOutcome>;
  /**
   * Ends the session and its newest access token; true if this call ended it (false: ended
   * already, expired, or unknown).
   */
  revoke(sessionId: string): Promise<boolean>;
  /** Ends every open session of `userId` (after a sign-out everywhere at Cognito). */
  revokeAll(userId: string): Promise<void>;
  /** The open sessions of `userId`, newest first; `current` is the one whose newest access token is `accessId`. */
  list(userId: string, accessId: string | undefined): Promise<Session[]>;
  /** Whether `sessionId` is an open session of `userId`'s (the only ones `userId` may end). */
  findOpen(userId: string, sessionId: string): Promise<boolean>;
}

/** More than anyone keeps open; `revokeAll` repeats until none is left. */
const sessionPageSize = 100;

export type RotationOutcome =
  | { kind: 'rotated'; sessionId: string }
  | { kind: 'reused'; sessionId: string }
  | { kind: 'ended' };

export function createCognitoSessions(deps: {
  store: Store;
  clock: Clock;
  /** The app client's refresh-token validity: how long a session, and a spent token's record, lasts. */
  ttlSeconds: number;
  /** The longest an access token can live: how long an ended session's access token is remembered. */
  accessTokenMaxSeconds: number;
}): CognitoSessions {
  const { store, clock, ttlSeconds, accessTokenMaxSeconds } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const expiresAt = () => Math.floor(clock.now() / 1000) + ttlSeconds;

  const tokenPut = (token: string, sessionId: string, userId: string, usedAt?: string) =>
    refreshTokenPut({
      hash: refreshTokenHash(token),
      session_id: sessionId,
      user_id: userId,
      created_at: nowIso(),
      expires_at: expiresAt(),
      ...(usedAt !== undefined ? { used_at: usedAt } : {}),
    });

  function sessionWrites(
    sessionId: string,
    session: Parameters<CognitoSessions['open']>[0],
  ): WriteOperation[] {
    const now = nowIso();
    return [
      sessionPut({
        id: sessionId,
        user_id: session.userId,
        created_at: now,
        last_used_at: now,
        expires_at: expiresAt(),
        ...(session.device ? { device: session.device } : {}),
        ...(session.accessId ? { access_id: session.accessId } : {}),
      }),
      tokenPut(session.refreshToken, sessionId, session.userId),
    ];
  }

  /**
   * The writes of a rotation, the spent token's first. A token with no record (handed out before
   * sessions were kept here) gets a session now and its record created spent: a create-only put,
   * so that of two concurrent rotations of it one loses as well.
   */
  function rotationWrites(rotation: Parameters<CognitoSessions['recordRotation']>[0]): {
    sessionId: string;
    operations: WriteOperation[];
  } {
    const { spent, record, next, accessId, userId } = rotation;
    const now = nowIso();
    if (record) {
      return {
        sessionId: record.session_id,
        operations: [
          refreshTokenSpend(record.hash, now),
          sessionUse(record.session_id, now, expiresAt(), accessId),
          tokenPut(next, record.session_id, userId),
        ],
      };
    }
    const sessionId = newId('session', clock.now());
    return {
      sessionId,
      operations: [
        tokenPut(spent, sessionId, userId, now),
        ...sessionWrites(sessionId, { userId, refreshToken: next, ...(accessId ? { accessId } : {}) }),
      ],
    };
  }

  /**
   * Revokes the session and records its newest access token as ended, on the condition that the
   * session still names that token: a refresh that lands in between makes it read again.
   */
  async function revoke(sessionId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = await readSession(store, sessionId);
      if (!session || session.revoked_at !== undefined) return false;
      const at = nowIso();
      const revocation = sessionRevocation(sessionId, at) as Extract<WriteOperation, { type: 'update' }>;
      const accessId = session.access_id;
      try {
        await store.transact([
          {
            ...revocation,
            condition: {
              all: [
                revocation.condition!,
                accessId === undefined
                  ? { attributeNotExists: 'access_id' }
                  : { compare: ['access_id', '=', accessId] },
              ],
            },
          },
          ...(accessId === undefined
            ? []
            : [
                foreignSessionRevocation({
                  id: accessId,
                  user_id: session.user_id,
                  at,
                  expires_at: Math.floor(clock.now() / 1000) + accessTokenMaxSeconds,
                }),
              ]),
        ]);
        return true;
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
      }
    }
    return false;
  }

  return {
    open: (session) => sessionWrites(newId('session', clock.now()), session),

    find: (refreshToken) => readRefreshToken(store, refreshTokenHash(refreshToken)),

    async recordRotation(rotation) {
      const { sessionId, operations } = rotationWrites(rotation);
      try {
        await store.transact(operations);
        return { kind: 'rotated', sessionId };
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        // The spent token's item: recorded by the refresh that won, which names its session.
        const spentAlready = error.reasonAt(0);
        if (spentAlready) {
          const winner = spentAlready.item?.session_id;
          return { kind: 'reused', sessionId: typeof winner === 'string' ? winner : sessionId };
        }
        return { kind: 'ended' };
      }
    },

    revoke,

    async revokeAll(userId) {
      // Each revocation takes the session off the list, so the next page shows the rest (bounded:
      // DynamoDB's index may show a revoked session a moment longer; revoking again is a no-op).
      for (let round = 0; round < 50; round++) {
        const open = await queryOpenSessions(store, userId, sessionPageSize);
        if (open.length === 0) return;
        for (const session of open) await revoke(session.id);
        if (open.length < sessionPageSize) return;
      }
    },

    async list(userId, accessId) {
      const now = clock.now();
      return (await queryOpenSessions(store, userId, sessionPageSize))
        .filter((session) => session.revoked_at === undefined && session.expires_at * 1000 > now)
        .map((session) => ({
          id: session.id,
          device: session.device ?? null,
          created_at: session.created_at,
          last_used_at: session.last_used_at ?? session.created_at,
          current: accessId !== undefined && session.access_id === accessId,
        }));
    },

    async findOpen(userId, sessionId) {
      const session = await readSession(store, sessionId);
      return session?.user_id === userId && session.revoked_at === undefined;
    },
  };
}
