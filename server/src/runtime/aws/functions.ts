import { modules as appModules } from '../../app/modules.ts';
import { jobsOf, subscriptionsOf, workflowsOf } from '../../app/registry.ts';
import { runsOn, type ModuleConsumer, type SluiceModule } from '../../platform/module.ts';

/**
 * The AWS runtime's Lambda functions, queues and environment, derived once from the module list:
 * the CDK app (`infra/`) builds one function per entry, the bundle-size script bundles the same
 * entries, and the composition root (`platform.ts`) reads the same environment names.
 */

/** What invokes a function; the CDK app wires the matching event source. */
export type LambdaTrigger =
  | { type: 'http-api' }
  | { type: 'websocket'; route: '$connect' | '$disconnect' | '$default' }
  | { type: 'dynamodb-stream' }
  /** An SQS queue of the Queue port (`queues` below). */
  | { type: 'queue'; queue: QueueName }
  /** An SQS queue fed by an EventBridge rule with the subscription's pattern. */
  | { type: 'event-subscription'; subscription: string }
  /** A module's job (`SLUICE_JOB`), or a platform job when `job` is absent. */
  | { type: 'schedule'; cron: string; job?: string }
  /** A Task state of a module's state machine, named as in the ASL file (`SLUICE_WORKFLOW_TASK`). */
  | { type: 'state-machine-task'; stateMachine: string; state: string }
  /** Run once by every deploy (a CDK trigger), after the table exists: the stored-data migrations. */
  | { type: 'deploy' };

export interface LambdaFunctionSpec {
  /** Construct id and function name suffix, kebab-case. */
  id: string;
  /** The handler module, from the repository root. */
  entry: string;
  /** The exported handler function. */
  handler: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  trigger: LambdaTrigger;
  /**
   * Relays the outbox: may put events on the Sluice bus and send to the Queue-port queues (the
   * stream dispatcher and the sweeper). No other function may.
   */
  relaysOutbox?: true;
  /** The workflows whose state machines it starts (StartExecution), by workflow name. */
  startsWorkflows?: readonly string[];
  /** The workflows whose waiting tasks it answers (SendTaskSuccess, SendTaskFailure), by workflow name. */
  answersWorkflows?: readonly string[];
}

/** The SQS settings of every Queue-port queue a module consumes, by queue name. */
export function awsQueuesOf(modules: readonly SluiceModule[]): Record<string, ModuleConsumer['aws']> {
  return Object.fromEntries(
    modules.flatMap((module) => (module.consumers ?? []).map((consumer) => [consumer.queue, consumer.aws])),
  );
}
export const awsQueues = awsQueuesOf(appModules);
export type QueueName = string;

/** The bus subscriptions that run on AWS as EventBridge rule → SQS → Lambda. */
export const eventSubscriptionNames: readonly string[] = subscriptionsOf(appModules).map(
  (subscription) => subscription.name,
);

const handlers = 'server/src/runtime/aws/handlers';
const kebab = (name: string) =>
  name
    .replaceAll('.', '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/**
 * The functions of an app of `modules`: the platform's own (HTTP, WebSocket, the stream
 * dispatcher and its sweeper, the migrations a deploy runs), then per module one per subscription, queue, job and workflow
 * Task state.
 */
