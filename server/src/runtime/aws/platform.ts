import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { moduleDepsOf } from '../../app/module-deps.ts';
import { modules as appModules } from '../../app/modules.ts';
import { checkModules, jobsOf, subscriptionsOf, workflowsOf } from '../../app/registry.ts';
import { withResponsesByReference } from '../../http/idempotency.ts';
import { isoTime, systemClock, type Clock } from '../../kernel/clock.ts';
import type { EventEnvelope } from '../../kernel/events.ts';
import { idTimeBound } from '../../kernel/ids.ts';
import { InProcessBus } from '../../platform/bus.ts';
import { defaultConfig, retentionConfigFromEnv, type Config } from '../../platform/config.ts';
import type { Blobs } from '../../platform/blobs.ts';
import type { Identity } from '../../platform/identity.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ModuleDeps, SluiceModule, TaskHandler } from '../../platform/module.ts';
import type { Notifier } from '../../platform/notifier.ts';
import {
  dispatchedEventFields,
  eventRetentionStore,
  isOutboxBucket,
  isPendingOutboxItem,
  outboxEventsBetween,
  outboxPendingPartition,
} from '../../platform/outbox.ts';
import type { Realtime } from '../../platform/realtime.ts';
import type { Secrets } from '../../platform/secrets.ts';
import type { ModuleMetrics } from '../../platform/telemetry.ts';
import { isTransactionCanceled, type Item, type Store } from '../../platform/store.ts';
import { ApiGatewayRealtime, ConnectionRegistry } from './apigw-realtime.ts';
import { createCognitoIdentity } from './cognito-identity.ts';
import { DynamoStore } from '../dynamodb/dynamo-store.ts';
import { EventBridgePublisher } from './eventbridge-bus.ts';
import { awsEnvironment } from './functions.ts';
import { createOriginCheck, type OriginCheck } from './origin-verify.ts';
import { createPowertoolsLogger, createPowertoolsModuleMetrics, traceClient } from './powertools.ts';
import { S3Blobs } from './s3-blobs.ts';
import { SecretsManagerSecrets } from './secrets-manager.ts';
import { SesSnsNotifier } from './ses-sns-notifier.ts';
import { StepFunctionsTaskTokens } from './task-tokens.ts';
import { isQueuedMessageItem, queuedPendingPartition, SqsQueue } from './sqs-queue.ts';

/** The SDK clients, one of each per container. */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  /** The WebSocket API's management endpoint (`SLUICE_WEBSOCKET_ENDPOINT`). */
  apiGateway: ApiGatewayManagementApiClient;
  cognito: CognitoIdentityProviderClient;
  ses: SESv2Client;
  sns: SNSClient;
  s3: S3Client;
  sfn: SFNClient;
  secretsManager: SecretsManagerClient;
}

/** Publishes envelopes to the event bus (`EventBridgePublisher`); reports the ids it could not. */
export interface EventPublisher {
  publish(events: EventEnvelope[]): Promise<{ failedEventIds: string[] }>;
}

/** What `createAwsPlatform` builds on the store, clock, config and logger when no identity is given. */
export interface IdentityDeps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
}

/**
 * Replacements for what the platform would build from the environment: tests inject the local
 * identity (Cognito cannot run here), a store on DynamoDB Local and clients whose cloud edge is
 * mocked. Anything left out is built from `env`.
 */
export interface AwsPlatformOverrides {
  clients: Partial<AwsClients>;
  store: Store;
  identity: Identity | ((deps: IdentityDeps) => Identity);
  realtime: Realtime;
  connections: ConnectionRegistry;
  queue: SqsQueue;
  publisher: EventPublisher;
  notifier: Notifier;
  blobs: Blobs;
  /** The Secrets port (default: Secrets Manager through `clients.secretsManager`). */
  secrets: Secrets;
  /** The modules' metrics (default: CloudWatch EMF through Powertools). */
  moduleMetrics: ModuleMetrics;
  clock: Clock;
  logger: Logger;
  /** Laid over the AWS defaults (`webhookAllowPrivate: 'none'`, admin emails from the environment). */
  config: Partial<Config>;
  /** Settings laid over modules' defaults, by module name (`ModuleDeps.testHooks`): a DNS resolver for webhooks. */
  testHooks: ModuleDeps['testHooks'];
  /** The modules to run. Default: the app's (`app/modules.ts`). */
  modules: readonly SluiceModule[];
}

