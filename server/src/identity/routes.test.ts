import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { isId } from '../kernel/ids.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';
import type { AuthResponse, User } from './model.ts';
import { identityRoutes } from './routes.ts';
import { aSignUp, createHarness } from './test-support.ts';

describe('identity routes: happy paths', () => {
  it('signs a user up and answers 201 with the user and tokens', async () => {
    const { post, config } = createHarness();
    const response = await post('/v1/auth/signup', {
      email: '  Ann@Example.COM ',
      password: 'correct horse battery',
      name: 'Ann Lee',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as AuthResponse;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'user']);
    expect(body.user).toEqual({ id: body.user.id, email: 'ann@example.com', name: 'Ann Lee', groups: [] });
    expect(isId('user', body.user.id)).toBe(true);
    expect(body.refresh_token).toMatch(/^rt_[\w-]{43}$/);
    expect(body.expires_in).toBe(config.accessTokenTtlSeconds);
  });

  it('mints an ES256 access token with the documented claims', async () => {
    const { signUp, config, clock } = createHarness();
    const { access_token: token, user } = await signUp();
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('ES256');
    expect(header.typ).toBe('at+jwt');
    expect(typeof header.kid).toBe('string');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: config.issuer,
      aud: config.audience,
      sub: user.id,
      email: user.email,
      groups: [],
    });
    expect(claims.iat).toBe(clock.now() / 1000);
    expect(claims.exp).toBe(clock.now() / 1000 + config.accessTokenTtlSeconds);
    expect(typeof claims.jti).toBe('string');
  });

  it('puts emails listed in config.adminEmails in the admin group', async () => {
    const { signUp } = createHarness({ config: { adminEmails: ['Boss@Example.com'] } });
    const { user, access_token: token } = await signUp(aSignUp({ email: 'boss@example.com' }));
    expect(user.groups).toEqual(['admin']);
    expect(decodeJwt(token).groups).toEqual(['admin']);
  });

  it('records a user.signed_up event in the outbox with the sign-up', async () => {
    const { signUp, store, clock } = createHarness();
    const start = clock.now();
    const { user } = await signUp(aSignUp({ name: 'Bo' }));
    const events = await outboxEventsBetween(store, start, clock.now());
    expect(events.filter((event) => event.type === 'user.signed_up')).toEqual([
      expect.objectContaining({
        type: 'user.signed_up',
        source: 'sluice.identity',
        subject: user.id,
        audience: [user.id],
        data: { user_id: user.id, email: user.email, name: 'Bo' },
      }),
    ]);
  });

  it('logs a user in with any casing of the email', async () => {
    const { signUp, post } = createHarness();
    const { user, password } = await signUp(aSignUp({ email: 'cy@example.com' }));
    const response = await post('/v1/auth/login', { email: 'CY@example.com', password });
    expect(response.status).toBe(200);
    const body = (await response.json()) as AuthResponse;
    expect(body.user).toEqual({ id: user.id, email: 'cy@example.com', name: user.name, groups: [] });
    expect(body.access_token).toBeTruthy();
    expect(body.refresh_token).toMatch(/^rt_/);
  });

  it('returns the signed-in user from GET /v1/me', async () => {
    const { signUp, get, clock } = createHarness();
    const { user, access_token: token } = await signUp();
    const response = await get('/v1/me', token);
    expect(response.status).toBe(200);
    expect((await response.json()) as User).toEqual({
      ...user,
      created_at: new Date(clock.now()).toISOString(),
      email_verified: false,
      mfa_enabled: false,
    });
  });

  it('exchanges a refresh token for new tokens', async () => {
    const { signUp, post, get, clock } = createHarness();
    const first = await signUp();
    clock.advance(60_000);
    const response = await post('/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(response.status).toBe(200);
    const body = (await response.json()) as AuthResponse;
    expect(body.user).toEqual(first.user);
    expect(body.refresh_token).not.toBe(first.refresh_token);
    expect(body.access_token).not.toBe(first.access_token);
    expect((await get('/v1/me', body.access_token)).status).toBe(200);
    // The next token of the family works in turn.
    expect((await post('/v1/auth/refresh', { refresh_token: body.refresh_token })).status).toBe(200);
  });

  it('logs out with 204 and an empty body', async () => {
    const { signUp, post } = createHarness();
    const { refresh_token: refreshToken } = await signUp();
    const response = await post('/v1/auth/logout', { refresh_token: refreshToken });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('publishes the signing key at /.well-known/jwks.json, without private parts', async () => {
    const { signUp, get } = createHarness();
    const { access_token: token } = await signUp();
    const response = await get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age');
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: decodeProtectedHeader(token).kid,
    });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('documents the routes in the OpenAPI document with bearer auth on /v1/me', async () => {
    const { identity } = createHarness();
    const document = identityRoutes(identity).getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
    });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/.well-known/jwks.json',
      '/v1/auth/login',
      '/v1/auth/logout',
      '/v1/auth/refresh',
      '/v1/auth/signup',
      '/v1/me',
    ]);
    expect(document.paths?.['/v1/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});
