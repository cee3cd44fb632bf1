import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { migrationsOf } from '../app/migrations.ts';
import { moduleDepsOf } from '../app/module-deps.ts';
import { modules } from '../app/modules.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, ensureSystemAccount, getAccount, systemAccountId } from '../ledger/index.ts';
import type { Logger } from '../platform/logger.ts';
import {
  DataNewerThanCodeError,
  migrationRecordPut,
  readMigrationRecords,
  runMigrations,
} from '../platform/migrations.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { capFeesAccountCredits, openBalanceFloors, paymentsMigrations } from './migrations.ts';
import { merchantAccountId } from './merchants.ts';
import { asMerchant, createTestMerchant, openAccountsTheOldWay, paymentBody } from './test-support.ts';

const stores = bothStores('sluice-migrations');

/** Moves `amount` between a merchant's fees account and the platform's fees account. */
async function moveFees(
  t: TestApp,
  merchantId: string,
  currency: Currency,
  amount: number,
  direction: 'charge' | 'refund',
): Promise<void> {
  await ensureSystemAccount(t, 'fees', currency);
  const merchantFees = merchantAccountId(merchantId, 'fees', currency);
  const platformFees = systemAccountId('fees', currency);
  await createTransfers(t, [
    {
      id: newId('transfer'),
      debit_account_id: direction === 'charge' ? merchantFees : platformFees,
      credit_account_id: direction === 'charge' ? platformFees : merchantFees,
      amount,
      currency,
      code: direction === 'charge' ? 'dispute_fee' : 'fees_recovered',
    },
  ]);
}

function recordingLogger(): Logger & { warnings: Array<Record<string, unknown> | undefined> } {
  const warnings: Array<Record<string, unknown> | undefined> = [];
  return { info() {}, error() {}, warn: (_message, fields) => warnings.push(fields), warnings };
}

function depsOf(t: TestApp, logger: Logger): ModuleDeps {
  const { store, clock, config, identity, queue } = t;
  return moduleDepsOf({ store, clock, config, logger, identity, queue }, modules);
}

async function feesFlag(t: TestApp, merchantId: string, currency: Currency): Promise<boolean | undefined> {
  return (await getAccount(t, merchantAccountId(merchantId, 'fees', currency)))
    ?.credits_must_not_exceed_debits;
}

