import { z } from 'zod';
import { tableSchema, type IndexName } from './table-schema.ts';

/**
 * The Store port: a DynamoDB-shaped item store. Items are flat JSON objects keyed by the string
 * attributes `pk` and `sk`; `gsi1pk/gsi1sk` and `gsi2pk/gsi2sk` place an item in a secondary
 * index. Writes happen only through `transact`, which commits up to 100 operations atomically,
 * each optionally guarded by a condition, or commits none of them.
 *
 * Adapters: `SqliteStore` (runtime/local) and `DynamoStore` (runtime/aws). Both pass
 * `runStoreContract` in `store-contract.ts`.
 */
export interface Store {
  /** Reads one item (strongly consistent). */
  get(key: ItemKey): Promise<Item | undefined>;
  /** Reads items of one partition of the table or of an index, ordered by sort key. */
  query(query: Query): Promise<QueryPage>;
  /**
   * Applies all operations or none. Throws `TransactionCanceledError` when a condition fails,
   * naming the index of each failed operation and the item as it was.
   *
   * @example
   * await store.transact([
   *   { type: 'put', item: { pk: 'A', sk: 'A', n: 0 }, condition: { attributeNotExists: 'pk' } },
   *   { type: 'update', key: { pk: 'B', sk: 'B' }, add: { n: -5 }, condition: { compare: ['n', '>=', 5] } },
   * ]);
   */
  transact(operations: WriteOperation[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Whether a query of an index sees every transaction that has committed (SQLite). DynamoDB's
   * global secondary indexes are eventually consistent, so readers that act on what an index
   * showed must read the item again there.
   */
  readonly consistentIndexes?: boolean;
}

export type Scalar = string | number | boolean | null;
export type AttributeValue = Scalar | AttributeValue[] | { [key: string]: AttributeValue | undefined };
export interface Item {
  pk: string;
  sk: string;
  [attribute: string]: unknown;
}
export interface ItemKey {
  pk: string;
  sk: string;
}

export type SortKeyCondition =
  | { op: '=' | '<' | '<=' | '>' | '>='; value: string }
  | { op: 'begins_with'; value: string }
  | { op: 'between'; low: string; high: string };

export interface Query {
  /** Omit for the table itself. */
  index?: IndexName;
  partition: string;
  sort?: SortKeyCondition;
  /** Defaults to ascending sort-key order. */
  direction?: 'asc' | 'desc';
  /** At most this many items (default and cap: 1000). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface QueryPage {
  items: Item[];
  /** Present when more items may follow; pass it back as `Query.cursor`. */
  cursor?: string;
}

/**
 * A condition on one item, evaluated against the item as stored before the transaction.
 * `all` and `any` combine conditions. Attribute names are top-level attributes.
 */
export type Condition =
  | { attributeExists: string }
  | { attributeNotExists: string }
  | { compare: [attribute: string, op: '=' | '<>' | '<' | '<=' | '>' | '>=', value: Scalar] }
  | { all: Condition[] }
  | { any: Condition[] };

export type WriteOperation =
  | { type: 'put'; item: Item; condition?: Condition }
  | {
      type: 'update';
      key: ItemKey;
      /** Attributes to set (creating the item when it does not exist, as DynamoDB does). */
      set?: Record<string, unknown>;
      /** Numeric attributes to increment atomically (missing counts as 0). */
      add?: Record<string, number>;
      remove?: string[];
      condition?: Condition;
    }
  | { type: 'delete'; key: ItemKey; condition?: Condition }
  | { type: 'check'; key: ItemKey; condition: Condition };

export const maxTransactionItems = 100;
export const maxQueryLimit = 1000;

export interface CancellationReason {
  /** Position of the operation in the `transact` call. */
  index: number;
  code: 'ConditionalCheckFailed';
  /** The item as it was when the condition failed (undefined when it did not exist). */
  item: Item | undefined;
}

/** A transaction refused because at least one condition failed. Nothing was written. */
export class TransactionCanceledError extends Error {
  readonly reasons: CancellationReason[];
  constructor(reasons: CancellationReason[]) {
    super(`transaction canceled: condition failed at ${reasons.map((r) => r.index).join(', ')}`);
    this.name = 'TransactionCanceledError';
    this.reasons = reasons;
  }
  /** The reason for the operation at `index`, if that one failed. */
  reasonAt(index: number): CancellationReason | undefined {
    return this.reasons.find((reason) => reason.index === index);
  }
}

/** A request the store refuses before touching anything (too many items, one item twice…). */
export class StoreValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreValidationError';
  }
}

