import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** A real other process that tries to claim `dir` and, when it does, keeps it until killed. */
async function otherProcess(dir: string) {
  const script = `
    import { lockDataDir } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'data-dir-lock.ts')).href)};
    try { lockDataDir(process.argv[1]); console.log('claimed'); } catch (error) { console.log(error.name); process.exit(0); }
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const outcome = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    void exited.then(() => resolve(out.trim()));
  });
  return {
    outcome,
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('lockDataDir', () => {
  it('claims a free dir, keeps other processes out, and lets them in on release', async () => {
    const dir = dataDir();
    const release = lockDataDir(dir);
    const refused = await otherProcess(dir);
    expect(refused.outcome).toBe('DataDirInUseError');
    release();
    const claimed = await otherProcess(dir);
    expect(claimed.outcome).toBe('claimed');
    await claimed.kill();
  });

  it('refuses a dir another running process holds, saying so', async () => {
    const dir = dataDir();
    const other = await otherProcess(dir);
    try {
      expect(other.outcome).toBe('claimed');
      expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`is in use by process ${other.pid}:`));
    } finally {
      await other.kill();
    }
  });

  it('is free again once its holder is killed (SIGKILL: the kernel drops the lock)', async () => {
    const dir = dataDir();
    const other = await otherProcess(dir);
    expect(other.outcome).toBe('claimed');
    await other.kill();
    lockDataDir(dir)();
  });

  it('replaces a lock file from before (a pid as text) and holds the new one', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'sluice.lock'), '1');
    const release = lockDataDir(dir);
    expect((await otherProcess(dir)).outcome).toBe('DataDirInUseError');
    release();
    // Read only once released: closing any descriptor of a file drops this process's POSIX locks on it.
    expect(readFileSync(join(dir, 'sluice.lock'), 'utf8')).not.toBe('1');
  });

  it('shares the claim within this process until its last holder releases it', async () => {
    const dir = dataDir();
    const first = lockDataDir(dir);
    const second = lockDataDir(dir);
    second();
    second();
    expect((await otherProcess(dir)).outcome).toBe('DataDirInUseError');
    first();
    const claimed = await otherProcess(dir);
    expect(claimed.outcome).toBe('claimed');
    await claimed.kill();
  });
});
