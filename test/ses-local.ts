import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLocalService, type LocalService } from './local-service.ts';

/** Credentials the local SES accepts; it checks only that a request is signed at all. */
export const sesLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** One email as the local SES keeps it (`GET /store`), trimmed to what tests read. */
export interface SesLocalEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Epoch seconds. */
  at: number;
}

export interface SesLocal extends LocalService {
  /** Every email it accepted since it started or was last cleared, oldest first. */
  emails(): Promise<SesLocalEmail[]>;
  /** Forgets every email (between tests sharing one server). */
  clear(): Promise<void>;
}

/**
 * What the child runs: aws-ses-v2-local (an SES v1/v2 emulator on npm, pure Node, in-memory)
 * listening on 127.0.0.1 only; its CLI binds every interface, hence this launcher.
 * `SMTP_TRANSPORT` is emptied so no email is ever forwarded to a real mail server.
 */
const launcher = `
  const module = await import('aws-ses-v2-local');
  const start = module.default.default ?? module.default;
  const server = await start({ host: '127.0.0.1', port: Number(process.env.SES_LOCAL_PORT) });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * Starts an in-memory SES (aws-ses-v2-local) in a child Node process on a free port and resolves
 * once its health check answers. The SDK's `SESv2Client` sends to it unchanged (REST JSON,
 * `POST /v2/email/outbound-emails`); it keeps what it accepted for `emails()`.
 *
 * What it does not do like SES: it checks no signature, sender identity or address (any string
 * is a recipient), and its errors are a 400 with a JSON `message` but no error type, which the
 * SDK cannot turn into `BadRequestException`. Refusals stay a matter for mocks.
 *
 * @example
 * const ses = await startSesLocal();
 * const client = new SESv2Client({ ...sesLocalClientConfig, endpoint: ses.endpoint });
 * // … send, then: expect(await ses.emails()).toHaveLength(1);
 * await ses.stop();
 */
export async function startSesLocal(): Promise<SesLocal> {
  const service = await startLocalService({
    name: 'the local SES (aws-ses-v2-local)',
    // process.execPath: the Node that runs the tests (the project's Node 24), never a PATH lookup.
    spawn: (port) =>
      spawn(process.execPath, ['--input-type=module', '--eval', launcher], {
        // From the repository root, where `import('aws-ses-v2-local')` resolves.
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, SES_LOCAL_PORT: String(port), SMTP_TRANSPORT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    group: false,
    probe: async (endpoint) => {
      const response = await fetch(`${endpoint}/health-check`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`health check answered ${response.status}`);
    },
    startTimeoutMs: 20_000,
    stopGraceMs: 2_000,
    pollMs: 100,
  });
  const call = async (method: 'GET' | 'POST', path: string): Promise<unknown> => {
    const response = await fetch(`${service.endpoint}${path}`, {
      method,
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`the local SES answered ${response.status} to ${method} ${path}`);
    return response.json();
  };
  return {
    ...service,
    emails: async () => ((await call('GET', '/store')) as { emails: SesLocalEmail[] }).emails,
    clear: async () => {
      await call('POST', '/clear-store');
    },
  };
}
