import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../kernel/errors.ts';
import type { TransactionCanceledError } from '../../platform/store.ts';
import { InvalidCursorError, StoreValidationError, type WriteOperation } from '../../platform/store.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { createTableIfMissing, DynamoStore } from './dynamo-store.ts';

/**
 * What the store contract cannot reach in `DynamoStore` (issue 23, mutation testing): the
 * request each transaction becomes, items other tools wrote, a cursor DynamoDB itself refuses,
 * the table's creation, and failures DynamoDB Local never gives (scripted, and said so).
 */
const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-mutants-${randomUUID()}`;

beforeAll(() => createTableIfMissing(client, tableName));
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

/** The store on DynamoDB Local, and the names and inputs of the commands it sent. */
function recordingStore(): { store: DynamoStore; sent: string[]; inputs: Array<Record<string, unknown>> } {
  const sent: string[] = [];
  const inputs: Array<Record<string, unknown>> = [];
  const recording = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push(command.constructor.name);
      inputs.push(command.input);
      return client.send(command as never);
    },
  } as unknown as DynamoDBClient;
  return { store: new DynamoStore({ client: recording, tableName }), sent, inputs };
}

/** A store whose client answers with `answers` in turn (an error is thrown, anything else resolves). */
function scriptedStore(answers: unknown[], conflictRetries?: number) {
  const sent: unknown[] = [];
  const scripted = {
    send: async (command: unknown) => {
      sent.push(command);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    },
  } as unknown as DynamoDBClient;
  return { store: new DynamoStore({ client: scripted, tableName: 'scripted', conflictRetries }), sent };
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('DynamoStore requests (DynamoDB Local)', () => {
  it('sends one write as that write alone, and a check or several operations as a transaction', async () => {
    const pk = `ONE#${randomUUID()}`;
    const cases: Array<[WriteOperation[], string]> = [
      [
        [{ type: 'put', item: { pk, sk: 'a', n: 1 }, condition: { attributeNotExists: 'pk' } }],
        'PutItemCommand',
      ],
      [[{ type: 'update', key: { pk, sk: 'a' }, add: { n: 1 } }], 'UpdateItemCommand'],
      [
        [{ type: 'check', key: { pk, sk: 'a' }, condition: { compare: ['n', '=', 2] } }],
        'TransactWriteItemsCommand',
      ],
      [
        [
          { type: 'put', item: { pk, sk: 'b' } },
          { type: 'update', key: { pk, sk: 'a' }, add: { n: 1 } },
        ],
        'TransactWriteItemsCommand',
      ],
      [[{ type: 'delete', key: { pk, sk: 'b' } }], 'DeleteItemCommand'],
    ];
    for (const [operations, command] of cases) {
      const { store, sent } = recordingStore();
      await store.transact(operations);
      expect(sent, command).toEqual([command]);
    }
    const { store } = recordingStore();
    expect((await store.query({ partition: pk })).items).toEqual([{ pk, sk: 'a', n: 3 }]);
  });

  // Real DynamoDB refuses an empty ExpressionAttributeNames or ExpressionAttributeValues map;
  // DynamoDB Local lets it through, so the request itself is looked at.
  it('asks for strongly consistent reads of the table, and not of an index (which cannot give them)', async () => {
    // DynamoDB Local always reads consistently, so only the request can show what was asked.
    const { store, sent, inputs } = recordingStore();
    const pk = `READ#${randomUUID()}`;
    await store.transact([{ type: 'put', item: { pk, sk: 'a', gsi1pk: pk, gsi1sk: 'a' } }]);
    expect((await store.get({ pk, sk: 'a' }))?.pk).toBe(pk);
    expect((await store.query({ partition: pk })).items).toHaveLength(1);
    expect((await store.query({ index: 'gsi1', partition: pk })).items).toHaveLength(1);
    expect(sent.slice(1)).toEqual(['GetItemCommand', 'QueryCommand', 'QueryCommand']);
    expect(inputs.slice(1).map((input) => input.ConsistentRead)).toEqual([true, true, undefined]);
  });

  it('leaves the expression maps out of a request that has no expression', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    const recording = {
      send: (command: { input: Record<string, unknown> }) => {
        inputs.push(command.input);
        return client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const store = new DynamoStore({ client: recording, tableName });
    const pk = `PLAIN#${randomUUID()}`;
    await store.transact([{ type: 'put', item: { pk, sk: 'a' } }]);
    await store.transact([
      { type: 'put', item: { pk, sk: 'b' } },
      { type: 'delete', key: { pk, sk: 'a' } },
    ]);
    const requests = [
      inputs[0]!,
      ...(inputs[1]!.TransactItems as Array<Record<string, Record<string, unknown>>>).map(
        (item) => Object.values(item)[0]!,
      ),
    ];
    for (const request of requests) {
      expect(Object.keys(request)).not.toContain('ExpressionAttributeNames');
      expect(Object.keys(request)).not.toContain('ExpressionAttributeValues');
    }
  });

  it('names a missing item as undefined when a single write is refused', async () => {
    const { store } = recordingStore();
    const error = await store
      .transact([
        {
          type: 'delete',
          key: { pk: `NONE#${randomUUID()}`, sk: 'a' },
          condition: { attributeExists: 'pk' },
        },
      ])
      .catch((caught: unknown) => caught);
    expect((error as TransactionCanceledError).reasons).toEqual([
      { index: 0, code: 'ConditionalCheckFailed', item: undefined },
    ]);
  });

  it('reads the sets and binaries other tools may have written', async () => {
    const pk = `TOOL#${randomUUID()}`;
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: pk },
          sk: { S: 'a' },
          names: { SS: ['x', 'y'] },
          numbers: { NS: ['1', '2.5'] },
          blob: { B: new Uint8Array([1, 2]) },
          blobs: { BS: [new Uint8Array([3])] },
        },
      }),
    );
    const { store } = recordingStore();
    const item = (await store.get({ pk, sk: 'a' }))!;
    expect([...(item.names as string[])].sort()).toEqual(['x', 'y']);
    expect([...(item.numbers as number[])].sort()).toEqual([1, 2.5]);
    expect([...(item.blob as Uint8Array)]).toEqual([1, 2]);
    expect((item.blobs as Uint8Array[]).map((bytes) => [...bytes])).toEqual([[3]]);
  });

  it('refuses, as an invalid cursor, a well-formed cursor DynamoDB refuses (outside the sort-key condition)', async () => {
    const pk = `CUR#${randomUUID()}`;
    const { store } = recordingStore();
    await store.transact(['a', 'b', 'c'].map((sk) => ({ type: 'put' as const, item: { pk, sk } })));
    const { cursor } = await store.query({ partition: pk, limit: 1 });
    const error = await store
      .query({ partition: pk, sort: { op: 'begins_with', value: 'c' }, cursor })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidCursorError);
  });
});

