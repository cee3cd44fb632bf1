import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { advanceTowards, runAllDue, runDue, withRunLease } from '../server/src/billing/cycle.ts';
import { emptyCounts } from '../server/src/billing/charging.ts';
import { invoicePdf } from '../server/src/billing/invoices.ts';
import { remainingShare } from '../server/src/billing/periods.ts';
import {
  advanceDays,
  billingDepsOf,
  billingMerchant,
  billingStart,
  day,
  deliverHubEvents,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { FileBlobs, fileBlobRoutes } from '../server/src/runtime/local/file-blobs.ts';
import {
  failNextWrite,
  interleave,
  pendingEvents,
  type MerchantApi,
} from '../server/src/payments/test-support.ts';

/**
 * What recurring billing's money code (charging.ts, cycle.ts) must do at each edge the main
 * billing tests pass over: credit larger than an invoice, two invoices in dunning at once, a
 * renewal failing while unpaid, retries exhausted into a cancel, a canceled subscription's open
 * invoice paid by hand, the period a plan change bills. SQLite, the sandbox clock only.
 */

const iso = (ms: number) => new Date(ms).toISOString();
/** The 15th of month `m` (0 = January 2026) at noon: a monthly subscription's renewal days. */
const renewal = (m: number) => Date.UTC(2026, m, 15, 12, 0, 0);
const declining = '4000000000000002';

let t: TestApp;
let api: MerchantApi;
let merchantId: string;
beforeEach(async () => {
  ({ t, api, merchantId } = await setUpBilling());
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
async function subscribe(body: Record<string, unknown>) {
  const created = await api('POST', '/v1/subscriptions', body);
  expect(created.status, created.text).toBe(201);
  return created.json;
}
async function setCard(customer: string, method: string, behaviour: string) {
  const changed = await api('PATCH', `/v1/customers/${customer}/payment-methods/${method}`, {
    test_behaviour: behaviour,
  });
  expect(changed.status, changed.text).toBe(200);
}
/** Sum of what the merchant's payment intents captured: what billing really charged. */
async function captured() {
  const intents = (await get('/v1/payment-intents?limit=100')).data;
  return intents.reduce((sum: number, i: { amount_captured: number }) => sum + i.amount_captured, 0);
}

describe('periods', () => {
  it('renews a month anchored on the 31st on the last day of a shorter month, then on the 31st again', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    await advanceDays(api, 16);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const jan31 = Date.UTC(2026, 0, 31, 12, 0, 0);
    expect(sub).toMatchObject({
      current_period_start: iso(jan31),
      current_period_end: iso(Date.UTC(2026, 1, 28, 12, 0, 0)),
    });
    await advanceDays(api, 28 + 31);
    const invoices = await invoicesOf(sub.id);
    expect(
      invoices.map((i: { period_start: string; period_end: string }) => [i.period_start, i.period_end]),
    ).toEqual([
      [iso(jan31), iso(Date.UTC(2026, 1, 28, 12, 0, 0))],
      [iso(Date.UTC(2026, 1, 28, 12, 0, 0)), iso(Date.UTC(2026, 2, 31, 12, 0, 0))],
      [iso(Date.UTC(2026, 2, 31, 12, 0, 0)), iso(Date.UTC(2026, 3, 30, 12, 0, 0))],
    ]);
    expect(await captured()).toBe(6000);
  });

  it('renews a plan of every two weeks each 14 days, and one of every three months each quarter', async () => {
    const { customer, method } = await planAndCustomer(api);
    const fortnightly = await newPlan(700, { interval: 'week', interval_count: 2 });
    const quarterly = await newPlan(5000, { interval_count: 3 });
    const weeks = await subscribe({ customer, plan: fortnightly, payment_method: method });
    const months = await subscribe({ customer, plan: quarterly, payment_method: method });
    expect(weeks.current_period_end).toBe(iso(billingStart + 14 * day));
    expect(months.current_period_end).toBe(iso(Date.UTC(2026, 3, 15, 12, 0, 0)));
    await advanceDays(api, 90);
    expect((await invoicesOf(weeks.id)).map((i: { period_start: string }) => i.period_start)).toEqual(
      [0, 14, 28, 42, 56, 70, 84].map((d) => iso(billingStart + d * day)),
    );
    expect(await get(`/v1/subscriptions/${months.id}`)).toMatchObject({
      current_period_start: iso(Date.UTC(2026, 3, 15, 12, 0, 0)),
      current_period_end: iso(Date.UTC(2026, 6, 15, 12, 0, 0)),
    });
    expect(await captured()).toBe(7 * 700 + 2 * 5000);
  });

  it('gives no share of a period without length', () => {
    expect(remainingShare(3000, { start: billingStart, end: billingStart }, billingStart)).toBe(0);
    expect(remainingShare(3000, { start: billingStart, end: billingStart + 999 }, billingStart)).toBe(0);
  });
});

describe('credit', () => {
  it('covers a renewal smaller than the credit: nothing charged, only the invoice’s amount used', async () => {
    const { customer, method, plan: pro } = await planAndCustomer(api, { amount: 9000, name: 'Pro' });
    const basic = await newPlan(1000, { name: 'Basic' });
    const sub = await subscribe({ customer, plan: pro, payment_method: method });
    await advanceDays(api, 1);
    const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: basic });
    expect(changed.status, changed.text).toBe(200);
    const change = await get(`/v1/invoices/${changed.json.latest_invoice}`);
    const credit = -change.subtotal;
    expect(credit).toBeGreaterThan(1000);
    // A credit invoice uses no credit and charges nothing: no attempt, paid at once.
    expect(change).toMatchObject({
      status: 'paid',
      credit_applied: 0,
      amount_due: 0,
      amount_paid: 0,
      attempt_count: 0,
      attempts: [],
      paid_at: iso(billingStart + day),
      // Both lines are prorations: the invoice spans the change to the period's end.
      period_start: iso(billingStart + day),
      period_end: iso(renewal(1)),
    });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({ USD: credit });
    expect(changed.json).toMatchObject({ status: 'active', next_action_at: iso(renewal(1)) });

    const run = await advanceDays(api, 31);
    // The renewal was finalized and paid from credit: no charge counted.
    expect(run).toMatchObject({ invoices_finalized: 1, charges_succeeded: 0, charges_failed: 0 });
    const renewed = (await invoicesOf(sub.id)).at(-1);
    expect(renewed).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'paid',
      subtotal: 1000,
      credit_applied: 1000,
      amount_due: 0,
      amount_paid: 0,
      attempt_count: 0,
      attempts: [],
      paid_at: iso(renewal(1)),
      next_payment_attempt: null,
    });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({ USD: credit - 1000 });
    // Only the first invoice (9000) was ever charged.
    expect(await captured()).toBe(9000);
    const types = (await billingEvents(renewed.id)).map((e) => e.type);
    expect(types).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid']);
  });
});

