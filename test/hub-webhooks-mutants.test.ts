import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { startPayPalSandbox, type PayPalSandbox } from './paypal-sandbox.ts';
import { isoTime } from '../server/src/kernel/clock.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { hubModule } from '../server/src/hub/index.ts';
import { intentPut, readIntent } from '../server/src/hub/store.ts';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import { failNextWrite, pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// Pins what hub/webhooks.ts does with a provider's event beyond hub-stripe's and hub-paypal's happy
// paths (issue 23's mutation testing): which connectors take webhooks, the refusals of an unsigned or
// misshapen event, events that are not disputes, every field of the recorded dispute, a dispute
// naming another merchant's payment, a second dispute, and a lost race. Stripe is
// stripe-stateful-mock and PayPal the PayPal-compatible server, as in those tests.

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
let isOpen = false;
afterEach(async () => {
  if (!isOpen) return;
  isOpen = false;
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const hooks = () => ({ stripe: stripeMock.stripe, paypal: paypal.url });

/** A merchant of the app `t` with every provider connected, routed to `provider`. */
async function merchantOn(provider: 'stripe' | 'paypal' | 'sandbox_card') {
  const made = await setUpHubMerchant(t, ['stripe', 'paypal', 'sandbox_card'], {
    stripe: stripeCredentials,
    paypal: paypal.credentials,
  });
  expect((await made.api('PUT', '/v1/routing', { rules: [], default: [provider] })).status).toBe(200);
  return made;
}

async function setUp(provider: 'stripe' | 'paypal' | 'sandbox_card' = 'stripe') {
  t = createHubTestApp(hooks());
  isOpen = true;
  return merchantOn(provider);
}

async function pay(api: MerchantApi, amount = 3000) {
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
  });
  expect(paid.status, paid.text).toBe(201);
  return paid.json as { id: string; provider_reference: string };
}

const deliver = (connector: string, raw: string, headers: Record<string, string>) =>
  t.call('POST', `/v1/hub/webhooks/${connector}`, { raw, headers });

/** A Stripe event as Stripe sends it, signed with the test merchants' webhook secret. */
function stripeEvent(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({
    id: `evt_${type.replaceAll('.', '_')}`,
    object: 'event',
    type,
    api_version: '2020-08-27',
    created: Math.floor(Date.UTC(2026, 0, 15) / 1000),
    livemode: false,
    data: { object },
  });
  const signature = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: stripeCredentials.webhook_secret,
  });
  return { payload, headers: { 'stripe-signature': signature } };
}

const created = Date.UTC(2026, 0, 16, 9, 30, 0) / 1000;
const stripeDispute = (charge: unknown, id = 'dp_test_1') => ({
  id,
  object: 'dispute',
  amount: 1200,
  charge,
  currency: 'usd',
  reason: 'fraudulent',
  status: 'warning_needs_response',
  created,
});

const disputedEvents = async () =>
  (await pendingEvents(t)).filter((event) => event.type === 'payment_intent.disputed');

describe('which connectors take webhooks', () => {
  it('answers 404 for a connector that does not exist and for one whose provider sends none', async () => {
    const { connectors } = await setUp();
    const { payload, headers } = stripeEvent('charge.dispute.created', stripeDispute('ch_nothing'));
    for (const id of ['mca_00000000000000000000000000', connectors.sandbox_card!]) {
      const answered = await deliver(id, payload, headers);
      expect(answered.status).toBe(404);
      expect(answered.json.error.message).toBe(`No connector ${id}.`);
    }
  });
});

