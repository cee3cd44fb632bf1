import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApp } from '../../app/create-app.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { InProcessBus } from '../../platform/bus.ts';
import { defaultConfig, type Config } from '../../platform/config.ts';
import { silentLogger } from '../../platform/logger.ts';
import { OutboxDispatcher } from '../../platform/outbox-dispatcher.ts';
import { subscribeRealtime, type RealtimeMessage } from '../../platform/realtime.ts';
import { subscribeWallet } from '../../wallet/index.ts';
import { harnessStart } from '../../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../../test/invariants.ts';
import { createRealtimeServer, LocalRealtime, type LocalRealtimeOptions } from './realtime.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreQueue } from './store-queue.ts';

const password = 'correct horse battery';
const waitMs = 2_000;
let cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  // Newest first: sockets before the realtime adapter, the server before the store.
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** The whole app on a real HTTP server at 127.0.0.1, with the outbox feeding realtime. */
async function startServer(options: { realtime?: Partial<LocalRealtimeOptions> } = {}) {
  const sqlite = new SqliteStore(':memory:');
  // A fixed start on a whole second, so a token's `exp` (whole seconds) lands exactly
  // `accessTokenTtlSeconds` later, whatever the wall clock says.
  const clock = new ManualClock(harnessStart);
  const bus = new InProcessBus();
  // The app writes through the dispatcher's watch, which hands it each committed event.
  const dispatcher = new OutboxDispatcher({ store: sqlite, bus, clock, logger: silentLogger });
  const store = dispatcher.watch(sqlite);
  // Users sign up verified: the tests move money right after sign-up.
  const config: Config = { ...defaultConfig, requireEmailVerification: false };
  const identity = createLocalIdentity({ store, clock, config, logger: silentLogger });
  const realtime = new LocalRealtime({ identity, clock, ...options.realtime });
  const queue = new StoreQueue({ store, clock, logger: silentLogger });
  const app = createApp({
    store,
    clock,
    config,
    logger: silentLogger,
    identity,
    queue,
    extend: (app) => app.get('/v1/realtime', realtime.route()),
  });
  subscribeWallet(bus, { store, clock, config, users: identity });
  subscribeRealtime(bus, realtime);
  const server: ServerType = serve({
    fetch: app.fetch,
    port: 0,
    hostname: '127.0.0.1',
    websocket: { server: createRealtimeServer() },
  });
  cleanups.push(() => store.close());
  // Transfers move money here: the books must balance once the server has stopped.
  cleanups.push(() => expectBooksBalanced(sqlite));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => realtime.closeAll());
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}/v1/realtime`;

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
    return { status: response.status, json: (await response.json()) as any };
  }

  /** Signs users up and delivers their sign-up events, so sockets opened later start quiet. */
  async function signUp(...names: string[]): Promise<TestUser[]> {
    const users: TestUser[] = [];
    for (const name of names) {
      const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const response = await call('POST', '/v1/auth/signup', undefined, { email, password, name });
      expect(response.status).toBe(201);
      users.push({ id: response.json.user.id, email, token: response.json.access_token });
    }
    await dispatcher.drain();
    return users;
  }

  return { store, clock, config, identity, realtime, dispatcher, base, wsBase, call, signUp };
}

/** A client socket that buffers what it receives, so no message is lost between awaits. */
interface Client {
  ws: WebSocket;
  messages: RealtimeMessage[];
  waiters: Array<(message: RealtimeMessage) => void>;
  closed: Promise<{ code: number; reason: string }>;
}

function openClient(url: string, options: { autoPong?: boolean } = {}): Client {
  const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
  const client: Client = {
    ws,
    messages: [],
    waiters: [],
    closed: new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
  };
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as RealtimeMessage;
    const waiter = client.waiters.shift();
    if (waiter) waiter(message);
    else client.messages.push(message);
  });
  cleanups.push(() => ws.terminate());
  return client;
}

/** The next message, or a rejection after `timeoutMs`. */
function nextMessage(client: Client, timeoutMs = waitMs): Promise<RealtimeMessage> {
  const buffered = client.messages.shift();
  if (buffered) return Promise.resolve(buffered);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.waiters.splice(client.waiters.indexOf(waiter), 1);
      reject(new Error(`no message within ${timeoutMs} ms`));
    }, timeoutMs);
    const waiter = (message: RealtimeMessage) => {
      clearTimeout(timer);
      resolve(message);
    };
    client.waiters.push(waiter);
  });
}

function closeOf(client: Client, timeoutMs = waitMs): Promise<{ code: number; reason: string }> {
  return Promise.race([
    client.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs),
    ),
  ]);
}

/** Connects with `?token=` and waits for `ready`. */
async function connectWithQuery(wsBase: string, token: string, extraQuery = ''): Promise<Client> {
  const client = openClient(`${wsBase}?token=${encodeURIComponent(token)}${extraQuery}`);
  expect(await nextMessage(client)).toMatchObject({ type: 'ready' });
  return client;
}

/** Connects without a token, authenticates with the first message and waits for `ready`. */
async function connectWithMessage(wsBase: string, token: string): Promise<Client> {
  const client = openClient(wsBase);
  await once(client.ws, 'open');
  client.ws.send(JSON.stringify({ type: 'auth', token }));
  expect(await nextMessage(client)).toMatchObject({ type: 'ready' });
  return client;
}

/** The HTTP status of a refused upgrade; fails if the upgrade succeeds. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    cleanups.push(() => ws.terminate());
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
    setTimeout(() => reject(new Error('no answer to the upgrade')), waitMs);
  });
}

/**
 * Proves a socket got nothing so far: a pong is answered after everything already pushed to it,
 * so if the pong comes first, nothing else was on its way.
 */
async function expectNothingReceived(client: Client): Promise<void> {
  client.ws.send(JSON.stringify({ type: 'ping' }));
  expect(await nextMessage(client)).toEqual({ type: 'pong', data: {} });
}

async function tokenFromAnotherKey(
  user: TestUser,
  config: Config,
  kid: string,
  clock: ManualClock,
): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ email: user.email, groups: [] })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti(crypto.randomUUID())
    .sign(privateKey);
}

describe('realtime: delivery', () => {
  it('pushes a transfer to its sender and recipient, and to no one else', async () => {
    const t = await startServer();
    const [alice, bob, carol] = await t.signUp('alice', 'bob', 'carol');
    const aliceSocket = await connectWithQuery(t.wsBase, alice!.token);
    const bobSocket = await connectWithMessage(t.wsBase, bob!.token);
    const carolSocket = await connectWithQuery(t.wsBase, carol!.token);

    const sent = await t.call('POST', '/v1/transfers', alice!.token, {
      to: bob!.email,
      amount: 725,
      currency: 'USD',
      note: 'lunch',
    });
    expect(sent.status).toBe(201);
    await t.dispatcher.drain();

    const toAlice = await nextMessage(aliceSocket);
    const toBob = await nextMessage(bobSocket);
    expect(toAlice).toMatchObject({
      type: 'wallet.transfer.created',
      data: {
        transfer: {
          id: sent.json.id,
          from: alice!.id,
          to: bob!.id,
          amount: 725,
          currency: 'USD',
          note: 'lunch',
        },
      },
    });
    expect(toAlice.id).toMatch(/^evt_/);
    expect(typeof toAlice.time).toBe('string');
    expect(toBob).toEqual(toAlice);
    expect(toAlice).not.toHaveProperty('audience');
    await expectNothingReceived(carolSocket);
  });

  it('pushes a new payment request to the payer', async () => {
    const t = await startServer();
    const [alice, bob] = await t.signUp('alice', 'bob');
    const bobSocket = await connectWithMessage(t.wsBase, bob!.token);

    const requested = await t.call('POST', '/v1/payment-requests', alice!.token, {
      from: bob!.email,
      amount: 1500,
      currency: 'USD',
      note: 'tickets',
    });
    expect(requested.status).toBe(201);
    await t.dispatcher.drain();

    expect(await nextMessage(bobSocket)).toMatchObject({
      type: 'payment_request.created',
      data: {
        payment_request: {
          id: requested.json.id,
          requester: alice!.id,
          payer: bob!.id,
          amount: 1500,
          status: 'pending',
        },
      },
    });
  });

  it('pushes to every open socket of a user', async () => {
    const t = await startServer();
    const [alice, bob] = await t.signUp('alice', 'bob');
    const phone = await connectWithQuery(t.wsBase, bob!.token);
    const laptop = await connectWithMessage(t.wsBase, bob!.token);
    expect(t.realtime.socketCount(bob!.id)).toBe(2);

    await t.call('POST', '/v1/transfers', alice!.token, { to: bob!.id, amount: 100, currency: 'USD' });
    await t.dispatcher.drain();

    expect((await nextMessage(phone)).type).toBe('wallet.transfer.created');
    expect((await nextMessage(laptop)).type).toBe('wallet.transfer.created');
  });

  it('says which user the socket belongs to when it is ready', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    const client = openClient(`${t.wsBase}?token=${alice!.token}`);
    const ready = await nextMessage(client);
    expect(ready).toMatchObject({ type: 'ready', data: { user_id: alice!.id } });
    expect(Date.parse((ready.data as { expires_at: string }).expires_at)).toBe(
      t.clock.now() + t.config.accessTokenTtlSeconds * 1000,
    );
  });
});

describe('realtime: security', () => {
  it('refuses an upgrade with a malformed, expired or foreign token with 401', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    const { keys } = await t.identity.jwks();
    const forged = await tokenFromAnotherKey(alice!, t.config, keys[0]!.kid!, t.clock);

    expect(await refusedStatus(`${t.wsBase}?token=not-a-jwt`)).toBe(401);
    expect(await refusedStatus(`${t.wsBase}?token=`)).toBe(401);
    expect(await refusedStatus(`${t.wsBase}?token=${forged}`)).toBe(401);
    t.clock.advance((t.config.accessTokenTtlSeconds + 60) * 1000);
    expect(await refusedStatus(`${t.wsBase}?token=${alice!.token}`)).toBe(401);
    expect(t.realtime.socketCount()).toBe(0);
  });

  it('answers a plain request with a bad token with a JSON 401 and no upgrade', async () => {
    const t = await startServer();
    const response = await fetch(`${t.base}/v1/realtime?token=not-a-jwt`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_token',
      message: expect.any(String),
    });
  });

  it('answers a plain request with a valid token with 400: it needs a WebSocket', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    const response = await fetch(`${t.base}/v1/realtime?token=${alice!.token}`);
    expect(response.status).toBe(400);
  });

  it('closes with 4401 a socket whose auth message carries a bad token, and pushes it nothing', async () => {
    const t = await startServer();
    const [alice, bob] = await t.signUp('alice', 'bob');
    const { keys } = await t.identity.jwks();
    const forged = await tokenFromAnotherKey(bob!, t.config, keys[0]!.kid!, t.clock);
    for (const token of ['not-a-jwt', forged]) {
      const client = openClient(t.wsBase);
      await once(client.ws, 'open');
      client.ws.send(JSON.stringify({ type: 'auth', token }));
      expect(await closeOf(client)).toEqual({ code: 4401, reason: 'unauthenticated' });
      expect(client.messages).toEqual([]);
    }
    await t.call('POST', '/v1/transfers', alice!.token, { to: bob!.id, amount: 100, currency: 'USD' });
    await t.dispatcher.drain();
    expect(t.realtime.socketCount()).toBe(0);
  });

  it('closes with 4401 a socket whose auth message carries an expired token', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    t.clock.advance((t.config.accessTokenTtlSeconds + 60) * 1000);
    const client = openClient(t.wsBase);
    await once(client.ws, 'open');
    client.ws.send(JSON.stringify({ type: 'auth', token: alice!.token }));
    expect(await closeOf(client)).toEqual({ code: 4401, reason: 'unauthenticated' });
    expect(client.messages).toEqual([]);
  });

  it('closes with 4401 a socket whose first message is not an auth message', async () => {
    const t = await startServer();
    for (const first of [
      'hello',
      JSON.stringify({ type: 'ping' }),
      JSON.stringify({ type: 'auth' }),
      JSON.stringify({ type: 'auth', token: 42 }),
    ]) {
      const client = openClient(t.wsBase);
      await once(client.ws, 'open');
      client.ws.send(first);
      expect(await closeOf(client)).toEqual({ code: 4401, reason: 'unauthenticated' });
      expect(client.messages).toEqual([]);
    }
  });

  it('closes with 4401 a socket that never authenticates', async () => {
    const t = await startServer({ realtime: { authTimeoutMs: 150 } });
    const client = openClient(t.wsBase);
    await once(client.ws, 'open');
    expect(await closeOf(client)).toEqual({ code: 4401, reason: 'unauthenticated' });
    expect(client.messages).toEqual([]);
  });

  it('never takes the user from the query: ?userId= is ignored', async () => {
    const t = await startServer();
    const [alice, bob, carol] = await t.signUp('alice', 'bob', 'carol');
    const carolSocket = openClient(`${t.wsBase}?token=${carol!.token}&userId=${bob!.id}&user_id=${bob!.id}`);
    expect(await nextMessage(carolSocket)).toMatchObject({ type: 'ready', data: { user_id: carol!.id } });

    await t.call('POST', '/v1/transfers', alice!.token, { to: bob!.id, amount: 100, currency: 'USD' });
    await t.dispatcher.drain();

    await expectNothingReceived(carolSocket);
    expect(t.realtime.socketCount(bob!.id)).toBe(0);
  });

  it('refuses to move an open socket to another user with a second auth message', async () => {
    const t = await startServer();
    const [bob, carol] = await t.signUp('bob', 'carol');
    const carolSocket = await connectWithQuery(t.wsBase, carol!.token);
    carolSocket.ws.send(JSON.stringify({ type: 'auth', token: bob!.token }));
    expect(await closeOf(carolSocket)).toEqual({ code: 4401, reason: 'unauthenticated' });
    expect(t.realtime.socketCount(bob!.id)).toBe(0);
  });
});

describe('realtime: lifecycle', () => {
  it('closes a socket with 4401 when its token expires', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    t.clock.advance(t.config.accessTokenTtlSeconds * 1000 - 200);
    const client = await connectWithQuery(t.wsBase, alice!.token);
    expect(await closeOf(client)).toEqual({ code: 4401, reason: 'token_expired' });
    expect(t.realtime.socketCount(alice!.id)).toBe(0);
  });

  it('keeps a socket open past the old expiry when the client sends a fresh token', async () => {
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    t.clock.advance(t.config.accessTokenTtlSeconds * 1000 - 500);
    const login = await t.call('POST', '/v1/auth/login', undefined, { email: alice!.email, password });
    const client = await connectWithQuery(t.wsBase, alice!.token);
    client.ws.send(JSON.stringify({ type: 'auth', token: login.json.access_token }));
    const renewed = await nextMessage(client);
    expect(renewed).toMatchObject({ type: 'ready', data: { user_id: alice!.id } });
    // A second socket on the old token expires when the first one's old timer would have fired
    // (timers of equal delay fire in the order they were set): its close is the signal that the
    // old expiry has passed, without sleeping.
    const witness = await connectWithQuery(t.wsBase, alice!.token);
    expect(await closeOf(witness)).toEqual({ code: 4401, reason: 'token_expired' });
    expect(t.realtime.socketCount(alice!.id)).toBe(1);
    await expectNothingReceived(client);
  });

  it('closes the oldest socket of a user past the per-user cap', async () => {
    const t = await startServer({ realtime: { maxSocketsPerUser: 2 } });
    const [alice] = await t.signUp('alice');
    const first = await connectWithQuery(t.wsBase, alice!.token);
    await connectWithQuery(t.wsBase, alice!.token);
    await connectWithMessage(t.wsBase, alice!.token);
    expect(await closeOf(first)).toEqual({ code: 4429, reason: 'too_many_connections' });
    expect(t.realtime.socketCount(alice!.id)).toBe(2);
  });

  it('terminates a socket that stops answering pings, and keeps one that answers', async () => {
    // The interval (30 s by default) never fires here: the test runs the rounds itself.
    const t = await startServer();
    const [alice] = await t.signUp('alice');
    const silent = openClient(`${t.wsBase}?token=${alice!.token}`, { autoPong: false });
    expect(await nextMessage(silent)).toMatchObject({ type: 'ready' });
    const lively = await connectWithQuery(t.wsBase, alice!.token);
    const pinged = once(lively.ws, 'ping');
    t.realtime.heartbeat();
    await pinged; // lively's automatic pong is on its way
    // A ping of our own comes back after the server has read that pong (one connection, in order).
    const roundTrip = once(lively.ws, 'pong');
    lively.ws.ping();
    await roundTrip;
    t.realtime.heartbeat();
    expect((await closeOf(silent)).code).toBe(1006);
    expect(lively.ws.readyState).toBe(WebSocket.OPEN);
    expect(t.realtime.socketCount(alice!.id)).toBe(1);
    await expectNothingReceived(lively);
  });

  it('closes every socket with 1001 on closeAll, then refuses new ones', async () => {
    const t = await startServer();
    const [alice, bob] = await t.signUp('alice', 'bob');
    const aliceSocket = await connectWithQuery(t.wsBase, alice!.token);
    const pending = openClient(t.wsBase);
    await once(pending.ws, 'open');
    await connectWithMessage(t.wsBase, bob!.token);

    await t.realtime.closeAll();

    expect(await closeOf(aliceSocket)).toEqual({ code: 1001, reason: 'server shutting down' });
    expect((await closeOf(pending)).code).toBe(1001);
    expect(t.realtime.socketCount()).toBe(0);
    expect(await refusedStatus(`${t.wsBase}?token=${alice!.token}`)).toBe(503);
  });
});

describe('subscribeRealtime', () => {
  function recordPushes() {
    const bus = new InProcessBus();
    const pushes: Array<{ userIds: string[]; message: RealtimeMessage }> = [];
    subscribeRealtime(bus, { push: async (userIds, message) => void pushes.push({ userIds, message }) });
    return { bus, pushes };
  }
  const event = {
    id: 'evt_1',
    type: 'wallet.transfer.created',
    source: 'sluice.wallet',
    time: '2026-01-01T00:00:00.000Z',
    subject: 'user_a',
    data: { amount: 1 },
  };

  it('pushes an event to exactly its audience, once per user, without the envelope fields', async () => {
    const { bus, pushes } = recordPushes();
    await bus.publish([{ ...event, audience: ['user_a', 'user_b', 'user_a'] }]);
    expect(pushes).toEqual([
      {
        userIds: ['user_a', 'user_b'],
        message: { id: 'evt_1', type: 'wallet.transfer.created', time: event.time, data: { amount: 1 } },
      },
    ]);
  });

  it('pushes nothing for an event without an audience or with an empty one', async () => {
    const { bus, pushes } = recordPushes();
    const { deliveries } = await bus.publish([event, { ...event, id: 'evt_2', audience: [] }]);
    expect(deliveries.map((d) => d.delivered)).toEqual([[], []]);
    expect(pushes).toEqual([]);
  });
});
