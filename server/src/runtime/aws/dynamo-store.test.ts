import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type BatchWriteItemCommandOutput,
  type ScanCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TransactionCanceledError, type WriteOperation } from '../../platform/store.ts';
import { runStoreContract } from '../../platform/store-contract.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { createTableIfMissing, DynamoStore } from './dynamo-store.ts';

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
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ProjectionExpression: 'pk, sk', ExclusiveStartKey: startKey }),
    );
    const deletes: WriteRequest[] = (page.Items ?? []).map((key) => ({ DeleteRequest: { Key: key } }));
    for (let i = 0; i < deletes.length; i += 25) {
      let batch: WriteRequest[] | undefined = deletes.slice(i, i + 25);
      while (batch && batch.length > 0) {
        const output: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
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
        Code === 'ConditionalCheckFailed' ? { Code, Item: { pk: { S: 'A' }, sk: { S: 'A' }, n: { N: '1' } } } : { Code },
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
    const { store, sent } = scriptedStore([canceled('TransactionConflict', 'None'), canceled('None', 'TransactionConflict'), undefined]);
    await store.transact(operations);
    expect(sent).toHaveLength(3);
    expect(sent.every((command) => command instanceof TransactWriteItemsCommand)).toBe(true);
  });

  it('never retries a failed condition, even next to a conflict', async () => {
    const { store, sent } = scriptedStore([canceled('ConditionalCheckFailed', 'TransactionConflict'), undefined]);
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect((error as TransactionCanceledError).reasons).toEqual([
      { index: 0, code: 'ConditionalCheckFailed', item: { pk: 'A', sk: 'A', n: 1 } },
    ]);
    expect(sent).toHaveLength(1);
  });

  it('gives up after its retries when the conflict persists', async () => {
    const { store, sent } = scriptedStore(Array.from({ length: 10 }, () => canceled('TransactionConflict', 'None')));
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TransactionCanceledError);
    expect((error as Error).cause).toBeInstanceOf(TransactionCanceledException);
    expect(sent).toHaveLength(4);
  });
});
