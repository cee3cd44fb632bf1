import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { runStoreContract } from '../../platform/store-contract.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { isTransactionCanceled, type Store } from '../../platform/store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { TtlSweeper } from './ttl-sweeper.ts';

/** The local TTL: a sweeper on a clock that reads `nowSeconds`, run until nothing expired is left. */
const sweepExpired = async (store: Store, nowSeconds: number) => {
  await new TtlSweeper({ store: store as SqliteStore, clock: new ManualClock(nowSeconds * 1000) }).drain();
};

runStoreContract('SqliteStore (:memory:)', async () => ({ store: new SqliteStore(':memory:') }), {
  sweepExpired,
});

runStoreContract(
  'SqliteStore (a file, writer thread)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-'));
    return {
      store: new SqliteStore(join(dir, 'store.db'), { writer: 'worker' }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { sweepExpired },
);

describe('SqliteStore on a file', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  /** A database path in a temp dir of its own, removed after the test. */
  async function tempStorePath(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return join(dir, 'store.db');
  }

  it('continues an index query from a cursor made before the index tables (no rowid): from its item, or, that item gone, with every item sharing its sort key again', async () => {
    const store = new SqliteStore(':memory:');
    cleanups.push(() => store.close());
    // Five items share one sort key, in rowid order a…e; then one more after it.
    await store.transact(
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({
        type: 'put' as const,
        item: { pk: `I#${id}`, sk: 'I', gsi1pk: 'P', gsi1sk: 's', id },
      })),
    );
    await store.transact([{ type: 'put', item: { pk: 'I#z', sk: 'I', gsi1pk: 'P', gsi1sk: 't', id: 'z' } }]);
    const ids = (items: Array<Record<string, unknown>>) => items.map((item) => item.id);
    const first = await store.query({ index: 'gsi1', partition: 'P', limit: 2 });
    expect(ids(first.items)).toEqual(['a', 'b']);
    const withoutRowid = (cursor: string) => {
      const { rowid: _rowid, ...rest } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      return Buffer.from(JSON.stringify(rest)).toString('base64url');
    };
    const older = withoutRowid(first.cursor!);
    expect(ids((await store.query({ index: 'gsi1', partition: 'P', cursor: older })).items)).toEqual([
      'c',
      'd',
      'e',
      'z',
    ]);
    const back = await store.query({ index: 'gsi1', partition: 'P', direction: 'desc', limit: 3 });
    expect(ids(back.items)).toEqual(['z', 'e', 'd']);
    await store.transact([
      { type: 'delete', key: { pk: 'I#b', sk: 'I' } },
      { type: 'delete', key: { pk: 'I#d', sk: 'I' } },
    ]);
    expect(ids((await store.query({ index: 'gsi1', partition: 'P', cursor: older })).items)).toEqual([
      'a',
      'c',
      'e',
      'z',
    ]);
    const olderBack = withoutRowid(back.cursor!);
    expect(
      ids((await store.query({ index: 'gsi1', partition: 'P', direction: 'desc', cursor: olderBack })).items),
    ).toEqual(['e', 'c', 'a']);
    // The cursor of today, with the item it names deleted, goes on from where it was.
    expect(ids((await store.query({ index: 'gsi1', partition: 'P', cursor: first.cursor! })).items)).toEqual([
      'c',
      'e',
      'z',
    ]);
  });

  it('keeps committed data across close and reopen', async () => {
    const path = await tempStorePath();
    const first = new SqliteStore(path);
    await first.transact([
      { type: 'put', item: { pk: 'A', sk: '1', gsi1pk: 'G', gsi1sk: 'x', nested: { n: [1, true, null] } } },
      { type: 'update', key: { pk: 'A', sk: '2' }, add: { n: 3 } },
    ]);
    await first.close();

    const second = new SqliteStore(path);
    try {
      expect(await second.get({ pk: 'A', sk: '1' })).toEqual({
        pk: 'A',
        sk: '1',
        gsi1pk: 'G',
        gsi1sk: 'x',
        nested: { n: [1, true, null] },
      });
      expect(await second.get({ pk: 'A', sk: '2' })).toEqual({ pk: 'A', sk: '2', n: 3 });
      expect((await second.query({ index: 'gsi1', partition: 'G' })).items.map((item) => item.sk)).toEqual([
        '1',
      ]);
    } finally {
      await second.close();
    }
  });

  it.each([16, 3])(
    'with the writer thread (commit groups of %i), applies transactions of many batches in call order, each condition seeing the ones before',
    async (commitGroup) => {
      const store = new SqliteStore(await tempStorePath(), { writer: 'worker', commitGroup });
      try {
        await store.transact([{ type: 'put', item: { pk: 'C', sk: 'C', n: 0 } }]);
        // 300 guarded increments over 30 turns of the event loop, none awaited before the next is
        // made: batches pile up while earlier ones commit, and the cap must still hold exactly.
        // Each outcome is taken as it comes (undefined: committed), so no refusal goes unhandled.
        const increments: Array<Promise<unknown>> = [];
        for (let turn = 0; turn < 30; turn++) {
          for (let i = 0; i < 10; i++) {
            increments.push(
              store
                .transact([
                  {
                    type: 'update',
                    key: { pk: 'C', sk: 'C' },
                    add: { n: 1 },
                    condition: { compare: ['n', '<', 250] },
                  },
                ])
                .then(
                  () => undefined,
                  (error: unknown) => error,
                ),
            );
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        const outcomes = await Promise.all(increments);
        const refused = outcomes.filter((outcome) => outcome !== undefined);
        expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(250);
        expect(refused).toHaveLength(50);
        expect(refused.every((error) => isTransactionCanceled(error))).toBe(true);
        // The first 250 calls won and the last 50 lost: the serial order is the order of the calls.
        expect(outcomes.slice(0, 250).every((outcome) => outcome === undefined)).toBe(true);
        expect((await store.get({ pk: 'C', sk: 'C' }))?.n).toBe(250);
      } finally {
        await store.close();
      }
    },
  );

  it('reads through its cache: the value committed before, never one another caller changed, never one overwritten', async () => {
    const store = new SqliteStore(await tempStorePath(), { writer: 'worker', readCacheItems: 2 });
    try {
      const key = { pk: 'K', sk: 'K' };
      await store.transact([{ type: 'put', item: { ...key, n: 1, tags: ['a'] } }]);
      const first = (await store.get(key))!;
      (first.tags as string[]).push('changed by a caller');
      first.n = 99;
      expect(await store.get(key)).toEqual({ ...key, n: 1, tags: ['a'] });

      // While a write is in flight, reads see what was committed; once it resolves, the new value.
      const writing = store.transact([{ type: 'update', key, add: { n: 1 } }]);
      expect((await store.get(key))?.n).toBe(1);
      await writing;
      expect((await store.get(key))?.n).toBe(2);

      // A refused write leaves the value; a delete removes it.
      await expect(
        store.transact([{ type: 'update', key, add: { n: 1 }, condition: { compare: ['n', '>', 5] } }]),
      ).rejects.toSatisfy(isTransactionCanceled);
      expect((await store.get(key))?.n).toBe(2);
      await store.transact([{ type: 'delete', key }]);
      expect(await store.get(key)).toBeUndefined();

      // Beyond its size the oldest entries go; every item still reads from SQLite.
      await store.transact(
        [1, 2, 3, 4].map((n) => ({ type: 'put' as const, item: { pk: `P${n}`, sk: 'P', n } })),
      );
      for (const n of [1, 2, 3, 4, 1, 2]) expect((await store.get({ pk: `P${n}`, sk: 'P' }))?.n).toBe(n);
    } finally {
      await store.close();
    }
  });

  it("never serves a cached item older than what SQLite already shows, while the writer thread's answer is on its way", async () => {
    const path = await tempStorePath();
    const store = new SqliteStore(path, { writer: 'worker' });
    const observer = new DatabaseSync(path, { readOnly: true });
    try {
      const a = { pk: 'A', sk: 'A' };
      const b = { pk: 'B', sk: 'B' };
      await store.transact([
        { type: 'put', item: { ...a, n: 1 } },
        { type: 'put', item: { ...b, n: 1 } },
      ]);
      expect((await store.get(a))?.n).toBe(1); // cached

      // One transaction moves both to 2. Without yielding to the event loop (so the writer's
      // answer cannot be handled), wait until another connection sees the commit on disk.
      const writing = store.transact([
        { type: 'update', key: a, add: { n: 1 } },
        { type: 'update', key: b, add: { n: 1 } },
      ]);
      const read = observer.prepare('SELECT data FROM items WHERE pk = ? AND sk = ?');
      const deadline = Date.now() + 10_000;
      while (JSON.parse((read.get('B', 'B') as { data: string }).data).n !== 2) {
        if (Date.now() > deadline) throw new Error('the writer thread did not commit within 10 s');
      }
      // B is read from SQLite (2); A must not come from the cache (1): both or neither.
      const [readA, readB] = [store.get(a), store.get(b)];
      expect([(await readA)?.n, (await readB)?.n]).toEqual([2, 2]);
      await writing;
      expect((await store.get(a))?.n).toBe(2);
    } finally {
      observer.close();
      await store.close();
    }
  });

  it("copies the WAL into the database file on its checkpointer thread while it is open, well below the writer's own checkpoint size", async () => {
    const path = await tempStorePath();
    const store = new SqliteStore(path, { writer: 'worker' });
    try {
      await store.transact([{ type: 'put', item: { pk: 'X', sk: '0' } }]);
      const before = (await stat(path)).size;
      // ~1 MB in ~500 pages: far under the writer's backstop (100,000 pages), so only another
      // connection can have moved it into the database file.
      // Random, so the store's compression cannot shrink it.
      const bodies = Array.from({ length: 1000 }, () => randomBytes(750).toString('base64'));
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            store.transact([
              { type: 'put', item: { pk: `P${round}-${i}`, sk: 'P', body: bodies[round * 100 + i] } },
            ]),
          ),
        );
      }
      const deadline = Date.now() + 10_000;
      while ((await stat(path)).size < before + 1_000_000) {
        if (Date.now() > deadline)
          throw new Error(`the database file stayed at ${(await stat(path)).size} bytes`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await store.get({ pk: 'P9-99', sk: 'P' }))?.body).toBe(bodies[999]);
    } finally {
      await store.close();
    }
    // Closed cleanly: the last connection folds the WAL in and removes it, and the data is there.
    await expect(stat(`${path}-wal`)).rejects.toThrow();
    const reopened = new SqliteStore(path);
    try {
      expect((await reopened.query({ partition: 'P0-0' })).items).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });
});
