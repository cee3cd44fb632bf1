import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
  dirs.push(dir);
  return dir;
}

/** A real other process: `node -e` waiting until killed. */
function otherProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

describe('lockDataDir', () => {
  it('claims a free dir with this pid and frees it on release', () => {
    const dir = dataDir();
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, 'sluice.lock'))).toBe(false);
  });

  it('refuses a dir another running process holds, and leaves its lock alone', async () => {
    const dir = dataDir();
    const other = otherProcess();
    try {
      writeFileSync(join(dir, 'sluice.lock'), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${other.pid}`));
      expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).toBe(String(other.pid));
    } finally {
      await other.stop();
    }
  });

  it('takes over a lock whose process has ended, or that holds no pid', async () => {
    const dir = dataDir();
    const ended = otherProcess();
    await ended.stop();
    writeFileSync(join(dir, 'sluice.lock'), String(ended.pid));
    lockDataDir(dir)();
    writeFileSync(join(dir, 'sluice.lock'), 'garbage');
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('shares the lock within this process until its last holder releases it, and never removes one it does not own', () => {
    const dir = dataDir();
    const first = lockDataDir(dir);
    const second = lockDataDir(dir);
    second();
    second();
    expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).toBe(String(process.pid));
    first();
    expect(existsSync(join(dir, 'sluice.lock'))).toBe(false);
    const third = lockDataDir(dir);
    writeFileSync(join(dir, 'sluice.lock'), '1');
    third(); // pid 1 holds it now: not ours to remove
    expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).toBe('1');
  });
});
