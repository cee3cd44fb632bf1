import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import {
  advanceDays,
  billingMerchant,
  billingStart,
  day,
  deliverHubEvents,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import { customerCreditAdd } from '../server/src/billing/store.ts';
import {
  failNextWrite,
  interleave,
  pendingEvents,
  type MerchantApi,
} from '../server/src/payments/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';

/**
 * What subscriptions.ts (start, change of plan or method, cancel) must do at the edges the main
 * billing tests pass over: the plan's trial and the merchant's settings as defaults, another
 * customer's method or another currency refused, the proration invoice's lines to the second, a
 * cancel's credit only for a paid-up period, idempotent replays. SQLite, the sandbox clock only.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const declining = '4000000000000002';

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => {
  ({ t, api } = await setUpBilling());
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function get(path: string) {
  const response = await api('GET', path);
  expect(response.status, response.text).toBe(200);
  return response.json;
}
const invoicesOf = async (sub: string) => (await get(`/v1/subscriptions/${sub}/invoices`)).data;
const billingEvents = async (subject: string) =>
  (await pendingEvents(t)).filter((e) => e.source === 'sluice.billing' && e.subject === subject);
async function newPlan(amount: number, extra: Record<string, unknown> = {}) {
  const created = await api('POST', '/v1/plans', {
    name: `Plan ${amount}`,
    amount,
    currency: 'USD',
    interval: 'month',
    ...extra,
  });
  expect(created.status, created.text).toBe(201);
  return created.json.id as string;
}
async function subscribe(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const created = await api('POST', '/v1/subscriptions', body, headers);
  expect(created.status, created.text).toBe(201);
  return created.json;
}
async function change(sub: string, body: Record<string, unknown>) {
  const changed = await api('POST', `/v1/subscriptions/${sub}`, body);
  expect(changed.status, changed.text).toBe(200);
  return changed.json;
}
async function newCard(customer: string, number = '4242424242424242') {
  const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
    type: 'card',
    card: { number, exp_month: 12, exp_year: 2035, cvc: '123' },
  });
  expect(method.status, method.text).toBe(201);
  return method.json.id as string;
}
/** Sum of what the merchant's payment intents captured: what billing really charged. */
async function captured() {
  const intents = (await get('/v1/payment-intents?limit=100')).data;
  return intents.reduce((sum: number, i: { amount_captured: number }) => sum + i.amount_captured, 0);
}
/** `amount × part / whole` rounded half up, with bigints, apart from the server's code. */
const share = (amount: number, part: number, whole: number) =>
  Number((BigInt(amount) * BigInt(part) * 2n + BigInt(whole)) / (BigInt(whole) * 2n));

describe('starting', () => {
  it('starts with the plan’s trial unless the request asks for none, and says why in the history', async () => {
    const { customer, method, plan } = await planAndCustomer(api, { trial_period_days: 7 });
    const trialing = await subscribe({ customer, plan, payment_method: method });
    const trialEnd = iso(billingStart + 7 * day);
    expect(trialing).toMatchObject({
      status: 'trialing',
      current_period_start: iso(billingStart),
      current_period_end: trialEnd,
      trial_end: trialEnd,
      latest_invoice: null,
      next_action_at: trialEnd,
      metadata: {},
      created_at: iso(billingStart),
      status_history: [{ status: 'trialing', at: iso(billingStart), reason: 'created' }],
    });
    expect(await invoicesOf(trialing.id)).toEqual([]);

    const now = await subscribe({
      customer,
      plan,
      payment_method: method,
      trial_days: 0,
      metadata: { seat: '7' },
    });
    const end = iso(Date.UTC(2026, 1, 15, 12, 0, 0));
    expect(now).toMatchObject({
      status: 'active',
      current_period_start: iso(billingStart),
      current_period_end: end,
      trial_end: null,
      next_action_at: end,
      metadata: { seat: '7' },
      status_history: [{ status: 'active', at: iso(billingStart), reason: 'created' }],
    });
    const [first] = await invoicesOf(now.id);
    expect(first).toMatchObject({
      billing_reason: 'subscription_create',
      status: 'paid',
      amount_paid: 2000,
      lines: [
        {
          description: 'Pro (2026-01-15 – 2026-02-15)',
          amount: 2000,
          plan,
          proration: false,
          period: { start: iso(billingStart), end },
        },
      ],
    });
    expect(await captured()).toBe(2000);
    // The trial ends into its first period, charged then; the other renews a month later.
    await advanceDays(api, 7);
    expect(await get(`/v1/subscriptions/${trialing.id}`)).toMatchObject({
      status: 'active',
      current_period_start: trialEnd,
      current_period_end: iso(Date.UTC(2026, 1, 22, 12, 0, 0)),
    });
    expect(await captured()).toBe(4000);
  });

  it('announces a new subscription with its sandbox time, and a trial’s once', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    await advanceDays(api, 1);
    const sub = await subscribe({ customer, plan, payment_method: method, trial_days: 3 });
    const created = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({
      sandbox_time: iso(billingStart + day),
      object: { id: sub.id, status: 'trialing', trial_end: iso(billingStart + 4 * day) },
    });
  });

  it('follows the merchant’s setting for what comes after the last retry, unless the request says', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    expect((await api('PUT', '/v1/billing/settings', { on_retries_exhausted: 'unpaid' })).status).toBe(200);
    expect(await subscribe({ customer, plan, payment_method: method })).toMatchObject({
      on_retries_exhausted: 'unpaid',
    });
    expect(
      await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'cancel' }),
    ).toMatchObject({ on_retries_exhausted: 'cancel' });
  });

  it('answers a trial’s creation replayed under its idempotency key with the same subscription, making no second', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const body = { customer, plan, payment_method: method, trial_days: 5 };
    const first = await subscribe(body, { 'idempotency-key': 'trial-1' });
    const again = await subscribe(body, { 'idempotency-key': 'trial-1' });
    expect(again.id).toBe(first.id);
    expect((await get('/v1/subscriptions')).data).toHaveLength(1);
  });

  it('answers a start that lost the customer’s credit to another invoice 409, writing nothing; a retry pays the rest', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    // Credit as a downgrade or a cancel leaves it, enough for one first invoice's part only.
    await t.store.transact([customerCreditAdd(customer, 'USD', 1500)]);
    const isNewSubscription = (operations: WriteOperation[]) =>
      operations.some((op) => op.type === 'put' && op.item.object === 'subscription');
    const race = interleave(t, isNewSubscription, async () => {
      await subscribe({ customer, plan, payment_method: method });
    });
    const lost = await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method });
    expect(race.count).toBe(1);
    expect(lost.status, lost.text).toBe(409);
    expect(lost.json.error).toMatchObject({
      code: 'conflict',
      message: `The credit of customer ${customer} changed while this request was made; retry.`,
    });
    const [winner] = (await get('/v1/subscriptions')).data;
    expect((await get('/v1/subscriptions')).data).toHaveLength(1);
    expect(await invoicesOf(winner.id)).toMatchObject([{ credit_applied: 1500, amount_paid: 500 }]);

    const retried = await subscribe({ customer, plan, payment_method: method });
    expect(await invoicesOf(retried.id)).toMatchObject([{ credit_applied: 0, amount_paid: 2000 }]);
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    expect(await captured()).toBe(2500);
  });

  it('passes on a store failure of a start as a failure, not as a lost race for the credit', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    failNextWrite(t, (operations) =>
      operations.some((op) => op.type === 'put' && op.item.object === 'subscription'),
    );
    const failed = await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method });
    expect(failed.status, failed.text).toBe(500);
    expect((await get('/v1/subscriptions')).data).toEqual([]);
    expect(await captured()).toBe(0);
  });

  it('refuses another customer’s payment method, naming it and the parameter, on start and on change', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const other = (await api('POST', '/v1/customers', { name: 'Other' })).json.id;
    const theirs = await newCard(other);
    const refused = await api('POST', '/v1/subscriptions', { customer, plan, payment_method: theirs });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_request',
      message: `Payment method ${theirs} belongs to another customer.`,
      param: 'payment_method',
    });
    expect((await get('/v1/subscriptions')).data).toEqual([]);

    const sub = await subscribe({ customer, plan, payment_method: method });
    const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: theirs });
    expect(changed.status, changed.text).toBe(400);
    expect(changed.json.error).toMatchObject({ param: 'payment_method' });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ payment_method: method });
  });
});

