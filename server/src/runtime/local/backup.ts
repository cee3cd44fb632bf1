import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { auditLedger, type AuditReport } from '../../ledger/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { BackupRecord, Backups } from '../../platform/module.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { SqliteStore } from './sqlite-store.ts';

/** The database file in a data dir, as the local platform opens it. */
export const databaseFile = 'sluice.db';
/** The data dir's record of the backups taken of it, newest last; the admin route reads it. */
export const backupLogFile = 'backups.json';
/** How many backups `backups.json` remembers. */
const historyLength = 50;

export interface BackupResult extends BackupRecord {
  audit: AuditReport;
}

/**
 * Copies a data dir's database to `to`, online: the server keeps writing meanwhile.
 *
 * `VACUUM INTO` runs as one read transaction on a connection of its own, so in WAL mode it
 * copies a single snapshot: every transaction committed before it began, none after, whatever
 * the writer thread does meanwhile (SQLite's backup API, by contrast, starts over whenever
 * another connection writes between its steps, and under a steady load may never finish). The
 * copy is written beside `to`, audited (the ledger must balance in it) and renamed into place,
 * so `to` is either a whole checked backup or absent. Writes `<to>.sha256` (sha256sum's format)
 * and appends the backup to the data dir's `backups.json`.
 *
 * @example const { sha256, audit } = await takeBackup({ dataDir: '.sluice', to: 'backup.db' });
 */
export async function takeBackup(options: { dataDir: string; to: string }): Promise<BackupResult> {
  const source = join(options.dataDir, databaseFile);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  const to = resolve(options.to);
  const temporary = join(dirname(to), `.${basename(to)}.partial-${process.pid}`);
  rmSync(temporary, { force: true });
  const startedAt = new Date();
  try {
    const db = new DatabaseSync(source, { readOnly: true });
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('VACUUM INTO ?').run(temporary);
    } finally {
      db.close();
    }
    const audit = await auditFile(temporary);
    if (!audit.balanced) throw new BackupError(`the copy's ledger does not balance: ${stringify(audit)}`);
    const sha256 = sha256Of(temporary);
    renameSync(temporary, to);
    writeFileSync(`${to}.sha256`, `${sha256}  ${basename(to)}\n`);
    const record: BackupRecord = {
      file: to,
      size_bytes: statSync(to).size,
      sha256,
      taken_at: startedAt.toISOString(),
    };
    appendBackupRecord(options.dataDir, record);
    return { ...record, audit };
  } finally {
    removeDatabaseFiles(temporary);
  }
}

export interface RestoreResult {
  sha256: string;
  audit: AuditReport;
  /** Where the database the restore replaced was kept (with `force`). */
  keptAs?: string;
}

/**
 * Puts a backup in place as a data dir's database. Refuses while a server holds the data dir
 * (its lock is taken for the whole restore, so none can start meanwhile), when the file does not
 * match its `.sha256`, fails SQLite's integrity check or holds books that do not balance, and
 * when the data dir already has a database, unless `force` (the old one is then kept as
 * `sluice.db.before-restore-<time>`). The checks run on a copy inside the data dir, which is
 * then renamed into place, so a failed restore leaves the data dir as it was.
 *
 * @example await restoreBackup({ file: 'backup.db', dataDir: '.sluice-restored' });
 */
