import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../server/src/app/create-app.ts';
import { createLocalIdentity, MemoryRateLimiter } from '../server/src/identity/index.ts';
import { systemClock } from '../server/src/kernel/clock.ts';
import { merchantAuthenticator } from '../server/src/payments/index.ts';
import { defaultConfig } from '../server/src/platform/config.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { MailboxNotifier } from '../server/src/runtime/local/mailbox-notifier.ts';
import { createRealtimeServer, LocalRealtime } from '../server/src/runtime/local/realtime.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';

/**
 * The app with its realtime endpoint behind a real HTTP server and WebSocket, on SQLite in memory
 * and the system clock, for tests of sockets that outlive what opened them: credentials are checked
 * again every `keyRecheckMs`, and `merchantChecksPassed()` counts the checks of a merchant
 * credential (the first and every recheck) that let a stream stay open.
 *
 * @example const served = await serveRealtimeApp({ keyRecheckMs: 100 }); … await served.close();
 */
export async function serveRealtimeApp(options: { keyRecheckMs: number }) {
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
  let merchantChecksPassed = 0;
  const realtime = new LocalRealtime({
    identity,
    authenticateMerchant: async (token, merchantId) => {
      const merchant = await authenticate(token, merchantId);
      merchantChecksPassed += 1;
      return merchant;
    },
    keyRecheckMs: options.keyRecheckMs,
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
  const server: ServerType = serve({
    fetch: app.fetch,
    port: 0,
    hostname: '127.0.0.1',
    websocket: { server: createRealtimeServer() },
  });
  await once(server, 'listening');

  /** A JSON request through the app as the bearer of `token`; its JSON answer ({} when empty). */
  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const response = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as Record<string, string> & { user: { id: string } };
  }

  return {
    realtime,
    wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime`,
    merchantChecksPassed: () => merchantChecksPassed,
    call,
    async close() {
      await realtime.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
