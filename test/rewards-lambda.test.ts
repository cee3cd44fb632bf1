import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { getAccount } from '../server/src/ledger/index.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { createTableIfMissing } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { awsEnvironment } from '../server/src/runtime/aws/functions.ts';
import * as queueConsumer from '../server/src/runtime/aws/handlers/queue-consumer.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from '../server/src/runtime/aws/platform.ts';
import { coinAccountId } from '../server/src/rewards/awards.ts';
import { awardQueueName } from '../server/src/rewards/index.ts';
import { queryDeads, readDay } from '../server/src/rewards/store.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';
import { expectBooksBalanced } from './invariants.ts';

// The award consumer as the Lambda function runs it (handlers/queue-consumer.ts with SLUICE_QUEUE
// set to the award queue), on the DynamoDB store against DynamoDB Local (test/global-setup.ts).
// SQS is a mocked cloud edge (aws-sdk-client-mock): its records are built here as the event
// source mapping would hand them over, and its ChangeMessageVisibility calls are captured.

const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-rewards-lambda-${randomUUID()}`;
const queueUrl = `https://sqs.${region}.amazonaws.com/000000000000/sluice-test-rewards-awards`;
const sqs = mockClient(SQSClient);
const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
let isLikeServiceDown = false;
let platform: AwsPlatform;

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  platform = createAwsPlatform({
    env: {
      AWS_REGION: region,
      [awsEnvironment.stage]: 'test',
      [awsEnvironment.tableName]: tableName,
      [awsEnvironment.eventBusName]: 'sluice-test',
      [awsEnvironment.queueUrls]: JSON.stringify({ [awardQueueName]: queueUrl }),
      [awsEnvironment.queue]: awardQueueName,
      [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
      [awsEnvironment.adminEmails]: 'root@example.com',
    },
    overrides: {
      clients: { dynamodb: dynamo },
      identity: createLocalIdentity,
      clock,
      logger: silentLogger,
      testHooks: {
        rewards: {
          beforeAward: (award: { source: string }) => {
            if (isLikeServiceDown && award.source.startsWith('post_down'))
              throw new Error('downstream failure');
          },
        },
      },
    },
  });
  setAwsPlatform(platform);
}, 120_000);
afterAll(async () => {
  setAwsPlatform(undefined);
  sqs.restore();
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

let sqsSequence = 0;
/** One SQS record of the award queue, with the wire body `SqsQueue` sends and its receive count. */
function awardRecord(id: string, body: unknown, receiveCount = 1): SQSRecord {
  sqsSequence += 1;
  const messageId = `sqs-${sqsSequence}`;
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify({ id, body, sent_at: clock.now() }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(clock.now()),
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: String(clock.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${region}:000000000000:sluice-test-rewards-awards`,
    awsRegion: region,
  };
}

const like = (post: string, liker: string, author: string) => ({
  rule: 'like',
  source: `${post}:${liker}`,
  user: author,
  occurred_at: clock.now(),
});

async function coins(userId: string): Promise<number> {
  const account = await getAccount(platform.moduleDeps, coinAccountId(userId));
  return account ? account.credits_posted - account.debits_posted : 0;
}

describe('the award consumer Lambda on DynamoDB', () => {
  it('reports only the failing award of a batch, pays redelivered ones once and parks a poison body', {
    timeout: 60_000,
  }, async () => {
    isLikeServiceDown = true;
    const author = `usr_author_${randomUUID().slice(0, 8)}`;
    const batch = [
      awardRecord('msg_1', like('post_a', 'usr_1', author)),
      awardRecord('msg_2', like('post_a', 'usr_2', author)),
      // SQS delivered msg_1 twice (at-least-once), in the same batch.
      awardRecord('msg_1', like('post_a', 'usr_1', author), 2),
      awardRecord('msg_3', like('post_down', 'usr_3', author)),
      awardRecord('msg_4', { not: 'an award' }),
    ];
    const response = await queueConsumer.handler({ Records: batch });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch[3]!.messageId }]);
    // The failed record is retried after the consumer's backoff, not SQS's whole visibility timeout.
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input.VisibilityTimeout),
    ).toEqual([2]);
    expect(await coins(author)).toBe(4);

    // SQS redelivers everything once more (a consumer crash before the delete): nothing pays twice,
    // and the downstream fault is over.
    isLikeServiceDown = false;
    const again = await queueConsumer.handler({
      Records: batch.map((record, i) =>
        awardRecord(JSON.parse(record.body).id, JSON.parse(record.body).body, 2 + (i === 2 ? 1 : 0)),
      ),
    });
    expect(again.batchItemFailures).toEqual([]);
    expect(await coins(author)).toBe(6);
    const deads = await queryDeads(platform.store, { limit: 10 });
    expect(deads.deads.map((dead) => dead.id)).toEqual(['msg_4']);
    await expectBooksBalanced(platform.store);
  });

  it('holds the daily cap on DynamoDB when 260 likes arrive in concurrent batches', {
    timeout: 120_000,
  }, async () => {
    const author = `usr_popular_${randomUUID().slice(0, 8)}`;
    const records = Array.from({ length: 260 }, (_, i) =>
      awardRecord(`msg_cap_${author}_${i}`, like('post_cap', `usr_${i}`, author)),
    );
    // Batches of 10 as the event source mapping hands them, two functions' worth at a time.
    let pending = records;
    for (let round = 0; pending.length > 0 && round < 10; round++) {
      const batches = [];
      for (let i = 0; i < pending.length; i += 10) batches.push(pending.slice(i, i + 10));
      const failed: SQSRecord[] = [];
      for (let i = 0; i < batches.length; i += 2) {
        const responses = await Promise.all(
          batches.slice(i, i + 2).map((b) => queueConsumer.handler({ Records: b })),
        );
        const ids = new Set(responses.flatMap((r) => r.batchItemFailures.map((f) => f.itemIdentifier)));
        failed.push(
          ...batches
            .slice(i, i + 2)
            .flat()
            .filter((record) => ids.has(record.messageId)),
        );
      }
      pending = failed;
    }
    expect(pending).toEqual([]);
    expect(await coins(author)).toBe(500);
    expect((await readDay(platform.store, author, '2026-01-15')).earned).toBe(500);
    await expectBooksBalanced(platform.store);
  });
});
