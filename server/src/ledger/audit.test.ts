import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import type { Currency } from '../kernel/money.ts';
import type { Item, ItemKey, Query, QueryPage, Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  auditLedger,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  systemAccountId,
  type AuditReport,
  type LedgerDeps,
} from './index.ts';

/**
 * The audit is what every money test ends with, so it must itself be shown to catch broken books.
 * Each test here builds a healthy two-currency ledger through the service, then breaks it the way
 * a bug would (a raw write through the Store that the ledger service would never make) and
 * expects the audit, and `expectBooksBalanced`, to say so.
 */

let store: SqliteStore;
let deps: LedgerDeps;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  deps = { store, clock: new ManualClock() };
  // Healthy books in two currencies: each wallet funded from its currency's issuance account.
  for (const currency of ['USD', 'EUR'] as const) {
    await wallet(`w_${currency}_1`, currency);
    await wallet(`w_${currency}_2`, currency);
    await fund(`w_${currency}_1`, currency, 1_000);
    await createTransfers(deps, [
      {
        id: `tr_${currency}_p2p`,
        debit_account_id: `w_${currency}_1`,
        credit_account_id: `w_${currency}_2`,
        amount: 300,
        currency,
        code: 'p2p',
      },
      {
        kind: 'pending',
        id: `tr_${currency}_hold`,
        debit_account_id: `w_${currency}_1`,
        credit_account_id: `w_${currency}_2`,
        amount: 200,
        currency,
        code: 'auth',
      },
    ]);
  }
});
afterEach(() => store.close());

async function wallet(id: string, currency: Currency) {
  await createAccount(deps, {
    id,
    currency,
    owner: id,
    code: 'wallet',
    debits_must_not_exceed_credits: true,
  });
}

async function fund(id: string, currency: Currency, amount: number) {
  const issuance = await ensureSystemAccount(deps, 'issuance', currency);
  await createTransfers(deps, [
    {
      id: `tr_fund_${id}`,
      debit_account_id: issuance.id,
      credit_account_id: id,
      amount,
      currency,
      code: 'fund',
    },
  ]);
}

/** Adds to an account item's totals directly, as a buggy writer would. */
function rawAdd(accountId: string, add: Record<string, number>, sk = 'ACC'): Promise<void> {
  return store.transact([{ type: 'update', key: { pk: `ACC#${accountId}`, sk }, add }]);
}

function currencyOf(report: AuditReport, currency: string) {
  const found = report.currencies.find((c) => c.currency === currency);
  expect(found, currency).toBeDefined();
  return found!;
}

async function expectCaught(): Promise<void> {
  await expect(expectBooksBalanced(store)).rejects.toThrow();
}

