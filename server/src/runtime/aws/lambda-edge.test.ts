import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, ScheduledEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { expectBooksBalanced } from '../../../../test/invariants.ts';
import { startWebhookReceiver } from '../../../../test/webhook-receiver.ts';
import { modules } from '../../app/modules.ts';
import { subscriptionsOf } from '../../app/registry.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { createEvent } from '../../kernel/events.ts';
import { silentLogger } from '../../platform/logger.ts';
import { eventKey, eventRecordPut, outboxBucket, outboxPut } from '../../platform/outbox.ts';
import { verifySignature } from '../../webhooks/index.ts';
import { createLocalPlatform } from '../local/platform.ts';
import { connectionKey } from './apigw-realtime.ts';
import { createTableIfMissing } from '../dynamodb/dynamo-store.ts';
import { awsEnvironment } from './functions.ts';
import * as eventConsumer from './handlers/event-consumer.ts';
import * as http from './handlers/http.ts';
import * as queueConsumer from './handlers/queue-consumer.ts';
import * as scheduled from './handlers/scheduled.ts';
import * as workflowTask from './handlers/workflow-task.ts';
import * as streamDispatcher from './handlers/stream-dispatcher.ts';
import * as websocket from './handlers/websocket.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from './platform.ts';
import { queuedMessageKey } from './sqs-queue.ts';
import { httpEvent, lambdaContext } from './test-events.ts';

// The Lambda handlers, invoked in process with the events API Gateway, DynamoDB Streams, SQS and
// EventBridge Scheduler send, on the DynamoDB store against DynamoDB Local (test/global-setup.ts).
// Mocked with aws-sdk-client-mock, because they cannot run here: SQS, EventBridge and the API
// Gateway Management API (their calls are captured and fed to the next function, as AWS would),
// and Cognito (the local identity is injected instead). The DynamoDB stream is played by scanning
// the table for items not seen before: each becomes an INSERT record whose NewImage is the item
// exactly as DynamoDB returns it.

const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-lambda-${randomUUID()}`;
const deliveryQueueUrl = `https://sqs.${region}.amazonaws.com/000000000000/sluice-webhook-deliveries`;
const baseEnv = {
  AWS_REGION: region,
  [awsEnvironment.stage]: 'test',
  [awsEnvironment.tableName]: tableName,
  [awsEnvironment.eventBusName]: 'sluice-test',
  [awsEnvironment.queueUrls]: JSON.stringify({ 'webhook-deliveries': deliveryQueueUrl }),
  [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
  [awsEnvironment.adminEmails]: 'root@example.com',
};

const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const management = mockClient(ApiGatewayManagementApiClient);
// A fixed start, after any wall-clock time this test runs at: ids minted without a time
// (`newId`'s default, Date.now()) never go back below an id already minted in the process, so a
// clock behind the wall clock would make the outbox sweep, which compares event ids with the
// clock, see every event as newer than it is. Ahead of it, every id is at or before the clock.
const clock = new ManualClock(Date.UTC(2100, 0, 1));

/** One platform per function, as each Lambda function has containers of its own. */
function functionPlatform(env: Record<string, string> = {}): AwsPlatform {
  return createAwsPlatform({
    env: { ...baseEnv, ...env },
    overrides: {
      clients: { dynamodb: dynamo },
      identity: createLocalIdentity,
      clock,
      logger: silentLogger,
      // The test's webhook receiver listens on loopback, which AWS's 'none' refuses; users sign up
      // verified, as the wallet flow moves money right away.
      config: { webhookAllowPrivate: 'loopback', requireEmailVerification: false },
    },
  });
}

let platforms: {
  http: AwsPlatform;
  websocket: AwsPlatform;
  stream: AwsPlatform;
  deliveries: AwsPlatform;
  expireAuthorizations: AwsPlatform;
  expireHolds: AwsPlatform;
  listMerchantsDue: AwsPlatform;
  settleMerchant: AwsPlatform;
  subscriptions: Map<string, AwsPlatform>;
};

/** Invokes a handler as the function `platform` belongs to. */
function as<T>(platform: AwsPlatform, invoke: () => Promise<T>): Promise<T> {
  setAwsPlatform(platform);
  return invoke();
}

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  platforms = {
    http: functionPlatform(),
    websocket: functionPlatform(),
    stream: functionPlatform(),
    deliveries: functionPlatform({ [awsEnvironment.queue]: 'webhook-deliveries' }),
    expireAuthorizations: functionPlatform({ [awsEnvironment.job]: 'payments.expire-authorizations' }),
    expireHolds: functionPlatform({ [awsEnvironment.job]: 'ledger.expire-holds' }),
    listMerchantsDue: functionPlatform({ [awsEnvironment.workflowTask]: 'settlement/ListMerchantsDue' }),
    settleMerchant: functionPlatform({ [awsEnvironment.workflowTask]: 'settlement/SettleMerchant' }),
    subscriptions: new Map(
      ['wallet.open-on-signup', 'realtime.push', 'webhooks.fan-out'].map((name) => [
        name,
        functionPlatform({ [awsEnvironment.subscription]: name }),
      ]),
    ),
  };
});

