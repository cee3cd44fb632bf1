import { expect } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { moduleDepsOf } from '../app/module-deps.ts';
import { modules } from '../app/modules.ts';
import { ManualClock } from '../kernel/clock.ts';
import { silentLogger } from '../platform/logger.ts';
import { asMerchant, createTestMerchant, pendingEvents, type MerchantApi } from '../payments/test-support.ts';
import type { Store } from '../platform/store.ts';
import { clockConsumer, clockQueue } from './clock.ts';
import { billingDeps, type BillingDeps } from './deps.ts';
import { billingModule } from './index.ts';

/** Sandbox time when billing tests start: Thursday 2026-01-15 12:00 UTC (the harness's start). */
export const billingStart = Date.UTC(2026, 0, 15, 12, 0, 0);
export const day = 86_400_000;

/** The app on `store` with one merchant that has a sandbox_card connector, and its API. */
export async function setUpBilling(
  store?: Store,
): Promise<{ t: TestApp; api: MerchantApi; merchantId: string; secret: string }> {
  const t = createTestApp({ clock: new ManualClock(billingStart), ...(store ? { store } : {}) });
  return { t, ...(await billingMerchant(t)) };
}

/** Another merchant on `t` (its own sandbox clock, from the app's clock), with a sandbox_card connector. */
export async function billingMerchant(
  t: TestApp,
): Promise<{ api: MerchantApi; merchantId: string; secret: string }> {
  const merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  const api = asMerchant(t, merchant);
  appOf.set(api, t);
  const connector = await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
  expect(connector.status, connector.text).toBe(201);
  return { api, merchantId: merchant.id, secret: merchant.key.secret };
}

/**
 * A weekly 500 USD subscription whose first invoice waits on its charge (a wallet ask of
 * `payerId`, or the ACH debit of `method`): its ids and the pending attempt's intent.
 */
export async function waitingSubscription(
  api: MerchantApi,
  payerId: string,
  method: Record<string, unknown> = { type: 'wallet', wallet: { user: payerId } },
): Promise<{ subscription: string; invoice: string; intent: string }> {
  const plan = (
    await api('POST', '/v1/plans', { name: 'Club', amount: 500, currency: 'USD', interval: 'week' })
  ).json.id;
  const customer = (await api('POST', '/v1/customers', { name: 'Payer' })).json.id;
  const made = await api('POST', `/v1/customers/${customer}/payment-methods`, method);
  expect(made.status, made.text).toBe(201);
  const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: made.json.id })).json;
  const invoice = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).json;
  expect(invoice).toMatchObject({ status: 'open', attempts: [{ status: 'pending' }] });
  return { subscription: sub.id, invoice: invoice.id, intent: invoice.attempts[0].payment_intent };
}

/** A plan, a customer with a saved card, and their ids. */
export async function planAndCustomer(
  api: MerchantApi,
  plan: Record<string, unknown> = {},
  cardNumber = '4242424242424242',
): Promise<{ plan: string; customer: string; method: string }> {
  const created = await api('POST', '/v1/plans', {
    name: 'Pro',
    amount: 2000,
    currency: 'USD',
    interval: 'month',
    ...plan,
  });
  expect(created.status, created.text).toBe(201);
  const customer = await api('POST', '/v1/customers', { name: 'Jane Doe', email: 'jane@example.com' });
  expect(customer.status, customer.text).toBe(201);
  const method = await api('POST', `/v1/customers/${customer.json.id}/payment-methods`, {
    type: 'card',
    card: { number: cardNumber, exp_month: 12, exp_year: 2035, cvc: '123' },
  });
  expect(method.status, method.text).toBe(201);
  return { plan: created.json.id, customer: customer.json.id, method: method.json.id };
}

/** The app of each merchant API the helpers made, so `advanceDays` can run the clock's queue. */
const appOf = new WeakMap<MerchantApi, TestApp>();
const consuming = new WeakSet<TestApp>();

/**
 * Runs the test app's queue until the clock batches are done: the harness starts no workers, so
 * this does what the local runtime's queue poller (or SQS on AWS) does, with the module's own
 * consumer.
 */
export async function runClockQueue(t: TestApp): Promise<void> {
  if (!consuming.has(t)) {
    t.queue.consume(clockQueue, clockConsumer(billingDepsOf(t)));
    consuming.add(t);
  }
  await t.queue.drain();
}

/** The modules' deps on the test app's ports, as the runtimes build them. */
function moduleDepsOfApp(t: TestApp) {
  const ports = {
    store: t.store,
    clock: t.clock,
    config: t.config,
    logger: silentLogger,
    identity: t.identity,
    queue: t.queue,
    secrets: t.secrets,
  };
  return moduleDepsOf(ports, modules);
}

/** Billing's deps on the test app's ports, as the runtimes build them. */
export function billingDepsOf(t: TestApp): BillingDeps {
  return billingDeps(moduleDepsOfApp(t));
}

/**
 * Hands every hub event written so far (an intent's outcome) to billing's subscriber, as the bus
 * does: each twice, since delivery is at least once.
 */
export async function deliverHubEvents(t: TestApp): Promise<void> {
  const subscription = billingModule.subscriptions[0]!;
  const handler = subscription.handler(moduleDepsOfApp(t));
  const types: readonly string[] = subscription.pattern.type ?? [];
  const events = (await pendingEvents(t)).filter((e) => e.source === 'sluice.hub' && types.includes(e.type));
  for (const event of [...events, ...events]) await handler(event);
}

/**
 * Moves the merchant's sandbox clock `days` ahead through billing's advance-clock: 202 with the
 * clock `advancing`, its batches run, then the clock `ready`. Returns the ready clock, with its
 * `frozen_time` as `sandbox_time`.
 */
export async function advanceDays(api: MerchantApi, days: number) {
  const started = await api('POST', '/v1/test-helpers/billing/advance-clock', {
    seconds: Math.round(days * 86_400),
  });
  expect(started.status, started.text).toBe(202);
  expect(started.json).toMatchObject({ object: 'test_clock', status: 'advancing' });
  const t = appOf.get(api);
  if (!t) throw new Error('advanceDays takes an API made by setUpBilling or billingMerchant');
  await runClockQueue(t);
  const clock = await api('GET', '/v1/test-helpers/billing/clock');
  expect(clock.json, clock.text).toMatchObject({ status: 'ready', target_time: started.json.target_time });
  return { ...clock.json, sandbox_time: clock.json.frozen_time as string };
}
