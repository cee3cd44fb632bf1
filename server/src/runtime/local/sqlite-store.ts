import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  maxQueryLimit,
  validateKey,
  validateQuery,
  validateTransaction,
  type Item,
  type ItemKey,
  type Query,
  type QueryPage,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';

type IndexDefinition = (typeof tableSchema.indexes)[number];
/** The cursor attribute that holds, in an index query, the last item's rowid (for ties). */
const rowidCursorField = 'rowid';
import type {
  CheckpointerData,
  CheckpointerRequest,
  CheckpointerResponse,
} from './sqlite-checkpointer-worker.ts';
import type { WriterData, WriterRequest, WriterResponse } from './sqlite-writer-worker.ts';
import {
  indexTable,
  openSqlite,
  reclaimFreePages,
  SqliteWriter,
  toError,
  type TransactionOutcome,
} from './sqlite-writer.ts';
import { decodeRow, itemOf, rowColumns, textOf, type StoredRow } from './sqlite-codec.ts';
import { createExpiryIndex, findExpiredKeys, prepareExpiredKeysQuery } from './ttl-sweeper.ts';

export interface SqliteStoreOptions {
  /**
   * Where writes run. `inline` (the default): on the caller's thread. `worker`: on a writer
   * thread with its own connection, so a batch's COMMIT and fsync overlap the main thread's work
   * on the next batch (what `npm start` uses). Ignored for `:memory:`, which one connection owns.
   */
  writer?: 'inline' | 'worker';
  /** Items kept in the read cache (see `SqliteStore`); 0 turns it off. Default 20,000. */
  readCacheItems?: number;
  /**
   * With the writer thread: the transactions it commits together, at most (a batch posted whole
   * may hold more). Default 16. Smaller groups commit more often, so the main thread gets the
   * first answers back while the writer commits the next group, instead of both taking turns
   * over one large group: in process, 16 gave ~1.4× the payment cycles/s of unbounded groups.
   */
  commitGroup?: number;
}

/** How often the checkpointer thread copies the WAL into the database file. */
export const checkpointIntervalMs = 100;
/**
 * The WAL size (in pages, 2 KB each) at which the writer thread checkpoints itself: a backstop
 * for the checkpointer thread, and the moment the WAL starts over from its beginning (under a
 * steady write load the checkpointer never finds the writer idle with everything copied, which
 * is when the WAL would restart on its own). That checkpoint copies what the checkpointer has
 * not reached yet, and stalls every write meanwhile: at 20,000 pages (40 MB) it came every
 * ~0.4 s under the transfer bench and put request p99 at ~50 ms; at 100,000 (200 MB, reached
 * only under sustained load) p99 is back to ~20 ms, at the price of rarer, longer stalls
 * (max ~120 ms instead of ~80 ms).
 */
export const writerAutoCheckpointPages = 100_000;
/**
 * A file older than incremental auto-vacuum (`openSqlite`) is converted by a one-time VACUUM when
 * the store opens, if it is at most this size: VACUUM rewrites the whole file (and needs as much
 * free disk again), which for a small file takes well under a second. A larger one keeps its
 * mode: expired items are still deleted and their pages reused, but the file does not shrink
 * until `VACUUM` is run by hand with the server stopped (see docs).
 */
export const autoVacuumConversionMaxBytes = 256 * 1024 * 1024;

