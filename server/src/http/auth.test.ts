import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { unknownClientIp, type Identity } from '../identity/index.ts';
import { AppError } from '../kernel/errors.ts';
import { silentLogger } from '../platform/logger.ts';
import { getClientIp, requireAdmin, requireUser } from './auth.ts';
import type { Principal } from '../kernel/principal.ts';
import type { AppEnv } from './context.ts';
import { createErrorHandler } from './errors.ts';

const ann: Principal = { kind: 'user', userId: 'usr_ann', email: 'ann@example.com', groups: [] };
const root: Principal = { kind: 'user', userId: 'usr_root', email: 'root@example.com', groups: ['admin'] };

/** An identity that knows two tokens and calls `expired` expired. */
const identity: Pick<Identity, 'verifyAccessToken'> = {
  async verifyAccessToken(token) {
    if (token === 'ann-token') return ann;
    if (token === 'root-token') return root;
    if (token === 'expired') throw new AppError('token_expired', 'the access token has expired');
    if (token === 'boom') throw new Error('store unavailable');
    throw new AppError('invalid_token', 'the access token is invalid');
  },
};

function createApp() {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', 'req_test');
    await next();
  });
  app.onError(createErrorHandler(silentLogger));
  app.get('/me', requireUser(identity), (c) => c.json(c.var.principal));
  app.get('/admin', requireUser(identity), requireAdmin(), (c) => c.json({ ok: true }));
  app.get('/admin-without-user', requireAdmin(), (c) => c.json({ ok: true }));
  app.get('/ip', (c) => c.text(getClientIp(c)));
  return app;
}

const withAuthorization = (value: string) => ({ headers: { authorization: value } });

describe('requireUser', () => {
  it('sets the principal for a valid bearer token', async () => {
    const response = await createApp().request('/me', withAuthorization('Bearer ann-token'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(ann);
  });

  it('accepts the scheme in any casing', async () => {
    expect((await createApp().request('/me', withAuthorization('bearer ann-token'))).status).toBe(200);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic YW5uOnB3'],
    ['a scheme without a token', 'Bearer '],
  ])('answers %s with 401 unauthenticated and a Bearer challenge', async (_label, header) => {
    const response = await createApp().request('/me', header === undefined ? {} : withAuthorization(header));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it.each([
    ['an unknown token', 'Bearer forged', 'invalid_token'],
    ['an expired token', 'Bearer expired', 'token_expired'],
    ['an oversized token', `Bearer ann-token${'x'.repeat(5000)}`, 'invalid_token'],
    ['two tokens', 'Bearer ann-token root-token', 'unauthenticated'],
  ])('answers %s with 401 %s without echoing the token', async (_label, header, code) => {
    const response = await createApp().request('/me', withAuthorization(header));
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain('forged');
    expect(text).not.toContain('ann-token');
    expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
  });

  it('lets an unexpected failure become a 500 that leaks nothing', async () => {
    const response = await createApp().request('/me', withAuthorization('Bearer boom'));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('store unavailable');
  });
});

describe('requireAdmin', () => {
  it('answers 403 forbidden for a user outside the admin group', async () => {
    const response = await createApp().request('/admin', withAuthorization('Bearer ann-token'));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('lets an admin through', async () => {
    expect((await createApp().request('/admin', withAuthorization('Bearer root-token'))).status).toBe(200);
  });

  it('answers 401 when no user was authenticated before it', async () => {
    expect((await createApp().request('/admin-without-user')).status).toBe(401);
  });
});

describe('getClientIp', () => {
  it('reads the address the Node server saw', async () => {
    const response = await createApp().request(
      '/ip',
      {},
      { incoming: { socket: { remoteAddress: '192.0.2.1' } } },
    );
    expect(await response.text()).toBe('192.0.2.1');
  });

  it('reads the source address API Gateway saw (the Lambda adapter passes its request context)', async () => {
    const response = await createApp().request(
      '/ip',
      { headers: { 'x-forwarded-for': '10.9.8.7' } },
      { requestContext: { http: { sourceIp: '198.51.100.7' } } },
    );
    expect(await response.text()).toBe('198.51.100.7');
  });

  it('ignores X-Forwarded-For, which any client can write', async () => {
    const response = await createApp().request('/ip', { headers: { 'x-forwarded-for': '10.9.8.7' } });
    expect(await response.text()).toBe(unknownClientIp);
  });

  it('reports the identity module’s unknown address without a Node socket', async () => {
    expect(await (await createApp().request('/ip')).text()).toBe(unknownClientIp);
  });
});