afterAll(async () => {
  setAwsPlatform(undefined);
  sqs.restore();
  eventBridge.restore();
  management.restore();
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
});

// What the mocked edges were asked to do.
let published: PutEventsRequestEntry[] = [];
let sent: SendMessageCommandInput[] = [];
let posted: Array<{ connectionId: string; data: { type: string; data?: unknown } }> = [];

beforeEach(() => {
  published = [];
  sent = [];
  posted = [];
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    published.push(...input.Entries);
    return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
  });
  sqs.reset();
  sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
    sent.push(input);
    return { MessageId: randomUUID() };
  });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  management.reset();
  management.on(PostToConnectionCommand).callsFake((input: { ConnectionId: string; Data: Uint8Array }) => {
    posted.push({ connectionId: input.ConnectionId, data: JSON.parse(new TextDecoder().decode(input.Data)) });
    return {};
  });
});

// ---- events as AWS sends them -------------------------------------------------------------

interface Reply {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
  json: any;
}

/** A request through the HTTP API function. */
async function api(
  method: string,
  path: string,
  options: Parameters<typeof httpEvent>[2] = {},
): Promise<Reply> {
  const result = await as(platforms.http, async () =>
    http.handler(httpEvent(method, path, options), lambdaContext),
  );
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { status: result.statusCode, headers, json: text ? JSON.parse(text) : undefined };
}

function webSocketEvent(
  routeKey: '$connect' | '$disconnect' | '$default',
  connectionId: string,
  extra: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {},
) {
  const now = clock.now();
  return {
    requestContext: {
      routeKey,
      eventType:
        routeKey === '$connect'
          ? ('CONNECT' as const)
          : routeKey === '$disconnect'
            ? ('DISCONNECT' as const)
            : ('MESSAGE' as const),
      messageId: randomUUID(),
      extendedRequestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN' as const,
      stage: 'test',
      connectedAt: now,
      requestTimeEpoch: now,
      requestId: randomUUID(),
      domainName: 'ws0123.execute-api.us-east-1.amazonaws.com',
      connectionId,
      apiId: 'ws0123',
    },
    isBase64Encoded: false,
    ...(extra.query ? { queryStringParameters: extra.query } : {}),
    ...(extra.headers
      ? {
          headers: {
            Host: 'ws0123.execute-api.us-east-1.amazonaws.com',
            'Sec-WebSocket-Version': '13',
            ...extra.headers,
          },
        }
      : {}),
    ...(extra.body !== undefined ? { body: extra.body } : {}),
  };
}

function sqsRecord(queueArn: string, body: string): SQSRecord {
  const now = String(clock.now());
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** What an EventBridge rule with an SQS target puts on the queue: the whole EventBridge event. */
function eventBridgeMessage(entry: PutEventsRequestEntry): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '000000000000',
    time: (entry.Time ?? new Date(clock.now())).toISOString(),
    region,
    resources: [],
    detail: JSON.parse(entry.Detail!),
  });
}

