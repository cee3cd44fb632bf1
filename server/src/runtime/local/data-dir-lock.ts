import { closeSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Claims a data dir for this process. The local runtime keeps state only one process can own
 * (the SQLite read cache, in-memory rate limits, the outbox and queue workers), so a second
 * server on the same dir is refused with a clear error instead of quietly serving stale reads.
 *
 * The claim is an exclusive SQLite lock on `sluice.lock` (a tiny database opened with
 * `locking_mode=EXCLUSIVE` and a write transaction held open), not a pid in a file: the kernel
 * drops the lock with the process however it ends, SIGKILL included, and a process killed but
 * not yet reaped (a zombie, which `kill(pid, 0)` still finds) holds nothing. The file stays; it
 * is never deleted, since a process could be opening it at that moment and lock an orphan. A
 * platform reopened in the same process shares the claim. Nothing else in the process may open
 * the file while it is held: closing any descriptor of a file drops the process's POSIX locks.
 *
 * @example const release = lockDataDir('.sluice'); … release();
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'sluice.lock');
  const held = holders.get(path);
  if (held) {
    held.count += 1;
    return releaser(path, held);
  }
  // Before this lock was SQLite, `sluice.lock` held a pid as text: such a file is replaced.
  if (!isSqliteFileOrAbsent(path)) rmSync(path, { force: true });
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (!/locked|busy/i.test(String((error as Error).message))) throw error;
    const owner = readPid(join(dir, pidFile));
    throw new DataDirInUseError(
      `the data dir ${dir} is in use by ${owner ? `process ${owner}` : 'another Sluice server'}: stop that server, or give this one another --data-dir`,
    );
  }
  // For the message above only (the lock is the SQLite one): which process holds the dir.
  writeFileSync(join(dir, pidFile), String(process.pid));
  const claim = { db, count: 1, pidPath: join(dir, pidFile) };
  holders.set(path, claim);
  return releaser(path, claim);
}

/** Whether `path` is missing, empty, or starts with SQLite's header. */
function isSqliteFileOrAbsent(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    return read === 0 || header.toString('latin1', 0, read) === 'SQLite format 3\0'.slice(0, read);
  } finally {
    closeSync(fd);
  }
}

const pidFile = 'sluice.pid';

function readPid(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

interface Claim {
  db: DatabaseSync;
  count: number;
  pidPath: string;
}

/** Claims held by this process, by lock path: the lock goes when the last holder releases. */
const holders = new Map<string, Claim>();

function releaser(path: string, claim: Claim): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    claim.count -= 1;
    if (claim.count > 0) return;
    holders.delete(path);
    if (readPid(claim.pidPath) === String(process.pid)) rmSync(claim.pidPath, { force: true });
    // Closing the connection ends the transaction and drops the lock.
    claim.db.close();
  };
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}
