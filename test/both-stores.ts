import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import type { Store } from '../server/src/platform/store.ts';
import { createTableIfMissing, DynamoStore } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';

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
