import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { call, repoRoot, signUp, type ApiUser } from './server-process.ts';

export interface TestMerchant {
  owner: ApiUser;
  merchantId: string;
  /** A secret key of the merchant (`sk_test_…`). */
  key: string;
}

/**
 * A new user, a merchant they own and a secret key for it, through the public API of a running
 * server: what the SDK and CLI tests start from.
 *
 * @example
 * const { key, merchantId } = await newMerchant(server.url, { rateLimitPerMinute: 100_000 });
 */
export async function newMerchant(
  base: string,
  options: { name?: string; rateLimitPerMinute?: number } = {},
): Promise<TestMerchant> {
  const owner = await signUp(base, { name: 'dev' });
  const merchant = await call(base, 'POST', '/v1/merchants', {
    token: owner.token,
    body: { name: options.name ?? 'Dev Shop' },
  });
  if (merchant.status !== 201) throw new Error(`merchant: ${merchant.status} ${merchant.text}`);
  const key = await newKey(base, owner, merchant.json.id, options.rateLimitPerMinute);
  return { owner, merchantId: merchant.json.id, key };
}

export async function newKey(
  base: string,
  owner: ApiUser,
  merchantId: string,
  rateLimitPerMinute?: number,
): Promise<string> {
  const created = await call(base, 'POST', `/v1/merchants/${merchantId}/api-keys`, {
    token: owner.token,
    body: rateLimitPerMinute === undefined ? {} : { rate_limit_per_minute: rateLimitPerMinute },
  });
  if (created.status !== 201) throw new Error(`api key: ${created.status} ${created.text}`);
  return created.json.secret as string;
}

/** What a fault proxy does with one request: pass it on, or answer/drop it itself. */
export type ProxyFault =
  | { kind: 'pass' }
  /** Forward, let the server answer (and commit), then cut the client's connection: the answer is lost. */
  | { kind: 'drop-response' }
  /** Answer this instead of forwarding: the server never sees the request. */
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body: unknown };

export interface FaultProxy {
  url: string;
  /** Every request that reached the proxy: method, path, its Idempotency-Key, and whether the server got it. */
  seen: { method: string; path: string; idempotencyKey: string | undefined; forwarded: boolean }[];
  close(): Promise<void>;
}

/**
 * A real HTTP proxy in front of a real server that injects faults chosen per request by
 * `decide`: it can lose the server's answer after the server committed (what a network failure
 * on the way back looks like), or answer by itself (a 409/503 the test needs at a given moment).
 */
export async function startFaultProxy(
  upstream: string,
  decide: (method: string, path: string, index: number) => ProxyFault,
): Promise<FaultProxy> {
  const target = new URL(upstream);
  const seen: FaultProxy['seen'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = decide(req.method ?? 'GET', req.url ?? '/', seen.length);
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    seen.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      idempotencyKey,
      forwarded: fault.kind !== 'answer',
    });
    if (fault.kind === 'answer') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body));
      return;
    }
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          if (fault.kind === 'drop-response') {
            // The server has answered, so it has committed: the client never hears it.
            req.socket.destroy();
            return;
          }
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `sluice` CLI process: its stdout lines as they come, and how it ended. */
export interface CliProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line `match` accepts (JSON-parsed when it is JSON). */
  waitFor<T = unknown>(match: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGINT, as ^C, and the exit. */
  interrupt(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export const cliBin = join(repoRoot, 'packages/cli/bin/sluice.js');

/**
 * Runs the `sluice` bin (the file npm links) with this Node, in a config dir of the test's own,
 * and watches its output. For commands that finish, `await cli.exited`; for `listen` and
 * `logs tail`, `waitFor` lines and `interrupt()`.
 */
export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const parts = stdout.split('\n');
    lines.splice(0, lines.length, ...parts.filter((line) => line !== ''));
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return line;
    }
  };
  return {
    child,
    lines,
    exited,
    waitFor<T>(match: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = lines.map(parse).find((value) => match(value as T));
          if (found === undefined) return;
          cleanup();
          resolve(found as T);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching line within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          cleanup();
          reject(new Error(`the CLI exited\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        });
        check();
      });
    },
    async interrupt() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGINT');
      return exited;
    },
  };
}

/**
 * The fenced code blocks of one `## heading` section of a README, in order, with their language:
 * what the quick-start tests run, so the README cannot drift from what works.
 */
export async function readmeBlocks(
  readmePath: string,
  heading: string,
): Promise<{ lang: string; code: string }[]> {
  const text = await readFile(join(repoRoot, readmePath), 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${readmePath} has no "## ${heading}" section`);
  const rest = text.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
    lang: match[1] ?? '',
    code: match[2] ?? '',
  }));
}
