import { createCipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capturingLogger, createTestApp, moduleDepsFor, type TestApp } from '../../../test/app-harness.ts';
import { bothScannedStores } from '../../../test/both-stores.ts';
import { migrationsOf } from '../app/migrations.ts';
import { moduleDepsOf } from '../app/module-deps.ts';
import { createMerchant } from '../payments/index.ts';
import { installationSecret } from '../platform/installation-secret.ts';
import { readMigrationRecords, runMigrations } from '../platform/migrations.ts';
import { SecretNotFoundError } from '../platform/secrets.ts';
import type { Item, Store } from '../platform/store.ts';
import { EnvSecrets } from '../runtime/local/env-secrets.ts';
import { sealCredentials, unsealCredentials } from './credentials.ts';
import { hubModule } from './index.ts';
import { resealV1Values } from './migrations.ts';
import {
  achEntryPuts,
  achSequencePut,
  connectorPuts,
  connectorUpdate,
  hubKeys,
  readAchEntry,
  readConnector,
  type AchEntryRecord,
  type ConnectorRecord,
} from './store.ts';

// Issue 17: the hub's migration 1 re-seals what older releases sealed as v1, on SQLite (a data
// file, read back row by row) and DynamoDB Local (a table, scanned), with the real local Secrets.

const stores = bothScannedStores('sluice-hub-reseal');

