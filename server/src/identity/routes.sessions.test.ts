import { describe, expect, it } from 'vitest';
import type { AuthResponse } from './model.ts';
import { userKey } from './store.ts';
import { createHarness, errorOf } from './test-support.ts';

async function refresh(harness: ReturnType<typeof createHarness>, refreshToken: string) {
  const response = await harness.post('/v1/auth/refresh', { refresh_token: refreshToken });
  return {
    status: response.status,
    body: (await response.json().catch(() => undefined)) as AuthResponse & { error?: { code: string } },
  };
}

describe('identity routes: refresh tokens and sessions', () => {
  it('refuses a refresh token after it has been used once', async () => {
    const harness = createHarness();
    const { refresh_token: first } = await harness.signUp();
    expect((await refresh(harness, first)).status).toBe(200);
    const again = await refresh(harness, first);
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe('invalid_token');
  });

  it('revokes the whole family when a used refresh token comes back (reuse detection)', async () => {
    const harness = createHarness();
    const { refresh_token: stolen } = await harness.signUp();
    const legitimate = await refresh(harness, stolen);
    expect(legitimate.status).toBe(200);
    // The attacker replays the stolen (already rotated) token…
    expect((await refresh(harness, stolen)).status).toBe(401);
    // …so the legitimate holder's newer token is dead too.
    expect((await refresh(harness, legitimate.body.refresh_token)).status).toBe(401);
  });

  it('lets exactly one of several concurrent refreshes of one token succeed, and revokes the family', async () => {
    const harness = createHarness();
    const { refresh_token: token } = await harness.signUp();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(harness, token)));
    const winners = results.filter((result) => result.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(results.filter((result) => result.status === 401).length).toBeGreaterThanOrEqual(4);
    for (const winner of winners)
      expect((await refresh(harness, winner.body.refresh_token)).status).toBe(401);
  });

  it('revokes every refresh token of the session on logout', async () => {
    const harness = createHarness();
    const { refresh_token: first } = await harness.signUp();
    const second = (await refresh(harness, first)).body.refresh_token;
    expect((await harness.post('/v1/auth/logout', { refresh_token: second })).status).toBe(204);
    const response = await harness.post('/v1/auth/refresh', { refresh_token: second });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('invalid_token');
  });

  it('revokes only the session logged out of, not the user’s other sessions', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: laptop } = await harness.signUp();
    const phone = (await (
      await harness.post('/v1/auth/login', { email: user.email, password })
    ).json()) as AuthResponse;
    await harness.post('/v1/auth/logout', { refresh_token: laptop });
    expect((await refresh(harness, laptop)).status).toBe(401);
    expect((await refresh(harness, phone.refresh_token)).status).toBe(200);
  });

  it('keeps a session alive while it is used: each refresh token lasts its own TTL', async () => {
    const harness = createHarness();
    let { refresh_token: token } = await harness.signUp();
    for (let i = 0; i < 3; i++) {
      harness.clock.advance(harness.config.refreshTokenTtlSeconds * 1000 - 1000);
      const next = await refresh(harness, token);
      expect(next.status).toBe(200);
      token = next.body.refresh_token;
    }
  });

  it('gives a refreshed access token the user’s current groups', async () => {
    const harness = createHarness();
    const { user, refresh_token: token } = await harness.signUp();
    await harness.store.transact([{ type: 'update', key: userKey(user.id), set: { groups: ['admin'] } }]);
    const next = await refresh(harness, token);
    expect(next.body.user.groups).toEqual(['admin']);
    const principal = await harness.identity.verifyAccessToken(next.body.access_token);
    expect(principal.groups).toEqual(['admin']);
  });
});
