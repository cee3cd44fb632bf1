import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidCursorError,
  isTransactionCanceled,
  maxTransactionItems,
  StoreValidationError,
  TransactionCanceledError,
  type Condition,
  type Item,
  type ItemKey,
  type Query,
  type Store,
  type WriteOperation,
} from './store.ts';
import { tableSchema, type IndexName } from './table-schema.ts';

export interface StoreUnderTest {
  store: Store;
  cleanup?: () => Promise<void>;
}

export interface StoreContractOptions {
  /**
   * Runs the adapter's TTL deletion now, as if the clock read `nowSeconds`, until nothing expired
   * is left (locally the `TtlSweeper`). Known gap: DynamoDB has none to call (it deletes expired
   * items on its own schedule, typically within days, and DynamoDB Local never does), so the
   * tests of the sweep itself run only for adapters that give one; the lazy-deletion test runs
   * for all.
   */
  sweepExpired?: (store: Store, nowSeconds: number) => Promise<void>;
}

/**
 * The behaviour every `Store` adapter must show, as one vitest suite. Each test gets a fresh,
 * empty store from `makeStore`, and the store is closed (then `cleanup` runs) after it.
 *
 * @example
 * runStoreContract('SqliteStore', async () => ({ store: new SqliteStore(':memory:') }));
 */
