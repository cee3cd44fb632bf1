import { describe, expect, it } from 'vitest';
import { billedWriteUnits } from '../bench/write-model.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';

/**
 * The write units `npm run bench:writes` (and from it `npm run cost`) charges per write, by
 * DynamoDB's documented on-demand rules, from an item's images before and after the write.
 */
const key = { pk: 'P#1', sk: 'S' };
const put: WriteOperation = { type: 'put', item: key };
const update: WriteOperation = { type: 'update', key, set: { n: 1 } };
const check: WriteOperation = { type: 'check', key, condition: { attributeExists: 'pk' } };
/** An image of `size` bytes in the indexes whose keys are given (gsi1, gsi2, gsi3). */
const image = (size: number, ...indexKeys: Array<string | undefined>) => ({ size, indexKeys });

describe('the write model’s billing of one write', () => {
  it('bills the table 1 unit per KB begun for a lone write and 2 in a transaction', () => {
    expect(billedWriteUnits(put, 1, { after: image(100), changed: true })).toBe(1);
    expect(billedWriteUnits(put, 1, { after: image(1025), changed: true })).toBe(2);
    expect(billedWriteUnits(put, 3, { after: image(1024), changed: true })).toBe(2);
    expect(billedWriteUnits(put, 3, { after: image(2049), changed: true })).toBe(6);
  });

  it('bills an update or a replacing put by the larger of the item before and after', () => {
    expect(billedWriteUnits(update, 2, { before: image(1500), after: image(900), changed: true })).toBe(4);
    expect(billedWriteUnits(update, 2, { before: image(900), after: image(1500), changed: true })).toBe(4);
    expect(billedWriteUnits(put, 2, { before: image(3000), after: image(10), changed: true })).toBe(6);
  });

  it('bills a condition check as a transaction’s item, and no index', () => {
    expect(
      billedWriteUnits(check, 2, { before: image(10, 'a'), after: image(10, 'a'), changed: false }),
    ).toBe(2);
  });

  it('bills each index: an entry put, removed or changed in place once, an entry whose key moved twice', () => {
    // New item in two indexes: the table's 2, and 1 per index entry.
    expect(billedWriteUnits(put, 2, { after: image(100, 'a', 'b'), changed: true })).toBe(4);
    // A 1.5 KB item's entries cost 2 each.
    expect(billedWriteUnits(put, 1, { after: image(1500, 'a', undefined, 'c'), changed: true })).toBe(6);
    // Updated in place: still in gsi1 under the same key, its projection rewritten.
    expect(
      billedWriteUnits(update, 2, { before: image(100, 'a'), after: image(100, 'a'), changed: true }),
    ).toBe(3);
    // Unchanged (a write that set what was there): no index write.
    expect(
      billedWriteUnits(update, 2, { before: image(100, 'a'), after: image(100, 'a'), changed: false }),
    ).toBe(2);
    // Leaving gsi1 (removed), moving in gsi2 (two writes), entering gsi3.
    expect(
      billedWriteUnits(update, 2, {
        before: image(100, 'a', 'b'),
        after: image(100, undefined, 'c', 'd'),
        changed: true,
      }),
    ).toBe(2 + 1 + 2 + 1);
    // A delete removes every entry, billed by the item deleted.
    const remove: WriteOperation = { type: 'delete', key };
    expect(billedWriteUnits(remove, 1, { before: image(2000, 'a', 'b'), changed: true })).toBe(2 + 2 + 2);
  });
});
