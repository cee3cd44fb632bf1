import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The repository root: the server's entry point is resolved from here, whatever the cwd. */
export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const mainScript = 'server/src/runtime/local/main.ts';
const readyLine = /Sluice is running on (http:\/\/\S+)/;
/** How much of the child's stdout and stderr is kept in memory for diagnostics. */
const tailBytes = 64 * 1024;

export interface StartServerOptions {
  /** The data dir; a fresh temp dir (removed by `kill`) when omitted. */
  dataDir?: string;
  /** Defaults to a free port picked just before the start. */
  port?: number;
  /** Emails that become admins at sign-up (SLUICE_ADMIN_EMAILS). */
  adminEmails?: string[];
  /** The sign-up bonus in minor units (SLUICE_SIGNUP_BONUS). */
  signupBonus?: number;
  /** Whether new users must verify their email (SLUICE_REQUIRE_EMAIL_VERIFICATION); default false here. */
  requireEmailVerification?: boolean;
  /** More environment on top of the parent's. */
  env?: Record<string, string>;
  /** Extra flags for node itself, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/x']`. */
  nodeArgs?: string[];
  /**
   * Send the child's stdout straight to this file instead of through a pipe to this process:
   * the server logs JSON lines and a load test should not pay to read them.
   */
  stdoutFile?: string;
  /** How long to wait for the ready line; default 20 s. */
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last bytes of stdout (or of `stdoutFile`) and stderr, for failure messages. */
  output(): { stdout: string; stderr: string };
  /**
   * Sends `signal` (default SIGTERM) to the process by pid and returns once it has exited;
   * SIGKILL after `graceMs` (default 5 s). Idempotent.
   */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Kills the process (SIGKILL) and removes the data dir if this helper created it. */
  dispose(): Promise<void>;
}

/** A port free right now: bind port 0 on the loopback address, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('no port assigned'))));
    });
  });
}

export async function makeTempDir(prefix = 'sluice-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

class Tail {
  #text = '';
  push(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > tailBytes * 2) this.#text = this.#text.slice(-tailBytes);
  }
  get text(): string {
    return this.#text.slice(-tailBytes);
  }
}

/**
 * Starts the real server (`node server/src/runtime/local/main.ts --no-seed`) as a child process
 * with the same Node as this process, and waits for its "Sluice is running on" line. Throws with
 * the child's stderr when it exits first or does not get ready in time. Retries once on another
 * port when the picked one was taken in between.
 */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir());
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await startOnce({ ...options, port, dataDir }, ownDir);
      } catch (error) {
        const inUse = error instanceof Error && /EADDRINUSE/.test(error.message);
        if (!inUse || options.port !== undefined || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    if (ownDir) await removeDir(dataDir);
    throw error;
  }
}

