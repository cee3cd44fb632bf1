import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApp } from '../server/src/app/create-app.ts';
import { createLocalIdentity, MemoryRateLimiter } from '../server/src/identity/index.ts';
import { systemClock } from '../server/src/kernel/clock.ts';
import { defaultConfig } from '../server/src/platform/config.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { merchantAudience } from '../server/src/platform/realtime.ts';
import { merchantAuthenticator } from '../server/src/payments/index.ts';
import { createRealtimeServer, LocalRealtime } from '../server/src/runtime/local/realtime.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';

/**
 * A key has no expiry, so a stream opened with one checks it again every `keyRecheckMs` (60 s by
 * default; 100 ms here): revoking the key closes the stream with 4401, and `sluice listen` exits 3.
 */
describe('a merchant stream opened with an API key', () => {
  const store = new SqliteStore(':memory:');
  const config = { ...defaultConfig, requireEmailVerification: false };
  const identity = createLocalIdentity({ store, clock: systemClock, config, logger: silentLogger });
  const rateLimiter = new MemoryRateLimiter();
  const authenticate = merchantAuthenticator({ store, clock: systemClock, identity, rateLimiter });
  // Each check of the key (the first one and every recheck) that let the stream stay open.
  let keyChecksPassed = 0;
  const realtime = new LocalRealtime({
    identity,
    authenticateMerchant: async (token, merchantId) => {
      const merchant = await authenticate(token, merchantId);
      keyChecksPassed += 1;
      return merchant;
    },
    keyRecheckMs: 100,
  });
  const app = createApp({
    store,
    clock: systemClock,
    config,
    logger: silentLogger,
    identity,
    queue: new StoreQueue({ store, clock: systemClock, logger: silentLogger }),
    rateLimiter,
    realtime,
    extend: (routes) => routes.get('/v1/realtime', realtime.route()),
  });
  let server: ServerType;
  let wsUrl: string;
  beforeAll(async () => {
    server = serve({
      fetch: app.fetch,
      port: 0,
      hostname: '127.0.0.1',
      websocket: { server: createRealtimeServer() },
    });
    await once(server, 'listening');
    wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime`;
  });
  afterAll(async () => {
    await realtime.closeAll();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const response = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as Record<string, string> & { user: { id: string } };
  }

  it('stays open while the key holds, and is closed (4401) once it is revoked', async () => {
    const owner = await call('POST', '/v1/auth/signup', undefined, {
      email: 'revoker@example.com',
      password: 'correct horse battery staple',
      name: 'Rev',
    });
    const merchant = await call('POST', '/v1/merchants', owner.access_token, { name: 'Rev Shop' });
    const key = await call('POST', `/v1/merchants/${merchant.id}/api-keys`, owner.access_token, {});

    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${key.secret}` } });
    const messages: { type: string; data: { merchant_id?: string } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.merchant_id).toBe(merchant.id);
    expect(realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    // Several rechecks pass while the key is valid: waited for by counting them, not by sleeping.
    const checksAtOpen = keyChecksPassed;
    await expect.poll(() => keyChecksPassed, { timeout: 10_000 }).toBeGreaterThanOrEqual(checksAtOpen + 3);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    await call('DELETE', `/v1/merchants/${merchant.id}/api-keys/${key.id}`, owner.access_token);
    expect(await closed).toBe(4401);
    expect(realtime.socketCount(merchantAudience(merchant.id!))).toBe(0);
  });
});
