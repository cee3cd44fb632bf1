import { describe, expect, it } from 'vitest';
import { aSignUp, createHarness, errorOf, fromAddress } from './test-support.ts';

const config = {
  loginAttemptsPerWindow: 3,
  loginAttemptsPerAddressPerWindow: 3,
  loginAttemptsPerEmailPerWindow: 6,
  loginWindowSeconds: 60,
};

describe('identity routes: login rate limit', () => {
  it('answers 429 with Retry-After once an email has used its attempts from one address, even with the right password', async () => {
    const harness = createHarness({ config });
    const { user, password } = await harness.signUp();
    harness.clock.advance(15_000); // 15 s into the minute: 45 s remain
    for (let i = 0; i < 3; i++) {
      expect(
        (await harness.post('/v1/auth/login', { email: user.email, password: 'wrong password' })).status,
      ).toBe(401);
    }
    const response = await harness.post('/v1/auth/login', { email: user.email, password });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('45');
    expect(await errorOf(response)).toMatchObject({ code: 'rate_limited', retry_after: 45 });
  });

  it('allows attempts again once the window has passed', async () => {
    const harness = createHarness({ config });
    const { user, password } = await harness.signUp();
    for (let i = 0; i < 4; i++)
      await harness.post('/v1/auth/login', { email: user.email, password: 'wrong password' });
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(429);
    harness.clock.advance(60_000);
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(200);
  });

  it('limits attempts per client address across emails', async () => {
    const harness = createHarness({ config });
    const attacker = fromAddress('203.0.113.9');
    for (let i = 0; i < 3; i++) {
      const response = await harness.post(
        '/v1/auth/login',
        { email: `victim${i}@example.com`, password: 'guess guess' },
        attacker,
      );
      expect(response.status).toBe(401);
    }
    const blocked = await harness.post(
      '/v1/auth/login',
      { email: 'victim9@example.com', password: 'guess guess' },
      attacker,
    );
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await harness.post(
      '/v1/auth/login',
      { email: 'victim9@example.com', password: 'guess guess' },
      fromAddress('198.51.100.7'),
    );
    expect(other.status).toBe(401);
  });

  it('does not let bad guesses from one address lock the owner out at another', async () => {
    const harness = createHarness({ config });
    const { user, password } = await harness.signUp();
    const attacker = fromAddress('203.0.113.9');
    for (let i = 0; i < 11; i++)
      await harness.post('/v1/auth/login', { email: user.email, password: 'wrong password' }, attacker);
    const guessed = await harness.post('/v1/auth/login', { email: user.email, password }, attacker);
    expect(guessed.status).toBe(429);
    const owner = await harness.post(
      '/v1/auth/login',
      { email: user.email, password },
      fromAddress('198.51.100.7'),
    );
    expect(owner.status).toBe(200);
  });

  it('still caps one email across every address, as a backstop against distributed guessing', async () => {
    const harness = createHarness({ config });
    const { user, password } = await harness.signUp();
    for (let i = 0; i < config.loginAttemptsPerEmailPerWindow; i++) {
      const response = await harness.post(
        '/v1/auth/login',
        { email: user.email, password: 'wrong password' },
        fromAddress(`192.0.2.${i + 1}`),
      );
      expect(response.status).toBe(401);
    }
    const capped = await harness.post(
      '/v1/auth/login',
      { email: user.email, password },
      fromAddress('198.51.100.99'),
    );
    expect(capped.status).toBe(429);
    expect(await errorOf(capped)).toMatchObject({ code: 'rate_limited' });
  });

  it('counts an email in any casing against one limit', async () => {
    const harness = createHarness({ config });
    const { user, password } = await harness.signUp(aSignUp({ email: 'case@example.com' }));
    for (const email of ['CASE@example.com', 'Case@Example.com', ' case@example.com ']) {
      await harness.post('/v1/auth/login', { email, password: 'wrong password' });
    }
    expect((await harness.post('/v1/auth/login', { email: user.email, password })).status).toBe(429);
  });
});

describe('identity routes: sign-up rate limit', () => {
  const signUpConfig = { signUpsPerAddressPerWindow: 2, signUpWindowSeconds: 3600 };

  it('answers 429 with Retry-After past the sign-ups allowed per address, and creates nobody', async () => {
    const harness = createHarness({ config: signUpConfig });
    const farm = fromAddress('203.0.113.9');
    for (let i = 0; i < 2; i++)
      expect((await harness.post('/v1/auth/signup', aSignUp(), farm)).status).toBe(201);
    const extra = aSignUp();
    const refused = await harness.post('/v1/auth/signup', extra, farm);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorOf(refused)).toMatchObject({ code: 'rate_limited' });
    expect(await harness.identity.findUserByEmail(extra.email)).toBeUndefined();
    // Another address is not affected, and the farm may sign up again in the next window.
    expect((await harness.post('/v1/auth/signup', aSignUp(), fromAddress('198.51.100.7'))).status).toBe(201);
    harness.clock.advance(3600_000);
    expect((await harness.post('/v1/auth/signup', aSignUp(), farm)).status).toBe(201);
  });
});
