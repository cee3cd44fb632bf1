import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreValidationError, TransactionCanceledError } from '../../platform/store.ts';
import { openSqlite, reclaimFreePages, SqliteWriter, toError, toOutcome } from './sqlite-writer.ts';

/**
 * What the store contract cannot reach in `SqliteWriter` and `openSqlite` (issue 23, mutation
 * testing): a batch whose COMMIT fails, a transaction failing for another reason than a condition
 * or validation, the connection's settings, the upgrade of an older file and the freeing of
 * pages. Real SQLite files throughout.
 */
describe('SqliteWriter and openSqlite', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function tempPath(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-writer-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return join(dir, 'store.db');
  }
  function open(path: string, options?: { readOnly?: boolean }): DatabaseSync {
    const db = options ? new DatabaseSync(path, options) : openSqlite(path);
    cleanups.push(() => {
      if (db.isOpen) db.close();
    });
    return db;
  }
  const pragma = (db: DatabaseSync, name: string): unknown =>
    Object.values(db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[0];
  const dataOf = (db: DatabaseSync, pk: string, sk: string) =>
    (
      db.prepare('SELECT data FROM items WHERE pk = ? AND sk = ?').get(pk, sk) as
        | { data: unknown }
        | undefined
    )?.data;

  it('commits nothing of a batch whose COMMIT fails, rolls it back, and commits the next batch', async () => {
    const path = await tempPath();
    const db = open(path);
    // A rollback journal and no busy wait: a reader's SHARED lock makes the COMMIT fail at once.
    db.exec('PRAGMA journal_mode = DELETE');
    db.exec('PRAGMA busy_timeout = 0');
    const writer = new SqliteWriter(db);
    const reader = open(path, { readOnly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM items').get();

    expect(() => writer.applyBatch([[{ type: 'put', item: { pk: 'A', sk: '1' } }]])).toThrow(/locked|busy/i);
    expect(db.isTransaction).toBe(false);
    reader.exec('COMMIT');

    expect(writer.applyBatch([[{ type: 'put', item: { pk: 'B', sk: '1' } }]])).toEqual([undefined]);
    expect(dataOf(reader, 'A', '1')).toBeUndefined();
    expect(dataOf(reader, 'B', '1')).toBeDefined();
  });

  it('fails a whole batch with the error when SQLite rolled it back itself (a full disk), and commits the next', async () => {
    const db = open(await tempPath());
    const writer = new SqliteWriter(db);
    expect(writer.applyBatch([[{ type: 'put', item: { pk: 'K', sk: 'K', n: 1 } }]])).toEqual([undefined]);
    // The file may not grow: a transaction that needs new pages fails with SQLITE_FULL.
    const pages = Number(pragma(db, 'page_count'));
    db.exec(`PRAGMA max_page_count = ${pages}`);
    // Random, so compression cannot make it fit.
    const body = randomBytes(60_000).toString('base64');
    expect(() =>
      writer.applyBatch([
        [{ type: 'update', key: { pk: 'K', sk: 'K' }, add: { n: 1 } }],
        [{ type: 'put', item: { pk: 'Big', sk: '1', body } }],
        [{ type: 'update', key: { pk: 'K', sk: 'K' }, add: { n: 100 } }],
      ]),
    ).toThrow(/full/i);
    expect(db.isTransaction).toBe(false);
    expect(JSON.parse(String(dataOf(db, 'K', 'K'))).n).toBe(1);
    db.exec(`PRAGMA max_page_count = ${pages * 100}`);
    expect(writer.applyBatch([[{ type: 'update', key: { pk: 'K', sk: 'K' }, add: { n: 1 } }]])).toEqual([
      undefined,
    ]);
    expect(JSON.parse(String(dataOf(db, 'K', 'K'))).n).toBe(2);
  });

  it('answers a transaction that fails for another reason with its message, undoing only its writes', async () => {
    const db = open(await tempPath());
    // A trigger's abort: SQLite undoes the statement and keeps the transaction.
    db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.pk = 'Refused' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END",
    );
    const writer = new SqliteWriter(db);
    const outcomes = writer.applyBatch([
      [{ type: 'put', item: { pk: 'K', sk: 'K', n: 1 } }],
      [
        { type: 'update', key: { pk: 'K', sk: 'K' }, add: { n: 10 } },
        { type: 'put', item: { pk: 'Refused', sk: '1' } },
      ],
      [{ type: 'update', key: { pk: 'K', sk: 'K' }, add: { n: 100 } }],
    ]);
    expect(outcomes).toEqual([undefined, { kind: 'error', message: 'refused by a trigger' }, undefined]);
    expect(JSON.parse(String(dataOf(db, 'K', 'K'))).n).toBe(101);
    expect(dataOf(db, 'Refused', '1')).toBeUndefined();
  });

  it('opens a file another process is writing to once that write ends, not failing as locked', async () => {
    const path = await tempPath();
    open(path).close();
    // Another process takes the write lock, says so, and lets go a moment later.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DatabaseSync } from 'node:sqlite';
         const db = new DatabaseSync(${JSON.stringify(path)});
         db.exec('BEGIN IMMEDIATE');
         console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('locked') && resolve()),
    );
    const db = open(path);
    expect(pragma(db, 'busy_timeout')).toBe(5000);
  });

  it('opens a file with 2 KB pages, incremental auto-vacuum, WAL and a 5 s busy timeout; :memory: without WAL', async () => {
    const db = open(await tempPath());
    expect([
      pragma(db, 'page_size'),
      pragma(db, 'auto_vacuum'),
      pragma(db, 'journal_mode'),
      pragma(db, 'synchronous'),
      pragma(db, 'busy_timeout'),
    ]).toEqual([2048, 2, 'wal', 2, 5000]);
    const memory = open(':memory:');
    expect([
      pragma(memory, 'page_size'),
      pragma(memory, 'auto_vacuum'),
      pragma(memory, 'journal_mode'),
    ]).toEqual([2048, 2, 'memory']);
  });

  it('gives a file made before the ttl column one, filled from numeric expires_at only, and moves its index into a table of entries', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old.exec('CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL');
    const insert = old.prepare(
      'INSERT INTO items (rowid, pk, sk, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run(40, 'A', '1', 'G', 'a', '{"expires_at":1000}');
    insert.run(7, 'A', '2', null, null, '{"expires_at":1500.5}');
    insert.run(90, 'A', '3', 'G', null, '{"expires_at":"1000"}');
    insert.run(12, 'A', '4', 'G', 'b', '{"n":1}');
    old.close();

    const db = open(path);
    const columns = () =>
      (db.prepare('SELECT name FROM pragma_table_info(?)').all('items') as Array<{ name: string }>).map(
        (row) => row.name,
      );
    // Rebuilt with its rowid named `id` (so VACUUM keeps it), every row keeping its rowid.
    expect(columns()).toEqual(['id', 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', 'data']);
    expect(
      db
        .prepare('SELECT id, sk, ttl FROM items ORDER BY sk')
        .all()
        .map((row) => ({ ...row })),
    ).toEqual([
      { id: 40, sk: '1', ttl: 1000 },
      { id: 7, sk: '2', ttl: 1500.5 },
      { id: 90, sk: '3', ttl: null },
      { id: 12, sk: '4', ttl: null },
    ]);
    const schema = () =>
      db
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name LIKE '%gsi%' ORDER BY name")
        .all()
        .map((row) => ({ ...row }));
    expect(schema()).toEqual(
      ['gsi1', 'gsi2', 'gsi3'].map((name) => ({
        type: 'table',
        name: `index_${name}`,
        sql: `CREATE TABLE index_${name} (pk TEXT NOT NULL, sk TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (pk, sk, id)) WITHOUT ROWID`,
      })),
    );
    // The entries of the rows with both keys, by rowid; the other indexes had no columns, so no items.
    const entries = () =>
      db
        .prepare(
          'SELECT e.pk, e.sk, items.sk AS item FROM index_gsi1 AS e JOIN items ON items.rowid = e.id ORDER BY e.sk',
        )
        .all()
        .map((row) => ({ ...row }));
    expect(entries()).toEqual([
      { pk: 'G', sk: 'a', item: '1' },
      { pk: 'G', sk: 'b', item: '4' },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM index_gsi2').get()).toEqual({ n: 0 });
    // A VACUUM leaves the rows where the entries say they are.
    db.exec('VACUUM');
    expect(entries()).toEqual([
      { pk: 'G', sk: 'a', item: '1' },
      { pk: 'G', sk: 'b', item: '4' },
    ]);
    // Opening it again changes nothing.
    db.close();
    const again = open(path);
    expect(again.prepare('SELECT count(*) AS n FROM index_gsi1').get()).toEqual({ n: 2 });
    expect(
      (again.prepare('SELECT name FROM pragma_table_info(?)').all('items') as Array<{ name: string }>).length,
    ).toBe(7);
  });

  it("in a file from before the index tables, moves a rewritten row's index keys into its JSON and its entries with them, and removes a deleted row's entries", async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, gsi3pk TEXT, gsi3sk TEXT, ttl INTEGER, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    const insert = old.prepare(
      'INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('P', '1', 'G', 's1', 'H', 'h', '{"n":1}');
    insert.run('P', '2', 'G', 's2', null, null, '{"n":2}');
    insert.run('P', '3', 'G', 's3', null, null, '{"n":3}');
    old.close();

    const db = open(path);
    const writer = new SqliteWriter(db);
    const rowid = (sk: string) =>
      (db.prepare("SELECT rowid AS id FROM items WHERE pk = 'P' AND sk = ?").get(sk) as { id: number }).id;
    const [one, two, three] = ['1', '2', '3'].map(rowid);
    const entriesOf = (id: number) =>
      ['gsi1', 'gsi2', 'gsi3'].flatMap((name) =>
        db
          .prepare(`SELECT pk, sk FROM index_${name} WHERE id = ?`)
          .all(id)
          .map((row) => `${name} ${String(row.pk)} ${String(row.sk)}`),
      );
    expect(entriesOf(one!)).toEqual(['gsi1 G s1', 'gsi2 H h']);

    expect(
      writer.applyBatch([
        [
          { type: 'update', key: { pk: 'P', sk: '1' }, set: { n: 5, gsi2pk: undefined } },
          {
            type: 'put',
            item: { pk: 'P', sk: '2', gsi1pk: 'G', gsi1sk: 's9', gsi3pk: 'K', gsi3sk: 'k', n: 6 },
          },
          { type: 'delete', key: { pk: 'P', sk: '3' } },
        ],
      ]),
    ).toEqual([undefined]);
    const row = (sk: string) => ({
      ...(db.prepare("SELECT * FROM items WHERE pk = 'P' AND sk = ?").get(sk) as object),
    });
    // Written again: the keys are in the JSON, the columns empty, the rowid kept.
    expect(row('1')).toEqual({
      id: one,
      pk: 'P',
      sk: '1',
      gsi1pk: null,
      gsi1sk: null,
      gsi2pk: null,
      gsi2sk: null,
      gsi3pk: null,
      gsi3sk: null,
      ttl: null,
      data: '{"n":5,"gsi1pk":"G","gsi1sk":"s1","gsi2sk":"h"}',
    });
    expect(rowid('1')).toBe(one);
    expect(entriesOf(one!)).toEqual(['gsi1 G s1']);
    expect(rowid('2')).toBe(two);
    expect(entriesOf(two!)).toEqual(['gsi1 G s9', 'gsi3 K k']);
    expect(row('3')).toEqual({});
    expect(entriesOf(three!)).toEqual([]);
  });

  it('leaves an older file as it was when its upgrade fails (a row that is not JSON)', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, gsi3pk TEXT, gsi3sk TEXT, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    // The name of the index the upgrade drops (its expression does not matter here).
    old.exec('CREATE INDEX items_expires ON items (sk)');
    old.prepare('INSERT INTO items (pk, sk, data) VALUES (?, ?, ?)').run('A', '1', 'not json');
    old.close();

    expect(() => openSqlite(path)).toThrow(/JSON/);
    const after = open(path, { readOnly: true });
    const names = (sql: string) =>
      (after.prepare(sql).all() as Array<{ name: string }>).map((row) => row.name);
    expect(names("SELECT name FROM pragma_table_info('items')")).not.toContain('ttl');
    expect(names("SELECT name FROM sqlite_schema WHERE type = 'index'")).toContain('items_expires');
    // Nothing is left holding the file: once the row is repaired, the upgrade goes through.
    const repair = open(path, {});
    repair.prepare('UPDATE items SET data = ? WHERE pk = ?').run('{"expires_at":7}', 'A');
    const upgraded = open(path);
    expect(upgraded.prepare('SELECT ttl FROM items').get()).toEqual({ ttl: 7 });
  });

  it("moves an item's entry when only its index partition changes, and removes a deleted item's entries, so a row that takes its rowid again is not in its index", () => {
    const db = open(':memory:');
    const writer = new SqliteWriter(db);
    const entries = () =>
      db
        .prepare('SELECT pk, sk, id FROM index_gsi1 ORDER BY pk')
        .all()
        .map((row) => ({ ...row }));
    const rowidOf = (pk: string) =>
      (db.prepare('SELECT rowid AS id FROM items WHERE pk = ?').get(pk) as { id: number }).id;
    writer.applyBatch([[{ type: 'put', item: { pk: 'A', sk: 'A', gsi1pk: 'P', gsi1sk: 's' } }]]);
    const a = rowidOf('A');
    writer.applyBatch([[{ type: 'update', key: { pk: 'A', sk: 'A' }, set: { gsi1pk: 'Q' } }]]);
    expect(entries()).toEqual([{ pk: 'Q', sk: 's', id: a }]);
    writer.applyBatch([[{ type: 'delete', key: { pk: 'A', sk: 'A' } }]]);
    expect(entries()).toEqual([]);
    // The highest rowid of its range is free again: the next row there takes it.
    writer.applyBatch([[{ type: 'put', item: { pk: 'B', sk: 'B' } }]]);
    expect(rowidOf('B')).toBe(a);
    expect(entries()).toEqual([]);
  });

  it('upgrades a file whose older upgrade stopped between the two columns of an index', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, ttl INTEGER, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old
      .prepare('INSERT INTO items (pk, sk, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?)')
      .run('A', '1', 'G', 'a', '{}');
    old.close();

    const db = open(path);
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('index_gsi1'), count('index_gsi2'), count('index_gsi3')]).toEqual([1, 0, 0]);
  });

  it('leaves an older file as it was, and unlocked, when making its index tables fails', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, ttl INTEGER, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old.exec('CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL');
    // Something else by the name of the second index's table: creating it fails.
    old.exec('CREATE VIEW index_gsi2 AS SELECT 1');
    old.close();

    expect(() => openSqlite(path)).toThrow(/already exists/);
    const other = open(path, {});
    other.exec('PRAGMA busy_timeout = 0');
    const names = (
      other.prepare("SELECT name FROM sqlite_schema WHERE name LIKE '%gsi%' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);
    expect(names).toEqual(['index_gsi2', 'items_gsi1']);
    // No transaction was left open holding the file.
    other.prepare("INSERT INTO items (pk, sk, data) VALUES ('B', 'B', '{}')").run();
  });

  it('puts a new row in the range of its TTL, in the kept range once that one is used up, and refuses it once every range is', () => {
    const db = open(':memory:');
    const writer = new SqliteWriter(db);
    const rowidOf = (pk: string) =>
      (db.prepare('SELECT rowid AS id FROM items WHERE pk = ?').get(pk) as { id: number }).id;
    // Expired long ago: the range for rows kept under a week; year 33658: the one for later ones.
    writer.applyBatch([
      [{ type: 'put', item: { pk: 'Soon', sk: 'S', expires_at: 1 } }],
      [{ type: 'put', item: { pk: 'Later', sk: 'S', expires_at: 1e12 } }],
      [{ type: 'put', item: { pk: 'Kept', sk: 'S' } }],
    ]);
    expect(['Soon', 'Later', 'Kept'].map(rowidOf)).toEqual([2 ** 42, 2 ** 43, 2 ** 44]);
    // The last rowid of the first range taken (by another connection): the next such row spills.
    const insert = db.prepare('INSERT INTO items (rowid, pk, sk, data) VALUES (?, ?, ?, ?)');
    insert.run(2 ** 43 - 1, 'Last', 'S', '{}');
    writer.applyBatch([[{ type: 'put', item: { pk: 'Spilled', sk: 'S', expires_at: 1 } }]]);
    expect(rowidOf('Spilled')).toBe(2 ** 44 + 1);
    insert.run(2 ** 49 - 1, 'End', 'S', '{}');
    expect(writer.applyBatch([[{ type: 'put', item: { pk: 'None', sk: 'S' } }]])).toEqual([
      { kind: 'error', message: 'the items table has used every rowid of its ranges' },
    ]);
  });

  it('refuses an item over 400 KB in UTF-8 though its JSON is a third of that in characters', () => {
    const writer = new SqliteWriter(open(':memory:'));
    // 140,000 characters of 3 bytes each.
    const outcomes = writer.applyBatch([
      [{ type: 'put', item: { pk: 'T', sk: 'a', s: '€'.repeat(140_000) } }],
    ]);
    expect(outcomes).toEqual([
      { kind: 'validation', message: 'item T / a is 420007 bytes; the limit is 409600' },
    ]);
  });

  it('says which item is too large and by how much, and which attribute cannot be added to', () => {
    const writer = new SqliteWriter(open(':memory:'));
    const outcomes = writer.applyBatch([
      [{ type: 'put', item: { pk: 'T', sk: 'a', pad: 'x'.repeat(400 * 1024) } }],
      [{ type: 'put', item: { pk: 'T', sk: 'b', s: 'text' } }],
      [{ type: 'update', key: { pk: 'T', sk: 'b' }, add: { s: 1 } }],
    ]);
    expect(outcomes).toEqual([
      { kind: 'validation', message: 'item T / a is 409609 bytes; the limit is 409600' },
      undefined,
      { kind: 'validation', message: 'cannot add to non-numeric attribute s' },
    ]);
  });

  it('frees at most the pages asked for, keeps the ones asked to keep, and reports what it freed', async () => {
    const db = open(await tempPath());
    const writer = new SqliteWriter(db);
    const keys = Array.from({ length: 200 }, (_, i) => ({ pk: 'P', sk: String(i) }));
    const body = randomBytes(3000).toString('base64');
    writer.applyBatch([keys.map((key) => ({ type: 'put' as const, item: { ...key, body } }))]);
    writer.applyBatch([keys.map((key) => ({ type: 'delete' as const, key }))]);
    const free = () => Number(pragma(db, 'freelist_count'));
    const before = free();
    expect(before).toBeGreaterThan(100);

    expect(reclaimFreePages(db, 10.9, 0)).toBe(10);
    expect(free()).toBe(before - 10);
    expect(reclaimFreePages(db, 0, 0)).toBe(0);
    expect(reclaimFreePages(db, 5, -3)).toBe(5);
    // Asked for more than there is beyond the pages to keep: frees down to them.
    expect(reclaimFreePages(db, 100_000, 20.7)).toBe(before - 15 - 20);
    expect(free()).toBe(20);
    expect(reclaimFreePages(db, 100, 20)).toBe(0);
    expect(reclaimFreePages(db, 100, 30)).toBe(0);
    expect(free()).toBe(20);
    expect(reclaimFreePages(db, 100)).toBe(20);
    expect(free()).toBe(0);
  });

  it('carries an outcome across the thread boundary as the same error class and message', () => {
    const reasons = [{ index: 1, code: 'ConditionalCheckFailed' as const, item: { pk: 'A', sk: 'A' } }];
    const canceled = toError(toOutcome(new TransactionCanceledError(reasons)));
    expect(canceled).toBeInstanceOf(TransactionCanceledError);
    expect((canceled as TransactionCanceledError).reasons).toEqual(reasons);
    const invalid = toError(toOutcome(new StoreValidationError('too big')));
    expect([invalid instanceof StoreValidationError, invalid.message]).toEqual([true, 'too big']);
    const other = toError(toOutcome(new Error('disk on fire')));
    expect([other.constructor, other.message]).toEqual([Error, 'disk on fire']);
    expect(toOutcome('a string')).toEqual({ kind: 'error', message: 'a string' });
  });
});
