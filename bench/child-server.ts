import { spawn } from 'node:child_process';
import { freePort, repoRoot } from '../test/server-process.ts';
import type { LoadTarget } from './load.ts';

/**
 * A server the bench drives, in a child process on a free port, so it has a core of its own like
 * the Sluice server: started with `script` and `args` (the port is `{port}` in them or `PORT` in
 * its environment), up once `isReady` says so, stopped with SIGTERM (SIGKILL after 5 s).
 */
export async function startChildServer(options: {
  name: string;
  script: string;
  args?: (port: number) => string[];
  env?: Record<string, string>;
  isReady: (output: string, url: string) => boolean | Promise<boolean>;
}): Promise<LoadTarget & { stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [options.script, ...(options.args?.(port) ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(await options.isReady(output, url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
