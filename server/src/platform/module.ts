import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../kernel/clock.ts';
import type { ErrorShape } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { EventPattern } from './event-pattern.ts';
import type { Config } from './config.ts';
import type { Identity } from './identity.ts';
import type { KeyPattern } from './keys.ts';
import type { Logger } from './logger.ts';
import type { Blobs } from './blobs.ts';
import type { Notifier } from './notifier.ts';
import type { BatchHandler, ConsumeOptions, DeadLetterQueue, TransactionalQueue } from './queue.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Realtime } from './realtime.ts';
import type { Secrets } from './secrets.ts';
import type { Store } from './store.ts';
import type { ModuleMetrics } from './telemetry.ts';

/**
 * The ports every module is built on. Both runtimes fill it once and hand the same object to
 * every module's routes, subscribers, consumers, jobs and workflow tasks.
 */
export interface ModuleDeps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  identity: Identity;
  /** Sends a message in the caller's store transaction (webhook deliveries). */
  queue: TransactionalQueue;
  realtime: Realtime;
  /** Sends emails and text messages (the local mailbox, SES and SNS on AWS). */
  notifier: Notifier;
  /** Files behind presigned URLs (the data dir's blobs locally, S3 on AWS). */
  blobs: Blobs;
  /** Counts API requests against their limits (in memory locally, in the store on AWS). */
  rateLimiter: RateLimiter;
  /**
   * The secrets modules declare (`SluiceModule.secrets`), by name: generated once into the data
   * dir locally unless the environment sets them, Secrets Manager on AWS.
   */
  secrets: Secrets;
  /** Counts what modules declare alarms on (`SluiceModule.alarms`): CloudWatch EMF on AWS. */
  moduleMetrics: ModuleMetrics;
  /** What the modules of this app declare, for modules that serve others (webhooks, docs). */
  catalog: ModuleCatalog;
  /**
   * Runs a module's workflow to its end and returns its output, where the runtime can do so
   * inside the call (the local runtime runs the ASL file in process). Absent on AWS, where
   * callers run the workflow's steps themselves or start the state machine.
   */
  runWorkflow?: (workflow: string, input: unknown) => Promise<unknown>;
  /**
   * Starts a module's workflow and returns without waiting for it (locally in process, on AWS a
   * Step Functions execution named `runName`, so a second start of one name starts nothing). A
   * workflow that does not run on this runtime (`ModuleWorkflow.runtimes`) is not started.
   */
  startWorkflow?: (workflow: string, input: unknown, runName: string) => Promise<void>;
  /**
   * Answers a state machine's Task waiting on a task token (`.waitForTaskToken`): Step Functions'
   * SendTaskSuccess and SendTaskFailure on AWS. Absent locally, where no workflow waits on one.
   */
  taskTokens?: TaskTokens;
  /** Settings tests lay over a module's own defaults (a DNS resolver, jitter), by module name. */
  testHooks?: Readonly<Record<string, unknown>>;
  /**
   * The backups of this deployment's data, where the runtime takes them itself (the local
   * runtime: `npm run backup`, or on a schedule). Absent on AWS, where AWS Backup holds them.
   */
  backups?: Backups;
  /**
   * The dead letters of every queue (both runtimes' Queue adapters have them): what the
   * operations module lists and redrives for admins.
   */
  deadLetters?: DeadLetterQueue;
}

/** One backup of the local database, as `npm run backup` records it. */
export interface BackupRecord {
  /** The backup file's absolute path. */
  file: string;
  size_bytes: number;
  sha256: string;
  /** When the copy's snapshot was taken (ISO 8601). */
  taken_at: string;
}

/** What the runtime knows of its backups. */
export interface Backups {
  /** The newest backup recorded, or null before the first. */
  last(): Promise<BackupRecord | null>;
  /** Backups the server takes itself, when configured. */
  schedule: { dir: string; every_seconds: number; keep: number } | null;
}

/** What every module of the app declares, gathered once by `app/`. */
export interface ModuleCatalog {
  /** Every event type a merchant can receive by webhook, from the modules' `webhookEvents`. */
  webhookEventTypes: readonly string[];
  /** Every module's migrations this code knows, in the order they run. */
  migrations: readonly { module: string; version: number; description: string }[];
  /** Every Queue-port queue a module consumes, with that module. */
  queues: readonly { module: string; queue: string }[];
}

/**
 * How the routes under a path authenticate:
 * - `public`: no credentials (the handler may check its own);
 * - `user`: a person's access token (`Authorization: Bearer <JWT>`);
 * - `admin`: a person's access token whose user is in the `admin` group;
 * - any other name: an authentication scheme a module provides (`authSchemes`), such as the
 *   payments module's `merchant` (an API key, or a user token plus `Sluice-Merchant`).
 */
