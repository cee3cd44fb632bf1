import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Store } from '../platform/store.ts';
import {
  createAccount,
  createTransfers,
  ensureSystemAccount,
  listHistory,
  type LedgerDeps,
} from './index.ts';

/**
 * History sort keys changed from `<ISO time>#<id>` to `T<time as ids encode it><id>`. An account
 * whose history holds both (entries written before and after an upgrade) still lists in time
 * order, both ways, across pages.
 */
describe.each(bothStores('sluice-history-keys'))(
  'history across both sort-key layouts (%s)',
  (_name, open) => {
    it('lists older-layout entries below newer ones, newest first and oldest first, page by page', async () => {
      const store: Store = await open();
      const clock = new ManualClock(Date.UTC(2026, 11, 5, 9));
      const deps: LedgerDeps = { store, clock };
      const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
      await createAccount(deps, { id: 'a', currency: 'USD', owner: 'a', code: 'wallet' });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        clock.advance(1000);
        const id = newId('transfer', clock.now());
        ids.push(id);
        await createTransfers(deps, [
          {
            id,
            debit_account_id: issuance.id,
            credit_account_id: 'a',
            amount: 1 + i,
            currency: 'USD',
            code: 'funding',
          },
        ]);
      }
      // The three oldest as a release before wrote them.
      for (const id of ids.slice(0, 3)) {
        const item = await store.get({ pk: `TR#${id}`, sk: 'TR' });
        const old = `${String(item?.created_at)}#${id}`;
        await store.transact([
          { type: 'update', key: { pk: `TR#${id}`, sk: 'TR' }, set: { gsi2sk: old, gsi3sk: old } },
        ]);
      }
      expect((await store.get({ pk: `TR#${ids[5]}`, sk: 'TR' }))?.gsi3sk).toMatch(/^T[0-9A-Z]{10}tr_/);

      for (const direction of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listHistory(store, 'a', { limit: 2, direction, ...(cursor ? { cursor } : {}) });
          seen.push(...page.entries.map((entry) => entry.transfer_id));
          cursor = page.next_cursor;
        } while (cursor);
        expect(seen).toEqual(direction === 'desc' ? [...ids].reverse() : ids);
      }
      await expectBooksBalanced(store);
      await store.close();
    });
  },
);