describe("a Stripe connector's webhook", () => {
  it('refuses an event without the Stripe-Signature header, naming it', async () => {
    const { connectors } = await setUp();
    const { payload } = stripeEvent('charge.dispute.created', stripeDispute('ch_nothing'));
    const answered = await deliver(connectors.stripe!, payload, {});
    expect(answered.status).toBe(400);
    expect(answered.json.error).toMatchObject({
      code: 'invalid_request',
      param: 'Stripe-Signature',
      message: 'The Stripe-Signature header is missing.',
    });
  });

  it('acknowledges an event that is not a dispute and changes nothing', async () => {
    const { api, connectors } = await setUp();
    const paid = await pay(api);
    const charge = await stripe.charges.retrieve(paid.provider_reference);
    const { payload, headers } = stripeEvent(
      'charge.succeeded',
      charge as unknown as Record<string, unknown>,
    );
    const answered = await deliver(connectors.stripe!, payload, headers);
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json).toEqual({ received: true, applied: false });
    expect((await api('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toBeNull();
    expect(await disputedEvents()).toEqual([]);
  });

  it('records every field of the dispute, from a dispute whose charge is expanded, with its event', async () => {
    const { api, connectors } = await setUp();
    const paid = await pay(api);
    const { payload, headers } = stripeEvent(
      'charge.dispute.created',
      stripeDispute({ id: paid.provider_reference, object: 'charge' }),
    );
    const answered = await deliver(connectors.stripe!, payload, headers);
    expect(answered.json).toEqual({ received: true, applied: true });
    const intent = (await api('GET', `/v1/payment-intents/${paid.id}`)).json;
    expect(intent.dispute).toEqual({
      id: 'dp_test_1',
      provider_reference: paid.provider_reference,
      amount: 1200,
      reason: 'fraudulent',
      status: 'warning_needs_response',
      created_at: '2026-01-16T09:30:00.000Z',
    });
    expect(intent.updated_at).toBe(isoTime(t.clock.now()));
    const events = await disputedEvents();
    expect(
      events.map((event) => [event.subject, (event.data as { object: { dispute: unknown } }).object.dispute]),
    ).toEqual([[paid.id, intent.dispute]]);
  });

  it("applies nothing when the dispute names another merchant's charge, or a charge the hub does not know", async () => {
    const { api: victim } = await setUp();
    const paid = await pay(victim);
    const other = await merchantOn('stripe');
    for (const charge of [paid.provider_reference, 'ch_not_a_hub_payment']) {
      const { payload, headers } = stripeEvent('charge.dispute.created', stripeDispute(charge));
      const answered = await deliver(other.connectors.stripe!, payload, headers);
      expect(answered.status, answered.text).toBe(200);
      expect(answered.json).toEqual({ received: true, applied: false });
    }
    expect((await victim('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toBeNull();
    expect(await disputedEvents()).toEqual([]);
  });

  it('records a second dispute of the same payment, once', async () => {
    const { api, connectors } = await setUp();
    const paid = await pay(api);
    for (const id of ['dp_first', 'dp_second', 'dp_second']) {
      const { payload, headers } = stripeEvent(
        'charge.dispute.created',
        stripeDispute(paid.provider_reference, id),
      );
      await deliver(connectors.stripe!, payload, headers);
    }
    const intent = (await api('GET', `/v1/payment-intents/${paid.id}`)).json;
    expect(intent.dispute.id).toBe('dp_second');
    const events = await disputedEvents();
    expect(
      events.map((event) => (event.data as { object: { dispute: { id: string } } }).object.dispute.id),
    ).toEqual(['dp_first', 'dp_second']);
  });

  it('answers 409 to a delivery that lost a race for the intent, and records nothing of it', async () => {
    const { api, connectors } = await setUp();
    const paid = await pay(api);
    // Another change of the intent commits between the webhook's read and its write.
    const transact = t.store.transact.bind(t.store);
    let raced = false;
    t.store.transact = async (operations: WriteOperation[]) => {
      const disputing = operations.some(
        (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#') && op.item.dispute,
      );
      if (disputing && !raced) {
        raced = true;
        const record = (await readIntent(t.store, paid.id))!;
        await transact([
          intentPut({ ...record, description: 'changed meanwhile', version: record.version + 1 }),
        ]);
      }
      return transact(operations);
    };
    const { payload, headers } = stripeEvent(
      'charge.dispute.created',
      stripeDispute(paid.provider_reference),
    );
    const answered = await deliver(connectors.stripe!, payload, headers);
    expect(raced).toBe(true);
    expect(answered.status).toBe(409);
    expect(answered.json.error).toMatchObject({
      code: 'conflict',
      message: 'The payment intent changed meanwhile; deliver again.',
    });
    expect((await api('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toBeNull();
    expect(await disputedEvents()).toEqual([]);
    // The sender delivers again: now it applies.
    expect((await deliver(connectors.stripe!, payload, headers)).json).toEqual({
      received: true,
      applied: true,
    });
  });

  it('does not take a store that failed the write for a lost race', async () => {
    const { api, connectors } = await setUp();
    const paid = await pay(api);
    failNextWrite(t, (operations) =>
      operations.some(
        (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#') && op.item.dispute,
      ),
    );
    const { payload, headers } = stripeEvent(
      'charge.dispute.created',
      stripeDispute(paid.provider_reference),
    );
    const answered = await deliver(connectors.stripe!, payload, headers);
    expect(answered.status).not.toBe(409);
    expect(answered.status).toBeGreaterThanOrEqual(500);
    expect((await api('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toBeNull();
  });
});

describe("a PayPal connector's webhook", () => {
  const disputeEvent = (resource: Record<string, unknown>, eventType = 'CUSTOMER.DISPUTE.CREATED') => ({
    id: 'WH-1',
    event_version: '1.0',
    create_time: '2026-01-16T08:00:00.000Z',
    resource_type: 'dispute',
    event_type: eventType,
    resource,
  });
  const resourceFor = (capture: string, fields: Record<string, unknown> = {}) => ({
    dispute_id: 'PP-D-1',
    create_time: '2026-01-16T07:59:00.000Z',
    disputed_transactions: [{ seller_transaction_id: capture }],
    reason: 'UNAUTHORISED',
    status: 'WAITING_FOR_SELLER_RESPONSE',
    dispute_amount: { currency_code: 'USD', value: '12.34' },
    ...fields,
  });
  const send = (connector: string, event: Record<string, unknown>) => {
    const signed = paypal.webhook(event);
    return deliver(connector, signed.body, signed.headers);
  };

  it('records every field of the dispute, its amount in minor units and its time from create_time', async () => {
    const { api, connectors } = await setUp('paypal');
    const paid = await pay(api);
    const answered = await send(
      connectors.paypal!,
      disputeEvent(resourceFor(paypal.captureOf(paid.provider_reference)!)),
    );
    expect(answered.json).toEqual({ received: true, applied: true });
    expect((await api('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toEqual({
      id: 'PP-D-1',
      provider_reference: paid.provider_reference,
      amount: 1234,
      reason: 'unauthorised',
      status: 'waiting_for_seller_response',
      created_at: '2026-01-16T07:59:00.000Z',
    });
  });

  it('acknowledges an event that is not a dispute and changes nothing', async () => {
    const { api, connectors } = await setUp('paypal');
    const paid = await pay(api);
    const capture = paypal.captureOf(paid.provider_reference)!;
    const answered = await send(
      connectors.paypal!,
      disputeEvent({ id: capture }, 'PAYMENT.CAPTURE.COMPLETED'),
    );
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json).toEqual({ received: true, applied: false });
    expect(await disputedEvents()).toEqual([]);
  });

  it('refuses a dispute not in the shape PayPal documents, naming the resource', async () => {
    const { api, connectors } = await setUp('paypal');
    const paid = await pay(api);
    const capture = paypal.captureOf(paid.provider_reference)!;
    for (const fields of [
      { dispute_amount: { currency_code: 'XXX', value: '12.34' } },
      { disputed_transactions: [] },
      { reason: 7 },
    ]) {
      const answered = await send(connectors.paypal!, disputeEvent(resourceFor(capture, fields)));
      expect(answered.status, JSON.stringify(fields)).toBe(400);
      expect(answered.json.error).toMatchObject({
        code: 'invalid_request',
        param: 'resource',
        message: 'The PayPal dispute event is not in the shape PayPal documents.',
      });
    }
    expect((await api('GET', `/v1/payment-intents/${paid.id}`)).json.dispute).toBeNull();
  });
});

describe("the card sandbox's dispute.created", () => {
  const handle = (event: unknown) =>
    hubModule.subscriptions[0]!.handler({
      store: t.store,
      clock: t.clock,
      config: t.config,
      identity: t.identity,
      logger: silentLogger,
    } as unknown as ModuleDeps)(event as never);

  it('records every field of the sandbox dispute on the intent, and ignores an event without one', async () => {
    const { api } = await setUp('sandbox_card');
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 4200,
      currency: 'USD',
      payment_method: cardMethod('4000000000000259'),
    });
    expect(paid.status, paid.text).toBe(201);
    await handle({ id: 'evt_nothing', type: 'dispute.created', data: { object: { id: 'dp_x' } } });
    expect((await api('GET', `/v1/payment-intents/${paid.json.id}`)).json.dispute).toBeNull();

    const [event] = (await pendingEvents(t)).filter((e) => e.type === 'dispute.created');
    await handle(event);
    const dispute = (event!.data as { object: Record<string, unknown> }).object;
    expect((await api('GET', `/v1/payment-intents/${paid.json.id}`)).json.dispute).toEqual({
      id: dispute.id,
      provider_reference: paid.json.provider_reference,
      amount: 4200,
      reason: dispute.reason,
      status: dispute.status,
      created_at: dispute.created_at,
    });
  });
});