export type PathAuth = 'public' | 'user' | 'admin' | (string & {});

/**
 * A path the module owns. `prefix` matches itself and what lies below it (`/v1/events` and
 * `/v1/events/evt_…`, not `/v1/eventsx`); `exact` matches that path alone.
 */
export type OwnedPath = ({ prefix: string } | { exact: string }) & {
  auth: PathAuth;
  /**
   * `in_transaction`: every POST here commits its whole effect and its idempotency record in one
   * store transaction, and calls nothing outside the store (no provider, no second transaction
   * that matters). Such a request with an Idempotency-Key is not claimed first: its record is
   * written with the effect, on condition that the key is free, so a concurrent twin's
   * transaction fails and the twin answers the winner's response. One transaction per request
   * instead of two. Default: the key is claimed in a transaction of its own before the handler.
   */
  idempotency?: 'in_transaction';
};

/** A Hono sub-app of OpenAPI routes, mounted at `/`. The env type belongs to `http/`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module's router is typed by http/'s AppEnv, which platform/ cannot name
export type ModuleRouter = OpenAPIHono<any>;

export interface ModuleHttp {
  /** The paths the module serves and how each authenticates; `/v1` paths not claimed need a user token. */
  paths: readonly OwnedPath[];
  /** Absent when the runtime serves the paths itself (the realtime socket). */
  routes?: (deps: ModuleDeps) => ModuleRouter;
  /** Authentication schemes this module offers to every module's paths, by name (`merchant`). */
  authSchemes?: Readonly<Record<string, (deps: ModuleDeps) => MiddlewareHandler>>;
}

/**
 * A bus subscription: the handler runs for every event matching `pattern` (EventBridge pattern
 * syntax), at least once, so it dedupes by event id. Locally it runs on the in-process bus; on AWS
 * an EventBridge rule with the same pattern feeds an SQS queue drained by a function.
 */
export interface ModuleSubscription {
  /** `<module>.<what it does>`, unique across the app; names the AWS rule, queue and function. */
  name: string;
  pattern: EventPattern;
  handler: (deps: ModuleDeps) => (event: EventEnvelope) => Promise<void>;
  /**
   * The module's workflows this subscription starts and answers the task tokens of: on AWS its
   * function may StartExecution, SendTaskSuccess and SendTaskFailure on their state machines.
   */
  drivesWorkflows?: readonly string[];
}

/** A consumer of a Queue-port queue; the settings size the SQS queue and its event source on AWS. */
export interface ModuleConsumer {
  queue: string;
  handler: (deps: ModuleDeps) => BatchHandler;
  options: ConsumeOptions;
  aws: {
    /** SQS visibility timeout; at least six times the consumer function's timeout, as AWS advises. */
    visibilityTimeoutSeconds: number;
    /** Receives before SQS moves a message to the DLQ. */
    maxReceiveCount: number;
    batchSize: number;
  };
}

/**
 * A scheduled job on a five-field cron expression (UTC). Either it runs `run` (locally in
 * process, on AWS a function on an EventBridge schedule) or it starts the module's `workflow`
 * (locally the ASL runner, on AWS the state machine).
 */
export type ModuleJob = {
  name: string;
  cron: string;
  description: string;
  /** Locally, run every this many ms instead of on `cron` (hold expiry runs every second). */
  localEveryMs?: number;
} & ({ run: (deps: ModuleDeps) => Promise<unknown>; workflow?: never } | { workflow: string; run?: never });

/** A Task state's handler: JSON in, JSON out, idempotent (Step Functions retries). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Where a workflow runs: `local` (aws-local-stepfunctions, in process) and `aws` (Step Functions). */
export type WorkflowRuntime = 'local' | 'aws';

/** Whether `workflow` runs on `runtime` (every workflow runs on both unless it says otherwise). */
export function runsOn(workflow: Pick<ModuleWorkflow, 'runtimes'>, runtime: WorkflowRuntime): boolean {
  return (workflow.runtimes ?? ['local', 'aws']).includes(runtime);
}

/**
 * Answers to a Task state waiting on a task token. Each resolves false when the token's task no
 * longer waits (answered already, timed out, or its execution ended): answers are idempotent.
 */
export interface TaskTokens {
  succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<boolean>;
  fail(token: string, error: string, cause: string): Promise<boolean>;
}

/**
 * A state machine: one ASL file that the local runner (aws-local-stepfunctions) and Step Functions
 * run alike, with a handler per Task state (each a function on AWS).
 */