let sequence = 1_000_000;
function streamRecord(
  image: Record<string, AttributeValue>,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: `arn:aws:dynamodb:${region}:000000000000:table/${tableName}/stream/2026-01-01T00:00:00.000`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(clock.now() / 1000),
      Keys: { pk: image.pk!, sk: image.sk! } as never,
      NewImage: image as never,
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

// ---- the stream and the queues, played ----------------------------------------------------

const seen = new Set<string>();

/** The INSERT records DynamoDB Streams would carry for every item written since the last call. */
async function newInserts(): Promise<DynamoDBRecord[]> {
  const records: DynamoDBRecord[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page: ScanCommandOutput = await dynamo.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const image of page.Items ?? []) {
      const key = `${image.pk?.S}\u0000${image.sk?.S}`;
      if (seen.has(key)) continue;
      seen.add(key);
      records.push(streamRecord(image));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

/** Runs the stream dispatcher on what was written, in batches of 100, and expects no failure. */
async function pumpStream(): Promise<void> {
  const records = await newInserts();
  for (let i = 0; i < records.length; i += 100) {
    const response = await as(platforms.stream, () =>
      streamDispatcher.handler({ Records: records.slice(i, i + 100) }),
    );
    expect(response.batchItemFailures).toEqual([]);
  }
}

/**
 * Delivers the events EventBridge received to every subscription's queue and runs the consumers.
 * Each gets every event (the rules' filtering is EventBridge's): a consumer runs its subscriber
 * only for the events its pattern matches.
 */
async function deliverPublishedEvents(): Promise<void> {
  const entries = published.splice(0);
  for (const [name, platform] of platforms.subscriptions) {
    const records = entries.map((entry) =>
      sqsRecord(
        `arn:aws:sqs:${region}:000000000000:sluice-events-${name.replaceAll('.', '-')}`,
        eventBridgeMessage(entry),
      ),
    );
    if (records.length === 0) continue;
    const response = await as(platform, () => eventConsumer.handler({ Records: records }));
    expect(response.batchItemFailures, name).toEqual([]);
  }
}

/** Runs the queue consumer on the messages SQS received. */
async function deliverQueuedMessages(): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const records = sent.splice(0).map((input) => {
    expect(input.QueueUrl).toBe(deliveryQueueUrl);
    return sqsRecord(`arn:aws:sqs:${region}:000000000000:sluice-webhook-deliveries`, input.MessageBody!);
  });
  return as(platforms.deliveries, () => queueConsumer.handler({ Records: records }));
}

/** Everything asynchronous, until it settles: stream → EventBridge → consumers → stream → SQS. */
async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    await pumpStream();
    // Messages for SQS stay in `sent`, for the test to hand to the queue consumer.
    if (published.length === 0) return;
    await deliverPublishedEvents();
  }
  throw new Error('events kept coming');
}

// ---- the flows ----------------------------------------------------------------------------

const password = 'correct horse battery staple';

async function signUpThroughLambda(name: string, email = `${name}-${randomUUID().slice(0, 8)}@example.com`) {
  const response = await api('POST', '/v1/auth/signup', { body: { email, password, name } });
  expect(response.status).toBe(201);
  return { id: response.json.user.id as string, email, token: response.json.access_token as string };
}