interface Pending {
  operations: WriteOperation[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The Store port on `node:sqlite`. One row per item: its table key in columns (under SQLite's
 * unique index) and the rest of the item as JSON, compressed when large (`sqlite-codec.ts`); each
 * index is a table of entries (partition, sort key, rowid) that a query joins to the rows
 * (`openSqlite`). WAL keeps readers off the writer's path.
 *
 * Group commit: transactions that arrive in the same turn of the event loop form a batch; a
 * batch's transactions are applied one after the other inside one SQLite transaction, each in
 * its own savepoint, and made durable by a single COMMIT (see `SqliteWriter`); with the writer
 * thread, every batch posted while the previous COMMIT ran joins the next one. Each caller learns
 * its outcome only after that COMMIT. Batches are applied in the order they were made, so the
 * serial order is the order of the calls. Reads run on the caller's thread and see every
 * transaction whose promise has resolved.
 *
 * Read cache: `get` keeps the JSON of the items it read (API keys, merchants and the like are
 * read on every request and rarely change). An item that a batch on the writer thread may be
 * changing is read from SQLite, never from the cache: the writer may have committed it already,
 * and a cached copy would then be older than what SQLite shows for the batch's other items.
 * Once the batch's answer is in, its items leave the cache. So a `get` returns what SQLite
 * would. It assumes this store is the only writer of the file, as in the local runtime, which
 * holds the data dir for one process (`lockDataDir`).
 */
export class SqliteStore implements Store {
  /** Index entries are rows of SQLite tables, written in the item's own transaction. */
  readonly consistentIndexes = true;
  readonly #db: DatabaseSync;
  readonly #getStatement: StatementSync;
  readonly #rowidStatement: StatementSync;
  readonly #expiredStatement: StatementSync;
  readonly #queryStatements = new Map<string, StatementSync>();
  readonly #writer: SqliteWriter | undefined;
  readonly #worker: Worker | undefined;
  readonly #checkpointer: Worker | undefined;
  #queue: Pending[] = [];
  /** Batches posted to the writer thread and not answered yet, by batch id. */
  readonly #inFlight = new Map<number, Pending[]>();
  #batchId = 0;
  /** `reclaimSpace` requests posted to the writer thread and not answered yet, by id. */
  readonly #vacuums = new Map<number, { resolve: (freed: number) => void; reject: (error: Error) => void }>();
  #isFlushScheduled = false;
  #failure: Error | undefined;
  #isClosed = false;
  #idle: Array<() => void> = [];
  /** Items read (their JSON text and columns), by `pk\0sk`; insertion order is the eviction order. */
  readonly #cache = new Map<string, CachedRow>();
  /** Items written by batches posted to the writer thread and not answered yet: how many each. */
  readonly #writing = new Map<string, number>();
  readonly #cacheLimit: number;
  /** Without the writer thread every batch commits whole. */
  readonly #commitGroup: number;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.#db = openSqlite(path);
    // Before the writer thread opens its connection: both are one-time changes to the file.
    if (path !== ':memory:') convertToIncrementalVacuum(this.#db);
    createExpiryIndex(this.#db);
    this.#expiredStatement = prepareExpiredKeysQuery(this.#db);
    this.#getStatement = this.#db.prepare(`SELECT ${rowColumns} FROM items WHERE pk = ? AND sk = ?`);
    this.#rowidStatement = this.#db.prepare('SELECT rowid AS rowid FROM items WHERE pk = ? AND sk = ?');
    this.#cacheLimit = options.readCacheItems ?? 20_000;
    const usesWorker = options.writer === 'worker' && path !== ':memory:';
    this.#commitGroup = usesWorker ? (options.commitGroup ?? 16) : Infinity;
    if (usesWorker) {
      this.#worker = new Worker(new URL('./sqlite-writer-worker.ts', import.meta.url), {
        workerData: {
          path,
          commitGroup: this.#commitGroup,
          autoCheckpointPages: writerAutoCheckpointPages,
        } satisfies WriterData,
      });
      this.#checkpointer = new Worker(new URL('./sqlite-checkpointer-worker.ts', import.meta.url), {
        workerData: { path, intervalMs: checkpointIntervalMs } satisfies CheckpointerData,
      });
      this.#checkpointer.unref();
      // Losing it costs speed, not data: the writer's own auto-checkpoint takes over.
      this.#checkpointer.on('error', () => {});
      this.#worker.on('message', (response: WriterResponse) => this.#onResponse(response));
      this.#worker.on('error', (error) => this.#fail(error));
      this.#worker.on('exit', (code) =>
        this.#fail(new Error(`the SQLite writer thread exited (code ${code})`)),
      );
      // After its `message` listener: adding one refs the thread again. Held only while it has work.
      this.#worker.unref();
    } else {
      this.#writer = new SqliteWriter(this.#db);
    }
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    validateKey(key);
    return this.#read(key);
  }

  async query(query: Query): Promise<QueryPage> {
    validateQuery(query);
    const index = query.index ? tableSchema.indexes.find((i) => i.name === query.index) : undefined;
    if (query.index && !index) throw new Error(`unknown index ${query.index}`);
    const descending = query.direction === 'desc';
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? maxQueryLimit)), maxQueryLimit);
    // The table's own key, or an index's table (`indexTable`) joined to the rows it names.
    const from = index ? `${indexTable(index)} AS e JOIN items ON items.rowid = e.id` : 'items';
    const skColumn = index ? 'e.sk' : 'sk';
    const where = [index ? 'e.pk = ?' : 'pk = ?'];
    const params: Array<string | number> = [query.partition];
    const sort = query.sort;
    if (sort) {
      if (sort.op === 'begins_with') {
        // A range on the prefix uses the index, unlike LIKE.
        where.push(`${skColumn} >= ?`);
        params.push(sort.value);
        const upper = prefixUpperBound(sort.value);
        if (upper !== undefined) {
          where.push(`${skColumn} < ?`);
          params.push(upper);
        }
      } else if (sort.op === 'between') {
        where.push(`${skColumn} >= ?`, `${skColumn} <= ?`);
        params.push(sort.low, sort.high);
      } else {
        where.push(`${skColumn} ${sort.op} ?`);
        params.push(sort.value);
      }
    }
    if (query.cursor) {
      if (index) {
        // Within an index partition, items that share a sort key are in rowid order.
        const after = this.#indexCursor(query.cursor, index, query.partition, descending);
        where.push(`(e.sk, e.id) ${descending ? '<' : '>'} (?, ?)`);
        params.push(after.sort, after.rowid);
      } else {
        const after = decodeCursor(query.cursor, ['pk', 'sk'], 'pk', query.partition);
        where.push(`sk ${descending ? '<' : '>'} ?`);
        params.push(after.sk!);
      }
    }
    const order = descending ? 'DESC' : 'ASC';
    const orderBy = index ? `e.sk ${order}, e.id ${order}` : `sk ${order}`;
    const sql =
      `SELECT items.*${index ? ', e.sk AS s, e.id AS r' : ''} FROM ${from} ` +
      `WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?`;
    let statement = this.#queryStatements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#queryStatements.set(sql, statement);
    }
    const rows = statement.all(...params, limit + 1) as Array<
      StoredRow & { pk: string; sk: string; s?: string; r?: number }
    >;
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const items = page.map(decodeRow);
    const last = page.at(-1);
    if (!hasMore || !last) return { items };
    // The same shape as DynamoDB's LastEvaluatedKey (the table key plus the index key), and in an
    // index the row's rowid, for ties.
    const cursor: Record<string, string> = { pk: last.pk, sk: last.sk };
    if (index)
      Object.assign(cursor, {
        [index.partitionKey]: query.partition,
        [index.sortKey]: last.s,
        [rowidCursorField]: String(last.r),
      });
    return { items, cursor: encodeCursor(cursor) };
  }

  /**
   * Where an index query's cursor left off: the sort key and the rowid of the last item handed
   * out. A cursor from before the index tables (no rowid) names the item by its table key: its
   * rowid is looked up, and if the item is gone since, every item sharing its sort key comes
   * again rather than some being skipped.
   */
  #indexCursor(
    text: string,
    index: IndexDefinition,
    partition: string,
    descending: boolean,
  ): { sort: string; rowid: number } {
    const names = ['pk', 'sk', index.partitionKey, index.sortKey];
    let after: Record<string, string>;
    try {
      after = decodeCursor(text, [...names, rowidCursorField], index.partitionKey, partition);
    } catch {
      after = decodeCursor(text, names, index.partitionKey, partition);
    }
    const sort = after[index.sortKey]!;
    const given = after[rowidCursorField];
    if (given !== undefined) {
      const rowid = Number(given);
      if (!Number.isSafeInteger(rowid)) throw new InvalidCursorError();
      return { sort, rowid };
    }
    const row = this.#rowidStatement.get(after.pk!, after.sk!) as { rowid: number } | undefined;
    return { sort, rowid: row ? row.rowid : descending ? Number.MAX_SAFE_INTEGER : 0 };
  }

  async transact(operations: WriteOperation[]): Promise<void> {
    validateTransaction(operations);
    if (this.#failure) throw this.#failure;
    if (this.#isClosed) throw new Error('the store is closed');
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ operations, resolve, reject });
      // An idle writer thread starts on this transaction at once; while it is busy, what arrives
      // is gathered until the end of this turn of the event loop, or until a commit group's
      // worth is waiting (it takes up to a group of the batches waiting when it comes round).
      // Waiting for the turn's end when it is idle would leave it idle while the main thread
      // works, and then the main thread idle while it commits.
      if (this.#worker && (this.#inFlight.size === 0 || this.#queue.length >= this.#commitGroup))
        return this.#flush();
      if (!this.#isFlushScheduled) {
        this.#isFlushScheduled = true;
        setImmediate(() => {
          this.#isFlushScheduled = false;
          this.#flush();
        });
      }
    });
  }

  /**
   * Writes what is queued as one batch: here, or by posting it to the writer thread, which
   * commits every batch waiting for it together (so batches never wait for each other here).
   */
  #flush(): void {
    if (this.#queue.length === 0) return this.#notifyIdle();
    const batch = this.#queue;
    this.#queue = [];
    if (this.#worker) {
      const id = ++this.#batchId;
      this.#inFlight.set(id, batch);
      for (const { operations } of batch) {
        for (const operation of operations) {
          const key = cacheKey(operation.type === 'put' ? operation.item : operation.key);
          this.#writing.set(key, (this.#writing.get(key) ?? 0) + 1);
        }
      }
      this.#worker.ref();
      this.#worker.postMessage({
        type: 'batch',
        id,
        batch: batch.map((p) => p.operations),
      } satisfies WriterRequest);
      return;
    }
    let outcomes: TransactionOutcome[];
    try {
      outcomes = this.#writer!.applyBatch(batch.map((p) => p.operations));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return this.#notifyIdle();
    }
    this.#forget(batch, false);
    settle(batch, outcomes);
    this.#notifyIdle();
  }

  /**
   * Keys of up to `limit` items whose TTL (`expires_at`) is at or before `nowSeconds`: what the
   * `TtlSweeper` deletes. A read on this thread, served by the partial expiry index.
   */
  async expiredKeys(nowSeconds: number, limit: number): Promise<ItemKey[]> {
    return findExpiredKeys(this.#expiredStatement, nowSeconds, limit).map(({ pk, sk }) => ({ pk, sk }));
  }

  /**
   * Returns up to `pages` free pages to the file system, keeping `keepFree` for inserts to reuse
   * (`reclaimFreePages`), on the connection that writes: with the writer thread, between two of
   * its commits. Resolves to the pages freed.
   */
  async reclaimSpace(pages: number, keepFree: number): Promise<number> {
    if (this.#failure) throw this.#failure;
    if (this.#isClosed) throw new Error('the store is closed');
    if (!this.#worker) return reclaimFreePages(this.#db, pages, keepFree);
    const id = ++this.#batchId;
    return new Promise<number>((resolve, reject) => {
      this.#vacuums.set(id, { resolve, reject });
      this.#worker!.ref();
      this.#worker!.postMessage({ type: 'vacuum', id, pages, keepFree } satisfies WriterRequest);
    });
  }

  #onResponse(response: WriterResponse): void {
    if (response.type === 'vacuum') {
      const pending = this.#vacuums.get(response.id);
      this.#vacuums.delete(response.id);
      if (this.#inFlight.size === 0 && this.#vacuums.size === 0) this.#worker!.unref();
      if ('error' in response) pending?.reject(new Error(response.error));
      else pending?.resolve(response.freed);
      return;
    }
    if (response.type !== 'batch') return;
    const batch = this.#inFlight.get(response.id);
    if (!batch) return;
    this.#inFlight.delete(response.id);
    if (this.#inFlight.size === 0 && this.#vacuums.size === 0) this.#worker!.unref();
    // Whatever the outcome, the batch may have changed these items.
    this.#forget(batch, true);
    if ('error' in response) {
      const error = new Error(response.error);
      for (const pending of batch) pending.reject(error);
    } else {
      settle(batch, response.outcomes);
    }
    this.#notifyIdle();
  }

  /** The writer thread is gone: everything waiting fails, and so does every later write. */
  #fail(error: Error): void {
    if (this.#failure || this.#isClosed) return;
    this.#failure = error;
    // Batches in flight may or may not have committed.
    this.#cache.clear();
    this.#writing.clear();
    for (const pending of [...[...this.#inFlight.values()].flat(), ...this.#queue]) pending.reject(error);
    this.#inFlight.clear();
    this.#queue = [];
    for (const vacuum of this.#vacuums.values()) vacuum.reject(error);
    this.#vacuums.clear();
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#inFlight.size > 0 || this.#queue.length > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Waits for every transaction already handed in, then closes the connection(s). */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    if (!this.#failure) {
      await new Promise<void>((resolve) => {
        this.#idle.push(resolve);
        if (!this.#isFlushScheduled) this.#flush();
      });
    }
    this.#isClosed = true;
    if (this.#checkpointer) await closeWorker(this.#checkpointer);
    if (this.#worker) {
      this.#worker.removeAllListeners('exit');
      if (!this.#failure) await closeWorker(this.#worker);
      else await this.#worker.terminate();
    }
    if (this.#db.isOpen) this.#db.close();
  }

  #read(key: ItemKey): Item | undefined {
    const id = cacheKey(key);
    const isWriting = this.#writing.has(id);
    let cached = isWriting ? undefined : this.#cache.get(id);
    if (cached === undefined) {
      const row = this.#getStatement.get(key.pk, key.sk) as StoredRow | undefined;
      if (row === undefined) return undefined;
      // Inflated once, when it enters the cache.
      cached = { text: textOf(row.data, key.pk), row };
      if (this.#cacheLimit > 0 && !isWriting) {
        if (this.#cache.size >= this.#cacheLimit) this.#cache.delete(this.#cache.keys().next().value!);
        this.#cache.set(id, cached);
      }
    }
    // Parsed for each caller: nobody can change what another one reads.
    return itemOf(cached.text, cached.row);
  }

  /** Drops from the read cache every item `batch` wrote (called once it has committed, or failed). */
  #forget(batch: Pending[], posted: boolean): void {
    for (const { operations } of batch) {
      for (const operation of operations) {
        const key = cacheKey(operation.type === 'put' ? operation.item : operation.key);
        this.#cache.delete(key);
        if (!posted) continue;
        const left = (this.#writing.get(key) ?? 1) - 1;
        if (left > 0) this.#writing.set(key, left);
        else this.#writing.delete(key);
      }
    }
  }
}

/**
 * Asks a worker thread (the writer or the checkpointer) to close its connection, and waits for
 * it to exit. Returns at once if it has already exited, as a crashed checkpointer may have.
 */
export async function closeWorker(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return;
  worker.ref();
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.on('message', (response: WriterResponse | CheckpointerResponse) => {
      if (response.type === 'closed') void worker.terminate();
    });
    worker.postMessage({ type: 'close' } satisfies WriterRequest & CheckpointerRequest);
  });
}

/**
 * Turns on incremental auto-vacuum in a file created before it (`autoVacuumConversionMaxBytes`).
 * VACUUM is one transaction: a crash during it leaves the file as it was.
 */
function convertToIncrementalVacuum(db: DatabaseSync): void {
  const mode = Number((db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum);
  // 2: INCREMENTAL already. `openSqlite` asked for it, which a new file takes at its creation.
  if (mode === 2) return;
  const pages = Number((db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
  const pageSize = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
  if (pages * pageSize > autoVacuumConversionMaxBytes) return;
  db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
}

/** A cached read: the row's JSON text (inflated) and its columns. */
interface CachedRow {
  text: string;
  row: StoredRow;
}

function cacheKey(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

function settle(batch: Pending[], outcomes: TransactionOutcome[]): void {
  batch.forEach((pending, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined) pending.resolve();
    else pending.reject(toError(outcome));
  });
}

/**
 * The least string greater than every string that starts with `prefix` (in code point order,
 * which is SQLite's BINARY order for UTF-8): the prefix with its last code point incremented.
 * Undefined when no such string exists (a prefix made only of U+10FFFF).
 */
function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = [...prefix].map((c) => c.codePointAt(0)!);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!;
    if (last < 0x10ffff) {
      // Skip the surrogate range: those code points never occur in well-formed strings.
      codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}