export async function restoreBackup(options: {
  file: string;
  dataDir: string;
  force?: boolean;
}): Promise<RestoreResult> {
  const file = resolve(options.file);
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  const sumFile = `${file}.sha256`;
  if (!existsSync(sumFile)) throw new BackupError(`no checksum file ${sumFile} beside the backup`);
  const expected = readFileSync(sumFile, 'utf8').trim().split(/\s+/)[0] ?? '';
  const sha256 = sha256Of(file);
  if (sha256 !== expected)
    throw new BackupError(`checksum mismatch: ${file} has sha256 ${sha256}, ${sumFile} says ${expected}`);

  mkdirSync(options.dataDir, { recursive: true });
  const release = lockDataDir(options.dataDir);
  try {
    const target = join(options.dataDir, databaseFile);
    if (existsSync(target) && !options.force)
      throw new BackupError(
        `${target} exists: restore into an empty data dir, or pass --force to replace it`,
      );
    const staging = join(options.dataDir, `${databaseFile}.restoring-${process.pid}`);
    try {
      copyFileSync(file, staging);
      checkIntegrity(staging);
      const audit = await auditFile(staging);
      if (!audit.balanced) throw new BackupError(`the backup's ledger does not balance: ${stringify(audit)}`);
      let keptAs: string | undefined;
      if (existsSync(target)) {
        keptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(target, keptAs);
        // Its WAL goes with it (a server killed with SIGKILL leaves commits there): opening the
        // kept file replays it.
        if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${keptAs}-wal`);
      }
      // The replaced database's WAL must not be replayed into the restored one.
      rmSync(`${target}-wal`, { force: true });
      rmSync(`${target}-shm`, { force: true });
      renameSync(staging, target);
      return { sha256, audit, ...(keptAs ? { keptAs } : {}) };
    } finally {
      removeDatabaseFiles(staging);
    }
  } finally {
    release();
  }
}

/** Backups the server takes itself: every `every_seconds` into `dir`, the newest `keep` kept. */
export interface BackupSchedule {
  dir: string;
  every_seconds: number;
  keep: number;
}

/**
 * The Backups port of the local runtime: the last backup is what `backups.json` says, whoever
 * took it (`npm run backup` in another process, or this server's schedule).
 */
export function localBackups(dataDir: string, schedule: BackupSchedule | null): Backups {
  return {
    last: async () => readBackupRecords(dataDir).at(-1) ?? null,
    schedule,
  };
}

/**
 * The schedule from SLUICE_BACKUP_DIR (none without it), SLUICE_BACKUP_EVERY (seconds, default
 * 3600) and SLUICE_BACKUP_KEEP (default 24); throws on a value that is not a positive integer.
 */
export function backupScheduleFromEnv(env: Record<string, string | undefined>): BackupSchedule | null {
  if (!env.SLUICE_BACKUP_DIR) return null;
  const positive = (name: string, fallback: number) => {
    const value = env[name] === undefined ? fallback : Number(env[name]);
    if (!(Number.isSafeInteger(value) && value >= 1))
      throw new Error(`${name} must be a whole number of at least 1, not ${env[name]}`);
    return value;
  };
  return {
    dir: resolve(env.SLUICE_BACKUP_DIR),
    every_seconds: positive('SLUICE_BACKUP_EVERY', 3600),
    keep: positive('SLUICE_BACKUP_KEEP', 24),
  };
}

/**
 * Takes a backup every `every_seconds` into `schedule.dir` (as `sluice-<time>.db`), then deletes
 * the oldest scheduled backups beyond `keep`. Each backup runs in a child process (the backup CLI)
 * so that the copy and its audit never hold up this server's event loop. Returns a stop function.
 */
export function startBackupSchedule(options: {
  dataDir: string;
  schedule: BackupSchedule;
  logger: Logger;
}): () => void {
  const { dataDir, schedule, logger } = options;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      mkdirSync(schedule.dir, { recursive: true });
      const file = join(
        schedule.dir,
        `${scheduledPrefix}${new Date().toISOString().replace(/[:.]/g, '-')}.db`,
      );
      const outcome = await runBackupProcess(dataDir, file);
      if (outcome.code !== 0) {
        logger.error('scheduled backup failed', { file, stderr: outcome.stderr.trim() });
        return;
      }
      const removed = pruneScheduledBackups(schedule.dir, schedule.keep);
      logger.info('scheduled backup taken', { file, removed });
    } catch (error) {
      logger.error('scheduled backup failed', { error: String(error) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), schedule.every_seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

const scheduledPrefix = 'sluice-';

function runBackupProcess(dataDir: string, file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const cli = fileURLToPath(new URL('./backup-cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli, 'backup', '--to', file, '--data-dir', dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stderr }));
  });
}

/** Deletes the oldest `sluice-*.db` backups (and their `.sha256`) beyond the newest `keep`. */
export function pruneScheduledBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir)
    .filter((name) => name.startsWith(scheduledPrefix) && name.endsWith('.db'))
    .sort();
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of removed) {
    rmSync(join(dir, name), { force: true });
    rmSync(join(dir, `${name}.sha256`), { force: true });
  }
  return removed;
}

/** The backups recorded in a data dir's `backups.json`, newest last (none when it is absent). */
export function readBackupRecords(dataDir: string): BackupRecord[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, backupLogFile), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { backups?: unknown };
    return Array.isArray(parsed.backups) ? (parsed.backups as BackupRecord[]) : [];
  } catch {
    return [];
  }
}

function appendBackupRecord(dataDir: string, record: BackupRecord): void {
  const backups = [...readBackupRecords(dataDir), record].slice(-historyLength);
  const path = join(dataDir, backupLogFile);
  // Written whole and renamed, so a reader never sees half a file.
  writeFileSync(`${path}.tmp-${process.pid}`, `${JSON.stringify({ backups }, null, 2)}\n`);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

function checkIntegrity(path: string): void {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Array<Record<string, unknown>>;
    const result = rows.map((row) => String(Object.values(row)[0])).join('; ');
    if (result !== 'ok') throw new BackupError(`${path} fails SQLite's integrity check: ${result}`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${path} is not a readable SQLite database: ${(error as Error).message}`);
  } finally {
    if (db.isOpen) db.close();
  }
}

/** The ledger audit of a database file, opened as the server opens it (writes on this thread). */
async function auditFile(path: string): Promise<AuditReport> {
  const store = new SqliteStore(path, { writer: 'inline', readCacheItems: 0 });
  try {
    return await auditLedger(store, Date.now(), 1);
  } finally {
    await store.close();
  }
}

/** Read in chunks: a database may be larger than one Buffer. */
function sha256Of(path: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk))
      hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A backup or restore refused, with a message meant for the person running it. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