describe('createTableIfMissing (DynamoDB Local)', () => {
  it('creates the table with its stream, TTL on expires_at and active indexes, and leaves an existing one alone', async () => {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
    ]);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expires_at', TimeToLiveStatus: 'ENABLED' });
    // Again on the same table: it exists, so it only waits for it.
    await createTableIfMissing(client, tableName);
  });

  // DynamoDB Local makes tables and indexes ACTIVE at once: one still being created is scripted.
  it('waits until the table and every index are ACTIVE', async () => {
    const answers = [
      { Table: { TableStatus: 'CREATING' } },
      {
        Table: {
          TableStatus: 'ACTIVE',
          GlobalSecondaryIndexes: [{ IndexStatus: 'ACTIVE' }, { IndexStatus: 'CREATING' }],
        },
      },
      {
        Table: {
          TableStatus: 'ACTIVE',
          GlobalSecondaryIndexes: [{ IndexStatus: 'ACTIVE' }, { IndexStatus: 'ACTIVE' }],
        },
      },
    ];
    const sent: string[] = [];
    const scripted = {
      send: async (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return command instanceof DescribeTableCommand ? answers.shift() : {};
      },
    } as unknown as DynamoDBClient;
    await createTableIfMissing(scripted, 'slow', { timeoutMs: 5_000 });
    expect(sent).toEqual([
      'CreateTableCommand',
      'DescribeTableCommand',
      'DescribeTableCommand',
      'DescribeTableCommand',
      'UpdateTimeToLiveCommand',
    ]);
  });

  it('passes on a failure other than the table existing (scripted)', async () => {
    const limited = named('LimitExceededException');
    const scripted = {
      send: async (command: unknown) => {
        if (command instanceof DescribeTableCommand) return { Table: { TableStatus: 'ACTIVE' } };
        throw limited;
      },
    } as unknown as DynamoDBClient;
    expect(await createTableIfMissing(scripted, 'limited').catch((caught: unknown) => caught)).toBe(limited);
  });

  // DynamoDB Local makes tables ACTIVE at once: a table that stays CREATING is scripted.
  it('gives up waiting for a table that does not become active', async () => {
    const creating = { Table: { TableStatus: 'CREATING', GlobalSecondaryIndexes: [] } };
    const scripted = {
      send: async (command: unknown) => (command instanceof DescribeTableCommand ? creating : {}),
    } as unknown as DynamoDBClient;
    const error = await createTableIfMissing(scripted, 'slow', { timeoutMs: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('table slow is not ACTIVE (status CREATING)');
  });

  // Its second look comes after a 250 ms pause: past a 1 ms limit whatever the machine's speed.
  it('keeps to the time it is given, not its 5-minute default, for a table still being created', async () => {
    const answers = [
      { Table: { TableStatus: 'CREATING' } },
      { Table: { TableStatus: 'CREATING' } },
      { Table: { TableStatus: 'ACTIVE' } },
    ];
    const scripted = {
      send: async (command: unknown) => (command instanceof DescribeTableCommand ? answers.shift() : {}),
    } as unknown as DynamoDBClient;
    const error = await createTableIfMissing(scripted, 'slow', { timeoutMs: 1 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('table slow is not ACTIVE (status CREATING)');
  });
});

// DynamoDB Local serializes transactions and never throttles: these failures are scripted.
describe('DynamoStore failures DynamoDB Local never gives (scripted client)', () => {
  const operations: WriteOperation[] = [
    { type: 'update', key: { pk: 'A', sk: 'A' }, add: { n: 1 } },
    { type: 'put', item: { pk: 'B', sk: 'B' } },
  ];
  const canceled = (...reasons: Array<{ Code: string; Message?: string }>) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: reasons,
    });

  it('passes on a query read that fails otherwise, with or without a cursor', async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'P', sk: 'a' })).toString('base64url');
    for (const query of [{ partition: 'P' }, { partition: 'P', cursor }]) {
      const reset = named('ECONNRESET');
      const { store } = scriptedStore([reset]);
      expect(await store.query(query).catch((caught: unknown) => caught)).toBe(reset);
    }
  });

  it('passes on as it is a query refused as invalid when no cursor was given (only a cursor is blamed)', async () => {
    const invalid = named('ValidationException', 'Query key condition not supported');
    const { store } = scriptedStore([invalid]);
    expect(await store.query({ partition: 'P' }).catch((caught: unknown) => caught)).toBe(invalid);
  });

  it('retries a single write refused for a transaction holding its item', async () => {
    const { store, sent } = scriptedStore([named('TransactionConflictException'), undefined]);
    await store.transact([operations[0]!]);
    expect(sent).toHaveLength(2);
  });

  it('retries eight times by default, then says how many attempts it made', async () => {
    const { store, sent } = scriptedStore(Array.from({ length: 12 }, () => named('ThrottlingException')));
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(sent).toHaveLength(9);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe('the store is busy: transaction still refused after 9 attempts');
  });

  it('reports an invalid item in a transaction with its message, or a generic one', async () => {
    const withMessage = scriptedStore([
      canceled({ Code: 'None' }, { Code: 'ValidationError', Message: 'too big' }),
    ]);
    const first = await withMessage.store.transact(operations).catch((caught: unknown) => caught);
    expect([first instanceof StoreValidationError, (first as Error).message]).toEqual([true, 'too big']);
    const without = scriptedStore([canceled({ Code: 'ValidationError' })]);
    const second = await without.store.transact(operations).catch((caught: unknown) => caught);
    expect([second instanceof StoreValidationError, (second as Error).message]).toEqual([
      true,
      'invalid request',
    ]);
  });

  it('passes on a cancellation for another reason at once', async () => {
    const { store, sent } = scriptedStore([
      canceled({ Code: 'None' }, { Code: 'ItemCollectionSizeLimitExceeded' }),
    ]);
    const error = await store.transact(operations).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(sent).toHaveLength(1);
  });
});
