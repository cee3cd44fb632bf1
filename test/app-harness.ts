import { randomBytes } from 'node:crypto';
import { createApp, type AppDeps } from '../server/src/app/create-app.ts';
import { modules } from '../server/src/app/modules.ts';
import { moduleDepsOf } from '../server/src/app/module-deps.ts';
import { secretsOf } from '../server/src/app/registry.ts';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { withResponsesByReference } from '../server/src/http/idempotency.ts';
import { defaultConfig, type Config } from '../server/src/platform/config.ts';
import { silentLogger, type Logger } from '../server/src/platform/logger.ts';
import type { SluiceModule } from '../server/src/platform/module.ts';
import { defaultEventRetentionSeconds, eventRetentionStore } from '../server/src/platform/outbox.ts';
import type { Secrets } from '../server/src/platform/secrets.ts';
import type { Store } from '../server/src/platform/store.ts';
import { EnvSecrets, envVariableFor } from '../server/src/runtime/local/env-secrets.ts';
import { MailboxNotifier } from '../server/src/runtime/local/mailbox-notifier.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';

let sequence = 0;

export interface TestUser {
  id: string;
  email: string;
  token: string;
  refresh_token: string;
}

/**
 * Where every harness clock starts unless a test brings its own: a fixed instant (midday, mid-month)
 * so no test depends on the wall clock, e.g. on how far it is to the next UTC midnight.
 */
export const harnessStart = Date.UTC(2026, 0, 15, 12, 0, 0);

/** The whole HTTP app on an in-memory SQLite store, driven with `app.request()`. */
export function createTestApp(
  options: {
    config?: Partial<Config>;
    store?: Store;
    clock?: ManualClock;
    extend?: AppDeps['extend'];
    backups?: AppDeps['backups'];
    /** The app's logger (default: silent); `capturingLogger()` keeps what it logs. */
    logger?: Logger;
  } = {},
) {
  // As both runtimes' stores do: idempotency records keep a response their event carries as a
  // reference to it (event retention is stamped by the runtimes; the default here).
  const store = eventRetentionStore(
    options.store ?? new SqliteStore(':memory:'),
    defaultEventRetentionSeconds,
    withResponsesByReference,
  );
  const clock = options.clock ?? new ManualClock(harnessStart);
  // Users sign up verified unless a test asks for verification (`requireEmailVerification: true`):
  // most tests move money right after sign-up.
  const config: Config = {
    ...defaultConfig,
    adminEmails: ['admin@example.com'],
    requireEmailVerification: false,
    ...options.config,
  };
  // The local mailbox on the same store: what the app mails (verification codes…) can be read back.
  const mailbox = new MailboxNotifier({ store, clock });
  const identity = createLocalIdentity({ store, clock, config, logger: silentLogger, notifier: mailbox });
  const queue = new StoreQueue({ store, clock, logger: silentLogger });
  const secrets = testSecrets();
  const app = createApp({
    store,
    clock,
    config,
    logger: options.logger ?? silentLogger,
    identity,
    queue,
    notifier: mailbox,
    secrets,
    ...(options.extend ? { extend: options.extend } : {}),
    ...(options.backups ? { backups: options.backups } : {}),
  });

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async function signUp(name = 'user', email?: string): Promise<TestUser> {
    sequence += 1;
    const address = email ?? `${name}${sequence}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const response = await call('POST', '/v1/auth/signup', {
      body: { email: address, password: 'correct horse battery', name },
    });
    if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${response.text}`);
    return {
      id: response.json.user.id,
      email: address,
      token: response.json.access_token,
      refresh_token: response.json.refresh_token,
    };
  }

  return { app, store, clock, config, identity, queue, mailbox, secrets, call, signUp };
}

/**
 * A Secrets port holding a fresh random value for every secret the app's modules declare, as the
 * local runtime generates them (`EnvSecrets` over a map: no file, no process environment).
 */
export function testSecrets(): EnvSecrets {
  return new EnvSecrets(
    Object.fromEntries(
      secretsOf(modules).map((secret) => [
        envVariableFor(secret.name),
        randomBytes(32).toString('base64url'),
      ]),
    ),
  );
}

export type TestApp = ReturnType<typeof createTestApp>;

/** A logger that keeps every line it is given, for tests that check what was (not) logged. */
export function capturingLogger(): Logger & { lines: Array<[string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, Record<string, unknown> | undefined]> = [];
  const note = (message: string, fields?: Record<string, unknown>) => void lines.push([message, fields]);
  return { lines, info: note, warn: note, error: note };
}

/**
 * What `modules`' code gets (their migrations, jobs) on the test app's parts, over `options.store`
 * (default the app's) with `options.logger` and `options.secrets` in place of the app's.
 */
export function moduleDepsFor(
  t: TestApp,
  modules: readonly SluiceModule[],
  options: { store?: Store; logger?: Logger; secrets?: Secrets } = {},
) {
  return moduleDepsOf(
    {
      store: options.store ?? t.store,
      clock: t.clock,
      config: t.config,
      logger: options.logger ?? silentLogger,
      identity: t.identity,
      queue: t.queue,
      secrets: options.secrets ?? t.secrets,
    },
    modules,
  );
}
