import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { hashPassword } from './password.ts';
import { aSignUp, createHarness, errorOf } from './test-support.ts';
import { passwordHashUpdate, readCredentials, readSigningKey, readUserIdByEmail } from './store.ts';
import { storedItems } from '../../../test/stored-items.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-identity-'));
  const path = join(dir, 'store.db');
  const store = new SqliteStore(path);
  cleanups.push(() => {
    void store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rows = () => storedItems(path).map((item) => JSON.stringify(item));
  return { store, rows };
}

describe('local identity service', () => {
  it('lets exactly one of 10 concurrent sign-ups with one email succeed', async () => {
    const { post, store } = createHarness();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post('/v1/auth/signup', aSignUp({ email: 'race@example.com', name: `Racer ${i}` })),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    for (const response of responses.filter((r) => r.status === 409))
      expect((await errorOf(response)).code).toBe('email_taken');
    const winner = (await responses.find((r) => r.status === 201)!.json()) as { user: { id: string } };
    expect(await readUserIdByEmail(store, 'race@example.com')).toBe(winner.user.id);
  });

  it('persists the signing key: a second instance on the same store verifies the first one’s tokens', async () => {
    const first = createHarness();
    const { access_token: token, user } = await first.signUp();
    const second = createHarness({ store: first.store, clock: first.clock });
    await expect(second.identity.verifyAccessToken(token)).resolves.toMatchObject({
      kind: 'user',
      userId: user.id,
      email: user.email,
      groups: [],
    });
    expect(await second.identity.jwks()).toEqual(await first.identity.jwks());
  });

  it('agrees on one signing key when two instances start at once on an empty store', async () => {
    const first = createHarness();
    const second = createHarness({ store: first.store, clock: first.clock });
    const [a, b] = await Promise.all([first.identity.jwks(), second.identity.jwks()]);
    expect(a).toEqual(b);
    expect((await readSigningKey(first.store))?.kid).toBe(a.keys[0]?.kid);
  });

  it('never stores a password, refresh token or access token in plain text', async () => {
    const { store, rows } = fileStore();
    const harness = createHarness({ store });
    const password = 'Plain-Text-Canary-Password-42';
    const signUp = await harness.signUp(aSignUp({ password }));
    const login = (await (
      await harness.post('/v1/auth/login', { email: signUp.user.email, password })
    ).json()) as { refresh_token: string };
    const refreshed = (await (
      await harness.post('/v1/auth/refresh', { refresh_token: login.refresh_token })
    ).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const everything = rows().join('\n');
    expect(everything).toContain(signUp.user.email); // the scan does see the data
    for (const secret of [
      password,
      signUp.refresh_token,
      login.refresh_token,
      refreshed.refresh_token,
      refreshed.access_token,
      signUp.access_token,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain(Buffer.from(password).toString('base64'));
    expect((await readCredentials(store, signUp.user.id))?.passwordHash).toMatch(
      /^scrypt\$ln=14,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/,
    );
  });

  it('stores refresh tokens with a TTL attribute in Unix seconds', async () => {
    const { store, rows } = fileStore();
    const harness = createHarness({ store });
    await harness.signUp();
    const items = rows().map((row) => JSON.parse(row) as Record<string, unknown>);
    const token = items.find((item) => item.kind === 'refresh_token');
    expect(token?.expires_at).toBe(harness.clock.now() / 1000 + harness.config.refreshTokenTtlSeconds);
  });

  it('upgrades a hash made with weaker parameters on the next successful login', async () => {
    const harness = createHarness();
    const { user, password } = await harness.signUp();
    const current = (await readCredentials(harness.store, user.id))?.passwordHash ?? '';
    await harness.store.transact([
      passwordHashUpdate(user.id, await hashPassword(password, { logN: 10, r: 8, p: 1 }), current),
    ]);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);
    expect((await readCredentials(harness.store, user.id))?.passwordHash).toMatch(/^scrypt\$ln=14,/);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);
  });

  it('finds users by id and by email in any casing', async () => {
    const { identity, signUp, clock } = createHarness();
    const { user } = await signUp(aSignUp({ email: 'find.me@example.com' }));
    const expected = {
      ...user,
      created_at: new Date(clock.now()).toISOString(),
      email_verified: false,
      mfa_enabled: false,
    };
    expect(await identity.getUser(user.id)).toEqual(expected);
    expect(await identity.findUserByEmail(' Find.Me@Example.com')).toEqual(expected);
    expect(await identity.findUserByEmail('nobody@example.com')).toBeUndefined();
    expect(await identity.getUser('usr_missing')).toBeUndefined();
  });

  it('reads a profile and an email pointer from the store at most once a minute', async () => {
    const store = new SqliteStore(':memory:');
    const { identity, signUp, clock } = createHarness({ store });
    const { user } = await signUp(aSignUp({ email: 'cached@example.com' }));
    const get = vi.spyOn(store, 'get');
    for (let i = 0; i < 3; i++) {
      expect((await identity.findUserByEmail('cached@example.com'))?.id).toBe(user.id);
      expect((await identity.getUser(user.id))?.email).toBe('cached@example.com');
    }
    expect(get).toHaveBeenCalledTimes(2);
    clock.advance(60_001);
    await identity.findUserByEmail('cached@example.com');
    expect(get).toHaveBeenCalledTimes(4);
    // Someone who is not there yet is asked for again: they may sign up.
    expect(await identity.findUserByEmail('later@example.com')).toBeUndefined();
    await signUp(aSignUp({ email: 'later@example.com' }));
    expect((await identity.findUserByEmail('later@example.com'))?.email).toBe('later@example.com');
  });

  it('rejects a token as expired only when the injected clock passes exp', async () => {
    const clock = new ManualClock();
    const harness = createHarness({ clock });
    const { access_token: token } = await harness.signUp();
    clock.advance(harness.config.accessTokenTtlSeconds * 1000 + 6000);
    await expect(harness.identity.verifyAccessToken(token)).rejects.toMatchObject({ code: 'token_expired' });
  });
});
