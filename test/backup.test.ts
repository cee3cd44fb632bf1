import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  audit,
  call,
  expectTransfersPresent,
  type AcknowledgedTransfer,
  makeTempDir,
  mapLimit,
  removeDir,
  repoRoot,
  signUp,
  signUpMany,
  startServer,
  transfer,
  wallet,
  type ServerProcess,
} from './server-process.ts';

/**
 * `npm run backup` copies a running server's database while transfers go on, and
 * `npm run restore` puts the copy in a new data dir: everything acknowledged before the backup
 * began is in it, and its books balance.
 */
const adminEmail = `admin-backup-${process.pid}@example.com`;
const servers: ServerProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

/** Runs the backup CLI as `npm run backup`/`restore` do, with this process's Node. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server/src/runtime/local/backup-cli.ts', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it('backs up during a transfer load and restores every transfer acknowledged before the backup, books balanced', {
  timeout: 180_000,
}, async () => {
  const dataDir = await makeTempDir('sluice-backup-src-');
  const work = await makeTempDir('sluice-backup-files-');
  const restoredDir = join(work, 'restored');
  dirs.push(dataDir, work);
  const signupBonus = 100_000;
  const server = await startServer({ dataDir, adminEmails: [adminEmail], signupBonus });
  servers.push(server);

  const admin = await signUp(server.url, { email: adminEmail, name: 'admin' });
  const users = await signUpMany(server.url, 12, { concurrency: 8, name: 'backup' });
  await mapLimit(users.length, 8, async (i) => void (await wallet(server.url, users[i]!.token)));

  const acknowledged: Array<AcknowledgedTransfer & { at: number }> = [];
  let stop = false;
  const load = Promise.all(
    Array.from({ length: 12 }, async () => {
      while (!stop) {
        const from = Math.floor(Math.random() * users.length);
        const to = (from + 1 + Math.floor(Math.random() * (users.length - 1))) % users.length;
        const amount = 1 + Math.floor(Math.random() * 100);
        const sender = users[from]!;
        const response = await transfer(server.url, sender.token, { to: users[to]!.id, amount });
        if (response.status >= 200 && response.status < 300)
          acknowledged.push({ id: response.json.id as string, sender, amount, at: performance.now() });
        else if (response.status !== 402) throw new Error(`unexpected ${response.status} ${response.text}`);
      }
    }),
  );

  // The load runs before, during and after the backup.
  while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 20));
  const backupFile = join(work, 'sluice-backup.db');
  const backupStarted = performance.now();
  const before = acknowledged.filter((a) => a.at < backupStarted);
  const backup = await runCli(['backup', '--to', backupFile, '--data-dir', dataDir]);
  const duringBackup = acknowledged.filter((a) => a.at >= backupStarted).length;
  const afterBackupStarted = acknowledged.length;
  while (acknowledged.length < afterBackupStarted + 50)
    await new Promise((resolve) => setTimeout(resolve, 20));
  stop = true;
  await load;

  expect(backup.code, backup.stderr).toBe(0);
  console.log(
    `backup test: ${before.length} transfers acknowledged before the backup began, ${duringBackup} while it ran, ${acknowledged.length} in all`,
  );
  expect(duringBackup, 'transfers went on while the backup ran').toBeGreaterThan(0);
  const sha256 = /sha256\s+([0-9a-f]{64})/.exec(backup.stdout)?.[1];
  expect(sha256, backup.stdout).toBeDefined();
  expect(readFileSync(`${backupFile}.sha256`, 'utf8')).toBe(`${sha256}  sluice-backup.db\n`);
  expect(backup.stdout).toContain('ledger   balanced');
  const recorded = JSON.parse(readFileSync(join(dataDir, 'backups.json'), 'utf8')) as {
    backups: Array<{ file: string; sha256: string; size_bytes: number }>;
  };
  expect(recorded.backups.at(-1)).toMatchObject({ file: backupFile, sha256 });

  // A running server's data dir is not restored over, even with --force.
  const onRunning = await runCli(['restore', backupFile, '--data-dir', dataDir, '--force']);
  expect(onRunning.code).toBe(1);
  expect(onRunning.stderr).toContain(`the data dir ${dataDir} is in use by process ${server.pid}`);

  const restore = await runCli(['restore', backupFile, '--data-dir', restoredDir]);
  expect(restore.code, restore.stderr).toBe(0);
  expect(restore.stdout).toContain('ledger   balanced');
  expect(existsSync(join(restoredDir, 'sluice.db'))).toBe(true);
  // Restoring again over the restored database needs --force.
  const again = await runCli(['restore', backupFile, '--data-dir', restoredDir]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('pass --force');

  await server.kill();
  const restored = await startServer({ dataDir: restoredDir, adminEmails: [adminEmail], signupBonus });
  servers.push(restored);
  await expectTransfersPresent(restored.url, before);
  // Transfers only move money between these wallets: together they hold exactly the bonuses.
  let total = 0;
  for (const user of [...users, admin]) {
    const balance = await wallet(restored.url, user.token);
    expect(balance.available).toBeGreaterThanOrEqual(0);
    total += balance.posted;
  }
  expect(total).toBe((users.length + 1) * signupBonus);
  const report = await audit(restored.url, admin.token);
  expect(report.balanced, JSON.stringify(report)).toBe(true);
  for (const currency of report.currencies) {
    expect(currency.debits_posted).toBe(currency.credits_posted);
    expect(currency.debits_pending).toBe(currency.credits_pending);
    expect(currency.overdrawn_accounts).toEqual([]);
  }
});

it('refuses to restore a backup whose bytes no longer match its checksum', { timeout: 60_000 }, async () => {
  const dataDir = await makeTempDir('sluice-backup-src-');
  const work = await makeTempDir('sluice-backup-files-');
  dirs.push(dataDir, work);
  const server = await startServer({ dataDir });
  servers.push(server);
  await signUp(server.url);
  const backupFile = join(work, 'copy.db');
  expect((await runCli(['backup', '--to', backupFile, '--data-dir', dataDir])).code).toBe(0);

  const bytes = readFileSync(backupFile);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  writeFileSync(backupFile, bytes);
  const restoredDir = join(work, 'restored');
  const refused = await runCli(['restore', backupFile, '--data-dir', restoredDir]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('checksum mismatch');
  expect(existsSync(join(restoredDir, 'sluice.db'))).toBe(false);
});

it('takes scheduled backups while serving, keeps the newest SLUICE_BACKUP_KEEP, and shows the last to admins', {
  timeout: 60_000,
}, async () => {
  const work = await makeTempDir('sluice-backup-scheduled-');
  dirs.push(work);
  const backupDir = join(work, 'backups');
  const server = await startServer({
    adminEmails: [adminEmail],
    env: { SLUICE_BACKUP_DIR: backupDir, SLUICE_BACKUP_EVERY: '1', SLUICE_BACKUP_KEEP: '2' },
  });
  servers.push(server);
  const admin = await signUp(server.url, { email: adminEmail, name: 'admin' });

  // Wait (up to the test's timeout) for three scheduled backups: the third one prunes the first.
  const recordedBackups = () => {
    try {
      return (
        JSON.parse(readFileSync(join(server.dataDir, 'backups.json'), 'utf8')) as { backups: unknown[] }
      ).backups.length;
    } catch {
      return 0;
    }
  };
  while (recordedBackups() < 3) await new Promise((resolve) => setTimeout(resolve, 100));
  // The pruning follows the record within the same run; wait for it too.
  const kept = () => readdirSync(backupDir).filter((name) => name.endsWith('.db'));
  while (kept().length > 2) await new Promise((resolve) => setTimeout(resolve, 50));

  const response = await call(server.url, 'GET', '/v1/admin/backups', { token: admin.token });
  expect(response.status, response.text).toBe(200);
  expect(response.json.scheduled).toEqual({ dir: backupDir, every_seconds: 1, keep: 2 });
  const last = response.json.last as { file: string; sha256: string; size_bytes: number };
  expect(last.file.startsWith(join(backupDir, 'sluice-'))).toBe(true);
  expect(last.size_bytes).toBeGreaterThan(0);
  expect(readFileSync(`${last.file}.sha256`, 'utf8')).toContain(last.sha256);
  expect(kept().length).toBeLessThanOrEqual(2);
  const report = await audit(server.url, admin.token);
  expect(report.balanced, JSON.stringify(report)).toBe(true);
});
