import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp, webhookDepsOf } from '../../http/app.ts';
import type { AppEnv } from '../../http/context.ts';
import { createLocalIdentity, MemoryRateLimiter, type Identity } from '../../identity/index.ts';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { expirePendingTransfers } from '../../ledger/index.ts';
import { InProcessBus } from '../../platform/bus.ts';
import { defaultConfig, type Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { OutboxDispatcher } from '../../platform/outbox-dispatcher.ts';
import type { Store } from '../../platform/store.ts';
import { expireAuthorizations } from '../../payments/index.ts';
import { subscribeWallet } from '../../wallet/index.ts';
import { registerDeliveryWorker, subscribeWebhooks } from '../../webhooks/index.ts';
import { createTableIfMissing, DynamoStore } from '../aws/dynamo-store.ts';
import { subscribeRealtime } from '../../platform/realtime.ts';
import { LocalRealtime } from './realtime.ts';
import { schedules } from '../../platform/scheduler.ts';
import { CronScheduler } from './cron-scheduler.ts';
import { runSettlementWorkflow } from './settlement-workflow.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreQueue } from './store-queue.ts';
import { lockDataDir } from './data-dir-lock.ts';

export interface LocalPlatformOptions {
  dataDir: string;
  store: 'sqlite' | 'dynamodb';
  /** DynamoDB endpoint (DynamoDB Local) for `store: 'dynamodb'`. */
  endpoint?: string;
  tableName?: string;
  /** Where SQLite writes run (see `SqliteStoreOptions`); default `worker`. */
  sqliteWriter?: 'inline' | 'worker';
  /** Transactions the writer thread commits together, at most (see `SqliteStoreOptions`). */
  sqliteCommitGroup?: number;
  config?: Partial<Config>;
  clock?: Clock;
  logger: Logger;
  /** Mounts runtime routes (realtime, dashboard) on the app. */
  extend?: (app: OpenAPIHono<AppEnv>, platform: { identity: Identity; bus: InProcessBus }) => void;
}

export interface LocalPlatform {
  app: OpenAPIHono<AppEnv>;
  store: Store;
  identity: Identity;
  bus: InProcessBus;
  realtime: LocalRealtime;
  queue: StoreQueue;
  dispatcher: OutboxDispatcher;
  scheduler: CronScheduler;
  config: Config;
  clock: Clock;
  /** Starts the workers: outbox dispatcher, hold expiry, scheduled jobs (daily settlement). */
  startWorkers(): void;
  /** Stops the workers after their current round, then closes the store. */
  stop(): Promise<void>;
}

/**
 * Everything the local runtime runs, in one process: the store, identity, the HTTP app, the
 * in-process bus with its subscribers, and the workers. `main.ts` serves it; tests use it whole.
 */
export async function createLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const clock = options.clock ?? systemClock;
  const config: Config = { ...defaultConfig, ...options.config };
  const { store, release } = await openStore(options);
  const bus = new InProcessBus();
  const dispatcher = new OutboxDispatcher({ store, bus, clock, logger: options.logger });
  // Writes that carry events wake the dispatcher at once instead of at its next poll.
  const appStore = notifyOnCommit(store, () => dispatcher.notify(), release);
  const identity = createLocalIdentity({ store: appStore, clock, config, logger: options.logger });
  subscribeWallet(bus, { store: appStore, clock, config, users: identity });
  const realtime = new LocalRealtime({ identity, clock, logger: options.logger });
  subscribeRealtime(bus, realtime);
  const queue = new StoreQueue({ store: appStore, clock, logger: options.logger });
  const webhooks = webhookDepsOf({ store: appStore, clock, logger: options.logger, queue, config });
  subscribeWebhooks(bus, webhooks);
  registerDeliveryWorker(queue, webhooks);

  const app = createApp({
    store: appStore,
    clock,
    config,
    logger: options.logger,
    identity,
    queue,
    // One process: exact counters in memory, no store write per merchant request.
    rateLimiter: new MemoryRateLimiter(),
    // advance-clock settles through the same state machine the daily schedule runs.
    settleMerchant: async (merchant) => {
      const settlements = (await runSettlementWorkflow({ store: appStore, clock }, { merchant })).settled.flatMap((run) => run.settlements);
      options.logger.info('settlement workflow ran', { trigger: 'advance-clock', merchant, settlements });
      return settlements;
    },
    extend: (app) => {
      app.get('/v1/realtime', realtime.route());
      options.extend?.(app, { identity, bus });
    },
  });

  const scheduler = new CronScheduler({ logger: options.logger });
  scheduler.schedule(schedules.settlement.name, schedules.settlement.cron, () => runSettlementWorkflow({ store: appStore, clock }));

  let expiryTimer: NodeJS.Timeout | undefined;
  let expiryRun: Promise<unknown> = Promise.resolve();
  return {
    app,
    store: appStore,
    identity,
    bus,
    realtime,
    queue,
    dispatcher,
    scheduler,
    config,
    clock,
    startWorkers() {
      dispatcher.start();
      queue.start();
      scheduler.start();
      expiryTimer = setInterval(() => {
        expiryRun = Promise.all([expirePendingTransfers({ store: appStore, clock }), expireAuthorizations({ store: appStore, clock })]).catch((error: unknown) =>
          options.logger.error('expiry failed', { error: String(error) }),
        );
      }, 1000);
      expiryTimer.unref();
    },
    async stop() {
      await realtime.closeAll();
      if (expiryTimer) clearInterval(expiryTimer);
      await scheduler.stop();
      await expiryRun;
      await dispatcher.stop();
      await queue.stop();
      await appStore.close();
    },
  };
}

/** The store, and what frees the data dir once it is closed (nothing for DynamoDB). */
async function openStore(options: LocalPlatformOptions): Promise<{ store: Store; release: () => void }> {
  if (options.store === 'dynamodb') {
    if (!options.endpoint) throw new Error('--store dynamodb needs --endpoint URL');
    const client = new DynamoDBClient({
      endpoint: options.endpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
    const tableName = options.tableName ?? 'sluice';
    await createTableIfMissing(client, tableName);
    return { store: new DynamoStore({ client, tableName }), release: () => {} };
  }
  mkdirSync(options.dataDir, { recursive: true });
  // One process per data dir: the store's read cache and the in-memory rate limits rely on it.
  const release = lockDataDir(options.dataDir);
  try {
    const store = new SqliteStore(join(options.dataDir, 'sluice.db'), {
      writer: options.sqliteWriter ?? 'worker',
      ...(options.sqliteCommitGroup !== undefined ? { commitGroup: options.sqliteCommitGroup } : {}),
    });
    return { store, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * A store that calls `onCommit` after each transaction that wrote an outbox event, and
 * `onClose` once the store has closed.
 */
function notifyOnCommit(store: Store, onCommit: () => void, onClose: () => void): Store {
  return {
    get: (key) => store.get(key),
    query: (query) => store.query(query),
    async transact(operations) {
      await store.transact(operations);
      if (operations.some((op) => op.type === 'put' && op.item.kind === 'event')) onCommit();
    },
    async close() {
      try {
        await store.close();
      } finally {
        onClose();
      }
    },
    ...(store.consistentIndexes !== undefined ? { consistentIndexes: store.consistentIndexes } : {}),
  };
}
