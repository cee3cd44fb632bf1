import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidCursorError, TransactionCanceledError, type Item } from '../../platform/store.ts';
import { autoVacuumConversionMaxBytes, SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import { openSqlite } from './sqlite-writer.ts';

/**
 * What mutation testing of `SqliteStore` found unpinned (docs/testing.md): the `begins_with`
 * range at the ends of Unicode, the read cache's size and two batches writing one item, a closed
 * store, a writer thread that fails or exits, the ids of its requests, the process held while a
 * request is out, a file at the conversion limit, and `close` finishing the writes handed in
 * before it and while it waits.
 * Real SQLite, in memory and on files in a temp dir.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function memoryStore(): SqliteStore {
  const store = new SqliteStore(':memory:');
  cleanups.push(() => store.close());
  return store;
}

/** A store on a file of its own, and a second connection to that file. */
async function fileStore(options: SqliteStoreOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'store.db');
  const store = new SqliteStore(path, options);
  cleanups.push(() => store.close());
  const other = new DatabaseSync(path);
  cleanups.push(() => other.close());
  /** Deletes an item's row behind the store's back: what it still returns came from its cache. */
  const deleteBehind = (pk: string) => other.prepare('DELETE FROM items WHERE pk = ?').run(pk);
  return { store, path, other, deleteBehind };
}

async function putAll(store: SqliteStore, items: Item[]): Promise<void> {
  await store.transact(items.map((item) => ({ type: 'put', item }) as const));
}

/** Reopens the file and checks which items it holds, by `pk` (each with `sk` = `pk`). */
async function expectStored(path: string, pks: string[]): Promise<void> {
  const reopened = new SqliteStore(path);
  try {
    for (const pk of pks) expect(await reopened.get({ pk, sk: pk })).toEqual({ pk, sk: pk });
  } finally {
    await reopened.close();
  }
}

describe('SqliteStore begins_with at the ends of Unicode', () => {
  it('bounds a prefix ending in U+D7FF by U+E000, skipping the surrogates', async () => {
    const store = memoryStore();
    const sorts = ['k\u{D7FF}', 'k\u{D7FF}z', 'k\u{E000}', 'k\u{FFFD}'];
    await putAll(
      store,
      sorts.map((sk) => ({ pk: 'U', sk })),
    );
    const page = await store.query({ partition: 'U', sort: { op: 'begins_with', value: 'k\u{D7FF}' } });
    expect(page.items.map((item) => item.sk)).toEqual(['k\u{D7FF}', 'k\u{D7FF}z']);
  });

  it('bounds a prefix ending in U+10FFFF by the code point before it, incremented', async () => {
    const store = memoryStore();
    await putAll(
      store,
      ['k', 'k\u{10FFFF}', 'k\u{10FFFF}a', 'l', 'la'].map((sk) => ({ pk: 'U', sk })),
    );
    const page = await store.query({ partition: 'U', sort: { op: 'begins_with', value: 'k\u{10FFFF}' } });
    expect(page.items.map((item) => item.sk)).toEqual(['k\u{10FFFF}', 'k\u{10FFFF}a']);
  });

  it('has no upper bound for a prefix made only of U+10FFFF', async () => {
    const store = memoryStore();
    await putAll(
      store,
      ['a', '\u{10FFFF}', '\u{10FFFF}\u{10FFFF}', '\u{10FFFF}a'].map((sk) => ({ pk: 'U', sk })),
    );
    const page = await store.query({ partition: 'U', sort: { op: 'begins_with', value: '\u{10FFFF}' } });
    expect(page.items.map((item) => item.sk)).toEqual(['\u{10FFFF}', '\u{10FFFF}a', '\u{10FFFF}\u{10FFFF}']);
  });
});

