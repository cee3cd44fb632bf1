import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { createErrorHandler } from '../http/errors.ts';
import { ManualClock } from '../kernel/clock.ts';
import { defaultConfig, type Config } from '../platform/config.ts';
import { silentLogger } from '../platform/logger.ts';
import type { Store } from '../platform/store.ts';
import { MailboxNotifier } from '../runtime/local/mailbox-notifier.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import type { AuthResponse } from './model.ts';
import { identityRoutes } from './routes.ts';
import { accountSecurityRoutes } from './security-routes.ts';
import { createLocalIdentity } from './service.ts';

/** Test builders for the identity module: an app on an in-memory store with a manual clock. */

let userCount = 0;

export function aSignUp(overrides: Partial<{ email: string; password: string; name: string }> = {}) {
  userCount += 1;
  return {
    email: `user${userCount}@example.com`,
    password: 'correct horse battery',
    name: 'Ann Lee',
    ...overrides,
  };
}

/** The Node server's bindings, as `getClientIp` reads them. */
export function fromAddress(address: string) {
  return { incoming: { socket: { remoteAddress: address } } };
}

export function createHarness(
  options: { config?: Partial<Config>; store?: Store; clock?: ManualClock } = {},
) {
  const store = options.store ?? new SqliteStore(':memory:');
  const clock = options.clock ?? new ManualClock();
  const config: Config = { ...defaultConfig, ...options.config };
  // The local runtime's own mailbox, on the same store: tests read mailed codes as a user would.
  const mailbox = new MailboxNotifier({ store, clock });
  const identity = createLocalIdentity({ store, clock, config, logger: silentLogger, notifier: mailbox });
  const app = new OpenAPIHono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', 'req_test');
    await next();
  });
  app.onError(createErrorHandler(silentLogger));
  app.route('/', identityRoutes(identity));
  app.route('/', accountSecurityRoutes(identity));

  const post = (path: string, body: unknown, env?: unknown) =>
    app.request(
      path,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      env,
    );
  const get = (path: string, token?: string) =>
    app.request(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  /** A request with a bearer token and an optional JSON body. */
  const send = (method: string, path: string, token: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** The code in the newest mail to `email` whose subject contains `subject`, or undefined. */
  async function mailedCode(email: string, subject: string): Promise<string | undefined> {
    const { items } = await mailbox.list(email, { limit: 50 });
    for (const message of items) {
      if (message.channel !== 'email' || !message.subject.includes(subject)) continue;
      return /\b(\d{6})\b/.exec(message.text)?.[1];
    }
    return undefined;
  }

  /** Signs a user up through the API and returns the response body. */
  async function signUp(input = aSignUp()): Promise<AuthResponse & { password: string }> {
    const response = await post('/v1/auth/signup', input);
    if (response.status !== 201)
      throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
    return { ...((await response.json()) as AuthResponse), password: input.password };
  }

  return { store, clock, config, identity, app, mailbox, post, get, send, mailedCode, signUp };
}

export async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; param?: string; [key: string]: unknown }> {
  const body = (await response.json()) as { error: { code: string; message: string; param?: string } };
  return body.error;
}