describe('the Lambda edge on DynamoDB Local', () => {
  let alice: Awaited<ReturnType<typeof signUpThroughLambda>>;
  let bob: Awaited<ReturnType<typeof signUpThroughLambda>>;

  it('serves the wallet flow with the same results as the local server', async () => {
    alice = await signUpThroughLambda('alice');
    bob = await signUpThroughLambda('bob');
    await settle();
    const sentMoney = await api('POST', '/v1/transfers', {
      token: alice.token,
      body: { to: bob.email, amount: 700, currency: 'USD', note: 'lunch' },
      headers: { 'Idempotency-Key': 'lunch-1' },
    });
    const replay = await api('POST', '/v1/transfers', {
      token: alice.token,
      body: { to: bob.email, amount: 700, currency: 'USD', note: 'lunch' },
      headers: { 'Idempotency-Key': 'lunch-1' },
    });
    const overdraft = await api('POST', '/v1/transfers', {
      token: bob.token,
      body: { to: alice.email, amount: 1_000_000, currency: 'USD' },
    });
    await settle();
    const lambda = {
      transfer: {
        status: sentMoney.status,
        amount: sentMoney.json.amount,
        status_field: sentMoney.json.status,
      },
      replay: {
        status: replay.status,
        replayed: replay.headers['idempotent-replayed'],
        same: replay.json.id === sentMoney.json.id,
      },
      overdraft: { status: overdraft.status, code: overdraft.json.error.code },
      alice: (await api('GET', '/v1/wallet', { token: alice.token })).json.balances,
      bob: (await api('GET', '/v1/wallet', { token: bob.token })).json.balances,
    };
    expect(sentMoney.headers['request-id']).toMatch(/^req_/);

    // The same flow through the local runtime on SQLite, its outbox dispatcher drained in between.
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-lambda-edge-'));
    const local = await createLocalPlatform({
      dataDir,
      store: 'sqlite',
      logger: silentLogger,
      clock,
      config: { requireEmailVerification: false },
    });
    try {
      const call = async (
        method: string,
        path: string,
        options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
      ) => {
        const response = await local.app.request(path, {
          method,
          headers: {
            ...options.headers,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(options.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
        return { status: response.status, headers: response.headers, json: (await response.json()) as any };
      };
      const signUpLocally = async (name: string) => {
        const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
        const response = await call('POST', '/v1/auth/signup', { body: { email, password, name } });
        return { email, token: response.json.access_token as string };
      };
      const localAlice = await signUpLocally('alice');
      const localBob = await signUpLocally('bob');
      await local.dispatcher.drain();
      const localSent = await call('POST', '/v1/transfers', {
        token: localAlice.token,
        body: { to: localBob.email, amount: 700, currency: 'USD', note: 'lunch' },
        headers: { 'Idempotency-Key': 'lunch-1' },
      });
      const localReplay = await call('POST', '/v1/transfers', {
        token: localAlice.token,
        body: { to: localBob.email, amount: 700, currency: 'USD', note: 'lunch' },
        headers: { 'Idempotency-Key': 'lunch-1' },
      });
      const localOverdraft = await call('POST', '/v1/transfers', {
        token: localBob.token,
        body: { to: localAlice.email, amount: 1_000_000, currency: 'USD' },
      });
      await local.dispatcher.drain();
      const localResults = {
        transfer: {
          status: localSent.status,
          amount: localSent.json.amount,
          status_field: localSent.json.status,
        },
        replay: {
          status: localReplay.status,
          replayed: localReplay.headers.get('idempotent-replayed') ?? undefined,
          same: localReplay.json.id === localSent.json.id,
        },
        overdraft: { status: localOverdraft.status, code: localOverdraft.json.error.code },
        alice: (await call('GET', '/v1/wallet', { token: localAlice.token })).json.balances,
        bob: (await call('GET', '/v1/wallet', { token: localBob.token })).json.balances,
      };
      expect(lambda).toEqual(localResults);
      expect(lambda.transfer.status).toBe(201);
      expect(lambda.replay).toEqual({ status: 201, replayed: 'true', same: true });
      expect(lambda.alice).toEqual([expect.objectContaining({ currency: 'USD', available: 1300 })]);
      expect(lambda.bob).toEqual([expect.objectContaining({ currency: 'USD', available: 2700 })]);
      // Both sides: the local server's SQLite books and the Lambdas' DynamoDB ones.
      await expectBooksBalanced(local.store);
      await expectBooksBalanced(platforms.http.store);
    } finally {
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("opens a WebSocket only with a valid token, answers pings and pushes the user's events", async () => {
    const refused = await as(platforms.websocket, () =>
      websocket.connect(webSocketEvent('$connect', 'conn-none=', { headers: {} })),
    );
    expect(refused.statusCode).toBe(401);
    const forged = await as(platforms.websocket, () =>
      websocket.connect(
        webSocketEvent('$connect', 'conn-bad=', { query: { token: `${alice.token}x` }, headers: {} }),
      ),
    );
    expect(forged.statusCode).toBe(401);
    expect(await platforms.websocket.store.get(connectionKey('conn-bad='))).toBeUndefined();

    const byQuery = await as(platforms.websocket, () =>
      websocket.connect(
        webSocketEvent('$connect', 'conn-alice=', { query: { token: alice.token }, headers: {} }),
      ),
    );
    expect(byQuery.statusCode).toBe(200);
    const byProtocol = await as(platforms.websocket, () =>
      websocket.connect(
        webSocketEvent('$connect', 'conn-bob=', {
          headers: { 'Sec-WebSocket-Protocol': `bearer, ${bob.token}` },
        }),
      ),
    );
    expect(byProtocol).toMatchObject({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'bearer' } });
    expect(await platforms.websocket.connections.connectionsOf(alice.id)).toEqual(['conn-alice=']);

    await as(platforms.websocket, () =>
      websocket.message(webSocketEvent('$default', 'conn-alice=', { body: '{"type":"ping"}' })),
    );
    await as(platforms.websocket, () =>
      websocket.message(webSocketEvent('$default', 'conn-alice=', { body: 'hello' })),
    );
    expect(posted).toEqual([{ connectionId: 'conn-alice=', data: { type: 'pong', data: {} } }]);
    posted = [];

    // A transfer reaches both parties' sockets through stream → EventBridge → realtime.push.
    const transfer = await api('POST', '/v1/transfers', {
      token: bob.token,
      body: { to: alice.email, amount: 100, currency: 'USD' },
    });
    expect(transfer.status).toBe(201);
    await settle();
    expect(new Set(posted.map((p) => p.connectionId))).toEqual(new Set(['conn-alice=', 'conn-bob=']));
    expect(posted.map((p) => p.data.type)).toContain('wallet.transfer.created');

    const closed = await as(platforms.websocket, () =>
      websocket.disconnect(webSocketEvent('$disconnect', 'conn-alice=')),
    );
    expect(closed.statusCode).toBe(200);
    expect(await platforms.websocket.connections.connectionsOf(alice.id)).toEqual([]);
    // The transfer moved money on the DynamoDB side: its books balance without the next test's audit.
    await expectBooksBalanced(platforms.http.store);
  });

  it('runs the payments sandbox, and its webhooks from the outbox to a signed delivery', async () => {
    const receiver = await startWebhookReceiver();
    const received = receiver.received;
    try {
      const owner = await signUpThroughLambda('owner');
      const merchant = await api('POST', '/v1/merchants', { token: owner.token, body: { name: 'Acme' } });
      expect(merchant.status).toBe(201);
      const key = await api('POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
        token: owner.token,
        body: { name: 'server' },
      });
      const secretKey: string = key.json.secret;
      expect(secretKey).toMatch(/^sk_test_/);
      const url = `${receiver.url}/hooks`;
      const endpoint = await api('POST', '/v1/webhook-endpoints', {
        token: secretKey,
        body: { url, events: ['payment.captured', 'refund.succeeded'] },
      });
      expect(endpoint.status).toBe(201);

      const card = {
        number: '4242424242424242',
        exp_month: 12,
        exp_year: new Date(clock.now()).getUTCFullYear() + 2,
        cvc: '123',
      };
      const order = { amount: 2500, currency: 'USD', card, capture: false };
      const payment = await api('POST', '/v1/payments', {
        token: secretKey,
        body: order,
        headers: { 'Idempotency-Key': 'order-1' },
        base64: true,
      });
      expect(payment.status).toBe(201);
      expect(payment.json.status).toBe('requires_capture');
      const replay = await api('POST', '/v1/payments', {
        token: secretKey,
        body: order,
        headers: { 'Idempotency-Key': 'order-1' },
      });
      expect(replay).toMatchObject({
        status: 201,
        headers: { 'idempotent-replayed': 'true' },
        json: { id: payment.json.id },
      });
      const reused = await api('POST', '/v1/payments', {
        token: secretKey,
        body: { ...order, amount: 1 },
        headers: { 'Idempotency-Key': 'order-1' },
      });
      expect(reused.status).toBe(422);
      expect(reused.json.error.code).toBe('idempotency_key_reused');
      const captured = await api('POST', `/v1/payments/${payment.json.id}/capture`, {
        token: secretKey,
        body: { amount: 2000 },
      });
      expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 2000 });
      const refund = await api('POST', '/v1/refunds', {
        token: secretKey,
        body: { payment: payment.json.id, amount: 500 },
      });
      expect(refund.status).toBe(201);
      const declined = await api('POST', '/v1/payments', {
        token: secretKey,
        body: { ...order, card: { ...card, number: '4000000000000002' } },
      });
      expect(declined.status).toBe(402);
      const held = await api('POST', '/v1/payments', { token: secretKey, body: { ...order, amount: 900 } });
      expect(held.json.status).toBe('requires_capture');

      // outbox → stream dispatcher → EventBridge → webhooks.fan-out → queued message → stream → SQS.
      await settle();
      expect(sent.length).toBe(2);
      const delivered = await deliverQueuedMessages();
      expect(delivered.batchItemFailures).toEqual([]);
      expect(received.map((r) => JSON.parse(r.body).type).sort()).toEqual([
        'payment.captured',
        'refund.succeeded',
      ]);
      for (const delivery of received)
        expect(
          verifySignature(
            delivery.body,
            delivery.signature,
            endpoint.json.secret,
            undefined,
            Math.floor(clock.now() / 1000),
          ),
        ).toBe(true);
      const events = await api('GET', '/v1/events', { token: secretKey });
      expect(events.json.data.map((e: { type: string }) => e.type)).toEqual(
        expect.arrayContaining(['payment.captured', 'refund.succeeded']),
      );

      // Eight days on: the scheduled expiry releases the uncaptured hold, then settlement runs.
      clock.advance(8 * 24 * 3600 * 1000);
      const scheduledEvent: ScheduledEvent = {
        id: randomUUID(),
        version: '0',
        account: '000000000000',
        time: new Date(clock.now()).toISOString(),
        region,
        resources: [],
        source: 'aws.scheduler',
        'detail-type': 'Scheduled Event',
        detail: {},
      };
      expect(
        await as(platforms.expireAuthorizations, () => scheduled.runJob(scheduledEvent)),
      ).toBeGreaterThanOrEqual(1);
      expect(await as(platforms.expireHolds, () => scheduled.runJob(scheduledEvent))).toBeTypeOf('number');
      const due = (await as(platforms.listMerchantsDue, () => workflowTask.handler({}))) as {
        merchants: string[];
      };
      expect(due.merchants).toContain(merchant.json.id);
      const settled = (await as(platforms.settleMerchant, () =>
        workflowTask.handler({ merchant: merchant.json.id }),
      )) as { settlements: string[] };
      expect(settled.settlements.length).toBeGreaterThanOrEqual(1);
      const again = (await as(platforms.settleMerchant, () =>
        workflowTask.handler({ merchant: merchant.json.id }),
      )) as { settlements: string[] };
      expect(again.settlements).toEqual([]);
      expect(
        (
          (await as(platforms.listMerchantsDue, () =>
            workflowTask.handler({ merchant: merchant.json.id }),
          )) as { merchants: string[] }
        ).merchants,
      ).toEqual([]);
      await settle();
    } finally {
      await receiver.close();
    }
    await expectBooksBalanced(platforms.http.store);
  });

  it('reports only the poison record of a stream batch as failed', async () => {
    await settle();
    const write = async (type: string) => {
      const event = createEvent({ type, source: 'sluice.test', subject: 'test', data: {}, now: clock.now() });
      await platforms.http.store.transact([outboxPut(event)]);
      return event;
    };
    const [first, second] = [await write('test.first'), await write('test.second')];
    // A record-only event (an endpoint's test event) is listed, never published.
    const recordOnly = createEvent({
      type: 'test.webhook',
      source: 'sluice.webhooks',
      subject: 'we_x',
      data: {},
      merchant: 'mer_x',
      now: clock.now(),
    });
    await platforms.http.store.transact([eventRecordPut(recordOnly, { pending: false })]);
    const records = await newInserts();
    expect(records).toHaveLength(3);
    const poison = streamRecord({
      ...marshall({ pk: 'EVT#evt_poison', sk: 'EVT', kind: 'event' }),
      event: { Z: 'not a DynamoDB type' } as never,
    });
    const noise = streamRecord(marshall({ pk: 'X', sk: 'Y', kind: 'other' }), 'MODIFY');
    const batch = [records[0]!, poison, noise, records[1]!, records[2]!];

    const response = await as(platforms.stream, () => streamDispatcher.handler({ Records: batch }));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.dynamodb!.SequenceNumber }]);
    expect(published.map((entry) => JSON.parse(entry.Detail!).id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    // Published with no write: each event item is as its transaction wrote it.
    for (const event of [first, second]) {
      const item = await platforms.http.store.get(eventKey(event.id));
      expect(item).toMatchObject({ gsi1pk: outboxBucket(event), expires_at: expect.any(Number) });
      expect(item).not.toHaveProperty('dispatched_at');
    }
  });

  it('fails only the event EventBridge refused, and a redelivered record publishes once more without harm', async () => {
    const event = createEvent({
      type: 'test.refused',
      source: 'sluice.test',
      subject: 'test',
      data: {},
      now: clock.now(),
    });
    const other = createEvent({
      type: 'test.accepted',
      source: 'sluice.test',
      subject: 'test',
      data: {},
      now: clock.now(),
    });
    await platforms.http.store.transact([outboxPut(event)]);
    await platforms.http.store.transact([outboxPut(other)]);
    const records = await newInserts();
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((entry) =>
        JSON.parse(entry.Detail!).id === event.id
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : { EventId: randomUUID() },
      ),
    }));
    const response = await as(platforms.stream, () => streamDispatcher.handler({ Records: records }));
    const refusedRecord = records.find((r) => r.dynamodb?.NewImage?.pk?.S === `EVT#${event.id}`)!;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: refusedRecord.dynamodb!.SequenceNumber }]);

    // Lambda retries from the failed record on; EventBridge takes it this time.
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: randomUUID() }, { EventId: randomUUID() }] });
    const retry = await as(platforms.stream, () => streamDispatcher.handler({ Records: records }));
    expect(retry.batchItemFailures).toEqual([]);
    // Neither attempt wrote anything on the events.
    for (const id of [event.id, other.id])
      expect(await platforms.http.store.get(eventKey(id))).not.toHaveProperty('dispatched_at');
  });

  it("sweeps the events an older release left in OUTBOX#PENDING, and leaves today's to the stream", async () => {
    const legacy = createEvent({
      type: 'test.legacy',
      source: 'sluice.test',
      subject: 'test',
      data: {},
      now: clock.now(),
    });
    // As older releases wrote every event: pending until marked dispatched.
    await platforms.http.store.transact([
      {
        type: 'put',
        item: {
          ...eventKey(legacy.id),
          kind: 'event',
          event: legacy,
          gsi1pk: 'OUTBOX#PENDING',
          gsi1sk: legacy.id,
        },
      },
    ]);
    const today = createEvent({
      type: 'test.today',
      source: 'sluice.test',
      subject: 'test',
      data: {},
      now: clock.now(),
    });
    await platforms.http.store.transact([outboxPut(today)]);
    clock.advance(6 * 60_000);
    const published: string[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      published.push(...input.Entries.map((entry) => JSON.parse(entry.Detail!).id as string));
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
    });

    const result = await as(platforms.stream, () => scheduled.sweepOutbox());

    expect(published).toContain(legacy.id);
    expect(published).not.toContain(today.id);
    expect(result.failed).toBe(0);
    expect(await platforms.http.store.get(eventKey(legacy.id))).toMatchObject({
      dispatched_at: expect.any(String),
      expires_at: expect.any(Number),
    });
    expect((await platforms.http.store.get(eventKey(legacy.id)))?.gsi1pk).toBeUndefined();
    expect((await platforms.http.store.get(eventKey(today.id)))?.gsi1pk).toBe(outboxBucket(today));

    // A stream batch that ran out of retries: redriven by time from its DLQ message.
    published.length = 0;
    const arrived = new Date(Date.parse(today.time) + 200).toISOString();
    const dlqMessage = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
    const redriven = await as(platforms.stream, () =>
      scheduled.redriveStreamFailures({
        Records: [
          dlqMessage(
            'batch',
            JSON.stringify({
              DDBStreamBatchInfo: {
                approximateArrivalOfFirstRecord: arrived,
                approximateArrivalOfLastRecord: arrived,
              },
            }),
          ),
          dlqMessage('garbled', 'not json'),
        ],
      }),
    );
    expect(published).toContain(today.id);
    expect(published).not.toContain(legacy.id);
    expect(redriven.batchItemFailures).toEqual([{ itemIdentifier: 'garbled' }]);
  });

  it('sweeps a queued message its stream record left unrelayed to SQS, and relays it once', async () => {
    const stuck = { id: `msg_stuck_${randomUUID()}`, body: { delivery_id: 'whd_stuck' } };
    await platforms.http.store.transact([platforms.http.queue.sendOperation('webhook-deliveries', stuck)]);
    clock.advance(6 * 60_000);

    const first = await as(platforms.stream, () => scheduled.sweepOutbox());
    const relayed = sent.filter((input) => JSON.parse(input.MessageBody!).id === stuck.id);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.QueueUrl).toBe(deliveryQueueUrl);
    expect(first.failed).toBe(0);
    const item = await platforms.http.store.get(queuedMessageKey('webhook-deliveries', stuck.id));
    expect(item?.gsi1pk).toBeUndefined();
    expect(item?.relayed_at).toEqual(expect.any(String));

    // Marked relayed: the next sweep leaves it alone.
    await as(platforms.stream, () => scheduled.sweepOutbox());
    expect(sent.filter((input) => JSON.parse(input.MessageBody!).id === stuck.id)).toHaveLength(1);
  });

  it('reports an unreadable event message alone and runs a subscriber once per event id in a batch', async () => {
    const fanOut = platforms.subscriptions.get('webhooks.fan-out')!;
    // An endpoint of the event's merchant, written as its routes would: the fan-out has somewhere to send.
    const endpointId = `we_${randomUUID()}`;
    await fanOut.store.transact([
      {
        type: 'put',
        item: {
          pk: `WHEP#${endpointId}`,
          sk: 'WHEP',
          gsi1pk: 'MER#mer_once#WHEPS',
          gsi1sk: endpointId,
          kind: 'webhook_endpoint',
          id: endpointId,
          merchant: 'mer_once',
          url: 'https://hooks.example.com/x',
          events: ['payment.captured'],
          description: null,
          status: 'enabled',
          secrets: [],
          secret_version: 1,
          created_at: new Date(clock.now()).toISOString(),
        },
      },
      { type: 'put', item: { pk: 'MER#mer_once#WHEPS', sk: 'COUNT', count: 1 } },
    ]);
    const event = createEvent({
      type: 'payment.captured',
      source: 'sluice.payments',
      subject: 'pay_x',
      data: {},
      merchant: 'mer_once',
      now: clock.now(),
    });
    const entry: PutEventsRequestEntry = {
      Source: event.source,
      DetailType: event.type,
      Detail: JSON.stringify(event),
    };
    const queueArn = `arn:aws:sqs:${region}:000000000000:sluice-events-webhooks-fan-out`;
    const good = [
      sqsRecord(queueArn, eventBridgeMessage(entry)),
      sqsRecord(queueArn, eventBridgeMessage(entry)),
    ];
    const bad = sqsRecord(queueArn, '{"detail":{"id":"evt_x"}}');
    const response = await as(fanOut, () => eventConsumer.handler({ Records: [good[0]!, bad, good[1]!] }));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    // The fan-out's dedupe marker commits with the deliveries: one delivery for the two copies of the event.
    expect(await fanOut.store.get({ pk: `WHFAN#${event.id}`, sk: 'WHFAN' })).toMatchObject({
      kind: 'webhook_fan_out',
      event_id: event.id,
    });
    const deliveries = await fanOut.store.query({ index: 'gsi1', partition: `WHEVT#${event.id}#DELIVERIES` });
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]).toMatchObject({
      kind: 'webhook_delivery',
      endpoint_id: endpointId,
      merchant: 'mer_once',
    });
  });

  it("answers over the HTTP edge with the app's errors and Request-Id", async () => {
    const missing = await api('GET', '/v1/wallet');
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({
      code: expect.any(String),
      request_id: expect.stringMatching(/^req_/),
    });
    const carol = await signUpThroughLambda('carol');
    const notFound = await api('GET', '/v1/nothing-here?x=1', { token: carol.token });
    expect(notFound.status).toBe(404);
    const health = await api('GET', '/health');
    expect(health).toMatchObject({ status: 200, json: { status: 'ok' } });
    await expectBooksBalanced(platforms.http.store);
  });
});

