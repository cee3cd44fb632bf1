import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  freePort,
  makeTempDir,
  removeDir,
  repoRoot,
  startServer,
  type ServerProcess,
} from '../../../../test/server-process.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { demoEmails } from './seed.ts';

const mainScript = 'server/src/runtime/local/main.ts';
const readyLine = /Sluice is running on (http:\/\/\S+)/;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('sluice-main-');
  cleanups.push(() => removeDir(dir));
  return dir;
}

/** `npm start`'s entry point as a child, seeding as a first start does; its output kept. */
function startMain(args: string[]) {
  const child = spawn(process.execPath, [mainScript, '--no-build', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves once the ready line is out, or once the process has exited. */
  const settled = new Promise<'ready' | 'exited'>((resolve) => {
    child.stdout.on('data', () => readyLine.test(stdout) && resolve('ready'));
    void exited.then(() => resolve('exited'));
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, exited, settled, output: () => ({ stdout, stderr }) };
}

async function occupiedPort(): Promise<{ port: number; blocker: Server }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  return { port: address.port, blocker };
}

/** The state letter of a process in /proc (`Z` for a zombie), or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

describe('npm start (local main)', () => {
  it('binds its port before seeding: a start on a taken port seeds nothing and frees the data dir', async () => {
    const dataDir = await tempDir();
    const { port } = await occupiedPort();
    const failed = startMain(['--port', String(port), '--data-dir', dataDir]);
    expect(await failed.settled).toBe('exited');
    expect(await failed.exited).not.toBe(0);
    expect(failed.output().stderr).toContain(`Sluice cannot start: port ${port}`);
    // The data dir is free again: this process can claim it.
    lockDataDir(dataDir)();

    const started = startMain(['--port', String(await freePort()), '--data-dir', dataDir]);
    expect(await started.settled, started.output().stderr).toBe('ready');
    const { stdout } = started.output();
    expect(stdout).toContain('Demo users (passwords are shown this once');
    const password = new RegExp(`${demoEmails.alice}\\s+(demo-\\S+)`).exec(stdout)?.[1];
    expect(password).toBeDefined();
    const base = readyLine.exec(stdout)![1]!;
    const login = await call(base, 'POST', '/v1/auth/login', {
      body: { email: demoEmails.alice, password },
    });
    expect(login.status).toBe(200);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });

  it('frees the data dir with the process: a SIGKILLed server still a zombie holds nothing', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    // A parent that never reaps its child (sh execs into sleep): the killed server stays a
    // zombie, and kill(pid, 0) still finds it.
    const parent: ChildProcess = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" ${mainScript} --no-build --no-seed --port ${port} --data-dir "${dataDir}" & echo "pid:$!"; exec sleep 600`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => void parent.kill('SIGKILL'));
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      parent.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (readyLine.test(stdout)) resolve();
      });
      parent.once('exit', () => reject(new Error(`the server did not start: ${stdout}`)));
    });
    const pid = Number(/pid:(\d+)/.exec(stdout)![1]);
    process.kill(pid, 'SIGKILL');
    while (processState(pid) !== 'Z') await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => process.kill(pid, 0)).not.toThrow();

    let second: ServerProcess | undefined;
    try {
      second = await startServer({ dataDir });
      expect((await call(second.url, 'GET', '/health')).status).toBe(200);
    } finally {
      await second?.kill();
    }
  });
});
