import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  evaluateCondition,
  StoreValidationError,
  TransactionCanceledError,
  type CancellationReason,
  type Condition,
  type Item,
  type ItemKey,
  type WriteOperation,
} from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';
import {
  decodeRow,
  encodeItem,
  indexKeysOf,
  keyColumns,
  legacyIndexColumns,
  type IndexKey,
  type StoredRow,
} from './sqlite-codec.ts';
/** DynamoDB's item size limit (400 KB, names included), enforced here so nothing works only locally. */
const maxItemBytes = 400 * 1024;

/**
 * Opens the store's SQLite file (or `:memory:`) with its settings and creates the table and its
 * indexes. The table is a rowid table with a unique (pk, sk) index, not WITHOUT ROWID: items are
 * JSON of hundreds of bytes to kilobytes, and SQLite's own guidance (and a measurement here:
 * 60 µs against 166 µs for a six-item transfer) favours rowid tables for rows that size.
 *
 * Each of `tableSchema.indexes` is a table of its own (`indexTable`): one row per item in the
 * index, its partition and sort key and the item's rowid, which is the primary key. The keys are
 * stored there only: the item keeps them inside its compressed JSON, not in columns that an
 * SQLite index would copy again (~100 B a transfer, ~120 B a payment, before compression).
 *
 * @example const db = openSqlite('/data/sluice.db');
 */
export function openSqlite(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  // First: the pragmas below take the write lock, and another connection may be writing.
  db.exec('PRAGMA busy_timeout = 5000');
  // 2 KB pages (for a new file; an existing one keeps its own): a commit writes every page it
  // dirtied to the WAL, and items land in scattered index pages, so smaller pages write less.
  // Replaying a payments workload's batches took ~25% less writer time than with 4 KB pages;
  // 2 KB rather than 1 KB keeps the ~1 KB event and payment items off overflow pages.
  db.exec('PRAGMA page_size = 2048');
  // Space freed by deletes (the TTL sweeper's) goes back to the file in small steps
  // (`reclaimFreePages`) instead of only growing the freelist. It takes effect only for a file
  // created with it: `SqliteStore` converts an older, small file once with VACUUM.
  db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  if (path !== ':memory:') {
    db.exec('PRAGMA journal_mode = WAL');
    // FULL: a transaction acknowledged to a client survives power loss, not only a crash.
    db.exec('PRAGMA synchronous = FULL');
  }
  // `id` is the rowid (an INTEGER PRIMARY KEY names it): the index tables refer to rows by rowid,
  // and only a named rowid is kept by VACUUM (and `VACUUM INTO`, which `backup` uses).
  db.exec(`
    CREATE TABLE IF NOT EXISTS items (
      id INTEGER PRIMARY KEY,
      pk TEXT NOT NULL, sk TEXT NOT NULL,
      ttl INTEGER,
      data TEXT NOT NULL,
      UNIQUE (pk, sk)
    );
  `);
  if (!columnsOf(db).has('ttl')) addTtlColumn(db);
  upgradeToIndexTables(db);
  return db;
}

/** The name of the table that holds `index`'s entries. */
export function indexTable(index: { name: string }): string {
  return `index_${index.name}`;
}

/** The columns of the items table. */
function columnsOf(db: DatabaseSync): Set<string> {
  return new Set(
    (db.prepare('SELECT name FROM pragma_table_info(?)').all('items') as Array<{ name: string }>).map(
      (row) => row.name,
    ),
  );
}

/**
 * The index key columns this file's items table has: those of a file written before the index
 * tables (`legacyIndexColumns`), none for a newer one.
 */
export function legacyColumnsOf(db: DatabaseSync): string[] {
  const columns = columnsOf(db);
  return legacyIndexColumns.filter((column) => columns.has(column));
}

