import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { runDue } from '../server/src/billing/cycle.ts';
import { customerCreditAdd } from '../server/src/billing/store.ts';
import {
  billingDepsOf,
  billingStart,
  day,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * The cycle's bound on one subscription's due actions in one run (`maxStepsPerSubscription`,
 * cycle.ts): 10,000 steps, then the run moves on and the rest waits for the next run. Its own
 * file because it makes 10,010 renewals (a minute or two on a busy machine): a mutation run of
 * cycle.ts takes it only for that bound's mutants. The renewals are paid from the customer's
 * credit, so no payment intent is made; SQLite, the sandbox clock only.
 */

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

it('runs at most 10,000 due actions of one subscription in one run, and the rest in the next', async () => {
  const { customer, method, plan } = await planAndCustomer(api, { amount: 1, interval: 'day' });
  // Credit as a downgrade or a cancel would leave it: enough for every renewal below.
  await t.store.transact([customerCreditAdd(customer, 'USD', 20_000)]);
  const created = await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method });
  expect(created.status, created.text).toBe(201);
  const sub = created.json;
  // The payments sandbox's own advance (at most ten years a call): 10,010 daily renewals due at
  // once, billing has not run.
  for (const days of [3650, 3650, 2710]) {
    const advanced = await api('POST', '/v1/test-helpers/advance-clock', { seconds: days * 86_400 });
    expect(advanced.status, advanced.text).toBe(200);
  }

  expect(await runDue(billingDepsOf(t), merchantId)).toEqual({
    counts: {
      invoices_finalized: 10_000,
      charges_succeeded: 0,
      charges_failed: 0,
      subscriptions_canceled: 0,
    },
    done: true,
  });
  const state = async () => ({
    subscription: (await api('GET', `/v1/subscriptions/${sub.id}`)).json,
    credit: (await api('GET', `/v1/customers/${customer}`)).json.credit_balance,
  });
  // Renewal k is at day k: after 10,000 the next is day 10,001, still due.
  expect(await state()).toMatchObject({
    subscription: { status: 'active', next_action_at: new Date(billingStart + 10_001 * day).toISOString() },
    credit: { USD: 20_000 - 10_001 },
  });

  expect((await runDue(billingDepsOf(t), merchantId)).counts.invoices_finalized).toBe(10);
  expect(await state()).toMatchObject({
    subscription: { status: 'active', next_action_at: new Date(billingStart + 10_011 * day).toISOString() },
    credit: { USD: 20_000 - 10_011 },
  });
}, 900_000);
