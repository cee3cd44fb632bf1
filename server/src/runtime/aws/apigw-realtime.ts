import {
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Realtime, RealtimeMessage } from '../../platform/realtime.ts';
import type { Item, Store } from '../../platform/store.ts';

/** API Gateway closes a WebSocket connection after 2 hours, however active it is. */
export const maxConnectionSeconds = 2 * 3600;

export function connectionKey(connectionId: string) {
  return { pk: `WSCONN#${connectionId}`, sk: 'CONN' };
}

export function userConnectionsPartition(userId: string): string {
  return `WSUSER#${userId}`;
}

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

  async add(connectionId: string, userId: string): Promise<void> {
    if (connectionId === '' || userId === '')
      throw new Error('a connection needs a connection id and a user id');
    const now = this.#clock.now();
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
          expires_at: Math.ceil(now / 1000) + maxConnectionSeconds,
        },
      },
    ]);
  }

  /** Forgets a connection; forgetting one that is gone already is fine. */
  async remove(connectionId: string): Promise<void> {
    if (connectionId === '') return;
    await this.#store.transact([{ type: 'delete', key: connectionKey(connectionId) }]);
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
    item.expires_at > nowSeconds
  );
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
      connectionIds = await this.#connections.connectionsOf(userId);
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

function isGone(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return candidate?.name === 'GoneException' || candidate?.$metadata?.httpStatusCode === 410;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
