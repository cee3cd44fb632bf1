import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// Stripe end to end: the official SDK against stripe-stateful-mock, a Stripe-compatible HTTP server
// started on a free port. Webhooks are signed with the SDK's own test-header helper, as Stripe signs them.
let mock: Awaited<ReturnType<typeof startStripeMock>>;
let stripe: Stripe;
beforeAll(async () => {
  mock = await startStripeMock();
  stripe = new Stripe(stripeCredentials.secret_key, { ...mock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(() => mock.stop());

let t: TestApp;
let api: MerchantApi;
let connectors: Record<string, string>;
beforeEach(async () => {
  t = createHubTestApp({ stripe: mock.stripe });
  ({ api, connectors } = await setUpHubMerchant(t, ['stripe']));
  await api('PUT', '/v1/routing', {
    rules: [{ match: { currency: 'USD' }, providers: ['stripe'] }],
    default: [],
  });
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

it('authorizes, captures and refunds through Stripe', async () => {
  const authorized = await api('POST', '/v1/payment-intents', {
    amount: 5000,
    currency: 'USD',
    payment_method: cardMethod(),
    capture: false,
  });
  expect(authorized.status, authorized.text).toBe(201);
  expect(authorized.json).toMatchObject({
    status: 'requires_capture',
    provider: 'stripe',
    amount_captured: 0,
  });
  const chargeId = authorized.json.provider_reference;
  expect(await stripe.charges.retrieve(chargeId)).toMatchObject({ captured: false, amount: 5000 });

  const captured = await api('POST', `/v1/payment-intents/${authorized.json.id}/capture`, { amount: 4000 });
  expect(captured.status, captured.text).toBe(200);
  expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 4000 });
  expect(await stripe.charges.retrieve(chargeId)).toMatchObject({ captured: true, amount_captured: 4000 });

  const refunded = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`, { amount: 1500 });
  expect(refunded.status, refunded.text).toBe(200);
  expect(refunded.json).toMatchObject({ amount_refunded: 1500 });
  const refund = await stripe.refunds.retrieve(refunded.json.refunds[0].provider_reference);
  expect(refund).toMatchObject({ charge: chargeId, amount: 1500 });

  const tooMuch = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`, { amount: 2501 });
  expect(tooMuch.status).toBe(400);
  expect(tooMuch.json.error.param).toBe('amount');
  // Stripe counts the 1,000 released at the partial capture as refunded too: 1,000 + 1,500, nothing more.
  expect((await stripe.charges.retrieve(chargeId)).amount_refunded).toBe(2500);
});

it('cancels an authorization at Stripe', async () => {
  const authorized = await api('POST', '/v1/payment-intents', {
    amount: 700,
    currency: 'USD',
    payment_method: cardMethod(),
    capture: false,
  });
  const canceled = await api('POST', `/v1/payment-intents/${authorized.json.id}/cancel`);
  expect(canceled.json).toMatchObject({ status: 'canceled' });
  expect(await stripe.charges.retrieve(authorized.json.provider_reference)).toMatchObject({
    refunded: true,
    captured: false,
  });
});

it('turns a verified Stripe dispute webhook into the intent’s dispute and a payment_intent.disputed event, once', async () => {
  const paid = await api('POST', '/v1/payment-intents', {
    amount: 3000,
    currency: 'USD',
    payment_method: cardMethod('4000000000000259'),
  });
  expect(paid.status, paid.text).toBe(201);
  // Stripe opens the dispute after the charge, not in its answer; the mock too (on its next timer
  // tick), so wait for the charge to show it.
  const charge = await vi.waitFor(
    async () => {
      const latest = await stripe.charges.retrieve(paid.json.provider_reference);
      expect(latest.disputed).toBe(true);
      return latest;
    },
    { timeout: 10_000, interval: 20 },
  );
  // The mock speaks an older API version whose charge names its dispute (today's lists them by charge).
  const dispute = await stripe.disputes.retrieve((charge as unknown as { dispute: string }).dispute);

  const payload = JSON.stringify({
    id: 'evt_test_dispute_1',
    object: 'event',
    type: 'charge.dispute.created',
    api_version: '2020-08-27',
    created: Math.floor(Date.UTC(2026, 0, 15) / 1000),
    livemode: false,
    data: { object: dispute },
  });
  const deliver = (signature: string) =>
    t.call('POST', `/v1/hub/webhooks/${connectors.stripe}`, {
      raw: payload,
      headers: { 'stripe-signature': signature },
    });

  const forged = await deliver(
    stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_notthemerchantsecret00' }),
  );
  expect(forged.status).toBe(400);
  expect(forged.json.error.param).toBe('Stripe-Signature');
  expect((await api('GET', `/v1/payment-intents/${paid.json.id}`)).json.dispute).toBeNull();

  const signature = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: stripeCredentials.webhook_secret,
  });
  const received = await deliver(signature);
  expect(received.status, received.text).toBe(200);
  expect(received.json).toEqual({ received: true, applied: true });
  const intent = await api('GET', `/v1/payment-intents/${paid.json.id}`);
  expect(intent.json.dispute).toMatchObject({
    id: dispute.id,
    provider_reference: charge.id,
    amount: 3000,
    reason: dispute.reason,
  });
  const disputed = (await pendingEvents(t)).filter((event) => event.type === 'payment_intent.disputed');
  expect(disputed).toHaveLength(1);
  expect(disputed[0]!.subject).toBe(paid.json.id);

  // Stripe redelivers: nothing changes.
  expect((await deliver(signature)).json).toEqual({ received: true, applied: false });
  expect((await pendingEvents(t)).filter((event) => event.type === 'payment_intent.disputed')).toHaveLength(
    1,
  );
});
