import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../platform/logger.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../platform/store.ts';
import {
  queryOpenSessions,
  readRefreshToken,
  refreshTokenPut,
  refreshTokenSpend,
  sessionPut,
  sessionRevocation,
  sessionUse,
} from './store.ts';

/**
 * Refresh tokens are opaque (`rt_` + 32 random bytes, base64url) and stored only as a SHA-256
 * hash: a leaked table does not yield usable tokens. Each one belongs to a session (its family)
 * and is used once: `rotate` marks it used and issues the next in one conditional transaction.
 * Presenting a used token again means a copy exists somewhere, so the whole family is revoked
 * (OAuth 2.0 Security BCP, refresh token rotation). A used token keeps its item until its own
 * expiry so the reuse can be recognised.
 */
const tokenPrefix = 'rt_';
const invalid = () => new AppError('invalid_token', 'the refresh token is invalid');

/** The key a refresh token is stored under (the Cognito adapter records Cognito's tokens the same way). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function mint(): { token: string; hash: string } {
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export interface RefreshTokens {
  /** The writes that open a session for `userId` and its first refresh token, for the caller's transaction. */
  startSession(
    userId: string,
    device?: string,
    options?: { mfa?: boolean },
  ): { refreshToken: string; sessionId: string; mfa: boolean; operations: WriteOperation[] };
  /**
   * Spends `token` and returns the next one of its family, with whether the session was opened
   * with a second factor. Throws `invalid_token`.
   */
  rotate(token: string): Promise<{
    refreshToken: string;
    sessionId: string;
    userId: string;
    mfa: boolean;
    /** When the spent token was issued (ISO 8601). */
    issuedAt: string;
  }>;
  /** Revokes the family `token` belongs to. Unknown tokens are ignored (RFC 7009). */
  revoke(token: string): Promise<void>;
  revokeSession(sessionId: string): Promise<void>;
  /** Revokes every open session of `userId` but `exceptSessionId`. */
  revokeUserSessions(userId: string, exceptSessionId?: string): Promise<void>;
}

/** More than anyone keeps open; `revokeUserSessions` repeats until none is left. */
const sessionPageSize = 100;

export function createRefreshTokens(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  ttlSeconds: number;
}): RefreshTokens {
  const { store, clock, logger, ttlSeconds } = deps;
  const expiresAt = () => Math.floor(clock.now() / 1000) + ttlSeconds;
  const nowIso = () => new Date(clock.now()).toISOString();

  function tokenPut(hash: string, sessionId: string, userId: string, mfa: boolean): WriteOperation {
    return refreshTokenPut({
      hash,
      session_id: sessionId,
      user_id: userId,
      created_at: nowIso(),
      expires_at: expiresAt(),
      ...(mfa ? { mfa: true } : {}),
    });
  }

  async function revokeSession(sessionId: string): Promise<void> {
    try {
      await store.transact([sessionRevocation(sessionId, nowIso())]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error; // already revoked, or gone: nothing to do
    }
  }

  return {
    startSession(userId, device, options = {}) {
      const mfa = options.mfa === true;
      const sessionId = newId('session', clock.now());
      const { token, hash } = mint();
      const now = nowIso();
      const operations = [
        sessionPut({
          id: sessionId,
          user_id: userId,
          created_at: now,
          last_used_at: now,
          expires_at: expiresAt(),
          ...(device ? { device } : {}),
        }),
        tokenPut(hash, sessionId, userId, mfa),
      ];
      return { refreshToken: token, sessionId, mfa, operations };
    },

    async rotate(token) {
      if (!token.startsWith(tokenPrefix)) throw invalid();
      const hash = hashToken(token);
      const current = await readRefreshToken(store, hash);
      if (!current) throw invalid();
      const sessionId = current.session_id;
      const userId = current.user_id;
      if (current.used_at !== undefined) {
        logger.warn('refresh token reused; session revoked', { session_id: sessionId, user_id: userId });
        await revokeSession(sessionId);
        throw invalid();
      }
      if (current.expires_at * 1000 <= clock.now()) throw invalid();

      const next = mint();
      try {
        // Spent once: of two concurrent rotations of one token, exactly one passes the first condition.
        await store.transact([
          refreshTokenSpend(hash, nowIso()),
          sessionUse(sessionId, nowIso(), expiresAt()),
          tokenPut(next.hash, sessionId, userId, current.mfa === true),
        ]);
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        if (error.reasonAt(0) && error.reasonAt(1) === undefined) {
          logger.warn('refresh token reused concurrently; session revoked', {
            session_id: sessionId,
            user_id: userId,
          });
          await revokeSession(sessionId);
        }
        throw invalid();
      }
      return {
        refreshToken: next.token,
        sessionId,
        userId,
        mfa: current.mfa === true,
        issuedAt: current.created_at,
      };
    },

    async revoke(token) {
      if (!token.startsWith(tokenPrefix)) return;
      const current = await readRefreshToken(store, hashToken(token));
      if (current) await revokeSession(current.session_id);
    },

    revokeSession,

    async revokeUserSessions(userId, exceptSessionId) {
      // Each revocation takes the session off the list, so the next query sees the rest (bounded:
      // DynamoDB's index may show revoked sessions a moment longer; revoking again is a no-op).
      for (let round = 0; round < 50; round++) {
        const open = (await queryOpenSessions(store, userId, sessionPageSize)).filter(
          (session) => session.id !== exceptSessionId,
        );
        if (open.length === 0) return;
        for (const session of open) await revokeSession(session.id);
        if (open.length < sessionPageSize - 1) return;
      }
    },
  };
}
