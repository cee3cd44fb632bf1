import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Item } from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';
import { dictionaryV1, dictionaryV2, dictionaryV3, indexKeyTemplates } from './sqlite-dictionary.ts';

/**
 * How the SQLite store keeps an item in its row, compactly.
 *
 * - **Keys once.** The table key (`pk`, `sk`) is a pair of columns, left out of the `data` JSON
 *   and put back from them on read. Index keys stay in the JSON, where they compress against the
 *   item's own ids; each index is a table of (partition, sort, rowid) entries (`sqlite-writer.ts`),
 *   so no key is stored twice. Rows written before the index tables keep their index keys in
 *   columns of their own (`legacyIndexColumns`), put back on read as the table key is.
 * - **Compressed when large.** JSON of 400 bytes or more is stored as a BLOB: a format byte
 *   then raw deflate with a preset dictionary of Sluice's attribute names and item templates
 *   (`sqlite-dictionary.ts`), followed by the row's own table key: an item repeats its id (in its
 *   attributes and its index keys), and each repeat then costs a few bytes. A ~1 KB payment or
 *   event takes ~15% of its JSON. Smaller items (accounts, counters, the items every request
 *   reads) stay text: nothing to inflate on the hot path.
 * - **The ledger's small transfers compressed too** (100–499 bytes of JSON, format 4), with a
 *   small dictionary of transfer templates: they are written once (a hold updated once more),
 *   kept for good and read rarely, and a card payment's hold and post (~420–550 bytes with their
 *   index keys) store in about a quarter of their JSON. The small dictionary, window and hash keep
 *   the call cheap: ~7 µs, where format 5's dictionary takes ~20 µs on the same item.
 * - **The TTL as a column**, for the sweeper's index (the JSON may be compressed, so an index on
 *   `json_extract(data, …)` cannot be used), and only there when it is an integer: put back from
 *   the column on read, as the keys are.
 *
 * Rows of every earlier format read the same: text JSON (which may hold its keys too: they equal
 * the columns), and formats 1–3 (compressed without the row's key, their index keys in columns).
 */

/** The key columns of a row: the table key. */
export const keyColumns: readonly string[] = ['pk', 'sk'];
/**
 * The index key columns of files written before each index was a table of its own: each index's
 * partition then sort key. Their rows keep those keys there (and not in the JSON); newer rows in
 * such a file leave them null.
 */
export const legacyIndexColumns: readonly string[] = tableSchema.indexes.flatMap((index) => [
  index.partitionKey,
  index.sortKey,
]);
const keyColumnSet = new Set(keyColumns);
/** JSON this long or longer is compressed. */
export const compressFromBytes = 400;
/** A transfer's JSON this long or longer, and shorter than `compressTransfersUpTo`, is format 4. */
export const compressTransfersFromBytes = 100;
/** A transfer's JSON this long or longer is format 5, as other large items are. */
export const compressTransfersUpTo = 500;
/** The sort key of the ledger's transfer items (`ledgerKeys.transfer`). */
const transferSortKey = 'TR';
/**
 * The format byte of a compressed row names its dictionary: 1, `dictionaryV1` (rows written
 * before 2026-12-05); 2, `dictionaryV2`; 3, `dictionaryV3` for transfers (2026-12-05 to
 * 2026-12-06); 4 and 5, which new rows use: dictionaries 3 and 2 followed by
 * `indexKeyTemplates`, and then by the row's `pk` (`keyedFormats`). All stay readable.
 */
const dictionaries = new Map<number, Buffer>([
  [1, Buffer.from(dictionaryV1)],
  [2, Buffer.from(dictionaryV2)],
  [3, Buffer.from(dictionaryV3)],
  [4, Buffer.from(dictionaryV3 + indexKeyTemplates)],
  [5, Buffer.from(dictionaryV2 + indexKeyTemplates)],
]);
/** Formats whose dictionary ends with the row's `pk`. */
const keyedFormats = new Set([4, 5]);
const transferFormat = 4;
const itemFormat = 5;
/**
 * An 8 KB window (the largest dictionary is 6.1 KB; items compressed are ~0.1–2 KB) and a smaller
 * hash: each call allocates ~48 KB instead of ~256 KB, for the same output size on Sluice's items.
 * Raw deflate names no window, and inflating with the default (32 KB) window reads any smaller
 * one: rows written with any window read alike.
 */
const itemOptions = { windowBits: 13, memLevel: 5 };
/**
 * Format 4's dictionary is 1.7 KB and a transfer's JSON under 500 B: a 2 KB window and the
 * smallest hash (~9 KB allocated a call) give nearly the same output.
 */
const transferOptions = { windowBits: 11, memLevel: 1 };