/** A value as the hub sealed it before v2: under a key derived from the installation secret in the table. */
async function sealV1(store: Store, value: Record<string, string>): Promise<string> {
  const key = Buffer.from(
    hkdfSync('sha256', await installationSecret(store), 'sluice-hub', 'connector-credentials', 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Every stored string that is a v1 sealed value, with the key of the item holding it. */
function v1Values(items: Item[]): string[] {
  const found: string[] = [];
  const walk = (item: Item, value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('v1.')) found.push(`${item.pk}|${item.sk}`);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(item, inner);
  };
  for (const item of items) walk(item, item);
  return found.sort();
}

const stripe = { secret_key: 'sk_live_51OLDSECRETvalue', webhook_secret: 'whsec_OLDsigning' };
const odfi = { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '121042882' };
const accounts = ['000123456789', '000987654321', '000555444333', '000111222333'];

function connector(
  merchant: string,
  provider: ConnectorRecord['provider'],
  sealed: string | null,
): ConnectorRecord {
  return {
    id: `conn_${randomUUID().replaceAll('-', '')}`,
    merchant,
    provider,
    name: provider,
    disabled: false,
    sealed_credentials: sealed,
    created_at: '2026-01-15T12:00:00.000Z',
    updated_at: '2026-01-15T12:00:00.000Z',
  };
}

function achEntry(merchant: string, seq: number, day: string, sealed: string): AchEntryRecord {
  return {
    reference: `tr_${randomUUID().replaceAll('-', '')}`,
    merchant,
    kind: 'debit',
    debit: null,
    amount: 1000 * seq,
    routing_number: '011000015',
    sealed_account: sealed,
    account_last4: '6789',
    account_type: 'checking',
    account_holder_name: 'Jo Payer',
    trace_number: `12104288${String(seq).padStart(7, '0')}`,
    day,
    settle_on: day,
    status: 'settled',
    return_code: null,
    amount_refunded: 0,
    created_at: `${day}T12:00:00.000Z`,
    standard_entry_class: 'PPD',
    origin: null,
  };
}

/** Writes as an older release did: connectors and ACH entries (each with its trace sequence) sealed v1. */
async function seedOldRelease(t: TestApp) {
  const deps = { store: t.store, clock: t.clock };
  const a = await createMerchant(deps, 'user_a', { name: 'A' });
  const b = await createMerchant(deps, 'user_b', { name: 'B' });
  const connectors = {
    stripe: connector(a.id, 'stripe', await sealV1(t.store, stripe)),
    card: connector(a.id, 'sandbox_card', null),
    ach: connector(a.id, 'ach', await sealV1(t.store, odfi)),
    // Already v2 (written since): left exactly as it is.
    paypal: connector(b.id, 'paypal', await sealCredentials(t, { client_id: 'id', client_secret: 'cs' })),
    // Sealed under another installation's secret: it does not open here.
    foreign: connector(b.id, 'stripe', ''),
  };
  const foreignKey = Buffer.alloc(32, 7);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', foreignKey, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(stripe), 'utf8'), cipher.final()]);
  connectors.foreign.sealed_credentials = ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
  for (const record of Object.values(connectors)) await t.store.transact(connectorPuts(record));
  // Merchant A's debits over several business days (Jan 19 is a Federal Reserve holiday), the
  // last sealed v2 already; the sandbox clock a week on.
  const days = ['2026-01-15', '2026-01-16', '2026-01-20', '2026-01-22'];
  const entries: AchEntryRecord[] = [];
  for (const [index, day] of days.entries()) {
    const sealed =
      index === days.length - 1
        ? await sealCredentials(t, { account_number: accounts[index]! })
        : await sealV1(t.store, { account_number: accounts[index]! });
    const entry = achEntry(a.id, index + 1, day, sealed);
    await t.store.transact([achSequencePut(a.id, index), ...achEntryPuts(entry)]);
    entries.push(entry);
  }
  t.clock.advance(7 * 86_400_000);
  return { connectors, entries };
}

describe.each(stores)("the hub's migration 1: v1 sealed values sealed again as v2 (%s)", (_name, open) => {
  it('re-seals every connector and ACH entry sealed as v1, to the same content; a second run changes nothing', async () => {
    const { store, scan } = await open();
    const t = createTestApp({ store });
    try {
      const { connectors, entries } = await seedOldRelease(t);
      const foreignId = `${hubKeys.connector(connectors.foreign.id).pk}|CONN`;
      expect(v1Values(await scan())).toHaveLength(6);
      const logger = capturingLogger();
      const modules = [hubModule];
      const deps = moduleDepsFor(t, modules, { store, logger });

      const summary = await runMigrations(deps, migrationsOf(modules));

      expect(summary.ran).toMatchObject([
        { module: 'hub', version: 1, changed: 5 },
        { module: 'hub', version: 2, changed: 0 },
      ]);
      // No v1 value is left but the one that does not open, logged by id and nothing of it.
      expect(v1Values(await scan())).toEqual([foreignId]);
      const warnings = logger.lines.filter(([message]) => message.includes('does not open'));
      expect(warnings).toEqual([
        ['sealed value left as v1: it does not open', { kind: 'connector', id: connectors.foreign.id }],
      ]);
      expect(JSON.stringify(logger.lines)).not.toContain(connectors.foreign.sealed_credentials!.slice(3, 20));
      const credentialDeps = { store, secrets: t.secrets };
      const read = async (record: ConnectorRecord) =>
        (await readConnector(store, record.id))!.sealed_credentials;
      expect(await unsealCredentials(credentialDeps, await read(connectors.stripe))).toEqual(stripe);
      expect(await unsealCredentials(credentialDeps, await read(connectors.ach))).toEqual(odfi);
      expect(await read(connectors.card)).toBeNull();
      expect(await read(connectors.paypal)).toBe(connectors.paypal.sealed_credentials);
      expect(await read(connectors.foreign)).toBe(connectors.foreign.sealed_credentials);
      for (const [index, entry] of entries.entries()) {
        const stored = (await readAchEntry(store, entry.reference))!;
        expect(stored.sealed_account.startsWith('v2.')).toBe(true);
        expect(await unsealCredentials(credentialDeps, stored.sealed_account)).toEqual({
          account_number: accounts[index],
        });
        expect({ ...stored, sealed_account: '' }).toEqual({ ...entry, sealed_account: '' });
      }
      // The sealed values only: nothing in clear anywhere in the table.
      const after = await scan();
      for (const secret of [...Object.values(stripe), ...accounts])
        expect(JSON.stringify(after)).not.toContain(secret);

      // Run again (as after a crash before its record): nothing changes; the runner skips it anyway.
      expect(await resealV1Values({ ...deps, logger: capturingLogger() })).toMatchObject({ changed: 0 });
      const key = (item: Item) => `${item.pk}|${item.sk}`;
      const byKey = (items: Item[]) => [...items].sort((x, y) => key(x).localeCompare(key(y)));
      expect(byKey(await scan())).toEqual(byKey(after));
      expect((await runMigrations(deps, migrationsOf(modules))).ran).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('fails, recording nothing and changing nothing, when hub/credentials-key cannot be read (the next run starts again)', async () => {
    const { store, scan } = await open();
    const t = createTestApp({ store });
    try {
      await seedOldRelease(t);
      const before = v1Values(await scan());
      const modules = [hubModule];
      const keyless = moduleDepsOf(
        {
          store,
          clock: t.clock,
          config: t.config,
          logger: capturingLogger(),
          identity: t.identity,
          queue: t.queue,
          secrets: new EnvSecrets({}),
        },
        modules,
      );
      await expect(runMigrations(keyless, migrationsOf(modules))).rejects.toBeInstanceOf(SecretNotFoundError);
      expect(v1Values(await scan())).toEqual(before);
      expect(await readMigrationRecords(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('leaves a connector written since it was read as that write left it (the conditional write loses)', async () => {
    const { store } = await open();
    const t = createTestApp({ store });
    try {
      const { connectors } = await seedOldRelease(t);
      const updated = await sealCredentials(t, {
        secret_key: 'sk_live_NEWvalue',
        webhook_secret: 'whsec_NEW',
      });
      // A connector update lands between the migration's read and its write.
      const racing: Store = {
        get: (key) => store.get(key),
        query: (query) => store.query(query),
        close: () => store.close(),
        transact: async (operations) => {
          const target = operations[0];
          if (target?.type === 'update' && target.key.pk === hubKeys.connector(connectors.stripe.id).pk)
            await store.transact([connectorUpdate({ ...connectors.stripe, sealed_credentials: updated })]);
          return store.transact(operations);
        },
      };
      const result = await resealV1Values({
        store: racing,
        secrets: t.secrets,
        clock: t.clock,
        logger: capturingLogger(),
      });
      expect(result.changed).toBe(4); // the ACH connector and three entries, not the raced one
      expect((await readConnector(store, connectors.stripe.id))!.sealed_credentials).toBe(updated);
    } finally {
      await store.close();
    }
  });
});
