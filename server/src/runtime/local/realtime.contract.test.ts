import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { WebSocket } from 'ws';
import type { AppEnv } from '../../http/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { Identity } from '../../platform/identity.ts';
import {
  runRealtimeContract,
  type RealtimeConnection,
  type RealtimeUnderTest,
} from '../../platform/realtime-contract.ts';
import type { RealtimeMessage } from '../../platform/realtime.ts';
import { createRealtimeServer, LocalRealtime } from './realtime.ts';

// Nothing is mocked: real `ws` client sockets against LocalRealtime on an HTTP server at
// 127.0.0.1. Access tokens come from a small HS256 issuer here rather than the identity module,
// which has its own contract; the socket only needs a verified user id and an `exp`.
runRealtimeContract('LocalRealtime (ws on a real HTTP server)', startLocalRealtime);

async function startLocalRealtime(): Promise<RealtimeUnderTest> {
  const secret = randomBytes(32);
  const identity: Pick<Identity, 'verifyAccessToken'> = {
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
        return {
          kind: 'user',
          userId: String(payload.sub),
          email: `${String(payload.sub)}@example.com`,
          groups: [],
        } satisfies Principal;
      } catch {
        throw new AppError('invalid_token', 'the access token is invalid');
      }
    },
  };
  const realtime = new LocalRealtime({ identity });
  const app = new Hono<AppEnv>().get('/v1/realtime', realtime.route());
  const server: ServerType = serve({
    fetch: app.fetch,
    port: 0,
    hostname: '127.0.0.1',
    websocket: { server: createRealtimeServer() },
  });
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime`;
  const clients = new Set<TestClient>();

  return {
    realtime,
    async connect(userId) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setExpirationTime('15m')
        .sign(secret);
      const client = await TestClient.open(`${url}?token=${encodeURIComponent(token)}`);
      clients.add(client);
      return client;
    },
    openConnections: async (userId) => realtime.socketCount(userId),
    // A `pong` leaves after every message pushed before it on the same socket.
    settle: async () =>
      void (await Promise.all(
        [...clients].filter((client) => client.isOpen).map((client) => client.roundTrip()),
      )),
    async cleanup() {
      for (const client of clients) void client.vanish();
      await realtime.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser-like client: keeps pushed messages, answers `settle` with a ping round trip. */
class TestClient implements RealtimeConnection {
  readonly #socket: WebSocket;
  readonly #messages: RealtimeMessage[] = [];
  readonly #pongs: Array<() => void> = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  static async open(url: string): Promise<TestClient> {
    const socket = new WebSocket(url);
    const client = new TestClient(socket);
    const ready = new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as RealtimeMessage;
        if (message.type === 'ready') resolve();
        else if (message.type === 'pong') client.#pongs.shift()?.();
        else client.#messages.push(message);
      });
    });
    await ready;
    return client;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  received(): RealtimeMessage[] {
    return [...this.#messages];
  }

  roundTrip(): Promise<void> {
    return new Promise((resolve) => {
      this.#pongs.push(resolve);
      this.#socket.send(JSON.stringify({ type: 'ping' }));
    });
  }

  async disconnect(): Promise<void> {
    const closed = once(this.#socket, 'close');
    this.#socket.close(1000, 'bye');
    await closed;
  }

  /** Cuts the TCP connection without a close frame, as a phone losing its network would. */
  async vanish(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.#socket, 'close');
    this.#socket.terminate();
    await closed;
  }
}