/** A `Query.cursor` that no adapter produced for this query (corrupted, truncated or from another query). */
export class InvalidCursorError extends Error {
  constructor(message = 'invalid cursor') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/**
 * A query cursor, as both adapters write it: the last item's key attributes (the table's and the
 * queried index's), as base64url JSON.
 *
 * @example const cursor = encodeCursor({ pk: 'ACC#a', sk: 'H#1', gsi1pk: 'P', gsi1sk: '1' });
 */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The JSON inside a cursor `encodeCursor` wrote. The text must be exactly what `encodeCursor`
 * gives for that JSON: base64url decoding skips stray characters and a trailing partial group,
 * so without the check an edited cursor could still read as a valid one.
 */
function parseCursorText(text: string): unknown {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new InvalidCursorError();
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
}

/**
 * Reads a cursor `encodeCursor` wrote for a query of `partition`: exactly the attributes named,
 * each a non-empty string, and the partition attribute equal to the partition queried. Anything
 * else is an `InvalidCursorError` (a 400 to the API caller), never a query of another partition.
 *
 * @example decodeCursor(text, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], 'gsi1pk', 'USERS')
 */
export function decodeCursor(
  text: string,
  names: readonly string[],
  partitionName: string,
  partition: string,
): Record<string, string> {
  const value = parseCursorText(text);
  const expected = new Set(names);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidCursorError();
  const entries = Object.entries(value);
  if (
    entries.length !== expected.size ||
    entries.some(([name, v]) => !expected.has(name) || typeof v !== 'string' || v === '')
  ) {
    throw new InvalidCursorError();
  }
  const cursor = value as Record<string, string>;
  if (cursor[partitionName] !== partition)
    throw new InvalidCursorError('the cursor belongs to another partition');
  return cursor;
}

/**
 * Reads one item and maps it to its record, or undefined when there is none: what every module
 * store's `readX` does with its own key and `xFromItem`.
 *
 * @example export const readPayment = (store: Store, id: string) => readItem(store, paymentKeys.payment(id), paymentFromItem);
 */
export function readItem<T>(
  store: Pick<Store, 'get'>,
  key: ItemKey,
  fromItem: (item: Item) => T,
): Promise<T | undefined> {
  return store.get(key).then((item) => (item ? fromItem(item) : undefined));
}

export function isTransactionCanceled(error: unknown): error is TransactionCanceledError {
  return error instanceof TransactionCanceledError;
}

/** Checks the shape rules DynamoDB enforces, so both adapters refuse the same requests. */
export function validateTransaction(operations: WriteOperation[]): void {
  if (operations.length === 0) throw new StoreValidationError('a transaction needs at least one operation');
  if (operations.length > maxTransactionItems) {
    throw new StoreValidationError(
      `a transaction holds at most ${maxTransactionItems} operations, got ${operations.length}`,
    );
  }
  const seen = new Set<string>();
  for (const operation of operations) {
    const key = operation.type === 'put' ? operation.item : operation.key;
    validateKey(key);
    const id = `${key.pk}\u0000${key.sk}`;
    if (seen.has(id))
      throw new StoreValidationError(`one transaction cannot touch an item twice (${key.pk} / ${key.sk})`);
    seen.add(id);
    if (operation.type === 'put') validateAttributes(operation.item);
    if (operation.type === 'update') validateUpdate(operation);
    if (operation.condition) validateCondition(operation.condition);
  }
}

/** Keys are non-empty strings: DynamoDB refuses an empty string in any key attribute. */
export function validateKey(key: ItemKey): void {
  if (typeof key.pk !== 'string' || key.pk === '' || typeof key.sk !== 'string' || key.sk === '') {
    throw new StoreValidationError('every item needs non-empty string pk and sk');
  }
}

/** The query rules DynamoDB enforces (key values are non-empty; `between` needs low <= high). */
export function validateQuery(query: Query): void {
  if (typeof query.partition !== 'string' || query.partition === '') {
    throw new StoreValidationError('a query needs a non-empty partition');
  }
  const sort = query.sort;
  if (!sort) return;
  const values = sort.op === 'between' ? [sort.low, sort.high] : [sort.value];
  if (values.some((value) => typeof value !== 'string' || value === '')) {
    throw new StoreValidationError(`sort key values must be non-empty strings (${sort.op})`);
  }
  if (sort.op === 'between' && compareStrings(sort.low, sort.high) > 0) {
    throw new StoreValidationError(`between needs low <= high, got ${sort.low} > ${sort.high}`);
  }
}

const tableKeyAttributes = new Set<string>([tableSchema.partitionKey, tableSchema.sortKey]);
const indexKeyAttributes = new Set<string>(
  tableSchema.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
);
// DynamoDB numbers: 38 significant digits, magnitude 1E-130 up to (but excluding) 1E+126.
const largestNumber = 1e126;
const smallestNumber = 1e-130;

function validateUpdate(update: Extract<WriteOperation, { type: 'update' }>): void {
  const named = [
    ...Object.keys(update.set ?? {}),
    ...Object.keys(update.add ?? {}),
    ...(update.remove ?? []),
  ];
  if (named.length === 0)
    throw new StoreValidationError('an update needs at least one attribute to set, add or remove');
  const seen = new Set<string>();
  for (const name of named) {
    if (tableKeyAttributes.has(name))
      throw new StoreValidationError(`an update cannot change the key attribute ${name}`);
    // DynamoDB refuses an update expression whose paths overlap ("SET a = :a REMOVE a").
    if (seen.has(name)) throw new StoreValidationError(`an update names ${name} more than once`);
    seen.add(name);
  }
  validateAttributes(update.set ?? {});
  for (const [name, delta] of Object.entries(update.add ?? {})) {
    if (indexKeyAttributes.has(name))
      throw new StoreValidationError(`index key ${name} is a string; it cannot be added to`);
    validateValue(delta, name);
  }
}

/** Index keys are strings (as the table definition declares them); values are JSON-shaped. */
function validateAttributes(attributes: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (indexKeyAttributes.has(name) && (typeof value !== 'string' || value === '')) {
      throw new StoreValidationError(`index key ${name} must be a non-empty string`);
    }
    validateValue(value, name);
  }
}

