import { revocationCheckMs } from './revocation.ts';
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

  it('ends the session of the access token sent along, even when the refresh token is unknown', async () => {
    const harness = createHarness();
    const { access_token, refresh_token } = await harness.signUp();
    const logout = await harness.send('POST', '/v1/auth/logout', access_token, {
      refresh_token: 'rt_mistyped',
    });
    expect(logout.status).toBe(204);
    expect((await refresh(harness, refresh_token)).status).toBe(401);
    // Access tokens see a session end within the revocation cache's period.
    harness.clock.advance(revocationCheckMs + 1);
    expect((await harness.get('/v1/me', access_token)).status).toBe(401);
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

describe('identity routes: listing and ending sessions', () => {
  type Listed = {
    data: { id: string; device: string | null; created_at: string; last_used_at: string; current: boolean }[];
  };
  const listOf = async (harness: ReturnType<typeof createHarness>, token: string) =>
    ((await (await harness.get('/v1/me/sessions', token)).json()) as Listed).data;
  const logInFrom = async (
    harness: ReturnType<typeof createHarness>,
    email: string,
    password: string,
    device: string,
  ) =>
    (await (
      await harness.app.request('/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': device },
        body: JSON.stringify({ email, password }),
      })
    ).json()) as AuthResponse;

  it('lists the open sessions newest first, with device, times and which one is current', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: first } = await harness.signUp();
    harness.clock.advance(60_000);
    const phone = await logInFrom(harness, user.email, password, 'Phone/1.0');
    harness.clock.advance(60_000);
    await refresh(harness, first);
    const sessions = await listOf(harness, phone.access_token);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ device: 'Phone/1.0', current: true });
    expect(sessions[1]).toMatchObject({ device: null, current: false });
    expect(Date.parse(sessions[1]!.last_used_at)).toBeGreaterThan(Date.parse(sessions[1]!.created_at));
  });

  it('ends one session: its refresh token stops working, the other goes on, and it leaves the list', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: laptop, access_token: token } = await harness.signUp();
    const phone = await logInFrom(harness, user.email, password, 'Phone/1.0');
    const target = (await listOf(harness, token)).find((session) => session.device === 'Phone/1.0')!;
    expect((await harness.send('DELETE', `/v1/me/sessions/${target.id}`, token)).status).toBe(204);
    expect((await refresh(harness, phone.refresh_token)).status).toBe(401);
    expect((await refresh(harness, laptop)).status).toBe(200);
    expect((await listOf(harness, token)).map((session) => session.id)).not.toContain(target.id);
    // Ending it again, or someone else's session, is a 404 that changes nothing.
    expect((await harness.send('DELETE', `/v1/me/sessions/${target.id}`, token)).status).toBe(404);
    const other = await harness.signUp();
    const theirs = (await listOf(harness, other.access_token))[0]!;
    const response = await harness.send('DELETE', `/v1/me/sessions/${theirs.id}`, token);
    expect(response.status).toBe(404);
    expect((await refresh(harness, other.refresh_token)).status).toBe(200);
  });

  it('ends every session at once', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: laptop, access_token: token } = await harness.signUp();
    const phone = await logInFrom(harness, user.email, password, 'Phone/1.0');
    expect((await harness.send('DELETE', '/v1/me/sessions', token)).status).toBe(204);
    for (const refreshToken of [laptop, phone.refresh_token])
      expect((await refresh(harness, refreshToken)).status).toBe(401);
    expect(await listOf(harness, token)).toEqual([]);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: laptop, access_token: token } = await harness.signUp();
    const phone = await logInFrom(harness, user.email, password, 'Phone/1.0');
    const wrong = await harness.send('POST', '/v1/me/password', token, {
      current_password: 'not it at all',
      new_password: 'a fresh passphrase',
    });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: 'invalid_credentials', param: 'current_password' });
    const changed = await harness.send('POST', '/v1/me/password', token, {
      current_password: password,
      new_password: 'a fresh passphrase',
    });
    expect(changed.status).toBe(204);
    expect((await refresh(harness, laptop)).status).toBe(200);
    expect((await refresh(harness, phone.refresh_token)).status).toBe(401);
  });

  it('needs a signed-in caller', async () => {
    const harness = createHarness();
    expect((await harness.get('/v1/me/sessions')).status).toBe(401);
    expect((await harness.app.request('/v1/me/sessions', { method: 'DELETE' })).status).toBe(401);
  });
});
