import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type BatchWriteItemCommandOutput,
  type ScanCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import {
  isTransactionCanceled,
  TransactionCanceledError,
  type WriteOperation,
} from '../../platform/store.ts';
import { runStoreContract } from '../../platform/store-contract.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import {
  backoffDelayMs,
  createTableIfMissing,
  DynamoStore,
  isRetryableTransactionError,
} from './dynamo-store.ts';

// DynamoDB Local is started once per run by test/global-setup.ts.
const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });

// One fresh table for this suite, emptied after every test: creating a table per test costs
// ~200 ms on DynamoDB Local, emptying a few dozen items a few milliseconds.
let table: Promise<string> | undefined;

afterAll(async () => {
  if (table) await client.send(new DeleteTableCommand({ TableName: await table }));
  client.destroy();
});

runStoreContract('DynamoStore (DynamoDB Local)', async () => {
  table ??= (async () => {
    const tableName = `sluice-test-${randomUUID()}`;
    await createTableIfMissing(client, tableName);
    return tableName;
  })();
  const tableName = await table;
  return { store: new DynamoStore({ client, tableName }), cleanup: () => emptyTable(tableName) };
});

async function emptyTable(tableName: string): Promise<void> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page: ScanCommandOutput = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    const deletes: WriteRequest[] = (page.Items ?? []).map((key) => ({ DeleteRequest: { Key: key } }));
    for (let i = 0; i < deletes.length; i += 25) {
      let batch: WriteRequest[] | undefined = deletes.slice(i, i + 25);
      while (batch && batch.length > 0) {
        const output: BatchWriteItemCommandOutput = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }),
        );
        batch = output.UnprocessedItems?.[tableName];
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

describe('DynamoStore retries', () => {
  // DynamoDB Local serializes transactions and never reports TransactionConflict, so these tests
  // script the client's answers.
  const canceled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) =>
        Code === 'ConditionalCheckFailed'
          ? { Code, Item: { pk: { S: 'A' }, sk: { S: 'A' }, n: { N: '1' } } }
          : { Code },
      ),
    });
  const scriptedStore = (answers: Array<Error | undefined>) => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        sent.push(command);
        const answer = answers.shift();
        if (answer) throw answer;
        return {};
      },
    } as unknown as DynamoDBClient;
    return { store: new DynamoStore({ client, tableName: 'scripted', conflictRetries: 3 }), sent };
  };
  const operations: WriteOperation[] = [
    { type: 'update', key: { pk: 'A', sk: 'A' }, add: { n: -1 }, condition: { compare: ['n', '>=', 1] } },
    { type: 'put', item: { pk: 'B', sk: 'B' } },
  ];

  it('retries a transaction refused for a TransactionConflict until it commits', async () => {
    const { store, sent } = scriptedStore([
      canceled('TransactionConflict', 'None'),
      canceled('None', 'TransactionConflict'),
      undefined,
    ]);
    await store.transact(operations);
    expect(sent).toHaveLength(3);
    expect(sent.every((command) => command instanceof TransactWriteItemsCommand)).toBe(true);
  });

  it('never retries a failed condition, even next to a conflict', async () => {
    const { store, sent } = scriptedStore([
      canceled('ConditionalCheckFailed', 'TransactionConflict'),
      undefined,
    ]);
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect((error as TransactionCanceledError).reasons).toEqual([
      { index: 0, code: 'ConditionalCheckFailed', item: { pk: 'A', sk: 'A', n: 1 } },
    ]);
    expect(sent).toHaveLength(1);
  });

  it('gives up after its retries when the conflict persists, as service_unavailable', async () => {
    const { store, sent } = scriptedStore(
      Array.from({ length: 10 }, () => canceled('TransactionConflict', 'None')),
    );
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('service_unavailable');
    expect((error as Error).cause).toBeInstanceOf(TransactionCanceledException);
    expect(sent).toHaveLength(4);
  });

  it('retries a transaction refused for throttling', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { store, sent } = scriptedStore([throttled, canceled('ThrottlingError', 'None'), undefined]);
    await store.transact(operations);
    expect(sent).toHaveLength(3);
  });

  it('passes any other failure on at once', async () => {
    const { store, sent } = scriptedStore([new Error('socket hang up'), undefined]);
    await expect(store.transact(operations)).rejects.toThrow('socket hang up');
    expect(sent).toHaveLength(1);
  });
});

