import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  evaluateCondition,
  InvalidCursorError,
  maxQueryLimit,
  StoreValidationError,
  TransactionCanceledError,
  validateKey,
  validateQuery,
  validateTransaction,
  type CancellationReason,
  type Condition,
  type Item,
  type ItemKey,
  type Query,
  type QueryPage,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';

const [gsi1, gsi2] = tableSchema.indexes;
/** DynamoDB's item size limit (400 KB, names included), enforced here so nothing works only locally. */
const maxItemBytes = 400 * 1024;

/**
 * The Store port on `node:sqlite`. One row per item: the keys in columns (so SQLite indexes can
 * serve queries) and the whole item as JSON. `node:sqlite` is synchronous, so a transaction runs
 * start to finish without yielding the event loop: within one process, transactions are
 * serializable without any locking of our own. WAL keeps readers off the writer's path.
 *
 * The table is a rowid table with a unique (pk, sk) index, not WITHOUT ROWID: items are JSON of
 * hundreds of bytes to kilobytes, and SQLite's own guidance (and a measurement here: 60 µs
 * against 166 µs for a six-item transfer) favours rowid tables for rows that size.
 */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #getStatement: StatementSync;
  readonly #existsStatement: StatementSync;
  readonly #putStatement: StatementSync;
  readonly #deleteStatement: StatementSync;
  readonly #queryStatements = new Map<string, StatementSync>();
  readonly #queue: Array<{ operations: WriteOperation[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  #isFlushScheduled = false;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    if (path !== ':memory:') {
      this.#db.exec('PRAGMA journal_mode = WAL');
      // FULL: a transaction acknowledged to a client survives power loss, not only a crash.
      this.#db.exec('PRAGMA synchronous = FULL');
    }
    this.#db.exec('PRAGMA busy_timeout = 5000');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS items (
        pk TEXT NOT NULL, sk TEXT NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT,
        data TEXT NOT NULL,
        UNIQUE (pk, sk)
      );
      CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
      CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk) WHERE gsi2pk IS NOT NULL;
    `);
    this.#getStatement = this.#db.prepare('SELECT data FROM items WHERE pk = ? AND sk = ?');
    this.#existsStatement = this.#db.prepare('SELECT 1 FROM items WHERE pk = ? AND sk = ?');
    this.#putStatement = this.#db.prepare(
      'INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, data) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, ' +
        'gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk, data = excluded.data',
    );
    this.#deleteStatement = this.#db.prepare('DELETE FROM items WHERE pk = ? AND sk = ?');
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    validateKey(key);
    return this.#read(key);
  }

  async query(query: Query): Promise<QueryPage> {
    validateQuery(query);
    const index = query.index ? tableSchema.indexes.find((i) => i.name === query.index) : undefined;
    if (query.index && !index) throw new Error(`unknown index ${query.index}`);
    const pkColumn = index ? index.partitionKey : 'pk';
    const skColumn = index ? index.sortKey : 'sk';
    const descending = query.direction === 'desc';
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? maxQueryLimit)), maxQueryLimit);

    const where = [`${pkColumn} = ?`, `${skColumn} IS NOT NULL`];
    const params: string[] = [query.partition];
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
      const after = decodeCursor(query.cursor, pkColumn, skColumn, query.partition);
      // Order within an index partition is (index sort key, table key), as a stable total order.
      if (index) {
        where.push(`(${skColumn}, pk, sk) ${descending ? '<' : '>'} (?, ?, ?)`);
        params.push(after[skColumn]!, after.pk!, after.sk!);
      } else {
        where.push(`sk ${descending ? '<' : '>'} ?`);
        params.push(after.sk!);
      }
    }
    const order = descending ? 'DESC' : 'ASC';
    const orderBy = index ? `${skColumn} ${order}, pk ${order}, sk ${order}` : `sk ${order}`;
    const sql = `SELECT pk, sk, ${skColumn} AS s, data FROM items WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?`;
    let statement = this.#queryStatements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#queryStatements.set(sql, statement);
    }
    const rows = statement.all(...params, limit + 1) as Array<{ pk: string; sk: string; s: string; data: string }>;
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const items = page.map((row) => JSON.parse(row.data) as Item);
    const last = page.at(-1);
    if (!hasMore || !last) return { items };
    // The same shape as DynamoDB's LastEvaluatedKey: the table key plus the index key.
    const cursor: Record<string, string> = { pk: last.pk, sk: last.sk };
    if (index) Object.assign(cursor, { [pkColumn]: query.partition, [skColumn]: last.s });
    return { items, cursor: Buffer.from(JSON.stringify(cursor)).toString('base64url') };
  }

  /**
   * Group commit: transactions that arrive in the same turn of the event loop are applied one
   * after the other inside one SQLite transaction, each in its own savepoint (so a failed
   * condition undoes only its own writes), and made durable by a single COMMIT. Each caller
   * learns its outcome only after that COMMIT. The serial order is the order of the calls.
   */
  async transact(operations: WriteOperation[]): Promise<void> {
    validateTransaction(operations);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ operations, resolve, reject });
      if (!this.#isFlushScheduled) {
        this.#isFlushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#isFlushScheduled = false;
    const batch = this.#queue.splice(0);
    if (batch.length === 0) return;
    const outcomes: Array<unknown> = [];
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      for (const transaction of batch) {
        this.#db.exec('SAVEPOINT tx');
        try {
          this.#applyTransaction(transaction.operations);
          this.#db.exec('RELEASE tx');
          outcomes.push(undefined);
        } catch (error) {
          this.#db.exec('ROLLBACK TO tx');
          this.#db.exec('RELEASE tx');
          outcomes.push(error ?? new Error('transaction failed'));
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      for (const transaction of batch) transaction.reject(error);
      return;
    }
    batch.forEach((transaction, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) transaction.resolve();
      else transaction.reject(outcome);
    });
  }

  #applyTransaction(operations: WriteOperation[]): void {
    const reasons: CancellationReason[] = [];
    // Only conditions and updates need the stored item; a plain put does not read, and a put
    // guarded only by "does not exist yet" (every create) asks for existence, not the JSON.
    const current = operations.map((operation) => {
      if (operation.type === 'put' && isCreateOnly(operation.condition)) {
        return this.#existsStatement.get(operation.item.pk, operation.item.sk) ? this.#read(operation.item) : undefined;
      }
      return operation.condition || operation.type === 'update' ? this.#read(operation.type === 'put' ? operation.item : operation.key) : undefined;
    });
    operations.forEach((operation, index) => {
      const item = current[index];
      if (operation.condition && !evaluateCondition(operation.condition, item)) {
        reasons.push({ index, code: 'ConditionalCheckFailed', item });
      }
    });
    if (reasons.length > 0) throw new TransactionCanceledError(reasons);
    operations.forEach((operation, index) => this.#apply(operation, current[index]));
  }

  async close(): Promise<void> {
    this.#flush();
    if (this.#db.isOpen) this.#db.close();
  }

  #read(key: ItemKey): Item | undefined {
    const row = this.#getStatement.get(key.pk, key.sk) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Item) : undefined;
  }

  #apply(operation: WriteOperation, current: Item | undefined): void {
    switch (operation.type) {
      case 'put':
        this.#write(operation.item);
        return;
      case 'delete':
        this.#deleteStatement.run(operation.key.pk, operation.key.sk);
        return;
      case 'check':
        return;
      case 'update': {
        const next: Item = { ...(current ?? {}), pk: operation.key.pk, sk: operation.key.sk };
        for (const [name, value] of Object.entries(operation.set ?? {})) {
          if (value === undefined) delete next[name];
          else next[name] = value;
        }
        for (const [name, delta] of Object.entries(operation.add ?? {})) {
          const before = next[name] ?? 0;
          // DynamoDB answers a ValidationException, which DynamoStore reports the same way.
          if (typeof before !== 'number') throw new StoreValidationError(`cannot add to non-numeric attribute ${name}`);
          next[name] = before + delta;
        }
        for (const name of operation.remove ?? []) delete next[name];
        this.#write(next);
        return;
      }
    }
  }

  #write(item: Item): void {
    // JSON.stringify drops undefined attributes, as DynamoDB's marshalling does.
    const json = JSON.stringify(item);
    // DynamoDB's size can exceed the JSON's (small numbers cost 2 bytes), but never by 2x: only
    // large items need the exact count.
    if (json.length * 3 > maxItemBytes / 2) {
      const size = itemSize(item);
      if (size > maxItemBytes) {
        throw new StoreValidationError(`item ${item.pk} / ${item.sk} is ${size} bytes; the limit is ${maxItemBytes}`);
      }
    }
    const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
    this.#putStatement.run(
      item.pk,
      item.sk,
      text(gsi1!.partitionKey),
      text(gsi1!.sortKey),
      text(gsi2!.partitionKey),
      text(gsi2!.sortKey),
      json,
    );
  }
}

/**
 * Decodes a cursor produced by `query` for the same partition of the same table or index.
 * Cursors are opaque to callers, so anything else is a client mistake, not a server error.
 */
function decodeCursor(text: string, pkColumn: string, skColumn: string, partition: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const expected = new Set(['pk', 'sk', pkColumn, skColumn]);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidCursorError();
  const entries = Object.entries(value);
  if (entries.length !== expected.size || entries.some(([name, v]) => !expected.has(name) || typeof v !== 'string' || v === '')) {
    throw new InvalidCursorError();
  }
  const cursor = value as Record<string, string>;
  if (cursor[pkColumn] !== partition) throw new InvalidCursorError('the cursor belongs to another partition');
  return cursor;
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

/** An item's size as DynamoDB counts it (names plus values, with its per-type overheads). */
function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).split('e')[0]!.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (value === null || typeof value === 'boolean') return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + valueSize(element), 3);
  let size = 3;
  for (const [name, nested] of Object.entries(value as object)) {
    if (nested !== undefined) size += 1 + Buffer.byteLength(name) + valueSize(nested);
  }
  return size;
}

/** A put guarded only by `attributeNotExists(pk)`: a create. */
function isCreateOnly(condition: Condition | undefined): boolean {
  return condition !== undefined && 'attributeNotExists' in condition && condition.attributeNotExists === 'pk';
}
