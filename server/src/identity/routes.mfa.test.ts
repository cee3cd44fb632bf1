import { describe, expect, it } from 'vitest';
import type { AuthResponse } from './model.ts';
import { secondFactorLimit } from './second-factor.ts';
import { createHarness, errorOf } from './test-support.ts';
import { totpCode } from './totp.ts';

type Harness = ReturnType<typeof createHarness>;

/** A signed-up user with two-factor sign-in on: the secret and the recovery codes. */
async function enrolled(harness: Harness) {
  const auth = await harness.signUp();
  const start = await harness.send('POST', '/v1/me/mfa/totp', auth.access_token);
  expect(start.status).toBe(200);
  const { secret, otpauth_url } = (await start.json()) as { secret: string; otpauth_url: string };
  expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/Sluice:/);
  expect(otpauth_url).toContain(`secret=${secret}`);
  const confirm = await harness.send('POST', '/v1/me/mfa/totp/confirm', auth.access_token, {
    code: totpCode(secret, harness.clock.now()),
  });
  expect(confirm.status).toBe(200);
  const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
  return { ...auth, secret, recoveryCodes: recovery_codes };
}

async function logIn(harness: Harness, email: string, password: string) {
  const response = await harness.post('/v1/auth/login', { email, password });
  expect(response.status).toBe(200);
  return (await response.json()) as { mfa_required?: true; mfa_token?: string } & Partial<AuthResponse>;
}

