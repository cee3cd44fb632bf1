import { upgradeWebSocket } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { WSContext, WSEvents } from 'hono/ws';
import { decodeJwt } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppEnv } from '../../http/context.ts';
import { errorResponse } from '../../http/errors.ts';
import type { Identity } from '../../platform/identity.ts';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';
import { merchantAudience, type Realtime, type RealtimeMessage } from '../../platform/realtime.ts';
import { apiKeySecretPrefix } from '../../payments/index.ts';

/**
 * Close codes a client sees. 4xxx mirror HTTP: 4401 means "get a fresh access token, then
 * reconnect"; 4429 means another socket of the same user replaced this one, so reconnecting
 * would only close that one in turn.
 */
export const realtimeCloseCodes = {
  goingAway: 1001,
  internalError: 1011,
  unauthenticated: 4401,
  tooManyConnections: 4429,
} as const;

export interface LocalRealtimeOptions {
  identity: Pick<Identity, 'verifyAccessToken'>;
  /**
   * Checks a merchant credential (an `sk_test_` key, or a user token with the merchant it names)
   * and answers the merchant's id, or throws an `AppError`. Without it, merchant streams are refused.
   */
  authenticateMerchant?: MerchantAuthenticator;
  /**
   * How often a socket checks its credential again: a revoked key, a session ended (a logout,
   * "sign out everywhere") or a member removed from the merchant is closed, 4401. Default 60 s.
   */
  keyRecheckMs?: number;
  /** The clock tokens are minted with, so `exp` is compared on the same time line. */
  clock?: Clock;
  logger?: Logger;
  /** Ping period; a socket that has not answered the previous ping is terminated. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** How long a socket opened without `?token=` has to send its auth message. Default 5 s. */
  authTimeoutMs?: number;
  /** Open sockets per user; the oldest is closed (4429) to make room. Default 10. */
  maxSocketsPerUser?: number;
  /** A socket with more than this many bytes queued is too slow to keep: it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** How long `closeAll` waits for close handshakes before cutting sockets off. Default 1 s. */
  closeGraceMs?: number;
}

/** Far longer than any token we mint; anything bigger is refused before it is parsed. */
const maxTokenLength = 4096;
/** Node's timers overflow past this (about 24.8 days) and fire at once. */
const maxTimerMs = 2 ** 31 - 1;

/** Answers the merchant a credential acts for, or throws an `AppError` (`payments`' `authenticateMerchantCredential`). */
export type MerchantAuthenticator = (token: string, merchantId: string | undefined) => Promise<string>;

interface Session {
  /** The audience the socket is pushed to: a user id, or a merchant's (`merchantAudience`). */
  userId: string;
  /** The token's `exp`, in epoch milliseconds; for an API key, when it is checked again. */
  expiresAt: number;
  /** What `ready` says the socket is for. */
  ready: Record<string, string>;
  /** An API key has no expiry: it is checked again at `expiresAt`, and the socket lives on while it holds. */
  renew?: () => Promise<Session>;
  /**
   * A user token is checked again at `recheckAt` (before its `exp`): its session may have ended,
   * or its user left the merchant the stream is for, since the socket opened.
   */
  recheck?: { at: number; run: () => Promise<Session> };
}

interface Connection {
  socket: WebSocket;
  userId: string | undefined;
  /** Answered the last ping (or has not been pinged yet). */
  isAlive: boolean;
  /** An auth message is being verified: later ones wait for the outcome. */
  isAuthenticating: boolean;
  authTimer: NodeJS.Timeout | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
}

/**
 * The local Realtime adapter: `GET /v1/realtime` upgraded to a WebSocket on the same HTTP server,
 * and pushes to the sockets of each user in memory (one process, so one map).
 *
 * A socket belongs to the user of the access token it authenticated with, never to a user named
 * by the client: `?token=<access token>` is verified before the upgrade (401 without it), or the
 * first message is `{"type":"auth","token":"…"}` within `authTimeoutMs` (else close 4401).
 * The socket then gets `{type:"ready", data:{user_id, expires_at}}` and is closed with 4401 when
 * the token expires, unless the client sends a fresh token for the same user in another `auth`
 * message first. `{"type":"ping"}` is answered with `{"type":"pong"}` for browsers, which cannot
 * send protocol pings.
 *
 * @example
 * const realtime = new LocalRealtime({ identity, clock });
 * const app = createApp({ ...deps, extend: (app) => app.get('/v1/realtime', realtime.route()) });
 * subscribeRealtime(bus, realtime);
 * const server = serve({ fetch: app.fetch, port, websocket: { server: createRealtimeServer() } });
 * // on shutdown
 * await realtime.closeAll();
 */
