import { describe, expect, it } from 'vitest';
import type { AuthResponse } from './model.ts';
import { maxCodeAttempts } from './security-context.ts';
import { createHarness, errorOf, fromAddress } from './test-support.ts';

const newPassword = 'a brand new passphrase';

describe('identity routes: password reset', () => {
  it('answers the same whether or not the email has an account, and mails only a real one', async () => {
    const harness = createHarness();
    const { user } = await harness.signUp();
    const known = await harness.post('/v1/auth/password-reset', { email: user.email });
    const unknown = await harness.post('/v1/auth/password-reset', { email: 'nobody@example.com' });
    expect([known.status, unknown.status]).toEqual([204, 204]);
    expect([await known.text(), await unknown.text()]).toEqual(['', '']);
    expect(await harness.mailedCode(user.email, 'Reset')).toMatch(/^\d{6}$/);
    expect(await harness.mailedCode('nobody@example.com', 'Reset')).toBeUndefined();
  });

  it('sets the new password with the code, ends every session, and the code works once', async () => {
    const harness = createHarness();
    const { user, password, refresh_token: laptop } = await harness.signUp();
    const phone = (await (
      await harness.post('/v1/auth/login', { email: user.email, password })
    ).json()) as AuthResponse;
    await harness.post('/v1/auth/password-reset', { email: user.email });
    const code = (await harness.mailedCode(user.email, 'Reset'))!;
    const confirm = { email: user.email, code, new_password: newPassword };
    expect((await harness.post('/v1/auth/password-reset/confirm', confirm)).status).toBe(204);

    for (const token of [laptop, phone.refresh_token])
      expect((await harness.post('/v1/auth/refresh', { refresh_token: token })).status).toBe(401);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(401);
    expect((await harness.post('/v1/auth/login', { email: user.email, password: newPassword })).status).toBe(
      200,
    );

    const reused = await harness.post('/v1/auth/password-reset/confirm', {
      ...confirm,
      new_password: 'yet another passphrase',
    });
    expect(reused.status).toBe(400);
    expect((await errorOf(reused)).code).toBe('invalid_code');
    expect((await harness.post('/v1/auth/login', { email: user.email, password: newPassword })).status).toBe(
      200,
    );
  });

  it('also ends sessions the sessions list does not show (opened before it existed)', async () => {
    const harness = createHarness();
    const { user, refresh_token: old } = await harness.signUp();
    const { items } = await harness.store.query({ index: 'gsi1', partition: `SESSIONS#${user.id}` });
    const [session] = items;
    await harness.store.transact([
      { type: 'update', key: { pk: session!.pk, sk: session!.sk }, remove: ['gsi1pk', 'gsi1sk'] },
    ]);
    harness.clock.advance(1000);
    await harness.post('/v1/auth/password-reset', { email: user.email });
    const code = (await harness.mailedCode(user.email, 'Reset'))!;
    const confirm = { email: user.email, code, new_password: newPassword };
    expect((await harness.post('/v1/auth/password-reset/confirm', confirm)).status).toBe(204);
    expect((await harness.post('/v1/auth/refresh', { refresh_token: old })).status).toBe(401);
    // A session opened after the reset lives on.
    const fresh = (await (
      await harness.post('/v1/auth/login', { email: user.email, password: newPassword })
    ).json()) as AuthResponse;
    expect((await harness.post('/v1/auth/refresh', { refresh_token: fresh.refresh_token })).status).toBe(200);
  });

  it('refuses an expired code and a common new password, changing nothing', async () => {
    const harness = createHarness();
    const { user, password } = await harness.signUp();
    await harness.post('/v1/auth/password-reset', { email: user.email });
    const code = (await harness.mailedCode(user.email, 'Reset'))!;
    const weak = await harness.post('/v1/auth/password-reset/confirm', {
      email: user.email,
      code,
      new_password: 'password123',
    });
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toMatchObject({ code: 'weak_password', param: 'new_password' });
    harness.clock.advance(15 * 60 * 1000 + 1);
    const expired = await harness.post('/v1/auth/password-reset/confirm', {
      email: user.email,
      code,
      new_password: newPassword,
    });
    expect(expired.status).toBe(400);
    expect((await errorOf(expired)).code).toBe('code_expired');
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);
  });

  it('stops a brute force on the code at the attempt limit: the right code then fails too', async () => {
    const harness = createHarness();
    const { user, password } = await harness.signUp();
    await harness.post('/v1/auth/password-reset', { email: user.email });
    const code = (await harness.mailedCode(user.email, 'Reset'))!;
    const guesses = Array.from({ length: 20 }, (_, i) =>
      String((Number(code) + i + 1) % 1_000_000).padStart(6, '0'),
    );
    const statuses: string[] = [];
    for (const guess of guesses) {
      const response = await harness.post('/v1/auth/password-reset/confirm', {
        email: user.email,
        code: guess,
        new_password: newPassword,
      });
      statuses.push(`${response.status} ${(await errorOf(response)).code}`);
    }
    expect(statuses).toEqual(Array(20).fill('400 invalid_code'));
    const right = await harness.post('/v1/auth/password-reset/confirm', {
      email: user.email,
      code,
      new_password: newPassword,
    });
    expect(right.status).toBe(400);
    expect((await errorOf(right)).message).toMatch(/too many/i);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);
    expect(maxCodeAttempts).toBeLessThan(guesses.length);
  });

  it('limits confirmations per address across emails, and reset requests per email and per address', async () => {
    const harness = createHarness();
    const { user } = await harness.signUp();
    const attacker = fromAddress('198.51.100.9');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await harness.post(
        '/v1/auth/password-reset/confirm',
        { email: `victim${i}@example.com`, code: '123456', new_password: newPassword },
        attacker,
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(statuses[20]).toBe(429);

    const requests: number[] = [];
    for (let i = 0; i < 4; i++)
      requests.push(
        (await harness.post('/v1/auth/password-reset', { email: user.email }, fromAddress(`203.0.113.${i}`)))
          .status,
      );
    expect(requests).toEqual([204, 204, 204, 429]);
    const limited = await harness.post('/v1/auth/password-reset', { email: user.email });
    expect(limited.headers.get('Retry-After')).toMatch(/^\d+$/);
    // The same limit for an email without an account: the 429 says nothing about existence.
    const ghost: number[] = [];
    for (let i = 0; i < 4; i++)
      ghost.push((await harness.post('/v1/auth/password-reset', { email: 'ghost@example.com' })).status);
    expect(ghost).toEqual([204, 204, 204, 429]);
  });
});