describe('identity routes: two-factor sign-in', () => {
  it('enrols with a confirming code, then asks every log-in for a TOTP code', async () => {
    const harness = createHarness();
    const { user, password, secret, recoveryCodes } = await enrolled(harness);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const me = await (await harness.get('/v1/me', (await harness.signUp()).access_token)).json();
    expect(me).toMatchObject({ mfa_enabled: false });

    const challenge = await logIn(harness, user.email, password);
    expect(challenge).toEqual({ mfa_required: true, mfa_token: expect.stringMatching(/^mfa_/) });
    expect(challenge.access_token).toBeUndefined();
    harness.clock.advance(30_000);
    const done = await harness.post('/v1/auth/login/mfa', {
      mfa_token: challenge.mfa_token,
      code: totpCode(secret, harness.clock.now()),
    });
    expect(done.status).toBe(200);
    const auth = (await done.json()) as AuthResponse;
    expect(auth.user.id).toBe(user.id);
    expect((await (await harness.get('/v1/me', auth.access_token)).json()) as object).toMatchObject({
      mfa_enabled: true,
    });
  });

  it('changes nothing when enrolment is confirmed with a wrong code, or never started', async () => {
    const harness = createHarness();
    const { user, password, access_token: token } = await harness.signUp();
    const early = await harness.send('POST', '/v1/me/mfa/totp/confirm', token, { code: '123456' });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).code).toBe('mfa_not_enabled');
    const { secret } = (await (await harness.send('POST', '/v1/me/mfa/totp', token)).json()) as {
      secret: string;
    };
    const right = totpCode(secret, harness.clock.now());
    const wrong = await harness.send('POST', '/v1/me/mfa/totp/confirm', token, {
      code: right === '000000' ? '000001' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({ code: 'invalid_code', param: 'code' });
    // Not enrolled: a log-in still opens a session at once.
    expect((await logIn(harness, user.email, password)).access_token).toEqual(expect.any(String));
  });

  it('refuses a TOTP code replayed within its window', async () => {
    const harness = createHarness();
    const { user, password, secret } = await enrolled(harness);
    harness.clock.advance(30_000);
    const code = totpCode(secret, harness.clock.now());
    const first = await logIn(harness, user.email, password);
    expect((await harness.post('/v1/auth/login/mfa', { mfa_token: first.mfa_token, code })).status).toBe(200);
    const second = await logIn(harness, user.email, password);
    const replay = await harness.post('/v1/auth/login/mfa', { mfa_token: second.mfa_token, code });
    expect(replay.status).toBe(400);
    expect((await errorOf(replay)).code).toBe('invalid_code');
    // The enrolment's own code is spent too: its step is recorded.
  });

  it('signs in with a recovery code once, in any case and with or without its dash', async () => {
    const harness = createHarness();
    const { user, password, recoveryCodes } = await enrolled(harness);
    const recovery = recoveryCodes[0]!;
    const first = await logIn(harness, user.email, password);
    const done = await harness.post('/v1/auth/login/mfa', {
      mfa_token: first.mfa_token,
      code: recovery.replace('-', '').toUpperCase(),
    });
    expect(done.status).toBe(200);
    const again = await logIn(harness, user.email, password);
    const reused = await harness.post('/v1/auth/login/mfa', { mfa_token: again.mfa_token, code: recovery });
    expect(reused.status).toBe(400);
    expect((await errorOf(reused)).code).toBe('invalid_code');
  });

  it('stops a brute force on TOTP codes: per challenge, then per user, the right code refused too', async () => {
    const harness = createHarness();
    const { user, password, secret } = await enrolled(harness);
    harness.clock.advance(60_000);
    const right = totpCode(secret, harness.clock.now());
    const wrongCodes = Array.from({ length: 40 }, (_, i) =>
      String((Number(right) + 500 + i) % 1_000_000).padStart(6, '0'),
    );
    let tried = 0;
    const outcomes: string[] = [];
    while (tried < wrongCodes.length) {
      const challenge = await logIn(harness, user.email, password);
      for (let i = 0; i < 6 && tried < wrongCodes.length; i++, tried++) {
        const response = await harness.post('/v1/auth/login/mfa', {
          mfa_token: challenge.mfa_token,
          code: wrongCodes[tried],
        });
        outcomes.push(`${response.status} ${(await errorOf(response)).code}`);
        if (response.status === 429) break;
      }
      if (outcomes.some((outcome) => outcome.startsWith('429'))) break;
    }
    // Five codes per challenge (the sixth finds the challenge spent), ten per user in the window
    // (the code that confirmed the enrolment was one of them).
    expect(outcomes.slice(0, 6)).toEqual([...Array(5).fill('400 invalid_code'), '401 invalid_token']);
    expect(outcomes.filter((outcome) => outcome === '400 invalid_code')).toHaveLength(
      secondFactorLimit.attempts - 1,
    );
    expect(outcomes.at(-1)).toBe('429 rate_limited');
    const challenge = await logIn(harness, user.email, password);
    const blocked = await harness.post('/v1/auth/login/mfa', { mfa_token: challenge.mfa_token, code: right });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toMatch(/^\d+$/);
  });

  it('refuses an expired or made-up mfa_token', async () => {
    const harness = createHarness();
    const { user, password, secret } = await enrolled(harness);
    const challenge = await logIn(harness, user.email, password);
    harness.clock.advance(301_000);
    const late = await harness.post('/v1/auth/login/mfa', {
      mfa_token: challenge.mfa_token,
      code: totpCode(secret, harness.clock.now()),
    });
    expect(late.status).toBe(401);
    expect((await errorOf(late)).code).toBe('invalid_token');
    expect(
      (await harness.post('/v1/auth/login/mfa', { mfa_token: 'mfa_made-up', code: '123456' })).status,
    ).toBe(401);
  });

  it('turns two-factor off only with a current code, and refuses a second enrolment while on', async () => {
    const harness = createHarness();
    const { user, password, secret, access_token: token } = await enrolled(harness);
    expect((await harness.send('POST', '/v1/me/mfa/totp', token)).status).toBe(409);
    const wrong = await harness.send('DELETE', '/v1/me/mfa/totp', token, { code: 'aaaaa-bbbbb' });
    expect(wrong.status).toBe(400);
    harness.clock.advance(30_000);
    expect(
      (
        await harness.send('DELETE', '/v1/me/mfa/totp', token, {
          code: totpCode(secret, harness.clock.now()),
        })
      ).status,
    ).toBe(204);
    expect((await logIn(harness, user.email, password)).access_token).toEqual(expect.any(String));
  });

  it('never returns the secret after enrolment and stores recovery codes hashed', async () => {
    const harness = createHarness();
    const { user, secret, recoveryCodes, access_token: token } = await enrolled(harness);
    const me = await (await harness.get('/v1/me', token)).text();
    expect(me).not.toContain(secret);
    const { items } = await harness.store.query({ partition: `USER#${user.id}` });
    const stored = JSON.stringify(items);
    for (const code of recoveryCodes) expect(stored).not.toContain(code);
  });
});