/**
 * Brings a file written before the index tables to today's layout, in one transaction (a crash
 * or a failure leaves the file as it was, and the next open does it again); does nothing to one
 * already there.
 *
 * 1. Its items table is copied into one whose rowid is named (`id INTEGER PRIMARY KEY`), every
 *    row keeping its rowid: SQLite's VACUUM (and `VACUUM INTO`, which `backup` uses) may renumber
 *    the rows of a table whose rowid has no name, which would leave the index tables naming other
 *    rows. A full copy, once: it needs as much free disk again while it runs. The SQLite indexes
 *    go with the old table (`SqliteStore` creates the TTL index again).
 * 2. Each index's table is created, and in a file where SQLite indexed the index key columns, its
 *    entries are copied from them (the old SQLite index is dropped). The rows keep their keys in
 *    those columns (read back by `itemOf`); a row written again moves them into its JSON and
 *    leaves the columns null.
 */
function upgradeToIndexTables(db: DatabaseSync): void {
  const exists = db.prepare('SELECT 1 FROM sqlite_schema WHERE type = ? AND name = ?');
  const missing = () => tableSchema.indexes.filter((index) => !exists.get('table', indexTable(index)));
  if (columnsOf(db).has('id') && missing().length === 0) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the lock: another connection may have upgraded the file meanwhile.
    let columns = columnsOf(db);
    if (!columns.has('id')) {
      const legacy = legacyColumnsOf(db);
      const copied = ['pk', 'sk', ...legacy, 'ttl', 'data'].join(', ');
      db.exec(
        'CREATE TABLE items_renamed (id INTEGER PRIMARY KEY, pk TEXT NOT NULL, sk TEXT NOT NULL, ' +
          `${legacy.map((column) => `${column} TEXT, `).join('')}ttl INTEGER, data TEXT NOT NULL, UNIQUE (pk, sk))`,
      );
      db.exec(`INSERT INTO items_renamed (id, ${copied}) SELECT rowid, ${copied} FROM items`);
      db.exec('DROP TABLE items');
      db.exec('ALTER TABLE items_renamed RENAME TO items');
      columns = columnsOf(db);
    }
    for (const index of missing()) {
      const table = indexTable(index);
      db.exec(
        `CREATE TABLE ${table} (pk TEXT NOT NULL, sk TEXT NOT NULL, id INTEGER NOT NULL, ` +
          'PRIMARY KEY (pk, sk, id)) WITHOUT ROWID',
      );
      if (columns.has(index.partitionKey) && columns.has(index.sortKey)) {
        db.exec(
          `INSERT INTO ${table} (pk, sk, id) SELECT ${index.partitionKey}, ${index.sortKey}, id FROM items ` +
            `WHERE ${index.partitionKey} IS NOT NULL AND ${index.sortKey} IS NOT NULL`,
        );
      }
      db.exec(`DROP INDEX IF EXISTS items_${index.name}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Gives a file made before the `ttl` column one, filled from its rows' JSON (all text then), in one
 * transaction, and drops the expression index on `json_extract(data, …)` the sweeper used before:
 * compressed rows cannot be read as JSON, so that index would fail their inserts.
 */
function addTtlColumn(db: DatabaseSync): void {
  const path = `$.${tableSchema.ttlAttribute}`;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('DROP INDEX IF EXISTS items_expires');
    db.exec('ALTER TABLE items ADD COLUMN ttl INTEGER');
    db.exec(
      `UPDATE items SET ttl = json_extract(data, '${path}') WHERE json_type(data, '${path}') IN ('integer', 'real')`,
    );
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Returns up to `pages` free pages to the file system (`PRAGMA incremental_vacuum`), leaving
 * `keepFree` on the freelist for the next inserts to reuse: a bounded step that holds the write
 * lock only briefly; run it on the connection that writes. Returns the pages freed. Does nothing
 * in a file whose auto-vacuum mode is not INCREMENTAL.
 *
 * @example reclaimFreePages(db, 512, 1024);
 */
export function reclaimFreePages(db: DatabaseSync, pages: number, keepFree = 0): number {
  const freeBefore = freePages(db);
  const step = Math.min(Math.floor(pages), freeBefore - Math.max(0, Math.floor(keepFree)));
  if (step <= 0) return 0;
  db.exec(`PRAGMA incremental_vacuum(${step})`);
  return freeBefore - freePages(db);
}

function freePages(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count);
}

/**
 * What one transaction of a batch came to, in a form that crosses a thread boundary: nothing
 * (committed) or the error, rebuilt on the other side by `toError`.
 */
export type TransactionOutcome =
  | undefined
  | { kind: 'canceled'; reasons: CancellationReason[] }
  | { kind: 'validation'; message: string }
  | { kind: 'error'; message: string };

/** Turns an error thrown while applying a transaction into an outcome that can be posted. */
export function toOutcome(error: unknown): Exclude<TransactionOutcome, undefined> {
  if (error instanceof TransactionCanceledError) return { kind: 'canceled', reasons: error.reasons };
  if (error instanceof StoreValidationError) return { kind: 'validation', message: error.message };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** The error a failed outcome stands for: the same classes callers test for. */
export function toError(outcome: Exclude<TransactionOutcome, undefined>): Error {
  if (outcome.kind === 'canceled') return new TransactionCanceledError(outcome.reasons);
  if (outcome.kind === 'validation') return new StoreValidationError(outcome.message);
  return new Error(outcome.message);
}

/**
 * Applies batches of store transactions to one SQLite connection: the write half of
 * `SqliteStore`, run on the caller's thread or in the writer worker (`sqlite-writer-worker.ts`).
 *
 * Group commit: the transactions of a batch are applied one after the other inside one SQLite
 * transaction, each in its own savepoint (so a failed condition undoes only its own writes), and
 * made durable by a single COMMIT. `node:sqlite` is synchronous, so a batch runs start to finish
 * without yielding: transactions are serializable without any locking of our own.
 */
export class SqliteWriter {
  readonly #db: DatabaseSync;
  readonly #getStatement: StatementSync;
  readonly #existsStatement: StatementSync;
  readonly #insertStatement: StatementSync;
  readonly #updateStatement: StatementSync;
  readonly #deleteStatement: StatementSync;
  readonly #highestRowid: StatementSync;
  /** Per index of `tableSchema.indexes`: adds an entry, and removes one. */
  readonly #indexStatements: Array<{ insert: StatementSync; delete: StatementSync }>;
  /**
   * The next free rowid of each of `rowidRanges`, read at the start of each batch, under the
   * write lock: another connection (another process) may have written since.
   */
  #nextRowid: number[] = [];

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#getStatement = db.prepare('SELECT rowid AS rowid, * FROM items WHERE pk = ? AND sk = ?');
    this.#existsStatement = db.prepare('SELECT 1 FROM items WHERE pk = ? AND sk = ?');
    this.#highestRowid = db.prepare('SELECT MAX(rowid) AS id FROM items WHERE rowid >= ? AND rowid < ?');
    // A new row takes the rowid given; an existing one keeps its own. In a file with index key
    // columns (`legacyColumnsOf`), a row written again empties them: its keys are in its JSON now.
    this.#insertStatement = db.prepare(
      `INSERT INTO items (rowid, ${keyColumns.join(', ')}, ttl, data) VALUES (?, ${keyColumns.map(() => '?, ').join('')}?, ?)`,
    );
    this.#updateStatement = db.prepare(
      'UPDATE items SET ' +
        legacyColumnsOf(db)
          .map((column) => `${column} = NULL, `)
          .join('') +
        'ttl = ?, data = ? WHERE rowid = ?',
    );
    this.#deleteStatement = db.prepare('DELETE FROM items WHERE rowid = ?');
    this.#indexStatements = tableSchema.indexes.map((index) => ({
      insert: db.prepare(`INSERT INTO ${indexTable(index)} (pk, sk, id) VALUES (?, ?, ?)`),
      delete: db.prepare(`DELETE FROM ${indexTable(index)} WHERE pk = ? AND sk = ? AND id = ?`),
    }));
  }

  /**
   * Commits `batch` (each element one transaction) with one COMMIT and returns each
   * transaction's outcome, in order. Throws, committing nothing, when the batch as a whole fails
   * (the disk is full, the file is locked past the busy timeout).
   */
  applyBatch(batch: WriteOperation[][]): TransactionOutcome[] {
    const outcomes: TransactionOutcome[] = [];
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      this.#nextRowid = rowidRanges.map((range) => {
        const { id } = this.#highestRowid.get(range.from, range.to) as { id: number | null };
        return id === null ? range.from : id + 1;
      });
      for (const operations of batch) {
        this.#db.exec('SAVEPOINT tx');
        try {
          this.#applyTransaction(operations);
          this.#db.exec('RELEASE tx');
          outcomes.push(undefined);
        } catch (error) {
          // After some errors (a full disk, an I/O error) SQLite has rolled the whole batch back
          // itself: then the batch fails as a whole, with that error, not "no such savepoint".
          if (!this.#db.isTransaction) throw error;
          this.#db.exec('ROLLBACK TO tx');
          this.#db.exec('RELEASE tx');
          outcomes.push(toOutcome(error ?? new Error('transaction failed')));
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
    return outcomes;
  }

  #applyTransaction(operations: WriteOperation[]): void {
    const reasons: CancellationReason[] = [];
    // Every write needs the stored row when there is one (its rowid, and its index entries to
    // move or remove), except a create: one guarded by "does not exist yet" asks for existence
    // first, and reads the row only to report the refusal.
    const current = operations.map((operation) => {
      if (operation.type === 'put' && isCreateOnly(operation.condition)) {
        return this.#existsStatement.get(operation.item.pk, operation.item.sk)
          ? this.#read(operation.item)
          : undefined;
      }
      return operation.type !== 'check' || operation.condition
        ? this.#read(operation.type === 'put' ? operation.item : operation.key)
        : undefined;
    });
    operations.forEach((operation, index) => {
      const stored = current[index];
      if (operation.condition && !evaluateCondition(operation.condition, stored?.item)) {
        reasons.push({ index, code: 'ConditionalCheckFailed', item: stored?.item });
      }
    });
    if (reasons.length > 0) throw new TransactionCanceledError(reasons);
    operations.forEach((operation, index) => this.#apply(operation, current[index]));
  }

  #read(key: ItemKey): StoredItem | undefined {
    const row = this.#getStatement.get(key.pk, key.sk) as (StoredRow & { rowid: number }) | undefined;
    return row ? { rowid: row.rowid, item: decodeRow(row) } : undefined;
  }

  #apply(operation: WriteOperation, current: StoredItem | undefined): void {
    switch (operation.type) {
      case 'put':
        this.#write(operation.item, current);
        return;
      case 'delete':
        if (!current) return;
        this.#moveIndexEntries(current.rowid, indexKeysOf(current.item), []);
        this.#deleteStatement.run(current.rowid);
        return;
      case 'check':
        return;
      case 'update': {
        const next: Item = { ...(current?.item ?? {}), pk: operation.key.pk, sk: operation.key.sk };
        for (const [name, value] of Object.entries(operation.set ?? {})) {
          if (value === undefined) delete next[name];
          else next[name] = value;
        }
        for (const [name, delta] of Object.entries(operation.add ?? {})) {
          const before = next[name] ?? 0;
          // DynamoDB answers a ValidationException, which DynamoStore reports the same way.
          if (typeof before !== 'number')
            throw new StoreValidationError(`cannot add to non-numeric attribute ${name}`);
          next[name] = before + delta;
        }
        for (const name of operation.remove ?? []) delete next[name];
        this.#write(next, current);
        return;
      }
    }
  }

  #write(item: Item, current: StoredItem | undefined): void {
    const encoded = encodeItem(item);
    // DynamoDB's size can exceed the JSON's (small numbers cost 2 bytes), but never by 2x: only
    // large items need the exact count.
    if (encoded.jsonLength * 3 > maxItemBytes / 2) {
      const size = itemSize(item);
      if (size > maxItemBytes) {
        throw new StoreValidationError(
          `item ${item.pk} / ${item.sk} is ${size} bytes; the limit is ${maxItemBytes}`,
        );
      }
    }
    if (current) {
      // The row keeps its rowid; only the index entries that changed are moved.
      this.#updateStatement.run(encoded.ttl, encoded.data, current.rowid);
      this.#moveIndexEntries(current.rowid, indexKeysOf(current.item), encoded.indexKeys);
      return;
    }
    let range = rowidRangeOf(encoded.ttl, Date.now() / 1000);
    // A range used up (centuries at Sluice's rates) spills into the one for rows kept for good.
    if (this.#nextRowid[range]! >= rowidRanges[range]!.to) range = keptRange;
    const rowid = this.#nextRowid[range]!;
    if (rowid >= rowidRanges[range]!.to)
      throw new Error('the items table has used every rowid of its ranges');
    this.#insertStatement.run(rowid, ...encoded.keys, encoded.ttl, encoded.data);
    this.#nextRowid[range] = rowid + 1;
    this.#moveIndexEntries(rowid, [], encoded.indexKeys);
  }

  /** Replaces the row's entries `before` (per index) with `after`, leaving equal ones be. */
  #moveIndexEntries(
    rowid: number,
    before: ReadonlyArray<IndexKey | undefined>,
    after: ReadonlyArray<IndexKey | undefined>,
  ): void {
    this.#indexStatements.forEach((statements, i) => {
      const was = before[i];
      const is = after[i];
      if (was && is && was.partition === is.partition && was.sort === is.sort) return;
      if (was) statements.delete.run(was.partition, was.sort, rowid);
      if (is) statements.insert.run(is.partition, is.sort, rowid);
    });
  }
}

/** A row as the writer reads it before writing: its rowid and its item. */
interface StoredItem {
  rowid: number;
  item: Item;
}

/**
 * Where in the table a new row goes (its rowid), by how long it is kept: rows that expire within a
 * week (idempotency records, rate-limit windows), rows that expire later (events, sessions), rows
 * kept for good (transfers, accounts, payments: the top range, so they append at the table's
 * last page). Each range fills in order. When the TTL sweeper deletes a range's expired rows,
 * whole pages empty and are reused. With one sequence for every row, each page mixed rows kept
 * for good with rows that expire, and the space the expired ones freed was never reused (new rows
 * go at the end): a soak kept ~1.2 KB per wallet transfer where its transfer needs ~0.65 KB.
 * Rows of files written before keep their rowids (below the first range). The ranges hold 4·10^12,
 * 8·10^12 and 5·10^14 rows; rowids this large take 6–8 bytes in a row and each of its index
 * entries, where rowids counted from 1 took 3–5.
 */
const rowidRanges = [
  { from: 2 ** 42, to: 2 ** 43 },
  { from: 2 ** 43, to: 2 ** 44 },
  { from: 2 ** 44, to: 2 ** 49 },
] as const;
const keptRange = 2;
const shortLivedSeconds = 7 * 86_400;

function rowidRangeOf(ttl: number | null, nowSeconds: number): number {
  if (ttl === null) return keptRange;
  return ttl - nowSeconds <= shortLivedSeconds ? 0 : 1;
}

/** An item's size as DynamoDB counts it (names plus values, with its per-type overheads). */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return numberSize(value);
  if (value === null || typeof value === 'boolean') return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + valueSize(element), 3);
  let size = 3;
  for (const [name, nested] of Object.entries(value as object)) {
    if (nested !== undefined) size += 1 + Buffer.byteLength(name) + valueSize(nested);
  }
  return size;
}

/**
 * A number's size as DynamoDB (Local) counts it: its significant digits in base-100 pairs
 * aligned at the decimal point (1.5 is `01.50`: two pairs; 120 is `01 20`), plus a byte, plus
 * one more when negative; zero is 1 byte. Counting plain digit pairs instead undercounts such numbers by a
 * byte each, and let through items that DynamoDB refuses.
 */
function numberSize(value: number): number {
  const [mantissa, exponent = '0'] = String(Math.abs(value)).split('e') as [string, string?];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string?];
  const all = whole + fraction;
  const digits = all.replace(/^0+/, '').replace(/0+$/, '');
  if (digits === '') return 1;
  // The power of ten of the first significant digit, and of the last.
  const first = whole.length + Number(exponent) - 1 - (all.length - all.replace(/^0+/, '').length);
  const last = first - digits.length + 1;
  const pairs = Math.floor(first / 2) - Math.floor(last / 2) + 1;
  return pairs + 1 + (value < 0 ? 1 : 0);
}

/** A put guarded only by `attributeNotExists(pk)`: a create. */
function isCreateOnly(condition: Condition | undefined): boolean {
  return (
    condition !== undefined && 'attributeNotExists' in condition && condition.attributeNotExists === 'pk'
  );
}