describe('a change to a plan of the same price', () => {
  it('bills nothing and leaves the customer no credit', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const twin = await newPlan(2000, { name: 'Twin' });
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 5);
    const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: twin });
    expect(changed.status, changed.text).toBe(200);
    expect(await get(`/v1/invoices/${changed.json.latest_invoice}`)).toMatchObject({
      subtotal: 0,
      credit_applied: 0,
      amount_due: 0,
      status: 'paid',
      attempts: [],
    });
    expect((await get(`/v1/customers/${customer}`)).credit_balance).toEqual({});
    expect(await captured()).toBe(2000);
  });
});

describe('dunning', () => {
  it('keeps a subscription past due while another of its invoices is still unpaid', async () => {
    // Renewed every two days: the next period's invoice comes while the first is in dunning.
    const { customer, method, plan } = await planAndCustomer(
      api,
      { interval: 'day', interval_count: 2 },
      declining,
    );
    const sub = await subscribe({ customer, plan, payment_method: method });
    expect(sub).toMatchObject({ status: 'past_due', next_action_at: iso(billingStart + day) });
    const first = await get(`/v1/invoices/${sub.latest_invoice}`);
    expect(first).toMatchObject({
      status: 'open',
      attempt_count: 1,
      amount_paid: 0,
      paid_at: null,
      next_payment_attempt: iso(billingStart + day),
      attempts: [
        {
          attempt: 1,
          at: iso(billingStart),
          status: 'failed',
          error_code: 'card_declined',
          decline_code: 'generic_decline',
        },
      ],
    });
    expect(first.attempts[0].payment_intent).toMatch(/^pi_/);

    // The first retry fails a day later, and the renewal's invoice the day after, with its own schedule.
    await advanceDays(api, 2);
    const renewed = await get(`/v1/subscriptions/${sub.id}`);
    const second = await get(`/v1/invoices/${renewed.latest_invoice}`);
    expect(second).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_cycle',
      next_payment_attempt: iso(billingStart + 3 * day),
    });
    expect(await get(`/v1/invoices/${first.id}`)).toMatchObject({
      attempt_count: 2,
      next_payment_attempt: iso(billingStart + 3 * day),
    });
    expect(renewed).toMatchObject({ status: 'past_due', next_action_at: iso(billingStart + 3 * day) });

    await setCard(customer, method, 'success');
    const paidSecond = await api('POST', `/v1/invoices/${second.id}/pay`);
    expect(paidSecond.status, paidSecond.text).toBe(200);
    expect(paidSecond.json).toMatchObject({
      status: 'paid',
      amount_paid: second.amount_due,
      paid_at: iso(billingStart + 2 * day),
      next_payment_attempt: null,
      attempt_count: 2,
    });
    // Still owing the first invoice: past due, its retry still scheduled.
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'past_due',
      next_action_at: iso(billingStart + 3 * day),
    });
    const paidFirst = await api('POST', `/v1/invoices/${first.id}/pay`);
    expect(paidFirst.json).toMatchObject({ status: 'paid', amount_paid: 2000 });
    const after = await get(`/v1/subscriptions/${sub.id}`);
    // Paying the older invoice leaves the newest as the latest.
    expect(after).toMatchObject({
      status: 'active',
      latest_invoice: second.id,
      next_action_at: after.current_period_end,
    });
    expect(after.status_history.map((h: { status: string; reason: string }) => [h.status, h.reason])).toEqual(
      [
        ['active', 'created'],
        ['past_due', `invoice ${first.id} payment failed`],
        ['active', `invoice ${first.id} paid`],
      ],
    );
    expect(await captured()).toBe(2000 + second.amount_due);
    // Nothing left to retry: two days on, only the renewal.
    const run = await advanceDays(api, 2);
    expect(run).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1, charges_failed: 0 });
  });

  it('retries on the published schedule, then leaves an unpaid subscription unpaid when its next renewal fails', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'unpaid' });
    const run = await advanceDays(api, 8);
    expect(run).toMatchObject({ invoices_finalized: 0, charges_failed: 4, subscriptions_canceled: 0 });
    const first = await get(`/v1/invoices/${sub.latest_invoice}`);
    expect(first.attempts.map((a: { attempt: number; at: string }) => [a.attempt, a.at])).toEqual(
      [0, 1, 3, 5, 7].map((d, n) => [n + 1, iso(billingStart + d * day)]),
    );
    expect(first).toMatchObject({ status: 'open', attempt_count: 5, next_payment_attempt: null });
    const unpaid = await get(`/v1/subscriptions/${sub.id}`);
    expect(unpaid).toMatchObject({ status: 'unpaid', next_action_at: iso(renewal(1)) });

    await advanceDays(api, 23.5);
    const renewed = (await invoicesOf(sub.id)).at(-1);
    expect(renewed).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'open',
      next_payment_attempt: iso(renewal(1) + day),
    });
    const still = await get(`/v1/subscriptions/${sub.id}`);
    expect(still).toMatchObject({ status: 'unpaid', next_action_at: iso(renewal(1) + day) });
    expect(still.status_history.map((h: { status: string; at: string }) => [h.status, h.at])).toEqual([
      ['active', iso(billingStart)],
      ['past_due', iso(billingStart)],
      ['unpaid', iso(billingStart + 7 * day)],
    ]);
    expect(still.status_history[2].reason).toBe(`retries of invoice ${first.id} exhausted`);
    expect(await captured()).toBe(0);
  });

  it('cancels when the last retry fails, if so configured: the invoice uncollectible, the subscription ended then', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'cancel' });
    const run = await advanceDays(api, 40);
    expect(run).toMatchObject({
      invoices_finalized: 0,
      charges_succeeded: 0,
      charges_failed: 4,
      subscriptions_canceled: 1,
    });
    const ended = await get(`/v1/subscriptions/${sub.id}`);
    expect(ended).toMatchObject({
      status: 'canceled',
      canceled_at: iso(billingStart + 7 * day),
      ended_at: iso(billingStart + 7 * day),
      next_action_at: null,
    });
    expect(ended.status_history.at(-1)).toEqual({
      status: 'canceled',
      at: iso(billingStart + 7 * day),
      reason: `retries of invoice ${sub.latest_invoice} exhausted`,
    });
    const invoice = await get(`/v1/invoices/${sub.latest_invoice}`);
    expect(invoice).toMatchObject({ status: 'uncollectible', attempt_count: 5, next_payment_attempt: null });
    const events = await billingEvents(sub.latest_invoice);
    expect(events.map((e) => e.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      ...Array(5).fill('invoice.payment_failed'),
      'invoice.marked_uncollectible',
    ]);
    // Each failure's event names the next retry; the last one none.
    expect(
      events
        .filter((e) => e.type === 'invoice.payment_failed')
        .map(
          (e) => (e.data as { object: { next_payment_attempt: string | null } }).object.next_payment_attempt,
        ),
    ).toEqual([1, 3, 5, 7].map((d) => iso(billingStart + d * day)).concat([null as unknown as string]));
    const canceled = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.canceled');
    expect(canceled).toHaveLength(1);
    expect(canceled[0]!.data).toMatchObject({ previous_status: 'past_due', object: { status: 'canceled' } });
    expect((await invoicesOf(sub.id)).map((i: { status: string }) => i.status)).toEqual(['uncollectible']);
    expect(await captured()).toBe(0);
  });

  it('asks a wallet payer once per retry, shows no next attempt while they decide, and goes on with the schedule after a rejection', async () => {
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
    const invoice = () => get(`/v1/invoices/${sub.latest_invoice}`);
    /** The payer's answer to the invoice's last attempt, reported by the hub. */
    async function answer(decision: 'approve' | 'reject') {
      const intent = (await invoice()).attempts.at(-1).payment_intent;
      const answered = await t.call('POST', `/v1/payer/payment-intents/${intent}/${decision}`, {
        token: payer.token,
      });
      expect(answered.status, answered.text).toBe(200);
      await deliverHubEvents(t);
    }
    await answer('reject');
    expect(await invoice()).toMatchObject({ next_payment_attempt: iso(billingStart + day) });

    // The first retry asks the payer again, once; nothing is due while they decide.
    expect(await advanceDays(api, 1)).toMatchObject({ charges_succeeded: 0, charges_failed: 0 });
    const asked = await invoice();
    expect(asked.attempts.map((a: { status: string }) => a.status)).toEqual(['failed', 'pending']);
    expect(asked).toMatchObject({ status: 'open', next_payment_attempt: null });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'past_due',
      next_action_at: iso(billingStart + 7 * day),
    });
    await advanceDays(api, 1);
    expect((await invoice()).attempts).toHaveLength(2);

    // Rejected: the schedule goes on from the first failure (the second retry on day 3).
    await answer('reject');
    expect(await invoice()).toMatchObject({
      attempts: [{ status: 'failed' }, { status: 'failed' }],
      next_payment_attempt: iso(billingStart + 3 * day),
    });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      next_action_at: iso(billingStart + 3 * day),
    });
    await advanceDays(api, 1);
    await answer('approve');
    expect(await invoice()).toMatchObject({ status: 'paid', amount_paid: 500, attempt_count: 3 });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'active',
      next_action_at: iso(billingStart + 7 * day),
    });
    expect(await captured()).toBe(500);
  });

  it('stops the other invoice’s retries too when a wallet payer’s rejection of the last retry cancels the subscription', async () => {
    expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
    const payer = await t.signUp('payer');
    // Renewed every five days: the next period's invoice comes while the first is in dunning.
    const plan = await newPlan(500, { interval: 'day', interval_count: 5 });
    const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
    const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    });
    expect(method.status, method.text).toBe(201);
    /** The payer rejects the invoice's pending attempt, and the hub reports it. */
    async function reject(invoice: string) {
      const last = (await get(`/v1/invoices/${invoice}`)).attempts.at(-1);
      expect(last.status).toBe('pending');
      const answered = await t.call('POST', `/v1/payer/payment-intents/${last.payment_intent}/reject`, {
        token: payer.token,
      });
      expect(answered.status, answered.text).toBe(200);
      await deliverHubEvents(t);
    }
    const sub = await subscribe({
      customer,
      plan,
      payment_method: method.json.id,
      on_retries_exhausted: 'cancel',
    });
    const first = sub.latest_invoice;
    await reject(first);
    // The retries, each asked and rejected: the first invoice's on days 1, 3 and 5; on day 5 the
    // renewal's invoice too, and its first retry on day 6.
    for (const days of [1, 2, 2]) {
      await advanceDays(api, days);
      await reject(first);
    }
    const second = (await get(`/v1/subscriptions/${sub.id}`)).latest_invoice;
    expect(second).not.toBe(first);
    await reject(second);
    await advanceDays(api, 1);
    await reject(second);
    expect(await get(`/v1/invoices/${second}`)).toMatchObject({
      next_payment_attempt: iso(billingStart + 8 * day),
    });
    // Day 7: the first invoice's last retry, rejected, ends the subscription.
    await advanceDays(api, 1);
    await reject(first);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      next_action_at: null,
    });
    expect(await get(`/v1/invoices/${first}`)).toMatchObject({ status: 'uncollectible', attempt_count: 5 });
    expect(await get(`/v1/invoices/${second}`)).toMatchObject({
      status: 'open',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    expect(await captured()).toBe(0);
  });

  it('schedules no retry for a failed charge by hand of a canceled subscription’s invoice, even one still showing a retry', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method });
    expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(200);
    // As an invoice whose subscription ended before every end stopped its retries (older releases).
    const key = { pk: `BIL#INV#${sub.latest_invoice}`, sk: 'INV' };
    const stored = (await t.store.get(key))!;
    await t.store.transact([
      {
        type: 'put',
        item: {
          ...stored,
          next_payment_attempt: iso(billingStart + day),
          version: (stored.version as number) + 1,
        },
      },
    ]);
    const failed = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(failed.json).toMatchObject({ status: 'open', attempt_count: 2, next_payment_attempt: null });
    // Its event says so too.
    const events = (await billingEvents(sub.latest_invoice)).filter(
      (e) => e.type === 'invoice.payment_failed',
    );
    expect(
      events.map(
        (e) => (e.data as { object: { next_payment_attempt: string | null } }).object.next_payment_attempt,
      ),
    ).toEqual([iso(billingStart + day), null]);
    expect(await captured()).toBe(0);
  });

  it('stops the retries of another invoice in dunning when one invoice’s exhausted retries cancel the subscription', async () => {
    // Renewed every five days: the next period's invoice comes while the first is in dunning.
    const { customer, method, plan } = await planAndCustomer(
      api,
      { interval: 'day', interval_count: 5 },
      declining,
    );
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'cancel' });
    // The first invoice's retries on days 1, 3 and 5 fail, and so does the renewal's invoice on day 5.
    expect(await advanceDays(api, 5)).toMatchObject({ invoices_finalized: 1, charges_failed: 4 });
    const second = (await get(`/v1/subscriptions/${sub.id}`)).latest_invoice;
    expect(second).not.toBe(sub.latest_invoice);
    expect(await get(`/v1/invoices/${second}`)).toMatchObject({
      next_payment_attempt: iso(billingStart + 6 * day),
    });
    // Day 6 the second's first retry fails; day 7 the first invoice's last, which ends the subscription.
    expect(await advanceDays(api, 2)).toMatchObject({ charges_failed: 2, subscriptions_canceled: 1 });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      ended_at: iso(billingStart + 7 * day),
      next_action_at: null,
    });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({ status: 'uncollectible' });
    expect(await get(`/v1/invoices/${second}`)).toMatchObject({
      status: 'open',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    // A charge by hand that fails schedules nothing either.
    const failed = await api('POST', `/v1/invoices/${second}/pay`);
    expect(failed.json).toMatchObject({ status: 'open', attempt_count: 3, next_payment_attempt: null });
    expect(await advanceDays(api, 40)).toMatchObject({ invoices_finalized: 0, charges_failed: 0 });
    expect(await captured()).toBe(0);
  });

  it('charges a canceled subscription’s open invoice by hand without reviving it or scheduling retries', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const canceled = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {});
    expect(canceled.json).toMatchObject({ status: 'canceled', next_action_at: null });
    // Canceling stops the invoice's retries.
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'open',
      next_payment_attempt: null,
    });

    const failed = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(failed.status, failed.text).toBe(200);
    expect(failed.json).toMatchObject({ status: 'open', attempt_count: 2, next_payment_attempt: null });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      next_action_at: null,
    });
    const paymentFailed = (await billingEvents(sub.latest_invoice)).filter(
      (e) => e.type === 'invoice.payment_failed',
    );
    expect(paymentFailed).toHaveLength(2);

    await setCard(customer, method, 'success');
    const paid = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(paid.json).toMatchObject({ status: 'paid', amount_paid: 2000, attempt_count: 3 });
    const after = await get(`/v1/subscriptions/${sub.id}`);
    expect(after).toMatchObject({ status: 'canceled', next_action_at: null });
    expect(after.status_history.map((h: { status: string }) => h.status)).toEqual([
      'active',
      'past_due',
      'canceled',
    ]);
    // Nothing renews or retries later.
    expect(await advanceDays(api, 40)).toMatchObject({ invoices_finalized: 0, charges_failed: 0 });
    expect(await captured()).toBe(2000);
  });
});

