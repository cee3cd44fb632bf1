import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { startLocalService, type LocalService } from '../../../test/local-service.ts';
import { createApp } from '../app/create-app.ts';
import { ManualClock } from '../kernel/clock.ts';
import { silentLogger } from '../platform/logger.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import {
  asMerchant,
  createTestMerchant,
  type MerchantApi,
  type TestMerchant,
} from '../payments/test-support.ts';
import { hubDeps, type HubDeps, type HubTestHooks } from './deps.ts';
import type { StripeEndpoint } from './connectors/stripe.ts';

/**
 * Starts stripe-stateful-mock (a Stripe-compatible server speaking Charges, Refunds, Customers and
 * Disputes) as a child process on a free port, for the Stripe SDK to talk to over real HTTP.
 */
export async function startStripeMock(): Promise<LocalService & { stripe: StripeEndpoint }> {
  const cli = createRequire(import.meta.url).resolve('stripe-stateful-mock/dist/cli.js');
  const service = await startLocalService({
    name: 'stripe-stateful-mock',
    spawn: (port) =>
      spawn(process.execPath, [cli], {
        env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    group: false,
    probe: async (endpoint) => {
      // Any HTTP answer means it is up (it answers 401 without a key).
      await fetch(`${endpoint}/v1/charges`, { signal: AbortSignal.timeout(2_000) });
    },
    startTimeoutMs: 20_000,
    stopGraceMs: 2_000,
    pollMs: 100,
  });
  const url = new URL(service.endpoint);
  return { ...service, stripe: { host: url.hostname, port: Number(url.port), protocol: 'http' } };
}

/**
 * The whole app (as `createTestApp`) with the hub's test hooks: the Stripe endpoint, no backoff
 * waits, a breaker that opens after `failureThreshold` failures; `counted` holds the module
 * metrics counted (`<module> <metric>`), which the AWS alarms watch. `store`: the one to run on
 * (a test that drives the TTL sweeper over it), else a new in-memory SQLite store.
 */
export function createHubTestApp(
  hooks: HubTestHooks = {},
  config: Partial<TestApp['config']> = {},
  store?: Store,
): TestApp & { counted: string[] } {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const base = createTestApp({ clock, config, ...(store ? { store } : {}) });
  const counted: string[] = [];
  const app = createApp({
    store: base.store,
    clock,
    config: base.config,
    logger: silentLogger,
    identity: base.identity,
    queue: base.queue,
    secrets: base.secrets,
    moduleMetrics: { count: (module, metric) => counted.push(`${module} ${metric}`) },
    testHooks: { hub: { backoffBaseMs: 0, ...hooks } },
  });
  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
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
  return { ...base, app, call, counted };
}

/** The hub's ports over a test app's, with `hooks`: for calling the hub's functions directly. */
export function hubTestDeps(t: TestApp, hooks: HubTestHooks = {}): HubDeps {
  return hubDeps({
    store: t.store,
    clock: t.clock,
    config: t.config,
    identity: t.identity,
    logger: silentLogger,
    secrets: t.secrets,
    moduleMetrics: { count() {} },
    testHooks: { hub: hooks },
  });
}

/**
 * A crash between a provider's answer and an intent's final write: once armed, the store's next
 * write that finishes an intent (its put with `inflight` cleared) throws, as the write of a process
 * killed just then never happens. Returns `crash()`, which arms it for that one write.
 *
 * @example
 * const crash = crashBeforeFinalWrite(t.store);
 * crash(); // the next payment intent is left `processing`, its attempt in flight
 */
export function crashBeforeFinalWrite(store: Store): () => void {
  const transact = store.transact.bind(store);
  let isArmed = false;
  store.transact = async (operations: WriteOperation[]) => {
    const isFinishing = operations.some(
      (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#') && op.item.inflight === null,
    );
    if (isArmed && isFinishing) {
      isArmed = false;
      throw new Error('the process was killed');
    }
    return transact(operations);
  };
  return () => {
    isArmed = true;
  };
}

/**
 * A merchant with connectors for `providers` (stripe with `stripeCredentials`, others with what
 * `credentials` gives them), and its API.
 */
export async function setUpHubMerchant(
  t: TestApp,
  providers: ReadonlyArray<'sandbox_card' | 'wallet' | 'stripe' | 'paypal'>,
  credentials: Readonly<Record<string, unknown>> = { stripe: stripeCredentials },
): Promise<{ merchant: TestMerchant; api: MerchantApi; connectors: Record<string, string> }> {
  const merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  const api = asMerchant(t, merchant);
  const connectors: Record<string, string> = {};
  for (const provider of providers) {
    const created = await api('POST', '/v1/connectors', {
      provider,
      ...(credentials[provider] ? { credentials: credentials[provider] } : {}),
    });
    expect(created.status, created.text).toBe(201);
    connectors[provider] = created.json.id;
  }
  return { merchant, api, connectors };
}

export const stripeCredentials = {
  secret_key: 'sk_test_hubtests0000000000000000',
  webhook_secret: 'whsec_hubtestsigningsecret000000',
};

export function cardMethod(number = '4242424242424242') {
  return { type: 'card', card: { number, exp_month: 12, exp_year: 2030, cvc: '123' } };
}

/** A vendor of the merchant behind `api` (in `currency`); returns its id. */
export async function createVendor(api: MerchantApi, name = 'Roaster', currency = 'USD'): Promise<string> {
  const created = await api('POST', '/v1/vendors', { name, currency });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}