describe('SqliteStore read cache', () => {
  it.each(['inline', 'worker'] as const)(
    'keeps what it read by default (%s writer), once the write of it is answered',
    async (writer) => {
      const { store, deleteBehind } = await fileStore({ writer });
      await putAll(store, [{ pk: 'A', sk: 'A', n: 1 }]);
      expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A', n: 1 });
      deleteBehind('A');
      expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A', n: 1 });
    },
  );

  it('keeps nothing with a cache of 0 items', async () => {
    const { store, deleteBehind } = await fileStore({ readCacheItems: 0 });
    await putAll(store, [{ pk: 'A', sk: 'A', n: 1 }]);
    expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A', n: 1 });
    deleteBehind('A');
    expect(await store.get({ pk: 'A', sk: 'A' })).toBeUndefined();
  });

  it('keeps at most its size, dropping the item read first', async () => {
    const { store, deleteBehind } = await fileStore({ readCacheItems: 2 });
    await putAll(store, [
      { pk: 'A', sk: 'A' },
      { pk: 'B', sk: 'B' },
      { pk: 'C', sk: 'C' },
    ]);
    for (const pk of ['A', 'B', 'C']) await store.get({ pk, sk: pk });
    for (const pk of ['A', 'B', 'C']) deleteBehind(pk);
    expect(await store.get({ pk: 'A', sk: 'A' })).toBeUndefined();
    expect(await store.get({ pk: 'B', sk: 'B' })).toEqual({ pk: 'B', sk: 'B' });
    expect(await store.get({ pk: 'C', sk: 'C' })).toEqual({ pk: 'C', sk: 'C' });
  });

  it('drops an item a write changed, on this thread and through the writer thread', async () => {
    for (const writer of ['inline', 'worker'] as const) {
      const { store, deleteBehind } = await fileStore({ writer });
      await putAll(store, [{ pk: 'A', sk: 'A', n: 1 }]);
      await store.get({ pk: 'A', sk: 'A' });
      await store.transact([{ type: 'update', key: { pk: 'A', sk: 'A' }, add: { n: 1 } }]);
      deleteBehind('A');
      expect(await store.get({ pk: 'A', sk: 'A' })).toBeUndefined();
    }
  });

  it('reads an item from SQLite, never caching it, until the last of two batches writing it is answered', async () => {
    // Commit groups of 1: the second batch is posted at once, while the first one's answer is
    // still unread. The other connection's write lock holds the second batch back.
    const { store, other } = await fileStore({ writer: 'worker', commitGroup: 1 });
    other.exec('PRAGMA busy_timeout = 5000');
    const read = other.prepare('SELECT data FROM items WHERE pk = ?');
    /** Waits, without yielding to the event loop (so no answer is read), until SQLite shows `n`. */
    const waitForCommit = (pk: string, n: number) => {
      const deadline = Date.now() + 10_000;
      while (JSON.parse((read.get(pk) as { data: string }).data).n !== n) {
        if (Date.now() > deadline)
          throw new Error(`the writer thread did not commit ${pk}.n = ${n} within 10 s`);
      }
    };
    const a = { pk: 'A', sk: 'A' };
    const b = { pk: 'B', sk: 'B' };
    await putAll(store, [
      { ...a, n: 1 },
      { ...b, n: 1 },
    ]);
    const first = store.transact([{ type: 'update', key: a, add: { n: 1 } }]);
    waitForCommit('A', 2);
    other.exec('BEGIN IMMEDIATE');
    const second = store.transact([
      { type: 'update', key: a, add: { n: 1 } },
      { type: 'update', key: b, add: { n: 1 } },
    ]);
    await first;
    expect((await store.get(a))?.n).toBe(2);
    other.exec('COMMIT');
    waitForCommit('B', 2);
    // The second batch has committed and its answer is unread: a cached A would be the 2 above.
    expect((await store.get(a))?.n).toBe(3);
    await second;
  });
});

