/**
 * The processing hub: `POST /v1/payment-intents` through a routing table `[stripe, sandbox_card]`
 * while stripe fails 20% of its calls (an injected 503), so a fifth of the payments fail over,
 * after the hub's backoff, to the sandbox card network. Stripe is stripe-stateful-mock, a
 * Stripe-compatible server started on a free port, which the hub's Stripe connector (the official
 * SDK) reaches through `SLUICE_STRIPE_API_BASE`. The server is a Sluice of its own for this
 * scenario (`npm start`'s entry point on a fresh data dir), so the other scenarios' figures are
 * untouched. After the run: how the payments split between the providers, how many attempts they
 * took, and where the circuit breaker stands (it opens after 10 consecutive failures, for 30 s).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { call, signUp, startServer } from '../../test/server-process.ts';
import { startLocalService } from '../../test/local-service.ts';
import { runServerLoad, type AutocannonRequest, type ScenarioResult } from '../load.ts';
import { metricsToken } from '../sluice-server.ts';
import { log } from '../support.ts';

export type PaymentIntentsResult = ScenarioResult & {
  intents_per_second: number;
  /** Of the last 100 intents: where they were paid, and how many attempts they took. */
  sample: { on_stripe: number; on_sandbox_card: number; failed_over: number; skipped_by_breaker: number };
  breaker_at_end: string;
};

const failureRate = 0.2;

export async function runPaymentIntentsScenario(tmp: string): Promise<PaymentIntentsResult> {
  const cli = createRequire(import.meta.url).resolve('stripe-stateful-mock/dist/cli.js');
  const stripe = await startLocalService({
    name: 'stripe-stateful-mock',
    spawn: (port) =>
      spawn(process.execPath, [cli], {
        env: { ...process.env, PORT: String(port), LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    group: false,
    probe: async (endpoint) =>
      void (await fetch(`${endpoint}/v1/charges`, { signal: AbortSignal.timeout(2_000) })),
    startTimeoutMs: 20_000,
    stopGraceMs: 2_000,
    pollMs: 100,
  });
  const server = await startServer({
    dataDir: join(tmp, 'hub-data'),
    stdoutFile: join(tmp, 'hub-server.log'),
    readyTimeoutMs: 60_000,
    env: { SLUICE_METRICS_TOKEN: metricsToken, SLUICE_STRIPE_API_BASE: stripe.endpoint },
  });
  try {
    const owner = await signUp(server.url, { name: 'hub-bench' });
    const merchant = await call(server.url, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: 'Hub bench' },
    });
    const key = await call(server.url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
      token: owner.token,
      body: { rate_limit_per_minute: 100_000 },
    });
    const secret = key.json.secret as string;
    const api = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, { token: secret, ...(body !== undefined ? { body } : {}) });
    const stripeConnector = await api('POST', '/v1/connectors', {
      provider: 'stripe',
      credentials: { secret_key: 'sk_test_benchbenchbench0000', webhook_secret: 'whsec_benchbenchbench0000' },
    });
    await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
    await api('PUT', '/v1/routing', { rules: [], default: ['stripe', 'sandbox_card'] });
    const fault = await api('POST', `/v1/test-helpers/connectors/${stripeConnector.json.id}/faults`, {
      mode: 'error',
      rate: failureRate,
    });
    if (fault.status !== 200) throw new Error(`fault injection failed: ${fault.status} ${fault.text}`);
    log(`hub: stripe-stateful-mock at ${stripe.endpoint}; stripe fails ${failureRate * 100}% of calls`);

    const body = JSON.stringify({
      amount: 1234,
      currency: 'USD',
      payment_method: {
        type: 'card',
        card: {
          number: '4242424242424242',
          exp_month: 12,
          exp_year: new Date().getUTCFullYear() + 3,
          cvc: '123',
        },
      },
    });
    const request: AutocannonRequest = {
      method: 'POST',
      path: '/v1/payment-intents',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body,
    };
    const result = await runServerLoad(
      server,
      `hub: payment intents, [stripe, sandbox_card], stripe failing ${failureRate * 100}%`,
      request,
    );

    const recent = (await api('GET', '/v1/payment-intents?limit=100')).json.data as Array<{
      provider: string | null;
      attempts: Array<{ provider: string; status: string }>;
    }>;
    const sample = {
      on_stripe: recent.filter((i) => i.provider === 'stripe').length,
      on_sandbox_card: recent.filter((i) => i.provider === 'sandbox_card').length,
      failed_over: recent.filter((i) =>
        i.attempts.some((a) => a.provider === 'stripe' && a.status === 'failed'),
      ).length,
      skipped_by_breaker: recent.filter((i) => i.attempts.some((a) => a.status === 'skipped')).length,
    };
    const breaker = (await api('GET', `/v1/connectors/${stripeConnector.json.id}`)).json.breaker
      .state as string;
    log(`  last 100 intents: ${JSON.stringify(sample)}; stripe breaker ${breaker}`);
    return { ...result, intents_per_second: result.rps_2xx, sample, breaker_at_end: breaker };
  } finally {
    await server.kill('SIGTERM', 15_000);
    await stripe.stop();
  }
}
