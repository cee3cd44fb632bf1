import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  evaluateCondition,
  maxQueryLimit,
  TransactionCanceledError,
  validateTransaction,
  type CancellationReason,
  type Item,
  type ItemKey,
  type Query,
  type QueryPage,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';

const [gsi1, gsi2] = tableSchema.indexes;

/**
 * The Store port on `node:sqlite`. One row per item: the keys in columns (so SQLite indexes can
 * serve queries) and the whole item as JSON. `node:sqlite` is synchronous, so a transaction runs
 * start to finish without yielding the event loop: within one process, transactions are
 * serializable without any locking of our own. WAL keeps readers off the writer's path.
 */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #getStatement: StatementSync;
  readonly #putStatement: StatementSync;
  readonly #deleteStatement: StatementSync;
  readonly #queryStatements = new Map<string, StatementSync>();

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
        PRIMARY KEY (pk, sk)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
      CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk) WHERE gsi2pk IS NOT NULL;
    `);
    this.#getStatement = this.#db.prepare('SELECT data FROM items WHERE pk = ? AND sk = ?');
    this.#putStatement = this.#db.prepare(
      'INSERT OR REPLACE INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#deleteStatement = this.#db.prepare('DELETE FROM items WHERE pk = ? AND sk = ?');
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    return this.#read(key);
  }

  async query(query: Query): Promise<QueryPage> {
    const index = query.index ? tableSchema.indexes.find((i) => i.name === query.index) : undefined;
    if (query.index && !index) throw new Error(`unknown index ${query.index}`);
    const pkColumn = index ? index.partitionKey : 'pk';
    const skColumn = index ? index.sortKey : 'sk';
    const descending = query.direction === 'desc';
    const limit = Math.min(Math.max(1, query.limit ?? maxQueryLimit), maxQueryLimit);

    const where = [`${pkColumn} = ?`, `${skColumn} IS NOT NULL`];
    const params: string[] = [query.partition];
    const sort = query.sort;
    if (sort) {
      if (sort.op === 'begins_with') {
        // A range on the prefix uses the index, unlike LIKE.
        where.push(`${skColumn} >= ?`, `${skColumn} < ?`);
        params.push(sort.value, `${sort.value}\u{10FFFF}`);
      } else if (sort.op === 'between') {
        where.push(`${skColumn} >= ?`, `${skColumn} <= ?`);
        params.push(sort.low, sort.high);
      } else {
        where.push(`${skColumn} ${sort.op} ?`);
        params.push(sort.value);
      }
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      // Order within an index partition is (index sort key, table key), as a stable total order.
      if (index) {
        where.push(`(${skColumn}, pk, sk) ${descending ? '<' : '>'} (?, ?, ?)`);
        params.push(after.s, after.pk, after.sk);
      } else {
        where.push(`sk ${descending ? '<' : '>'} ?`);
        params.push(after.sk);
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
    return hasMore && last ? { items, cursor: encodeCursor({ pk: last.pk, sk: last.sk, s: last.s }) } : { items };
  }

  async transact(operations: WriteOperation[]): Promise<void> {
    validateTransaction(operations);
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const reasons: CancellationReason[] = [];
      const current = operations.map((operation) => this.#read(operation.type === 'put' ? operation.item : operation.key));
      operations.forEach((operation, index) => {
        const item = current[index];
        if (operation.condition && !evaluateCondition(operation.condition, item)) {
          reasons.push({ index, code: 'ConditionalCheckFailed', item });
        }
      });
      if (reasons.length > 0) throw new TransactionCanceledError(reasons);
      operations.forEach((operation, index) => this.#apply(operation, current[index]));
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #read(key: ItemKey): Item | undefined {
    const row = this.#getStatement.get(key.pk, key.sk) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Item) : undefined;
  }

  #apply(operation: WriteOperation, current: Item | undefined): void {
    switch (operation.type) {
      case 'put':
        this.#write(stripUndefined(operation.item));
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
          if (typeof before !== 'number') throw new Error(`cannot add to non-numeric attribute ${name}`);
          next[name] = before + delta;
        }
        for (const name of operation.remove ?? []) delete next[name];
        this.#write(next);
        return;
      }
    }
  }

  #write(item: Item): void {
    const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
    this.#putStatement.run(
      item.pk,
      item.sk,
      text(gsi1!.partitionKey),
      text(gsi1!.sortKey),
      text(gsi2!.partitionKey),
      text(gsi2!.sortKey),
      JSON.stringify(item),
    );
  }
}

function stripUndefined(item: Item): Item {
  return JSON.parse(JSON.stringify(item)) as Item;
}

interface Cursor {
  pk: string;
  sk: string;
  s: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.pk === 'string' && typeof value.sk === 'string' && typeof value.s === 'string') return value;
  } catch {
    // fall through
  }
  throw new Error('invalid cursor');
}
