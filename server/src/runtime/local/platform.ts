import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../app/create-app.ts';
import { migrationsOf } from '../../app/migrations.ts';
import { moduleDepsOf } from '../../app/module-deps.ts';
import { modules as appModules } from '../../app/modules.ts';
import { checkModules, jobsOf, secretsOf, subscriptionsOf, workflowsOf } from '../../app/registry.ts';
import type { AppEnv } from '../../http/context.ts';
import { withResponsesByReference } from '../../http/idempotency.ts';
import { createLocalIdentity, MemoryRateLimiter } from '../../identity/index.ts';
import { merchantAuthenticator } from '../../payments/index.ts';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { InProcessBus } from '../../platform/bus.ts';
import { defaultConfig, type Config } from '../../platform/config.ts';
import { installationSecret } from '../../platform/installation-secret.ts';
import { runMigrations } from '../../platform/migrations.ts';
import type { Identity } from '../../platform/identity.ts';
import type { Logger } from '../../platform/logger.ts';
import { runsOn, type ModuleDeps, type SluiceModule } from '../../platform/module.ts';
import { OutboxDispatcher } from '../../platform/outbox-dispatcher.ts';
import type { Store } from '../../platform/store.ts';
import { HttpMetrics } from '../../http/metrics.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';
import { localBackups, type BackupSchedule } from './backup.ts';
import { CronScheduler } from './cron-scheduler.ts';
import { FileBlobs, fileBlobRoutes } from './file-blobs.ts';
import { MailboxNotifier } from './mailbox-notifier.ts';
import { mailboxRoutes } from './mailbox-routes.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { LocalSecrets } from './local-secrets.ts';
import { LocalRealtime } from './realtime.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreQueue } from './store-queue.ts';
import { TtlSweeper } from './ttl-sweeper.ts';
import { runStateMachine } from './workflow-runner.ts';

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
  /** Settings tests lay over modules' defaults, by module name (`ModuleDeps.testHooks`). */
  testHooks?: ModuleDeps['testHooks'];
  /** The modules to run. Default: the app's (`app/modules.ts`). */
  modules?: readonly SluiceModule[];
  /** Mounts runtime routes (realtime, dashboard) on the app. */
  extend?: (app: OpenAPIHono<AppEnv>, platform: { identity: Identity; bus: InProcessBus }) => void;
  /**
   * The origin the blob URLs point at (this server as clients reach it), e.g.
   * `http://localhost:3000`; default `http://localhost:3000`.
   */
  publicUrl?: string;
  /** The backups `main.ts` takes on a schedule, shown to admins (`npm run backup` works without). */
  backupSchedule?: BackupSchedule | null;
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
  /** The local mailbox: every email and text message the modules sent (`deps.notifier`). */
  notifier: MailboxNotifier;
  /** Files under `<data dir>/blobs`, served at `/blobs/…` behind signed URLs (`deps.blobs`). */
  blobs: FileBlobs;
  /** What every module was given. */
  moduleDeps: ModuleDeps;
  /** Runs a module's workflow to its end (the ASL file, in process). */
  runWorkflow(workflow: string, input?: unknown): Promise<unknown>;
  /**
   * Resolves true when one of the workflow runs started in the background (`startWorkflow`, e.g.
   * a checkout's saga) ends, or false at once when none is running: a test waits for the work,
   * not for time.
   *
   * @example
   * const ended = platform.nextWorkflowEnd(); // before the read, so an end meanwhile counts
   * if ((await readOrder(store, id))?.status === 'processing' && !(await ended)) throw new Error('stuck');
   */
  nextWorkflowEnd(): Promise<boolean>;
  /** Starts the workers: outbox dispatcher, queue consumers, the modules' jobs. */
  startWorkers(): void;
  /** Stops the workers after their current round, then closes the store. */
  stop(): Promise<void>;
}

