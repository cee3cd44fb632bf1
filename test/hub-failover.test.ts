import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// Stripe is stripe-stateful-mock, a real Stripe-compatible HTTP server started on a free port.
let mock: Awaited<ReturnType<typeof startStripeMock>>;
let stripe: Stripe;
beforeAll(async () => {
  mock = await startStripeMock();
  stripe = new Stripe(stripeCredentials.secret_key, { ...mock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(() => mock.stop());

let t: TestApp;
/** The module metrics the app counted (`<module> <metric>`). */
let counted: () => string[];
let api: MerchantApi;
let connectors: Record<string, string>;
const minCalls = 5;
const coolDownMs = 30_000;

async function setUp() {
  const app = createHubTestApp({ stripe: mock.stripe, breaker: { minCalls, coolDownMs } });
  t = app;
  counted = () => app.counted;
  ({ api, connectors } = await setUpHubMerchant(t, ['stripe', 'sandbox_card']));
  expect((await api('PUT', '/v1/routing', { rules: [], default: ['stripe', 'sandbox_card'] })).status).toBe(
    200,
  );
}

afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const pay = (number = '4242424242424242', amount = 1000) =>
  api('POST', '/v1/payment-intents', { amount, currency: 'USD', payment_method: cardMethod(number) });

async function sandboxPayments(): Promise<Array<{ id: string; status: string; amount_captured: number }>> {
  const page = await api('GET', '/v1/payments?limit=100');
  return page.json.data;
}

describe('failover', () => {
  it('fails over from a stripe that times out to sandbox_card, and undoes the charge the lost answer made', async () => {
    await setUp();
    const fault = await api('POST', `/v1/test-helpers/connectors/${connectors.stripe}/faults`, {
      mode: 'timeout',
      rate: 1,
    });
    expect(fault.status).toBe(200);
    expect(fault.json.fault).toEqual({ mode: 'timeout', rate: 1, remaining: null });

    const paid = await pay();
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({ status: 'succeeded', provider: 'sandbox_card', amount_captured: 1000 });
    const [timedOut, succeeded] = paid.json.attempts;
    expect(paid.json.attempts).toHaveLength(2);
    expect(timedOut).toMatchObject({
      provider: 'stripe',
      status: 'reconciled',
      error_code: 'provider_timeout',
    });
    expect(succeeded).toMatchObject({ provider: 'sandbox_card', status: 'captured', error_code: null });
    expect(timedOut.id).not.toBe(succeeded.id);

    // The timed-out call did charge at Stripe; the hub found it by its key and refunded it in full.
    const charge = await stripe.charges.retrieve(timedOut.provider_reference);
    expect(charge).toMatchObject({ captured: true, refunded: true, amount_refunded: 1000 });
    // And the customer paid once, on sandbox_card.
    const payments = await sandboxPayments();
    expect(payments.map((p) => [p.id, p.status, p.amount_captured])).toEqual([
      [paid.json.provider_reference, 'succeeded', 1000],
    ]);

    const shown = await api('GET', `/v1/payment-intents/${paid.json.id}`);
    expect(shown.json.attempts).toEqual(paid.json.attempts);
  });

  it('does not fail over after a decline: one attempt, nothing on the next provider', async () => {
    await setUp();
    const declined = await pay('4000000000009995');
    expect(declined.status).toBe(402);
    expect(declined.json.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
    const intent = await api('GET', `/v1/payment-intents/${declined.json.error.payment_intent}`);
    expect(intent.json).toMatchObject({
      status: 'failed',
      provider: null,
      last_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
    });
    expect(intent.json.attempts).toHaveLength(1);
    expect(intent.json.attempts[0]).toMatchObject({ provider: 'stripe', status: 'declined' });
    expect(await sandboxPayments()).toEqual([]);
  });

  it('does not fail over after an injected decline either', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.stripe}/faults`, {
      mode: 'decline',
      rate: 1,
      count: 1,
    });
    expect((await pay()).status).toBe(402);
    expect(await sandboxPayments()).toEqual([]);
    // The counted fault is spent: the next payment goes through stripe.
    const next = await pay();
    expect(next.json).toMatchObject({ status: 'succeeded', provider: 'stripe' });
  });

  it('answers 503 with every attempt recorded when all providers fail, charging nothing', async () => {
    await setUp();
    for (const id of Object.values(connectors))
      await api('POST', `/v1/test-helpers/connectors/${id}/faults`, { mode: 'error', rate: 1 });
    const failed = await pay();
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe('providers_unavailable');
    const intent = await api('GET', `/v1/payment-intents/${failed.json.error.payment_intent}`);
    expect(intent.json.status).toBe('failed');
    expect(
      intent.json.attempts.map((a: { provider: string; status: string; error_code: string }) => [
        a.provider,
        a.status,
        a.error_code,
      ]),
    ).toEqual([
      ['stripe', 'failed', 'provider_error'],
      ['sandbox_card', 'failed', 'provider_error'],
    ]);
    expect(await sandboxPayments()).toEqual([]);
  });
});

describe('circuit breaker', () => {
  type Attempt = { provider: string; status: string; error_code: string | null };
  async function payMany(n: number) {
    const results = await Promise.all(Array.from({ length: n }, () => pay()));
    for (const result of results) expect(result.status, result.text).toBe(201);
    const attempts = results.map((r) => r.json.attempts as Attempt[]);
    const stripeAttempts = attempts.map((list) => list.find((a) => a.provider === 'stripe')!);
    return {
      results,
      tried: stripeAttempts.filter((a) => a.status !== 'skipped').length,
      skipped: stripeAttempts.filter((a) => a.status === 'skipped').length,
      byProvider: (provider: string) => results.filter((r) => r.json.provider === provider).length,
    };
  }
  const breaker = async () => (await api('GET', `/v1/connectors/${connectors.stripe}`)).json.breaker;

  it('opens when stripe keeps failing, skips it, and closes after one good probe, under 100 concurrent payments', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.stripe}/faults`, { mode: 'error', rate: 1 });

    // Wave 1: stripe fails; calls already past the closed breaker still try it, then it opens.
    const first = await payMany(100);
    expect(first.byProvider('sandbox_card')).toBe(100);
    expect(first.tried).toBeGreaterThanOrEqual(minCalls);
    expect(first.tried + first.skipped).toBe(100);
    expect(await breaker()).toMatchObject({ state: 'open' });
    // Counted once for the `breaker-open` alarm (a CloudWatch metric on AWS).
    expect(counted()).toEqual(['hub CircuitBreakerOpened']);

    // Wave 2: open: no call reaches stripe.
    const second = await payMany(100);
    expect(second.tried).toBe(0);
    expect(second.skipped).toBe(100);
    expect(second.results[0]!.json.attempts[0]).toMatchObject({
      status: 'skipped',
      error_code: 'circuit_open',
    });

    // Wave 3: stripe has recovered and the cool-down has passed: exactly one payment probes it.
    await api('DELETE', `/v1/test-helpers/connectors/${connectors.stripe}/faults`);
    (t.clock as ManualClock).advance(coolDownMs + 1);
    const third = await payMany(100);
    expect(third.tried).toBe(1);
    expect(third.byProvider('stripe')).toBe(1);
    expect(third.byProvider('sandbox_card')).toBe(99);
    expect(await breaker()).toMatchObject({ state: 'closed', window: { calls: 0, failures: 0 } });

    // Each move of the breaker is an event on the bus, once.
    const moves = (await pendingEvents(t)).filter((event) => event.type.startsWith('connector.circuit_'));
    expect(moves.map((event) => [event.type, event.subject])).toEqual([
      ['connector.circuit_opened', connectors.stripe],
      ['connector.circuit_closed', connectors.stripe],
    ]);

    // Closed again: stripe takes the payments.
    const fourth = await payMany(100);
    expect(fourth.byProvider('stripe')).toBe(100);
    expect((await sandboxPayments()).length).toBe(100);
    console.log(
      `breaker figures: wave1 stripe tried ${first.tried}, skipped ${first.skipped}; wave2 tried ${second.tried}; wave3 probes ${third.tried}; wave4 on stripe ${fourth.byProvider('stripe')}`,
    );
  }, 120_000);
});