describe('the cycle', () => {
  it('renews at the period’s end with the plan’s line, counted, whatever the jump', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    // To the second the period ends: the renewal due then runs.
    expect(await advanceDays(api, 31)).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
    const run = await advanceDays(api, 39);
    expect(run).toMatchObject({
      invoices_finalized: 1,
      charges_succeeded: 1,
      charges_failed: 0,
      subscriptions_canceled: 0,
    });
    const invoices = await invoicesOf(sub.id);
    expect(invoices).toHaveLength(3);
    expect(invoices[1]).toMatchObject({
      billing_reason: 'subscription_cycle',
      created_at: iso(renewal(1)),
      paid_at: iso(renewal(1)),
      period_start: iso(renewal(1)),
      period_end: iso(renewal(2)),
      amount_paid: 2000,
      lines: [
        {
          description: 'Pro (2026-02-15 – 2026-03-15)',
          amount: 2000,
          plan,
          proration: false,
          period: { start: iso(renewal(1)), end: iso(renewal(2)) },
        },
      ],
    });
    expect(invoices[2]).toMatchObject({ period_start: iso(renewal(2)), period_end: iso(renewal(3)) });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'active',
      latest_invoice: invoices[2].id,
      current_period_start: iso(renewal(2)),
      current_period_end: iso(renewal(3)),
      next_action_at: iso(renewal(3)),
    });
    // No status changed: no subscription event besides its creation.
    expect((await billingEvents(sub.id)).map((e) => e.type)).toEqual(['subscription.created']);
    expect(await captured()).toBe(6000);
  });

  it('ends a trial by charging its first period, the subscription active from then', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method, trial_days: 10 });
    const run = await advanceDays(api, 11);
    expect(run).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
    const after = await get(`/v1/subscriptions/${sub.id}`);
    expect(after.status_history).toEqual([
      { status: 'trialing', at: iso(billingStart), reason: 'created' },
      { status: 'active', at: iso(billingStart + 10 * day), reason: 'trial ended' },
    ]);
    const updated = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({ previous_status: 'trialing', object: { status: 'active' } });
    const [invoice] = await invoicesOf(sub.id);
    expect(invoice).toMatchObject({
      period_start: iso(billingStart + 10 * day),
      status: 'paid',
      amount_paid: 2000,
    });
  });

  it('keeps a trial when its plan changes during it', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const premium = await newPlan(5000, { name: 'Premium' });
    const sub = await subscribe({ customer, plan, payment_method: method, trial_days: 10 });
    await advanceDays(api, 2);
    const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: premium });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({
      status: 'trialing',
      trial_end: sub.trial_end,
      latest_invoice: null,
    });
    expect(changed.json.status_history).toEqual([
      { status: 'trialing', at: iso(billingStart), reason: 'created' },
    ]);
    expect(await captured()).toBe(0);
  });

  it('cancels at the period’s end: ended then, canceled when asked, no renewal', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 3);
    const asked = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, { at_period_end: true });
    expect(asked.status, asked.text).toBe(200);
    const run = await advanceDays(api, 40);
    expect(run).toMatchObject({ invoices_finalized: 0, charges_succeeded: 0, subscriptions_canceled: 1 });
    const ended = await get(`/v1/subscriptions/${sub.id}`);
    expect(ended).toMatchObject({
      status: 'canceled',
      canceled_at: iso(billingStart + 3 * day),
      ended_at: iso(renewal(1)),
      next_action_at: null,
    });
    expect(ended.status_history.at(-1)).toEqual({
      status: 'canceled',
      at: iso(renewal(1)),
      reason: 'canceled at period end',
    });
    const canceled = (await billingEvents(sub.id)).filter((e) => e.type === 'subscription.canceled');
    expect(canceled.map((e) => e.data)).toMatchObject([
      { previous_status: 'active', sandbox_time: iso(renewal(1)) },
    ]);
    expect(await captured()).toBe(2000);
  });

  it('stops the retries of an invoice in dunning when the subscription ends at its period’s end', async () => {
    const { customer, method, plan } = await planAndCustomer(api, { interval: 'day' }, declining);
    const sub = await subscribe({ customer, plan, payment_method: method });
    expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, { at_period_end: true })).status).toBe(
      200,
    );
    // The first retry runs at the period's end, then the subscription ends.
    await advanceDays(api, 2);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      next_action_at: null,
    });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'open',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    // A charge by hand that fails schedules nothing either.
    const failed = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(failed.json).toMatchObject({ status: 'open', attempt_count: 3, next_payment_attempt: null });
    expect(await captured()).toBe(0);
  });

  it('bills a change to another interval for the whole new period, from the change', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const yearly = await newPlan(20_000, { name: 'Yearly', interval: 'year' });
    const sub = await subscribe({ customer, plan, payment_method: method });
    await advanceDays(api, 10);
    const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: yearly });
    expect(changed.status, changed.text).toBe(200);
    const invoice = await get(`/v1/invoices/${changed.json.latest_invoice}`);
    const at = billingStart + 10 * day;
    expect(invoice).toMatchObject({
      period_start: iso(at),
      period_end: iso(Date.UTC(2027, 0, 25, 12, 0, 0)),
      status: 'paid',
    });
    expect(invoice.lines[1]).toMatchObject({ amount: 20_000, proration: false });
    expect(invoice.amount_paid).toBe(20_000 + invoice.lines[0].amount);
    expect(await captured()).toBe(2000 + invoice.amount_paid);
  });
});