/**
 * Everything the local runtime runs, in one process: the store, identity, the HTTP app, the
 * in-process bus with its subscribers, and the workers. `main.ts` serves it; tests use it whole.
 */
export async function createLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const modules = options.modules ?? appModules;
  checkModules(modules);
  const clock = options.clock ?? systemClock;
  const config: Config = { ...defaultConfig, ...options.config };
  const { logger } = options;
  // The modules' secrets: the environment's, else generated once into the data dir (0600), apart
  // from the database so that a copy of it alone opens nothing sealed under them.
  const secrets = LocalSecrets.open({
    file: join(options.dataDir, 'secrets.json'),
    env: process.env,
    generate: secretsOf(modules).map((secret) => secret.name),
  });
  const { store, release } = await openStore(options);
  const bus = new InProcessBus();
  const dispatcher = new OutboxDispatcher({
    store,
    bus,
    clock,
    logger,
    eventRetentionSeconds: config.eventRetentionSeconds,
  });
  // DynamoDB's TTL, for the SQLite file (a DynamoDB table has its own).
  const sweeper = store instanceof SqliteStore ? new TtlSweeper({ store, clock, logger }) : undefined;
  // The app writes through the dispatcher's watch: each committed transaction's events are handed
  // to it in commit order and published from memory (no write per event). Its checkpoint is read,
  // or first written, before anything commits.
  const appStore = dispatcher.watch(store, { onClose: release, prepare: withResponsesByReference });
  await dispatcher.open().catch(async (error: unknown) => {
    await appStore.close();
    throw error;
  });
  // Nothing leaves the machine: messages go to the mailbox in the store (identity mails its
  // verification and reset codes there), files to the data dir, signed with a key derived from
  // the installation secret (stable across restarts).
  const notifier = new MailboxNotifier({ store: appStore, clock });
  const identity = createLocalIdentity({ store: appStore, clock, config, logger, notifier });
  // One process: exact counters in memory, no store write per merchant request.
  const rateLimiter = new MemoryRateLimiter();
  const realtime = new LocalRealtime({
    identity,
    clock,
    logger,
    authenticateMerchant: merchantAuthenticator({ store: appStore, clock, identity, rateLimiter }),
  });
  const queue = new StoreQueue({ store: appStore, clock, logger });
  const secret = await installationSecret(appStore).catch(async (error: unknown) => {
    await appStore.close();
    throw error;
  });
  const blobs = new FileBlobs({
    dir: join(options.dataDir, 'blobs'),
    baseUrl: options.publicUrl ?? 'http://localhost:3000',
    signingKey: createHmac('sha256', secret).update('sluice-file-blobs').digest(),
    clock,
  });

  const workflows = new Map(workflowsOf(modules).map((workflow) => [workflow.name, workflow]));
  const runWorkflow = async (name: string, input: unknown = {}): Promise<unknown> => {
    const workflow = workflows.get(name);
    if (!workflow) throw new Error(`no workflow named "${name}"`);
    if (!runsOn(workflow, 'local')) throw new Error(`the workflow "${name}" runs on AWS only`);
    const output = await runStateMachine(workflow.definition, workflow.tasks(moduleDeps), input);
    logger.info('workflow ran', { workflow: name, input, output });
    return output;
  };
  // Started workflows run in the background; `stop()` waits for them like for jobs.
  const workflowRuns = new Set<Promise<unknown>>();
  let workflowRunEnd = Promise.withResolvers<void>();
  const startWorkflow = async (name: string, input: unknown): Promise<void> => {
    // An AWS-only workflow's module drives the same states itself here.
    const workflow = workflows.get(name);
    if (workflow && !runsOn(workflow, 'local')) return;
    const run: Promise<unknown> = runWorkflow(name, input)
      .catch((error: unknown) => logger.error('workflow failed', { workflow: name, error: String(error) }))
      .finally(() => {
        running.delete(run);
        workflowRuns.delete(run);
        workflowRunEnd.resolve();
        workflowRunEnd = Promise.withResolvers<void>();
      });
    running.add(run);
    workflowRuns.add(run);
  };
  // Backups are of the SQLite file; a DynamoDB table has its own (point-in-time recovery).
  const backups =
    options.store === 'sqlite' ? localBackups(options.dataDir, options.backupSchedule ?? null) : undefined;
  const moduleDeps = moduleDepsOf(
    {
      store: appStore,
      clock,
      config,
      logger,
      identity,
      queue,
      rateLimiter,
      realtime,
      notifier,
      blobs,
      secrets,
      runWorkflow,
      startWorkflow,
      ...(options.testHooks ? { testHooks: options.testHooks } : {}),
      ...(backups ? { backups } : {}),
    },
    modules,
  );
  // The data is brought up to this code before anything serves or works on it; data a newer
  // release migrated stops the start (`DataNewerThanCodeError`), with the data dir released.
  try {
    await runMigrations(moduleDeps, migrationsOf(modules));
  } catch (error) {
    await appStore.close();
    throw error;
  }
  for (const subscription of subscriptionsOf(modules))
    bus.subscribe(subscription.name, subscription.pattern, subscription.handler(moduleDeps));
  for (const module of modules) {
    for (const consumer of module.consumers ?? [])
      queue.consume(consumer.queue, consumer.handler(moduleDeps), consumer.options);
  }

  const metrics = new HttpMetrics();
  if (store instanceof DynamoStore)
    metrics.gauge(
      'sluice_dynamodb_write_units_consumed',
      'Write capacity units this process has consumed on DynamoDB, indexes included, as DynamoDB reports them',
      async () => store.consumedWriteUnits,
    );
  const app = createApp({
    store: appStore,
    metrics,
    clock,
    config,
    logger,
    identity,
    queue,
    modules,
    realtime,
    rateLimiter,
    notifier,
    blobs,
    secrets,
    runWorkflow,
    startWorkflow,
    ...(options.testHooks ? { testHooks: options.testHooks } : {}),
    ...(backups ? { backups } : {}),
    extend: (app) => {
      app.get('/v1/realtime', realtime.route());
      app.route('/', fileBlobRoutes(blobs));
      app.route('/', mailboxRoutes(notifier, { requireMfa: config.requireMfaForAdmins }));
      options.extend?.(app, { identity, bus });
    },
  });

  // Jobs on cron expressions go to croner; the few that must run more often than a minute
  // allows (hold expiry) run on their own timers.
  const scheduler = new CronScheduler({ logger });
  const timers: Array<() => NodeJS.Timeout> = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobsOf(modules)) {
    const run = () => (job.workflow !== undefined ? runWorkflow(job.workflow) : job.run(moduleDeps));
    if (job.localEveryMs === undefined) {
      scheduler.schedule(job.name, job.cron, run);
      continue;
    }
    let current: Promise<unknown> | undefined;
    timers.push(() =>
      setInterval(() => {
        if (current) return; // the previous round is still running
        current = run()
          .catch((error: unknown) => logger.error('job failed', { job: job.name, error: String(error) }))
          .finally(() => {
            running.delete(current!);
            current = undefined;
          });
        running.add(current);
      }, job.localEveryMs),
    );
  }

  let started: NodeJS.Timeout[] = [];
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
    notifier,
    blobs,
    moduleDeps,
    runWorkflow,
    nextWorkflowEnd() {
      if (workflowRuns.size === 0) return Promise.resolve(false);
      return workflowRunEnd.promise.then(() => true);
    },
    startWorkers() {
      dispatcher.start();
      queue.start();
      sweeper?.start();
      scheduler.start();
      started = timers.map((start) => start());
      for (const timer of started) timer.unref();
    },
    async stop() {
      await realtime.closeAll();
      for (const timer of started) clearInterval(timer);
      await scheduler.stop();
      await Promise.all(running);
      await dispatcher.stop();
      await queue.stop();
      await sweeper?.stop();
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
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      },
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
