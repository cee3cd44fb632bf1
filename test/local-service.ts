import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A local stand-in for a cloud service, run as a child process on a free port. */
export interface LocalService {
  endpoint: string;
  /** Stops it (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface LocalServiceSpec {
  /** For error messages: "DynamoDB Local (java from PATH)". */
  name: string;
  /** Starts the child listening on 127.0.0.1:`port`. */
  spawn(port: number): ChildProcess;
  /** Signal the child's whole process group (a detached child that may start others), not just its pid. */
  group: boolean;
  /** One request that succeeds once the service answers (abort it after a couple of seconds). */
  probe(endpoint: string): Promise<void>;
  startTimeoutMs: number;
  stopGraceMs: number;
  pollMs: number;
}

/**
 * Starts a local service on a free port and resolves once `probe` succeeds. The child is ours
 * alone: stopped by its pid (or process group), with SIGKILL after the grace period, and killed
 * if this process exits without stopping it. A child that exits early (another process took the
 * port first) is started again, at most three times.
 *
 * @example
 * const sqs = await startLocalService({ name: 'fauxqs', spawn: (port) => …, group: false, probe: …, startTimeoutMs: 20_000, stopGraceMs: 2_000, pollMs: 100 });
 */
export async function startLocalService(spec: LocalServiceSpec): Promise<LocalService> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec);
    } catch (error) {
      if (!(error instanceof ExitedEarlyError) || attempt === 3) throw error;
    }
  }
}

class ExitedEarlyError extends Error {}

async function startOnce(spec: LocalServiceSpec): Promise<LocalService> {
  const port = await findFreePort();
  const child = spec.spawn(port);
  // Kept for the error message until it answers; read (and dropped) afterwards so a full pipe
  // never blocks the child.
  let output: string[] | undefined = [];
  child.stdout?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort if this process ends without calling stop(). 'exit' handlers must be synchronous.
  const killOnExit = () => signal(child, 'SIGKILL', spec.group);
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, exited, spec);
    process.off('exit', killOnExit);
  };
  try {
    await waitUntilAnswering(endpoint, child, () => spawnError, spec);
  } catch (error) {
    await stop();
    const log = (output ?? []).join('').trim();
    const message = `${spec.name} did not start on ${endpoint}: ${(error as Error).message}${log ? `\n--- its output ---\n${log}` : ''}`;
    throw error instanceof ExitedEarlyError
      ? new ExitedEarlyError(message, { cause: error })
      : new Error(message, { cause: error });
  }
  output = undefined;
  return { endpoint, stop };
}

/** Binds port 0 so the OS picks a free port, then releases it for the child to take. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
  spec: LocalServiceSpec,
): Promise<void> {
  const deadline = Date.now() + spec.startTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw error;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ExitedEarlyError(
        `the process exited early (code ${child.exitCode}, signal ${child.signalCode})`,
      );
    }
    try {
      await spec.probe(endpoint);
      return;
    } catch (caught) {
      lastError = caught;
      await sleep(spec.pollMs);
    }
  }
  throw new Error(`no answer within ${spec.startTimeoutMs / 1000} s (last error: ${String(lastError)})`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>, spec: LocalServiceSpec): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    signal(child, 'SIGTERM', spec.group);
    const grace = sleep(spec.stopGraceMs, undefined, { ref: false }).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), grace])) === 'timeout') {
      signal(child, 'SIGKILL', spec.group);
      await exited;
    }
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/** Signals our own child by its pid, or the process group a detached child leads. */
function signal(child: ChildProcess, name: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(group ? -child.pid : child.pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