describe('ledger audit', () => {
  it('passes healthy books in two currencies, with exact per-currency totals', async () => {
    const report = await auditLedger(store, Date.UTC(2026, 4, 1), 1);
    expect(report.balanced).toBe(true);
    expect(report.checked_at).toBe('2026-05-01T00:00:00.000Z');
    expect(report.currencies.map((c) => c.currency).sort()).toEqual(['EUR', 'USD']);
    for (const currency of ['USD', 'EUR']) {
      expect(currencyOf(report, currency)).toEqual({
        currency,
        accounts: 3,
        debits_posted: 1_300n,
        credits_posted: 1_300n,
        debits_pending: 200n,
        credits_pending: 200n,
        balanced: true,
        overdrawn_accounts: [],
        system_accounts: [
          {
            id: systemAccountId('issuance', currency as Currency),
            code: 'issuance',
            debits_posted: 1_000,
            credits_posted: 0,
          },
        ],
      });
    }
    await expectBooksBalanced(store);
  });

  it('catches a one-sided write: a credit with no debit', async () => {
    await rawAdd('w_USD_2', { credits_posted: 50 });
    const report = await auditLedger(store, 0, 1);
    expect(report.balanced).toBe(false);
    expect(currencyOf(report, 'USD')).toMatchObject({
      balanced: false,
      debits_posted: 1_300n,
      credits_posted: 1_350n,
    });
    expect(currencyOf(report, 'EUR').balanced).toBe(true);
    await expectCaught();
  });

  it('catches a one-sided write on a shard of a sharded system account', async () => {
    await rawAdd(systemAccountId('issuance', 'EUR'), { debits_posted: 7 }, 'S#5');
    const report = await auditLedger(store, 0, 1);
    expect(currencyOf(report, 'EUR')).toMatchObject({ balanced: false, debits_posted: 1_307n });
    await expectCaught();
  });

  it('catches a transfer whose credit went to an account of another currency', async () => {
    // USD debited, the EUR wallet credited: each currency's books are off by the amount.
    await rawAdd('w_USD_1', { debits_posted: 100, dr_room: -100 });
    await rawAdd('w_EUR_2', { credits_posted: 100, dr_room: 100 });
    const report = await auditLedger(store, 0, 1);
    expect(currencyOf(report, 'USD')).toMatchObject({
      balanced: false,
      debits_posted: 1_400n,
      credits_posted: 1_300n,
    });
    expect(currencyOf(report, 'EUR')).toMatchObject({
      balanced: false,
      debits_posted: 1_300n,
      credits_posted: 1_400n,
    });
    await expectCaught();
  });

  it('catches totals off by one, posted or pending, on either side', async () => {
    for (const field of ['debits_posted', 'credits_posted', 'debits_pending', 'credits_pending']) {
      await rawAdd('w_EUR_2', { [field]: 1 });
      const audit = currencyOf(await auditLedger(store, 0, 1), 'EUR');
      expect(audit.balanced, field).toBe(false);
      await expectCaught();
      await rawAdd('w_EUR_2', { [field]: -1 });
      expect(currencyOf(await auditLedger(store, 0, 1), 'EUR').balanced, `${field} restored`).toBe(true);
    }
  });

  it('catches pending totals that balance posted ones but not each other', async () => {
    // Σ posted still balances; a hold recorded on one side only does not.
    await rawAdd('w_USD_1', { debits_pending: 25 });
    await rawAdd('w_USD_2', { credits_posted: 25 });
    await rawAdd(systemAccountId('issuance', 'USD'), { debits_posted: 25 });
    const audit = currencyOf(await auditLedger(store, 0, 1), 'USD');
    expect(audit.debits_posted).toBe(audit.credits_posted);
    expect(audit).toMatchObject({ balanced: false, debits_pending: 225n, credits_pending: 200n });
    await expectCaught();
  });

  it('catches a second currency unbalanced while the first is fine', async () => {
    await rawAdd('w_EUR_1', { debits_pending: -200 });
    const report = await auditLedger(store, 0, 1);
    expect(currencyOf(report, 'USD').balanced).toBe(true);
    expect(currencyOf(report, 'EUR')).toMatchObject({
      balanced: false,
      debits_pending: 0n,
      credits_pending: 200n,
    });
    expect(report.balanced).toBe(false);
    await expectCaught();
  });

  it('catches an overdrawn account even when the books balance', async () => {
    // The wallet pays out 1,000 more than it holds: balanced double entry, broken limit.
    await rawAdd('w_USD_1', { debits_posted: 1_000 });
    await rawAdd('w_USD_2', { credits_posted: 1_000 });
    const report = await auditLedger(store, 0, 1);
    expect(currencyOf(report, 'USD')).toMatchObject({ balanced: true, overdrawn_accounts: ['w_USD_1'] });
    expect(report.balanced).toBe(false);
    await expectCaught();
  });

  it('counts pending debits against a no-overdraft account', async () => {
    // Posted it still holds 700 − 0; with a further 600 held it is short by 100.
    await rawAdd('w_USD_1', { debits_pending: 600 });
    await rawAdd('w_USD_2', { credits_pending: 600 });
    expect(currencyOf(await auditLedger(store, 0, 1), 'USD').overdrawn_accounts).toEqual(['w_USD_1']);
  });

  it('catches an over-credited account whose credits must not exceed its debits', async () => {
    await createAccount(deps, {
      id: 'owed',
      currency: 'EUR',
      owner: 'm',
      code: 'fees',
      credits_must_not_exceed_debits: true,
    });
    await createTransfers(deps, [
      {
        id: 'tr_owe',
        debit_account_id: 'owed',
        credit_account_id: 'w_EUR_2',
        amount: 40,
        currency: 'EUR',
        code: 'fee',
      },
    ]);
    expect((await auditLedger(store, 0, 1)).balanced).toBe(true);
    // Recovered twice: 80 credited against 40 owed.
    await rawAdd('owed', { credits_posted: 80 });
    await rawAdd('w_EUR_2', { debits_posted: 80 });
    const audit = currencyOf(await auditLedger(store, 0, 1), 'EUR');
    expect(audit).toMatchObject({ balanced: true, overdrawn_accounts: ['owed'] });
    await expectCaught();
    // Pending credits count too.
    await rawAdd('owed', { credits_posted: -80 });
    await rawAdd('w_EUR_2', { debits_posted: -80 });
    await rawAdd('owed', { credits_pending: 41 });
    await rawAdd('w_EUR_2', { debits_pending: 41 });
    expect(currencyOf(await auditLedger(store, 0, 1), 'EUR').overdrawn_accounts).toEqual(['owed']);
  });

  it('re-reads a currency that looked unbalanced before reporting it, and reports one that stays so', async () => {
    // A reader that sees the first read of w_USD_2 one credit short, as if straddling a transfer.
    let stale = 1;
    const straddling: Store = {
      get: async (key: ItemKey) => {
        const item = await store.get(key);
        if (item && key.pk === 'ACC#w_USD_2' && key.sk === 'ACC' && stale > 0) {
          stale -= 1;
          return { ...item, credits_posted: (item.credits_posted as number) - 1 } as Item;
        }
        return item;
      },
      query: (query: Query): Promise<QueryPage> => store.query(query),
      transact: (operations: WriteOperation[]) => store.transact(operations),
      close: async () => {},
    };
    expect((await auditLedger(straddling, 0, 1)).balanced).toBe(false);
    stale = 1;
    expect((await auditLedger(straddling, 0, 2)).balanced).toBe(true);
    stale = 1;
    expect((await auditLedger(straddling, 0)).balanced).toBe(true);
    stale = 3;
    expect((await auditLedger(straddling, 0, 3)).balanced).toBe(false);
  });
});