describe('changing', () => {
  it('answers 404 naming the subscription for one that does not exist or is another merchant’s', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const { api: other } = await billingMerchant(t);
    const missing = 'sub_01M91ZZZZZZZZZZZZZZZZZZZZZ';
    for (const [as, id] of [
      [other, sub.id],
      [api, missing],
    ] as const) {
      for (const [verb, path] of [
        ['GET', `/v1/subscriptions/${id}`],
        ['POST', `/v1/subscriptions/${id}`],
        ['POST', `/v1/subscriptions/${id}/cancel`],
      ] as const) {
        const response = await as(verb, path, verb === 'POST' ? {} : undefined);
        expect(response.status, `${verb} ${path}`).toBe(404);
        expect(response.json.error).toMatchObject({ code: 'not_found', message: `No subscription ${id}.` });
      }
    }
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ status: 'active' });
  });

  it('changes the method and what follows the last retry, billing nothing, and the next renewal uses the new method', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'cancel' });
    const failing = await newCard(customer, declining);
    await advanceDays(api, 3);
    const changed = await change(sub.id, { payment_method: failing, on_retries_exhausted: 'unpaid', plan });
    expect(changed).toMatchObject({
      plan,
      payment_method: failing,
      on_retries_exhausted: 'unpaid',
      status: 'active',
      latest_invoice: sub.latest_invoice,
      next_action_at: sub.current_period_end,
      current_period_end: sub.current_period_end,
    });
    expect(await invoicesOf(sub.id)).toHaveLength(1);
    const updated = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({
      sandbox_time: iso(billingStart + 3 * day),
      object: { payment_method: failing, on_retries_exhausted: 'unpaid' },
    });
    // The renewal is charged to the declining card: it fails into dunning.
    await advanceDays(api, 28);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ status: 'past_due' });
    expect(await captured()).toBe(2000);
  });

  it('moves a trial to the new plan without billing it, and its first invoice bills the new plan', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const premium = await newPlan(5000, { name: 'Premium' });
    const sub = await subscribe({ customer, plan, payment_method: method, trial_days: 10 });
    await advanceDays(api, 2);
    expect(await change(sub.id, { plan: premium })).toMatchObject({
      plan: premium,
      status: 'trialing',
      next_action_at: sub.trial_end,
    });
    expect(await captured()).toBe(0);
    await advanceDays(api, 8);
    expect(await invoicesOf(sub.id)).toMatchObject([
      { billing_reason: 'subscription_cycle', amount_paid: 5000, lines: [{ plan: premium, amount: 5000 }] },
    ]);
  });

  it('refuses a plan in another currency, naming both currencies and the parameter, and changes nothing', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const euro = await newPlan(1500, { currency: 'EUR' });
    const sub = await subscribe({ customer, plan, payment_method: method });
    const refused = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: euro });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error).toMatchObject({
      code: 'currency_mismatch',
      message: `Plan ${euro} is in EUR; the subscription bills in USD.`,
      param: 'plan',
    });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ plan });
    expect(await invoicesOf(sub.id)).toHaveLength(1);

    const unknown = await api('POST', `/v1/subscriptions/${sub.id}`, {
      plan: 'plan_01M91ZZZZZZZZZZZZZZZZZZZZZ',
    });
    expect(unknown.status, unknown.text).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'invalid_request', param: 'plan' });
  });

  it('bills an upgrade from the change’s second: the unused time credited and the rest charged, each line named and spanning it', async () => {
    const { customer, method, plan } = await planAndCustomer(api, { name: 'Basic' });
    const pro = await newPlan(5000, { name: 'Pro' });
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 10.5);
    const at = billingStart + 10.5 * day;
    const changed = await change(sub.id, { plan: pro });
    expect(changed).toMatchObject({
      plan: pro,
      status: 'active',
      current_period_start: sub.current_period_start,
      current_period_end: sub.current_period_end,
      next_action_at: sub.current_period_end,
    });
    const start = Date.parse(sub.current_period_start) / 1000;
    const end = Date.parse(sub.current_period_end) / 1000;
    const left = end - at / 1000;
    const credit = share(2000, left, end - start);
    const charge = share(5000, left, end - start);
    const invoice = await get(`/v1/invoices/${changed.latest_invoice}`);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      subtotal: charge - credit,
      amount_paid: charge - credit,
      period_start: iso(at),
      period_end: sub.current_period_end,
      lines: [
        {
          description: `Unused time on Basic after ${iso(at)}`,
          amount: -credit,
          plan,
          proration: true,
          period: { start: iso(at), end: sub.current_period_end },
        },
        {
          description: `Remaining time on Pro after ${iso(at)}`,
          amount: charge,
          plan: pro,
          proration: true,
          period: { start: iso(at), end: sub.current_period_end },
        },
      ],
    });
    expect(await captured()).toBe(2000 + charge - credit);
    const updated = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({
      previous_plan: plan,
      sandbox_time: iso(at),
      object: { plan: pro },
    });
    // The period's end renews on the new plan.
    await advanceDays(api, 21);
    expect((await invoicesOf(sub.id)).at(-1)).toMatchObject({
      billing_reason: 'subscription_cycle',
      amount_paid: 5000,
    });
  });

  it('restarts the period at a change to another interval count, the whole new period charged and renewed from the change', async () => {
    const { customer, method, plan } = await planAndCustomer(api, { name: 'Monthly' });
    const quarterly = await newPlan(5400, { name: 'Quarterly', interval_count: 3 });
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 10);
    const at = billingStart + 10 * day;
    const changed = await change(sub.id, { plan: quarterly });
    const quarterEnd = iso(Date.UTC(2026, 3, 25, 12, 0, 0));
    expect(changed).toMatchObject({
      plan: quarterly,
      current_period_start: iso(at),
      current_period_end: quarterEnd,
      next_action_at: quarterEnd,
    });
    const start = Date.parse(sub.current_period_start) / 1000;
    const end = Date.parse(sub.current_period_end) / 1000;
    const credit = share(2000, end - at / 1000, end - start);
    const invoice = await get(`/v1/invoices/${changed.latest_invoice}`);
    expect(invoice).toMatchObject({
      period_start: iso(at),
      period_end: quarterEnd,
      amount_paid: 5400 - credit,
      lines: [
        {
          description: `Unused time on Monthly after ${iso(at)}`,
          amount: -credit,
          proration: true,
          period: { start: iso(at), end: sub.current_period_end },
        },
        {
          description: `Quarterly from ${iso(at)}`,
          amount: 5400,
          plan: quarterly,
          proration: false,
          period: { start: iso(at), end: quarterEnd },
        },
      ],
    });
    // Nothing at the old period's end; the next renewal is the quarter's end, for the next quarter.
    await advanceDays(api, 60);
    expect(await invoicesOf(sub.id)).toHaveLength(2);
    await advanceDays(api, 30);
    const renewal = (await invoicesOf(sub.id)).at(-1);
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      period_start: quarterEnd,
      period_end: iso(Date.UTC(2026, 6, 25, 12, 0, 0)),
      amount_paid: 5400,
    });
  });
});

