import { describe, expect, it } from 'vitest';
import { userKey } from './store.ts';
import { aSignUp, createHarness, errorOf } from './test-support.ts';

describe('identity routes: error paths', () => {
  it('refuses a second sign-up with the same email (any casing) with 409 email_taken', async () => {
    const { signUp, post } = createHarness();
    await signUp(aSignUp({ email: 'dup@example.com' }));
    const response = await post('/v1/auth/signup', aSignUp({ email: 'DUP@example.com' }));
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({
      code: 'email_taken',
      param: 'email',
      request_id: 'req_test',
    });
  });

  it.each([
    ['a NUL', 'Ann\u0000Lee'],
    ['a right-to-left override', 'Ann \u202eeeL'],
    ['a lone zero-width joiner', 'A\u200dnn'],
  ])('refuses a name with %s: 400 validation_failed naming the name, and no user', async (_label, name) => {
    const { post, identity } = createHarness();
    const input = aSignUp({ name });
    const response = await post('/v1/auth/signup', input);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'validation_failed', param: 'name' });
    expect(await identity.findUserByEmail(input.email)).toBeUndefined();
  });

  it('stores a name normalized (NFC) and trimmed, emoji sequences kept', async () => {
    const { signUp } = createHarness();
    const { user } = await signUp(aSignUp({ name: '  Zoe\u0308 👩‍💻 ' }));
    expect(user.name).toBe('Zoë 👩‍💻');
  });

  it('answers a wrong password and an unknown email with the same 401 invalid_credentials', async () => {
    const { signUp, post } = createHarness();
    const { user } = await signUp();
    const wrongPassword = await post('/v1/auth/login', { email: user.email, password: 'not the password' });
    const unknownEmail = await post('/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'not the password',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = [await errorOf(wrongPassword), await errorOf(unknownEmail)];
    expect(a.code).toBe('invalid_credentials');
    expect(b).toEqual(a);
  });

  it.each([
    ['email', { email: 'not-an-email', password: 'correct horse battery', name: 'A' }],
    ['password', { email: 'a@example.com', password: 'short', name: 'A' }],
    ['password', { email: 'a@example.com', password: 'x'.repeat(129), name: 'A' }],
    ['name', { email: 'a@example.com', password: 'correct horse battery', name: '   ' }],
    ['name', { email: 'a@example.com', password: 'correct horse battery', name: 'n'.repeat(101) }],
    ['name', { email: 'a@example.com', password: 'correct horse battery' }],
  ])('refuses a sign-up with a bad %s with 400 validation_failed naming it', async (field, body) => {
    const { post } = createHarness();
    const response = await post('/v1/auth/signup', body);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'validation_failed', param: field });
  });

  it('refuses a login without a password with 400 naming the field', async () => {
    const { post } = createHarness();
    const response = await post('/v1/auth/login', { email: 'a@example.com' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'validation_failed', param: 'password' });
  });

  it.each(['/v1/auth/signup', '/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout'])(
    'answers malformed JSON on %s with 400',
    async (path) => {
      const { app } = createHarness();
      const response = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":',
      });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toMatch(/^(invalid_json|invalid_request)$/);
    },
  );

  it('refuses a refresh without a token with 400 naming refresh_token', async () => {
    const { post } = createHarness();
    const response = await post('/v1/auth/refresh', {});
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'validation_failed', param: 'refresh_token' });
  });

  it.each([['rt_unknown'], ['not-even-prefixed']])(
    'refuses the unknown refresh token %s with 401 invalid_token',
    async (token) => {
      const { post } = createHarness();
      const response = await post('/v1/auth/refresh', { refresh_token: token });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('invalid_token');
    },
  );

  it('refuses an expired refresh token with 401 invalid_token', async () => {
    const { signUp, post, clock, config } = createHarness();
    const { refresh_token: refreshToken } = await signUp();
    clock.advance(config.refreshTokenTtlSeconds * 1000);
    const response = await post('/v1/auth/refresh', { refresh_token: refreshToken });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('invalid_token');
  });

  it('accepts a logout with an unknown refresh token without saying so (RFC 7009)', async () => {
    const { post } = createHarness();
    expect((await post('/v1/auth/logout', { refresh_token: 'rt_unknown' })).status).toBe(204);
  });

  it('refuses a valid token whose user is gone with 401 invalid_token', async () => {
    const { signUp, get, store } = createHarness();
    const { user, access_token: token } = await signUp();
    await store.transact([{ type: 'delete', key: userKey(user.id) }]);
    const response = await get('/v1/me', token);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('invalid_token');
  });
});