describe('the transaction retry decision', () => {
  const canceled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });
  const named = (name: string) => Object.assign(new Error(name), { name });

  it.each([
    ['a conflict', canceled('TransactionConflict', 'None'), true],
    ['a throttled item', canceled('None', 'ThrottlingError'), true],
    ['a throttled request', named('ProvisionedThroughputExceededException'), true],
    ['a throttled account', named('ThrottlingException'), true],
    ['the account request limit', named('RequestLimitExceeded'), true],
    ['a failed condition', canceled('ConditionalCheckFailed'), false],
    [
      'a failed condition beside a conflict',
      canceled('TransactionConflict', 'ConditionalCheckFailed'),
      false,
    ],
    ['a failed condition beside throttling', canceled('ThrottlingError', 'ConditionalCheckFailed'), false],
    ['an invalid item', canceled('ValidationError'), false],
    ['a validation exception', named('ValidationException'), false],
    ['a cancellation with no reasons', canceled(), false],
    ['a network error', new Error('ECONNRESET'), false],
    ['a non-error', 'boom', false],
  ])('retries %s: %s', (_, error, expected) => {
    expect(isRetryableTransactionError(error)).toBe(expected);
  });

  it('waits a uniformly random time below a cap that doubles per attempt, never above 1 s', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelayMs(attempt, () => 0.999999))).toEqual(
      [25, 50, 100, 200].map((cap) => expect.closeTo(cap, 0)),
    );
    expect(backoffDelayMs(10, () => 0.5)).toBe(500);
    expect(backoffDelayMs(3, () => 0)).toBe(0);
  });
});

describe('DynamoStore under contention (DynamoDB Local)', () => {
  const tableName = `sluice-contention-${randomUUID()}`;
  beforeAll(() => createTableIfMissing(client, tableName));
  afterAll(() => client.send(new DeleteTableCommand({ TableName: tableName })));

  it('counts the write units DynamoDB reports for committed writes, and none for a refused one', async () => {
    const store = new DynamoStore({ client, tableName });
    const id = randomUUID();
    // A lone write of ~1.5 KB, no index keys: a PutItem, 1 unit per KB begun.
    await store.transact([{ type: 'put', item: { pk: `UNITS#${id}`, sk: 'A', blob: 'x'.repeat(1500) } }]);
    expect(store.consumedWriteUnits).toBe(2);
    // In a transaction each item costs twice; an update is billed by the larger of the item before
    // and after it (1.5 KB: 2 units, so 4), the small new item 2.
    await store.transact([
      { type: 'put', item: { pk: `UNITS#${id}`, sk: 'B' } },
      { type: 'update', key: { pk: `UNITS#${id}`, sk: 'A' }, set: { blob: 'y' } },
    ]);
    expect(store.consumedWriteUnits).toBe(8);
    // A lone put with index keys: 1 unit for the item, 1 for its index entry.
    await store.transact([{ type: 'put', item: { pk: `UNITS#${id}`, sk: 'C', gsi1pk: 'P', gsi1sk: 'S' } }]);
    expect(store.consumedWriteUnits).toBe(10);
    const refused = store.transact([
      { type: 'put', item: { pk: `UNITS#${id}`, sk: 'B' }, condition: { attributeNotExists: 'pk' } },
    ]);
    await expect(refused).rejects.toBeInstanceOf(TransactionCanceledError);
    expect(store.consumedWriteUnits).toBe(10);
  });

  it('commits every one of many concurrent transactions on one item exactly once', async () => {
    const store = new DynamoStore({ client, tableName });
    const key = { pk: `HOT#${randomUUID()}`, sk: 'BALANCE' };
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.transact([
          { type: 'update', key, add: { n: 1 } },
          {
            type: 'put',
            item: { pk: `${key.pk}#ENTRY#${i}`, sk: 'E' },
            condition: { attributeNotExists: 'pk' },
          },
        ]),
      ),
    );
    expect((await store.get(key))?.n).toBe(25);
  });

  it('lets exactly as many concurrent guarded debits through as the balance covers', async () => {
    const store = new DynamoStore({ client, tableName });
    const key = { pk: `HOT#${randomUUID()}`, sk: 'BALANCE' };
    await store.transact([{ type: 'put', item: { ...key, n: 5 } }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        store.transact([{ type: 'update', key, add: { n: -1 }, condition: { compare: ['n', '>=', 1] } }]),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const refusals = outcomes.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    expect(refusals).toHaveLength(7);
    expect(refusals.every((outcome) => isTransactionCanceled(outcome.reason))).toBe(true);
    expect((await store.get(key))?.n).toBe(0);
  });

  // DynamoDB Local serializes transactions and never answers TransactionConflict, so the conflict
  // is injected in front of the real client: what is checked is that the retried request really
  // commits on DynamoDB Local, once.
  it('commits a transaction retried after a conflict exactly once', async () => {
    const key = { pk: `HOT#${randomUUID()}`, sk: 'BALANCE' };
    let conflicts = 2;
    let sent = 0;
    const conflicting = {
      send: (command: unknown) => {
        sent += 1;
        if (command instanceof TransactWriteItemsCommand && conflicts-- > 0) {
          return Promise.reject(
            new TransactionCanceledException({
              message: 'Transaction cancelled',
              $metadata: {},
              CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
            }),
          );
        }
        return client.send(command as TransactWriteItemsCommand);
      },
    } as unknown as DynamoDBClient;
    const store = new DynamoStore({ client: conflicting, tableName });
    await store.transact([
      { type: 'update', key, add: { n: 7 } },
      { type: 'put', item: { pk: `${key.pk}#ENTRY`, sk: 'E' }, condition: { attributeNotExists: 'pk' } },
    ]);
    expect(sent).toBe(3);
    expect((await store.get(key))?.n).toBe(7);
  });
});
