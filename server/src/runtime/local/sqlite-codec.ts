import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Item } from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';
import { dictionaryV1, dictionaryV2, dictionaryV3 } from './sqlite-dictionary.ts';

/**
 * How the SQLite store keeps an item in its row, compactly.
 *
 * - **Keys once.** The table key and every index key are columns (SQLite indexes them), so a
 *   string key attribute is left out of the `data` JSON and put back from its column on read.
 * - **Compressed when large.** JSON of 400 bytes or more is stored as a BLOB: a format byte
 *   then raw deflate with a preset dictionary of Sluice's attribute names and item templates
 *   (`sqlite-dictionary.ts`). A ~1 KB payment or event takes ~20% of its JSON. Smaller items
 *   (accounts, counters, the items every request reads) stay text: nothing to inflate on the
 *   hot path.
 * - **The ledger's small transfers compressed too** (100–399 bytes of JSON), with a small
 *   dictionary of transfer templates (format 3): they are written once (a hold updated once
 *   more), kept for good and read rarely, and a card payment's hold and post (~210–340 bytes)
 *   store in about a third of their JSON. The small dictionary, window and hash keep the call
 *   cheap: ~7 µs, where format 2's dictionary takes ~20 µs on the same item. Larger transfers (a
 *   wallet transfer's names and emails) keep format 2, which stores them smaller.
 * - **The TTL as a column**, for the sweeper's index (the JSON may be compressed, so an index on
 *   `json_extract(data, …)` cannot be used), and only there when it is an integer: put back from
 *   the column on read, as the keys are.
 *
 * Rows written before this (text JSON holding its keys) read the same: the keys in the JSON and in
 * the columns are equal, and text is parsed as it is.
 */

/** The key columns, in table order: the table key, then each index's partition and sort key. */
export const keyColumns: readonly string[] = [
  'pk',
  'sk',
  ...tableSchema.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
];
const keyColumnSet = new Set(keyColumns);
/** JSON this long or longer is compressed. */
export const compressFromBytes = 400;
/** A transfer's JSON this long or longer, and shorter than `compressFromBytes`, is format 3. */
export const compressTransfersFromBytes = 100;
/** The sort key of the ledger's transfer items (`ledgerKeys.transfer`). */
const transferSortKey = 'TR';
/**
 * The format byte of a compressed row names its dictionary: 1, `dictionaryV1` (rows written
 * before 2026-12-05); 2, `dictionaryV2`, which new rows use; 3, `dictionaryV3`, which new
 * transfer rows of 100–399 bytes use (since 2026-12-05, later that day). All stay readable.
 */
const dictionaries = new Map<number, Buffer>([
  [1, Buffer.from(dictionaryV1)],
  [2, Buffer.from(dictionaryV2)],
  [3, Buffer.from(dictionaryV3)],
]);
/**
 * An 8 KB window (the largest dictionary is 5.7 KB; items compressed are ~0.1–2 KB) and a smaller
 * hash: each call allocates ~48 KB instead of ~256 KB, for the same output size on Sluice's items.
 * Raw deflate names no window, and inflating with the default (32 KB) window reads any smaller
 * one: rows written with any window read alike.
 */
const itemOptions = { dictionary: dictionaries.get(2), windowBits: 13, memLevel: 5 };
/**
 * Format 3's dictionary is 1.3 KB and a transfer's JSON under 1 KB: a 2 KB window and the
 * smallest hash (~9 KB allocated a call) give the same output.
 */
const transferOptions = { dictionary: dictionaries.get(3), windowBits: 11, memLevel: 1 };

/** A row as the store reads it: its key columns, and `data`. */
export type StoredRow = { data: string | Uint8Array } & Record<string, unknown>;

export interface EncodedItem {
  /** The key column values, in `keyColumns` order (null where the item has no string there). */
  keys: Array<string | null>;
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
  const keys = keyColumns.map((column) =>
    typeof item[column] === 'string' ? (item[column] as string) : null,
  );
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
    json.length >= compressFromBytes
      ? 2
      : item.sk === transferSortKey && json.length >= compressTransfersFromBytes
        ? 3
        : 0;
  if (format === 0) return { keys, data: json, ttl, jsonLength };
  const packed = deflateRawSync(json, format === 3 ? transferOptions : itemOptions);
  const data = new Uint8Array(packed.length + 1);
  data[0] = format;
  data.set(packed, 1);
  return { keys, data, ttl, jsonLength };
}

/** The JSON text a row's `data` holds (its attributes without the string keys, for new rows). */
export function textOf(data: string | Uint8Array): string {
  if (typeof data === 'string') return data;
  const dictionary = dictionaries.get(data[0] ?? 0);
  if (!dictionary) throw new Error(`unknown stored item format ${data[0]}`);
  return inflateRawSync(data.subarray(1), { dictionary }).toString('utf8');
}

/** The item from its JSON text and its row's key and TTL columns. */
export function itemOf(text: string, row: Record<string, unknown>): Item {
  const item = JSON.parse(text) as Item;
  for (const column of keyColumns) {
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
  return itemOf(textOf(row.data), row);
}

/** `SELECT` list of what `decodeRow` needs. */
export const rowColumns = `${keyColumns.join(', ')}, ttl, data`;
