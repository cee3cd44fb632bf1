import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap, partitionsWritten } from '../platform/keys.ts';
import { TransactionCanceledError, type WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  merchantVendorsPage,
  payoutPut,
  readSplit,
  readVendor,
  splitPut,
  splitsDue,
  toSplitGroup,
  toVendorPayout,
  vendorKeyPatterns,
  vendorPayoutsPage,
  vendorPut,
  vendorSplitIntents,
  vendorSplitPut,
  type SplitRecord,
  type VendorPayoutRecord,
  type VendorRecord,
} from './vendors-store.ts';

/**
 * The vendors' stored layout, on a real SQLite store: the keys each write uses (stored items
 * stay where earlier versions put them), the conditions that make a write once-only or
 * versioned, the settlement index, and each list's order and paging. No money moves here.
 */

const vendor = (id: string, merchant = 'mer_1'): VendorRecord => ({
  id,
  merchant,
  name: `Vendor ${id}`,
  email: null,
  currency: 'USD',
  created_at: '2026-01-15T12:00:00.000Z',
});
const split = (intent: string, fields: Partial<SplitRecord> = {}): SplitRecord => ({
  intent,
  merchant: 'mer_1',
  owner: 'usr_1',
  currency: 'USD',
  status: 'transferred',
  source: 'pending',
  lines: [{ vendor: 'ven_1', amount: 700, reversed: 0, shortfall: 0 }],
  platform_fee: 300,
  platform_refunded: 0,
  reversals: [],
  settle_on: '2026-01-16',
  transferred_at: '2026-01-15T12:00:00.000Z',
  settled_at: null,
  created_at: '2026-01-15T12:00:00.000Z',
  version: 1,
  ...fields,
});
const payout = (id: string, vendorId = 'ven_1'): VendorPayoutRecord => ({
  id,
  object: 'vendor_payout',
  vendor: vendorId,
  merchant: 'mer_1',
  amount: 500,
  currency: 'USD',
  status: 'paid',
  destination: { type: 'wallet', wallet: { user: 'usr_9' }, bank_account: null },
  created_at: '2026-01-15T12:00:00.000Z',
  transfer: `tr_${id}`,
});
const itemOf = (operation: WriteOperation) => (operation.type === 'put' ? operation.item : {});

