import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { migrationsOf } from '../../app/migrations.ts';
import { modules } from '../../app/modules.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import {
  DataNewerThanCodeError,
  migrationRecordPut,
  readMigrationRecords,
} from '../../platform/migrations.ts';
import { createTableIfMissing } from '../dynamodb/dynamo-store.ts';
import { awsEnvironment } from './functions.ts';
import { handler } from './handlers/migrate.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from './platform.ts';

// The migrate function as the deploy's trigger invokes it, on the DynamoDB store against
// DynamoDB Local (test/global-setup.ts). Nothing but the table is touched.
const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tables: string[] = [];

afterEach(() => {
  setAwsPlatform(undefined);
  delete process.env.AWS_LAMBDA_FUNCTION_VERSION;
});
afterAll(async () => {
  for (const table of tables) await dynamo.send(new DeleteTableCommand({ TableName: table }));
  dynamo.destroy();
});

/** The migrate function's platform on a fresh table. */
async function migrateFunction(): Promise<AwsPlatform> {
  const tableName = `sluice-migrate-${randomUUID()}`;
  await createTableIfMissing(dynamo, tableName);
  tables.push(tableName);
  const platform = createAwsPlatform({
    env: {
      AWS_REGION: region,
      [awsEnvironment.stage]: 'test',
      [awsEnvironment.tableName]: tableName,
      [awsEnvironment.eventBusName]: 'sluice-test',
      [awsEnvironment.queueUrls]: JSON.stringify({}),
      [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
    },
    overrides: {
      clients: { dynamodb: dynamo },
      identity: createLocalIdentity,
      clock: new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0)),
      logger: silentLogger,
    },
  });
  setAwsPlatform(platform);
  return platform;
}

const knownMigrations = migrationsOf(modules);
/** The payments migrations this code knows, and one a later release would add. */
const paymentsVersions = knownMigrations.filter((m) => m.module === 'payments').map((m) => m.version);
const laterPaymentsVersion = Math.max(...paymentsVersions) + 1;

describe('the migrate function (handlers/migrate.ts)', () => {
  it('applies the migrations the table lacks and records them; the next deploy changes nothing', async () => {
    const platform = await migrateFunction();

    const first = await handler({ RequestType: 'Create' });
    // Every migration the modules know, on an empty table: each finds nothing to change.
    expect(first.ran).toEqual(
      knownMigrations.map(({ module, version }) => expect.objectContaining({ module, version, changed: 0 })),
    );
    // Recorded by module then version (the records' sort key), run in the catalogue's order.
    const records = await readMigrationRecords(platform.store);
    const byKey = (list: typeof records) =>
      [...list].sort((a, b) => a.module.localeCompare(b.module) || a.version - b.version);
    expect(records).toEqual(byKey(first.ran));

    const second = await handler({ RequestType: 'Update' });
    expect(second).toEqual({ ran: [], alreadyApplied: knownMigrations.length });
    expect(await readMigrationRecords(platform.store)).toEqual(records);
  });

  it('fails (and so fails the deploy) on a table a later release migrated', async () => {
    const platform = await migrateFunction();
    await platform.store.transact([
      migrationRecordPut({
        module: 'payments',
        version: laterPaymentsVersion,
        description: 'a migration of a later release',
        applied_at: '2027-01-01T00:00:00.000Z',
        changed: 0,
      }),
    ]);

    await expect(handler({ RequestType: 'Update' })).rejects.toBeInstanceOf(DataNewerThanCodeError);
  });

  it('passes the rollback of a failed deploy: the previous version, run again after a later one migrated', async () => {
    const platform = await migrateFunction();
    process.env.AWS_LAMBDA_FUNCTION_VERSION = '7';
    const first = await handler();
    expect(first.ran).toEqual(knownMigrations.map(() => expect.objectContaining({ applied_by: '7' })));
    // Version 8 (a release with one more payments migration) migrated, then another resource failed.
    await platform.store.transact([
      migrationRecordPut({
        module: 'payments',
        version: laterPaymentsVersion,
        description: 'a migration of the failed release',
        applied_at: '2027-01-01T00:00:00.000Z',
        changed: 3,
        applied_by: '8',
      }),
    ]);

    // CloudFormation rolls back: the trigger invokes version 7 again.
    expect(await handler()).toEqual({ ran: [], alreadyApplied: 0, rolledBack: true });

    // The same old code deployed anew (a version after 8) is refused.
    process.env.AWS_LAMBDA_FUNCTION_VERSION = '9';
    await expect(handler()).rejects.toBeInstanceOf(DataNewerThanCodeError);
    const payments = (await readMigrationRecords(platform.store)).filter(
      (record) => record.module === 'payments',
    );
    expect(payments.map((record) => record.version)).toEqual([...paymentsVersions, laterPaymentsVersion]);
  });
});
