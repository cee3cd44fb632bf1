import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../../platform/store.ts';
import {
  readRefreshToken,
  refreshTokenHash,
  refreshTokenPut,
  refreshTokenSpend,
  sessionPut,
  sessionRevocation,
  sessionUse,
  type StoredRefreshToken,
} from '../../identity/index.ts';

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
 * @example
 * const sessions = createCognitoSessions({ store, clock, ttlSeconds: config.refreshTokenTtlSeconds });
 * await store.transact([...signUpWrites(user, now), ...sessions.open(user.id, tokens.refresh)]);
 */
export interface CognitoSessions {
  /** The writes that open a session for `userId` whose first refresh token is `refreshToken`. */
  open(userId: string, refreshToken: string, device?: string): WriteOperation[];
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
    userId: string;
  }): Promise<RotationOutcome>;
  /** Ends the session; true if this call ended it (false: ended already, expired, or unknown). */
  revoke(sessionId: string): Promise<boolean>;
}

export type RotationOutcome =
  | { kind: 'rotated'; sessionId: string }
  | { kind: 'reused'; sessionId: string }
  | { kind: 'ended' };

export function createCognitoSessions(deps: {
  store: Store;
  clock: Clock;
  /** The app client's refresh-token validity: how long a session, and a spent token's record, lasts. */
  ttlSeconds: number;
}): CognitoSessions {
  const { store, clock, ttlSeconds } = deps;
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
    userId: string,
    refreshToken: string,
    device?: string,
  ): WriteOperation[] {
    const now = nowIso();
    return [
      sessionPut({
        id: sessionId,
        user_id: userId,
        created_at: now,
        last_used_at: now,
        expires_at: expiresAt(),
        ...(device ? { device } : {}),
      }),
      tokenPut(refreshToken, sessionId, userId),
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
    const { spent, record, next, userId } = rotation;
    const now = nowIso();
    if (record) {
      return {
        sessionId: record.session_id,
        operations: [
          refreshTokenSpend(record.hash, now),
          sessionUse(record.session_id, now, expiresAt()),
          tokenPut(next, record.session_id, userId),
        ],
      };
    }
    const sessionId = newId('session', clock.now());
    return {
      sessionId,
      operations: [tokenPut(spent, sessionId, userId, now), ...sessionWrites(sessionId, userId, next)],
    };
  }

  return {
    open: (userId, refreshToken, device) =>
      sessionWrites(newId('session', clock.now()), userId, refreshToken, device),

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

    async revoke(sessionId) {
      try {
        await store.transact([sessionRevocation(sessionId, nowIso())]);
        return true;
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        return false;
      }
    },
  };
}
