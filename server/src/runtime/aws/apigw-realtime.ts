import {
  DeleteConnectionCommand,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { merchantAudience, type Realtime, type RealtimeMessage } from '../../platform/realtime.ts';
import type { Item, Store } from '../../platform/store.ts';

/** API Gateway closes a WebSocket connection after 2 hours, however active it is. */
export const maxConnectionSeconds = 2 * 3600;

export function connectionKey(connectionId: string) {
  return { pk: `WSCONN#${connectionId}`, sk: 'CONN' };
}

export function userConnectionsPartition(userId: string): string {
  return `WSUSER#${userId}`;
}

/** The partition listing the connections to close in one minute (epoch minutes) of their tokens' expiry. */
export function closingPartition(minute: number): string {
  return `WSCLOSE#${minute}`;
}

/** The partition listing the streams opened with an API key, whose keys `ws-expire` checks each minute. */
export const keyStreamsPartition = 'WSKEYS';

/** The API key a merchant stream was opened with: its id and merchant, never its secret. */
export interface StreamKey {
  id: string;
  merchantId: string;
}

/** The member whose access token opened a merchant's stream: checked again each minute. */
export interface StreamMember {
  merchantId: string;
  userId: string;
  email: string;
}

/** The merchant streams opened with a member's access token, listed for the minute's check. */
export const memberStreamsPartition = 'WSMEMBERS';

/** Where the closing sweep records the last minute it finished. */
const closingCursorKey = { pk: 'WSCLOSE#CURSOR', sk: 'CURSOR' };

export interface ConnectionRegistryOptions {
  store: Store;
  clock: Clock;
}

/**
 * Open WebSocket connections as table items: `WSCONN#<connectionId>` / `CONN`, indexed by user in
 * `gsi1` (`WSUSER#<userId>`), so a push reads one index partition and never scans. Each item
 * carries `expires_at` at API Gateway's two-hour limit: a connection whose `$disconnect` never
 * ran (it is best effort) is ignored from then on and deleted by DynamoDB TTL.
 *
 * The index is eventually consistent: a connection made a moment ago may miss a push, as it
 * could have missed it by connecting a moment later; clients reload state when they connect.
 *
 * @example
 * const connections = new ConnectionRegistry({ store, clock: systemClock });
 * await connections.add(event.requestContext.connectionId, principal.userId); // $connect
 * await connections.remove(event.requestContext.connectionId);                 // $disconnect
 */
export class ConnectionRegistry {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(options: ConnectionRegistryOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
  }

  /**
   * Records a connection. With `closeAt` (unix seconds: when the access token it opened with
   * expires) it is also listed under that minute for {@link closeExpiredConnections}, and no push
   * reaches it after then: on AWS a socket does not outlive its token, as locally. With `apiKey`
   * (a stream opened with a key) it is listed in {@link keyStreamsPartition}, so it is closed
   * once the key is revoked; with `member` (a merchant's stream opened with a member's access
   * token) in {@link memberStreamsPartition}, so it is closed once they leave the team.
   */
  async add(
    connectionId: string,
    userId: string,
    options: {
      closeAt?: number | undefined;
      apiKey?: StreamKey | undefined;
      member?: StreamMember | undefined;
    } = {},
  ): Promise<void> {
    if (connectionId === '' || userId === '')
      throw new Error('a connection needs a connection id and a user id');
    const now = this.#clock.now();
    const expiresAt = Math.ceil(now / 1000) + maxConnectionSeconds;
    const closeAt =
      options.closeAt !== undefined && options.closeAt < expiresAt ? options.closeAt : undefined;
    const { apiKey, member } = options;
    await this.#store.transact([
      {
        type: 'put',
        item: {
          ...connectionKey(connectionId),
          kind: 'ws-connection',
          connection_id: connectionId,
          user_id: userId,
          connected_at: new Date(now).toISOString(),
          gsi1pk: userConnectionsPartition(userId),
          gsi1sk: connectionId,
          expires_at: expiresAt,
          ...(closeAt !== undefined ? { close_at: closeAt } : {}),
          ...(apiKey ? { api_key_id: apiKey.id } : {}),
          ...(member ? { member_user_id: member.userId } : {}),
        },
      },
      ...(closeAt !== undefined
        ? [
            {
              type: 'put' as const,
              item: {
                pk: closingPartition(Math.floor(closeAt / 60)),
                sk: connectionId,
                kind: 'ws-closing',
                connection_id: connectionId,
                close_at: closeAt,
                expires_at: expiresAt,
              },
            },
          ]
        : []),
      ...(apiKey
        ? [
            {
              type: 'put' as const,
              item: {
                pk: keyStreamsPartition,
                sk: connectionId,
                kind: 'ws-key-stream',
                connection_id: connectionId,
                api_key_id: apiKey.id,
                merchant_id: apiKey.merchantId,
                expires_at: expiresAt,
              },
            },
          ]
        : []),
      ...(member
        ? [
            {
              type: 'put' as const,
              item: {
                pk: memberStreamsPartition,
                sk: connectionId,
                kind: 'ws-member-stream',
                connection_id: connectionId,
                merchant_id: member.merchantId,
                user_id: member.userId,
                email: member.email,
                expires_at: expiresAt,
              },
            },
          ]
        : []),
    ]);
  }

  /** Forgets a connection; forgetting one that is gone already is fine. */
  async remove(connectionId: string): Promise<void> {
    if (connectionId === '') return;
    const item = await this.#store.get(connectionKey(connectionId));
    await this.#store.transact([
      { type: 'delete', key: connectionKey(connectionId) },
      ...(typeof item?.close_at === 'number'
        ? [
            {
              type: 'delete' as const,
              key: { pk: closingPartition(Math.floor(item.close_at / 60)), sk: connectionId },
            },
          ]
        : []),
      ...(typeof item?.api_key_id === 'string'
        ? [{ type: 'delete' as const, key: { pk: keyStreamsPartition, sk: connectionId } }]
        : []),
      ...(typeof item?.member_user_id === 'string'
        ? [{ type: 'delete' as const, key: { pk: memberStreamsPartition, sk: connectionId } }]
        : []),
    ]);
  }

  /** The merchant streams opened with a member's token that can still be open, with the member. */
  async memberStreams(): Promise<Array<{ connectionId: string; member: StreamMember }>> {
    const nowSeconds = this.#clock.now() / 1000;
    const streams: Array<{ connectionId: string; member: StreamMember }> = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.query({
        partition: memberStreamsPartition,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items)
        if (
          typeof item.expires_at === 'number' &&
          item.expires_at > nowSeconds &&
          typeof item.merchant_id === 'string' &&
          typeof item.user_id === 'string' &&
          typeof item.email === 'string'
        )
          streams.push({
            connectionId: String(item.connection_id),
            member: { merchantId: item.merchant_id, userId: item.user_id, email: item.email },
          });
      cursor = page.cursor;
    } while (cursor);
    return streams;
  }

  /** The streams opened with an API key that can still be open, each with the key it was opened with. */
  async keyStreams(): Promise<Array<{ connectionId: string; apiKey: StreamKey }>> {
    const nowSeconds = this.#clock.now() / 1000;
    const streams: Array<{ connectionId: string; apiKey: StreamKey }> = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.query({ partition: keyStreamsPartition, ...(cursor ? { cursor } : {}) });
      for (const item of page.items)
        if (
          typeof item.expires_at === 'number' &&
          item.expires_at > nowSeconds &&
          typeof item.api_key_id === 'string' &&
          typeof item.merchant_id === 'string'
        )
          streams.push({
            connectionId: String(item.connection_id),
            apiKey: { id: item.api_key_id, merchantId: item.merchant_id },
          });
      cursor = page.cursor;
    } while (cursor);
    return streams;
  }

  /**
   * The connections whose `closeAt` has passed, minute by minute since the last sweep (at most
   * the two hours a connection can live), and the minute to record as swept.
   */
  async closing(): Promise<{ connectionIds: string[]; sweptMinute: number }> {
    const nowSeconds = this.#clock.now() / 1000;
    const nowMinute = Math.floor(nowSeconds / 60);
    const oldest = nowMinute - maxConnectionSeconds / 60;
    const cursor = await this.#store.get(closingCursorKey);
    const from = Math.max(oldest, typeof cursor?.minute === 'number' ? cursor.minute + 1 : oldest);
    const connectionIds: string[] = [];
    for (let minute = from; minute <= nowMinute; minute++) {
      let page: string | undefined;
      do {
        const found = await this.#store.query({
          partition: closingPartition(minute),
          ...(page ? { cursor: page } : {}),
        });
        for (const item of found.items)
          if (typeof item.close_at === 'number' && item.close_at <= nowSeconds)
            connectionIds.push(String(item.connection_id));
        page = found.cursor;
      } while (page);
    }
    // The current minute is read again next time: some of its connections are not due yet.
    return { connectionIds, sweptMinute: nowMinute - 1 };
  }

  /** Records that every minute up to `minute` was swept. */
  async markSwept(minute: number): Promise<void> {
    await this.#store.transact([
      { type: 'put', item: { ...closingCursorKey, kind: 'ws-closing-cursor', minute } },
    ]);
  }

  /** The ids of `userId`'s connections that can still be open. */
  async connectionsOf(userId: string): Promise<string[]> {
    if (userId === '') return [];
    const nowSeconds = this.#clock.now() / 1000;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.query({
        index: 'gsi1',
        partition: userConnectionsPartition(userId),
        ...(cursor ? { cursor } : {}),
      });
      ids.push(
        ...page.items.filter((item) => isOpen(item, nowSeconds)).map((item) => String(item.connection_id)),
      );
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }
}