function validateValue(value: unknown, path: string): void {
  const problem = findInvalidValue(value);
  if (problem) throw new StoreValidationError(`${path}${problem.path}${problem.message}`);
}

/** The first value DynamoDB could not hold, with its path; paths are built only on failure (hot path). */
function findInvalidValue(value: unknown): { path: string; message: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (
      !Number.isFinite(value) ||
      magnitude >= largestNumber ||
      (magnitude !== 0 && magnitude < smallestNumber)
    ) {
      return { path: '', message: `: ${value} is outside the range of numbers the store can hold` };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const element: unknown = value[index];
      // JSON would turn it into null and DynamoDB would drop it, shifting the elements after it.
      if (element === undefined) return { path: `[${index}]`, message: ' is undefined' };
      const problem = findInvalidValue(element);
      if (problem) return { path: `[${index}]${problem.path}`, message: problem.message };
    }
    return undefined;
  }
  const prototype: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (prototype === Object.prototype || prototype === null) {
    for (const name in value as object) {
      const nested: unknown = (value as Record<string, unknown>)[name];
      if (nested === undefined) continue;
      const problem = findInvalidValue(nested);
      if (problem) return { path: `.${name}${problem.path}`, message: problem.message };
    }
    return undefined;
  }
  return {
    path: '',
    message: ': only strings, numbers, booleans, null, arrays and plain objects can be stored',
  };
}

