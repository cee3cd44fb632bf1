import { afterEach, expect, it } from 'vitest';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import { emptyCounts } from '../server/src/billing/charging.ts';
import { runClockBatch } from '../server/src/billing/clock.ts';
import { advanceTowards } from '../server/src/billing/cycle.ts';
import {
  billingDepsOf,
  billingStart,
  day,
  planAndCustomer,
  runClockQueue,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * Advance-clock in the background: 202 with the test clock `advancing`, the cycles in bounded
 * batches through the module's queue consumer, then `ready`; batches that crash or arrive twice
 * leave the books and invoices exact.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const year = 365 * day;
let t: TestApp | undefined;
afterEach(async () => {
  if (!t) return;
  await expectBooksBalanced(t.store);
  await t.store.close();
  t = undefined;
});

async function subscribe(api: MerchantApi): Promise<string> {
  const { plan, customer, method } = await planAndCustomer(api);
  const created = await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

/** Every invoice of each subscription: thirteen over a year (the first, then one a month), all paid once. */
async function expectYearBilled(api: MerchantApi, subscriptions: string[]) {
  for (const sub of subscriptions) {
    const invoices = (await api('GET', `/v1/subscriptions/${sub}/invoices?limit=100`)).json.data;
    expect(invoices).toHaveLength(13);
    expect(new Set(invoices.map((i: { period_start: string }) => i.period_start)).size).toBe(13);
    for (const invoice of invoices) {
      expect(invoice.status).toBe('paid');
      expect(invoice.attempts).toHaveLength(1);
    }
  }
}

it('answers 202 advancing, refuses a second advance meanwhile (409), and turns ready after its batches', async () => {
  const setup = await setUpBilling();
  t = setup.t;
  const { api } = setup;
  const sub = await subscribe(api);
  const before = await api('GET', '/v1/test-helpers/billing/clock');
  expect(before.json).toMatchObject({
    object: 'test_clock',
    status: 'ready',
    frozen_time: iso(billingStart),
  });

  const bad = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: 0 });
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatchObject({ param: 'seconds' });

  const started = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: year / 1000 });
  expect(started.status, started.text).toBe(202);
  expect(started.json).toMatchObject({
    object: 'test_clock',
    status: 'advancing',
    frozen_time: iso(billingStart),
    target_time: iso(billingStart + year),
    invoices_finalized: 0,
    batches: 0,
    completed_at: null,
  });
  const again = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: 60 });
  expect(again.status).toBe(409);
  expect(again.json.error.code).toBe('conflict');
  expect((await api('GET', '/v1/test-helpers/billing/clock')).json).toMatchObject({
    id: started.json.id,
    status: 'advancing',
  });

  await runClockQueue(t);
  const ready = (await api('GET', '/v1/test-helpers/billing/clock')).json;
  expect(ready).toMatchObject({
    id: started.json.id,
    status: 'ready',
    frozen_time: iso(billingStart + year),
    target_time: iso(billingStart + year),
    invoices_finalized: 12,
    charges_succeeded: 12,
    charges_failed: 0,
  });
  expect(ready.batches).toBeGreaterThanOrEqual(1);
  expect(ready.completed_at).not.toBeNull();
  await expectYearBilled(api, [sub]);
  const clockEvents = (await pendingEvents(t)).filter((e) => e.type.startsWith('test_clock.'));
  expect(clockEvents.map((e) => [e.type, e.subject])).toEqual([
    ['test_clock.advancing', started.json.id],
    ['test_clock.ready', started.json.id],
  ]);
  // Ready again: the next advance is taken.
  const next = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: 60 });
  expect(next.status).toBe(202);
  await runClockQueue(t);
});

it('runs in bounded batches that a crash or a duplicate delivery leaves exact', {
  timeout: 120_000,
}, async () => {
  const setup = await setUpBilling();
  t = setup.t;
  const { api, merchantId } = setup;
  const subscriptions = [await subscribe(api), await subscribe(api), await subscribe(api)];
  const started = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: year / 1000 });
  expect(started.status).toBe(202);
  const deps = billingDepsOf(t);
  const target = Date.parse(started.json.target_time);
  let deliveries = 0;
  for (;;) {
    const clock = (await api('GET', '/v1/test-helpers/billing/clock')).json;
    if (clock.status === 'ready') break;
    // The batch's message names the clock version it goes on from.
    const message = { merchant: merchantId, version: clock.batches + 1 };
    deliveries += 1;
    if (deliveries % 3 === 0) {
      // A batch that crashes after doing its work, before recording it: the message comes back.
      await advanceTowards(deps, merchantId, target, emptyCounts(), Date.now());
    }
    // A budget of 0: each batch runs one step of one subscription, then hands over.
    await runClockBatch(deps, message, 0);
    // Delivered twice: the second finds the clock moved on and does nothing.
    await runClockBatch(deps, message, 0);
    expect(deliveries).toBeLessThan(500);
  }
  const ready = (await api('GET', '/v1/test-helpers/billing/clock')).json;
  expect(ready).toMatchObject({ status: 'ready', frozen_time: iso(target) });
  expect(ready.batches).toBeGreaterThan(10);
  await expectYearBilled(api, subscriptions);
});

it('lets a new advance replace one whose batches stopped for half an hour', async () => {
  const setup = await setUpBilling();
  t = setup.t;
  const { api } = setup;
  await subscribe(api);
  const stuck = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: 60 });
  expect(stuck.status).toBe(202);
  // Its message is never consumed (as if dead-lettered); the real clock moves on 31 minutes.
  (t.clock as ManualClock).advance(31 * 60_000);
  const replaced = await api('POST', '/v1/test-helpers/billing/advance-clock', { seconds: 40 * 86_400 });
  expect(replaced.status, replaced.text).toBe(202);
  expect(replaced.json.id).toBe(stuck.json.id);
  await runClockQueue(t);
  const ready = (await api('GET', '/v1/test-helpers/billing/clock')).json;
  expect(ready).toMatchObject({
    status: 'ready',
    target_time: replaced.json.target_time,
    invoices_finalized: 1,
  });
});
