import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from '../../platform/store-contract.ts';
import { SqliteStore } from './sqlite-store.ts';

runStoreContract('SqliteStore (:memory:)', async () => ({ store: new SqliteStore(':memory:') }));

runStoreContract('SqliteStore (a file, writer thread)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-'));
  return { store: new SqliteStore(join(dir, 'store.db'), { writer: 'worker' }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('SqliteStore on a file', () => {
  it('keeps committed data across close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-sqlite-'));
    try {
      const path = join(dir, 'store.db');
      const first = new SqliteStore(path);
      await first.transact([
        { type: 'put', item: { pk: 'A', sk: '1', gsi1pk: 'G', gsi1sk: 'x', nested: { n: [1, true, null] } } },
        { type: 'update', key: { pk: 'A', sk: '2' }, add: { n: 3 } },
      ]);
      await first.close();

      const second = new SqliteStore(path);
      try {
        expect(await second.get({ pk: 'A', sk: '1' })).toEqual({ pk: 'A', sk: '1', gsi1pk: 'G', gsi1sk: 'x', nested: { n: [1, true, null] } });
        expect(await second.get({ pk: 'A', sk: '2' })).toEqual({ pk: 'A', sk: '2', n: 3 });
        expect((await second.query({ index: 'gsi1', partition: 'G' })).items.map((item) => item.sk)).toEqual(['1']);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
