import { afterEach, describe, expect, it } from 'vitest';
import { bothStores } from './both-stores.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { TestApp } from './app-harness.ts';
import {
  advanceDays,
  billingStart,
  day,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import { pendingEvents } from '../server/src/payments/test-support.ts';

const iso = (ms: number) => new Date(ms).toISOString();
/** The 15th of month `m` (0 = January 2026) at noon: the subscription's renewal days. */
const renewal = (m: number) => Date.UTC(2026, m, 15, 12, 0, 0);

let t: TestApp | undefined;
afterEach(async () => {
  if (!t) return;
  await expectBooksBalanced(t.store);
  await t.store.close();
  t = undefined;
});

describe.each(bothStores('sluice-billing'))(
  'dunning over a year on the sandbox clock (%s)',
  (_name, open) => {
    it('a card that declines from month 3 and recovers in month 4: every invoice, retry, status and charge', {
      timeout: 180_000,
    }, async () => {
      const setup = await setUpBilling(await open());
      t = setup.t;
      const { api } = setup;
      const { plan, customer, method } = await planAndCustomer(api);
      const created = await api('POST', '/v1/subscriptions', {
        customer,
        plan,
        payment_method: method,
        on_retries_exhausted: 'unpaid',
      });
      expect(created.status, created.text).toBe(201);
      expect(created.json).toMatchObject({ status: 'active', current_period_end: iso(renewal(1)) });
      const sub = created.json.id;

      // Months 1 and 2 paid; the card starts declining before the third renewal (March 15).
      await advanceDays(api, 55);
      const declining = await api('PATCH', `/v1/customers/${customer}/payment-methods/${method}`, {
        test_behaviour: 'insufficient_funds',
      });
      expect(declining.status, declining.text).toBe(200);
      expect(declining.json.card).toMatchObject({ last4: '4242', test_behaviour: 'insufficient_funds' });
      await advanceDays(api, 30); // to April 10: the March invoice and its four retries fail
      expect((await api('GET', `/v1/subscriptions/${sub}`)).json.status).toBe('unpaid');
      await api('PATCH', `/v1/customers/${customer}/payment-methods/${method}`, {
        test_behaviour: 'success',
      });
      const rest = await advanceDays(api, 365 - 85);
      expect(rest.sandbox_time).toBe(iso(billingStart + 365 * day));

      const invoices = (await api('GET', `/v1/subscriptions/${sub}/invoices`)).json.data;
      // The first invoice at creation, then one per month to January 15, 2027: thirteen.
      expect(invoices).toHaveLength(13);
      invoices.forEach(
        (invoice: { period_start: string; period_end: string; created_at: string }, m: number) => {
          expect(invoice.period_start).toBe(iso(renewal(m)));
          expect(invoice.period_end).toBe(iso(renewal(m + 1)));
          expect(invoice.created_at).toBe(iso(renewal(m)));
        },
      );
      expect(invoices.map((i: { status: string }) => i.status)).toEqual([
        'paid',
        'paid',
        'open',
        ...Array(10).fill('paid'),
      ]);
      const march = invoices[2];
      expect(
        march.attempts.map((a: { at: string; status: string; decline_code: string }) => [
          a.at,
          a.status,
          a.decline_code,
        ]),
      ).toEqual([0, 1, 3, 5, 7].map((d) => [iso(renewal(2) + d * day), 'failed', 'insufficient_funds']));
      expect(march.next_payment_attempt).toBeNull();
      for (const [m, invoice] of invoices.entries())
        if (m !== 2) {
          expect(invoice.attempts).toHaveLength(1);
          expect(invoice.amount_paid).toBe(2000);
          expect(invoice.paid_at).toBe(iso(renewal(m)));
        }

      const subscription = (await api('GET', `/v1/subscriptions/${sub}`)).json;
      expect(subscription.status).toBe('active');
      expect(
        subscription.status_history.map((h: { status: string; at: string }) => [h.status, h.at]),
      ).toEqual([
        ['active', iso(renewal(0))],
        ['past_due', iso(renewal(2))],
        ['unpaid', iso(renewal(2) + 7 * day)],
        ['active', iso(renewal(3))],
      ]);
      expect(subscription.current_period_start).toBe(iso(renewal(12)));

      // Charges through the hub: 12 payment intents succeeded for 2000 each, 5 declined.
      const intents = (await api('GET', '/v1/payment-intents?limit=100')).json.data;
      expect(intents.filter((i: { status: string }) => i.status === 'succeeded')).toHaveLength(12);
      expect(intents.filter((i: { status: string }) => i.status === 'failed')).toHaveLength(5);
      expect(
        intents.reduce((sum: number, i: { amount_captured: number }) => sum + i.amount_captured, 0),
      ).toBe(24_000);
      // In the ledger: the merchant's USD balances hold the twelve captures, less the sandbox's fees.
      const balance = (await api('GET', '/v1/balance')).json.balances.find(
        (b: { currency: string }) => b.currency === 'USD',
      );
      const settled = (await api('GET', '/v1/settlements?limit=100')).json.data;
      const fees = settled.reduce(
        (sum: number, s: { fees?: number; fee?: number }) => sum + (s.fees ?? s.fee ?? 0),
        0,
      );
      expect(balance.available + balance.pending + fees).toBe(24_000);

      const events = (await pendingEvents(t)).filter((e) => e.source === 'sluice.billing');
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect([
        count('invoice.created'),
        count('invoice.finalized'),
        count('invoice.paid'),
        count('invoice.payment_failed'),
      ]).toEqual([13, 13, 12, 5]);
      expect(count('subscription.updated')).toBe(3);
    });

    it('cancels after the last retry when so configured, and marks the invoice uncollectible', {
      timeout: 120_000,
    }, async () => {
      const setup = await setUpBilling(await open());
      t = setup.t;
      const { api } = setup;
      const { plan, customer, method } = await planAndCustomer(api);
      const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json
        .id;
      await api('PATCH', `/v1/customers/${customer}/payment-methods/${method}`, {
        test_behaviour: 'generic_decline',
      });
      const run = await advanceDays(api, 60);
      expect(run).toMatchObject({
        invoices_finalized: 1,
        charges_succeeded: 0,
        charges_failed: 5,
        subscriptions_canceled: 1,
      });
      const subscription = (await api('GET', `/v1/subscriptions/${sub}`)).json;
      expect(subscription).toMatchObject({
        status: 'canceled',
        ended_at: iso(renewal(1) + 7 * day),
        next_action_at: null,
      });
      const invoices = (await api('GET', `/v1/subscriptions/${sub}/invoices`)).json.data;
      expect(invoices.map((i: { status: string }) => i.status)).toEqual(['paid', 'uncollectible']);
    });
  },
);