// DynamoDB TTL deletes expired items lazily (often within minutes, sometimes days later).
function isOpen(item: Item, nowSeconds: number): boolean {
  return (
    typeof item.connection_id === 'string' &&
    typeof item.expires_at === 'number' &&
    item.expires_at > nowSeconds &&
    !(typeof item.close_at === 'number' && item.close_at <= nowSeconds)
  );
}

/** What the `ws-expire` sweep closes connections with. */
interface ClosingDeps {
  client: ApiGatewayManagementApiClient;
  connections: ConnectionRegistry;
  logger: Logger;
}

/**
 * Closes the connections whose access token has expired (`DeleteConnection` through the
 * management API; one already gone is fine) and forgets them: EventBridge Scheduler runs it every
 * minute (`ws-expire`), so a socket outlives its token by at most about a minute. The client sees
 * the close and reconnects with a fresh token, as it does locally after 4401. With `apiKeyIsLive`
 * it also closes the streams opened with an API key that is revoked or gone (locally: 4401 at the
 * next check, within 60 s), reading each distinct key once; with `memberMayRead`, the merchant
 * streams opened with a member's access token whose member has left the team (or lost read).
 *
 * @example
 * await closeExpiredConnections({ client, connections, logger, apiKeyIsLive: (key) => apiKeyIsLive({ store }, key.merchantId, key.id) });
 */