export function runStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: StoreContractOptions = {},
): void {
  const { sweepExpired } = options;
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    const putAll = (...items: Item[]) =>
      store.transact(items.map((item) => ({ type: 'put', item }) as const));

    describe('get', () => {
      it('returns undefined for an item that does not exist', async () => {
        expect(await store.get({ pk: 'A', sk: 'missing' })).toBeUndefined();
      });

      it('returns a stored item with all its attributes', async () => {
        await putAll({ pk: 'A', sk: '1', name: 'one', n: 1 }, { pk: 'A', sk: '2', name: 'two' });
        expect(await store.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', name: 'one', n: 1 });
        expect(await store.get({ pk: 'A', sk: '2' })).toEqual({ pk: 'A', sk: '2', name: 'two' });
      });

      it('hands out copies: changing a returned item does not change the stored one', async () => {
        await putAll({ pk: 'A', sk: '1', nested: { n: 1 } });
        const first = await store.get({ pk: 'A', sk: '1' });
        (first!.nested as { n: number }).n = 2;
        first!.extra = true;
        expect(await store.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', nested: { n: 1 } });
      });
    });

    describe('put', () => {
      it('replaces an existing item entirely', async () => {
        await putAll({ pk: 'A', sk: '1', old: 'gone', kept: 1 });
        await putAll({ pk: 'A', sk: '1', kept: 2, fresh: 'yes' });
        expect(await store.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', kept: 2, fresh: 'yes' });
      });

      it('leaves out undefined attributes, at the top level and nested', async () => {
        await putAll({ pk: 'A', sk: '1', gone: undefined, nested: { gone: undefined, kept: 1 } });
        expect(await store.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', nested: { kept: 1 } });
      });
    });

    describe('update', () => {
      const key = { pk: 'A', sk: '1' };

      it('sets attributes and keeps the others', async () => {
        await putAll({ ...key, a: 1, b: 'b' });
        await store.transact([{ type: 'update', key, set: { a: 2, c: { deep: [1, 'x'] } } }]);
        expect(await store.get(key)).toEqual({ ...key, a: 2, b: 'b', c: { deep: [1, 'x'] } });
      });

      it('removes an attribute set to undefined', async () => {
        await putAll({ ...key, a: 1, b: 2 });
        await store.transact([{ type: 'update', key, set: { a: undefined, c: 3 } }]);
        expect(await store.get(key)).toEqual({ ...key, b: 2, c: 3 });
      });

      it('adds to numbers atomically, counting a missing attribute as 0', async () => {
        await putAll({ ...key, n: 10 });
        await store.transact([{ type: 'update', key, add: { n: 5, fresh: -3 } }]);
        await store.transact([{ type: 'update', key, add: { n: -20 } }]);
        expect(await store.get(key)).toEqual({ ...key, n: -5, fresh: -3 });
      });

      it('removes attributes, ignoring ones that do not exist', async () => {
        await putAll({ ...key, a: 1, b: 2, c: 3 });
        await store.transact([{ type: 'update', key, remove: ['a', 'c', 'never'] }]);
        expect(await store.get(key)).toEqual({ ...key, b: 2 });
      });

      it('sets, adds and removes in one operation', async () => {
        await putAll({ ...key, a: 1, n: 1, r: 'x' });
        await store.transact([{ type: 'update', key, set: { a: 'one' }, add: { n: 1 }, remove: ['r'] }]);
        expect(await store.get(key)).toEqual({ ...key, a: 'one', n: 2 });
      });

      it('creates a missing item from its key and the update', async () => {
        await store.transact([{ type: 'update', key, set: { a: 'x' }, add: { n: 2 } }]);
        expect(await store.get(key)).toEqual({ ...key, a: 'x', n: 2 });
      });

      it('creates a missing item even when the update only removes attributes, as DynamoDB does', async () => {
        await store.transact([{ type: 'update', key, remove: ['a'] }]);
        expect(await store.get(key)).toEqual(key);
      });

      it('refuses to add to an attribute that is not a number, writing nothing', async () => {
        await putAll({ ...key, s: 'text' });
        const error = await rejectionOf(
          store.transact([
            { type: 'put', item: { pk: 'A', sk: '2' } },
            { type: 'update', key, add: { s: 1 } },
          ]),
        );
        expect(error).toBeInstanceOf(StoreValidationError);
        expect(await store.get(key)).toEqual({ ...key, s: 'text' });
        expect(await store.get({ pk: 'A', sk: '2' })).toBeUndefined();
      });
    });

    describe('delete', () => {
      it('deletes an item', async () => {
        await putAll({ pk: 'A', sk: '1' }, { pk: 'A', sk: '2' });
        await store.transact([{ type: 'delete', key: { pk: 'A', sk: '1' } }]);
        expect(await store.get({ pk: 'A', sk: '1' })).toBeUndefined();
        expect(await store.get({ pk: 'A', sk: '2' })).toBeDefined();
      });

      it('succeeds on an item that does not exist', async () => {
        await store.transact([{ type: 'delete', key: { pk: 'A', sk: 'missing' } }]);
        expect(await store.get({ pk: 'A', sk: 'missing' })).toBeUndefined();
      });

      it('removes the item from the indexes', async () => {
        await putAll({ pk: 'A', sk: '1', gsi1pk: 'G', gsi1sk: 's', gsi2pk: 'H', gsi2sk: 's' });
        await store.transact([{ type: 'delete', key: { pk: 'A', sk: '1' } }]);
        expect((await store.query({ index: 'gsi1', partition: 'G' })).items).toEqual([]);
        expect((await store.query({ index: 'gsi2', partition: 'H' })).items).toEqual([]);
      });
    });

    describe('query', () => {
      const targets: Array<{ label: string; index: IndexName | undefined }> = [
        { label: 'the table', index: undefined },
        ...tableSchema.indexes.map((index) => ({ label: `index ${index.name}`, index: index.name })),
      ];

      /** An item whose place in `index` (or the table) is partition/sort; `id` names it. */
      const placed = (index: IndexName | undefined, partition: string, sort: string, id = sort): Item => {
        if (!index) return { pk: partition, sk: sort, id };
        const definition = tableSchema.indexes.find((i) => i.name === index)!;
        return {
          pk: `item#${id}`,
          sk: 'item',
          id,
          [definition.partitionKey]: partition,
          [definition.sortKey]: sort,
        };
      };
      const ids = (items: Item[]) => items.map((item) => item.id);

      for (const { label, index } of targets) {
        describe(`on ${label}`, () => {
          const sorts = ['a', 'b', 'ba', 'bb', 'c'];
          const seed = () =>
            putAll(
              ...sorts.map((sort) => placed(index, 'P', sort)),
              placed(index, 'Other', 'b', 'elsewhere'),
            );

          it('returns the items of one partition in ascending sort-key order by default', async () => {
            await seed();
            const page = await store.query({ index, partition: 'P' });
            expect(ids(page.items)).toEqual(sorts);
            expect(page.cursor).toBeUndefined();
            expect(page.items[0]).toEqual(placed(index, 'P', 'a'));
          });

          it('returns them in descending order when asked', async () => {
            await seed();
            expect(ids((await store.query({ index, partition: 'P', direction: 'desc' })).items)).toEqual(
              [...sorts].reverse(),
            );
          });

          it('returns nothing for an empty partition', async () => {
            await seed();
            expect(await store.query({ index, partition: 'Nobody' })).toEqual({ items: [] });
          });

          const cases: Array<{ sort: Query['sort']; expected: string[] }> = [
            { sort: { op: '=', value: 'b' }, expected: ['b'] },
            { sort: { op: '<', value: 'b' }, expected: ['a'] },
            { sort: { op: '<=', value: 'b' }, expected: ['a', 'b'] },
            { sort: { op: '>', value: 'b' }, expected: ['ba', 'bb', 'c'] },
            { sort: { op: '>=', value: 'ba' }, expected: ['ba', 'bb', 'c'] },
            { sort: { op: 'begins_with', value: 'b' }, expected: ['b', 'ba', 'bb'] },
            { sort: { op: 'between', low: 'ba', high: 'c' }, expected: ['ba', 'bb', 'c'] },
            { sort: { op: 'between', low: 'aa', high: 'az' }, expected: [] },
          ];
          for (const { sort, expected } of cases) {
            const text =
              sort!.op === 'between'
                ? `between ${sort!.low} and ${sort!.high}`
                : `${sort!.op} ${sort!.value}`;
            it(`selects sort keys ${text}, in both directions`, async () => {
              await seed();
              expect(ids((await store.query({ index, partition: 'P', sort })).items)).toEqual(expected);
              const descending = await store.query({ index, partition: 'P', sort, direction: 'desc' });
              expect(ids(descending.items)).toEqual([...expected].reverse());
            });
          }

          it('orders and compares sort keys by UTF-8 bytes, as DynamoDB does', async () => {
            // JavaScript's < would put the emoji (a surrogate pair) before U+FF5E.
            const keys = ['B', 'a', 'k\u{FF5E}', 'k\u{1F600}', 'k\u{10FFFF}x'];
            await putAll(...keys.map((sort, i) => placed(index, 'U', sort, `u${i}`)));
            expect(ids((await store.query({ index, partition: 'U' })).items)).toEqual([
              'u0',
              'u1',
              'u2',
              'u3',
              'u4',
            ]);
            const prefixed = await store.query({
              index,
              partition: 'U',
              sort: { op: 'begins_with', value: 'k' },
            });
            expect(ids(prefixed.items)).toEqual(['u2', 'u3', 'u4']);
            const above = await store.query({ index, partition: 'U', sort: { op: '>', value: 'k\u{FF5E}' } });
            expect(ids(above.items)).toEqual(['u3', 'u4']);
          });

          it('pages through every item exactly once with limit and cursor, in both directions', async () => {
            // In an index several items share each sort key; the table key breaks the tie.
            const count = 23;
            const items = Array.from({ length: count }, (_, i) => {
              const id = `i${String(i).padStart(2, '0')}`;
              return placed(index, 'Paged', index ? `s${i % 4}` : id, id);
            });
            await putAll(...items);
            for (const direction of ['asc', 'desc'] as const) {
              for (const limit of [1, 4, 23, 50]) {
                const pages = await queryAll(store, { index, partition: 'Paged', direction, limit });
                const seen = pages.flatMap((page) => page.items);
                expect(new Set(ids(seen)).size, `${direction} by ${limit}`).toBe(count);
                expect(seen).toHaveLength(count);
                expect(pages).toHaveLength(Math.ceil(count / limit));
                const sortValues = seen.map((item) => sortValueOf(item, index));
                const ordered = [...sortValues].sort();
                expect(sortValues).toEqual(direction === 'asc' ? ordered : ordered.reverse());
              }
            }
          });

          it('keeps paging inside the sort-key condition', async () => {
            const items = Array.from({ length: 12 }, (_, i) =>
              placed(index, 'Range', index ? `s${i % 3}` : `s${i % 3}#${i}`, `r${i}`),
            );
            await putAll(
              ...items,
              placed(index, 'Range', 't', 'after'),
              placed(index, 'Range', 'r', 'before'),
            );
            const pages = await queryAll(store, {
              index,
              partition: 'Range',
              sort: { op: 'begins_with', value: 's' },
              limit: 5,
            });
            const seen = ids(pages.flatMap((page) => page.items));
            expect([...seen].sort()).toEqual(ids(items).sort());
          });

          it('marks the last page by leaving out the cursor', async () => {
            await putAll(...['a', 'b', 'c', 'd'].map((sort) => placed(index, 'P', sort)));
            const first = await store.query({ index, partition: 'P', limit: 2 });
            expect(ids(first.items)).toEqual(['a', 'b']);
            expect(first.cursor).toEqual(expect.any(String));
            const second = await store.query({ index, partition: 'P', limit: 2, cursor: first.cursor });
            expect(ids(second.items)).toEqual(['c', 'd']);
            expect(second.cursor).toBeUndefined();
          });

          it('refuses a malformed cursor with InvalidCursorError', async () => {
            await seed();
            const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
            for (const cursor of [
              'not a cursor',
              '%%%',
              json({}),
              json([1]),
              json({ pk: 1, sk: 2 }),
              json('x'),
            ]) {
              const error = await rejectionOf(store.query({ index, partition: 'P', cursor }));
              expect(error, cursor).toBeInstanceOf(InvalidCursorError);
            }
            // A real cursor, edited where base64url decoding alone would not notice.
            const { cursor: real } = await store.query({ index, partition: 'P', limit: 1 });
            for (const cursor of [`${real}=`, `${real}.`, ` ${real}`]) {
              const error = await rejectionOf(store.query({ index, partition: 'P', cursor }));
              expect(error, cursor).toBeInstanceOf(InvalidCursorError);
            }
          });

          it('refuses a cursor from another partition', async () => {
            await putAll(
              ...['a', 'b', 'c'].map((sort) => placed(index, 'P', sort)),
              placed(index, 'Q', 'a', 'q'),
            );
            const { cursor } = await store.query({ index, partition: 'P', limit: 1 });
            expect(await rejectionOf(store.query({ index, partition: 'Q', cursor }))).toBeInstanceOf(
              InvalidCursorError,
            );
          });
        });
      }

      it('refuses a cursor from the table in an index query and the other way round', async () => {
        await putAll(...['a', 'b', 'c'].map((sort) => ({ pk: 'P', sk: sort, gsi1pk: 'P', gsi1sk: sort })));
        const fromTable = await store.query({ partition: 'P', limit: 1 });
        const fromIndex = await store.query({ index: 'gsi1', partition: 'P', limit: 1 });
        expect(
          await rejectionOf(store.query({ index: 'gsi1', partition: 'P', cursor: fromTable.cursor })),
        ).toBeInstanceOf(InvalidCursorError);
        expect(await rejectionOf(store.query({ partition: 'P', cursor: fromIndex.cursor }))).toBeInstanceOf(
          InvalidCursorError,
        );
      });

      it('refuses queries DynamoDB would refuse', async () => {
        const refused: Query[] = [
          { partition: '' },
          { index: 'gsi1', partition: '' },
          { partition: 'P', sort: { op: 'begins_with', value: '' } },
          { index: 'gsi2', partition: 'P', sort: { op: '>', value: '' } },
          { partition: 'P', sort: { op: 'between', low: '', high: 'z' } },
          { partition: 'P', sort: { op: 'between', low: 'z', high: 'a' } },
        ];
        for (const query of refused) {
          expect(await rejectionOf(store.query(query)), JSON.stringify(query)).toBeInstanceOf(
            StoreValidationError,
          );
        }
        expect(await rejectionOf(store.get({ pk: '', sk: 'a' }))).toBeInstanceOf(StoreValidationError);
      });

      it('pages by the limit through items too large for one read (DynamoDB stops a read at 1 MB), on the table and an index', async () => {
        // Six items of 300 KB: one 1 MB read holds three, so a page of five takes two reads.
        const body = 'x'.repeat(300 * 1024);
        const items = Array.from({ length: 6 }, (_, i) => ({
          pk: 'Big',
          sk: `s${i}`,
          gsi1pk: 'BigIndex',
          gsi1sk: `s${i}`,
          body,
        }));
        await putAll(...items.slice(0, 3));
        await putAll(...items.slice(3));
        const sks = (page: { items: Item[] }) => page.items.map((item) => item.sk);
        for (const index of [undefined, 'gsi1' as const]) {
          const partition = index ? 'BigIndex' : 'Big';
          const all = await store.query({ index, partition });
          expect(sks(all)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
          expect(all.cursor).toBeUndefined();
          const first = await store.query({ index, partition, limit: 5 });
          expect(sks(first)).toEqual(['s0', 's1', 's2', 's3', 's4']);
          const second = await store.query({ index, partition, limit: 5, cursor: first.cursor });
          expect(sks(second)).toEqual(['s5']);
          expect(second.cursor).toBeUndefined();
          // One read stops at four items here: the page is full, but more follow.
          const newest = await store.query({ index, partition, limit: 4, direction: 'desc' });
          expect(sks(newest)).toEqual(['s5', 's4', 's3', 's2']);
          const oldest = await store.query({
            index,
            partition,
            limit: 4,
            direction: 'desc',
            cursor: newest.cursor,
          });
          expect([sks(oldest), oldest.cursor]).toEqual([['s1', 's0'], undefined]);
          const exactly = await store.query({ index, partition, limit: 6 });
          expect([sks(exactly), exactly.cursor]).toEqual([['s0', 's1', 's2', 's3', 's4', 's5'], undefined]);
        }
      });

      it('refuses an index it does not have', async () => {
        const error = await rejectionOf(store.query({ index: 'gsi9' as IndexName, partition: 'P' }));
        expect((error as Error).message).toBe('unknown index gsi9');
      });

      it('clamps the page size to between 1 and the maximum, in whole items', async () => {
        await putAll(...['a', 'b', 'c', 'd'].map((sk) => ({ pk: 'Lim', sk })));
        const sizes = [];
        for (const limit of [0, -5, 2.7, 1_000_000])
          sizes.push((await store.query({ partition: 'Lim', limit })).items.length);
        expect(sizes).toEqual([1, 1, 2, 4]);
      });

      it('leaves items without both index keys out of that index', async () => {
        await putAll(
          { pk: 'A', sk: 'both', gsi1pk: 'G', gsi1sk: '1' },
          { pk: 'A', sk: 'no-sort-key', gsi1pk: 'G' },
          { pk: 'A', sk: 'no-index-keys' },
          { pk: 'A', sk: 'other-index', gsi2pk: 'G', gsi2sk: '1' },
        );
        expect((await store.query({ index: 'gsi1', partition: 'G' })).items.map((item) => item.sk)).toEqual([
          'both',
        ]);
        expect((await store.query({ index: 'gsi2', partition: 'G' })).items.map((item) => item.sk)).toEqual([
          'other-index',
        ]);
        expect((await store.query({ partition: 'A' })).items).toHaveLength(4);
      });

      it('moves an item into and out of an index as its index keys are set and removed', async () => {
        const key = { pk: 'A', sk: '1' };
        await putAll(key);
        await store.transact([{ type: 'update', key, set: { gsi1pk: 'G', gsi1sk: 'x' } }]);
        expect((await store.query({ index: 'gsi1', partition: 'G' })).items).toEqual([
          { ...key, gsi1pk: 'G', gsi1sk: 'x' },
        ]);
        await store.transact([{ type: 'update', key, set: { gsi1pk: 'H' } }]);
        expect((await store.query({ index: 'gsi1', partition: 'G' })).items).toEqual([]);
        expect((await store.query({ index: 'gsi1', partition: 'H' })).items).toHaveLength(1);
        await store.transact([{ type: 'update', key, remove: ['gsi1sk'] }]);
        expect((await store.query({ index: 'gsi1', partition: 'H' })).items).toEqual([]);
      });
    });

    describe('transact', () => {
      const existing: Item = { pk: 'T', sk: 'existing', n: 5 };
      const key = (sk: string): ItemKey => ({ pk: 'T', sk });

      it('applies put, update, delete and check together', async () => {
        await putAll(existing, { pk: 'T', sk: 'doomed' });
        await store.transact([
          { type: 'put', item: { pk: 'T', sk: 'new', v: 1 }, condition: { attributeNotExists: 'pk' } },
          { type: 'update', key: key('existing'), add: { n: 1 }, condition: { compare: ['n', '=', 5] } },
          { type: 'delete', key: key('doomed'), condition: { attributeExists: 'pk' } },
          { type: 'check', key: key('absent'), condition: { attributeNotExists: 'pk' } },
        ]);
        expect((await store.query({ partition: 'T' })).items).toEqual([
          { pk: 'T', sk: 'existing', n: 6 },
          { pk: 'T', sk: 'new', v: 1 },
        ]);
      });

      it('writes nothing when one condition fails', async () => {
        const guard = { pk: 'T', sk: 'guard', open: false };
        await putAll(existing, guard, { pk: 'T', sk: 'doomed' });
        const error = await rejectionOf(
          store.transact([
            { type: 'put', item: { pk: 'T', sk: 'new' } },
            { type: 'update', key: key('existing'), set: { n: 100 } },
            { type: 'delete', key: key('doomed') },
            { type: 'check', key: key('guard'), condition: { compare: ['open', '=', true] } },
          ]),
        );
        expect(error).toBeInstanceOf(TransactionCanceledError);
        expect((await store.query({ partition: 'T' })).items).toEqual([
          { pk: 'T', sk: 'doomed' },
          existing,
          guard,
        ]);
      });

      it('names every failed operation with the item as it was, or undefined when missing', async () => {
        await putAll(existing, { pk: 'T', sk: 'other', nested: { a: [1] } });
        const error = await rejectionOf(
          store.transact([
            {
              type: 'update',
              key: key('existing'),
              add: { n: -10 },
              condition: { compare: ['n', '>=', 10] },
            },
            { type: 'put', item: { pk: 'T', sk: 'fine' }, condition: { attributeNotExists: 'pk' } },
            { type: 'delete', key: key('absent'), condition: { attributeExists: 'pk' } },
            { type: 'check', key: key('other'), condition: { attributeNotExists: 'nested' } },
          ]),
        );
        expect(isTransactionCanceled(error)).toBe(true);
        const canceled = error as TransactionCanceledError;
        expect(canceled.reasons).toEqual([
          { index: 0, code: 'ConditionalCheckFailed', item: existing },
          { index: 2, code: 'ConditionalCheckFailed', item: undefined },
          { index: 3, code: 'ConditionalCheckFailed', item: { pk: 'T', sk: 'other', nested: { a: [1] } } },
        ]);
        expect(canceled.reasonAt(1)).toBeUndefined();
        expect(canceled.reasonAt(2)?.item).toBeUndefined();
        expect(await store.get(key('fine'))).toBeUndefined();
      });

      it('names the item a refused create found, alone and beside other operations', async () => {
        await putAll(existing);
        const create = {
          type: 'put',
          item: { ...existing, n: 0 },
          condition: { attributeNotExists: 'pk' },
        } as const;
        const alone = await rejectionOf(store.transact([create]));
        expect((alone as TransactionCanceledError).reasons).toEqual([
          { index: 0, code: 'ConditionalCheckFailed', item: existing },
        ]);
        const beside = await rejectionOf(
          store.transact([{ type: 'put', item: { pk: 'T', sk: 'other' } }, create]),
        );
        expect((beside as TransactionCanceledError).reasons).toEqual([
          { index: 1, code: 'ConditionalCheckFailed', item: existing },
        ]);
        expect((await store.query({ partition: 'T' })).items).toEqual([existing]);
      });

      it('guards a put with a condition, so a create does not overwrite', async () => {
        await putAll(existing);
        const create = (item: Item) =>
          store.transact([{ type: 'put', item, condition: { attributeNotExists: 'pk' } }]);
        expect(await rejectionOf(create({ ...existing, n: 0 }))).toBeInstanceOf(TransactionCanceledError);
        await create({ pk: 'T', sk: 'created' });
        expect(await store.get(key('existing'))).toEqual(existing);
        expect(await store.get(key('created'))).toEqual({ pk: 'T', sk: 'created' });
      });

      it('does not write anything for a check, passing or failing', async () => {
        await putAll(existing);
        await store.transact([
          { type: 'check', key: key('existing'), condition: { attributeExists: 'n' } },
          { type: 'check', key: key('absent'), condition: { attributeNotExists: 'pk' } },
        ]);
        expect(await store.get(key('existing'))).toEqual(existing);
        expect(await store.get(key('absent'))).toBeUndefined();
      });

      it('commits a transaction of the maximum size', async () => {
        const items = Array.from({ length: maxTransactionItems }, (_, i) => ({
          pk: 'Big',
          sk: String(i).padStart(3, '0'),
        }));
        await store.transact(
          items.map((item) => ({ type: 'put', item, condition: { attributeNotExists: 'pk' } })),
        );
        const all = (await queryAll(store, { partition: 'Big' })).flatMap((page) => page.items);
        expect(all).toEqual(items);
      });

      it('refuses more than the maximum number of operations, writing nothing', async () => {
        const operations: WriteOperation[] = Array.from({ length: maxTransactionItems + 1 }, (_, i) => ({
          type: 'put',
          item: { pk: 'Big', sk: String(i) },
        }));
        expect(await rejectionOf(store.transact(operations))).toBeInstanceOf(StoreValidationError);
        expect((await store.query({ partition: 'Big' })).items).toEqual([]);
      });

      it('refuses to touch one item twice, writing nothing', async () => {
        const error = await rejectionOf(
          store.transact([
            { type: 'put', item: { pk: 'T', sk: 'a' } },
            { type: 'put', item: { pk: 'T', sk: 'b' } },
            { type: 'update', key: key('a'), set: { x: 1 } },
          ]),
        );
        expect(error).toBeInstanceOf(StoreValidationError);
        expect((await store.query({ partition: 'T' })).items).toEqual([]);
      });

      it('refuses requests DynamoDB would refuse, writing nothing', async () => {
        const refused: Array<[string, WriteOperation]> = [
          ['an empty key', { type: 'put', item: { pk: 'T', sk: '' } }],
          ['an update of a key attribute', { type: 'update', key: key('a'), set: { sk: 'b' } }],
          ['an update that does nothing', { type: 'update', key: key('a'), set: {} }],
          [
            'an update naming an attribute twice',
            { type: 'update', key: key('a'), set: { x: 1 }, remove: ['x'] },
          ],
          ['a non-string index key', { type: 'put', item: { pk: 'T', sk: 'a', gsi1pk: 'G', gsi1sk: 5 } }],
          ['an empty index key', { type: 'update', key: key('a'), set: { gsi2pk: '' } }],
          ['adding to an index key', { type: 'update', key: key('a'), add: { gsi1sk: 1 } }],
          ['a non-finite number', { type: 'put', item: { pk: 'T', sk: 'a', n: Number.NaN } }],
          ['a number out of range', { type: 'put', item: { pk: 'T', sk: 'a', n: 1e200 } }],
          ['a value that is not JSON-shaped', { type: 'put', item: { pk: 'T', sk: 'a', at: new Date(0) } }],
          ['undefined inside an array', { type: 'put', item: { pk: 'T', sk: 'a', list: [1, undefined] } }],
          [
            'ordering a boolean',
            { type: 'check', key: key('a'), condition: { compare: ['flag', '<', true] } },
          ],
          ['an item over 400 KB', { type: 'put', item: { pk: 'T', sk: 'a', blob: 'x'.repeat(410 * 1024) } }],
        ];
        for (const [label, operation] of refused) {
          const error = await rejectionOf(
            store.transact([{ type: 'put', item: { pk: 'T', sk: 'other' } }, operation]),
          );
          expect(error, label).toBeInstanceOf(StoreValidationError);
        }
        expect(await rejectionOf(store.transact([]))).toBeInstanceOf(StoreValidationError);
        expect((await store.query({ partition: 'T' })).items).toEqual([]);
      });

      it('lets exactly as many conditional decrements succeed as the counter allows', async () => {
        const counter = key('counter');
        await putAll({ ...counter, n: 10 });
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () =>
            store.transact([
              { type: 'update', key: counter, add: { n: -1 }, condition: { compare: ['n', '>=', 1] } },
            ]),
          ),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
        const failures = results.flatMap((result) =>
          result.status === 'rejected' ? [result.reason as unknown] : [],
        );
        expect(failures).toHaveLength(10);
        for (const failure of failures) expect(failure).toBeInstanceOf(TransactionCanceledError);
        expect(await store.get(counter)).toEqual({ ...counter, n: 0 });
      });

      it('lets exactly one of many concurrent conditional creates win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.transact([
              {
                type: 'put',
                item: { pk: 'T', sk: 'once', writer: i },
                condition: { attributeNotExists: 'pk' },
              },
            ]),
          ),
        );
        const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        expect((await store.get(key('once')))?.writer).toBe(winners[0]);
      });
    });

    describe('item size limit (400 KB, counted as DynamoDB counts it)', () => {
      const limit = 400 * 1024;
      /**
       * Items whose own size (without the `pad` attribute) is given: names and strings in UTF-8
       * bytes; a number 1 byte per base-100 digit pair of its significant digits, pairs aligned at
       * the decimal point (1.5 is `01.50`, 120 `01 20`), plus 1, plus 1 more when negative, and
       * zero 1 (measured on DynamoDB Local); a boolean or null 1; a list or map 3 plus, per
       * element, 1 and its size (a map member's name too); undefined attributes nothing.
       */
      const shapes: Array<[string, Item, number]> = [
        ['names and strings in UTF-8 bytes', { pk: 'T', sk: 'a', é: 'ü✓' }, 3 + 3 + 2 + 5],
        [
          'numbers by their significant digits in base-100 pairs',
          {
            pk: 'T',
            sk: 'a',
            n: [
              0, 7, 12, 123, -123456, 1234567, 1000000, 0.001, 1.25, 1.5, 1e20, 1e21, 1.5e-7, 123.456, 120,
              -0.5, 0.125, 3.14159, 0.015, 10.5,
            ],
          },
          // pk, sk, the name n, the list's 3 and a byte per element, then each number's size.
          3 + 3 + 1 + 3 + 20 + sum([1, 2, 2, 3, 5, 5, 2, 2, 3, 3, 2, 2, 2, 5, 3, 3, 3, 5, 3, 3]),
        ],
        [
          'booleans, null, nested maps and lists, undefined left out',
          {
            pk: 'T',
            sk: 'a',
            gone: undefined,
            m: { t: true, f: false, z: null, inner: { k: 'vv', gone: undefined }, list: [] },
            e: {},
          },
          3 + 3 + (1 + 3 + 3 + 3 + 3 + (1 + 5 + 3 + 4) + (1 + 4 + 3)) + (1 + 3),
        ],
      ];
      /** `shape` padded with a string attribute to `limit + over` bytes. */
      const padded = (shape: Item, size: number, over: number): Item => ({
        ...shape,
        pad: 'x'.repeat(limit - size - 'pad'.length + over),
      });

      for (const [label, shape, size] of shapes) {
        it(`stores an item of exactly 400 KB and refuses one a byte larger: ${label}`, async () => {
          const fits = padded(shape, size, 0);
          await store.transact([{ type: 'put', item: fits }]);
          expect(await store.get({ pk: 'T', sk: 'a' })).toEqual(JSON.parse(JSON.stringify(fits)));
          const error = await rejectionOf(
            store.transact([
              { type: 'put', item: padded(shape, size, 1) },
              { type: 'delete', key: { pk: 'T', sk: 'b' } },
            ]),
          );
          expect(error).toBeInstanceOf(StoreValidationError);
          expect(await store.get({ pk: 'T', sk: 'a' })).toEqual(JSON.parse(JSON.stringify(fits)));
        });
      }

      it('refuses an update that takes an item past 400 KB, leaving it as it was, and allows one that reaches it', async () => {
        const [, shape, size] = shapes[0]!;
        const item = padded(shape, size, -2);
        await putAll(item);
        const grow = (by: string) =>
          store.transact([{ type: 'update', key: { pk: 'T', sk: 'a' }, set: { pad: `${item.pad}${by}` } }]);
        expect(await rejectionOf(grow('xxx'))).toBeInstanceOf(StoreValidationError);
        expect(await store.get({ pk: 'T', sk: 'a' })).toEqual(item);
        await grow('xx');
        expect(((await store.get({ pk: 'T', sk: 'a' }))!.pad as string).length).toBe(
          (item.pad as string).length + 2,
        );
      });

      it('counts a number an add changes by its new size: 99 and 100 fit where 101 does not', async () => {
        // 99 and 100 are one base-100 pair (2 bytes), 101 two (3 bytes).
        const [, shape, size] = shapes[0]!;
        const item = padded({ ...shape, n: 99 }, size + 1 + 2, 0);
        await putAll(item);
        const add = () => store.transact([{ type: 'update', key: { pk: 'T', sk: 'a' }, add: { n: 1 } }]);
        await add();
        expect(await rejectionOf(add())).toBeInstanceOf(StoreValidationError);
        expect(await store.get({ pk: 'T', sk: 'a' })).toEqual({ ...item, n: 100 });
      });
    });

    describe('conditions', () => {
      const key: ItemKey = { pk: 'C', sk: 'item' };
      const item: Item = { ...key, n: 5, s: 'm', b: true, z: null, list: [1], map: { a: 1 } };
      /** Whether `condition` holds for the item at `target`, judged by a check operation. */
      const holds = async (condition: Condition, target: ItemKey = key) => {
        try {
          await store.transact([{ type: 'check', key: target, condition }]);
          return true;
        } catch (error) {
          if (error instanceof TransactionCanceledError) return false;
          throw error;
        }
      };
      const expectAll = async (cases: Array<[Condition, boolean]>, target: ItemKey = key) => {
        await putAll(item);
        for (const [condition, expected] of cases) {
          expect(await holds(condition, target), JSON.stringify(condition)).toBe(expected);
        }
      };

      it('tests whether an attribute exists, null-valued ones included', () =>
        expectAll([
          [{ attributeExists: 'n' }, true],
          [{ attributeExists: 'z' }, true],
          [{ attributeExists: 'missing' }, false],
          [{ attributeNotExists: 'missing' }, true],
          [{ attributeNotExists: 'n' }, false],
          [{ attributeNotExists: 'z' }, false],
        ]));

      it('treats every attribute of a missing item as not existing', () =>
        expectAll(
          [
            [{ attributeExists: 'pk' }, false],
            [{ attributeNotExists: 'pk' }, true],
            [{ compare: ['n', '<>', 1] }, false],
          ],
          { pk: 'C', sk: 'absent' },
        ));

      it('compares numbers with every operator', () =>
        expectAll([
          [{ compare: ['n', '=', 5] }, true],
          [{ compare: ['n', '=', 6] }, false],
          [{ compare: ['n', '<>', 6] }, true],
          [{ compare: ['n', '<>', 5] }, false],
          [{ compare: ['n', '<', 6] }, true],
          [{ compare: ['n', '<', 5] }, false],
          [{ compare: ['n', '<=', 5] }, true],
          [{ compare: ['n', '<=', 4] }, false],
          [{ compare: ['n', '>', 4] }, true],
          [{ compare: ['n', '>', 5] }, false],
          [{ compare: ['n', '>=', 5] }, true],
          [{ compare: ['n', '>=', 6] }, false],
          [{ compare: ['n', '>', -1.5] }, true],
        ]));

      it('compares strings, booleans and null', () =>
        expectAll([
          [{ compare: ['s', '=', 'm'] }, true],
          [{ compare: ['s', '<', 'n'] }, true],
          [{ compare: ['s', '>=', 'n'] }, false],
          [{ compare: ['s', '>', 'M'] }, true],
          [{ compare: ['b', '=', true] }, true],
          [{ compare: ['b', '=', false] }, false],
          [{ compare: ['b', '<>', false] }, true],
          [{ compare: ['z', '=', null] }, true],
          [{ compare: ['z', '<>', null] }, false],
        ]));

      it('finds values of different types unequal and unordered', () =>
        expectAll([
          [{ compare: ['n', '=', '5'] }, false],
          [{ compare: ['n', '<>', '5'] }, true],
          [{ compare: ['n', '<', 'zzz'] }, false],
          [{ compare: ['n', '>=', 'a'] }, false],
          [{ compare: ['s', '>', 1] }, false],
          [{ compare: ['list', '=', 1] }, false],
          [{ compare: ['map', '<>', 'x'] }, true],
        ]));

      it('makes every comparison with a missing attribute false', () =>
        expectAll(
          (['=', '<>', '<', '<=', '>', '>='] as const).map((op): [Condition, boolean] => [
            { compare: ['missing', op, 1] },
            false,
          ]),
        ));

      it('combines conditions with all and any, nested', () =>
        expectAll([
          [{ all: [{ attributeExists: 'n' }, { compare: ['n', '=', 5] }] }, true],
          [{ all: [{ attributeExists: 'n' }, { compare: ['n', '=', 6] }] }, false],
          [{ any: [{ compare: ['n', '=', 6] }, { compare: ['s', '=', 'm'] }] }, true],
          [{ any: [{ compare: ['n', '=', 6] }, { attributeExists: 'missing' }] }, false],
          [{ all: [] }, true],
          [{ any: [] }, false],
          [
            {
              all: [
                { any: [{ attributeExists: 'missing' }, { compare: ['b', '=', true] }] },
                { compare: ['n', '<', 10] },
              ],
            },
            true,
          ],
          [
            {
              any: [
                { all: [{ attributeExists: 'n' }, { attributeExists: 'missing' }] },
                { compare: ['z', '<>', null] },
              ],
            },
            false,
          ],
        ]));

      it('guards updates and deletes, leaving the item as it was when false', async () => {
        await putAll(item);
        const failedUpdate = store.transact([
          { type: 'update', key, set: { s: 'x' }, condition: { compare: ['n', '>', 5] } },
        ]);
        expect(await rejectionOf(failedUpdate)).toBeInstanceOf(TransactionCanceledError);
        const failedDelete = store.transact([
          { type: 'delete', key, condition: { attributeNotExists: 'n' } },
        ]);
        expect(await rejectionOf(failedDelete)).toBeInstanceOf(TransactionCanceledError);
        expect(await store.get(key)).toEqual(item);
        await store.transact([{ type: 'delete', key, condition: { compare: ['s', '=', 'm'] } }]);
        expect(await store.get(key)).toBeUndefined();
      });
    });

    describe('TTL (expires_at)', () => {
      const ttl = tableSchema.ttlAttribute;
      // Real seconds: DynamoDB compares with its own clock. Every "expired" item below is a day
      // past its TTL, every live one a day short of it.
      const nowSeconds = () => Math.floor(Date.now() / 1000);
      const day = 24 * 3600;

      it('still returns an expired item until TTL deletes it: deletion is lazy, so readers compare expires_at themselves', async () => {
        const expired: Item = {
          pk: 'T',
          sk: 'expired',
          gsi1pk: 'TG',
          gsi1sk: '1',
          [ttl]: nowSeconds() - day,
        };
        await putAll(expired);
        expect(await store.get({ pk: 'T', sk: 'expired' })).toEqual(expired);
        expect((await store.query({ partition: 'T' })).items).toEqual([expired]);
        expect((await store.query({ index: 'gsi1', partition: 'TG' })).items).toEqual([expired]);
        // A condition sees it too: a create over an expired item must say so itself.
        const create = store.transact([
          { type: 'put', item: { pk: 'T', sk: 'expired' }, condition: { attributeNotExists: 'pk' } },
        ]);
        expect(await rejectionOf(create)).toBeInstanceOf(TransactionCanceledError);
        await store.transact([
          {
            type: 'put',
            item: { pk: 'T', sk: 'expired', fresh: true },
            condition: { any: [{ attributeNotExists: 'pk' }, { compare: [ttl, '<=', nowSeconds()] }] },
          },
        ]);
        expect(await store.get({ pk: 'T', sk: 'expired' })).toEqual({ pk: 'T', sk: 'expired', fresh: true });
      });

      if (!sweepExpired) return;

      it('deletes, once swept, exactly the items whose numeric expires_at has passed', async () => {
        const now = nowSeconds();
        await putAll(
          { pk: 'T', sk: 'expired', gsi1pk: 'TG', gsi1sk: '1', [ttl]: now - day },
          { pk: 'T', sk: 'expired-fraction', [ttl]: now - day + 0.5 },
          { pk: 'T', sk: 'live', gsi1pk: 'TG', gsi1sk: '2', [ttl]: now + day },
          { pk: 'T', sk: 'no-ttl', n: 1 },
          // Only a Number attribute is a TTL (DynamoDB ignores the others).
          { pk: 'T', sk: 'string-ttl', [ttl]: String(now - day) },
          { pk: 'T', sk: 'boolean-ttl', [ttl]: true },
          // More than five years in the past: DynamoDB leaves it alone (a unit mistake, not a TTL).
          { pk: 'T', sk: 'ancient-ttl', [ttl]: now - 6 * 365 * day },
        );
        await sweepExpired(store, now);
        expect(await store.get({ pk: 'T', sk: 'expired' })).toBeUndefined();
        expect(await store.get({ pk: 'T', sk: 'expired-fraction' })).toBeUndefined();
        expect((await store.query({ partition: 'T' })).items.map((item) => item.sk)).toEqual([
          'ancient-ttl',
          'boolean-ttl',
          'live',
          'no-ttl',
          'string-ttl',
        ]);
        expect((await store.query({ index: 'gsi1', partition: 'TG' })).items.map((item) => item.sk)).toEqual([
          'live',
        ]);
      });

      it('keeps an item whose expires_at was moved into the future before the sweep', async () => {
        const now = nowSeconds();
        await putAll({ pk: 'T', sk: 'renewed', [ttl]: now - day });
        await store.transact([
          { type: 'update', key: { pk: 'T', sk: 'renewed' }, set: { [ttl]: now + day } },
        ]);
        await sweepExpired(store, now);
        expect(await store.get({ pk: 'T', sk: 'renewed' })).toEqual({
          pk: 'T',
          sk: 'renewed',
          [ttl]: now + day,
        });
      });
    });

    describe('values', () => {
      it('round-trips nested JSON: objects, arrays, booleans, null, empty containers and strings', async () => {
        const item: Item = {
          pk: 'V',
          sk: 'nested',
          object: { a: { b: { c: [1, 'two', false, null, { d: [] }] } }, empty: {} },
          list: [[1, 2], [], [{ x: null }], 'é ✓ 😀'],
          yes: true,
          no: false,
          nothing: null,
          blank: '',
          text: 'line\nbreak "quoted" \\ back',
        };
        await putAll(item);
        expect(await store.get({ pk: 'V', sk: 'nested' })).toEqual(item);
        expect((await store.query({ partition: 'V' })).items).toEqual([item]);
      });

      it('round-trips numbers as numbers', async () => {
        const numbers = [
          0,
          1,
          -1,
          42,
          0.1,
          -2.5,
          1.5e-7,
          123456789.125,
          Number.MAX_SAFE_INTEGER,
          -Number.MAX_SAFE_INTEGER,
          1e100,
        ];
        const item: Item = { pk: 'V', sk: 'numbers', numbers, nested: { n: 7 }, n: 3 };
        await putAll(item);
        await store.transact([
          { type: 'update', key: { pk: 'V', sk: 'numbers' }, add: { n: 0.5, counter: 2 } },
        ]);
        const stored = await store.get({ pk: 'V', sk: 'numbers' });
        expect(stored).toEqual({ ...item, n: 3.5, counter: 2 });
        for (const value of [...(stored!.numbers as unknown[]), stored!.n, stored!.counter])
          expect(typeof value).toBe('number');
      });

      it('stores through update the same values a put stores', async () => {
        const value = { list: [true, null, { n: 1 }], text: '' };
        await store.transact([
          { type: 'update', key: { pk: 'V', sk: 'u' }, set: { value, flag: false, none: null } },
        ]);
        expect(await store.get({ pk: 'V', sk: 'u' })).toEqual({
          pk: 'V',
          sk: 'u',
          value,
          flag: false,
          none: null,
        });
      });
    });
  });
}

/** The error `promise` rejects with; fails the test when it resolves. Shared by the contract suites. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Follows cursors to the end, checking that every page but the last is full. */
async function queryAll(store: Store, query: Query) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, cursor });
    pages.push(page);
    if (query.limit !== undefined) {
      expect(page.items.length).toBeLessThanOrEqual(query.limit);
      if (page.cursor) expect(page.items.length).toBe(query.limit);
    }
    if (pages.length > 1000) throw new Error('paging does not end');
    cursor = page.cursor;
  } while (cursor);
  return pages;
}

function sortValueOf(item: Item, index: IndexName | undefined): string {
  if (!index) return item.sk;
  const definition = tableSchema.indexes.find((i) => i.name === index)!;
  return item[definition.sortKey] as string;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
