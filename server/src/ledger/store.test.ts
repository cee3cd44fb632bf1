import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap, partitionsWritten } from '../platform/keys.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { Account, Transfer } from './model.ts';
import {
  accountFromItem,
  accountOpeningPuts,
  accountUpdate,
  historyEntryOf,
  holdResolutionUpdate,
  ledgerKeyPatterns,
  transferFromItem,
  transferPut,
} from './store.ts';

const account: Account = {
  id: 'acct_a',
  currency: 'USD',
  owner: 'usr_a',
  code: 'wallet',
  debits_must_not_exceed_credits: true,
  credits_must_not_exceed_debits: false,
  debits_pending: 0,
  debits_posted: 0,
  credits_pending: 0,
  credits_posted: 500,
  created_at: '2026-01-01T00:00:00.000Z',
};
const hold: Transfer = {
  id: 'tr_hold',
  kind: 'pending',
  debit_account_id: 'acct_a',
  credit_account_id: 'acct_b',
  amount: 300,
  currency: 'USD',
  code: 'card',
  pending_status: 'pending',
  timeout_at: 0,
  metadata: { note: 'x' },
  created_at: '2026-01-01T00:00:01.000Z',
};
const post: Transfer = {
  ...hold,
  id: 'tr_post',
  kind: 'post_pending',
  pending_id: hold.id,
  pending_status: undefined,
  timeout_at: undefined,
};

const itemOf = (operation: WriteOperation) =>
  operation.type === 'put' ? operation.item : { pk: '', sk: '' };
describe('ledger store', () => {
  it('claims key patterns that never overlap one another', () => {
    for (const [i, a] of ledgerKeyPatterns.entries())
      for (const b of ledgerKeyPatterns.slice(i + 1))
        expect(keyPatternsOverlap(a, b), `${a} ~ ${b}`).toBe(false);
  });

  it('writes only partitions its patterns claim, each claimed once', () => {
    const delta = {
      currency: 'USD' as const,
      debits_pending: 0,
      debits_posted: 5,
      credits_pending: 0,
      credits_posted: 0,
    };
    const operations = [
      ...accountOpeningPuts(account, 4),
      transferPut(hold, { debit: 0, credit: 3 }),
      accountUpdate(account.id, delta),
      accountUpdate(account.id, delta, 2),
      holdResolutionUpdate(hold, post, 0),
    ];
    for (const key of operations.flatMap(partitionsWritten))
      expect(
        ledgerKeyPatterns.filter((pattern) => keyMatchesPattern(key, pattern)),
        key,
      ).toHaveLength(1);
  });

  it('reads back what it writes', () => {
    expect(accountFromItem(itemOf(accountOpeningPuts(account)[0]!))).toEqual(account);
    expect(transferFromItem(itemOf(transferPut(hold)))).toEqual(hold);
    expect(transferFromItem(itemOf(transferPut(post)))).toEqual(post);
    const stored = transferFromItem(itemOf(transferPut(hold)));
    expect([historyEntryOf(stored, 'acct_a').direction, historyEntryOf(stored, 'acct_b').direction]).toEqual([
      'debit',
      'credit',
    ]);
    expect(historyEntryOf(stored, 'acct_b').counterparty_account_id).toBe('acct_a');
  });

  it('stores a transfer’s id and accounts only in its keys, and reads them back from there', () => {
    const item = itemOf(transferPut(hold, { debit: 2, credit: 3 }));
    for (const name of ['id', 'debit_account_id', 'credit_account_id']) expect(item).not.toHaveProperty(name);
    expect(item).toMatchObject({ pk: 'TR#tr_hold', gsi2pk: 'ACC#acct_a#S#2', gsi3pk: 'ACC#acct_b#S#3' });
    expect(transferFromItem(item)).toEqual(hold);
    // An item written before kept them as attributes as well: read the same.
    expect(
      transferFromItem({ ...item, id: hold.id, debit_account_id: 'acct_a', credit_account_id: 'acct_b' }),
    ).toEqual(hold);
    // An item whose keys do not say it (no history partition) is refused, naming the field.
    const { gsi3pk: _gone, ...withoutCredit } = item;
    expect(() => transferFromItem(withoutCredit)).toThrow(/credit_account_id/);
  });

  it('refuses a malformed item with an error naming the field', () => {
    const item = itemOf(accountOpeningPuts(account)[0]!);
    expect(() => accountFromItem({ ...item, credits_posted: '500' })).toThrow(/credits_posted/);
    expect(() => transferFromItem({ ...itemOf(transferPut(hold)), currency: 'XXX' })).toThrow(/currency/);
  });
});
