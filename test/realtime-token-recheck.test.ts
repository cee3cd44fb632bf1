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
import { MailboxNotifier } from '../server/src/runtime/local/mailbox-notifier.ts';
import { createRealtimeServer, LocalRealtime } from '../server/src/runtime/local/realtime.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';

/**
 * A socket opened with a user's access token lives at most until the token's `exp`, and is checked
 * again every `keyRecheckMs` (60 s by default; 100 ms here) meanwhile: a session ended (a logout)
 * or a member removed from the merchant whose stream it is closes it with 4401, instead of pushing
 * on until the token expires (found by a probe on 2026-12-06: up to 15 minutes of a merchant's
 * payments to a removed member).
 */
describe('a socket opened with a user token', () => {
  const store = new SqliteStore(':memory:');
  const config = { ...defaultConfig, requireEmailVerification: false };
  // The local mailbox: a member's invitation is mailed.
  const mailbox = new MailboxNotifier({ store, clock: systemClock });
  const identity = createLocalIdentity({
    store,
    clock: systemClock,
    config,
    logger: silentLogger,
    notifier: mailbox,
  });
  const rateLimiter = new MemoryRateLimiter();
  const authenticate = merchantAuthenticator({ store, clock: systemClock, identity, rateLimiter });
  // Each check of a member's token for the merchant (the first one and every recheck) that passed.
  let memberChecksPassed = 0;
  const realtime = new LocalRealtime({
    identity,
    authenticateMerchant: async (token, merchantId) => {
      const merchant = await authenticate(token, merchantId);
      memberChecksPassed += 1;
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
    notifier: mailbox,
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
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as Record<string, string> & { user: { id: string } };
  }

  const signUp = (email: string) =>
    call('POST', '/v1/auth/signup', undefined, {
      email,
      password: 'correct horse battery staple',
      name: 'Pat',
    });
  const open = (url: string, token: string) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const messages: { type: string; data: Record<string, string> }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    return { socket, messages, closed };
  };

  it('closes a user socket (4401) once its session ends, not when its token expires', async () => {
    const user = await signUp('leaver@example.com');
    const { socket, messages, closed } = open(wsUrl, user.access_token!);
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.user_id).toBe(user.user.id);
    const ready = messages.find((m) => m.type === 'ready')!;
    // `ready` still tells the token's own expiry (minutes away), not the next check.
    expect(Date.parse(ready.data.expires_at!) - Date.now()).toBeGreaterThan(60_000);
    await call('POST', '/v1/auth/logout', user.access_token, { refresh_token: user.refresh_token });
    expect(await closed).toBe(4401);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
    expect(realtime.socketCount(user.user.id!)).toBe(0);
  });

  it('closes a merchant stream (4401) once its user is removed from the merchant, after checks that kept it open', async () => {
    const owner = await signUp('owner@example.com');
    const merchant = await call('POST', '/v1/merchants', owner.access_token, { name: 'Team Shop' });
    const member = await call('POST', `/v1/merchants/${merchant.id}/members`, owner.access_token, {
      email: 'member@example.com',
      role: 'admin',
    });
    const user = await signUp('member@example.com');
    const { messages, closed } = open(`${wsUrl}?merchant=${merchant.id}`, user.access_token!);
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.merchant_id).toBe(merchant.id);
    const checksAtOpen = memberChecksPassed;
    await expect.poll(() => memberChecksPassed, { timeout: 10_000 }).toBeGreaterThanOrEqual(checksAtOpen + 3);
    expect(realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    await call('DELETE', `/v1/merchants/${merchant.id}/members/${member.id}`, owner.access_token);
    expect(await closed).toBe(4401);
    expect(realtime.socketCount(merchantAudience(merchant.id!))).toBe(0);
  });
});
