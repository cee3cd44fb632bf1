import { describe, expect, it } from 'vitest';
import type { Store } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import type { User } from './model.ts';
import { maxCodeAttempts } from './security-context.ts';
import { aSignUp, createHarness, errorOf } from './test-support.ts';

/** An in-memory store that notes the events committed through it, whatever the outbox's layout. */
function recordingStore() {
  const inner = new SqliteStore(':memory:');
  const events: { type: string; subject: string }[] = [];
  const store: Store = {
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    async transact(operations) {
      await inner.transact(operations);
      for (const operation of operations)
        if (operation.type === 'put' && operation.item.kind === 'event')
          events.push(operation.item.event as { type: string; subject: string });
    },
    close: () => inner.close(),
  };
  return { store, events };
}

describe('identity routes: email verification', () => {
  it('mails a code at sign-up; the user signs in unverified, and the code verifies them once', async () => {
    const { store, events } = recordingStore();
    const harness = createHarness({ store });
    const { user, access_token: token, password } = await harness.signUp();
    expect(((await (await harness.get('/v1/me', token)).json()) as User).email_verified).toBe(false);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);

    const code = await harness.mailedCode(user.email, 'Verify');
    expect(code).toMatch(/^\d{6}$/);
    const verified = await harness.send('POST', '/v1/auth/verify-email', token, { code });
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as User).email_verified).toBe(true);
    expect(((await (await harness.get('/v1/me', token)).json()) as User).email_verified).toBe(true);

    expect(events.filter((event) => event.type === 'user.email_verified')).toEqual([
      expect.objectContaining({ subject: user.id }),
    ]);
    // Verifying again is quiet, even with the spent code.
    expect((await harness.send('POST', '/v1/auth/verify-email', token, { code })).status).toBe(200);
  });

  it('refuses a wrong code with invalid_code and leaves the user unverified', async () => {
    const harness = createHarness();
    const { user, access_token: token } = await harness.signUp();
    const code = (await harness.mailedCode(user.email, 'Verify'))!;
    const wrong = code === '000000' ? '000001' : '000000';
    const response = await harness.send('POST', '/v1/auth/verify-email', token, { code: wrong });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_code', param: 'code' });
    expect(((await (await harness.get('/v1/me', token)).json()) as User).email_verified).toBe(false);
  });

  it('stops guessing at the attempt limit: afterwards even the right code is refused until a new one is sent', async () => {
    const harness = createHarness();
    const { user, access_token: token } = await harness.signUp();
    const code = (await harness.mailedCode(user.email, 'Verify'))!;
    const wrong = (n: number) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
    for (let attempt = 1; attempt <= maxCodeAttempts; attempt++)
      expect(
        (await harness.send('POST', '/v1/auth/verify-email', token, { code: wrong(attempt) })).status,
      ).toBe(400);
    const blocked = await harness.send('POST', '/v1/auth/verify-email', token, { code });
    expect(blocked.status).toBe(400);
    expect((await errorOf(blocked)).code).toBe('invalid_code');

    expect((await harness.send('POST', '/v1/auth/verify-email/resend', token)).status).toBe(204);
    const fresh = (await harness.mailedCode(user.email, 'Verify'))!;
    expect((await harness.send('POST', '/v1/auth/verify-email', token, { code: fresh })).status).toBe(200);
  });

  it('refuses an expired code with code_expired', async () => {
    const harness = createHarness();
    const { user } = await harness.signUp();
    const code = (await harness.mailedCode(user.email, 'Verify'))!;
    harness.clock.advance(24 * 3600 * 1000 + 1000);
    // The access token expired too: sign in again.
    const login = await harness.post('/v1/auth/login', {
      email: user.email,
      password: 'correct horse battery',
    });
    const { access_token: fresh } = (await login.json()) as { access_token: string };
    const response = await harness.send('POST', '/v1/auth/verify-email', fresh, { code });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('code_expired');
  });

  it('limits resends per user', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await harness.send('POST', '/v1/auth/verify-email/resend', token)).status);
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
  });

  it('needs a signed-in caller', async () => {
    const harness = createHarness();
    expect((await harness.post('/v1/auth/verify-email', { code: '123456' })).status).toBe(401);
  });

  it('signs users up verified when verification is off (tests, scripts), mailing nothing', async () => {
    const harness = createHarness({ config: { requireEmailVerification: false } });
    const { user, access_token: token } = await harness.signUp(aSignUp());
    expect(((await (await harness.get('/v1/me', token)).json()) as User).email_verified).toBe(true);
    expect(await harness.mailedCode(user.email, 'Verify')).toBeUndefined();
  });
});
