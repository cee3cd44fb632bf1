import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { settlePendingCharge } from '../server/src/billing/pending.ts';
import {
  billingDepsOf,
  billingMerchant,
  setUpBilling,
  waitingSubscription,
} from '../server/src/billing/test-support.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * Billing's subscriber to the hub's intent outcomes (`billing/pending.ts`), handed events as the bus
 * hands them (made here: the payer's answer is not what is tested): only an intent whose description names an invoice of the event's merchant settles
 * that invoice's pending attempt, and a charge in flight on the subscription sends the event back
 * to be delivered again.
 */

let t: TestApp;
let api: MerchantApi;
let merchantId: string;
let payer: TestUser;
beforeEach(async () => {
  ({ t, api, merchantId } = await setUpBilling());
  expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
  payer = await t.signUp('payer');
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const succeeded = (intent: string, description: string, merchant: string | null = merchantId) =>
  ({
    id: `evt_${intent}`,
    type: 'payment_intent.succeeded',
    source: 'sluice.hub',
    time: new Date(t.clock.now()).toISOString(),
    subject: intent,
    ...(merchant ? { merchant } : {}),
    data: { object: { id: intent, status: 'succeeded', last_error: null, description } },
  }) as EventEnvelope;

const waiting = () => waitingSubscription(api, payer.id);

const invoiceOf = async (id: string) => (await api('GET', `/v1/invoices/${id}`)).json;

describe('billing: which intent events settle a pending charge', () => {
  it('leaves the invoice waiting for an event that names it otherwise, or is another merchant’s, or names no merchant', async () => {
    const { invoice, intent } = await waiting();
    const handle = settlePendingCharge(billingDepsOf(t));
    const other = await billingMerchant(t);
    for (const event of [
      succeeded(intent, `Re: Invoice ${invoice}`),
      succeeded(intent, `Invoice ${invoice} (copy)`),
      succeeded(intent, `Invoice ${invoice.toLowerCase()}`),
      succeeded(intent, `Invoice ${invoice}`, other.merchantId),
      succeeded(intent, `Invoice ${invoice}`, null),
      { ...succeeded(intent, `Invoice ${invoice}`), data: {} } as EventEnvelope,
    ]) {
      await handle(event);
      expect(await invoiceOf(invoice)).toMatchObject({ status: 'open', attempts: [{ status: 'pending' }] });
    }
    // Named as the hub names it, the event settles it.
    await handle(succeeded(intent, `Invoice ${invoice}`));
    expect(await invoiceOf(invoice)).toMatchObject({
      status: 'paid',
      attempt_count: 1,
      attempts: [{ status: 'succeeded', payment_intent: intent }],
    });
  });

  it('sends the event back while a charge holds the subscription, and settles it once the charge is done', async () => {
    const { subscription, invoice, intent } = await waiting();
    const key = { pk: `BIL#SUB#${subscription}`, sk: 'SUB' };
    const stored = (await t.store.get(key))!;
    await t.store.transact([
      {
        type: 'put',
        item: {
          ...stored,
          charging: { invoice, since: t.clock.now() },
          version: (stored.version as number) + 1,
        },
      },
    ]);
    const handle = settlePendingCharge(billingDepsOf(t));
    await expect(handle(succeeded(intent, `Invoice ${invoice}`))).rejects.toThrow(
      `subscription ${subscription} is being charged; retry`,
    );
    expect(await invoiceOf(invoice)).toMatchObject({ status: 'open', attempts: [{ status: 'pending' }] });
    await t.store.transact([{ type: 'put', item: { ...stored, version: (stored.version as number) + 2 } }]);
    await handle(succeeded(intent, `Invoice ${invoice}`));
    expect(await invoiceOf(invoice)).toMatchObject({ status: 'paid', attempt_count: 1 });
  });
});

describe('billing: an invoice paid by hand while an earlier ask waited', () => {
  const handle = (event: EventEnvelope) => settlePendingCharge(billingDepsOf(t))(event);

  it('leaves the paid invoice alone when an outcome of the withdrawn ask is reported late', async () => {
    const { invoice, intent: first } = await waiting();
    // Paid by hand meanwhile: the first ask is withdrawn and the wallet asked again.
    const second = await api('POST', `/v1/invoices/${invoice}/pay`);
    expect(second.status, second.text).toBe(200);
    const asked = await invoiceOf(invoice);
    expect(asked).toMatchObject({
      status: 'open',
      attempts: [{ payment_intent: first, status: 'failed' }, { status: 'pending' }],
    });
    const again = asked.attempts[1].payment_intent;
    const approved = await t.call('POST', `/v1/payer/payment-intents/${again}/approve`, {
      token: payer.token,
    });
    expect(approved.status, approved.text).toBe(200);
    await handle(succeeded(again, `Invoice ${invoice}`));
    const paid = await invoiceOf(invoice);
    expect(paid).toMatchObject({
      status: 'paid',
      amount_paid: 500,
      attempt_count: 2,
      attempts: [
        { payment_intent: first, status: 'failed' },
        { payment_intent: again, status: 'succeeded' },
      ],
    });
    // An outcome of the first ask, reported late (its cancel, or a success no hub would send now),
    // changes nothing: the invoice is paid and that attempt is over.
    await handle({
      ...succeeded(first, `Invoice ${invoice}`),
      type: 'payment_intent.canceled',
    } as EventEnvelope);
    await handle(succeeded(first, `Invoice ${invoice}`));
    expect(await invoiceOf(invoice)).toEqual(paid);
    expect((await pendingEvents(t)).filter((e) => e.type === 'invoice.paid')).toHaveLength(1);
  });
});

describe('billing: the event of a charge a crash cut off', () => {
  /** A card subscription whose renewal's claim holds an invoice with `attempts`, as a crash leaves it. */
  async function cutOff(attempts: unknown[] = [], held = true) {
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
    const stored = (await t.store.get({ pk: `BIL#SUB#${sub.id}`, sk: 'SUB' }))!;
    const invoice = 'in_01M91ZZZZZZZZZZZZZZZZZZZZZ';
    const claim = (version: number) => ({
      type: 'put' as const,
      item: { ...stored, charging: { invoice, since: t.clock.now() }, version },
    });
    await t.store.transact([
      ...(held ? [claim((stored.version as number) + 1)] : []),
      {
        type: 'put',
        item: {
          pk: `BIL#INV#${invoice}`,
          sk: 'INV',
          id: invoice,
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
          attempt_count: attempts.length,
          attempts,
          next_payment_attempt: null,
          created_at: sub.trial_end,
          finalized_at: sub.trial_end,
          paid_at: null,
          version: 1,
        },
      },
    ]);
    /** Holds the invoice again (another charge of it in flight). */
    const holdAgain = async () => {
      const now = (await t.store.get({ pk: `BIL#SUB#${sub.id}`, sk: 'SUB' }))!;
      await t.store.transact([
        { type: 'put', item: { ...now, charging: { invoice, since: t.clock.now() } } },
      ]);
    };
    return { invoice, subscription: sub.id as string, holdAgain };
  }
  const failed = (intent: string, invoice: string) => {
    const event = succeeded(intent, `Invoice ${invoice}`);
    return {
      ...event,
      type: 'payment_intent.payment_failed',
      data: {
        object: {
          id: intent,
          status: 'failed',
          last_error: { code: 'interrupted', decline_code: null },
          description: `Invoice ${invoice}`,
        },
      },
    } as EventEnvelope;
  };
  const attemptsOf = async (invoice: string) =>
    (await invoiceOf(invoice)).attempts.map((a: { payment_intent: string; status: string }) => [
      a.payment_intent,
      a.status,
    ]);

  it('leaves alone a succeeded intent it has no attempt for, though a charge holds the invoice', async () => {
    const { invoice, subscription } = await cutOff();
    await settlePendingCharge(billingDepsOf(t))(succeeded('pi_cut', `Invoice ${invoice}`));
    expect(await invoiceOf(invoice)).toMatchObject({ status: 'open', attempts: [] });
    expect((await api('POST', `/v1/subscriptions/${subscription}/cancel`, {})).status).toBe(409);
  });

  it('leaves alone a failed intent of an invoice no charge holds', async () => {
    const { invoice } = await cutOff([], false);
    await settlePendingCharge(billingDepsOf(t))(failed('pi_cut', invoice));
    expect(await attemptsOf(invoice)).toEqual([]);
  });

  it('records a cut-off charge once: its event again, while another charge holds the invoice, changes nothing', async () => {
    const { invoice, holdAgain } = await cutOff();
    const handle = settlePendingCharge(billingDepsOf(t));
    await handle(failed('pi_cut', invoice));
    expect(await attemptsOf(invoice)).toEqual([['pi_cut', 'failed']]);
    await holdAgain();
    await handle(failed('pi_cut', invoice));
    expect(await attemptsOf(invoice)).toEqual([['pi_cut', 'failed']]);
  });

  it('records a cut-off charge of an invoice that failed before', async () => {
    const before = {
      attempt: 1,
      at: new Date(t.clock.now()).toISOString(),
      payment_intent: 'pi_old',
      status: 'failed',
      error_code: 'card_declined',
      decline_code: 'generic_decline',
    };
    const { invoice } = await cutOff([before]);
    await settlePendingCharge(billingDepsOf(t))(failed('pi_cut', invoice));
    expect(await attemptsOf(invoice)).toEqual([
      ['pi_old', 'failed'],
      ['pi_cut', 'failed'],
    ]);
  });
});