describe('createAwsPlatform', () => {
  it("builds from the environment alone, offline, with the local runtime's subscriptions", () => {
    const platform = createAwsPlatform({
      env: {
        ...baseEnv,
        [awsEnvironment.userPoolId]: 'us-east-1_Test0123',
        [awsEnvironment.userPoolClientId]: 'testclient',
        [awsEnvironment.subscription]: 'realtime.push',
      },
    });
    // Every module's subscription, as the local runtime runs them (realtime's and webhooks' among them).
    const names = subscriptionsOf(modules).map((subscription) => subscription.name);
    expect(names).toEqual(
      expect.arrayContaining(['realtime.push', 'webhooks.fan-out', 'wallet.open-on-signup']),
    );
    expect([...platform.subscriptions].sort()).toEqual(names.sort());
    expect(platform.subscription).toBe('realtime.push');
    expect(platform.queueName).toBeUndefined();
    expect(platform.config).toMatchObject({
      webhookAllowPrivate: 'none',
      webhookDeliveryHoldMs: null,
      adminEmails: ['root@example.com'],
    });
  });

  it('names the missing environment variable', () => {
    const { [awsEnvironment.tableName]: _table, ...withoutTable } = baseEnv;
    expect(() => createAwsPlatform({ env: withoutTable })).toThrow(awsEnvironment.tableName);
    expect(() =>
      createAwsPlatform({ env: { ...baseEnv, [awsEnvironment.queueUrls]: '["not an object"]' } }),
    ).toThrow(awsEnvironment.queueUrls);
  });
});
