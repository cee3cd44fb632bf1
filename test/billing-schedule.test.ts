import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { moduleDepsOf } from '../server/src/app/module-deps.ts';
import { modules } from '../server/src/app/modules.ts';
import { billingModule } from '../server/src/billing/index.ts';
import { planAndCustomer, setUpBilling } from '../server/src/billing/test-support.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => {
  ({ t, api } = await setUpBilling());
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** The scheduled job as both runtimes run it (locally every 5 s, on AWS every minute). */
const runJob = () =>
  billingModule.jobs[0].run(
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

it('the schedule renews what the plain advance-clock made due, by each merchant’s sandbox clock', async () => {
  const { plan, customer, method } = await planAndCustomer(api);
  const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
  expect(await runJob()).toMatchObject({ invoices_finalized: 0 });
  // The payments sandbox's own advance-clock moves the clock without running billing…
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 40 * 86_400 })).status).toBe(200);
  expect((await api('GET', `/v1/subscriptions/${sub.id}/invoices`)).json.data).toHaveLength(1);
  // …and the next scheduled run catches up, each invoice at its own time.
  expect(await runJob()).toMatchObject({ invoices_finalized: 1, charges_succeeded: 1 });
  const invoices = (await api('GET', `/v1/subscriptions/${sub.id}/invoices`)).json.data;
  expect(invoices.map((i: { created_at: string; status: string }) => [i.created_at, i.status])).toEqual([
    [sub.current_period_start, 'paid'],
    [sub.current_period_end, 'paid'],
  ]);
  expect(await runJob()).toMatchObject({ invoices_finalized: 0 });
});