export async function closeExpiredConnections(
  deps: ClosingDeps & {
    apiKeyIsLive?: (key: StreamKey) => Promise<boolean>;
    memberMayRead?: (member: StreamMember) => Promise<boolean>;
  },
): Promise<{ closed: number; failed: number }> {
  const { connections, logger } = deps;
  const { connectionIds, sweptMinute } = await connections.closing();
  let failed = 0;
  for (const connectionId of connectionIds)
    if (!(await closeConnection(deps, connectionId, 'could not close a connection whose token expired')))
      failed += 1;
  // A minute with a failure is swept again next time.
  if (failed === 0) await connections.markSwept(sweptMinute);
  if (connectionIds.length > 0)
    logger.info('closed connections whose token expired', { closed: connectionIds.length - failed, failed });
  let closed = connectionIds.length - failed;
  const { apiKeyIsLive, memberMayRead } = deps;
  if (apiKeyIsLive) {
    const streams = (await connections.keyStreams()).map(({ connectionId, apiKey }) => ({
      connectionId,
      credential: apiKey,
    }));
    const revoked = await closeStreamsNoLongerAdmitted(deps, streams, {
      idOf: (key) => `${key.merchantId}/${key.id}`,
      admitted: apiKeyIsLive,
      what: 'a stream whose API key was revoked',
      fields: (key) => ({ api_key_id: key.id }),
    });
    closed += revoked.closed;
    failed += revoked.failed;
  }
  if (memberMayRead) {
    const streams = (await connections.memberStreams()).map(({ connectionId, member }) => ({
      connectionId,
      credential: member,
    }));
    const left = await closeStreamsNoLongerAdmitted(deps, streams, {
      idOf: (member) => `${member.merchantId}/${member.userId}`,
      admitted: memberMayRead,
      what: 'a stream of a member who left the merchant',
      fields: (member) => ({ merchant_id: member.merchantId, user_id: member.userId }),
    });
    closed += left.closed;
    failed += left.failed;
  }
  return { closed, failed };
}

/**
 * Closes and forgets the streams whose credential (an API key, a member) no longer admits them,
 * reading each distinct credential once. A stream whose credential cannot be read, or whose close
 * fails, stays listed: the next minute tries again.
 */
async function closeStreamsNoLongerAdmitted<T>(
  deps: ClosingDeps,
  streams: Array<{ connectionId: string; credential: T }>,
  check: {
    idOf: (credential: T) => string;
    admitted: (credential: T) => Promise<boolean>;
    what: string;
    fields: (credential: T) => Record<string, string>;
  },
): Promise<{ closed: number; failed: number }> {
  const byCredential = new Map<string, { credential: T; connectionIds: string[] }>();
  for (const { connectionId, credential } of streams) {
    const id = check.idOf(credential);
    const entry = byCredential.get(id) ?? { credential, connectionIds: [] };
    entry.connectionIds.push(connectionId);
    byCredential.set(id, entry);
  }
  let closed = 0;
  let failed = 0;
  for (const { credential, connectionIds } of byCredential.values()) {
    let admitted: boolean;
    try {
      admitted = await check.admitted(credential);
    } catch (error) {
      failed += connectionIds.length;
      deps.logger.warn(`could not check ${check.what}`, {
        ...check.fields(credential),
        error: describeError(error),
      });
      continue;
    }
    if (admitted) continue;
    for (const connectionId of connectionIds)
      if (await closeConnection(deps, connectionId, `could not close ${check.what}`)) closed += 1;
      else failed += 1;
  }
  if (closed + failed > 0) deps.logger.info(`closed ${check.what}`, { closed, failed });
  return { closed, failed };
}