describe('vendors store: keys and conditions', () => {
  it('claims key patterns that never overlap one another', () => {
    for (const [i, a] of vendorKeyPatterns.entries())
      for (const b of vendorKeyPatterns.slice(i + 1))
        expect(keyPatternsOverlap(a, b), `${a} ~ ${b}`).toBe(false);
  });

  it('writes each item under its fixed key, once, with its list partitions', () => {
    expect(vendorPut(vendor('ven_1'))).toEqual({
      type: 'put',
      item: {
        pk: 'HUB#VENDOR#ven_1',
        sk: 'VENDOR',
        ...vendor('ven_1'),
        gsi1pk: 'HUB#MERVENDORS#mer_1',
        gsi1sk: 'ven_1',
      },
      condition: { attributeNotExists: 'pk' },
    });
    expect(payoutPut(payout('vpo_1'))).toEqual({
      type: 'put',
      item: {
        pk: 'HUB#VPAYOUT#vpo_1',
        sk: 'VPAYOUT',
        ...payout('vpo_1'),
        gsi1pk: 'HUB#VENDORPAYOUTS#ven_1',
        gsi1sk: 'vpo_1',
      },
      condition: { attributeNotExists: 'pk' },
    });
    expect(vendorSplitPut('ven_1', 'pi_1', 700)).toEqual({
      type: 'put',
      item: { pk: 'HUB#VENDORSPLITS#ven_1', sk: 'pi_1', intent: 'pi_1', amount: 700 },
    });
    expect(itemOf(splitPut(split('pi_1')))).toMatchObject({
      pk: 'HUB#SPLIT#pi_1',
      sk: 'SPLIT',
      gsi2pk: 'HUB#SPLITDUE',
      gsi2sk: '2026-01-16#pi_1',
    });
  });

  it('writes only partitions its patterns claim, each claimed once', () => {
    const writes = [
      vendorPut(vendor('ven_1')),
      splitPut(split('pi_1')),
      vendorSplitPut('ven_1', 'pi_1', 700),
      payoutPut(payout('vpo_1')),
    ];
    const keys = writes.flatMap(partitionsWritten);
    expect(keys).toHaveLength(7);
    for (const key of keys)
      expect(
        vendorKeyPatterns.filter((pattern) => keyMatchesPattern(key, pattern)),
        key,
      ).toHaveLength(1);
  });

  it('writes a new split group once and a later one over the version it read', () => {
    expect(splitPut(split('pi_1')).condition).toEqual({ attributeNotExists: 'pk' });
    expect(splitPut(split('pi_1', { version: 2 })).condition).toEqual({ compare: ['version', '=', 1] });
    expect(splitPut(split('pi_1', { version: 7 })).condition).toEqual({ compare: ['version', '=', 6] });
  });

  it('puts a split group in the settlement index only while it is transferred with a settle day', () => {
    const due = (fields: Partial<SplitRecord>) => 'gsi2pk' in itemOf(splitPut(split('pi_1', fields)));
    expect(due({})).toBe(true);
    expect(due({ settle_on: null })).toBe(false);
    expect(due({ status: 'awaiting_payment' })).toBe(false);
    expect(due({ status: 'settled', settled_at: '2026-01-16T00:00:00.000Z' })).toBe(false);
    const { gsi2sk } = itemOf(splitPut(split('pi_1', { status: 'awaiting_payment' }))) as { gsi2sk?: string };
    expect(gsi2sk).toBeUndefined();
  });

  it('shows a split group and a vendor payout without their stored-only fields', () => {
    expect(toSplitGroup(split('pi_1'))).toEqual({
      object: 'split_group',
      payment_intent: 'pi_1',
      merchant: 'mer_1',
      currency: 'USD',
      status: 'transferred',
      lines: [{ vendor: 'ven_1', amount: 700, reversed: 0, shortfall: 0 }],
      platform_fee: 300,
      platform_refunded: 0,
      transferred_at: '2026-01-15T12:00:00.000Z',
      settled_at: null,
      created_at: '2026-01-15T12:00:00.000Z',
    });
    const { transfer: _transfer, ...shown } = payout('vpo_1');
    expect(toVendorPayout(payout('vpo_1'))).toEqual(shown);
  });
});

