import { DatabaseSync } from 'node:sqlite';
import type { Item } from '../server/src/platform/store.ts';
import { decodeRow, rowColumns, type StoredRow } from '../server/src/runtime/local/sqlite-codec.ts';

/**
 * Every item a SQLite data file holds, decoded as the store reads them (rows keep their keys in
 * columns and large JSON compressed, so a test that looks for what must never be stored — a
 * password, a card number — reads the items, not the raw rows). Opens its own read-only connection.
 *
 * @example expect(JSON.stringify(storedItems(path))).not.toContain('4242424242424242');
 */
export function storedItems(path: string): Item[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare(`SELECT ${rowColumns} FROM items`).all() as StoredRow[]).map(decodeRow);
  } finally {
    db.close();
  }
}
