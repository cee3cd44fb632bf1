import { paymentEventTypes } from '../payments/index.ts';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { createErrorHandler } from '../http/errors.ts';
import { ManualClock } from '../kernel/clock.ts';
import { InProcessBus } from '../platform/bus.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { eventKey, outboxPut } from '../platform/outbox.ts';
import { createJsonLogger, silentLogger } from '../platform/logger.ts';
import type { Store } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { StoreQueue } from '../runtime/local/store-queue.ts';
import { registerDeliveryWorker } from './delivery.ts';
import type { WebhookDeps } from './endpoints.ts';
import { subscribeWebhooks } from './events.ts';
import { webhookRoutes } from './routes.ts';
import { verifySignature } from './signature.ts';
import type { Resolver } from './url-guard.ts';

export const testDns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  localhost: ['127.0.0.1'],
  'internal.example.com': ['10.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
};
export const testResolver: Resolver = async (host) => {
  const found = testDns[host];
  if (!found) throw new Error('ENOTFOUND');
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** The webhooks module on a store, a manual clock, a store queue, an in-process bus and a test app. */
export function buildWebhooks(options: { store?: Store; clock?: ManualClock } = {}) {
  const store = options.store ?? new SqliteStore(':memory:');
  const clock = options.clock ?? new ManualClock();
  const logLines: string[] = [];
  const logger = createJsonLogger((line) => logLines.push(line));
  const queue = new StoreQueue({ store, clock, logger: silentLogger, pollIntervalMs: 5 });
  const deps: WebhookDeps = {
    store,
    clock,
    logger,
    queue,
    allowPrivate: 'loopback',
    resolve: testResolver,
    random: () => 0.5,
    // Every POST awaited, so `queue.drain()` returns with each attempt made and recorded (the
    // isolation tests set the hold the runtime uses).
    deliveryHoldMs: null,
  };
  const bus = new InProcessBus();
  subscribeWebhooks(bus, deps);
  registerDeliveryWorker(queue, deps);
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', 'req_test');
    c.set('merchant', {
      kind: 'merchant',
      merchantId: c.req.header('x-test-merchant') ?? 'mer_A',
      apiKeyId: undefined,
      ownerId: 'usr_owner',
      role: 'owner',
      userId: 'usr_owner',
    });
    await next();
  });
  app.onError(createErrorHandler(silentLogger));
  // The sandbox's event types, as the app's catalogue offers them.
  app.route('/', webhookRoutes(deps, paymentEventTypes));
  const call = async (method: string, path: string, body?: unknown, merchant = 'mer_A') => {
    const response = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', 'x-test-merchant': merchant },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  /**
   * What the outbox dispatcher does for a producer's events: their outbox items (the events'
   * records, written once) are in the store, then the bus gets them, repeats included.
   */
  const emit = async (events: EventEnvelope[]) => {
    for (const event of new Set(events))
      if (!(await store.get(eventKey(event.id)))) await store.transact([outboxPut(event)]);
    return bus.publish(events);
  };
  return { store, clock, queue, deps, bus, emit, app, call, logLines };
}

export interface ReceivedWebhook {
  body: string;
  signature: string;
  /** Which of the receiver's secrets verified the signature. */
  verifiedWith: string[];
}

/**
 * A real HTTP receiver on 127.0.0.1 that checks signatures with the exported `verifySignature`
 * against the test's clock, and answers with `respond(n)` for its n-th request (1-based), once
 * `answerWhen` has resolved (at once without it): a test decides when a slow receiver answers.
 */
export async function startReceiver(
  clock: ManualClock,
  respond: (n: number) => number = () => 200,
  answerWhen?: Promise<void>,
) {
  const received: ReceivedWebhook[] = [];
  const secrets: string[] = [];
  let count = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['sluice-signature'] ?? '');
      const verifiedWith = secrets.filter((secret) =>
        verifySignature(body, signature, secret, 300, Math.floor(clock.now() / 1000)),
      );
      count++;
      const status = verifiedWith.length === 0 ? 400 : respond(count);
      if (status >= 200 && status < 300) received.push({ body, signature, verifiedWith });
      const answer = () =>
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status < 300 ? 'ok' : `nope ${'x'.repeat(600)}`);
      if (answerWhen) void answerWhen.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    secrets,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A receiver that accepts TCP and reads the request but never answers: the endpoint of a
 * merchant whose server hangs. Counts the requests open on each path, and the most ever open at once.
 */
export async function startHangingServer() {
  const open = new Map<string, number>();
  const maxOpen = new Map<string, number>();
  let total = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage) => {
    const path = req.url ?? '';
    total++;
    const now = (open.get(path) ?? 0) + 1;
    open.set(path, now);
    maxOpen.set(path, Math.max(now, maxOpen.get(path) ?? 0));
    req.socket.once('close', () => open.set(path, (open.get(path) ?? 1) - 1));
    req.resume();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Requests received so far. */
    requests: () => total,
    /** Requests open now, over every path. */
    openNow: () => [...open.values()].reduce((sum, n) => sum + n, 0),
    /** The most requests ever open at once on one path. */
    maxOpenOnOnePath: () => Math.max(0, ...maxOpen.values()),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
