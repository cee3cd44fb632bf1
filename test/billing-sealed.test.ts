import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capturingLogger, createTestApp, moduleDepsFor, type TestApp } from './app-harness.ts';
import { bothScannedStores } from './both-stores.ts';
import { migrationsOf } from '../server/src/app/migrations.ts';
import { addPaymentMethod, chargeableMethod, createCustomer } from '../server/src/billing/catalog.ts';
import { billingDeps, merchantContext, type BillingDeps } from '../server/src/billing/deps.ts';
import { billingModule } from '../server/src/billing/index.ts';
import { unsealCredentials } from '../server/src/hub/credentials.ts';
import { resealBankAccounts } from '../server/src/billing/migrations.ts';
import { unsealBankAccount } from '../server/src/billing/sealed.ts';
import {
  paymentMethodPut,
  readPaymentMethod,
  type PaymentMethodRecord,
} from '../server/src/billing/store.ts';
import { createMerchant } from '../server/src/payments/index.ts';
import { installationSecret } from '../server/src/platform/installation-secret.ts';
import type { Logger } from '../server/src/platform/logger.ts';
import { readMigrationRecords, runMigrations } from '../server/src/platform/migrations.ts';
import { SecretNotFoundError } from '../server/src/platform/secrets.ts';
import type { Item, Store } from '../server/src/platform/store.ts';
import { EnvSecrets } from '../server/src/runtime/local/env-secrets.ts';

// Billing's saved ACH accounts: sealed v2 (platform/sealed-values.ts, under a key derived from
// hub/credentials-key, read through the real local Secrets), and its migration 1 re-sealing what
// older releases sealed v1, on a SQLite data file and a DynamoDB Local table read past the store.

const accounts = ['000123456789', '000987654321', '000555444333'];

function depsOf(t: TestApp, store: Store, options: { secrets?: EnvSecrets; logger?: Logger } = {}) {
  return moduleDepsFor(t, [billingModule], {
    store,
    secrets: options.secrets,
    logger: options.logger ?? capturingLogger(),
  });
}

/** A customer's saved ACH account, through billing's own use case. */
async function saveAccount(deps: BillingDeps, merchantId: string, accountNumber: string) {
  const ctx = await merchantContext(deps, merchantId);
  const customer = await createCustomer(deps, ctx, { name: 'Jo', email: 'jo@example.com' });
  return addPaymentMethod(deps, ctx, customer.id, {
    type: 'ach_debit',
    ach_debit: {
      routing_number: '231380104',
      account_number: accountNumber,
      account_holder_name: 'Jo Payer',
      account_type: 'checking',
    },
    mandate: { accepted_at: '2026-01-15T12:00:00.000Z' },
  });
}