export interface ModuleWorkflow {
  name: string;
  definition: URL;
  tasks: (deps: ModuleDeps) => Readonly<Record<string, TaskHandler>>;
  /**
   * Per Task state: its function's description and size on AWS; `answersTaskTokens` when the task
   * itself answers a token of this state machine (its function may SendTaskSuccess/Failure on it).
   */
  taskFunctions: Readonly<
    Record<
      string,
      { description: string; memoryMb: number; timeoutSeconds: number; answersTaskTokens?: true }
    >
  >;
  /**
   * Where it runs (default both). `['aws']` for a definition the local runner cannot run (a
   * `.waitForTaskToken` task): locally the module drives the same states itself.
   */
  runtimes?: readonly WorkflowRuntime[];
}

/**
 * One product (or platform service) as the app sees it: everything the HTTP app, both runtimes,
 * the Lambda function list, the CDK app, the webhook catalogue and the OpenAPI document need.
 * A module's `index.ts` exports one; `app/modules.ts` lists them.
 *
 * @example
 * export const walletModule = defineModule({
 *   name: 'wallet',
 *   http: { paths: [{ prefix: '/v1/wallet', auth: 'user' }], routes: (deps) => walletRoutes(deps) },
 *   subscriptions: [{ name: 'wallet.open-on-signup', pattern: { type: ['user.signed_up'] }, handler: (deps) => openOnSignUp(deps) }],
 *   events: walletEventTypes,
 *   keys: walletKeyPatterns,
 * });
 */
export interface SluiceModule {
  /** Lower case, unique: prefixes its subscription and job names. */
  name: string;
  http?: ModuleHttp;
  subscriptions?: readonly ModuleSubscription[];
  consumers?: readonly ModuleConsumer[];
  jobs?: readonly ModuleJob[];
  workflows?: readonly ModuleWorkflow[];
  /** Every event type it emits (`payment.captured`). */
  events?: readonly string[];
  /** The events merchants may subscribe their webhook endpoints to (a subset of `events`). */
  webhookEvents?: readonly string[];
  /** Its own error codes beyond the kernel's (`defineErrors`), checked unique across modules. */
  errors?: Readonly<Record<string, ErrorShape>>;
  /** Its own id prefixes beyond the kernel's (`defineIds`), checked unique across modules. */
  ids?: Readonly<Record<string, string>>;
  /** The partition keys it writes (`platform/keys.ts`), checked not to overlap another's. */
  keys?: readonly KeyPattern[];
  /** Its stored-data migrations, versions 1, 2, 3… in order. */
  migrations?: readonly ModuleMigration[];
  /** The secrets its code reads through `deps.secrets`: the CDK app creates each and grants read to its functions. */
  secrets?: readonly ModuleSecret[];
  /** Alarms on the metrics it counts through `deps.moduleMetrics`: one CloudWatch alarm each on AWS. */
  alarms?: readonly ModuleAlarm[];
}

/**
 * A secret a module reads (`deps.secrets.get(name)`). On AWS the CDK app creates it with a
 * generated value, named `<stage prefix>/<name>`, readable by the functions that run the module's
 * code (its own and the HTTP function's) and by no other; locally it is generated once into the
 * data dir unless its environment variable is set (`runtime/local/local-secrets.ts`).
 */
export interface ModuleSecret {
  /** `<module>/<what>`, in the Secrets Manager alphabet: `hub/credentials-key`. */
  name: string;
  description: string;
}

/**
 * An alarm on a metric the module counts (`deps.moduleMetrics.count(module, metric)`): on AWS a
 * CloudWatch alarm notifying the stage's alarm topic when the metric's sum over `periodMinutes`
 * reaches `threshold`.
 */
export interface ModuleAlarm {
  /** Unique in the module; the alarm is `<stage prefix>-<module>-<name>`. */
  name: string;
  metric: string;
  threshold: number;
  /** Default 5. */
  periodMinutes?: number;
  description: string;
}

/**
 * A change to a module's stored data, run once per store before the app serves (locally at
 * start, on AWS by a one-off function the deploy runs). Versions count 1, 2, 3… per module and
 * are never renumbered; the store records each one applied, and a process refuses to start on
 * data a newer version of the code has migrated.
 */
export interface ModuleMigration {
  version: number;
  description: string;
  /** Idempotent: a second run (after a crash mid-way, say) changes nothing more. */
  run: (deps: ModuleDeps) => Promise<{ changed: number }>;
}

/** Types a module definition (an identity function: the value is the definition). */
export function defineModule<const M extends SluiceModule>(module: M): M {
  return module;
}
