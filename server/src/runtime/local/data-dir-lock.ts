import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Claims a data dir for this process: `sluice.lock` holds the owner's pid. The local runtime
 * keeps state only one process can own (the SQLite read cache, in-memory rate limits, the
 * outbox and queue workers), so a second server on the same dir is refused with a clear error
 * instead of quietly serving stale reads. A lock left by a process that no longer runs is taken
 * over; one held by this process (a platform reopened in the same process) is shared.
 *
 * @example const release = lockDataDir('.sluice'); … release();
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'sluice.lock');
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      return holdFor(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner === mine) return holdFor(path, mine);
    if (owner !== undefined && isRunning(Number(owner))) {
      throw new DataDirInUseError(
        `the data dir ${dir} is in use by process ${owner}: stop that server, or give this one another --data-dir (delete ${path} if that process is not a Sluice server)`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new DataDirInUseError(
    `could not claim the data dir ${dir}: another process claimed it at the same time`,
  );
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

function readOwner(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Holders in this process, by lock path: the file goes when the last one releases. */
const holders = new Map<string, number>();

function holdFor(path: string, mine: string): () => void {
  holders.set(path, (holders.get(path) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (holders.get(path) ?? 1) - 1;
    if (left > 0) return void holders.set(path, left);
    holders.delete(path);
    if (readOwner(path) === mine) rmSync(path, { force: true });
  };
}
