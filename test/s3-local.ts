import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalService, type LocalService } from './local-service.ts';

/**
 * Client settings for the local S3. s3rver knows one key pair, `S3RVER`/`S3RVER`, and refuses
 * any other access key id. Path-style URLs, because `<bucket>.127.0.0.1` resolves nowhere.
 */
export const s3LocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  forcePathStyle: true,
} as const;

export type S3Local = LocalService;

/**
 * What the child runs: s3rver (an S3 emulator on npm, pure Node, objects kept as files in a
 * directory) listening on 127.0.0.1 only, with the given buckets already created. Its CLI cannot
 * create buckets from a list and logs every request, hence this launcher.
 */
const launcher = `
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: Number(process.env.S3_LOCAL_PORT),
    directory: process.env.S3_LOCAL_DIR,
    configureBuckets: JSON.parse(process.env.S3_LOCAL_BUCKETS).map((name) => ({ name })),
    silent: true,
  });
  await server.run();
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/**
 * Starts an S3 (s3rver) in a child Node process on a free port, with `buckets` created and its
 * objects in a fresh temporary directory that `stop()` removes. Resolves once it answers HTTP.
 *
 * What it checks of a SigV4 presigned URL, and what it does not (s3rver 3.7):
 * - it checks the algorithm, that the access key id is `S3RVER`, and the expiry
 *   (`X-Amz-Date` + `X-Amz-Expires` against its own clock: 403 `AccessDenied`, "Request has
 *   expired");
 * - it does NOT compute SigV4 signatures ("Signature version 4 calculation is unimplemented" in
 *   its source): a URL with a wrong signature, or a request with another signed header value
 *   (such as the content type), is accepted. Only real S3 proves the signature.
 *
 * @example
 * const s3 = await startS3Local({ buckets: ['sluice-blobs'] });
 * const client = new S3Client({ ...s3LocalClientConfig, endpoint: s3.endpoint });
 * // …
 * await s3.stop();
 */
export async function startS3Local(options: { buckets: string[] }): Promise<S3Local> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-s3-local-'));
  let service: LocalService;
  try {
    service = await startLocalService({
      name: 'the local S3 (s3rver)',
      // process.execPath: the Node that runs the tests (the project's Node 24), never a PATH lookup.
      spawn: (port) =>
        spawn(process.execPath, ['--input-type=module', '--eval', launcher], {
          // From the repository root, where `import('s3rver')` resolves.
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: {
            ...process.env,
            S3_LOCAL_PORT: String(port),
            S3_LOCAL_DIR: directory,
            S3_LOCAL_BUCKETS: JSON.stringify(options.buckets),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      group: false,
      // Any HTTP answer will do (an anonymous ListBuckets is refused with 403). Not through an
      // S3Client: a test file that mocks S3Client with aws-sdk-client-mock would fake the probe.
      probe: async (endpoint) => {
        const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
      },
      startTimeoutMs: 20_000,
      stopGraceMs: 2_000,
      pollMs: 100,
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint: service.endpoint,
    stop: async () => {
      await service.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