/** An account sealed as billing's older releases did (v1: a key derived from the table's installation secret). */
function sealV1(key: Buffer, accountNumber: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const text = JSON.stringify({ account_number: accountNumber, account_holder_name: 'Jo Payer' });
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

const v1KeyOf = async (store: Store) =>
  Buffer.from(hkdfSync('sha256', await installationSecret(store), 'sluice-billing', 'bank-accounts', 32));

/** Every stored item holding a v1 sealed value, by key. */
const v1Holders = (items: Item[]) =>
  items
    .filter((item) => JSON.stringify(item).includes('"v1.'))
    .map((item) => `${item.pk}|${item.sk}`)
    .sort();

/**
 * Three saved accounts as an older release left them: two sealed v1 under this table's key, one
 * under another installation's (it does not open here); and one saved since, sealed v2.
 */
async function seedOldRelease(t: TestApp, store: Store) {
  const deps = billingDeps(depsOf(t, store));
  const merchant = await createMerchant({ store, clock: t.clock }, 'user_a', { name: 'A' });
  const v1Key = await v1KeyOf(store);
  const old: PaymentMethodRecord[] = [];
  for (const [index, accountNumber] of accounts.entries()) {
    const method = await saveAccount(deps, merchant.id, accountNumber);
    const key = index === 2 ? Buffer.alloc(32, 7) : v1Key;
    const record = { ...method, sealed_account: sealV1(key, accountNumber) };
    await store.transact([paymentMethodPut(record, false)]);
    old.push(record);
  }
  const current = await saveAccount(deps, merchant.id, '000444777888');
  return { deps, old, current, foreign: old[2]! };
}

describe.each(bothScannedStores('sluice-billing-sealed'))(
  "billing's sealed bank accounts (%s)",
  (_name, open) => {
    it('seals a saved account as v2, never in clear, and charges it as the same number', async () => {
      const { store, scan } = await open();
      const t = createTestApp({ store });
      try {
        const deps = billingDeps(depsOf(t, store));
        const merchant = await createMerchant({ store, clock: t.clock }, 'user_a', { name: 'A' });
        const method = await saveAccount(deps, merchant.id, accounts[0]!);
        const stored = (await readPaymentMethod(store, method.id))!;
        expect(stored.sealed_account!.split('.')).toHaveLength(7);
        expect(stored.sealed_account!.startsWith('v2.')).toBe(true);
        expect(await unsealBankAccount(deps, stored.sealed_account!)).toEqual({
          account_number: accounts[0],
          account_holder_name: 'Jo Payer',
        });
        expect(await chargeableMethod(deps, stored)).toMatchObject({
          type: 'bank_account',
          bank_account: {
            routing_number: '231380104',
            account_number: accounts[0],
            account_type: 'checking',
          },
        });
        expect(JSON.stringify(await scan())).not.toContain(accounts[0]);
        // The hub's purpose is another key: a bank account does not open as connector credentials.
        await expect(unsealCredentials(deps, stored.sealed_account)).rejects.toThrow(
          'sealed credentials do not open with the current hub/credentials-key',
        );
      } finally {
        await store.close();
      }
    });

    it('migration 1 re-seals v1 accounts as v2 to the same number, leaves and logs by id one that does not open; a second run changes nothing', async () => {
      const { store, scan } = await open();
      const t = createTestApp({ store });
      try {
        const { deps, old, current, foreign } = await seedOldRelease(t, store);
        const foreignKey = `BIL#PM#${foreign.id}`;
        expect(v1Holders(await scan())).toHaveLength(3);
        // Before the migration, a v1 account still charges as its number.
        expect(await chargeableMethod(deps, old[0]!)).toMatchObject({
          bank_account: { account_number: accounts[0] },
        });
        const logger = capturingLogger();
        const moduleDeps = depsOf(t, store, { logger });

        const summary = await runMigrations(moduleDeps, migrationsOf([billingModule]));

        expect(summary.ran).toMatchObject([{ module: 'billing', version: 1, changed: 2 }]);
        expect(v1Holders(await scan()).map((key) => key.split('|')[0])).toEqual([foreignKey]);
        expect(logger.lines.filter(([message]) => message.includes('does not open'))).toEqual([
          ['sealed bank account left as v1: it does not open', { payment_method: foreign.id }],
        ]);
        expect(JSON.stringify(logger.lines)).not.toContain(foreign.sealed_account!.slice(3, 20));
        for (const [index, record] of old.slice(0, 2).entries()) {
          const stored = (await readPaymentMethod(store, record.id))!;
          expect(stored.sealed_account!.startsWith('v2.')).toBe(true);
          expect({ ...stored, sealed_account: '' }).toEqual({ ...record, sealed_account: '' });
          const charged = await chargeableMethod(deps, stored);
          expect(charged).toMatchObject({ bank_account: { account_number: accounts[index] } });
        }
        expect((await readPaymentMethod(store, current.id))!.sealed_account).toBe(current.sealed_account);
        expect((await readPaymentMethod(store, foreign.id))!.sealed_account).toBe(foreign.sealed_account);
        const after = await scan();
        for (const account of [...accounts, '000444777888'])
          expect(JSON.stringify(after)).not.toContain(account);

        expect(await resealBankAccounts({ ...moduleDeps, logger: capturingLogger() })).toMatchObject({
          changed: 0,
        });
        const key = (item: Item) => `${item.pk}|${item.sk}`;
        const byKey = (items: Item[]) => [...items].sort((x, y) => key(x).localeCompare(key(y)));
        expect(byKey(await scan())).toEqual(byKey(after));
        expect((await runMigrations(moduleDeps, migrationsOf([billingModule]))).ran).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('migration 1 fails, recording and changing nothing, without hub/credentials-key (the next run starts again)', async () => {
      const { store, scan } = await open();
      const t = createTestApp({ store });
      try {
        await seedOldRelease(t, store);
        const before = await scan();
        const keyless = depsOf(t, store, { secrets: new EnvSecrets({}) });
        await expect(runMigrations(keyless, migrationsOf([billingModule]))).rejects.toBeInstanceOf(
          SecretNotFoundError,
        );
        expect(v1Holders(await scan())).toEqual(v1Holders(before));
        expect(await readMigrationRecords(store)).toEqual([]);
      } finally {
        await store.close();
      }
    });
  },
);
