import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { perMessage, type ReceivedMessage } from '../../platform/queue.ts';
import { TransactionCanceledError } from '../../platform/store.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';
import { isQueuedMessageItem, queuedMessageKey, SqsQueue } from './sqs-queue.ts';

// SQS is a mocked cloud edge (aws-sdk-client-mock): nothing here runs SQS. The table side is real:
// DynamoDB Local, started by test/global-setup.ts, with a table of this file's own.
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-sqs-queue-${randomUUID()}`;
const store = new DynamoStore({ client: dynamo, tableName });
const sqs = mockClient(SQSClient);
const queueUrls = {
  'webhook-deliveries': 'https://sqs.us-east-1.amazonaws.com/123456789012/webhook-deliveries',
};
const deliveriesUrl = queueUrls['webhook-deliveries'];

beforeAll(() => createTableIfMissing(dynamo, tableName));
afterAll(async () => {
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
  sqs.restore();
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

function aQueue(clock = new ManualClock()) {
  return {
    queue: new SqsQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrls,
      clock,
      logger: silentLogger,
    }),
    clock,
  };
}

function aRecord(overrides: Partial<SQSRecord> & { wire?: unknown } = {}): SQSRecord {
  const { wire, ...rest } = overrides;
  const messageId = rest.messageId ?? randomUUID();
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify(wire ?? { id: `msg_${messageId}`, body: { n: 1 }, sent_at: Date.UTC(2026, 0, 1) }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhook-deliveries',
    awsRegion: 'us-east-1',
    ...rest,
  };
}

const sentInputs = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
const visibilityInputs = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);

describe('SqsQueue producer side (table on DynamoDB Local, SQS mocked)', () => {
  it('commits a message with the producer transaction and relays it to SQS from the stored item', async () => {
    const { queue, clock } = aQueue();
    const id = `del_${randomUUID()}`;
    await store.transact([
      { type: 'put', item: { pk: `DELIVERY#${id}`, sk: 'D', status: 'pending' } },
      queue.sendOperation('webhook-deliveries', { id, body: { delivery_id: id } }),
    ]);

    const item = await store.get(queuedMessageKey('webhook-deliveries', id));
    expect(item).toBeDefined();
    expect(isQueuedMessageItem(item!)).toBe(true);
    expect(item).toMatchObject({
      kind: 'queued-message',
      queue: 'webhook-deliveries',
      written_at: clock.now(),
    });
    expect(item!.expires_at).toBe(clock.now() / 1000 + 7 * 24 * 3600);

    clock.advance(2_000);
    await queue.relay(item!);
    expect(sentInputs()).toEqual([
      {
        QueueUrl: deliveriesUrl,
        MessageBody: JSON.stringify({ id, body: { delivery_id: id }, sent_at: clock.now() - 2_000 }),
      },
    ]);
  });

  it('refuses a message id that is already queued, and the producer transaction with it', async () => {
    const { queue } = aQueue();
    const id = `del_${randomUUID()}`;
    await store.transact([queue.sendOperation('webhook-deliveries', { id, body: { first: true } })]);
    const error = await store
      .transact([
        { type: 'put', item: { pk: `OTHER#${id}`, sk: 'X' } },
        queue.sendOperation('webhook-deliveries', { id, body: { first: false } }),
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect((error as TransactionCanceledError).reasonAt(1)).toBeDefined();
    expect(await store.get({ pk: `OTHER#${id}`, sk: 'X' })).toBeUndefined();
    expect((await store.get(queuedMessageKey('webhook-deliveries', id)))?.message).toEqual({
      id,
      body: { first: true },
    });
  });

  it('relays only the part of a delay still outstanding', async () => {
    const { queue, clock } = aQueue();
    const id = `del_${randomUUID()}`;
    await store.transact([queue.sendOperation('webhook-deliveries', { id, body: {}, delaySeconds: 300 })]);
    const item = (await store.get(queuedMessageKey('webhook-deliveries', id)))!;

    clock.advance(100_500);
    await queue.relay(item);
    clock.advance(500_000);
    await queue.relay(item);
    const [early, late] = sentInputs();
    expect(early?.DelaySeconds).toBe(200);
    expect(late?.DelaySeconds).toBeUndefined();
  });

  it('caps a relayed delay at SQS’s 900 seconds', async () => {
    const { queue } = aQueue();
    const id = `del_${randomUUID()}`;
    await store.transact([queue.sendOperation('webhook-deliveries', { id, body: {}, delaySeconds: 3600 })]);
    await queue.relay((await store.get(queuedMessageKey('webhook-deliveries', id)))!);
    expect(sentInputs()[0]?.DelaySeconds).toBe(900);
  });

  it('refuses to relay an item that is not a queued message', async () => {
    const { queue } = aQueue();
    await expect(queue.relay({ pk: 'EVT#1', sk: 'EVT', kind: 'event' })).rejects.toThrow(
      /not a queued message/,
    );
    expect(sentInputs()).toEqual([]);
  });

  it('sends directly with the delay capped at 900 seconds', async () => {
    const { queue, clock } = aQueue();
    await queue.send('webhook-deliveries', { id: 'm1', body: { a: 1 }, delaySeconds: 5_000 });
    await queue.send('webhook-deliveries', { id: 'm2', body: { a: 2 } });
    expect(sentInputs()).toEqual([
      {
        QueueUrl: deliveriesUrl,
        MessageBody: JSON.stringify({ id: 'm1', body: { a: 1 }, sent_at: clock.now() }),
        DelaySeconds: 900,
      },
      {
        QueueUrl: deliveriesUrl,
        MessageBody: JSON.stringify({ id: 'm2', body: { a: 2 }, sent_at: clock.now() }),
      },
    ]);
  });

  it('refuses a queue it has no URL for, on send and on sendOperation', async () => {
    const { queue } = aQueue();
    await expect(queue.send('emails', { id: 'm1', body: {} })).rejects.toThrow(/unknown queue "emails"/);
    expect(() => queue.sendOperation('emails', { id: 'm1', body: {} })).toThrow(/unknown queue "emails"/);
    expect(() => queue.sendOperation('toString', { id: 'm1', body: {} })).toThrow(/unknown queue/);
    expect(sentInputs()).toEqual([]);
  });
});