describe('SqliteStore whose writer thread fails', () => {
  /**
   * Records the writer threads (the ones a batch is posted to; the store keeps its threads to
   * itself) and a promise of each one's exit, until `stop`. The posts go through unchanged.
   */
  function recordWriterThreads() {
    const exits = new Map<Worker, Promise<unknown>>();
    const post = Worker.prototype.postMessage;
    const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (
      this: Worker,
      message,
    ) {
      if ((message as { type?: string }).type === 'batch' && !exits.has(this))
        exits.set(this, new Promise((resolve) => this.once('exit', resolve)));
      post.call(this, message);
    });
    cleanups.push(() => spy.mockRestore());
    return { exits, stop: () => spy.mockRestore() };
  }

  it('fails what was waiting for it and every later write with its error, and still closes', async () => {
    const { exits, stop } = recordWriterThreads();
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    const store = new SqliteStore(join(dir, 'store.db'), { writer: 'worker' });
    // Gone in the constructor's turn: the writer (and checkpointer) thread, which opens its own
    // connection only once it has started and loaded its modules, cannot open the file.
    rmSync(dir, { recursive: true, force: true });
    const waiting = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
    const vacuum = store.reclaimSpace(1, 0);
    stop();
    await expect(waiting).rejects.toThrow('unable to open database file');
    await expect(vacuum).rejects.toThrow('unable to open database file');
    // The thread's exit, which follows its error, must not replace the cause.
    expect(exits.size).toBe(1);
    await Promise.all(exits.values());
    await expect(store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }])).rejects.toThrow(
      'unable to open database file',
    );
    await expect(store.reclaimSpace(1, 0)).rejects.toThrow('unable to open database file');
    await store.close();
  });

  it('answers a batch and a reclaim it could not run with their error, and keeps working', async () => {
    const { store, other } = await fileStore({ writer: 'worker' });
    // Free pages for the reclaim to return (else it needs no lock and returns 0). Random, so
    // the store's compression cannot shrink them.
    const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
    await putAll(
      store,
      numbers.map((n) => ({ pk: `P${n}`, sk: 'P', body: randomBytes(3000).toString('base64') })),
    );
    await store.transact(numbers.map((n) => ({ type: 'delete', key: { pk: `P${n}`, sk: 'P' } }) as const));
    // Another connection holds the write lock past the writer's 5 s busy timeout.
    other.exec('BEGIN IMMEDIATE');
    const write = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
    const reclaim = store.reclaimSpace(10, 0);
    await expect(write).rejects.toThrow('database is locked');
    await expect(reclaim).rejects.toThrow('database is locked');
    other.exec('ROLLBACK');
    await putAll(store, [{ pk: 'B', sk: 'B' }]);
    expect(await store.get({ pk: 'A', sk: 'A' })).toBeUndefined();
    expect(await store.get({ pk: 'B', sk: 'B' })).toEqual({ pk: 'B', sk: 'B' });
    expect(await store.reclaimSpace(10, 0)).toBeGreaterThan(0);
  }, 30_000);

  it('closes once its writer and checkpointer threads have both exited', async () => {
    // The threads are unref'd in the constructor, the checkpointer first: recorded there, with a
    // promise of each one's exit. Waiting for an exit that has happened already would never end.
    const exits = new Map<Worker, Promise<unknown>>();
    const unref = Worker.prototype.unref;
    const spy = vi.spyOn(Worker.prototype, 'unref').mockImplementation(function (this: Worker) {
      if (!exits.has(this)) exits.set(this, new Promise((resolve) => this.once('exit', resolve)));
      unref.call(this);
    });
    cleanups.push(() => spy.mockRestore());
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    const store = new SqliteStore(join(dir, 'store.db'), { writer: 'worker' });
    spy.mockRestore();
    // Gone in the constructor's turn: neither thread can open the file.
    rmSync(dir, { recursive: true, force: true });
    expect(exits.size).toBe(2);
    await Promise.all(exits.values());
    await expect(store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }])).rejects.toThrow(
      'unable to open database file',
    );
    await store.close();
  }, 10_000);

  it('fails every later write with its exit code when it exits without an error', async () => {
    // The writer thread is the one a batch is posted to: terminating it is an exit with code 1
    // and no `error` event, as when the thread is stopped from outside.
    const { exits, stop } = recordWriterThreads();
    const { store } = await fileStore({ writer: 'worker' });
    await putAll(store, [{ pk: 'A', sk: 'A' }]);
    stop();
    expect(exits.size).toBe(1);
    for (const writer of exits.keys()) await writer.terminate();
    await expect(putAll(store, [{ pk: 'B', sk: 'B' }])).rejects.toThrow(
      'the SQLite writer thread exited (code 1)',
    );
    await expect(store.reclaimSpace(1, 0)).rejects.toThrow('the SQLite writer thread exited (code 1)');
  });
});

