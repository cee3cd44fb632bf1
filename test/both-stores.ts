import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, inject } from 'vitest';
import type { Item, Store } from '../server/src/platform/store.ts';
import { createTableIfMissing, DynamoStore } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';
import { storedItems } from './stored-items.ts';

/**
 * The two stores a behaviour must hold on, for `describe.each`: an in-memory SQLite store, and a
 * fresh table on the DynamoDB Local the test setup started (`tablePrefix-<uuid>`, deleted after
 * the file's tests). Call it at the top of a test file: it registers that cleanup.
 *
 * @example describe.each(bothStores('sluice-shards'))('ledger shards (%s)', (_name, open) => { … });
 */
export function bothStores(tablePrefix: string): Array<[string, () => Promise<Store>]> {
  const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
  const tables: string[] = [];
  afterAll(async () => {
    for (const table of tables) await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
  });
  return [
    ['SQLite', async () => new SqliteStore(':memory:')],
    [
      'DynamoDB Local',
      async () => {
        const tableName = `${tablePrefix}-${randomUUID()}`;
        await createTableIfMissing(client, tableName);
        tables.push(tableName);
        return new DynamoStore({ client, tableName });
      },
    ],
  ];
}

/** A store, and every item it holds as stored (read past the store: the data file's rows, a table scan). */
export interface ScannedStore {
  store: Store;
  scan: () => Promise<Item[]>;
}

/**
 * {@link bothStores}, each with a scan of what it holds as stored, for tests that look for what
 * must never be stored in clear (an account number, a provider key): a SQLite data file in a temp
 * dir (read by `storedItems`), and a fresh DynamoDB Local table (scanned). Both removed after the file.
 *
 * @example describe.each(bothScannedStores('sluice-x'))('… (%s)', (_name, open) => { const { store, scan } = await open(); … });
 */
export function bothScannedStores(tablePrefix: string): Array<[string, () => Promise<ScannedStore>]> {
  const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
  const tables: string[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const table of tables) await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return [
    [
      'SQLite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), `${tablePrefix}-`));
        dirs.push(dir);
        const path = join(dir, 'sluice.db');
        return { store: new SqliteStore(path), scan: async () => storedItems(path) };
      },
    ],
    [
      'DynamoDB Local',
      async () => {
        const tableName = `${tablePrefix}-${randomUUID()}`;
        await createTableIfMissing(client, tableName);
        tables.push(tableName);
        const scan = async () => {
          const items: Item[] = [];
          let start: Record<string, AttributeValue> | undefined;
          do {
            const page = await client.send(
              new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
            );
            items.push(...(page.Items ?? []).map((item) => unmarshall(item) as Item));
            start = page.LastEvaluatedKey;
          } while (start);
          return items;
        };
        return { store: new DynamoStore({ client, tableName }), scan };
      },
    ],
  ];
}