export interface AwsPlatformOptions {
  /** Default: `process.env`. */
  env?: Record<string, string | undefined>;
  overrides?: Partial<AwsPlatformOverrides>;
}

/** The stream records of one batch, as the dispatcher reads them: an id to report a failure by, and the new item. */
export interface InsertedItem {
  id: string;
  item: Item;
}

/**
 * Everything the functions share. The HTTP app is not part of it: `handlers/http.ts` builds it from
 * these ports, so the other functions' bundles leave the routes, zod-openapi and the docs out.
 */
export interface AwsPlatform {
  store: Store;
  identity: Identity;
  queue: SqsQueue;
  publisher: EventPublisher;
  realtime: Realtime;
  connections: ConnectionRegistry;
  clients: AwsClients;
  config: Config;
  clock: Clock;
  logger: Logger;
  /**
   * Whether a request came through CloudFront (`origin-verify.ts`): checked by the HTTP API and
   * `$connect` functions when `SLUICE_ORIGIN_VERIFY_SECRET` names the secret.
   */
  fromDistribution: OriginCheck;
  /** `SLUICE_SUBSCRIPTION`: the bus subscription this function runs, if it is an event consumer. */
  subscription: string | undefined;
  /** `SLUICE_QUEUE`: the queue this function drains, if it is a queue consumer. */
  queueName: string | undefined;
  /** `SLUICE_JOB`: the module job this function runs, if it is a scheduled one. */
  jobName: string | undefined;
  /** `SLUICE_WORKFLOW_TASK`: the `<workflow>/<Task state>` this function runs, if it is a workflow task. */
  workflowTask: string | undefined;
  /** The modules this app runs, and what each was given. */
  modules: readonly SluiceModule[];
  moduleDeps: ModuleDeps;
  /** The names of the in-process subscriptions, the same as the local runtime's. */
  subscriptions: readonly string[];
  /**
   * Runs the subscription `name` on one event, as the local bus would: `'not-matched'` when the
   * event falls outside its pattern (the EventBridge rule should not have sent it). Throws what
   * the subscriber threw; the subscribers dedupe by event id themselves, as they do locally.
   */
  runSubscription(name: string, event: EventEnvelope): Promise<'delivered' | 'not-matched'>;
  /**
   * Relays the items a batch of DynamoDB stream records inserted: outbox events to the event
   * bus, with no write (the event item is its only one); queued messages to SQS. Other items are
   * ignored. Returns the ids of the records that failed, each alone: the event source mapping
   * retries them (bisecting the batch), then sends the batch's description to its on-failure
   * SQS queue (`stream-dispatch-failures`), from which `republishEvents` redrives it.
   */
  dispatchInserted(records: InsertedItem[]): Promise<string[]>;
  /**
   * Relays queued messages still pending `olderThanMs` after they were written (their stream
   * record ran out of retries), and publishes the events older releases left in `OUTBOX#PENDING`
   * (marking each dispatched, as they did), so nothing written before the upgrade is lost. New
   * events never wait there: the stream and its DLQ carry them.
   */
  sweepOutbox(olderThanMs?: number): Promise<{ swept: number; failed: number }>;
  /**
   * Publishes again every outbox event whose time is from `from` to `to` (ms), read from the
   * time buckets (16 queries a minute): the redrive of a stream batch that ran out of retries,
   * from the arrival times its DLQ message gives. At-least-once: consumers dedupe by event id.
   */
  republishEvents(from: number, to: number): Promise<{ published: number; failed: number }>;
  /** Runs the module job `name` once (EventBridge Scheduler fires it; locally croner or a timer). */
  runJob(name: string): Promise<unknown>;
  /** Runs one Task state of a module's workflow: the handler the local ASL runner maps to it. */
  runTask(workflow: string, state: string, input: unknown): Promise<unknown>;
}

