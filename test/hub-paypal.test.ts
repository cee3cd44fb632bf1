import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { startPayPalSandbox, type PayPalSandbox } from './paypal-sandbox.ts';
import { cardMethod, createHubTestApp, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// PayPal end to end through the hub: the official SDK against a local PayPal-compatible server
// (test/paypal-sandbox.ts) answering as PayPal's published examples do, webhooks signed by it and
// verified by PayPal's postback scheme.
let sandbox: PayPalSandbox;
beforeAll(async () => {
  sandbox = await startPayPalSandbox();
});
afterAll(() => sandbox.stop());

let t: TestApp;
let api: MerchantApi;
let connectors: Record<string, string>;
beforeEach(async () => {
  t = createHubTestApp({ paypal: sandbox.url });
  ({ api, connectors } = await setUpHubMerchant(t, ['paypal', 'sandbox_card'], {
    paypal: sandbox.credentials,
  }));
  await api('PUT', '/v1/routing', { rules: [], default: ['paypal', 'sandbox_card'] });
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const pay = (fields: Record<string, unknown> = {}) =>
  api('POST', '/v1/payment-intents', {
    amount: 4200,
    currency: 'USD',
    payment_method: cardMethod(),
    ...fields,
  });

it('authorizes, captures part and refunds through PayPal, and never returns the credentials', async () => {
  const authorized = await pay({ capture: false });
  expect(authorized.status, authorized.text).toBe(201);
  expect(authorized.json).toMatchObject({
    status: 'requires_capture',
    provider: 'paypal',
    amount_captured: 0,
  });
  const captured = await api('POST', `/v1/payment-intents/${authorized.json.id}/capture`, { amount: 4000 });
  expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 4000 });
  const refunded = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`, { amount: 1500 });
  expect(refunded.status, refunded.text).toBe(200);
  expect(refunded.json).toMatchObject({ amount_refunded: 1500 });
  expect(refunded.json.refunds[0].provider_reference).toMatch(/^R/);

  const shown = await api('GET', `/v1/connectors/${connectors.paypal}`);
  expect(shown.status).toBe(200);
  expect(shown.text).not.toContain(sandbox.credentials.client_secret);
  expect(shown.text).not.toContain(sandbox.credentials.client_id);
});

it('fails over to sandbox_card when PayPal answers 503, and not after a PayPal decline', async () => {
  sandbox.failNext(1, 'error');
  const paid = await pay();
  expect(paid.status, paid.text).toBe(201);
  expect(paid.json).toMatchObject({ provider: 'sandbox_card', status: 'succeeded' });
  expect(
    paid.json.attempts.map((a: { provider: string; error_code: string | null }) => [
      a.provider,
      a.error_code,
    ]),
  ).toEqual([
    ['paypal', 'provider_error'],
    ['sandbox_card', null],
  ]);

  const declined = await pay({ payment_method: cardMethod('4000000000009995') });
  expect(declined.status).toBe(402);
  expect(declined.json.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
  const intent = await api('GET', `/v1/payment-intents/${declined.json.error.payment_intent}`);
  expect(intent.json.attempts).toHaveLength(1);
  expect(intent.json.attempts[0]).toMatchObject({ provider: 'paypal', status: 'declined' });
});

it('turns a verified PayPal dispute webhook into the intent’s dispute, once; a forged one changes nothing', async () => {
  const paid = await pay();
  expect(paid.status, paid.text).toBe(201);
  const capture = sandbox.captureOf(paid.json.provider_reference);
  // The resource as PayPal's CUSTOMER.DISPUTE.CREATED example shapes it.
  const event = {
    id: 'WH-2WR32451HC0233532-67976317FL4543714',
    event_version: '1.0',
    create_time: '2026-01-16T08:00:00.000Z',
    resource_type: 'dispute',
    event_type: 'CUSTOMER.DISPUTE.CREATED',
    summary: 'A new dispute opened with Case # PP-D-27803',
    resource: {
      dispute_id: 'PP-D-27803',
      create_time: '2026-01-16T07:59:00.000Z',
      update_time: '2026-01-16T07:59:00.000Z',
      disputed_transactions: [{ seller_transaction_id: capture, seller: { merchant_id: 'RD465XN5VS364' } }],
      reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
      status: 'OPEN',
      dispute_amount: { currency_code: 'USD', value: '42.00' },
      dispute_life_cycle_stage: 'CHARGEBACK',
      dispute_channel: 'EXTERNAL',
    },
  };
  const signed = sandbox.webhook(event);
  const deliver = (headers: Record<string, string>, raw = signed.body) =>
    t.call('POST', `/v1/hub/webhooks/${connectors.paypal}`, { raw, headers });

  const forged = await deliver(signed.headers, signed.body.replace('42.00', '4.20'));
  expect(forged.status).toBe(400);
  expect(forged.json.error.param).toBe('paypal-transmission-sig');
  expect((await api('GET', `/v1/payment-intents/${paid.json.id}`)).json.dispute).toBeNull();

  const received = await deliver(signed.headers);
  expect(received.status, received.text).toBe(200);
  expect(received.json).toEqual({ received: true, applied: true });
  const intent = await api('GET', `/v1/payment-intents/${paid.json.id}`);
  expect(intent.json.dispute).toMatchObject({
    id: 'PP-D-27803',
    provider_reference: paid.json.provider_reference,
    amount: 4200,
    reason: 'merchandise_or_service_not_received',
    status: 'open',
  });
  expect((await deliver(signed.headers)).json).toEqual({ received: true, applied: false });
  expect((await pendingEvents(t)).filter((e) => e.type === 'payment_intent.disputed')).toHaveLength(1);
});

it('refuses PayPal credentials in the wrong shape, naming the field, and creates nothing', async () => {
  const before = (await api('GET', '/v1/connectors')).json.data.length;
  const wrong = await api('POST', '/v1/connectors', {
    provider: 'paypal',
    name: 'second',
    credentials: { ...sandbox.credentials, environment: 'production' },
  });
  expect(wrong.status).toBe(400);
  expect(wrong.json.error.param).toBe('credentials.environment');
  expect((await api('GET', '/v1/connectors')).json.data.length).toBe(before);
});
