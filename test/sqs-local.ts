import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalService, type LocalService } from './local-service.ts';

/** Credentials the local SQS accepts; it never checks them, but the SDK insists on some. */
export const sqsLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export type SqsLocal = LocalService;

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
export function startSqsLocal(): Promise<SqsLocal> {
  return startLocalService({
    name: 'the local SQS (fauxqs)',
    // process.execPath: the Node that runs the tests (the project's Node 24), never a PATH lookup.
    spawn: (port) =>
      spawn(process.execPath, ['--input-type=module', '--eval', launcher], {
        // From the repository root, where `import('fauxqs')` resolves.
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, SQS_LOCAL_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    group: false,
    probe: async (endpoint) => {
      const client = new SQSClient({ ...sqsLocalClientConfig, endpoint, maxAttempts: 1 });
      try {
        await client.send(new ListQueuesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
      } finally {
        client.destroy();
      }
    },
    startTimeoutMs: 20_000,
    stopGraceMs: 2_000,
    pollMs: 100,
  });
}
