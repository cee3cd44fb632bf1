import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import type { Item } from '../../platform/store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { TtlSweeper, type ExpiringStore } from './ttl-sweeper.ts';

const start = Date.UTC(2026, 0, 1);
const startSeconds = start / 1000;

/** `count` items of partition `pk` expiring `offsetSeconds` from the start. */
function expiring(pk: string, count: number, offsetSeconds: number, padding = 0): Item[] {
  return Array.from({ length: count }, (_, index) => ({
    pk,
    sk: String(index).padStart(4, '0'),
    expires_at: startSeconds + offsetSeconds,
    // Random, so the store's compression cannot shrink it.
    ...(padding > 0 ? { padding: randomBytes(padding).toString('base64').slice(0, padding) } : {}),
  }));
}

async function putAll(store: SqliteStore, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 100)
    await store.transact(items.slice(i, i + 100).map((item) => ({ type: 'put', item }) as const));
}

async function keysOf(store: SqliteStore, pk: string): Promise<string[]> {
  return (await store.query({ partition: pk })).items.map((item) => item.sk);
}

describe('TtlSweeper', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  function memoryStore(): SqliteStore {
    const store = new SqliteStore(':memory:');
    cleanups.push(() => store.close());
    return store;
  }
  async function tempPath(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-ttl-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return join(dir, 'store.db');
  }

  it('deletes at most a batch per sweep, soonest-expired first, and drains the rest', async () => {
    const store = memoryStore();
    const clock = new ManualClock(start);
    await putAll(store, [
      ...expiring('OLD', 5, -120),
      ...expiring('NEWER', 5, -60),
      ...expiring('LIVE', 2, 60),
    ]);
    const sweeper = new TtlSweeper({ store, clock, batchSize: 4 });

    expect((await sweeper.sweepOnce()).deleted).toBe(4);
    expect(await keysOf(store, 'OLD')).toEqual(['0004']);
    expect((await sweeper.drain()).deleted).toBe(6);
    expect(await keysOf(store, 'OLD')).toEqual([]);
    expect(await keysOf(store, 'NEWER')).toEqual([]);
    expect(await keysOf(store, 'LIVE')).toEqual(['0000', '0001']);

    clock.advance(61_000);
    expect((await sweeper.drain()).deleted).toBe(2);
    expect(await keysOf(store, 'LIVE')).toEqual([]);
  });

  it('keeps an item renewed after the sweep found it, and still deletes the others of its batch', async () => {
    const store = memoryStore();
    await putAll(store, expiring('S', 3, -10));
    // The renewal lands between the sweep's read and its delete, as a request's write could.
    const racing: ExpiringStore = {
      transact: (operations) => store.transact(operations),
      async expiredKeys(nowSeconds, limit) {
        const keys = await store.expiredKeys(nowSeconds, limit);
        await store.transact([
          { type: 'update', key: { pk: 'S', sk: '0001' }, set: { expires_at: startSeconds + 3600 } },
        ]);
        return keys;
      },
    };
    const summary = await new TtlSweeper({ store: racing, clock: new ManualClock(start) }).sweepOnce();
    expect(summary.deleted).toBe(2);
    expect(await keysOf(store, 'S')).toEqual(['0001']);
  });

  it('sweeps once as soon as it starts, and stops after that sweep', async () => {
    const store = memoryStore();
    await putAll(store, expiring('S', 3, -10));
    const sweeper = new TtlSweeper({ store, clock: new ManualClock(start) });
    sweeper.start();
    await sweeper.stop();
    expect(await keysOf(store, 'S')).toEqual([]);
  });

  it('gives the pages of deleted items back to the file system, in steps, through the writer thread', async () => {
    const path = await tempPath();
    const store = new SqliteStore(path, { writer: 'worker' });
    cleanups.push(() => store.close());
    // ~2,000 items of ~1.5 KB: about 1,500 pages once deleted.
    await putAll(store, expiring('BIG', 2000, -10, 1500));
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(async () => inspect.close());
    const pages = () =>
      Number((inspect.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
    const before = pages();

    const sweeper = new TtlSweeper({
      store,
      clock: new ManualClock(start),
      batchSize: 2000,
      vacuumStepPages: 500,
      keepFreePages: 100,
    });
    const first = await sweeper.sweepOnce();
    expect(first.deleted).toBe(2000);
    expect(first.reclaimedPages).toBe(500);
    // Later sweeps go on in steps until only the pages kept for reuse are free.
    const steps: number[] = [];
    for (
      let step = (await sweeper.sweepOnce()).reclaimedPages;
      step > 0;
      step = (await sweeper.sweepOnce()).reclaimedPages
    )
      steps.push(step);
    expect(steps.length).toBeGreaterThan(0);
    expect(Math.max(...steps)).toBeLessThanOrEqual(500);
    expect(pages()).toBeLessThan(before / 2);
  });

  it('frees whole pages when expired items go, though they were written among items kept for good', async () => {
    const path = await tempPath();
    const store = new SqliteStore(path, { writer: 'worker' });
    cleanups.push(() => store.close());
    // An item that expires (~500 B) then one kept (~400 B), in the same transactions, as a transfer's
    // event and idempotency record are written with the transfer. Mixed in pages, the kept ones would
    // leave each page ~45% full: not empty enough for SQLite to merge pages on delete.
    const gone = expiring('GONE', 1000, -10, 500);
    const kept = expiring('KEPT', 1000, 0, 400).map(({ expires_at: _never, ...item }) => item);
    await putAll(
      store,
      gone.flatMap((item, i) => [item, kept[i]!]),
    );
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(async () => inspect.close());
    const pageCount = () =>
      Number(
        (inspect.prepare("SELECT COUNT(*) AS n FROM dbstat WHERE name = 'items'").get() as { n: number }).n,
      );
    const before = pageCount();

    const sweeper = new TtlSweeper({ store, clock: new ManualClock(start), batchSize: 1000 });
    expect((await sweeper.sweepOnce()).deleted).toBe(1000);
    // The table's pages that held only expired items are gone from it: about half.
    expect(pageCount()).toBeLessThan(before * 0.6);
    expect(await keysOf(store, 'KEPT')).toHaveLength(1000);
  });

  it('gives new rows free rowids when another connection (another process) wrote to the file since', async () => {
    const path = await tempPath();
    const here = new SqliteStore(path);
    const there = new SqliteStore(path);
    cleanups.push(
      () => here.close(),
      () => there.close(),
    );
    for (let i = 0; i < 3; i++) {
      await here.transact([{ type: 'put', item: { pk: 'HERE', sk: String(i) } }]);
      await there.transact([{ type: 'put', item: { pk: 'THERE', sk: String(i) } }]);
    }
    expect(await keysOf(here, 'HERE')).toEqual(['0', '1', '2']);
    expect(await keysOf(here, 'THERE')).toEqual(['0', '1', '2']);
  });

  it('converts a small data file made before incremental auto-vacuum, keeping its items', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec('PRAGMA journal_mode = WAL');
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old
      .prepare('INSERT INTO items (pk, sk, data) VALUES (?, ?, ?)')
      .run('A', '1', '{"pk":"A","sk":"1","n":1}');
    expect((old.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum).toBe(0);
    old.close();

    const store = new SqliteStore(path);
    cleanups.push(() => store.close());
    expect(await store.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', n: 1 });
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(async () => inspect.close());
    expect((inspect.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum).toBe(2);
  });
});