/**
 * The AWS runtime's composition root: the SDK clients (region from `AWS_REGION`), the DynamoDB
 * store, the SQS queue (the webhook delivery worker registered on it), the EventBridge publisher,
 * API Gateway realtime, Cognito identity, and an in-process bus holding the same subscriptions as
 * the local runtime, so one event-consumer function can run one of them. Nothing here talks to
 * the network until used. Handlers share one per container through `awsPlatform()`.
 *
 * @example
 * const platform = createAwsPlatform({ env: process.env });
 * const app = createApp({ ...platform });
 */
export function createAwsPlatform(options: AwsPlatformOptions = {}): AwsPlatform {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  // Every call of every client is an X-Ray subsegment inside Lambda (untouched elsewhere).
  const clients: AwsClients = {
    dynamodb: overrides.clients?.dynamodb ?? traceClient(new DynamoDBClient({ region })),
    sqs: overrides.clients?.sqs ?? traceClient(new SQSClient({ region })),
    eventBridge: overrides.clients?.eventBridge ?? traceClient(new EventBridgeClient({ region })),
    apiGateway:
      overrides.clients?.apiGateway ??
      traceClient(
        new ApiGatewayManagementApiClient({ region, endpoint: env[awsEnvironment.websocketEndpoint] }),
      ),
    cognito: overrides.clients?.cognito ?? traceClient(new CognitoIdentityProviderClient({ region })),
    ses: overrides.clients?.ses ?? traceClient(new SESv2Client({ region })),
    sns: overrides.clients?.sns ?? traceClient(new SNSClient({ region })),
    s3: overrides.clients?.s3 ?? traceClient(new S3Client({ region })),
    sfn: overrides.clients?.sfn ?? traceClient(new SFNClient({ region })),
    secretsManager: overrides.clients?.secretsManager ?? traceClient(new SecretsManagerClient({ region })),
  };
  const clock = overrides.clock ?? systemClock;
  // Powertools Logger: JSON lines CloudWatch indexes, with the platform's redaction rule.
  const logger =
    overrides.logger ??
    createPowertoolsLogger({
      serviceName: 'sluice',
      persistentKeys: { stage: env[awsEnvironment.stage] ?? 'dev' },
    });
  const config: Config = {
    ...defaultConfig,
    webhookAllowPrivate: 'none',
    webhookDeliveryHoldMs: null,
    adminEmails: (env[awsEnvironment.adminEmails] ?? '')
      .split(',')
      .map((email) => email.trim())
      .filter(Boolean),
    ...retentionConfigFromEnv(env),
    ...overrides.config,
  };

  // Event records written with the configured retention (`expires_at` from the write on).
  const store = eventRetentionStore(
    overrides.store ??
      new DynamoStore({ client: clients.dynamodb, tableName: required(awsEnvironment.tableName) }),
    config.eventRetentionSeconds,
    withResponsesByReference,
  );
  const queue =
    overrides.queue ??
    new SqsQueue({
      client: clients.sqs,
      queueUrls: parseQueueUrls(required(awsEnvironment.queueUrls)),
      clock,
      logger,
    });
  const identityDeps: IdentityDeps = { store, clock, config, logger };
  const identity =
    typeof overrides.identity === 'function'
      ? overrides.identity(identityDeps)
      : (overrides.identity ??
        createCognitoIdentity({
          ...identityDeps,
          client: clients.cognito,
          userPoolId: required(awsEnvironment.userPoolId),
          clientId: required(awsEnvironment.userPoolClientId),
        }));
  const publisher =
    overrides.publisher ??
    new EventBridgePublisher({
      client: clients.eventBridge,
      eventBusName: required(awsEnvironment.eventBusName),
    });
  const dispatchDeps: DispatchDeps = {
    store,
    queue,
    publisher,
    clock,
    logger,
    eventRetentionSeconds: config.eventRetentionSeconds,
  };
  const connections = overrides.connections ?? new ConnectionRegistry({ store, clock });
  const realtime =
    overrides.realtime ?? new ApiGatewayRealtime({ client: clients.apiGateway, connections, logger });

  // Built on first use, so a function that sends nothing needs neither variable.
  let sesSns: Notifier | undefined;
  const notifier: Notifier = overrides.notifier ?? {
    sendEmail: (message) =>
      (sesSns ??= new SesSnsNotifier({
        ses: clients.ses,
        sns: clients.sns,
        from: required(awsEnvironment.emailFrom),
      })).sendEmail(message),
    sendSms: (message) =>
      (sesSns ??= new SesSnsNotifier({
        ses: clients.ses,
        sns: clients.sns,
        from: required(awsEnvironment.emailFrom),
      })).sendSms(message),
  };
  let s3Blobs: Blobs | undefined;
  const blobsOf = () =>
    (s3Blobs ??= new S3Blobs({ client: clients.s3, bucket: required(awsEnvironment.blobsBucket), clock }));
  const blobs: Blobs = overrides.blobs ?? {
    uploadUrl: (key, options) => blobsOf().uploadUrl(key, options),
    downloadUrl: (key, options) => blobsOf().downloadUrl(key, options),
    exists: (key) => blobsOf().exists(key),
  };

  // A workflow start is a Step Functions execution named `runName`: a repeated start of one name
  // (a retried request, a recovery sweep) starts nothing new.
  const startWorkflow = async (workflow: string, input: unknown, runName: string): Promise<void> => {
    const arns = JSON.parse(required(awsEnvironment.stateMachineArns)) as Record<string, string>;
    const stateMachineArn = arns[workflow];
    if (!stateMachineArn) throw new Error(`no state machine for the workflow "${workflow}"`);
    try {
      await clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name: runName }),
      );
    } catch (error) {
      if ((error as Error | undefined)?.name !== 'ExecutionAlreadyExists') throw error;
    }
  };

  const modules = overrides.modules ?? appModules;
  checkModules(modules);
  // The origin-verify secret is named in full; the modules' secrets are read under the stage's
  // prefix (`sluice-prod/hub/credentials-key`). Tests give one port for both.
  const secrets = overrides.secrets ?? new SecretsManagerSecrets({ client: clients.secretsManager, clock });
  const moduleSecrets =
    overrides.secrets ??
    new SecretsManagerSecrets({
      client: clients.secretsManager,
      clock,
      namePrefix: env[awsEnvironment.secretsPrefix] ?? '',
    });
  const moduleDeps = moduleDepsOf(
    {
      store,
      clock,
      config,
      logger,
      identity,
      queue,
      realtime,
      notifier,
      blobs,
      startWorkflow,
      secrets: moduleSecrets,
      moduleMetrics:
        overrides.moduleMetrics ??
        createPowertoolsModuleMetrics({ stage: env[awsEnvironment.stage] ?? 'dev' }),
      taskTokens: new StepFunctionsTaskTokens(clients.sfn),
      ...(overrides.testHooks ? { testHooks: overrides.testHooks } : {}),
    },
    modules,
  );
  // The local runtime's subscriptions, on one bus, so that one of them can run alone. A
  // subscriber still running after 20 s fails its message, not the whole batch (the event
  // consumers' function timeout is 30 s).
  const bus = new InProcessBus({ handlerTimeoutMs: 20_000 });
  const subscriptions = subscriptionsOf(modules).map((subscription) => {
    bus.subscribe(subscription.name, subscription.pattern, subscription.handler(moduleDeps));
    return subscription.name;
  });
  for (const module of modules) {
    for (const consumer of module.consumers ?? [])
      queue.consume(consumer.queue, consumer.handler(moduleDeps), consumer.options);
  }
  const jobs = new Map(jobsOf(modules).map((job) => [job.name, job]));
  const tasks = new Map<string, Readonly<Record<string, TaskHandler>>>();
  const tasksOf = (workflow: string) => {
    let found = tasks.get(workflow);
    if (!found) {
      const definition = workflowsOf(modules).find((candidate) => candidate.name === workflow);
      if (!definition) throw new Error(`no workflow named "${workflow}"`);
      found = definition.tasks(moduleDeps);
      tasks.set(workflow, found);
    }
    return found;
  };

  return {
    store,
    identity,
    queue,
    publisher,
    realtime,
    connections,
    clients,
    config,
    clock,
    logger,
    fromDistribution: createOriginCheck({
      secrets,
      secretName: env[awsEnvironment.originVerifySecret] || undefined,
    }),
    subscription: env[awsEnvironment.subscription] || undefined,
    queueName: env[awsEnvironment.queue] || undefined,
    jobName: env[awsEnvironment.job] || undefined,
    workflowTask: env[awsEnvironment.workflowTask] || undefined,
    modules,
    moduleDeps,
    subscriptions,
    async runSubscription(name, event) {
      if (!subscriptions.includes(name)) throw new Error(`no subscription named "${name}"`);
      const skip = new Map([[event.id, subscriptions.filter((other) => other !== name)]]);
      const [delivery] = (await bus.publish([event], { skip })).deliveries;
      const failure = delivery?.failed[0];
      if (failure) throw failure.error;
      return delivery?.delivered.includes(name) ? 'delivered' : 'not-matched';
    },
    dispatchInserted: (records) => dispatchInserted(dispatchDeps, records),
    async sweepOutbox(olderThanMs = 5 * 60_000) {
      const before = clock.now() - olderThanMs;
      let swept = 0;
      let failed = 0;
      // Events older releases left pending (sorted by id, so by time) and queued messages
      // (sorted by time written).
      for (const [partition, bound] of [
        [outboxPendingPartition, idTimeBound('event', before)],
        [queuedPendingPartition, isoTime(before)],
      ] as const) {
        let cursor: string | undefined;
        // At most 20 pages of 100 a run; the schedule comes back for the rest.
        for (let page = 0; page < 20; page++) {
          const found = await store.query({
            index: 'gsi1',
            partition,
            sort: { op: '<', value: bound },
            limit: 100,
            ...(cursor ? { cursor } : {}),
          });
          const records = found.items.map((item) => ({ id: String(item.pk), item }));
          const failures = await dispatchInserted(dispatchDeps, records);
          swept += records.length - failures.length;
          failed += failures.length;
          cursor = found.cursor;
          if (!cursor) break;
        }
      }
      if (swept + failed > 0)
        logger.warn('swept outbox events and queued messages their stream records left pending', {
          swept,
          failed,
        });
      return { swept, failed };
    },
    async republishEvents(from, to) {
      const events = await outboxEventsBetween(store, from, to);
      let failed = 0;
      for (let start = 0; start < events.length; start += 100) {
        const batch = events.slice(start, start + 100);
        try {
          failed += (await publisher.publish(batch)).failedEventIds.length;
        } catch (error) {
          failed += batch.length;
          logger.error('republishing outbox events failed', { error: describeError(error) });
        }
      }
      logger.info('outbox events republished', {
        from: isoTime(from),
        to: isoTime(to),
        published: events.length - failed,
        failed,
      });
      return { published: events.length - failed, failed };
    },
    async runJob(name) {
      const job = jobs.get(name);
      if (!job?.run) throw new Error(`no job named "${name}" runs in a function`);
      return job.run(moduleDeps);
    },
    async runTask(workflow, state, input) {
      const handler = tasksOf(workflow)[state];
      if (!handler) throw new Error(`the workflow "${workflow}" has no Task state "${state}"`);
      return handler(input);
    },
  };
}

