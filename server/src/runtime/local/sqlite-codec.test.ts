import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import {
  compressFromBytes,
  compressTransfersFromBytes,
  compressTransfersUpTo,
  decodeRow,
  encodeItem,
  keyColumns,
  textOf,
} from './sqlite-codec.ts';
import { dictionaryV1, dictionaryV2, dictionaryV3, indexKeyTemplates } from './sqlite-dictionary.ts';
import { SqliteStore } from './sqlite-store.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-codec-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'sluice.db');
}
const rowOf = (item: Record<string, unknown>) => {
  const encoded = encodeItem(item as never);
  return {
    ...Object.fromEntries(keyColumns.map((column, i) => [column, encoded.keys[i]])),
    ttl: encoded.ttl,
    data: encoded.data,
  };
};

describe('the SQLite row codec', () => {
  const payment = {
    pk: 'PAY#pay_01M91S7V4Y0H0MDHFNC4ZQD7RH',
    sk: 'PAY',
    gsi1pk: 'MER#mer_01M91S7CZ92KZ4AZB7RTQWHXKW#PAYMENTS#S#3',
    gsi1sk: '2026-12-05T00:21:37.566Z#pay_01M91S7V4Y0H0MDHFNC4ZQD7RH',
    entity: 'payment',
    id: 'pay_01M91S7V4Y0H0MDHFNC4ZQD7RH',
    merchant: 'mer_01M91S7CZ92KZ4AZB7RTQWHXKW',
    amount: 2500,
    currency: 'USD',
    status: 'requires_capture',
    amount_captured: 0,
    amount_refunded: 0,
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, fingerprint: 'fp_3c9a' },
    description: null,
    metadata: { order: '1234' },
    created_at: '2026-12-05T00:21:37.566Z',
    updated_at: '2026-12-05T00:21:37.566Z',
    expires_at: 1_799_022_097,
  };

  it("keeps the table key in its columns only, the index keys in the JSON only (each index's entries are a table of their own), and gives the item back whole", () => {
    const encoded = encodeItem(payment);
    expect(encoded.keys).toEqual([payment.pk, payment.sk]);
    expect(encoded.indexKeys).toEqual([
      { partition: payment.gsi1pk, sort: payment.gsi1sk },
      undefined,
      undefined,
    ]);
    const text = textOf(encoded.data, payment.pk);
    expect(text).not.toContain(payment.pk);
    expect(text).not.toContain('"sk"');
    expect(JSON.parse(text)).toMatchObject({ gsi1pk: payment.gsi1pk, gsi1sk: payment.gsi1sk });
    expect(decodeRow(rowOf(payment))).toEqual(payment);
  });

  it('keeps an integer TTL only in its column, and puts it back on read; any other TTL stays in the JSON', () => {
    const record = { pk: 'IDEM#s#k', sk: 'IDEM', state: 'complete', expires_at: 1_799_022_097 };
    const encoded = encodeItem(record);
    expect(encoded.ttl).toBe(record.expires_at);
    expect(textOf(encoded.data, record.pk)).not.toContain('expires_at');
    expect(encoded.jsonLength).toBe(JSON.stringify(record).length);
    expect(decodeRow(rowOf(record))).toEqual(record);
    const fractional = { ...record, expires_at: 1_799_022_097.5 };
    expect(textOf(encodeItem(fractional).data, record.pk)).toContain('"expires_at":1799022097.5');
    expect(decodeRow(rowOf(fractional))).toEqual(fractional);
    const text = { ...record, expires_at: 'never' };
    expect(decodeRow(rowOf(text))).toEqual(text);
    // A row written before: the TTL in its JSON as well as in its column.
    expect(
      decodeRow({
        pk: record.pk,
        sk: record.sk,
        ttl: record.expires_at,
        data: '{"state":"complete","expires_at":1799022097}',
      }),
    ).toEqual(record);
  });

  it('reads rows of format 1 (the first dictionary), with the window they were written with, 32 KB or 4 KB', () => {
    const { pk, sk, gsi1pk, gsi1sk, ...rest } = payment;
    for (const windowBits of [15, 12]) {
      const packed = deflateRawSync(JSON.stringify(rest), {
        dictionary: Buffer.from(dictionaryV1),
        windowBits,
      });
      const data = new Uint8Array(packed.length + 1);
      data[0] = 1;
      data.set(packed, 1);
      expect(decodeRow({ pk, sk, gsi1pk, gsi1sk, data })).toEqual(payment);
    }
  });

  it("writes format 5: the row's own key ends the dictionary, so an item's repeated id costs a few bytes, and a payment stores in well under format 2", () => {
    const { pk: _pk, sk: _sk, expires_at: _ttl, ...rest } = payment;
    const encoded = encodeItem(payment);
    const data = encoded.data as Uint8Array;
    expect(data[0]).toBe(5);
    const formatTwo = deflateRawSync(JSON.stringify(rest), {
      dictionary: Buffer.from(dictionaryV2),
      windowBits: 13,
    });
    expect(data.length - 1).toBeLessThan(formatTwo.length * 0.85);
    expect(decodeRow(rowOf(payment))).toEqual(payment);
    // Read with another row's key, the same bytes are not the item.
    expect(textOf(data, 'PAY#pay_01M91S7V4Y0H0MDHFNC4ZQD7RX')).not.toBe(textOf(data, payment.pk));
  });

  it("uses each row's own key in the dictionary whatever row came before, a longer key or a shorter one", () => {
    const keyed = (pk: string) => ({ ...payment, pk, id: pk.slice(4) });
    const longKey = `PAY#pay_${'L'.repeat(400)}`;
    const items = [keyed(longKey), payment, keyed('PAY#pay_S'), keyed(`${longKey}M`), payment];
    const rows = items.map(rowOf);
    // Read back in another order than written, each with its own key.
    for (const index of [4, 1, 3, 0, 2]) {
      expect(decodeRow(rows[index]!)).toEqual(items[index]);
      expect(encodeItem(items[index]!).data).toEqual(rows[index]!.data);
    }
    // Each row is what a dictionary built for it alone gives (format 5's dictionary, then the key).
    const alone = deflateRawSync(
      JSON.stringify({ ...payment, pk: undefined, sk: undefined, expires_at: undefined }),
      {
        dictionary: Buffer.from(dictionaryV2 + indexKeyTemplates + payment.pk),
        windowBits: 13,
        memLevel: 5,
      },
    );
    expect(Buffer.from((rows[4]!.data as Uint8Array).subarray(1))).toEqual(alone);
  });

  it('compresses JSON from 400 bytes with the preset dictionary, to well under half, and leaves small items as text', () => {
    const encoded = encodeItem(payment);
    expect(encoded.data).toBeInstanceOf(Uint8Array);
    const json = JSON.stringify(payment);
    expect((encoded.data as Uint8Array).length).toBeLessThan(json.length * 0.4);
    const small = { pk: 'ACC#a', sk: 'ACC', debits_posted: 10, credits_posted: 20 };
    const plain = encodeItem(small);
    expect(plain.data).toBe('{"debits_posted":10,"credits_posted":20}');
    expect(JSON.stringify(small).length).toBeLessThan(compressFromBytes);
    expect(decodeRow(rowOf(small))).toEqual(small);
  });

  /** A card payment's capture's keys, as the ledger writes them: its id and accounts are in them. */
  const postKeys = {
    pk: 'TR#tr_01M94348G7941RHZ5V5RAPP0RP',
    sk: 'TR',
    gsi2pk: 'ACC#acct_sys_card_network_USD#S#8',
    gsi2sk: 'T01M94348G7941RHZ5V5RAPP0RP',
    gsi3pk: 'ACC#acct_m_mer_01M943489D2CWV64DQYAKWQNS9_pending_USD',
    gsi3sk: 'T01M94348G7941RHZ5V5RAPP0RP',
  };

  it("compresses the ledger's transfers of 100–499 bytes with the transfer dictionary (format 4), larger ones with format 5, and no other small item", () => {
    // A card payment's capture as the ledger stores it.
    const post = {
      ...postKeys,
      entity: 'transfer',
      metadata: {},
      created_at: '2026-12-05T21:52:54.791Z',
      kind: 'post_pending',
      amount: 9164,
      currency: 'USD',
      code: 'card_payment',
      pending_id: 'tr_01M94348EVHQ36VX7XDWXSBSW8',
      debit_shard: 8,
    };
    const encoded = encodeItem(post);
    const json = textOf(encoded.data, post.pk);
    expect(json.length).toBeGreaterThanOrEqual(compressTransfersFromBytes);
    expect(json.length).toBeLessThan(compressTransfersUpTo);
    const data = encoded.data as Uint8Array;
    expect(data[0]).toBe(4);
    // Its id, in both sort keys, comes from the row's key at the dictionary's end.
    expect(data.length).toBeLessThan(json.length * 0.3);
    expect(decodeRow(rowOf(post))).toEqual(post);
    // The same JSON in any other item of under 400 bytes stays text, and so does a transfer under 100.
    const { gsi2pk: _2, gsi2sk: _3, gsi3pk: _4, gsi3sk: _5, ...unindexed } = post;
    const other = { ...unindexed, pk: 'X#1', sk: 'X' };
    expect(typeof encodeItem(other).data).toBe('string');
    expect(JSON.stringify(other).length).toBeLessThan(compressFromBytes);
    expect(JSON.stringify(other).length).toBeGreaterThan(compressTransfersFromBytes);
    const large = { ...post, metadata: { from_name: 'Ada Lovelace', note: 'n'.repeat(300) } };
    expect((encodeItem(large).data as Uint8Array)[0]).toBe(5);
    expect(decodeRow(rowOf(large))).toEqual(large);
    const tiny = { pk: 'TR#tr_1', sk: 'TR', kind: 'posted', amount: 1 };
    expect(encodeItem(tiny).data).toBe('{"kind":"posted","amount":1}');
    expect(decodeRow(rowOf(tiny))).toEqual(tiny);
  });

  it('picks the format at the exact lengths: a transfer of 100–499 bytes of JSON format 4, of 500 format 5; another item of 400 format 5', () => {
    const withJson = (pk: string, sk: string, length: number) => {
      const item = { pk, sk, note: 'a'.repeat(length - '{"note":""}'.length) };
      expect(textOf(encodeItem(item).data, pk).length).toBe(length);
      return item;
    };
    const formatOf = (item: Record<string, unknown>) => {
      const { data } = encodeItem(item as never);
      expect(decodeRow(rowOf(item))).toEqual(item);
      return typeof data === 'string' ? 0 : data[0];
    };
    expect([99, 100, 499, 500].map((length) => formatOf(withJson('TR#tr_1', 'TR', length)))).toEqual([
      0, 4, 4, 5,
    ]);
    expect([399, 400].map((length) => formatOf(withJson('X#1', 'X', length)))).toEqual([0, 5]);
  });

  it('reads a transfer written in format 3 (the transfer dictionary alone, its index keys in columns)', () => {
    const keys = postKeys;
    const rest = {
      entity: 'transfer',
      metadata: {},
      kind: 'post_pending',
      amount: 9164,
      code: 'card_payment',
    };
    const packed = deflateRawSync(JSON.stringify(rest), {
      dictionary: Buffer.from(dictionaryV3),
      windowBits: 11,
      memLevel: 1,
    });
    const data = new Uint8Array(packed.length + 1);
    data[0] = 3;
    data.set(packed, 1);
    expect(decodeRow({ ...keys, ttl: null, data })).toEqual({ ...keys, ...rest });
  });

  it('reads a transfer written before format 3: as text, or compressed with format 2', () => {
    const { pk, sk, ...rest } = {
      pk: 'TR#tr_2',
      sk: 'TR',
      entity: 'transfer',
      kind: 'posted',
      amount: 5,
      code: 'p2p',
      metadata: { note: 'x'.repeat(400) },
    };
    const packed = deflateRawSync(JSON.stringify(rest), {
      dictionary: Buffer.from(dictionaryV2),
      windowBits: 13,
    });
    const data = new Uint8Array(packed.length + 1);
    data[0] = 2;
    data.set(packed, 1);
    expect(decodeRow({ pk, sk, data })).toEqual({ pk, sk, ...rest });
    expect(decodeRow({ pk, sk, data: JSON.stringify(rest) })).toEqual({ pk, sk, ...rest });
  });

  it('leaves out of an index an item whose key attribute there is not a string, as DynamoDB does', () => {
    const odd = { pk: 'A', sk: 'B', gsi2pk: 7, gsi2sk: null, gsi3pk: 'P' };
    expect(encodeItem(odd).indexKeys).toEqual([undefined, undefined, undefined]);
    expect(decodeRow(rowOf(odd))).toEqual(odd);
  });

  it('takes the TTL column from a Number expires_at only, as DynamoDB counts TTL', () => {
    expect(encodeItem({ pk: 'A', sk: 'B', expires_at: 1700000000 }).ttl).toBe(1700000000);
    expect(encodeItem({ pk: 'A', sk: 'B', expires_at: '1700000000' }).ttl).toBeNull();
    expect(encodeItem({ pk: 'A', sk: 'B', expires_at: true }).ttl).toBeNull();
    expect(encodeItem({ pk: 'A', sk: 'B' }).ttl).toBeNull();
  });

  it('refuses a stored format it does not know rather than guess', () => {
    expect(() => textOf(new Uint8Array([9, 1, 2, 3]), 'A')).toThrow('unknown stored item format 9');
  });

  it('reads a file written before (text rows holding their keys, the TTL in an expression index) and upgrades it in place', async () => {
    const path = await tempPath();
    const old = new DatabaseSync(path);
    old.exec('PRAGMA journal_mode = WAL');
    old.exec(
      'CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, gsi3pk TEXT, gsi3sk TEXT, data TEXT NOT NULL, UNIQUE (pk, sk))',
    );
    old.exec(
      "CREATE INDEX items_expires ON items (json_extract(data, '$.expires_at')) WHERE json_extract(data, '$.expires_at') IS NOT NULL",
    );
    const insert = old.prepare('INSERT INTO items (pk, sk, gsi1pk, gsi1sk, data) VALUES (?, ?, ?, ?, ?)');
    insert.run('A', '1', 'L', 'x', '{"pk":"A","sk":"1","gsi1pk":"L","gsi1sk":"x","n":1,"expires_at":1000}');
    insert.run('A', '2', null, null, '{"pk":"A","sk":"2","n":2,"expires_at":"never"}');
    old.close();

    const store = new SqliteStore(path);
    cleanups.push(() => store.close());
    expect(await store.get({ pk: 'A', sk: '1' })).toEqual({
      pk: 'A',
      sk: '1',
      gsi1pk: 'L',
      gsi1sk: 'x',
      n: 1,
      expires_at: 1000,
    });
    expect((await store.query({ index: 'gsi1', partition: 'L' })).items.map((item) => item.n)).toEqual([1]);
    // A row in no index: its null index key columns are not attributes.
    expect(await store.get({ pk: 'A', sk: '2' })).toEqual({ pk: 'A', sk: '2', n: 2, expires_at: 'never' });
    // The old TTL is in the new column: the sweeper finds it (and not the string one).
    expect(await store.expiredKeys(2000, 10)).toEqual([{ pk: 'A', sk: '1' }]);
    // A large item, compressed, goes in beside them (the old expression index would refuse it).
    const big = { pk: 'A', sk: '3', blob: randomBytes(300).toString('hex'), expires_at: 1500 };
    await store.transact([{ type: 'put', item: big }]);
    expect(await store.get({ pk: 'A', sk: '3' })).toEqual(big);
    expect(await store.expiredKeys(2000, 10)).toEqual([
      { pk: 'A', sk: '1' },
      { pk: 'A', sk: '3' },
    ]);
    const inspect = new DatabaseSync(path, { readOnly: true });
    cleanups.push(async () => inspect.close());
    const indexes = (
      inspect.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);
    expect(indexes).toContain('items_ttl');
    expect(indexes).not.toContain('items_expires');
  });
});