async function startOnce(
  options: StartServerOptions & { port: number; dataDir: string },
  ownDir: boolean,
): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.adminEmails) env.SLUICE_ADMIN_EMAILS = options.adminEmails.join(',');
  if (options.signupBonus !== undefined) env.SLUICE_SIGNUP_BONUS = String(options.signupBonus);
  // Users sign up verified unless a test asks for verification: most move money right away.
  if (options.requireEmailVerification !== undefined)
    env.SLUICE_REQUIRE_EMAIL_VERIFICATION = String(options.requireEmailVerification);
  else env.SLUICE_REQUIRE_EMAIL_VERIFICATION ??= 'false';

  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'a') : undefined;
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [
        ...(options.nodeArgs ?? []),
        mainScript,
        '--port',
        String(options.port),
        '--data-dir',
        options.dataDir,
        '--no-seed',
        '--no-build',
      ],
      { cwd: repoRoot, env, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] },
    );
  } finally {
    // The child holds its own copy of the descriptor.
    if (stdoutFd !== undefined) closeSync(stdoutFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${process.execPath}`);

  const stdout = new Tail();
  const stderr = new Tail();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
    });
  });

  const readStdout = () => {
    if (!options.stdoutFile) return stdout.text;
    try {
      return readFileSync(options.stdoutFile, 'utf8').slice(-tailBytes);
    } catch {
      return '';
    }
  };
  const output = () => ({ stdout: readStdout(), stderr: stderr.text });

  const kill = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) => {
    if (exitInfo) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout' && !exitInfo) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    }
  };

  const server: ServerProcess = {
    url: `http://127.0.0.1:${options.port}`,
    port: options.port,
    pid,
    dataDir: options.dataDir,
    child,
    exited,
    output,
    kill,
    async dispose() {
      await kill('SIGKILL');
      if (ownDir) await removeDir(options.dataDir);
    },
  };

  // Wait for the ready line: from the pipe, or by polling the log file.
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const ready = await new Promise<'ready' | 'exited' | 'timeout'>((resolveReady) => {
    let settled = false;
    const finish = (outcome: 'ready' | 'exited' | 'timeout') => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearInterval(poll);
      child.stdout?.off('data', onData);
      resolveReady(outcome);
    };
    const onData = () => {
      if (readyLine.test(stdout.text)) finish('ready');
    };
    const timeout = setTimeout(() => finish('timeout'), timeoutMs);
    const poll = setInterval(() => {
      if (options.stdoutFile && readyLine.test(readStdout())) finish('ready');
    }, 50);
    child.stdout?.on('data', onData);
    void exited.then(() => finish('exited'));
  });
  if (ready !== 'ready') {
    await kill('SIGKILL');
    const { stdout: out, stderr: err } = output();
    const why =
      ready === 'exited'
        ? `exited (${exitInfo?.code ?? exitInfo?.signal})`
        : `was not ready after ${timeoutMs} ms`;
    throw new Error(
      `server on port ${options.port} ${why}\n--- stderr ---\n${err.slice(-4000)}\n--- stdout ---\n${out.slice(-2000)}`,
    );
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Tiny HTTP helpers for tests and the bench.

export interface ApiResponse {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface ApiUser {
  id: string;
  email: string;
  token: string;
  refresh_token: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

let userSequence = 0;

/** Signs a new user up; `email` defaults to a unique address. Throws unless 201. */
export async function signUp(
  base: string,
  options: { name?: string; email?: string; password?: string } = {},
): Promise<ApiUser> {
  userSequence += 1;
  const name = options.name ?? 'user';
  const email =
    options.email ??
    `${name}${userSequence}-${process.pid}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const response = await call(base, 'POST', '/v1/auth/signup', {
    body: { email, password: options.password ?? 'correct horse battery staple', name },
  });
  if (response.status !== 201)
    throw new Error(`sign-up of ${email} failed: ${response.status} ${response.text}`);
  return {
    id: response.json.user.id,
    email,
    token: response.json.access_token,
    refresh_token: response.json.refresh_token,
  };
}

/** Signs `count` users up with at most `concurrency` sign-ups in flight (scrypt is slow). */
export async function signUpMany(
  base: string,
  count: number,
  options: { concurrency?: number; name?: string } = {},
): Promise<ApiUser[]> {
  const users = new Array<ApiUser>(count);
  await mapLimit(count, options.concurrency ?? 8, async (index) => {
    users[index] = await signUp(base, { name: `${options.name ?? 'user'}${index}` });
  });
  return users;
}

/** Runs `task(0..count-1)` with at most `limit` running at once; rejects on the first failure. */
export async function mapLimit(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

export function transfer(
  base: string,
  token: string,
  input: { to: string; amount: number; currency?: string; note?: string },
  headers?: Record<string, string>,
): Promise<ApiResponse> {
  return call(base, 'POST', '/v1/transfers', {
    token,
    body: { currency: 'USD', ...input },
    ...(headers ? { headers } : {}),
  });
}

export async function getTransfer(base: string, token: string, id: string): Promise<ApiResponse> {
  return call(base, 'GET', `/v1/transfers/${encodeURIComponent(id)}`, { token });
}

/** A transfer the server answered 201 for: who sent it, and how much. */
export interface AcknowledgedTransfer {
  id: string;
  sender: ApiUser;
  amount: number;
}

/** Expects every one of `transfers` on the server at `base`, as acknowledged (16 reads at a time). */
export async function expectTransfersPresent(
  base: string,
  transfers: readonly AcknowledgedTransfer[],
): Promise<void> {
  await mapLimit(transfers.length, 16, async (i) => {
    const { id, sender, amount } = transfers[i]!;
    const response = await getTransfer(base, sender.token, id);
    expect(response.status, `${id}: ${response.text}`).toBe(200);
    expect(response.json.amount).toBe(amount);
    expect(response.json.from).toBe(sender.id);
  });
}

/** The USD wallet balance `{available, pending, posted}`; throws unless 200. */
export async function wallet(
  base: string,
  token: string,
): Promise<{ currency: string; available: number; pending: number; posted: number }> {
  const response = await call(base, 'GET', '/v1/wallet', { token });
  if (response.status !== 200) throw new Error(`GET /v1/wallet: ${response.status} ${response.text}`);
  const usd = (
    response.json.balances as Array<{ currency: string; available: number; pending: number; posted: number }>
  ).find((b) => b.currency === 'USD');
  if (!usd) throw new Error(`no USD balance: ${response.text}`);
  return usd;
}

export interface WalletTransfer {
  id: string;
  from: string;
  to: string;
  amount: number;
  currency: string;
  note: string | null;
  status: string;
  created_at: string;
}

/** Every wallet transfer of the user, following `next_cursor` (100 a page). */
export async function listAllTransfers(base: string, token: string): Promise<WalletTransfer[]> {
  const all: WalletTransfer[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const query: string = `/v1/transfers?limit=100${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ''}`;
    const response = await call(base, 'GET', query, { token });
    if (response.status !== 200) throw new Error(`GET ${query}: ${response.status} ${response.text}`);
    all.push(...(response.json.data as WalletTransfer[]));
    if (!response.json.has_more) return all;
    cursor = response.json.next_cursor as string;
  }
  throw new Error('too many pages');
}

export interface AuditReport {
  balanced: boolean;
  currencies: Array<{
    currency: string;
    accounts: number;
    debits_posted: number;
    credits_posted: number;
    debits_pending: number;
    credits_pending: number;
    balanced: boolean;
    overdrawn_accounts: string[];
  }>;
  checked_at: string;
}

/** GET /v1/admin/audit with an admin's token; throws unless 200. */
export async function audit(base: string, adminToken: string): Promise<AuditReport> {
  const response = await call(base, 'GET', '/v1/admin/audit', { token: adminToken, timeoutMs: 120_000 });
  if (response.status !== 200) throw new Error(`GET /v1/admin/audit: ${response.status} ${response.text}`);
  return response.json as AuditReport;
}