describe('a change’s write', () => {
  const changesMethodTo = (method: string) => (operations: WriteOperation[]) =>
    operations.some(
      (op) => op.type === 'put' && op.item.object === 'subscription' && op.item.payment_method === method,
    );

  it('answers a change replayed under its idempotency key as the first time, announcing it once', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const other = await newCard(customer);
    const key = { 'idempotency-key': 'change-1' };
    const first = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: other }, key);
    const again = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: other }, key);
    expect(first.status, first.text).toBe(200);
    expect(again.json).toEqual(first.json);
    const updated = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.updated');
    expect(updated).toHaveLength(1);
  });

  it('answers a change that lost a race 409, saying to read it again, and writes nothing', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const other = await newCard(customer);
    const race = interleave(t, changesMethodTo(other), async () => {
      const later = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, { at_period_end: true });
      expect(later.status, later.text).toBe(200);
    });
    const stale = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: other });
    expect(race.count).toBe(1);
    expect(stale.status, stale.text).toBe(409);
    expect(stale.json.error).toMatchObject({
      code: 'conflict',
      message: `Subscription ${sub.id} changed while this request was made; read it again and retry.`,
    });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      payment_method: method,
      cancel_at_period_end: true,
    });
  });

  it('refuses a change that read the subscription before another change and a cancel, instead of reviving it', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const other = await newCard(customer);
    // Two versions move on between the stale change's read and its write: a change, then the cancel.
    const race = interleave(t, changesMethodTo(other), async () => {
      await change(sub.id, { on_retries_exhausted: 'unpaid' });
      expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(200);
    });
    const stale = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: other });
    expect(race.count).toBe(1);
    expect(stale.status, stale.text).toBe(409);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      payment_method: method,
      on_retries_exhausted: 'unpaid',
      next_action_at: null,
    });
  });

  it('passes on a store failure as a failure, not as a lost race', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const other = await newCard(customer);
    failNextWrite(t, changesMethodTo(other));
    const failed = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: other });
    expect(failed.status, failed.text).toBe(500);
    expect(failed.json.error.code).not.toBe('conflict');
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ payment_method: method });
  });
});