export function lambdaFunctionsOf(modules: readonly SluiceModule[]): LambdaFunctionSpec[] {
  return [
    {
      id: 'http-api',
      entry: `${handlers}/http.ts`,
      handler: 'handler',
      description: 'The Sluice HTTP API (the Hono app)',
      memoryMb: 1024,
      timeoutSeconds: 29,
      trigger: { type: 'http-api' },
    },
    {
      id: 'ws-connect',
      entry: `${handlers}/websocket.ts`,
      handler: 'connect',
      description: 'WebSocket $connect: checks the access token, records the connection',
      memoryMb: 512,
      timeoutSeconds: 10,
      trigger: { type: 'websocket', route: '$connect' },
    },
    {
      id: 'ws-disconnect',
      entry: `${handlers}/websocket.ts`,
      handler: 'disconnect',
      description: 'WebSocket $disconnect: forgets the connection',
      memoryMb: 256,
      timeoutSeconds: 10,
      trigger: { type: 'websocket', route: '$disconnect' },
    },
    {
      id: 'ws-default',
      entry: `${handlers}/websocket.ts`,
      handler: 'message',
      description: 'WebSocket $default: answers pings',
      memoryMb: 256,
      timeoutSeconds: 10,
      trigger: { type: 'websocket', route: '$default' },
    },
    {
      id: 'stream-dispatcher',
      entry: `${handlers}/stream-dispatcher.ts`,
      handler: 'handler',
      description: 'DynamoDB Streams: outbox events to EventBridge, queued messages to SQS',
      memoryMb: 512,
      timeoutSeconds: 60,
      trigger: { type: 'dynamodb-stream' },
      relaysOutbox: true,
    },
    {
      id: 'sweep-outbox',
      entry: `${handlers}/scheduled.ts`,
      handler: 'sweepOutbox',
      description:
        'Publishes outbox events and relays queued messages whose stream records ran out of retries',
      memoryMb: 512,
      timeoutSeconds: 120,
      trigger: { type: 'schedule', cron: '*/5 * * * *' },
      relaysOutbox: true,
    },
    {
      id: 'ws-expire',
      entry: `${handlers}/scheduled.ts`,
      handler: 'closeExpiredSockets',
      description: 'Closes WebSocket connections whose access token has expired (DeleteConnection)',
      memoryMb: 256,
      timeoutSeconds: 60,
      trigger: { type: 'schedule', cron: '* * * * *' },
    },
    {
      id: 'migrate',
      entry: `${handlers}/migrate.ts`,
      handler: 'handler',
      description:
        'Runs the stored-data migrations on every deploy; fails the deploy on data newer than the code',
      memoryMb: 512,
      // A migration pages through every merchant (or whatever it must touch); the deploy's
      // trigger waits a minute longer, within its provider's 15.
      timeoutSeconds: 600,
      trigger: { type: 'deploy' },
    },
    ...modules.flatMap((module) =>
      (module.consumers ?? []).map(
        (consumer): LambdaFunctionSpec => ({
          id: consumer.queue,
          entry: `${handlers}/queue-consumer.ts`,
          handler: 'handler',
          description: `Queue ${consumer.queue} of ${module.name} (SQS, partial batch failures)`,
          memoryMb: 512,
          timeoutSeconds: 60,
          trigger: { type: 'queue', queue: consumer.queue },
        }),
      ),
    ),
    ...subscriptionsOf(modules).map(
      (subscription): LambdaFunctionSpec => ({
        id: `events-${kebab(subscription.name)}`,
        entry: `${handlers}/event-consumer.ts`,
        handler: 'handler',
        description: `Bus subscription ${subscription.name} (EventBridge rule → SQS)`,
        memoryMb: 512,
        timeoutSeconds: 30,
        trigger: { type: 'event-subscription', subscription: subscription.name },
        ...(subscription.drivesWorkflows?.length
          ? { startsWorkflows: subscription.drivesWorkflows, answersWorkflows: subscription.drivesWorkflows }
          : {}),
      }),
    ),
    ...jobsOf(modules).flatMap((job): LambdaFunctionSpec[] =>
      job.workflow !== undefined
        ? []
        : [
            {
              id: `job-${kebab(job.name)}`,
              entry: `${handlers}/scheduled.ts`,
              handler: 'runJob',
              description: job.description,
              memoryMb: 512,
              timeoutSeconds: 60,
              trigger: { type: 'schedule', cron: job.cron, job: job.name },
            },
          ],
    ),
    ...workflowsOf(modules)
      .filter((workflow) => runsOn(workflow, 'aws'))
      .flatMap((workflow) =>
        Object.entries(workflow.taskFunctions).map(
          ([state, settings]): LambdaFunctionSpec => ({
            id: `${kebab(workflow.name)}-${kebab(state)}`,
            entry: `${handlers}/workflow-task.ts`,
            handler: 'handler',
            description: settings.description,
            memoryMb: settings.memoryMb,
            timeoutSeconds: settings.timeoutSeconds,
            trigger: { type: 'state-machine-task', stateMachine: workflow.name, state },
            ...(settings.answersTaskTokens ? { answersWorkflows: [workflow.name] } : {}),
          }),
        ),
      ),
  ];
}

export const lambdaFunctions: readonly LambdaFunctionSpec[] = lambdaFunctionsOf(appModules);

/**
 * Environment variables the functions read (`platform.ts`) and the CDK app sets. Every function
 * gets all of them; `SLUICE_SUBSCRIPTION`, `SLUICE_QUEUE`, `SLUICE_JOB` and `SLUICE_WORKFLOW_TASK`
 * only where the trigger names one.
 */
export const awsEnvironment = {
  stage: 'SLUICE_STAGE',
  tableName: 'SLUICE_TABLE',
  eventBusName: 'SLUICE_EVENT_BUS',
  /** JSON object: Queue-port queue name → SQS queue URL. */
  queueUrls: 'SLUICE_QUEUE_URLS',
  /** The WebSocket API's management endpoint, `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`. */
  websocketEndpoint: 'SLUICE_WEBSOCKET_ENDPOINT',
  userPoolId: 'SLUICE_USER_POOL_ID',
  userPoolClientId: 'SLUICE_USER_POOL_CLIENT_ID',
  /** JSON object: workflow name → state machine ARN. */
  stateMachineArns: 'SLUICE_STATE_MACHINES',
  /** The verified SES identity emails are sent from (`Sluice <no-reply@example.com>`). */
  emailFrom: 'SLUICE_EMAIL_FROM',
  /** The S3 bucket behind the Blobs port (presigned uploads and downloads). */
  blobsBucket: 'SLUICE_BLOBS_BUCKET',
  /** Comma-separated emails put in the Admins group at sign-up. */
  adminEmails: 'SLUICE_ADMIN_EMAILS',
  /**
   * The Secrets Manager name of the header value CloudFront adds to API requests
   * (`origin-verify.ts`); when set, the HTTP and `$connect` functions refuse requests without it.
   */
  originVerifySecret: 'SLUICE_ORIGIN_VERIFY_SECRET',
  /**
   * Put before the names of the secrets modules declare (`sluice-prod/`): the CDK app creates
   * `hub/credentials-key` as `sluice-prod/hub/credentials-key`.
   */
  secretsPrefix: 'SLUICE_SECRETS_PREFIX',
  /** The bus subscription an event consumer runs (event-subscription trigger only). */
  subscription: 'SLUICE_SUBSCRIPTION',
  /** The Queue-port queue a queue consumer drains (queue trigger only). */
  queue: 'SLUICE_QUEUE',
  /** The module job a scheduled function runs (schedule trigger with a job only). */
  job: 'SLUICE_JOB',
  /** `<workflow>/<Task state>` a workflow task function runs (state-machine-task trigger only). */
  workflowTask: 'SLUICE_WORKFLOW_TASK',
} as const;
