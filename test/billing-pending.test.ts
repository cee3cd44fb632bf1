import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { moduleDepsOf } from '../server/src/app/module-deps.ts';
import { modules } from '../server/src/app/modules.ts';
import { billingModule } from '../server/src/billing/index.ts';
import { deliverHubEvents, setUpBilling } from '../server/src/billing/test-support.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => {
  ({ t, api } = await setUpBilling());
  expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

it('a wallet subscription waits for its payer; their approval, reported by the hub, pays the invoice once', async () => {
  const payer = await t.signUp('payer');
  const plan = (
    await api('POST', '/v1/plans', { name: 'Club', amount: 500, currency: 'USD', interval: 'week' })
  ).json.id;
  const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
  const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
    type: 'wallet',
    wallet: { user: payer.id },
  });
  expect(method.status, method.text).toBe(201);
  const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method.json.id }))
    .json;
  const asked = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).json;
  expect(asked).toMatchObject({
    status: 'open',
    attempts: [{ status: 'pending' }],
    next_payment_attempt: null,
  });
  const intent = asked.attempts[0].payment_intent;

  const approved = await t.call('POST', `/v1/payer/payment-intents/${intent}/approve`, {
    token: payer.token,
  });
  expect(approved.status, approved.text).toBe(200);
  await deliverHubEvents(t);
  const paid = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).json;
  expect(paid).toMatchObject({
    status: 'paid',
    amount_paid: 500,
    attempt_count: 1,
    attempts: [{ status: 'succeeded', payment_intent: intent }],
  });
  expect((await api('GET', `/v1/subscriptions/${sub.id}`)).json.status).toBe('active');
  const events = (await pendingEvents(t)).filter((e) => e.type === 'invoice.paid');
  expect(events).toHaveLength(1);
});

it('a payer who rejects sends the invoice into dunning', async () => {
  const payer = await t.signUp('payer');
  const plan = (
    await api('POST', '/v1/plans', { name: 'Club', amount: 500, currency: 'USD', interval: 'week' })
  ).json.id;
  const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
  const method = (
    await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    })
  ).json;
  const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method.id })).json;
  const intent = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).json.attempts[0].payment_intent;
  expect(
    (await t.call('POST', `/v1/payer/payment-intents/${intent}/reject`, { token: payer.token })).status,
  ).toBe(200);
  await deliverHubEvents(t);
  const failed = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).json;
  expect(failed).toMatchObject({ status: 'open', attempts: [{ status: 'failed' }] });
  expect(failed.next_payment_attempt).not.toBeNull();
  expect((await api('GET', `/v1/subscriptions/${sub.id}`)).json.status).toBe('past_due');
});

it('frees a subscription whose charge a crash cut off, once the hub fails that intent', async () => {
  const plan = (
    await api('POST', '/v1/plans', { name: 'Club', amount: 500, currency: 'USD', interval: 'week' })
  ).json.id;
  const customer = (await api('POST', '/v1/customers', { name: 'Card' })).json.id;
  const method = (
    await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
    })
  ).json.id;
  const sub = (
    await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method, trial_days: 1 })
  ).json;
  // As a renewal's claim leaves it when the process dies mid-charge: an invoice, the subscription held.
  const stored = (await t.store.get({ pk: `BIL#SUB#${sub.id}`, sk: 'SUB' }))!;
  const invoiceId = 'in_01M91ZZZZZZZZZZZZZZZZZZZZZ';
  await t.store.transact([
    {
      type: 'put',
      item: {
        ...stored,
        charging: { invoice: invoiceId, since: t.clock.now() },
        version: (stored.version as number) + 1,
      },
    },
    {
      type: 'put',
      item: {
        pk: `BIL#INV#${invoiceId}`,
        sk: 'INV',
        id: invoiceId,
        object: 'invoice',
        merchant: stored.merchant,
        customer,
        subscription: sub.id,
        status: 'open',
        billing_reason: 'subscription_cycle',
        currency: 'USD',
        lines: [],
        subtotal: 500,
        credit_applied: 0,
        amount_due: 500,
        amount_paid: 0,
        period_start: sub.trial_end,
        period_end: sub.trial_end,
        attempt_count: 0,
        attempts: [],
        next_payment_attempt: null,
        created_at: sub.trial_end,
        finalized_at: sub.trial_end,
        paid_at: null,
        version: 1,
      },
    },
  ]);
  expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(409);
  const handler = billingModule.subscriptions[0].handler(
    moduleDepsOf(
      {
        store: t.store,
        clock: t.clock,
        config: t.config,
        logger: silentLogger,
        identity: t.identity,
        queue: t.queue,
      },
      modules,
    ),
  );
  const interrupted = {
    id: 'pi_cut',
    status: 'failed',
    last_error: { code: 'interrupted', decline_code: null },
    description: `Invoice ${invoiceId}`,
  };
  const event = {
    id: 'evt_x',
    type: 'payment_intent.payment_failed',
    source: 'sluice.hub',
    time: new Date().toISOString(),
    subject: 'pi_cut',
    merchant: stored.merchant as string,
    data: { object: interrupted },
  };
  await handler(event);
  await handler(event);
  const invoice = (await api('GET', `/v1/invoices/${invoiceId}`)).json;
  expect(invoice.attempts).toMatchObject([
    { payment_intent: 'pi_cut', status: 'failed', error_code: 'interrupted' },
  ]);
  expect((await api('GET', `/v1/subscriptions/${sub.id}`)).json.status).toBe('past_due');
  expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(200);
});
