/**
 * The signed-in session: tokens and user, kept in localStorage, observable from React with
 * `useSession`. Refresh tokens are single-use and a second use of one revokes the whole session,
 * so every refresh in this tab goes through one promise and, across tabs, one Web Lock; a tab
 * that finds the stored token already rotated by another tab adopts it instead of reusing its own.
 */
import { useSyncExternalStore } from 'react';
import type { components } from './schema.gen.ts';

export type User = components['schemas']['AuthUser'];

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
  user: User;
}

/** The body of sign-up, login and refresh. */
export type AuthResponse = components['schemas']['AuthResponse'];

const storageKey = 'sluice.session';
/** Refresh this long before the access token expires. */
const refreshAheadMs = 60_000;

let current: Session | null = load();
const listeners = new Set<() => void>();
let refreshing: Promise<Session | null> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let keeperStarted = false;

function load(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function sessionFromAuth(body: AuthResponse): Session {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: Date.now() + body.expires_in * 1000,
    user: body.user,
  };
}

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session) localStorage.setItem(storageKey, JSON.stringify(session));
    else localStorage.removeItem(storageKey);
  } catch {
    // Private mode or no storage: the session lives in memory only.
  }
  scheduleRefresh();
  for (const listener of listeners) listener();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

/**
 * Exchanges the refresh token for a new pair, once however many callers ask at the same time.
 * Resolves with null (and signs out) when the server refuses the token; rejects on network errors
 * without signing out, so a flaky connection does not log anyone out.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= runRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function runRefresh(): Promise<Session | null> {
  const used = current?.refreshToken;
  if (!used) return null;
  const exchange = async (): Promise<Session | null> => {
    const stored = load();
    if (stored && stored.refreshToken !== used && stored.expiresAt - Date.now() > refreshAheadMs / 2) {
      setSession(stored);
      return stored;
    }
    const response = await fetch('/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: used }),
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      setSession(null);
      return null;
    }
    if (!response.ok) throw new Error(`refresh failed: ${response.status}`);
    const session = sessionFromAuth((await response.json()) as AuthResponse);
    setSession(session);
    return session;
  };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('sluice.refresh', exchange) : exchange();
}

/** A valid access token: the current one, or a fresh one when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  if (session.expiresAt - Date.now() > 10_000) return session.accessToken;
  return (await refreshSession())?.accessToken ?? null;
}

function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  if (!keeperStarted || !current) return;
  const delay = Math.max(5_000, current.expiresAt - Date.now() - refreshAheadMs);
  refreshTimer = setTimeout(() => {
    refreshSession().catch(() => scheduleRetry());
  }, delay);
}

function scheduleRetry(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshSession().catch(() => scheduleRetry()), 10_000);
}

/**
 * Keeps the session alive in the browser: refreshes ahead of expiry, again when the tab comes
 * back (timers sleep in background tabs), and follows sign-in and sign-out in other tabs.
 */
export function startSessionKeeper(): void {
  if (keeperStarted) return;
  keeperStarted = true;
  scheduleRefresh();
  document.addEventListener('visibilitychange', () => {
    if (
      document.visibilityState === 'visible' &&
      current &&
      current.expiresAt - Date.now() < refreshAheadMs
    ) {
      refreshSession().catch(() => scheduleRetry());
    }
  });
  window.addEventListener('storage', (event) => {
    if (event.key !== storageKey) return;
    current = load();
    scheduleRefresh();
    for (const listener of listeners) listener();
  });
}
