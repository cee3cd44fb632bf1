import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../platform/logger.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../platform/store.ts';
import {
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

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function mint(): { token: string; hash: string } {
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export interface RefreshTokens {
  /** The writes that open a session for `userId` and its first refresh token, for the caller's transaction. */
  startSession(userId: string): { refreshToken: string; sessionId: string; operations: WriteOperation[] };
  /** Spends `token` and returns the next one of its family. Throws `invalid_token`. */
  rotate(token: string): Promise<{ refreshToken: string; sessionId: string; userId: string }>;
  /** Revokes the family `token` belongs to. Unknown tokens are ignored (RFC 7009). */
  revoke(token: string): Promise<void>;
  revokeSession(sessionId: string): Promise<void>;
}

export function createRefreshTokens(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  ttlSeconds: number;
}): RefreshTokens {
  const { store, clock, logger, ttlSeconds } = deps;
  const expiresAt = () => Math.floor(clock.now() / 1000) + ttlSeconds;
  const nowIso = () => new Date(clock.now()).toISOString();

  function tokenPut(hash: string, sessionId: string, userId: string): WriteOperation {
    return refreshTokenPut({
      hash,
      session_id: sessionId,
      user_id: userId,
      created_at: nowIso(),
      expires_at: expiresAt(),
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
    startSession(userId) {
      const sessionId = newId('session', clock.now());
      const { token, hash } = mint();
      const operations = [
        sessionPut({ id: sessionId, user_id: userId, created_at: nowIso(), expires_at: expiresAt() }),
        tokenPut(hash, sessionId, userId),
      ];
      return { refreshToken: token, sessionId, operations };
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
          tokenPut(next.hash, sessionId, userId),
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
      return { refreshToken: next.token, sessionId, userId };
    },

    async revoke(token) {
      if (!token.startsWith(tokenPrefix)) return;
      const current = await readRefreshToken(store, hashToken(token));
      if (current) await revokeSession(current.session_id);
    },

    revokeSession,
  };
}
