import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, removeDir, repoRoot } from '../../../../test/server-process.ts';
import { migrationsOf } from '../../app/migrations.ts';
import { modules } from '../../app/modules.ts';
import { silentLogger } from '../../platform/logger.ts';
import {
  DataNewerThanCodeError,
  migrationRecordPut,
  readMigrationRecords,
} from '../../platform/migrations.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { createLocalPlatform } from './platform.ts';
import { SqliteStore } from './sqlite-store.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('sluice-migrate-');
  cleanups.push(() => removeDir(dir));
  return dir;
}

/** Records, straight into the data dir's database, a migration a later release applied. */
async function migrateWithALaterRelease(dataDir: string): Promise<void> {
  const store = new SqliteStore(join(dataDir, 'sluice.db'), { writer: 'inline' });
  await store.transact([
    migrationRecordPut({
      module: 'payments',
      version: 99,
      description: 'a migration of a later release',
      applied_at: '2027-01-01T00:00:00.000Z',
      changed: 0,
    }),
  ]);
  await store.close();
}

describe('migrations at local start', () => {
  it('applies the pending migrations and records them before the platform is handed over', async () => {
    const dataDir = await tempDir();
    const platform = await createLocalPlatform({
      dataDir,
      store: 'sqlite',
      sqliteWriter: 'inline',
      logger: silentLogger,
    });
    try {
      // Every migration the modules know, on a fresh data dir: each finds nothing to change
      // (the records are read by module then version).
      const known = [...migrationsOf(modules)].sort(
        (a, b) => a.module.localeCompare(b.module) || a.version - b.version,
      );
      expect(await readMigrationRecords(platform.store)).toEqual(
        known.map(({ module, version }) => expect.objectContaining({ module, version, changed: 0 })),
      );
    } finally {
      await platform.stop();
    }
  });

  it('refuses to start on data a later release migrated, and frees the data dir', async () => {
    const dataDir = await tempDir();
    await migrateWithALaterRelease(dataDir);

    const refusal = await createLocalPlatform({
      dataDir,
      store: 'sqlite',
      sqliteWriter: 'inline',
      logger: silentLogger,
    }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DataNewerThanCodeError);
    // Nothing holds the data dir: this process can claim it.
    lockDataDir(dataDir)();
  });

  it('npm start says plainly that the data is newer than the code, and exits', async () => {
    const dataDir = await tempDir();
    await migrateWithALaterRelease(dataDir);
    const child = spawn(
      process.execPath,
      [
        'server/src/runtime/local/main.ts',
        '--no-build',
        '--no-seed',
        '--port',
        String(await freePort()),
        '--data-dir',
        dataDir,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(exitCode).toBe(1);
    const known = Math.max(
      ...migrationsOf(modules)
        .filter((migration) => migration.module === 'payments')
        .map((migration) => migration.version),
    );
    expect(stderr).toContain(
      `Sluice cannot start: the stored data is newer than the code: payments is migrated to version 99, this code knows up to version ${known}.`,
    );
    expect(stderr).not.toContain('    at ');
  });
});