let current: AwsPlatform | undefined;

/**
 * The container's platform, built from `process.env` on first use and kept for every later
 * invocation (clients, connection pools and the app are reused while the container lives).
 *
 * @example
 * export const handler = async (event: SQSEvent) => awsPlatform().queue.handleSqsRecords('webhook-deliveries', event.Records);
 */
export function awsPlatform(): AwsPlatform {
  current ??= createAwsPlatform();
  return current;
}

/**
 * Replaces the container's platform: tests hand the real handlers a platform on DynamoDB Local.
 * `undefined` forgets it, so the next `awsPlatform()` builds one from the environment.
 *
 * @example
 * setAwsPlatform(createAwsPlatform({ env, overrides: { identity: createLocalIdentity } }));
 */
export function setAwsPlatform(platform: AwsPlatform | undefined): void {
  current = platform;
}

/**
 * Runs `build` while the handler module loads, when it loads inside Lambda
 * (`AWS_LAMBDA_FUNCTION_NAME` is set): the init phase runs with a full CPU, so the first
 * request does not pay for building clients and the app. Elsewhere (tests) it waits for first use.
 *
 * @example
 * buildDuringInit(awsPlatform);
 */
export function buildDuringInit(build: () => unknown): void {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) build();
}

function parseQueueUrls(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Object.values(value).some((url) => typeof url !== 'string')
  ) {
    throw new Error(`${awsEnvironment.queueUrls} must be a JSON object of queue name to SQS queue URL`);
  }
  return value as Record<string, string>;
}