export class LocalRealtime implements Realtime {
  readonly #identity: Pick<Identity, 'verifyAccessToken'>;
  readonly #authenticateMerchant: MerchantAuthenticator | undefined;
  readonly #keyRecheckMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #authTimeoutMs: number;
  readonly #maxSocketsPerUser: number;
  readonly #maxBufferedBytes: number;
  readonly #closeGraceMs: number;
  readonly #connections = new Set<Connection>();
  /** Authenticated sockets per user, oldest first. */
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #heartbeat: NodeJS.Timeout;
  #isClosed = false;

  constructor(options: LocalRealtimeOptions) {
    this.#identity = options.identity;
    this.#authenticateMerchant = options.authenticateMerchant;
    this.#keyRecheckMs = options.keyRecheckMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#authTimeoutMs = options.authTimeoutMs ?? 5_000;
    this.#maxSocketsPerUser = options.maxSocketsPerUser ?? 10;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.#closeGraceMs = options.closeGraceMs ?? 1_000;
    this.#heartbeat = setInterval(() => this.heartbeat(), options.heartbeatIntervalMs ?? 30_000);
    this.#heartbeat.unref();
  }

  async push(userIds: string[], message: RealtimeMessage): Promise<void> {
    // Every merchant request is pushed (`logs tail`): nothing is serialized for nobody.
    let payload: string | undefined;
    for (const userId of new Set(userIds)) {
      for (const connection of this.#byUser.get(userId) ?? [])
        this.#send(connection, (payload ??= JSON.stringify(message)));
    }
  }

  /** The handler for `GET /v1/realtime`; mount it with the `extend` hook of `createApp`. */
  route(): MiddlewareHandler<AppEnv> {
    return async (c) => {
      if (this.#isClosed)
        return errorResponse(c, new AppError('service_unavailable', 'the server is shutting down'));
      const token = bearerOf(c.req.header('authorization')) ?? c.req.query('token');
      const merchant = c.req.header('sluice-merchant') ?? c.req.query('merchant');
      let session: Session | undefined;
      if (token !== undefined) {
        try {
          session = await this.#authenticate(token, merchant);
        } catch (error) {
          if (!isAppError(error)) throw error;
          c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
          return errorResponse(c, error);
        }
      }
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return errorResponse(
          c,
          new AppError('invalid_request', 'connect to /v1/realtime with a WebSocket client'),
        );
      }
      return upgradeWebSocket(c, this.#events(session));
    };
  }

  /** Closes every socket with 1001 and refuses new ones; resolves once they are all gone. */
  async closeAll(): Promise<void> {
    this.#isClosed = true;
    clearInterval(this.#heartbeat);
    const sockets = [...this.#connections].map((connection) => connection.socket);
    for (const connection of [...this.#connections])
      this.#close(connection, realtimeCloseCodes.goingAway, 'server shutting down');
    await Promise.all(sockets.map((socket) => this.#closed(socket)));
  }

  /** Open, authenticated sockets: of one user, or of everyone. */
  socketCount(userId?: string): number {
    if (userId !== undefined) return this.#byUser.get(userId)?.size ?? 0;
    let count = 0;
    for (const sockets of this.#byUser.values()) count += sockets.size;
    return count;
  }

  #events(session: Session | undefined): WSEvents<unknown> {
    let connection: Connection | undefined;
    return {
      onOpen: (_event, ws) => {
        connection = this.#open(rawSocket(ws), session);
      },
      onMessage: (event, _ws) => {
        if (connection) this.#receive(connection, event.data);
      },
      onClose: () => {
        if (connection) this.#forget(connection);
      },
    };
  }

  #open(socket: WebSocket, session: Session | undefined): Connection {
    const connection: Connection = {
      socket,
      userId: undefined,
      isAlive: true,
      isAuthenticating: false,
      authTimer: undefined,
      expiryTimer: undefined,
    };
    this.#connections.add(connection);
    socket.on('pong', () => {
      connection.isAlive = true;
    });
    if (this.#isClosed) {
      this.#close(connection, realtimeCloseCodes.goingAway, 'server shutting down');
    } else if (session) {
      this.#admit(connection, session);
    } else {
      connection.authTimer = setTimeout(
        () => this.#close(connection, realtimeCloseCodes.unauthenticated, 'unauthenticated'),
        this.#authTimeoutMs,
      );
    }
    return connection;
  }

  #receive(connection: Connection, data: unknown): void {
    const message = parseClientMessage(data);
    if (message?.type === 'ping' && connection.userId !== undefined) {
      this.#send(connection, JSON.stringify({ type: 'pong', data: {} } satisfies RealtimeMessage));
      return;
    }
    if (message?.type !== 'auth') {
      // Before authentication the only acceptable message is the auth message; after it, the
      // client has nothing else to say, so anything else is ignored.
      if (connection.userId === undefined && !connection.isAuthenticating)
        this.#close(connection, realtimeCloseCodes.unauthenticated, 'unauthenticated');
      return;
    }
    if (connection.isAuthenticating) return;
    connection.isAuthenticating = true;
    this.#authenticate(message.token, message.merchant).then(
      (session) => {
        connection.isAuthenticating = false;
        if (!this.#connections.has(connection)) return;
        // A fresh token extends the socket's life; it cannot move the socket to another user.
        if (connection.userId !== undefined && connection.userId !== session.userId) {
          this.#close(connection, realtimeCloseCodes.unauthenticated, 'unauthenticated');
          return;
        }
        this.#admit(connection, session);
      },
      (error: unknown) => {
        connection.isAuthenticating = false;
        if (!isAppError(error)) {
          this.#logger.error('realtime authentication failed', { error: String(error) });
          this.#close(connection, realtimeCloseCodes.internalError, 'internal_error');
          return;
        }
        this.#close(connection, realtimeCloseCodes.unauthenticated, 'unauthenticated');
      },
    );
  }

  /** Binds the socket to the session's user (or renews it), then says so with `ready`. */
  #admit(connection: Connection, session: Session): void {
    clearTimeout(connection.authTimer);
    connection.authTimer = undefined;
    if (connection.userId === undefined) {
      connection.userId = session.userId;
      const sockets = this.#byUser.get(session.userId) ?? new Set<Connection>();
      this.#byUser.set(session.userId, sockets);
      for (const oldest of sockets) {
        if (sockets.size < this.#maxSocketsPerUser) break;
        this.#close(oldest, realtimeCloseCodes.tooManyConnections, 'too_many_connections');
      }
      sockets.add(connection);
    }
    this.#expireAt(connection, session);
    const ready: RealtimeMessage = {
      type: 'ready',
      data: { ...session.ready, expires_at: new Date(session.expiresAt).toISOString() },
    };
    this.#send(connection, JSON.stringify(ready));
  }

  /**
   * Closes the socket when its token expires, or checks its key again then (closing it if
   * revoked); a user token is checked again before, every `keyRecheckMs`.
   */
  #expireAt(connection: Connection, session: Session): void {
    clearTimeout(connection.expiryTimer);
    const { renew, recheck } = session;
    const due = recheck ? Math.min(recheck.at, session.expiresAt) : session.expiresAt;
    const delay = Math.min(Math.max(0, due - this.#clock.now()), maxTimerMs);
    connection.expiryTimer = setTimeout(() => {
      const again = recheck && recheck.at < session.expiresAt ? recheck.run : renew;
      if (!again) return this.#close(connection, realtimeCloseCodes.unauthenticated, 'token_expired');
      again().then(
        (renewed) => {
          if (this.#connections.has(connection)) this.#expireAt(connection, renewed);
        },
        () => this.#close(connection, realtimeCloseCodes.unauthenticated, 'unauthenticated'),
      );
    }, delay);
  }

  /**
   * A user's token makes a user socket. A merchant credential (an `sk_test_` key, or a user token
   * naming a merchant) makes a merchant stream, pushed to as `merchantAudience(id)`.
   */
  async #authenticate(token: string, merchant?: string): Promise<Session> {
    if (token === '' || token.length > maxTokenLength)
      throw new AppError('invalid_token', 'the access token is invalid');
    if (merchant !== undefined || token.startsWith(apiKeySecretPrefix))
      return this.#merchantSession(token, merchant);
    const principal = await this.#identity.verifyAccessToken(token);
    // The Principal has no expiry; the token was just verified, so its payload can be trusted.
    let exp: unknown;
    try {
      exp = decodeJwt(token).exp;
    } catch {
      exp = undefined;
    }
    if (typeof exp !== 'number' || !Number.isFinite(exp))
      throw new AppError('invalid_token', 'the access token has no expiry');
    return {
      userId: principal.userId,
      expiresAt: exp * 1000,
      ready: { user_id: principal.userId },
      recheck: { at: this.#clock.now() + this.#keyRecheckMs, run: () => this.#authenticate(token) },
    };
  }

  async #merchantSession(token: string, merchant: string | undefined): Promise<Session> {
    if (!this.#authenticateMerchant)
      throw new AppError('invalid_token', 'this server has no merchant streams');
    const merchantId = await this.#authenticateMerchant(token, merchant);
    const ready = { merchant_id: merchantId };
    if (!token.startsWith(apiKeySecretPrefix)) {
      // A user token: the stream lives as long as the token, like a user socket, and while its
      // user stays a member (checked again as its session is).
      const { expiresAt, recheck } = await this.#authenticate(token);
      return {
        userId: merchantAudience(merchantId),
        expiresAt,
        ready,
        ...(recheck
          ? { recheck: { at: recheck.at, run: () => this.#merchantSession(token, merchant) } }
          : {}),
      };
    }
    return {
      userId: merchantAudience(merchantId),
      expiresAt: this.#clock.now() + this.#keyRecheckMs,
      ready,
      renew: () => this.#merchantSession(token, merchant),
    };
  }

  #send(connection: Connection, payload: string): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.#maxBufferedBytes) {
      // A client that stopped reading would otherwise make the server hold every message for it.
      this.#logger.warn('realtime socket dropped: too slow', {
        user_id: connection.userId,
        buffered_bytes: socket.bufferedAmount,
      });
      this.#forget(connection);
      socket.terminate();
      return;
    }
    socket.send(payload);
  }

  /**
   * One heartbeat round, which the interval runs: terminates each socket that has not answered the
   * previous round's ping, and pings the rest. Public so a test can run rounds without waiting.
   */
  heartbeat(): void {
    for (const connection of [...this.#connections]) {
      if (!connection.isAlive) {
        this.#forget(connection);
        connection.socket.terminate();
        continue;
      }
      connection.isAlive = false;
      try {
        connection.socket.ping();
      } catch {
        // Not open yet or already closing: the close event will clean up.
      }
    }
  }

  #close(connection: Connection, code: number, reason: string): void {
    this.#forget(connection);
    const { socket } = connection;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(code, reason);
  }

  /** Stops pushing to the socket and drops its timers. Idempotent. */
  #forget(connection: Connection): void {
    clearTimeout(connection.authTimer);
    clearTimeout(connection.expiryTimer);
    this.#connections.delete(connection);
    if (connection.userId === undefined) return;
    const sockets = this.#byUser.get(connection.userId);
    sockets?.delete(connection);
    if (sockets?.size === 0) this.#byUser.delete(connection.userId);
  }

  /** Resolves when the socket has closed, cutting it off if the handshake takes too long. */
  #closed(socket: WebSocket): Promise<void> {
    if (socket.readyState === socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, this.#closeGraceMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * The `ws` server `serve` hands upgrades to. Clients only send small control messages, so the
 * payload limit is low, and compression is off (it costs memory per socket).
 *
 * @example
 * serve({ fetch: app.fetch, port, websocket: { server: createRealtimeServer() } });
 */
export function createRealtimeServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });
}

function rawSocket(ws: WSContext<unknown>): WebSocket {
  // `serve` is given a `ws` WebSocketServer (createRealtimeServer), so the raw socket is a `ws` one.
  return ws.raw as WebSocket;
}

type ClientMessage = { type: 'auth'; token: string; merchant?: string } | { type: 'ping' };

function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer +([^\s]+) *$/i.exec(header ?? '')?.[1];
}

function parseClientMessage(data: unknown): ClientMessage | undefined {
  if (typeof data !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, token, merchant } = value as { type?: unknown; token?: unknown; merchant?: unknown };
  if (type === 'auth' && typeof token === 'string')
    return typeof merchant === 'string' ? { type, token, merchant } : { type, token };
  if (type === 'ping') return { type };
  return undefined;
}
