import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { deliverHubEvents, setUpBilling, waitingSubscription } from '../server/src/billing/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { interleave, pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * Paying an invoice by hand (`POST /v1/invoices/:id/pay`) while an earlier charge of it has not
 * answered: the customer is charged once. A wallet ask the payer has not answered is withdrawn
 * before the new one (the payer can no longer approve it); a charge already on its way (an ACH
 * debit, an approval whose outcome is not recorded yet) refuses the pay with 409, nothing changed.
 */

let t: TestApp;
let api: MerchantApi;
let payer: TestUser;
beforeEach(async () => {
  ({ t, api } = await setUpBilling());
  expect((await api('POST', '/v1/connectors', { provider: 'wallet' })).status).toBe(201);
  payer = await t.signUp('payer');
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const walletAvailable = async () =>
  (await t.call('GET', '/v1/wallet', { token: payer.token })).json.balances.find(
    (b: { currency: string }) => b.currency === 'USD',
  )?.available ?? 0;
const answer = (intent: string, how: 'approve' | 'reject') =>
  t.call('POST', `/v1/payer/payment-intents/${intent}/${how}`, { token: payer.token });
const invoiceOf = async (id: string) => (await api('GET', `/v1/invoices/${id}`)).json;
const waiting = (method?: Record<string, unknown>) => waitingSubscription(api, payer.id, method);

/** The invoice and its subscription as the API shows them: a refused pay must leave both as they were. */
const stateOf = async (ids: { subscription: string; invoice: string }) => ({
  invoice: await invoiceOf(ids.invoice),
  subscription: (await api('GET', `/v1/subscriptions/${ids.subscription}`)).json,
});

it('withdraws the wallet ask the payer has not answered, asks again, and the payer pays once', async () => {
  const before = await walletAvailable();
  const { invoice, intent: first } = await waiting();
  const paid = await api('POST', `/v1/invoices/${invoice}/pay`);
  expect(paid.status, paid.text).toBe(200);
  const asked = await invoiceOf(invoice);
  expect(asked).toMatchObject({
    status: 'open',
    attempt_count: 2,
    attempts: [{ payment_intent: first, status: 'failed', error_code: 'canceled' }, { status: 'pending' }],
  });
  const second = asked.attempts[1].payment_intent;
  expect(second).not.toBe(first);
  expect((await api('GET', `/v1/payment-intents/${first}`)).json.status).toBe('canceled');

  // The withdrawn ask can no longer be approved; the new one can.
  const late = await answer(first, 'approve');
  expect(late.status).toBe(409);
  expect(late.json.error).toMatchObject({ code: 'invalid_state_transition' });
  expect(await walletAvailable()).toBe(before);
  expect((await answer(second, 'approve')).status).toBe(200);
  await deliverHubEvents(t);

  expect(await invoiceOf(invoice)).toMatchObject({
    status: 'paid',
    amount_paid: 500,
    attempts: [
      { payment_intent: first, status: 'failed' },
      { payment_intent: second, status: 'succeeded' },
    ],
  });
  expect(await walletAvailable()).toBe(before - 500);
  const events = await pendingEvents(t);
  expect(events.filter((e) => e.type === 'invoice.paid')).toHaveLength(1);
  // The withdrawn ask's cancel event, delivered after, sent no failure into dunning.
  expect(events.filter((e) => e.type === 'invoice.payment_failed')).toHaveLength(0);
});

it('refuses (409) while an approval is on its way to the invoice, and the approval pays it once', async () => {
  const before = await walletAvailable();
  const ids = await waiting();
  expect((await answer(ids.intent, 'approve')).status).toBe(200);
  // Approved, but the hub's event has not reached billing yet: the invoice still lists it pending.
  const was = await stateOf(ids);
  const refused = await api('POST', `/v1/invoices/${ids.invoice}/pay`);
  expect(refused.status).toBe(409);
  expect(refused.json.error).toMatchObject({
    code: 'invalid_state_transition',
    status: 'succeeded',
    payment_intent: ids.intent,
  });
  expect(await stateOf(ids)).toEqual(was);

  await deliverHubEvents(t);
  expect(await invoiceOf(ids.invoice)).toMatchObject({ status: 'paid', amount_paid: 500, attempt_count: 1 });
  expect(await walletAvailable()).toBe(before - 500);
});

it('refuses (409) while an ACH debit of the invoice is processing, nothing changed', async () => {
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme Coffee', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(ach.status, ach.text).toBe(201);
  const ids = await waiting({
    type: 'ach_debit',
    ach_debit: { routing_number: '231380104', account_number: '987654321', account_holder_name: 'Jane Doe' },
    mandate: { accepted_at: '2026-01-15T12:00:00Z', ip_address: '203.0.113.9' },
  });
  expect((await api('GET', `/v1/payment-intents/${ids.intent}`)).json.status).toBe('processing');
  const was = await stateOf(ids);
  const refused = await api('POST', `/v1/invoices/${ids.invoice}/pay`);
  expect(refused.status).toBe(409);
  expect(refused.json.error).toMatchObject({
    code: 'invalid_state_transition',
    status: 'processing',
    payment_intent: ids.intent,
  });
  expect(refused.json.error.message).toBe(
    `Invoice ${ids.invoice} has a payment under way (payment intent ${ids.intent} is processing); its outcome settles the invoice.`,
  );
  expect(await stateOf(ids)).toEqual(was);
  const intents = (await api('GET', '/v1/payment-intents?limit=10')).json.data;
  expect(intents).toHaveLength(1);
});

it('a payer who approves while the pay withdraws the ask wins: 409, the claim let go, paid once', async () => {
  const before = await walletAvailable();
  const ids = await waiting();
  const versionBefore = (await t.store.get({ pk: `BIL#SUB#${ids.subscription}`, sk: 'SUB' }))!
    .version as number;
  // Just before the pay claims the subscription, the payer approves the first ask.
  const claim = (operations: WriteOperation[]) =>
    operations.length === 1 &&
    String(operations[0]!.type === 'put' && operations[0]!.item.pk).startsWith('BIL#SUB#') &&
    operations[0]!.type === 'put' &&
    operations[0]!.item.charging != null;
  const raced = interleave(t, claim, async () =>
    expect((await answer(ids.intent, 'approve')).status).toBe(200),
  );
  const refused = await api('POST', `/v1/invoices/${ids.invoice}/pay`);
  expect(raced.count).toBe(1);
  expect(refused.status).toBe(409);
  expect(await walletAvailable()).toBe(before - 500);

  await deliverHubEvents(t);
  expect(await invoiceOf(ids.invoice)).toMatchObject({
    status: 'paid',
    attempt_count: 1,
    attempts: [{ payment_intent: ids.intent, status: 'succeeded' }],
  });
  expect((await api('GET', `/v1/subscriptions/${ids.subscription}`)).json.status).toBe('active');
  // Nothing holds the subscription: it can be changed at once. Its version only ever goes up (the
  // claim, its release, the payment), so no writer that read it before the claim can write over it.
  const stored = await t.store.get({ pk: `BIL#SUB#${ids.subscription}`, sk: 'SUB' });
  expect(stored?.charging).toBeNull();
  expect(stored?.version).toBe(versionBefore + 3);
  expect(await walletAvailable()).toBe(before - 500);
});

it('an ask the merchant cancels through the hub fails the invoice’s attempt into dunning', async () => {
  const before = await walletAvailable();
  const ids = await waiting();
  const canceled = await api('POST', `/v1/payment-intents/${ids.intent}/cancel`);
  expect(canceled.status, canceled.text).toBe(200);
  expect(canceled.json.status).toBe('canceled');
  expect((await answer(ids.intent, 'approve')).status).toBe(409);
  await deliverHubEvents(t);
  const failed = await invoiceOf(ids.invoice);
  expect(failed).toMatchObject({
    status: 'open',
    attempts: [{ payment_intent: ids.intent, status: 'failed' }],
  });
  expect(failed.next_payment_attempt).not.toBeNull();
  expect((await api('GET', `/v1/subscriptions/${ids.subscription}`)).json.status).toBe('past_due');
  expect(await walletAvailable()).toBe(before);
});

it('withdraws only the waiting ask: an earlier declined attempt keeps its outcome', async () => {
  const ids = await waiting();
  expect((await answer(ids.intent, 'reject')).status).toBe(200);
  await deliverHubEvents(t);
  const declined = (await invoiceOf(ids.invoice)).attempts[0];
  expect(declined).toMatchObject({ payment_intent: ids.intent, status: 'failed' });
  expect(declined.error_code).not.toBe('canceled');
  // Paid by hand: asked again; paid by hand once more: that ask is withdrawn, the decline stays.
  expect((await api('POST', `/v1/invoices/${ids.invoice}/pay`)).status).toBe(200);
  const asked = (await invoiceOf(ids.invoice)).attempts[1].payment_intent;
  expect((await api('POST', `/v1/invoices/${ids.invoice}/pay`)).status).toBe(200);
  expect((await invoiceOf(ids.invoice)).attempts).toMatchObject([
    declined,
    { payment_intent: asked, status: 'failed', error_code: 'canceled' },
    { status: 'pending' },
  ]);
});