describe('canceling', () => {
  it('at the period’s end: marks when it was asked, announces it as an update, credits nothing', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 4);
    const later = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, { at_period_end: true });
    expect(later.status, later.text).toBe(200);
    expect(later.json).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
      canceled_at: iso(billingStart + 4 * day),
      ended_at: null,
      next_action_at: sub.current_period_end,
    });
    const events = (await billingEvents(sub.id)).filter((e) => e.type !== 'subscription.created');
    expect(events.map((e) => e.type)).toEqual(['subscription.updated']);
    expect(events[0]!.data).toMatchObject({ object: { cancel_at_period_end: true } });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
  });

  it('now: announces the credit it gives, and gives none, not even a zero, for a trial or a period not paid', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const paid = await subscribe({ customer, plan, payment_method: method });
    const failing = await newCard(customer, declining);
    const unpaid = await subscribe({ customer, plan, payment_method: failing });
    expect(unpaid.status).toBe('past_due');
    const trialing = await subscribe({ customer, plan, payment_method: method, trial_days: 30 });
    await advanceDays(api, 5);

    expect((await api('POST', `/v1/subscriptions/${trialing.id}/cancel`, {})).status).toBe(200);
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});

    const canceled = await api('POST', `/v1/subscriptions/${unpaid.id}/cancel`, {});
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.json).toMatchObject({ status: 'canceled', ended_at: iso(billingStart + 5 * day) });
    expect(canceled.json.status_history.at(-1)).toEqual({
      status: 'canceled',
      at: iso(billingStart + 5 * day),
      reason: 'canceled now',
    });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    const [open] = await invoicesOf(unpaid.id);
    expect(open).toMatchObject({ status: 'open', next_payment_attempt: null });
    const [ended] = (await billingEvents(unpaid.id)).filter((e) => e.type === 'subscription.canceled');
    expect(ended!.data).toMatchObject({ proration_credit: 0, object: { status: 'canceled' } });

    expect((await api('POST', `/v1/subscriptions/${paid.id}/cancel`)).status).toBe(200);
    const start = Date.parse(paid.current_period_start) / 1000;
    const end = Date.parse(paid.current_period_end) / 1000;
    const credit = share(2000, end - start - 5 * 86_400, end - start);
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({ USD: credit });
    const [credited] = (await billingEvents(paid.id)).filter((e) => e.type === 'subscription.canceled');
    expect(credited!.data).toMatchObject({
      proration_credit: credit,
      sandbox_time: iso(billingStart + 5 * day),
    });
  });

  it('answers a cancel replayed under its idempotency key as the first time', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const key = { 'idempotency-key': 'cancel-1' };
    const first = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {}, key);
    const again = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {}, key);
    expect(first.status, first.text).toBe(200);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual(first.json);
  });

  it('credits nothing for a period whose charge waits for a wallet payer, who then rejects it', async () => {
    expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
    const payer = await t.signUp('payer');
    const plan = await newPlan(500, { interval: 'week' });
    const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
    const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    });
    expect(method.status, method.text).toBe(201);
    const sub = await subscribe({ customer, plan, payment_method: method.json.id });
    // Active, its first invoice open while the payer decides.
    expect(sub.status).toBe('active');
    const asked = await get(`/v1/invoices/${sub.latest_invoice}`);
    expect(asked).toMatchObject({ status: 'open', attempts: [{ status: 'pending' }] });

    const canceled = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {});
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.json.status).toBe('canceled');
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    const [ended] = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.canceled');
    expect(ended!.data).toMatchObject({ proration_credit: 0 });

    const rejected = await t.call(
      'POST',
      `/v1/payer/payment-intents/${asked.attempts[0].payment_intent}/reject`,
      {
        token: payer.token,
      },
    );
    expect(rejected.status, rejected.text).toBe(200);
    await deliverHubEvents(t);
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'open',
      amount_paid: 0,
      next_payment_attempt: null,
    });
    // Nothing paid, nothing to spend on the customer's next invoice.
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    expect(await captured()).toBe(0);
  });
});

