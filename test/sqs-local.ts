import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

/** Credentials the local SQS accepts; it never checks them, but the SDK insists on some. */
export const sqsLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface SqsLocal {
  endpoint: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  stop(): Promise<void>;
}

const startTimeoutMs = 20_000;
const stopGraceMs = 2_000;

/**
 * What the child runs: fauxqs (an SQS emulator on npm, pure Node, in-memory) listening on
 * 127.0.0.1 only. Its own CLI binds every interface, hence this launcher. Queue URLs come out as
 * `http://127.0.0.1:<port>/000000000000/<name>`.
 */
const launcher = `
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  await app.listen({ port: Number(process.env.SQS_LOCAL_PORT), host: '127.0.0.1' });
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

/**
 * Starts an in-memory SQS (fauxqs) in a child Node process on a free port and resolves once it
 * answers `ListQueues`. Wire-compatible with the SDK's SQS client (JSON protocol): delays,
 * visibility timeouts, `ChangeMessageVisibility`, receive counts and redrive policies (DLQs).
 *
 * @example
 * const sqs = await startSqsLocal();
 * const client = new SQSClient({ ...sqsLocalClientConfig, endpoint: sqs.endpoint });
 * // …
 * await sqs.stop();
 */
export async function startSqsLocal(): Promise<SqsLocal> {
  // Another process can take the free port before the child binds it; that shows as an early exit.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (!(error instanceof ExitedEarlyError) || attempt === 3) throw error;
    }
  }
}

class ExitedEarlyError extends Error {}

async function startOnce(): Promise<SqsLocal> {
  const port = await findFreePort();
  // process.execPath: the Node that runs the tests (the project's Node 24), never a PATH lookup.
  const child = spawn(process.execPath, ['--input-type=module', '--eval', launcher], {
    // From the repository root, where `import('fauxqs')` resolves.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, SQS_LOCAL_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output: string[] | undefined = [];
  child.stdout?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output?.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort if this process ends without calling stop(). 'exit' handlers must be synchronous.
  const killOnExit = () => signal(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, exited);
    process.off('exit', killOnExit);
  };
  try {
    await waitUntilAnswering(endpoint, child);
  } catch (error) {
    await stop();
    const log = (output ?? []).join('').trim();
    const message = `the local SQS (fauxqs) did not start on ${endpoint}: ${(error as Error).message}${log ? `\n--- its output ---\n${log}` : ''}`;
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

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const client = new SQSClient({ ...sqsLocalClientConfig, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new ExitedEarlyError(
          `the process exited early (code ${child.exitCode}, signal ${child.signalCode})`,
        );
      }
      try {
        await client.send(new ListQueuesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (caught) {
        lastError = caught;
        await sleep(100);
      }
    }
    throw new Error(`no answer within ${startTimeoutMs / 1000} s (last error: ${String(lastError)})`);
  } finally {
    client.destroy();
  }
}

/** Signals our own child by its pid, SIGKILL after a grace period. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    signal(child, 'SIGTERM');
    const grace = sleep(stopGraceMs, undefined, { ref: false }).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), grace])) === 'timeout') {
      signal(child, 'SIGKILL');
      await exited;
    }
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