describe.each(stores)('payments migration 1: the fees accounts’ credit cap (%s)', (_name, makeStore) => {
  it('caps old fees accounts, leaves over-credited ones for a person, records itself, and a second run changes nothing', async () => {
    const t = createTestApp({ store: await makeStore() });
    try {
      const old = await createTestMerchant(t);
      await openAccountsTheOldWay(t, old.id, 'USD');
      await openAccountsTheOldWay(t, old.id, 'EUR');
      await moveFees(t, old.id, 'USD', 1500, 'charge'); // a dispute fee owed: debits 1500
      await moveFees(t, old.id, 'USD', 500, 'refund'); // partly recovered: credits 500 ≤ 1500
      const overCredited = await createTestMerchant(t);
      await openAccountsTheOldWay(t, overCredited.id, 'USD');
      await moveFees(t, overCredited.id, 'USD', 700, 'refund'); // recovered without a fee owed
      const current = await createTestMerchant(t);
      // A merchant of today: its first payment opens its accounts with the cap.
      expect((await asMerchant(t, current)('POST', '/v1/payments', paymentBody())).status).toBe(201);
      expect(await feesFlag(t, old.id, 'USD')).toBe(false);
      expect(await feesFlag(t, current.id, 'USD')).toBe(true);

      const logger = recordingLogger();
      const first = await runMigrations(depsOf(t, logger), migrationsOf(modules));

      // The ledger's own migration runs too: it finds nothing of the older layout here.
      expect(first.ran).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ module: 'ledger', version: 1, changed: 0 }),
          expect.objectContaining({ module: 'payments', version: 1, changed: 2 }),
        ]),
      );
      expect(await feesFlag(t, old.id, 'USD')).toBe(true);
      expect(await feesFlag(t, old.id, 'EUR')).toBe(true);
      expect(await feesFlag(t, overCredited.id, 'USD')).toBe(false);
      expect(logger.warnings).toEqual([
        expect.objectContaining({ account: merchantAccountId(overCredited.id, 'fees', 'USD') }),
      ]);
      const records = (await readMigrationRecords(t.store)).filter(
        (record) => record.module === 'payments' && record.version === 1,
      );
      expect(records).toEqual([
        {
          module: 'payments',
          version: 1,
          description: expect.stringContaining('fees accounts'),
          applied_at: new Date(t.clock.now()).toISOString(),
          changed: 2,
        },
      ]);

      // The cap now holds: recovering more than the 1500 owed (500 already) is refused.
      const recovery = await moveFees(t, old.id, 'USD', 1001, 'refund').catch((error: unknown) => error);
      expect(recovery).toBeInstanceOf(AppError);
      await moveFees(t, old.id, 'USD', 1000, 'refund');

      t.clock.advance(60_000);
      const second = await runMigrations(depsOf(t, recordingLogger()), migrationsOf(modules));
      expect(second).toEqual({ ran: [], alreadyApplied: first.ran.length });
      expect(
        (await readMigrationRecords(t.store)).filter(
          (record) => record.module === 'payments' && record.version === 1,
        ),
      ).toEqual(records);
      // The migration itself is idempotent too, as a crash between its run and its record needs.
      expect((await capFeesAccountCredits({ ...t, logger: recordingLogger() })).changed).toBe(0);
      await expectBooksBalanced(t.store);
    } finally {
      await t.store.close();
    }
  });

  it('caps, on its next payment, a fees account that old code opened without recording the currency', async () => {
    const t = createTestApp({ store: await makeStore() });
    try {
      const merchant = await createTestMerchant(t);
      await openAccountsTheOldWay(t, merchant.id, 'USD', { recordCurrency: false });
      expect(await feesFlag(t, merchant.id, 'USD')).toBe(false);

      expect((await asMerchant(t, merchant)('POST', '/v1/payments', paymentBody())).status).toBe(201);

      expect(await feesFlag(t, merchant.id, 'USD')).toBe(true);
      await expectBooksBalanced(t.store);
    } finally {
      await t.store.close();
    }
  });

  it('refuses to run on a store that a newer version of the code migrated, and changes nothing', async () => {
    const t = createTestApp({ store: await makeStore() });
    try {
      const old = await createTestMerchant(t);
      await openAccountsTheOldWay(t, old.id, 'USD');
      await t.store.transact([
        migrationRecordPut({
          module: 'payments',
          version: 99,
          description: 'a migration of a later release',
          applied_at: '2027-01-01T00:00:00.000Z',
          changed: 0,
        }),
      ]);

      const refusal = await runMigrations(depsOf(t, recordingLogger()), migrationsOf(modules)).catch(
        (error: unknown) => error,
      );

      expect(refusal).toBeInstanceOf(DataNewerThanCodeError);
      expect((refusal as DataNewerThanCodeError).newer).toEqual([
        { module: 'payments', storeVersion: 99, codeVersion: paymentsMigrations.length },
      ]);
      expect((refusal as Error).message).toContain('payments is migrated to version 99');
      expect(await feesFlag(t, old.id, 'USD')).toBe(false);
      expect((await readMigrationRecords(t.store)).map((record) => record.version)).toEqual([99]);
      await expectBooksBalanced(t.store);
    } finally {
      await t.store.close();
    }
  });
});

describe.each(stores)('payments migration 2: the negative-balance floor (%s)', (_name, makeStore) => {
  it('opens the credit line and grants the floor once, leaving the balance shown as it was', async () => {
    const t = createTestApp({ store: await makeStore() });
    try {
      const old = await createTestMerchant(t);
      await openAccountsTheOldWay(t, old.id, 'USD');
      // Settled funds from before: 2,000 in available.
      await createTransfers(t, [
        {
          id: newId('transfer'),
          debit_account_id: systemAccountId('card_network', 'USD'),
          credit_account_id: merchantAccountId(old.id, 'available', 'USD'),
          amount: 2_000,
          currency: 'USD',
          code: 'settlement',
        },
      ]);
      const api = asMerchant(t, old);
      const shown = async () => (await api('GET', '/v1/balance')).json.balances[0];
      expect(await shown()).toMatchObject({ available: 2_000, negative_balance_limit: 0 });

      expect((await openBalanceFloors(t)).changed).toBe(1);
      expect((await openBalanceFloors(t)).changed).toBe(1);

      expect(await shown()).toMatchObject({ available: 2_000, negative_balance_limit: 10_000 });
      const available = await getAccount(t, merchantAccountId(old.id, 'available', 'USD'));
      expect(available!.credits_posted - available!.debits_posted).toBe(12_000);
      await expectBooksBalanced(t.store);
    } finally {
      await t.store.close();
    }
  });
});
