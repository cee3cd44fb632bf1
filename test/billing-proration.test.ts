import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import {
  advanceDays,
  billingMerchant,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

let t: TestApp;
let api: MerchantApi;
beforeAll(async () => {
  ({ t, api } = await setUpBilling());
});
afterAll(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** `amount × part / whole` rounded half up, computed here with bigints, apart from the server's code. */
const share = (amount: number, part: number, whole: number) =>
  Number((BigInt(amount) * BigInt(part) * 2n + BigInt(whole)) / (BigInt(whole) * 2n));

async function plan(amount: number) {
  const created = await api('POST', '/v1/plans', {
    name: `Plan ${amount}`,
    amount,
    currency: 'USD',
    interval: 'month',
  });
  expect(created.status, created.text).toBe(201);
  return created.json.id as string;
}

it('an upgrade at any second of the period credits the unused time and charges the new plan for the rest, to the cent', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 100, max: 500_000 }),
      fc.integer({ min: 1, max: 500_000 }),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      async (oldAmount, raise, where) => {
        // A merchant per run: each has its own sandbox clock, so runs start at the same time.
        ({ api } = await billingMerchant(t));
        const {
          customer,
          method,
          plan: basic,
        } = await planAndCustomer(api, { amount: oldAmount, name: 'Basic' });
        const pro = await plan(oldAmount + raise);
        const created = await api('POST', '/v1/subscriptions', {
          customer,
          plan: basic,
          payment_method: method,
        });
        expect(created.status, created.text).toBe(201);
        const start = Date.parse(created.json.current_period_start) / 1000;
        const end = Date.parse(created.json.current_period_end) / 1000;
        // Any whole second strictly inside the period.
        const offset = 1 + Math.floor(where * (end - start - 1));
        if (offset > 0) await advanceDays(api, offset / 86_400);
        const changed = await api('POST', `/v1/subscriptions/${created.json.id}`, { plan: pro });
        expect(changed.status, changed.text).toBe(200);
        expect(changed.json).toMatchObject({
          plan: pro,
          status: 'active',
          current_period_end: created.json.current_period_end,
        });

        const invoice = (await api('GET', `/v1/invoices/${changed.json.latest_invoice}`)).json;
        const remaining = end - start - offset;
        const credit = share(oldAmount, remaining, end - start);
        const charge = share(oldAmount + raise, remaining, end - start);
        expect(invoice.lines.map((l: { amount: number }) => l.amount)).toEqual([0 - credit + 0, charge]);
        // Each line is within half a cent of the exact share.
        expect(Math.abs(credit - (oldAmount * remaining) / (end - start))).toBeLessThanOrEqual(0.5);
        expect(invoice).toMatchObject({
          billing_reason: 'subscription_update',
          subtotal: charge - credit,
          status: 'paid',
        });
        expect(invoice.amount_paid).toBe(Math.max(charge - credit, 0));
        if (charge > credit) {
          const intent = (await api('GET', `/v1/payment-intents/${invoice.attempts[0].payment_intent}`)).json;
          expect(intent).toMatchObject({ status: 'succeeded', amount_captured: charge - credit });
        }
      },
    ),
    { numRuns: 20 },
  );
}, 120_000);

it('a downgrade becomes the customer’s credit, which the next invoice uses first', async () => {
  const { customer, method, plan: pro } = await planAndCustomer(api, { amount: 9000, name: 'Pro' });
  const basic = await plan(3000);
  const created = (await api('POST', '/v1/subscriptions', { customer, plan: pro, payment_method: method }))
    .json;
  const start = Date.parse(created.current_period_start) / 1000;
  const end = Date.parse(created.current_period_end) / 1000;
  const half = Math.floor((end - start) / 2);
  await advanceDays(api, half / 86_400);
  const changed = (await api('POST', `/v1/subscriptions/${created.id}`, { plan: basic })).json;
  const remaining = end - start - half;
  const owed = share(9000, remaining, end - start) - share(3000, remaining, end - start);
  expect((await api('GET', `/v1/customers/${customer}`)).json.credit_balance).toEqual({ USD: owed });
  const invoice = (await api('GET', `/v1/invoices/${changed.latest_invoice}`)).json;
  expect(invoice).toMatchObject({ subtotal: -owed, amount_due: 0, status: 'paid', attempts: [] });
  // The renewal: 3000 less the credit (owed is below 3000, so the rest is charged).
  await advanceDays(api, (end - start - half) / 86_400);
  const renewal = (await api('GET', `/v1/subscriptions/${created.id}/invoices`)).json.data.at(-1);
  expect(renewal).toMatchObject({
    subtotal: 3000,
    credit_applied: owed,
    amount_due: 3000 - owed,
    status: 'paid',
  });
  expect((await api('GET', `/v1/customers/${customer}`)).json.credit_balance).toEqual({});
});
