import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, inject } from 'vitest';
import { isoTime, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { contractQueues, runQueueContract, type ContractQueue } from '../../platform/queue-contract.ts';
import { defaultConsumeOptions, type ConsumeOptions, type Queue } from '../../platform/queue.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { sqsLocalClientConfig, startSqsLocal, type SqsLocal } from '../../../../test/sqs-local.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';
import { queuedPendingPartition, SqsQueue } from './sqs-queue.ts';

// Nothing is mocked. SQS is fauxqs (an SQS emulator on npm, in-memory, pure Node), started for
// this file by test/sqs-local.ts; the table is DynamoDB Local (test/global-setup.ts), a fresh
// table per test. This file plays the parts AWS plays around the adapter, as the CDK app
// configures them:
// - each consumer's options become its queue's attributes (VisibilityTimeout, and a redrive
//   policy to a dead-letter queue with maxReceiveCount = maxReceives);
// - `deliver` is the Lambda event source with ReportBatchItemFailures: it receives up to
//   batchSize messages, calls `handleSqsRecords` and deletes every message not reported failed;
// - DynamoDB Local has no streams, so `deliver` first relays queued-message items still pending
//   in the table, then marks them relayed, as the stream dispatcher does.
// Time is real here: the suite's delays are short whole seconds, and the contract checks that a
// message is still held back only when its delivery ended before the hold ran out by this clock.
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
let sqsLocal: SqsLocal;
let sqs: SQSClient;

beforeAll(async () => {
  sqsLocal = await startSqsLocal();
  sqs = new SQSClient({ ...sqsLocalClientConfig, endpoint: sqsLocal.endpoint });
});
afterAll(async () => {
  sqs?.destroy();
  dynamo.destroy();
  await sqsLocal?.stop();
});

/** SQS's visibility and delay clocks tick in whole seconds; this much more covers the request times. */
const realTimeMarginMs = 250;
const maxDeliverRounds = 100;

interface SqsPair {
  url: string;
  deadLetterUrl: string;
  deadLetterArn: string;
}

async function createQueuePair(name: string): Promise<SqsPair> {
  const deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
  );
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, deadLetterUrl, deadLetterArn: attributes.Attributes!.QueueArn! };
}

runQueueContract('SqsQueue (fauxqs, table on DynamoDB Local)', async () => {
  const run = randomUUID().slice(0, 8);
  const tableName = `sluice-sqs-contract-${run}`;
  await createTableIfMissing(dynamo, tableName);
  const store = new DynamoStore({ client: dynamo, tableName });
  const pairs = Object.fromEntries(
    await Promise.all(
      contractQueues.map(async (name) => [name, await createQueuePair(`${name}-${run}`)] as const),
    ),
  ) as Record<ContractQueue, SqsPair>;
  const sqsQueue = new SqsQueue({
    client: sqs,
    queueUrls: Object.fromEntries(contractQueues.map((name) => [name, pairs[name].url])),
    clock: systemClock,
    logger: silentLogger,
  });

  const consumers = new Map<ContractQueue, { batchSize: number; configured: Promise<unknown> }>();
  const queue: Queue = {
    send: (name, message) => sqsQueue.send(name, message),
    consume(name, handler, options: ConsumeOptions = {}) {
      sqsQueue.consume(name, handler, options);
      const pair = pairs[name as ContractQueue];
      const configured = sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: pair.url,
          Attributes: {
            VisibilityTimeout: String(
              options.visibilityTimeoutSeconds ?? defaultConsumeOptions.visibilityTimeoutSeconds,
            ),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: pair.deadLetterArn,
              maxReceiveCount: options.maxReceives ?? defaultConsumeOptions.maxReceives,
            }),
          },
        }),
      );
      consumers.set(name as ContractQueue, {
        batchSize: Math.min(10, options.batchSize ?? defaultConsumeOptions.batchSize),
        configured,
      });
    },
    listDeadLetters: (name, options) => sqsQueue.listDeadLetters(name, options),
    readDeadLetter: (name, id) => sqsQueue.readDeadLetter(name, id),
    redriveDeadLetter: (name, id) => sqsQueue.redriveDeadLetter(name, id),
    redriveDeadLetters: (name, options) => sqsQueue.redriveDeadLetters(name, options),
  };

  const receive = async (url: string, maxMessages: number, visibilityTimeout?: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: maxMessages,
          MessageSystemAttributeNames: ['All'],
          ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
        }),
      )
    ).Messages ?? [];

  /** What the DynamoDB stream would have handed the dispatcher: queued messages not yet relayed. */
  async function relayPending(): Promise<void> {
    const pending = await store.query({ index: 'gsi1', partition: queuedPendingPartition });
    for (const item of pending.items) {
      await sqsQueue.relay(item);
      await store.transact([
        {
          type: 'update',
          key: { pk: item.pk, sk: item.sk },
          set: { relayed_at: isoTime(Date.now()) },
          remove: ['gsi1pk', 'gsi1sk'],
        },
      ]);
    }
  }

  return {
    queue,
    transactional: { queue: sqsQueue, store },
    now: () => systemClock.now(),
    async deliver() {
      await relayPending();
      await Promise.all([...consumers.values()].map((consumer) => consumer.configured));
      for (let round = 0; round < maxDeliverRounds; round++) {
        let received = 0;
        for (const [name, consumer] of consumers) {
          const messages = await receive(pairs[name].url, consumer.batchSize);
          if (messages.length === 0) continue;
          received += messages.length;
          const { batchItemFailures } = await sqsQueue.handleSqsRecords(
            name,
            messages.map((message) => toRecord(message, name)),
          );
          const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
          const done = messages.filter((message) => !failed.has(message.MessageId!));
          if (done.length > 0) {
            await sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: pairs[name].url,
                Entries: done.map((message, index) => ({
                  Id: String(index),
                  ReceiptHandle: message.ReceiptHandle!,
                })),
              }),
            );
          }
        }
        if (received === 0) return;
      }
      throw new Error(`messages still due after ${maxDeliverRounds} rounds`);
    },
    wait: (seconds) => sleep(seconds * 1000 + realTimeMarginMs),
    async abandon(name) {
      await consumers.get(name)?.configured;
      await receive(pairs[name].url, 10);
    },
    async deadLetters(name) {
      const messages = await receive(pairs[name].deadLetterUrl, 10, 0);
      return messages.map((message) => (JSON.parse(message.Body!) as { id: string }).id).toSorted();
    },
    cleanup: async () => void (await dynamo.send(new DeleteTableCommand({ TableName: tableName }))),
  };
});

/** A received message as the Lambda event source hands it over. */
function toRecord(message: Message, queue: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '0',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  };
}
