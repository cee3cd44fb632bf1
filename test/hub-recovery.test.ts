import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { startPayPalSandbox, type PayPalSandbox } from './paypal-sandbox.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import type { HubTestHooks } from '../server/src/hub/deps.ts';
import { inflightLeaseMs, recoverInterruptedIntents } from '../server/src/hub/recovery.ts';
import {
  cardMethod,
  crashBeforeFinalWrite,
  createHubTestApp,
  hubTestDeps,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// A crash between a provider's answer and the intent's final write, on real providers (the card
// sandbox, stripe-stateful-mock, the PayPal-compatible server): the final write fails as the dying
// process's would never happen, the request gets no answer, and the recovery job, run on the
// sandbox clock past the lease, finds what the cut-off call did by its stored key and undoes it.
let stripeMock: Awaited<ReturnType<typeof startStripeMock>>;
let paypal: PayPalSandbox;
let stripe: Stripe;
beforeAll(async () => {
  [stripeMock, paypal] = await Promise.all([startStripeMock(), startPayPalSandbox()]);
  stripe = new Stripe(stripeCredentials.secret_key, { ...stripeMock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(async () => {
  await Promise.all([stripeMock.stop(), paypal.stop()]);
});

let t: TestApp;
let api: MerchantApi;
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** The app with one provider routed to, whose next intent's final write dies with the process. */
async function setUp(provider: 'sandbox_card' | 'stripe' | 'paypal') {
  const hooks: HubTestHooks = { stripe: stripeMock.stripe, paypal: paypal.url };
  t = createHubTestApp(hooks);
  ({ api } = await setUpHubMerchant(t, [provider], {
    stripe: stripeCredentials,
    paypal: paypal.credentials,
  }));
  await api('PUT', '/v1/routing', { rules: [], default: [provider] });
  const crash = crashBeforeFinalWrite(t.store);
  crash();
  const recover = () => recoverInterruptedIntents(hubTestDeps(t, hooks));
  return { recover };
}

async function cutOff(amount: number) {
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
  });
  expect(paid.status).toBe(500);
  const listed = await api('GET', '/v1/payment-intents');
  const intent = listed.json.data[0];
  expect(intent).toMatchObject({ status: 'processing', attempts: [] });
  return intent as { id: string };
}

describe('recovering payment intents a crash cut off', () => {
  it('undoes the card sandbox payment the cut-off attempt made, after the lease and not before', async () => {
    const { recover } = await setUp('sandbox_card');
    const intent = await cutOff(1800);
    const charged = (await api('GET', '/v1/payments?limit=10')).json.data;
    expect(
      charged.map((p: { status: string; amount_captured: number }) => [p.status, p.amount_captured]),
    ).toEqual([['succeeded', 1800]]);

    (t.clock as ManualClock).advance(inflightLeaseMs - 1_000);
    expect(await recover()).toBe(0);
    (t.clock as ManualClock).advance(2_000);
    expect(await recover()).toBe(1);
    expect(await recover()).toBe(0);

    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown).toMatchObject({
      status: 'failed',
      last_error: { code: 'interrupted' },
      attempts: [{ provider: 'sandbox_card', status: 'reconciled', error_code: 'interrupted' }],
    });
    expect(shown.attempts[0].provider_reference).toBe(charged[0].id);
    const after = (await api('GET', `/v1/payments/${charged[0].id}`)).json;
    expect(after.amount_refunded).toBe(1800);
    const failed = (await pendingEvents(t)).filter((e) => e.type === 'payment_intent.payment_failed');
    expect(failed.map((e) => e.subject)).toEqual([intent.id]);
  });

  it('finds the Stripe charge by the key in its metadata and refunds it', async () => {
    const { recover } = await setUp('stripe');
    const intent = await cutOff(2300);
    (t.clock as ManualClock).advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown.attempts[0]).toMatchObject({ provider: 'stripe', status: 'reconciled' });
    const charge = await stripe.charges.retrieve(shown.attempts[0].provider_reference);
    expect(charge).toMatchObject({ amount: 2300, refunded: true, amount_refunded: 2300 });
    expect(charge.metadata.attempt).toBe(shown.attempts[0].id);
  });

  it('records the attempt at PayPal as interrupted, with the key to look for there', async () => {
    const { recover } = await setUp('paypal');
    const intent = await cutOff(900);
    (t.clock as ManualClock).advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
    expect(shown.attempts[0]).toMatchObject({
      provider: 'paypal',
      status: 'interrupted',
      provider_reference: null,
    });
    expect(shown.attempts[0].id).toMatch(/^pia_/);
  });

  it('leaves an intent whose process finished it meanwhile alone', async () => {
    const { recover } = await setUp('sandbox_card');
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 100,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(paid.status).toBe(500); // the armed crash
    const ok = await api('POST', '/v1/payment-intents', {
      amount: 200,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(ok.status).toBe(201);
    (t.clock as ManualClock).advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    expect((await api('GET', `/v1/payment-intents/${ok.json.id}`)).json.status).toBe('succeeded');
  });
});