describe('changing plan while the period is not paid up', () => {
  /** Pro (90.00) started on a declining card: `past_due`, its first invoice open in dunning. */
  async function inDunning(extra: Record<string, unknown> = {}) {
    const { customer, method: good, plan: pro } = await planAndCustomer(api, { name: 'Pro', amount: 9000 });
    const basic = await newPlan(3000, { name: 'Basic' });
    const premium = await newPlan(15000, { name: 'Premium' });
    const failing = await newCard(customer, declining);
    const sub = await subscribe({ customer, plan: pro, payment_method: failing, ...extra });
    expect(sub.status).toBe('past_due');
    const [open] = await invoicesOf(sub.id);
    expect(open).toMatchObject({ id: sub.latest_invoice, status: 'open', amount_paid: 0 });
    return { customer, good, pro, basic, premium, sub, open: open.id as string };
  }
  /** Everything a plan change writes: the subscription, its invoices, the credit, billing's events. */
  async function written(sub: string, customer: string) {
    return {
      subscription: await get(`/v1/subscriptions/${sub}`),
      invoices: await invoicesOf(sub),
      credit: (await get(`/v1/customers/${customer}`)).credit_balance,
      events: (await pendingEvents(t)).filter((e) => e.source === 'sluice.billing'),
    };
  }
  /** Each body is refused 409 naming the open invoice, and nothing is written. */
  async function expectRefused(sub: string, customer: string, open: string, bodies: object[]) {
    const before = await written(sub, customer);
    for (const body of bodies) {
      const refused = await api('POST', `/v1/subscriptions/${sub}`, body);
      expect(refused.status, refused.text).toBe(409);
      expect(refused.json.error).toMatchObject({
        code: 'invalid_state_transition',
        param: 'plan',
        message: `Subscription ${sub} has not paid its current period (invoice ${open} is open); change the plan once it is paid, or cancel instead.`,
        status: before.subscription.status,
        invoice: open,
      });
      expect(await written(sub, customer)).toEqual(before);
    }
    expect(before.credit).toEqual({});
  }

  it('leaves the customer no credit for a period never paid: a downgrade in dunning, then a cancel', async () => {
    const { customer, basic, sub } = await inDunning();
    await advanceDays(api, 0.5);
    const downgraded = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: basic });
    const canceled = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {});
    expect(canceled.status, canceled.text).toBe(200);
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    expect(await captured()).toBe(0);
    expect(downgraded.status, downgraded.text).toBe(409);
  });

  it('refuses a downgrade and an upgrade in dunning 409, writing nothing, not even a new method sent with it', async () => {
    const { customer, good, basic, premium, sub, open } = await inDunning();
    await advanceDays(api, 0.5);
    await expectRefused(sub.id, customer, open, [
      { plan: basic },
      { plan: premium },
      { plan: basic, payment_method: good, on_retries_exhausted: 'unpaid' },
    ]);
    expect(await captured()).toBe(0);
  });

  it('refuses a plan change once the retries are exhausted into `unpaid`, naming the invoice left open', async () => {
    const { customer, basic, premium, sub, open } = await inDunning({ on_retries_exhausted: 'unpaid' });
    await advanceDays(api, 8);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'unpaid',
      latest_invoice: open,
    });
    await expectRefused(sub.id, customer, open, [{ plan: basic }, { plan: premium }]);
    expect(await captured()).toBe(0);
  });

  it('refuses a plan change of an active subscription whose charge waits for a wallet payer, and makes it once paid', async () => {
    expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
    const payer = await t.signUp('payer');
    const weekly = await newPlan(700, { interval: 'week', name: 'Weekly' });
    const cheaper = await newPlan(350, { interval: 'week', name: 'Cheaper' });
    const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
    const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    });
    expect(method.status, method.text).toBe(201);
    const sub = await subscribe({ customer, plan: weekly, payment_method: method.json.id });
    const asked = await get(`/v1/invoices/${sub.latest_invoice}`);
    expect(sub.status).toBe('active');
    expect(asked).toMatchObject({ status: 'open', attempts: [{ status: 'pending' }] });
    await expectRefused(sub.id, customer, asked.id, [{ plan: cheaper }]);

    const approved = await t.call(
      'POST',
      `/v1/payer/payment-intents/${asked.attempts[0].payment_intent}/approve`,
      { token: payer.token },
    );
    expect(approved.status, approved.text).toBe(200);
    await deliverHubEvents(t);
    expect(await get(`/v1/invoices/${asked.id}`)).toMatchObject({ status: 'paid', amount_paid: 700 });
    const changed = await change(sub.id, { plan: cheaper });
    expect(changed).toMatchObject({ plan: cheaper, status: 'active' });
    // Changed at the period's first second: the whole week's difference is the customer's credit.
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({ USD: 350 });
  });

  it('refuses a plan change while an older invoice is in dunning, though the latest is paid, naming the older', async () => {
    expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
    const payer = await t.signUp('payer');
    const weekly = await newPlan(700, { interval: 'week', name: 'Weekly' });
    const cheaper = await newPlan(350, { interval: 'week', name: 'Cheaper' });
    const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
    const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    });
    expect(method.status, method.text).toBe(201);
    const sub = await subscribe({ customer, plan: weekly, payment_method: method.json.id });
    const payerSays = async (invoice: string, answer: 'approve' | 'reject') => {
      const { attempts } = await get(`/v1/invoices/${invoice}`);
      const said = await t.call(
        'POST',
        `/v1/payer/payment-intents/${attempts.at(-1).payment_intent}/${answer}`,
        { token: payer.token },
      );
      expect(said.status, said.text).toBe(200);
      await deliverHubEvents(t);
    };
    // The first week's charge is rejected late in the week: in dunning past the renewal.
    await advanceDays(api, 6.5);
    await payerSays(sub.latest_invoice, 'reject');
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({ status: 'past_due' });
    // The second week's invoice, asked at the renewal, is approved.
    await advanceDays(api, 0.75);
    const renewed = await get(`/v1/subscriptions/${sub.id}`);
    expect(renewed.latest_invoice).not.toBe(sub.latest_invoice);
    await payerSays(renewed.latest_invoice, 'approve');
    expect(await get(`/v1/invoices/${renewed.latest_invoice}`)).toMatchObject({ status: 'paid' });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({ status: 'open' });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'past_due',
      latest_invoice: renewed.latest_invoice,
    });
    await expectRefused(sub.id, customer, sub.latest_invoice, [{ plan: cheaper }]);
  });

  it('refuses a plan change of a subscription left past due with no invoice open, naming none', async () => {
    const { customer, basic, sub, open } = await inDunning();
    // As an invoice closed by a path that left its retry scheduled (older releases): the run
    // clears the retry, and the subscription stays past due with nothing in dunning.
    const stored = (await t.store.get({ pk: `BIL#INV#${open}`, sk: 'INV' }))!;
    await t.store.transact([
      { type: 'put', item: { ...stored, status: 'uncollectible', version: (stored.version as number) + 1 } },
    ]);
    await advanceDays(api, 1.5);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'past_due',
      latest_invoice: open,
      next_action_at: sub.current_period_end,
    });
    const before = await written(sub.id, customer);
    const refused = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: basic });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      param: 'plan',
      message: `Subscription ${sub.id} has not paid its current period; change the plan once it is paid, or cancel instead.`,
      status: 'past_due',
      invoice: null,
    });
    expect(await written(sub.id, customer)).toEqual(before);
    expect(await captured()).toBe(0);
  });

  it('makes the downgrade once the open invoice is paid, crediting the unused time as ever', async () => {
    const { customer, good, pro, basic, sub, open } = await inDunning();
    await advanceDays(api, 0.5);
    // The card is changed (a change without a plan goes through in dunning) and the invoice paid.
    expect(await change(sub.id, { payment_method: good })).toMatchObject({
      status: 'past_due',
      payment_method: good,
    });
    const paid = await api('POST', `/v1/invoices/${open}/pay`, {});
    expect(paid.status, paid.text).toBe(200);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'active',
      latest_invoice: open,
    });
    await advanceDays(api, 9.5);
    const at = billingStart + 10 * day;

    const changed = await change(sub.id, { plan: basic });
    expect(changed).toMatchObject({ plan: basic, status: 'active' });
    const start = Date.parse(sub.current_period_start) / 1000;
    const end = Date.parse(sub.current_period_end) / 1000;
    const left = end - at / 1000;
    const credit = share(9000, left, end - start);
    const charge = share(3000, left, end - start);
    expect(await get(`/v1/invoices/${changed.latest_invoice}`)).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      subtotal: charge - credit,
      amount_due: 0,
      lines: [
        { plan: pro, amount: -credit, proration: true },
        { plan: basic, amount: charge, proration: true },
      ],
    });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({ USD: credit - charge });
    const updated = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.updated');
    expect(updated.at(-1)!.data).toMatchObject({ previous_plan: pro, object: { plan: basic } });
    expect(await captured()).toBe(9000);
  });
});