describe('SqsQueue.handleSqsRecords (Lambda side; SQS mocked)', () => {
  it('hands the handler messages built from the records and acknowledges a fully successful batch', async () => {
    const { queue } = aQueue();
    const seen: ReceivedMessage[] = [];
    queue.consume('webhook-deliveries', async (messages) => {
      seen.push(...messages);
      return { failures: [] };
    });
    const record = aRecord({ wire: { id: 'del_1', body: { delivery_id: 'del_1' }, sent_at: 1234 } });
    record.attributes.ApproximateReceiveCount = '3';

    const response = await queue.handleSqsRecords('webhook-deliveries', [record]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      {
        id: 'del_1',
        queue: 'webhook-deliveries',
        body: { delivery_id: 'del_1' },
        receiveCount: 3,
        sentAt: 1234,
      },
    ]);
    expect(visibilityInputs()).toEqual([]);
  });

  it('reports partial failures by SQS message id and delays those that ask for it', async () => {
    const { queue } = aQueue();
    queue.consume(
      'webhook-deliveries',
      perMessage(async (message) => {
        if (message.id === 'later') return { retryAfterSeconds: 120 };
        if (message.id === 'much-later') return { retryAfterSeconds: 100_000 };
        if (message.id === 'broken') throw new Error('boom');
      }),
    );
    const records = ['ok', 'later', 'much-later', 'broken'].map((id) =>
      aRecord({ messageId: `sqs-${id}`, wire: { id, body: {}, sent_at: 1 } }),
    );

    const response = await queue.handleSqsRecords('webhook-deliveries', records);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'sqs-later' },
      { itemIdentifier: 'sqs-much-later' },
      { itemIdentifier: 'sqs-broken' },
    ]);
    expect(visibilityInputs()).toEqual(
      expect.arrayContaining([
        { QueueUrl: deliveriesUrl, ReceiptHandle: 'receipt-sqs-later', VisibilityTimeout: 120 },
        { QueueUrl: deliveriesUrl, ReceiptHandle: 'receipt-sqs-much-later', VisibilityTimeout: 43_200 },
      ]),
    );
    // "broken" named no delay and the consumer has no default: the queue's visibility timeout applies.
    expect(visibilityInputs()).toHaveLength(2);
  });

  it('uses the consumer’s default retry delay for a failure that names none', async () => {
    const { queue } = aQueue();
    queue.consume(
      'webhook-deliveries',
      async (messages) => ({ failures: messages.map((m) => ({ id: m.id })) }),
      {
        retryAfterSeconds: (receiveCount) => receiveCount * 10,
      },
    );
    const record = aRecord({ messageId: 'sqs-a' });
    record.attributes.ApproximateReceiveCount = '4';
    await queue.handleSqsRecords('webhook-deliveries', [record]);
    expect(visibilityInputs()).toEqual([
      { QueueUrl: deliveriesUrl, ReceiptHandle: 'receipt-sqs-a', VisibilityTimeout: 40 },
    ]);
  });

  it('fails the whole batch when the handler throws', async () => {
    const { queue } = aQueue();
    queue.consume('webhook-deliveries', async () => {
      throw new Error('database down');
    });
    const records = [
      aRecord({ messageId: 'a' }),
      aRecord({ messageId: 'b' }),
      aRecord({ messageId: 'c', body: 'not json' }),
    ];
    const response = await queue.handleSqsRecords('webhook-deliveries', records);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'a' },
      { itemIdentifier: 'b' },
      { itemIdentifier: 'c' },
    ]);
  });

  it('reports malformed bodies as failures and still handles the rest of the batch', async () => {
    const { queue } = aQueue();
    const handled: string[] = [];
    queue.consume(
      'webhook-deliveries',
      perMessage(async (message) => void handled.push(message.id)),
    );
    const records = [
      aRecord({ messageId: 'not-json', body: '{oops' }),
      aRecord({ messageId: 'no-id', wire: { body: {}, sent_at: 1 } }),
      aRecord({ messageId: 'no-time', wire: { id: 'x', body: {} } }),
      aRecord({ messageId: 'null', body: 'null' }),
      aRecord({ messageId: 'good', wire: { id: 'good-1', body: {}, sent_at: 1 } }),
    ];
    const response = await queue.handleSqsRecords('webhook-deliveries', records);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'not-json' },
      { itemIdentifier: 'no-id' },
      { itemIdentifier: 'no-time' },
      { itemIdentifier: 'null' },
    ]);
    expect(handled).toEqual(['good-1']);
  });

  it('still reports the failure when delaying its retry fails', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('ReceiptHandleIsInvalid'));
    const { queue } = aQueue();
    queue.consume(
      'webhook-deliveries',
      perMessage(async () => ({ retryAfterSeconds: 30 })),
    );
    const response = await queue.handleSqsRecords('webhook-deliveries', [aRecord({ messageId: 'x' })]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
  });

  it('accepts one consumer per queue and refuses a batch for a queue without one', async () => {
    const { queue } = aQueue();
    await expect(queue.handleSqsRecords('webhook-deliveries', [aRecord()])).rejects.toThrow(/no consumer/);
    queue.consume('webhook-deliveries', async () => ({ failures: [] }));
    expect(() => queue.consume('webhook-deliveries', async () => ({ failures: [] }))).toThrow(
      /already has a consumer/,
    );
  });
});