describe('vendors store: reads on SQLite', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('reads back a vendor, refuses a second one with its id, and finds none for an unknown id', async () => {
    await store.transact([vendorPut(vendor('ven_1'))]);
    expect(await readVendor(store, 'ven_1')).toEqual(vendor('ven_1'));
    expect(await readVendor(store, 'ven_2')).toBeUndefined();
    await expect(store.transact([vendorPut({ ...vendor('ven_1'), name: 'Other' })])).rejects.toThrow(
      TransactionCanceledError,
    );
    expect((await readVendor(store, 'ven_1'))?.name).toBe('Vendor ven_1');
  });

  it("lists a merchant's vendors newest first, a page at a time, and no one else's", async () => {
    await store.transact(
      ['ven_1', 'ven_2', 'ven_3']
        .map((id) => vendorPut(vendor(id)))
        .concat(vendorPut(vendor('ven_4', 'mer_2'))),
    );
    const first = await merchantVendorsPage(store, 'mer_1', { limit: 2 });
    expect(first.data.map((v) => v.id)).toEqual(['ven_3', 'ven_2']);
    expect(first.data[0]).toEqual(vendor('ven_3'));
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await merchantVendorsPage(store, 'mer_1', { limit: 2, cursor: first.next_cursor! });
    expect(second).toEqual({ data: [vendor('ven_1')], next_cursor: undefined });
    expect((await merchantVendorsPage(store, 'mer_2', { limit: 10 })).data.map((v) => v.id)).toEqual([
      'ven_4',
    ]);
  });

  it('reads back a split group as written and refuses a write over a version it did not read', async () => {
    await store.transact([splitPut(split('pi_1'))]);
    expect(await readSplit(store, 'pi_1')).toEqual(split('pi_1'));
    await expect(store.transact([splitPut(split('pi_1'))])).rejects.toThrow(TransactionCanceledError);
    const settled = split('pi_1', { status: 'settled', settled_at: '2026-01-16T00:00:00.000Z', version: 2 });
    await store.transact([splitPut(settled)]);
    expect(await readSplit(store, 'pi_1')).toEqual(settled);
    await expect(store.transact([splitPut({ ...settled, version: 4 })])).rejects.toThrow(
      TransactionCanceledError,
    );
    expect(await readSplit(store, 'pi_2')).toBeUndefined();
  });

  it('lists the groups due on or before a day, oldest first, and leaves out settled and later ones', async () => {
    await store.transact([
      splitPut(split('pi_b', { settle_on: '2026-01-16' })),
      splitPut(split('pi_a', { settle_on: '2026-01-16' })),
      splitPut(split('pi_c', { settle_on: '2026-01-15' })),
      splitPut(split('pi_d', { settle_on: '2026-01-17' })),
      splitPut(split('pi_e', { status: 'awaiting_payment', settle_on: null, transferred_at: null })),
    ]);
    const due = await splitsDue(store, '2026-01-16');
    expect(due.splits.map((s) => s.intent)).toEqual(['pi_c', 'pi_a', 'pi_b']);
    expect(due.splits[0]).toEqual(split('pi_c', { settle_on: '2026-01-15' }));
    expect(due.cursor).toBeUndefined();
    expect((await splitsDue(store, '2026-01-14')).splits).toEqual([]);
    // Settled, a group leaves the index.
    await store.transact([
      splitPut(split('pi_c', { settle_on: '2026-01-15', status: 'settled', version: 2 })),
    ]);
    expect((await splitsDue(store, '2026-01-17')).splits.map((s) => s.intent)).toEqual([
      'pi_a',
      'pi_b',
      'pi_d',
    ]);
  });

  it('pages the due groups a hundred at a time, the next page from where the first ended', async () => {
    const intents = Array.from({ length: 101 }, (_, i) => `pi_${String(i).padStart(3, '0')}`);
    await store.transact(intents.slice(0, 100).map((intent) => splitPut(split(intent))));
    await store.transact([splitPut(split(intents[100]!))]);
    const first = await splitsDue(store, '2026-01-16');
    expect(first.splits.map((s) => s.intent)).toEqual(intents.slice(0, 100));
    expect(first.cursor).toEqual(expect.any(String));
    const second = await splitsDue(store, '2026-01-16', first.cursor);
    expect(second.splits.map((s) => s.intent)).toEqual([intents[100]]);
    expect(second.cursor).toBeUndefined();
  });

  it("lists the intents a vendor has a share of, newest first, a page at a time, and no other vendor's", async () => {
    await store.transact([
      vendorSplitPut('ven_1', 'pi_1', 100),
      vendorSplitPut('ven_1', 'pi_3', 300),
      vendorSplitPut('ven_1', 'pi_2', 200),
      vendorSplitPut('ven_2', 'pi_4', 400),
    ]);
    const first = await vendorSplitIntents(store, 'ven_1', { limit: 2 });
    expect(first.intents).toEqual(['pi_3', 'pi_2']);
    expect(first.next_cursor).toEqual(expect.any(String));
    expect(await vendorSplitIntents(store, 'ven_1', { limit: 2, cursor: first.next_cursor! })).toEqual({
      intents: ['pi_1'],
      next_cursor: undefined,
    });
    expect((await vendorSplitIntents(store, 'ven_2', { limit: 5 })).intents).toEqual(['pi_4']);
  });

  it("lists a vendor's payouts newest first with the transfer that paid each, a page at a time", async () => {
    await store.transact([
      payoutPut(payout('vpo_1')),
      payoutPut(payout('vpo_2')),
      payoutPut(payout('vpo_3')),
      payoutPut(payout('vpo_4', 'ven_2')),
    ]);
    const first = await vendorPayoutsPage(store, 'ven_1', { limit: 2 });
    expect(first.data).toEqual([payout('vpo_3'), payout('vpo_2')]);
    expect(first.next_cursor).toEqual(expect.any(String));
    expect(await vendorPayoutsPage(store, 'ven_1', { limit: 2, cursor: first.next_cursor! })).toEqual({
      data: [payout('vpo_1')],
      next_cursor: undefined,
    });
    expect((await vendorPayoutsPage(store, 'ven_2', { limit: 5 })).data.map((p) => p.id)).toEqual(['vpo_4']);
    await expect(store.transact([payoutPut(payout('vpo_1'))])).rejects.toThrow(TransactionCanceledError);
  });
});