/** The dictionary a row of `format` was compressed with. */
function dictionaryOf(format: number, pk: string): Buffer {
  const dictionary = dictionaries.get(format);
  if (!dictionary) throw new Error(`unknown stored item format ${format}`);
  return keyedFormats.has(format) ? Buffer.concat([dictionary, Buffer.from(pk)]) : dictionary;
}

/** A row as the store reads it: its key columns, and `data`. */
export type StoredRow = { data: string | Uint8Array } & Record<string, unknown>;

export interface EncodedItem {
  /** The key column values, in `keyColumns` order. */
  keys: string[];
  /**
   * The item's entry in each index of `tableSchema.indexes`, in order: its partition and sort
   * key, or undefined where the item has no string for either (DynamoDB leaves it out then).
   */
  indexKeys: Array<IndexKey | undefined>;
  data: string | Uint8Array;
  /** The item's TTL attribute when it is a number (DynamoDB's rule), else null. */
  ttl: number | null;
  /** The item's JSON length with its keys: the size checks' measure. */
  jsonLength: number;
}

/**
 * The row values of `item`.
 *
 * @example const { keys, data, ttl } = encodeItem({ pk: 'A', sk: 'B', n: 1 });
 */
export function encodeItem(item: Item): EncodedItem {
  const keys = [item.pk, item.sk];
  const indexKeys = indexKeysOf(item);
  const ttlValue = item[tableSchema.ttlAttribute];
  const ttl = typeof ttlValue === 'number' && Number.isFinite(ttlValue) ? ttlValue : null;
  const ttlInColumn = ttl !== null && Number.isSafeInteger(ttl);
  const rest: Record<string, unknown> = {};
  let keyLength = 0;
  for (const [name, value] of Object.entries(item)) {
    if (keyColumnSet.has(name) && typeof value === 'string') keyLength += name.length + value.length + 6;
    else if (ttlInColumn && name === tableSchema.ttlAttribute)
      keyLength += name.length + String(ttl).length + 4;
    else rest[name] = value;
  }
  // JSON.stringify drops undefined attributes, as DynamoDB's marshalling does.
  const json = JSON.stringify(rest);
  const jsonLength = json.length + keyLength;
  const format =
    item.sk === transferSortKey && json.length >= compressTransfersFromBytes
      ? json.length < compressTransfersUpTo
        ? transferFormat
        : itemFormat
      : json.length >= compressFromBytes
        ? itemFormat
        : 0;
  if (format === 0) return { keys, indexKeys, data: json, ttl, jsonLength };
  const packed = deflateRawSync(json, {
    ...(format === transferFormat ? transferOptions : itemOptions),
    dictionary: dictionaryOf(format, item.pk),
  });
  const data = new Uint8Array(packed.length + 1);
  data[0] = format;
  data.set(packed, 1);
  return { keys, indexKeys, data, ttl, jsonLength };
}

/** An item's entry in one index: its partition and sort key there. */
export interface IndexKey {
  partition: string;
  sort: string;
}

/** The item's entry in each index of `tableSchema.indexes`, in order (see `EncodedItem`). */
export function indexKeysOf(item: Item): Array<IndexKey | undefined> {
  return tableSchema.indexes.map((index) => {
    const partition = item[index.partitionKey];
    const sort = item[index.sortKey];
    return typeof partition === 'string' && typeof sort === 'string' ? { partition, sort } : undefined;
  });
}

/** The JSON text a row's `data` holds (its attributes without its table key), `pk` its row's. */
export function textOf(data: string | Uint8Array, pk: string): string {
  if (typeof data === 'string') return data;
  const dictionary = dictionaryOf(data[0] ?? 0, pk);
  return inflateRawSync(data.subarray(1), { dictionary }).toString('utf8');
}

/**
 * The item from its JSON text and its row's key and TTL columns (and the index key columns of a
 * row written before the index tables, when the file has them).
 */
export function itemOf(text: string, row: Record<string, unknown>): Item {
  const item = JSON.parse(text) as Item;
  item.pk = row.pk as string;
  item.sk = row.sk as string;
  for (const column of legacyIndexColumns) {
    const value = row[column];
    if (typeof value === 'string') item[column] = value;
  }
  // Rows written before the TTL left the JSON hold it there too, with the same value.
  if (typeof row.ttl === 'number' && item[tableSchema.ttlAttribute] === undefined)
    item[tableSchema.ttlAttribute] = row.ttl;
  return item;
}

/** The item a row holds. */
export function decodeRow(row: StoredRow): Item {
  return itemOf(textOf(row.data, row.pk as string), row);
}

/**
 * `SELECT` list of what `decodeRow` needs: every column, since a file written before the index
 * tables has index key columns that newer files do not.
 */
export const rowColumns = '*';
