import type { Clock } from '../kernel/clock.ts';
import type { Store } from '../platform/store.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { readCredentials, readSession } from './store.ts';

/**
 * How long a process trusts what it read about a session or a user's sign-outs: a revocation
 * (log-out, a reused refresh token, a password change or reset, an ended session) refuses that
 * session's access tokens in every process within this, not when they expire.
 */
export const revocationCheckMs = 2_000;

/** What the store says of a session: open, ended (`revoked_at`), or not there at all (expired by TTL). */
export type SessionState = 'open' | 'revoked' | 'missing';

export interface SessionRevocations {
  /** The session's state, read at most once per {@link revocationCheckMs} per process. */
  sessionState(sessionId: string): Promise<SessionState>;
  /**
   * When every session of the user was ended (`sessions_revoked_at`, epoch ms: a password reset,
   * "sign out everywhere", a Cognito global sign-out), read at most once per {@link revocationCheckMs}.
   */
  signedOutAt(userId: string): Promise<number | undefined>;
}

/**
 * The revocation state access-token checks consult, cached briefly so a busy session costs one
 * read per process every {@link revocationCheckMs} rather than one per request.
 *
 * @example
 * const revocations = createSessionRevocations({ store, clock });
 * if ((await revocations.sessionState(principal.sessionId)) !== 'open') throw invalidToken();
 */
export function createSessionRevocations(deps: { store: Store; clock: Clock }): SessionRevocations {
  const { store, clock } = deps;
  const sessions = new ExpiringCache<string, SessionState>(clock, revocationCheckMs, 10_000);
  const signOuts = new ExpiringCache<string, { at: number | undefined }>(clock, revocationCheckMs, 10_000);
  return {
    async sessionState(sessionId) {
      const cached = sessions.get(sessionId);
      if (cached) return cached;
      const session = await readSession(store, sessionId);
      const state: SessionState = !session
        ? 'missing'
        : session.revoked_at !== undefined
          ? 'revoked'
          : 'open';
      sessions.set(sessionId, state);
      return state;
    },
    async signedOutAt(userId) {
      const cached = signOuts.get(userId);
      if (cached) return cached.at;
      const revokedAt = (await readCredentials(store, userId))?.sessionsRevokedAt;
      const at = revokedAt === undefined ? undefined : Date.parse(revokedAt);
      signOuts.set(userId, { at });
      return at;
    },
  };
}