function validateCondition(condition: Condition): void {
  if ('all' in condition) return condition.all.forEach(validateCondition);
  if ('any' in condition) return condition.any.forEach(validateCondition);
  if (!('compare' in condition)) return;
  const [attribute, op, value] = condition.compare;
  validateValue(value, attribute);
  // DynamoDB rejects the whole request when an ordering operator gets a boolean or null operand.
  if (op !== '=' && op !== '<>' && typeof value !== 'number' && typeof value !== 'string') {
    throw new StoreValidationError(`${attribute} ${op} needs a number or a string, got ${String(value)}`);
  }
}

/** Evaluates a condition against an item in memory: the embedded adapter's semantics. */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, item));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, item));
  if ('attributeExists' in condition)
    return item !== undefined && item[condition.attributeExists] !== undefined;
  if ('attributeNotExists' in condition)
    return item === undefined || item[condition.attributeNotExists] === undefined;
  const [attribute, op, value] = condition.compare;
  const actual = item?.[attribute];
  if (actual === undefined) return false;
  if (op === '=') return actual === value;
  if (op === '<>') return actual !== value;
  // DynamoDB compares only like types; a type mismatch makes the comparison false.
  if (typeof actual !== typeof value || (typeof actual !== 'number' && typeof actual !== 'string'))
    return false;
  const order =
    typeof actual === 'string'
      ? compareStrings(actual, value as string)
      : (actual as number) - (value as number);
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/**
 * Orders strings by code point, which is UTF-8 byte order: how DynamoDB and SQLite (BINARY
 * collation) order them. JavaScript's `<` compares UTF-16 code units instead, which puts
 * characters above U+FFFF before U+E000–U+FFFF.
 */
function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** FNV-1a: a cheap, stable spread of ids over partitions or items. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The index partition of `id` in a list spread over `count` partitions (`<base>#<n>`), so that no
 * one index partition takes every write of a busy list: DynamoDB gives one ~1,000 writes/s, and a
 * list sorted by time always writes at its end. `spreadPartitions` names them all, with the
 * unspread `<base>` first (where older code put entries).
 */
export function spreadPartition(base: string, id: string, count: number): string {
  return `${base}#${hashOf(id) % count}`;
}

export function spreadPartitions(base: string, count: number): string[] {
  return [base, ...Array.from({ length: count }, (_, n) => `${base}#${n}`)];
}

/** Orders items by the sort key of the table or of `index`, ascending or descending. */
function bySortKey(index: IndexName | undefined, direction: 'asc' | 'desc') {
  const name = index ? `${index}sk` : 'sk';
  const sign = direction === 'asc' ? 1 : -1;
  return (a: Item, b: Item) => {
    const x = a[name] as string;
    const y = b[name] as string;
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  };
}

/**
 * The first `limit` items, in sort-key order, of one query run on each of `partitions` (of the
 * table or one index): the page of a list spread over partitions when the caller pages by sort
 * key (`sort: { op: '<', value: last }`). `more` when some partition may hold more.
 *
 * @example const { items } = await queryPartitions(store, { index: 'gsi2', partitions, direction: 'desc', limit: 20 });
 */
export async function queryPartitions(
  store: Pick<Store, 'query'>,
  query: Omit<Query, 'partition' | 'cursor' | 'limit'> & { partitions: readonly string[]; limit: number },
): Promise<{ items: Item[]; more: boolean }> {
  const { partitions, ...shared } = query;
  const pages = await Promise.all(partitions.map((partition) => store.query({ ...shared, partition })));
  const merged = pages.flatMap((page) => page.items).sort(bySortKey(query.index, query.direction ?? 'asc'));
  return {
    items: merged.slice(0, query.limit),
    more: merged.length > query.limit || pages.some((page) => page.cursor !== undefined),
  };
}