describe('invoices', () => {
  it('answers 404 naming the invoice for one that does not exist or is another merchant’s', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const other = await billingMerchant(t);
    const missing = 'in_01M90000000000000000000000';
    for (const [caller, id] of [
      [api, missing],
      [other.api, sub.latest_invoice],
    ] as const)
      for (const refused of [
        await caller('GET', `/v1/invoices/${id}`),
        await caller('POST', `/v1/invoices/${id}/pay`),
      ]) {
        expect(refused.status, refused.text).toBe(404);
        expect(refused.json.error).toMatchObject({ code: 'not_found', message: `No invoice ${id}.` });
      }
  });

  it('refuses paying an invoice that is not open, saying its status', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const refused = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: `Invoice ${sub.latest_invoice} is paid.`,
      status: 'paid',
    });
    expect(await captured()).toBe(2000);
  });

  it('refuses paying an open invoice while a charge holds its subscription', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method });
    await setCard(customer, method, 'success');
    // As a retry's claim holds it (charging, not yet settled).
    const stored = (await t.store.get({ pk: `BIL#SUB#${sub.id}`, sk: 'SUB' }))!;
    await t.store.transact([
      {
        type: 'put',
        item: {
          ...stored,
          charging: { invoice: sub.latest_invoice, since: t.clock.now() },
          version: (stored.version as number) + 1,
        },
      },
    ]);
    const refused = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'conflict',
      message: `Subscription ${sub.id} is being charged right now; try again in a moment.`,
    });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'open',
      attempt_count: 1,
    });
    expect(await captured()).toBe(0);
  });

  it('fails the PDF, handing out no URL, when the Blobs store refuses its upload', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const dir = await mkdtemp(join(tmpdir(), 'billing-pdf-'));
    const blobApp = new Hono();
    const server = serve({ fetch: (request) => blobApp.fetch(request), port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const blobs = new FileBlobs({ dir, baseUrl, signingKey: 'billing-test-signing-key-of-32-bytes!!' });
      // The store behind the URLs checks them with another key: it refuses every upload (403).
      const store = new FileBlobs({ dir, baseUrl, signingKey: 'another-signing-key-of-32-bytes-long!!' });
      blobApp.route('/', fileBlobRoutes(store));
      await expect(
        invoicePdf({ ...billingDepsOf(t), blobs }, merchantId, sub.latest_invoice),
      ).rejects.toThrow('storing the invoice PDF failed with HTTP 403');
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('status history', () => {
  it('keeps the last 50 status changes', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method });
    // 50 changes already, the last one past due.
    const planted = Array.from({ length: 50 }, (_, n) => ({
      status: n % 2 === 0 ? 'active' : 'past_due',
      at: iso(billingStart),
      reason: `change ${n}`,
    }));
    const stored = (await t.store.get({ pk: `BIL#SUB#${sub.id}`, sk: 'SUB' }))!;
    await t.store.transact([
      {
        type: 'put',
        item: { ...stored, status_history: planted, version: (stored.version as number) + 1 },
      },
    ]);
    await setCard(customer, method, 'success');
    expect((await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`)).json).toMatchObject({
      status: 'paid',
    });
    const history = (await get(`/v1/subscriptions/${sub.id}`)).status_history;
    expect(history).toEqual([
      ...planted.slice(1),
      { status: 'active', at: iso(billingStart), reason: `invoice ${sub.latest_invoice} paid` },
    ]);
    expect(await captured()).toBe(2000);
  });
});

describe('refusals', () => {
  it('records a charge no provider takes as a failed attempt without a payment intent', async () => {
    const plan = await newPlan(1500);
    const payer = await t.signUp('payer');
    const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
    // The merchant has a card connector only: nothing takes a wallet payment.
    const method = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: payer.id },
    });
    expect(method.status, method.text).toBe(201);
    const sub = await subscribe({ customer, plan, payment_method: method.json.id });
    expect(sub).toMatchObject({ status: 'past_due', next_action_at: iso(billingStart + day) });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempts: [
        {
          attempt: 1,
          at: iso(billingStart),
          payment_intent: null,
          status: 'failed',
          error_code: 'method_not_supported',
          decline_code: null,
        },
      ],
      next_payment_attempt: iso(billingStart + day),
    });
    expect((await get('/v1/payment-intents')).data).toEqual([]);
    const run = await advanceDays(api, 1);
    expect(run).toMatchObject({ charges_failed: 1 });
    expect((await get(`/v1/invoices/${sub.latest_invoice}`)).attempts).toHaveLength(2);
  });

  it('leaves a charge the provider answers with a server error to recovery: thrown, no attempt recorded, the subscription held', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    // The payments sandbox's own advance: the renewal is due, billing has not run.
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 31 * 86_400 })).status).toBe(200);
    const deps = billingDepsOf(t);
    const broken = new AppError('internal_error', 'the provider broke');
    const card = deps.hub.connectors.sandbox_card;
    const failing = {
      ...deps,
      hub: {
        ...deps.hub,
        connectors: {
          ...deps.hub.connectors,
          sandbox_card: {
            ...card,
            authorize: async () => {
              throw broken;
            },
          },
        },
      },
    };
    await expect(runDue(failing, merchantId)).rejects.toBe(broken);
    const renewal = (await invoicesOf(sub.id)).at(-1);
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'open',
      attempt_count: 0,
      attempts: [],
    });
    const refused = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'conflict' });
    expect(await captured()).toBe(2000);
  });

  it('refuses changing a canceled subscription, or one being charged, saying why', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const held = await subscribe({ customer, plan, payment_method: method });
    expect((await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(200);
    for (const refused of [
      await api('POST', `/v1/subscriptions/${sub.id}/cancel`, {}),
      await api('POST', `/v1/subscriptions/${sub.id}`, { on_retries_exhausted: 'cancel' }),
    ]) {
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({
        code: 'invalid_state_transition',
        message: `Subscription ${sub.id} is canceled.`,
        status: 'canceled',
      });
    }
    // As a charge in flight holds it (claimed, not yet settled).
    const stored = (await t.store.get({ pk: `BIL#SUB#${held.id}`, sk: 'SUB' }))!;
    await t.store.transact([
      {
        type: 'put',
        item: {
          ...stored,
          charging: { invoice: held.latest_invoice, since: t.clock.now() },
          version: (stored.version as number) + 1,
        },
      },
    ]);
    for (const refused of [
      await api('POST', `/v1/subscriptions/${held.id}/cancel`, {}),
      await api('POST', `/v1/subscriptions/${held.id}`, { on_retries_exhausted: 'cancel' }),
    ]) {
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({
        code: 'conflict',
        message: `Subscription ${held.id} is being charged right now; try again in a moment.`,
      });
    }
    // A held subscription is not renewed either, until its charge settles.
    expect(await advanceDays(api, 40)).toMatchObject({ invoices_finalized: 0 });
    expect(await invoicesOf(held.id)).toHaveLength(1);
  });
});

/** Whether the transaction finalizes a renewal's invoice (its put of a `subscription_cycle` invoice). */
const isRenewal = (operations: WriteOperation[]) =>
  operations.some((op) => op.type === 'put' && op.item.billing_reason === 'subscription_cycle');

describe('runs', () => {
  it('renews once from where a change that overtook the renewal left the subscription', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method });
    const race = interleave(t, isRenewal, async () => {
      const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { on_retries_exhausted: 'cancel' });
      expect(changed.status, changed.text).toBe(200);
    });
    expect(await advanceDays(api, 31)).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
    expect(race.count).toBe(1);
    const invoices = await invoicesOf(sub.id);
    expect(invoices.map((i: { status: string; created_at: string }) => [i.status, i.created_at])).toEqual([
      ['paid', iso(billingStart)],
      ['paid', iso(renewal(1))],
    ]);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      on_retries_exhausted: 'cancel',
      latest_invoice: invoices[1].id,
      next_action_at: iso(renewal(2)),
    });
    expect(await captured()).toBe(4000);
  });

  it('refuses a change that read the subscription before a charge committed, instead of writing over the charge', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'unpaid' });
    expect(sub.status).toBe('past_due');
    await setCard(customer, method, 'success');
    // The change's write waits until the invoice is paid by hand (claimed, charged, settled).
    const race = interleave(
      t,
      (operations) =>
        operations.some(
          (op) =>
            op.type === 'put' &&
            op.item.object === 'subscription' &&
            op.item.on_retries_exhausted === 'cancel',
        ),
      async () => {
        const paid = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
        expect(paid.json).toMatchObject({ status: 'paid' });
      },
    );
    const stale = await api('POST', `/v1/subscriptions/${sub.id}`, { on_retries_exhausted: 'cancel' });
    expect(race.count).toBe(1);
    // Refused as a lost race, nothing written.
    expect(stale.status, stale.text).toBe(409);
    expect(stale.json.error).toMatchObject({ code: 'conflict' });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'active',
      on_retries_exhausted: 'unpaid',
      next_action_at: sub.current_period_end,
    });
    expect(await captured()).toBe(2000);
  });

  it('the schedule runs every action due in one run: each subscription’s retries and renewals, oldest first', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const good = await planAndCustomer(api);
    const failing = await subscribe({
      customer,
      plan,
      payment_method: method,
      on_retries_exhausted: 'unpaid',
    });
    const paying = await subscribe({ customer: good.customer, plan: good.plan, payment_method: good.method });
    // The payments sandbox's own advance: 40 days due at once, billing has not run.
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 40 * 86_400 })).status).toBe(200);
    // The first invoice's four retries, the renewal on Feb 15 and its four retries; the other's renewal.
    expect(await runAllDue(billingDepsOf(t))).toEqual({
      invoices_finalized: 2,
      charges_succeeded: 1,
      charges_failed: 9,
      subscriptions_canceled: 0,
    });
    expect((await invoicesOf(failing.id)).map((i: { attempt_count: number }) => i.attempt_count)).toEqual([
      5, 5,
    ]);
    expect((await invoicesOf(paying.id)).map((i: { status: string }) => i.status)).toEqual(['paid', 'paid']);
    expect(await runAllDue(billingDepsOf(t))).toMatchObject({ invoices_finalized: 0, charges_failed: 0 });
    expect(await captured()).toBe(4000);
  });

  it('clears the retry of an invoice closed meanwhile without charging it, and goes on to the others and the renewal', async () => {
    // Renewed every two days: the next period's invoice comes while the first is in dunning.
    const { customer, method, plan } = await planAndCustomer(
      api,
      { interval: 'day', interval_count: 2 },
      declining,
    );
    const sub = await subscribe({ customer, plan, payment_method: method });
    // The payments sandbox's own advance, then one run: the first retry (day 1) and the renewal's
    // invoice (day 2) fail; both invoices are retried next on day 3, the first invoice's first.
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * 86_400 })).status).toBe(200);
    expect(await runAllDue(billingDepsOf(t))).toMatchObject({ invoices_finalized: 1, charges_failed: 2 });
    const renewed = await get(`/v1/invoices/${(await get(`/v1/subscriptions/${sub.id}`)).latest_invoice}`);
    expect(renewed).toMatchObject({ status: 'open', next_payment_attempt: iso(billingStart + 3 * day) });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      next_payment_attempt: iso(billingStart + 3 * day),
    });
    await setCard(customer, method, 'success');
    // As an invoice closed by a path that left its retry scheduled.
    const stored = (await t.store.get({ pk: `BIL#INV#${sub.latest_invoice}`, sk: 'INV' }))!;
    await t.store.transact([
      { type: 'put', item: { ...stored, status: 'uncollectible', version: (stored.version as number) + 1 } },
    ]);
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2.5 * 86_400 })).status).toBe(200);
    // The closed invoice's retry cleared; the renewal's invoice retried (paid); the next renewal.
    expect(await runAllDue(billingDepsOf(t))).toMatchObject({
      invoices_finalized: 1,
      charges_succeeded: 2,
      charges_failed: 0,
    });
    expect(await get(`/v1/invoices/${sub.latest_invoice}`)).toMatchObject({
      status: 'uncollectible',
      attempt_count: 2,
    });
    expect(await get(`/v1/invoices/${renewed.id}`)).toMatchObject({
      status: 'paid',
      paid_at: iso(billingStart + 3 * day),
    });
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'active',
      next_action_at: iso(billingStart + 6 * day),
    });
    expect(await captured()).toBe(renewed.amount_due + 2000);
  });

  it('a scheduled run writes nothing for a merchant with nothing due', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    await subscribe({ customer, plan, payment_method: method });
    const transact = t.store.transact.bind(t.store);
    const written: WriteOperation[][] = [];
    t.store.transact = async (operations: WriteOperation[]) => {
      written.push(operations);
      return transact(operations);
    };
    expect(await runAllDue(billingDepsOf(t))).toEqual(emptyCounts());
    t.store.transact = transact;
    expect(written).toEqual([]);
  });

  it('moves the clock to the target in one call without a deadline', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    await subscribe({ customer, plan, payment_method: method });
    const target = billingStart + 40 * day;
    const counts = emptyCounts();
    expect(await advanceTowards(billingDepsOf(t), merchantId, target, counts)).toEqual({
      sandbox_time: target,
      done: true,
    });
    expect(counts).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
  });

  it('the run lease passes on a store failure that is not a lost race', async () => {
    const deps = billingDepsOf(t);
    failNextWrite(t, (operations) => operations.some((op) => op.type === 'put' && 'holder' in op.item));
    await expect(withRunLease(deps, merchantId, 60_000, async () => 'ran')).rejects.toThrow('throughput');
    expect(await withRunLease(deps, merchantId, 0, async () => 'ran')).toBe('ran');
  });

  it('refuses a change that read the subscription before it was set to end and ended, instead of reviving it', async () => {
    const { customer, method, plan } = await planAndCustomer(api);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'unpaid' });
    // The change's write waits until the subscription is set to cancel at its period's end, and has ended.
    const race = interleave(
      t,
      (operations) =>
        operations.some(
          (op) =>
            op.type === 'put' &&
            op.item.object === 'subscription' &&
            op.item.on_retries_exhausted === 'cancel',
        ),
      async () => {
        const asked = await api('POST', `/v1/subscriptions/${sub.id}/cancel`, { at_period_end: true });
        expect(asked.status, asked.text).toBe(200);
        expect(await advanceDays(api, 31)).toMatchObject({ subscriptions_canceled: 1 });
      },
    );
    const stale = await api('POST', `/v1/subscriptions/${sub.id}`, { on_retries_exhausted: 'cancel' });
    expect(race.count).toBe(1);
    expect(stale.status, stale.text).toBe(409);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'canceled',
      on_retries_exhausted: 'unpaid',
      ended_at: iso(renewal(1)),
    });
    expect(await captured()).toBe(2000);
  });

  it('refuses a change that read the subscription before a retry of a closed invoice was cleared', async () => {
    const { customer, method, plan } = await planAndCustomer(api, {}, declining);
    const card = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
    });
    expect(card.status, card.text).toBe(201);
    const sub = await subscribe({ customer, plan, payment_method: method, on_retries_exhausted: 'unpaid' });
    const race = interleave(
      t,
      (operations) =>
        operations.some(
          (op) =>
            op.type === 'put' &&
            op.item.object === 'subscription' &&
            op.item.on_retries_exhausted === 'cancel',
        ),
      async () => {
        // The invoice closed by a path that left its retry scheduled; the card changed; the retry cleared.
        const stored = (await t.store.get({ pk: `BIL#INV#${sub.latest_invoice}`, sk: 'INV' }))!;
        await t.store.transact([
          {
            type: 'put',
            item: { ...stored, status: 'uncollectible', version: (stored.version as number) + 1 },
          },
        ]);
        const changed = await api('POST', `/v1/subscriptions/${sub.id}`, { payment_method: card.json.id });
        expect(changed.status, changed.text).toBe(200);
        expect(await advanceDays(api, 1)).toMatchObject({ charges_failed: 0 });
      },
    );
    const stale = await api('POST', `/v1/subscriptions/${sub.id}`, { on_retries_exhausted: 'cancel' });
    expect(race.count).toBe(1);
    expect(stale.status, stale.text).toBe(409);
    expect(await get(`/v1/subscriptions/${sub.id}`)).toMatchObject({
      payment_method: card.json.id,
      on_retries_exhausted: 'unpaid',
      next_action_at: iso(renewal(1)),
    });
    expect(await captured()).toBe(0);
  });

  it('the schedule goes on to the next merchant when one merchant’s run fails, and logs it', async () => {
    const other = await billingMerchant(t);
    const subs: string[] = [];
    for (const merchant of [api, other.api]) {
      const { customer, method, plan } = await planAndCustomer(merchant);
      const created = await merchant('POST', '/v1/subscriptions', { customer, plan, payment_method: method });
      expect(created.status, created.text).toBe(201);
      subs.push(created.json.id);
      // The payments sandbox's own advance: it makes the renewal due without running billing.
      expect(
        (await merchant('POST', '/v1/test-helpers/advance-clock', { seconds: 31 * 86_400 })).status,
      ).toBe(200);
    }
    const logged: Array<[string, unknown]> = [];
    const deps = {
      ...billingDepsOf(t),
      logger: {
        ...billingDepsOf(t).logger,
        error: (message: string, fields?: unknown) => logged.push([message, fields]),
      },
    };
    // The first renewal written fails as a throttled store does (not a lost race).
    failNextWrite(t, isRenewal);
    const counts = await runAllDue(deps);
    expect(counts).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('billing run failed for a merchant');
    expect(logged[0]![1]).toMatchObject({ error: expect.stringContaining('throughput') });
    // Its lease was released: the next run renews it.
    expect(await runAllDue(deps)).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
    expect(await runAllDue(deps)).toMatchObject({ invoices_finalized: 0 });
    for (const [n, merchant] of [api, other.api].entries())
      expect((await merchant('GET', `/v1/subscriptions/${subs[n]}/invoices`)).json.data).toHaveLength(2);
  });

  it('the run lease: one holder at a time, a waiter taking it once released, released after failed work, a crashed holder’s lapsing after 15 minutes', async () => {
    const deps = billingDepsOf(t);
    let inner: string | null | undefined;
    const outer = await withRunLease(deps, merchantId, 0, async () => {
      inner = await withRunLease(deps, merchantId, 0, async () => 'inner');
      return 'outer';
    });
    expect([outer, inner]).toEqual(['outer', null]);

    await expect(
      withRunLease(deps, merchantId, 0, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await withRunLease(deps, merchantId, 0, async () => 'after a failure')).toBe('after a failure');

    // A waiter refused once takes the lease when the holder is done.
    let release!: () => void;
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const first = withRunLease(deps, merchantId, 0, () => {
      started();
      return new Promise<string>((resolve) => (release = () => resolve('first')));
    });
    await isStarted;
    const transact = t.store.transact.bind(t.store);
    let refusals = 0;
    t.store.transact = async (operations: WriteOperation[]) => {
      try {
        return await transact(operations);
      } catch (error) {
        if (operations.some((op) => op.type === 'put' && 'holder' in op.item) && ++refusals === 1) release();
        throw error;
      }
    };
    const second = await withRunLease(deps, merchantId, 60_000, async () => 'second');
    t.store.transact = transact;
    expect([await first, second, refusals]).toEqual(['first', 'second', 1]);

    // A holder that never finishes (a crashed process) keeps it 15 minutes, on the app's clock.
    let crashed!: () => void;
    const isHeld = new Promise<void>((resolve) => (crashed = resolve));
    void withRunLease(deps, merchantId, 0, () => {
      crashed();
      return new Promise<never>(() => undefined);
    });
    await isHeld;
    const clock = t.clock as ManualClock;
    expect(await withRunLease(deps, merchantId, 0, async () => 'held')).toBeNull();
    clock.advance(15 * 60_000);
    expect(await withRunLease(deps, merchantId, 0, async () => 'at 15 minutes')).toBeNull();
    clock.advance(1);
    expect(await withRunLease(deps, merchantId, 0, async () => 'taken')).toBe('taken');
  });
});
