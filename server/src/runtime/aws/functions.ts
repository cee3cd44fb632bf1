/**
 * The AWS runtime's Lambda functions, queues and environment, defined once: the CDK app (`infra/`)
 * builds one function per entry, the bundle-size script bundles the same entries, and the
 * composition root (`platform.ts`) reads the same environment names.
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
  | { type: 'schedule'; cron: string }
  /** A Task state of a state machine, named as in the ASL file. */
  | { type: 'state-machine-task'; stateMachine: 'settlement'; state: string };

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
}

/** Queues of the Queue port, with the consumer settings the SQS queue and event source copy. */
export const awsQueues = {
  'webhook-deliveries': {
    /** SQS visibility timeout; at least six times the consumer's timeout, as AWS advises. */
    visibilityTimeoutSeconds: 360,
    /** Receives before SQS moves a message to the DLQ (the delivery worker dead-letters first, at attempt 13). */
    maxReceiveCount: 18,
    batchSize: 10,
  },
} as const;
export type QueueName = keyof typeof awsQueues;

/** The bus subscriptions that run on AWS as EventBridge rule → SQS → Lambda. */
export const eventSubscriptionNames = ['wallet.open-on-signup', 'realtime.push', 'webhooks.fan-out'] as const;

const handlers = 'server/src/runtime/aws/handlers';

export const lambdaFunctions: readonly LambdaFunctionSpec[] = [
  { id: 'http-api', entry: `${handlers}/http.ts`, handler: 'handler', description: 'The Sluice HTTP API (the Hono app)', memoryMb: 1024, timeoutSeconds: 29, trigger: { type: 'http-api' } },
  { id: 'ws-connect', entry: `${handlers}/websocket.ts`, handler: 'connect', description: 'WebSocket $connect: checks the access token, records the connection', memoryMb: 512, timeoutSeconds: 10, trigger: { type: 'websocket', route: '$connect' } },
  { id: 'ws-disconnect', entry: `${handlers}/websocket.ts`, handler: 'disconnect', description: 'WebSocket $disconnect: forgets the connection', memoryMb: 256, timeoutSeconds: 10, trigger: { type: 'websocket', route: '$disconnect' } },
  { id: 'ws-default', entry: `${handlers}/websocket.ts`, handler: 'message', description: 'WebSocket $default: answers pings', memoryMb: 256, timeoutSeconds: 10, trigger: { type: 'websocket', route: '$default' } },
  { id: 'stream-dispatcher', entry: `${handlers}/stream-dispatcher.ts`, handler: 'handler', description: 'DynamoDB Streams: outbox events to EventBridge, queued messages to SQS', memoryMb: 512, timeoutSeconds: 60, trigger: { type: 'dynamodb-stream' }, relaysOutbox: true },
  { id: 'webhook-deliveries', entry: `${handlers}/queue-consumer.ts`, handler: 'handler', description: 'Delivers webhooks (SQS, partial batch failures)', memoryMb: 512, timeoutSeconds: 60, trigger: { type: 'queue', queue: 'webhook-deliveries' } },
  ...eventSubscriptionNames.map((subscription): LambdaFunctionSpec => ({
    id: `events-${subscription.replaceAll('.', '-')}`,
    entry: `${handlers}/event-consumer.ts`,
    handler: 'handler',
    description: `Bus subscription ${subscription} (EventBridge rule → SQS)`,
    memoryMb: 512,
    timeoutSeconds: 30,
    trigger: { type: 'event-subscription', subscription },
  })),
  { id: 'expire-holds', entry: `${handlers}/scheduled.ts`, handler: 'expire', description: 'Expires due ledger holds and card authorizations', memoryMb: 512, timeoutSeconds: 60, trigger: { type: 'schedule', cron: '* * * * *' } },
  { id: 'sweep-outbox', entry: `${handlers}/scheduled.ts`, handler: 'sweepOutbox', description: 'Publishes outbox events and relays queued messages whose stream records ran out of retries', memoryMb: 512, timeoutSeconds: 120, trigger: { type: 'schedule', cron: '*/5 * * * *' }, relaysOutbox: true },
  { id: 'settlement-list-merchants-due', entry: `${handlers}/settlement-tasks.ts`, handler: 'listMerchantsDue', description: 'Settlement task: merchants with captures due', memoryMb: 512, timeoutSeconds: 60, trigger: { type: 'state-machine-task', stateMachine: 'settlement', state: 'ListMerchantsDue' } },
  { id: 'settlement-settle-merchant', entry: `${handlers}/settlement-tasks.ts`, handler: 'settleMerchant', description: 'Settlement task: settle one merchant', memoryMb: 512, timeoutSeconds: 300, trigger: { type: 'state-machine-task', stateMachine: 'settlement', state: 'SettleMerchant' } },
];

/**
 * Environment variables the functions read (`platform.ts`) and the CDK app sets. Every function
 * gets all of them; `SLUICE_SUBSCRIPTION` and `SLUICE_QUEUE` only where the trigger names one.
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
  settlementStateMachineArn: 'SLUICE_SETTLEMENT_STATE_MACHINE_ARN',
  /** Comma-separated emails put in the Admins group at sign-up. */
  adminEmails: 'SLUICE_ADMIN_EMAILS',
  /** The bus subscription an event consumer runs (event-subscription trigger only). */
  subscription: 'SLUICE_SUBSCRIPTION',
  /** The Queue-port queue a queue consumer drains (queue trigger only). */
  queue: 'SLUICE_QUEUE',
} as const;
