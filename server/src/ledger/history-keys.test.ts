import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { timeSortKey } from '../kernel/ids.ts';
import type { Store } from '../platform/store.ts';
import {
  createAccount,
  createTransfers,
  ensureSystemAccount,
  listHistory,
  type LedgerDeps,
} from './index.ts';

/**
 * History sort keys changed from `<ISO time>#<id>` to `T<time as ids encode it><id>`, then to
 * `T<time><the id's random part>`. An account whose history holds all three (entries written
 * before and after upgrades) still lists in time order, both ways, across pages.
 */
describe.each(bothStores('sluice-history-keys'))(
  'history across the sort-key layouts (%s)',
  (_name, open) => {
    it('lists older-layout entries below newer ones, newest first and oldest first, page by page', async () => {
      const store: Store = await open();
      const clock = new ManualClock(Date.UTC(2026, 11, 5, 9));
      const deps: LedgerDeps = { store, clock };
      const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
      await createAccount(deps, { id: 'a', currency: 'USD', owner: 'a', code: 'wallet' });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        clock.advance(1000);
        // As `newId` mints them at this time (its own clock may run ahead of the manual one).
        const id = `tr_${timeSortKey(clock.now())}${String(i).padStart(16, '0')}`;
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
      // The three oldest as the first layout wrote them, the next two as the second.
      for (const [i, id] of ids.slice(0, 5).entries()) {
        const item = await store.get({ pk: `TR#${id}`, sk: 'TR' });
        const createdAt = String(item?.created_at);
        const old = i < 3 ? `${createdAt}#${id}` : `T${timeSortKey(Date.parse(createdAt))}${id}`;
        await store.transact([
          { type: 'update', key: { pk: `TR#${id}`, sk: 'TR' }, set: { gsi2sk: old, gsi3sk: old } },
        ]);
      }
      const newest = ids[7]!;
      expect((await store.get({ pk: `TR#${newest}`, sk: 'TR' }))?.gsi3sk).toBe(
        `T${newest.slice('tr_'.length)}`,
      );

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