describe('SqliteStore index cursors', () => {
  it('refuses an index cursor whose rowid is not a safe integer', async () => {
    const store = memoryStore();
    await putAll(
      store,
      ['a', 'b', 'c'].map((id) => ({ pk: `I#${id}`, sk: 'I', gsi1pk: 'P', gsi1sk: id })),
    );
    const { cursor } = await store.query({ index: 'gsi1', partition: 'P', limit: 1 });
    const fields = JSON.parse(Buffer.from(cursor!, 'base64url').toString('utf8')) as Record<string, string>;
    expect(fields.rowid).toMatch(/^[0-9]+$/);
    for (const rowid of ['x', '1.5', '9007199254740993']) {
      const forged = Buffer.from(JSON.stringify({ ...fields, rowid })).toString('base64url');
      await expect(store.query({ index: 'gsi1', partition: 'P', cursor: forged })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    }
  });
});

describe('SqliteStore requests on the writer thread', () => {
  it('answers each of two writes with its own outcome when a reclaim was posted between them', async () => {
    // Commit groups of 1: each write is posted at once, so both are out with the reclaim between
    // them. Batches and reclaims take their ids from one counter: were either kind to count it
    // down, the reclaim would bring it back and the second write take the first one's id.
    const { store } = await fileStore({ writer: 'worker', commitGroup: 1 });
    await putAll(store, [{ pk: 'A', sk: 'A', n: 1 }]);
    const refused = store
      .transact([{ type: 'put', item: { pk: 'A', sk: 'A', n: 2 }, condition: { attributeNotExists: 'pk' } }])
      .then(
        () => 'written',
        (error: unknown) => error,
      );
    const reclaim = store.reclaimSpace(1, 0);
    const written = store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
    await expect(written).resolves.toBeUndefined();
    expect(await refused).toBeInstanceOf(TransactionCanceledError);
    expect(await reclaim).toBeGreaterThanOrEqual(0);
    expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A', n: 1 });
    expect(await store.get({ pk: 'B', sk: 'B' })).toEqual({ pk: 'B', sk: 'B' });
  });
});

describe('SqliteStore opening a file made before incremental auto-vacuum', () => {
  it('leaves one larger than the conversion limit in its mode: the VACUUM would rewrite it whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE filler (b BLOB)');
    old.prepare('INSERT INTO filler VALUES (zeroblob(?))').run(autoVacuumConversionMaxBytes);
    old.close();
    const store = new SqliteStore(path);
    cleanups.push(() => store.close());
    await putAll(store, [{ pk: 'A', sk: 'A' }]);
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(() => inspect.close());
    expect(inspect.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 0 });
    expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A' });
  });

  it("converts one from before the index tables with its index entries: the VACUUM keeps the rows' rowids they name", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, gsi3pk TEXT, gsi3sk TEXT, ttl INTEGER, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old.exec('CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL');
    const insert = old.prepare(
      'INSERT INTO items (rowid, pk, sk, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // Rowids far apart and out of key order, one deleted between them: a renumbering VACUUM would
    // give the rows other rowids than their entries hold.
    for (const [rowid, id, sort] of [
      [2 ** 41, 'a', '1'],
      [7, 'b', '2'],
      [2 ** 40, 'c', '3'],
      [3, 'd', '4'],
    ] as const)
      insert.run(rowid, `I#${id}`, 'I', 'G', sort, `{"id":"${id}"}`);
    old.exec('DELETE FROM items WHERE rowid = 7');
    old.close();

    const store = new SqliteStore(path);
    cleanups.push(() => store.close());
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(() => inspect.close());
    expect(inspect.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 2 });
    const ids = async () =>
      (await store.query({ index: 'gsi1', partition: 'G' })).items.map((item) => item.id);
    expect(await ids()).toEqual(['a', 'c', 'd']);
    await putAll(store, [{ pk: 'I#e', sk: 'I', gsi1pk: 'G', gsi1sk: '0', id: 'e' }]);
    expect(await ids()).toEqual(['e', 'a', 'c', 'd']);
  });

  it('converts one of exactly the conversion limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const made = new DatabaseSync(path);
    made.exec('CREATE TABLE filler (b BLOB)');
    made.close();
    // The store's tables and indexes made in it as well (its mode is fixed by now), so that
    // opening the store adds no page before it measures the file.
    const old = openSqlite(path);
    const pageSize = Number((old.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
    const pageCount = () =>
      Number((old.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
    const limit = autoVacuumConversionMaxBytes / pageSize;
    // One row in overflow pages (each holds a page less its 4-byte link) to 64 pages short, then
    // rows of one leaf page each.
    old.prepare('INSERT INTO filler VALUES (zeroblob(?))').run((limit - 64) * (pageSize - 4));
    while (pageCount() < limit) old.exec('INSERT INTO filler VALUES (zeroblob(3000))');
    expect(pageCount() * pageSize).toBe(autoVacuumConversionMaxBytes);
    old.close();
    const store = new SqliteStore(path);
    cleanups.push(() => store.close());
    await putAll(store, [{ pk: 'A', sk: 'A' }]);
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(() => inspect.close());
    expect(inspect.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 2 });
    expect(await store.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A' });
  }, 60_000);
});

describe('SqliteStore writer thread and the process', () => {
  /**
   * Runs `body` as a module in a child process, with `SqliteStore`, `DatabaseSync` and `path` (a
   * database path in a temp dir) in scope: top-level awaits with nothing else to keep the event
   * loop alive. Were the writer thread not held while it has work, the process would end (code
   * 13) before an answer; were it held once idle, the process would never end.
   */
  async function runScript(body: string): Promise<{ code: number | null; out: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-mutants-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const script = `
      import { DatabaseSync } from 'node:sqlite';
      import { SqliteStore } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'sqlite-store.ts')).href)};
      const path = process.argv[2];
      ${body}`;
    await writeFile(join(dir, 'child.mjs'), script);
    const child = spawn(process.execPath, [join(dir, 'child.mjs'), join(dir, 'store.db')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, out: out.trim() };
  }

  /**
   * A child script's start: a store on a worker thread whose 8 deleted items (~4 KB each) left
   * pages to reclaim, another connection on its file (`other`), and `free()`, its free-list size.
   */
  const pagesToReclaim = `
      const store = new SqliteStore(path, { writer: 'worker' });
      const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
      const body = () => Array.from({ length: 4000 }, () => Math.random().toString(36)[2]).join('');
      await store.transact(numbers.map((n) => ({ type: 'put', item: { pk: 'P' + n, sk: 'P', body: body() } })));
      await store.transact(numbers.map((n) => ({ type: 'delete', key: { pk: 'P' + n, sk: 'P' } })));
      const other = new DatabaseSync(path);
      other.exec('PRAGMA busy_timeout = 5000');
      const free = () => other.prepare('PRAGMA freelist_count').get().freelist_count;`;

  it('keeps the process alive while a write or a reclaim is on the writer thread, and not once they are answered', async () => {
    // Store a ends on a reclaim's answer, store b on a write's, posted to a thread long started;
    // a store never written to must not hold the process either.
    const result = await runScript(`
      new SqliteStore(path + '-idle', { writer: 'worker' });
      const a = new SqliteStore(path + '-a', { writer: 'worker' });
      await a.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
      await a.reclaimSpace(1, 0);
      const b = new SqliteStore(path + '-b', { writer: 'worker' });
      await b.reclaimSpace(1, 0);
      await b.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
      await b.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
      console.log('answered');`);
    expect(result).toEqual({ code: 0, out: 'answered' });
  });

  it('keeps the process alive once the first of two writes is answered, until the second is', async () => {
    // Commit groups of 1: the second write is posted at once, after the first has committed and
    // while another connection holds the write lock. A timer that does not hold the process
    // itself releases the lock: only the writer thread, held while it has work, keeps it alive.
    const result = await runScript(`
      const store = new SqliteStore(path, { writer: 'worker', commitGroup: 1 });
      await store.transact([{ type: 'put', item: { pk: 'W', sk: 'W' } }]);
      const other = new DatabaseSync(path);
      other.exec('PRAGMA busy_timeout = 5000');
      const first = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
      const deadline = Date.now() + 10_000;
      while (!other.prepare("SELECT 1 FROM items WHERE pk = 'A'").get()) {
        if (Date.now() > deadline) throw new Error('the first write did not commit within 10 s');
      }
      other.exec('BEGIN IMMEDIATE');
      const second = store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
      setTimeout(() => other.exec('ROLLBACK'), 300).unref();
      await first;
      await second;
      console.log('answered');`);
    expect(result).toEqual({ code: 0, out: 'answered' });
  });

  it('keeps the process alive once a reclaim is answered, while a write is still out', async () => {
    // The same, with a reclaim first: the write is posted once the reclaim has freed a page.
    const result = await runScript(`
      ${pagesToReclaim}
      const before = free();
      const reclaim = store.reclaimSpace(1, 0);
      const deadline = Date.now() + 10_000;
      while (free() === before) {
        if (Date.now() > deadline) throw new Error('the reclaim did not free a page within 10 s');
      }
      other.exec('BEGIN IMMEDIATE');
      const write = store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
      setTimeout(() => other.exec('ROLLBACK'), 300).unref();
      await reclaim;
      await write;
      console.log('answered');`);
    expect(result).toEqual({ code: 0, out: 'answered' });
  });

  it('keeps the process alive while a reclaim is still out, once a write or a reclaim before it is answered', async () => {
    // Each time the first request has done its work before the reclaim is posted, and another
    // connection holds the write lock the reclaim needs until a timer that does not hold the
    // process releases it.
    const result = await runScript(`
      ${pagesToReclaim}
      const waitUntil = (isDone, what) => {
        const deadline = Date.now() + 10_000;
        while (!isDone()) {
          if (Date.now() > deadline) throw new Error(what + ' did not happen within 10 s');
        }
      };
      const write = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
      waitUntil(() => other.prepare("SELECT 1 FROM items WHERE pk = 'A'").get(), 'the write');
      other.exec('BEGIN IMMEDIATE');
      const afterWrite = store.reclaimSpace(1, 0);
      setTimeout(() => other.exec('ROLLBACK'), 300).unref();
      await write;
      const freedAfterWrite = await afterWrite;
      const before = free();
      const first = store.reclaimSpace(1, 0);
      waitUntil(() => free() < before, 'the first reclaim');
      other.exec('BEGIN IMMEDIATE');
      const second = store.reclaimSpace(1, 0);
      setTimeout(() => other.exec('ROLLBACK'), 300).unref();
      await first;
      console.log('freed', freedAfterWrite, await second);`);
    expect(result).toEqual({ code: 0, out: 'freed 1 1' });
  });
});

describe('SqliteStore close', () => {
  it.each(['inline', 'worker'] as const)(
    'with the %s writer, commits the writes handed in before it, then refuses more',
    async (writer) => {
      const { store, path } = await fileStore({ writer });
      const handedIn = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A', n: 1 } }]);
      await store.close();
      await handedIn;
      await store.close(); // a second close does nothing
      await expect(store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }])).rejects.toThrow(
        'the store is closed',
      );
      await expect(store.reclaimSpace(1, 0)).rejects.toThrow('the store is closed');
      const reopened = new SqliteStore(path);
      try {
        expect(await reopened.get({ pk: 'A', sk: 'A' })).toEqual({ pk: 'A', sk: 'A', n: 1 });
      } finally {
        await reopened.close();
      }
    },
  );
  it('commits a write handed in while it waits for a batch on the writer thread', async () => {
    // Another connection's write lock holds the batch on the writer thread, so `close` is still
    // waiting for its answer a turn later: the store is not closed yet.
    const { store, path, other } = await fileStore({ writer: 'worker' });
    other.exec('PRAGMA busy_timeout = 5000');
    await putAll(store, [{ pk: 'W', sk: 'W' }]);
    other.exec('BEGIN IMMEDIATE');
    const first = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
    const closing = store.close();
    await new Promise((resolve) => setImmediate(resolve));
    const late = store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
    other.exec('ROLLBACK');
    await first;
    await late;
    await closing;
    await expectStored(path, ['A', 'B', 'W']);
  });

  it('commits a write handed in while it waits for one gathered as a batch was answered', async () => {
    // The queued write is posted at the end of the turn (a batch is out); the answer to the
    // batch arrives before that, leaving nothing out but a write still queued, so `close` waits
    // on. In a timer's turn the event loop reads the writer thread's answers before it runs the
    // turn's-end callbacks.
    const { store, path, other } = await fileStore({ writer: 'worker' });
    other.exec('PRAGMA busy_timeout = 5000');
    const numbers = [1, 2, 3, 4, 5, 6, 7, 8];
    await putAll(
      store,
      numbers.map((n) => ({ pk: `P${n}`, sk: 'P', body: randomBytes(3000).toString('base64') })),
    );
    await store.transact(numbers.map((n) => ({ type: 'delete', key: { pk: `P${n}`, sk: 'P' } }) as const));
    const free = () =>
      (other.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count;
    /** Waits without yielding to the event loop, so no answer is read meanwhile. */
    const waitUntil = (isDone: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!isDone()) {
        if (Date.now() > deadline) throw new Error(`${what} did not happen within 10 s`);
      }
    };
    await new Promise((resolve) => setTimeout(resolve, 0));
    const first = store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' } }]);
    waitUntil(() => other.prepare("SELECT 1 FROM items WHERE pk = 'A'").get() !== undefined, 'the write');
    // The thread takes the reclaim only once it has answered the write: once the reclaim has
    // freed a page, that answer is waiting for this thread.
    const freeBefore = free();
    const reclaim = store.reclaimSpace(1, 0);
    waitUntil(() => free() < freeBefore, 'the reclaim');
    other.exec('BEGIN IMMEDIATE');
    const queued = store.transact([{ type: 'put', item: { pk: 'B', sk: 'B' } }]);
    const closing = store.close();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    const late = store.transact([{ type: 'put', item: { pk: 'C', sk: 'C' } }]);
    other.exec('ROLLBACK');
    await queued;
    await late;
    expect(await reclaim).toBe(1);
    await closing;
    await expectStored(path, ['A', 'B', 'C']);
  });
});
