import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Store } from '../platform/store.ts';
import {
  auditLedger,
  balanceOf,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  foldAccountShards,
  getAccount,
  listHistory,
  setAccountShards,
  type LedgerDeps,
} from './index.ts';
import { migrateToTransferHistory } from './migrations.ts';
import { systemAccountShards } from './system-accounts.ts';

const stores = bothStores('sluice-shards');

async function withLedger(open: () => Promise<Store>, run: (deps: LedgerDeps) => Promise<void>) {
  const store = await open();
  const deps = { store, clock: new ManualClock(Date.parse('2026-01-15T12:00:00Z')) };
  try {
    await run(deps);
    await expectBooksBalanced(store);
  } finally {
    await store.close?.();
  }
}

const transfer = (debit: string, credit: string, amount: number, kind?: 'pending') => ({
  id: newId('transfer'),
  debit_account_id: debit,
  credit_account_id: credit,
  amount,
  currency: 'USD' as const,
  code: 'test',
  ...(kind ? { kind } : {}),
});

/** Every stored item of an account's partition (its item and its shards). */
async function itemsOf(store: Store, accountId: string) {
  return (await store.query({ partition: `ACC#${accountId}` })).items;
}

describe.each(stores)('ledger shards (%s)', (_name, open) => {
  it('spreads a system account over its shard items, and reads, audits and lists it as one account', () =>
    withLedger(open, async (deps) => {
      const network = await ensureSystemAccount(deps, 'card_network', 'USD');
      await createAccount(deps, { id: 'mer', currency: 'USD', owner: 'm', code: 'merchant' });
      const holds = [];
      for (let i = 0; i < 40; i++) {
        const hold = transfer(network.id, 'mer', 100 + i, 'pending');
        await createTransfers(deps, [hold]);
        holds.push(hold);
      }
      // Resolve half: the resolution goes to the items the hold went to.
      for (const hold of holds.slice(0, 20))
        await createTransfers(deps, [{ kind: 'post_pending', id: newId('transfer'), pending_id: hold.id }]);

      const items = await itemsOf(deps.store, network.id);
      expect(items).toHaveLength(systemAccountShards);
      const touched = items.filter((item) => item.debits_pending !== 0 || item.debits_posted !== 0);
      expect(touched.length).toBeGreaterThan(10);
      const posted = holds.slice(0, 20).reduce((sum, hold) => sum + hold.amount, 0);
      const pending = holds.slice(20).reduce((sum, hold) => sum + hold.amount, 0);
      expect(await getAccount(deps, network.id)).toMatchObject({
        debits_posted: posted,
        debits_pending: pending,
      });
      // No shard holds a negative pending total: each resolution hit its hold's item.
      for (const item of items) expect(item.debits_pending).toBeGreaterThanOrEqual(0);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listHistory(deps.store, network.id, { limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.entries.map((entry) => entry.transfer_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
      const audit = await auditLedger(deps.store, deps.clock.now());
      expect(audit.currencies[0]!.accounts).toBe(2);
    }));

  it("keeps a limited account's spending check atomic: credits wait in shards until folded", () =>
    withLedger(open, async (deps) => {
      const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
      await createAccount(deps, {
        id: 'hot',
        currency: 'USD',
        owner: 'm',
        code: 'merchant_available',
        debits_must_not_exceed_credits: true,
      });
      await createAccount(deps, { id: 'out', currency: 'USD', owner: 'x', code: 'payout' });
      expect(await setAccountShards(deps, 'hot', 8)).toBe(8);
      for (let i = 0; i < 16; i++) await createTransfers(deps, [transfer(issuance.id, 'hot', 100)]);
      const hot = await getAccount(deps, 'hot');
      expect(balanceOf(hot!).available).toBe(1600);
      const main = (await itemsOf(deps.store, 'hot')).find((item) => item.sk === 'ACC')!;
      expect(main.credits_posted).toBeLessThan(1600);

      // A debit of everything succeeds: the refusal on the account item folds the shards first.
      await createTransfers(deps, [transfer('hot', 'out', 1600)]);
      expect(balanceOf((await getAccount(deps, 'hot'))!).available).toBe(0);
      const refused = await createTransfers(deps, [transfer('hot', 'out', 1)]).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('insufficient_funds');
      expect(await foldAccountShards(deps, 'hot')).toBe(0);
    }));

  it('refuses a count out of range and never shrinks one', () =>
    withLedger(open, async (deps) => {
      await createAccount(deps, { id: 'a', currency: 'USD', owner: 'a', code: 'x' });
      await expect(setAccountShards(deps, 'a', 0)).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(setAccountShards(deps, 'a', 97)).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(setAccountShards(deps, 'missing', 2)).rejects.toMatchObject({ code: 'not_found' });
      expect(await setAccountShards(deps, 'a', 4)).toBe(4);
      expect(await setAccountShards(deps, 'a', 2)).toBe(4);
      expect(await itemsOf(deps.store, 'a')).toHaveLength(4);
      // Twenty admins at once: each gets at least what it asked for, and the largest stands.
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => setAccountShards(deps, 'a', 5 + i)),
      );
      counts.forEach((count, i) => expect(count).toBeGreaterThanOrEqual(5 + i));
      expect(await itemsOf(deps.store, 'a')).toHaveLength(24);
    }));

  it('migrates history items of the older layout onto their transfers, once', () =>
    withLedger(open, async (deps) => {
      await createAccount(deps, { id: 'a', currency: 'USD', owner: 'a', code: 'x' });
      await createAccount(deps, { id: 'b', currency: 'USD', owner: 'b', code: 'x' });
      // Older code: a system account with one item, and a transfer with one history item a side.
      await deps.store.transact([
        {
          type: 'put',
          item: {
            pk: 'ACC#old_sys',
            sk: 'ACC',
            entity: 'account',
            id: 'old_sys',
            currency: 'USD',
            owner: 'system',
            code: 'issuance',
            debits_must_not_exceed_credits: false,
            credits_must_not_exceed_debits: false,
            debits_pending: 0,
            debits_posted: 0,
            credits_pending: 0,
            credits_posted: 0,
            created_at: '2026-01-01T00:00:00.000Z',
            dr_room: 0,
            cr_room: 0,
          },
        },
        { type: 'put', item: { pk: 'LEDGER#CURRENCY#USD', sk: 'old_sys' } },
      ]);
      const old = {
        id: 'tr_old',
        kind: 'posted',
        debit_account_id: 'a',
        credit_account_id: 'b',
        amount: 0,
        currency: 'USD',
        code: 'x',
        metadata: {},
        created_at: '2026-01-02T00:00:00.000Z',
      };
      const side = (account: string, direction: string, counterparty: string) => ({
        type: 'put' as const,
        item: {
          pk: `ACC#${account}`,
          sk: `H#${old.created_at}#${old.id}`,
          entity: 'history',
          account_id: account,
          transfer_id: old.id,
          kind: 'posted',
          direction,
          amount: 0,
          currency: 'USD',
          code: 'x',
          counterparty_account_id: counterparty,
          metadata: {},
          created_at: old.created_at,
        },
      });
      await deps.store.transact([
        { type: 'put', item: { pk: 'TR#tr_old', sk: 'TR', entity: 'transfer', ...old } },
        side('a', 'debit', 'b'),
        side('b', 'credit', 'a'),
      ]);
      expect((await listHistory(deps.store, 'a')).entries).toEqual([]);

      expect((await migrateToTransferHistory(deps)).changed).toBe(3);
      expect((await listHistory(deps.store, 'a')).entries).toMatchObject([
        { transfer_id: 'tr_old', direction: 'debit' },
      ]);
      expect((await listHistory(deps.store, 'b')).entries).toMatchObject([
        { transfer_id: 'tr_old', direction: 'credit', counterparty_account_id: 'a' },
      ]);
      expect((await itemsOf(deps.store, 'a')).map((item) => item.sk)).toEqual(['ACC']);
      expect(await itemsOf(deps.store, 'old_sys')).toHaveLength(systemAccountShards);
      expect((await migrateToTransferHistory(deps)).changed).toBe(0);
    }));
});