/** One partition of a table or index that `queryMerged` reads. */
export interface MergedSource {
  index?: IndexName;
  partition: string;
}

/**
 * One page of a list kept in several partitions (of one index or several, sorted alike), merged
 * by sort key: each partition is read from just past where the cursor left it, so a page costs
 * one query per partition at any depth. `before` (ascending only) keeps sort keys below it. The
 * cursor is the last sort key handed out per partition.
 *
 * @example const page = await queryMerged(store, { sources: spreadPartitions('MER#PAYS#m', 8).map((partition) => ({ index: 'gsi1', partition })), direction: 'desc', limit: 20 });
 */
export async function queryMerged(
  store: Pick<Store, 'query'>,
  options: {
    sources: readonly MergedSource[];
    direction: 'asc' | 'desc';
    limit: number;
    cursor?: string;
    before?: string;
  },
): Promise<{ items: Item[]; cursor: string | undefined }> {
  const idOf = (source: MergedSource) => `${source.index ?? 'table'}:${source.partition}`;
  const sortOf = (source: MergedSource, item: Item) =>
    item[source.index ? `${source.index}sk` : 'sk'] as string;
  const position = options.cursor
    ? decodeMergedCursor(options.cursor, new Set(options.sources.map(idOf)))
    : {};
  const pages = await Promise.all(
    options.sources.map(async (source) => {
      const last = position[idOf(source)];
      if (last === null) return { source, items: [] as Item[], more: false };
      const sort: SortKeyCondition | undefined =
        options.direction === 'desc'
          ? last !== undefined
            ? { op: '<', value: last }
            : undefined
          : last !== undefined
            ? options.before !== undefined
              ? { op: 'between', low: last, high: options.before }
              : { op: '>', value: last }
            : options.before !== undefined
              ? { op: '<', value: options.before }
              : undefined;
      const page = await store.query({
        ...(source.index ? { index: source.index } : {}),
        partition: source.partition,
        ...(sort ? { sort } : {}),
        direction: options.direction,
        limit: options.limit + 1,
      });
      // `between` takes its ends: drop the one already handed out, and the bound itself.
      const items = page.items.filter(
        (item) => sortOf(source, item) !== last && sortOf(source, item) !== options.before,
      );
      return { source, items, more: page.cursor !== undefined };
    }),
  );
  const ascending = options.direction === 'asc' ? 1 : -1;
  // Sources may be of different indexes, each sorted by its own attribute: compare the values.
  const merged = pages
    .flatMap(({ source, items }) => items.map((item) => ({ source, item, sort: sortOf(source, item) })))
    .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0) * ascending);
  const taken = merged.slice(0, options.limit);
  const next: Record<string, string | null> = { ...position };
  for (const { source, sort } of taken) next[idOf(source)] = sort;
  for (const { source, items, more } of pages) {
    const lastItem = items.at(-1);
    if (!more && (lastItem === undefined || next[idOf(source)] === sortOf(source, lastItem)))
      next[idOf(source)] = null;
  }
  const finished = options.sources.every((source) => next[idOf(source)] === null);
  return {
    items: taken.map(({ item }) => item),
    cursor:
      finished || taken.length === 0 ? undefined : Buffer.from(JSON.stringify(next)).toString('base64url'),
  };
}

const mergedCursorSchema = z.record(z.string(), z.string().nullable());

/** A merged cursor names only the sources of the list it was made for, each once at most. */
function decodeMergedCursor(cursor: string, sources: ReadonlySet<string>): Record<string, string | null> {
  const parsed = mergedCursorSchema.safeParse(parseCursorText(cursor));
  if (!parsed.success || Object.keys(parsed.data).some((source) => !sources.has(source)))
    throw new InvalidCursorError();
  return parsed.data;
}
