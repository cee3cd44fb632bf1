import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../../test/invariants.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { createAccount, createTransfers } from '../../ledger/index.ts';
import {
  backupScheduleFromEnv,
  pruneScheduledBackups,
  readBackupRecords,
  restoreBackup,
  takeBackup,
} from './backup.ts';
import { SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-backup-unit-'));
  dirs.push(dir);
  return dir;
}

/** A data dir whose database holds a few accounts and transfers. */
async function dataDirWithBooks(): Promise<string> {
  const dataDir = await tempDir();
  const store = new SqliteStore(join(dataDir, 'sluice.db'));
  try {
    const deps = { store, clock: new ManualClock() };
    await createAccount(deps, { id: 'alice', currency: 'USD', owner: 'alice', code: 'wallet' });
    await createAccount(deps, { id: 'bob', currency: 'USD', owner: 'bob', code: 'wallet' });
    for (const amount of [500, 250, 125])
      await createTransfers(deps, [
        {
          kind: 'posted',
          id: newId('transfer'),
          debit_account_id: 'alice',
          credit_account_id: 'bob',
          amount,
          currency: 'USD',
          code: 'p2p',
        },
      ]);
    await expectBooksBalanced(store);
  } finally {
    await store.close();
  }
  return dataDir;
}

it('restores over an existing database only with force, keeping the old one aside', async () => {
  const dataDir = await dataDirWithBooks();
  const work = await tempDir();
  const file = join(work, 'copy.db');
  const backup = await takeBackup({ dataDir, to: file });
  expect(readBackupRecords(dataDir).at(-1)).toMatchObject({ file, sha256: backup.sha256 });

  const target = await tempDir();
  writeFileSync(join(target, 'sluice.db'), 'an older database');
  writeFileSync(join(target, 'sluice.db-wal'), 'its write-ahead log');
  await expect(restoreBackup({ file, dataDir: target })).rejects.toThrow(/pass --force/);
  expect(readFileSync(join(target, 'sluice.db'), 'utf8')).toBe('an older database');

  const restored = await restoreBackup({ file, dataDir: target, force: true });
  expect(restored.audit.balanced).toBe(true);
  expect(readFileSync(restored.keptAs!, 'utf8')).toBe('an older database');
  expect(readFileSync(`${restored.keptAs!}-wal`, 'utf8')).toBe('its write-ahead log');
  expect(existsSync(join(target, 'sluice.db-wal'))).toBe(false);
  const store = new SqliteStore(join(target, 'sluice.db'));
  try {
    await expectBooksBalanced(store);
  } finally {
    await store.close();
  }
});

it('refuses a backup that fails the integrity check even when its checksum file was rewritten to match', async () => {
  const dataDir = await dataDirWithBooks();
  const work = await tempDir();
  const file = join(work, 'copy.db');
  await takeBackup({ dataDir, to: file });
  const bytes = readFileSync(file);
  // The second page's b-tree page type byte (2 KB pages): no valid page has type 0.
  bytes[2048] = 0;
  writeFileSync(file, bytes);
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(bytes).digest('hex')}  copy.db\n`);
  const target = join(work, 'restored');
  await expect(restoreBackup({ file, dataDir: target })).rejects.toThrow(/integrity|not a readable/);
  expect(readdirSync(target).filter((name) => name.startsWith('sluice.db'))).toEqual([]);
});

it('keeps the newest scheduled backups and their checksums, and deletes the rest', async () => {
  const dir = await tempDir();
  const names = ['sluice-2026-12-01.db', 'sluice-2026-12-02.db', 'sluice-2026-12-03.db'];
  for (const name of names) {
    writeFileSync(join(dir, name), name);
    writeFileSync(join(dir, `${name}.sha256`), name);
  }
  writeFileSync(join(dir, 'manual.db'), 'not the schedule’s');
  expect(pruneScheduledBackups(dir, 2)).toEqual([names[0]]);
  expect(readdirSync(dir).sort()).toEqual(
    ['manual.db', ...names.slice(1).flatMap((name) => [name, `${name}.sha256`])].sort(),
  );
});

it('reads the schedule from the environment, and refuses a nonsense interval', () => {
  expect(backupScheduleFromEnv({})).toBeNull();
  const dir = join(tmpdir(), 'sluice-backups');
  expect(backupScheduleFromEnv({ SLUICE_BACKUP_DIR: dir })).toEqual({ dir, every_seconds: 3600, keep: 24 });
  expect(() => backupScheduleFromEnv({ SLUICE_BACKUP_DIR: dir, SLUICE_BACKUP_EVERY: '0.5' })).toThrow(
    /SLUICE_BACKUP_EVERY/,
  );
});