/** `DeleteConnection`, then forgets the connection; true unless the close failed (one already gone is closed). */
async function closeConnection(deps: ClosingDeps, connectionId: string, failure: string): Promise<boolean> {
  try {
    await deps.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!isGone(error)) {
      deps.logger.warn(failure, { connection_id: connectionId, error: describeError(error) });
      return false;
    }
  }
  await deps.connections.remove(connectionId);
  return true;
}

export interface ApiGatewayRealtimeOptions {
  /** A client whose endpoint is the WebSocket API's management endpoint (`SLUICE_WEBSOCKET_ENDPOINT`). */
  client: ApiGatewayManagementApiClient;
  connections: ConnectionRegistry;
  logger: Logger;
}

/**
 * The Realtime port on an API Gateway WebSocket API: `PostToConnection` to every open connection
 * of each user, all at once. Best effort, as the port says: a connection API Gateway reports
 * gone (410) is forgotten, and any other failure is logged and skipped, never thrown.
 *
 * @example
 * const realtime = new ApiGatewayRealtime({ client: new ApiGatewayManagementApiClient({ endpoint }), connections, logger });
 * await realtime.push([userId], { type: 'wallet.balance.changed', data: { currency: 'USD' } });
 */
export class ApiGatewayRealtime implements Realtime {
  readonly #client: ApiGatewayManagementApiClient;
  readonly #connections: ConnectionRegistry;
  readonly #logger: Logger;
  /**
   * A merchant's stream connections, looked up at most every `merchantLookupMs` per container:
   * the HTTP function pushes every merchant request (`http/request-log.ts`), and most merchants
   * have no stream open, so one index query per request would cost more than the request.
   */
  readonly #merchantConnections = new Map<string, { ids: string[]; until: number }>();

  constructor(options: ApiGatewayRealtimeOptions) {
    this.#client = options.client;
    this.#connections = options.connections;
    this.#logger = options.logger;
  }

  async push(userIds: string[], message: RealtimeMessage): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(message));
    await Promise.all([...new Set(userIds)].map((userId) => this.#pushToUser(userId, data, message.type)));
  }

  async #pushToUser(userId: string, data: Uint8Array, type: string): Promise<void> {
    let connectionIds: string[];
    try {
      connectionIds = await this.#connectionsOf(userId);
    } catch (error) {
      this.#logger.warn('could not look up a user’s connections', {
        user_id: userId,
        message_type: type,
        error: describeError(error),
      });
      return;
    }
    await Promise.all(connectionIds.map((connectionId) => this.#post(connectionId, data, userId, type)));
  }

  /** A user's connections, read each time; a merchant stream's, remembered briefly (a new stream may miss its first seconds). */
  async #connectionsOf(audience: string): Promise<string[]> {
    if (!audience.startsWith(merchantAudience(''))) return this.#connections.connectionsOf(audience);
    const now = performance.now();
    const known = this.#merchantConnections.get(audience);
    if (known && known.until > now) return known.ids;
    const ids = await this.#connections.connectionsOf(audience);
    if (this.#merchantConnections.size >= maxRememberedMerchants) this.#merchantConnections.clear();
    this.#merchantConnections.set(audience, { ids, until: now + merchantLookupMs });
    return ids;
  }

  async #post(connectionId: string, data: Uint8Array, userId: string, type: string): Promise<void> {
    try {
      await this.#client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    } catch (error) {
      if (!isGone(error)) {
        this.#logger.warn('realtime push failed', {
          connection_id: connectionId,
          user_id: userId,
          message_type: type,
          error: describeError(error),
        });
        return;
      }
      this.#merchantConnections.delete(userId);
      try {
        await this.#connections.remove(connectionId);
      } catch (removeError) {
        this.#logger.warn('could not forget a gone connection', {
          connection_id: connectionId,
          error: describeError(removeError),
        });
      }
    }
  }
}

/** How long a merchant stream's connection list is reused for pushes. */
const merchantLookupMs = 2_000;
/** Bounds the memory of the lookup cache in a long-lived container. */
const maxRememberedMerchants = 10_000;

function isGone(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