interface DispatchDeps {
  store: Store;
  queue: SqsQueue;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  /** `Config.eventRetentionSeconds`: an older release's event expires this long after it is marked dispatched. */
  eventRetentionSeconds: number;
}

async function dispatchInserted(deps: DispatchDeps, records: InsertedItem[]): Promise<string[]> {
  const failed = new Set<string>();
  const fail = (record: InsertedItem, reason: string, error?: unknown) => {
    failed.add(record.id);
    deps.logger.error(reason, {
      record: record.id,
      pk: record.item.pk,
      error: error === undefined ? undefined : describeError(error),
    });
  };

  const events: Array<InsertedItem & { event: EventEnvelope }> = [];
  const messages: InsertedItem[] = [];
  for (const record of records) {
    if (isPendingOutboxItem(record.item)) {
      const event = record.item.event;
      if (typeof event.id === 'string' && event.id !== '' && typeof event.type === 'string')
        events.push({ ...record, event });
      else fail(record, 'outbox item holds no valid event');
    } else if (isQueuedMessageItem(record.item)) {
      messages.push(record);
    }
  }

  const relayed = Promise.all(
    messages.map(async (record) => {
      try {
        await deps.queue.relay(record.item);
      } catch (error) {
        return fail(record, 'queued message not relayed to SQS', error);
      }
      try {
        await markRelayed(deps, record.item);
      } catch (error) {
        fail(record, 'queued message relayed but not marked relayed', error);
      }
    }),
  );

  if (events.length > 0) {
    let failedEventIds: Set<string>;
    try {
      failedEventIds = new Set((await deps.publisher.publish(events.map((e) => e.event))).failedEventIds);
    } catch (error) {
      failedEventIds = new Set(events.map((e) => e.event.id));
      deps.logger.error('publishing outbox events failed', { error: describeError(error) });
    }
    await Promise.all(
      events.map(async (record) => {
        if (failedEventIds.has(record.event.id)) return fail(record, 'outbox event not published', undefined);
        // Today's events: published is done (no mark). Older releases' pending ones: marked, as they did.
        if (isOutboxBucket(record.item.gsi1pk)) return;
        try {
          await markDispatched(deps, record.item);
        } catch (error) {
          fail(record, 'outbox event published but not marked dispatched', error);
        }
      }),
    );
  }
  await relayed;
  return records.filter((record) => failed.has(record.id)).map((record) => record.id);
}

/** Out of `QUEUED#PENDING` once SQS has the message, so the sweeper does not send it again. */
async function markRelayed(deps: DispatchDeps, item: Item): Promise<void> {
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: { pk: item.pk, sk: item.sk },
        set: { relayed_at: isoTime(deps.clock.now()) },
        remove: ['gsi1pk', 'gsi1sk'],
        condition: { compare: ['gsi1pk', '=', queuedPendingPartition] },
      },
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
  }
}

/** What older releases wrote once an event was published: out of `OUTBOX#PENDING`, expiring after the retention. */
async function markDispatched(deps: DispatchDeps, item: Item): Promise<void> {
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: { pk: item.pk, sk: item.sk },
        set: dispatchedEventFields(deps.clock.now(), deps.eventRetentionSeconds),
        add: { attempts: 1 },
        remove: ['gsi1pk', 'gsi1sk', 'next_attempt_at', 'failed_subscribers', 'last_error'],
        // A redelivered stream record finds it already dispatched: nothing to do.
        condition: { compare: ['gsi1pk', '=', outboxPendingPartition] },
      },
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
