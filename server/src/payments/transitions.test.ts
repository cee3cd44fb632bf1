import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { getAccount } from '../ledger/index.ts';
import { merchantAccountId } from './merchants.ts';
import { expireAuthorizations } from './transitions.ts';
import {
  asMerchant,
  card,
  createTestMerchant,
  paymentBody,
  pendingEvents,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function pendingBalance(): Promise<number> {
  const response = await api('GET', '/v1/balance');
  return response.json.balances.find((b: { currency: string }) => b.currency === 'USD')?.pending ?? 0;
}

/** The merchant's pending account in the ledger: held (credits pending) and posted amounts. */
async function ledgerPending(): Promise<{ held: number; posted: number }> {
  const account = await getAccount(t, merchantAccountId(merchant.id, 'pending', 'USD'));
  return { held: account!.credits_pending, posted: account!.credits_posted - account!.debits_posted };
}

async function authorize(amount = 1000): Promise<string> {
  const response = await api('POST', '/v1/payments', paymentBody({ amount, capture: false }));
  expect(response.status).toBe(201);
  return response.json.id;
}

async function charge(amount = 1000): Promise<string> {
  const response = await api('POST', '/v1/payments', paymentBody({ amount }));
  expect(response.status).toBe(201);
  return response.json.id;
}

describe('payments: authorize, capture, void', () => {
  it('authorizes as a ledger hold with a 7-day capture_before', async () => {
    const response = await api('POST', '/v1/payments', paymentBody({ amount: 1500, capture: false }));
    expect(response.json).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 1500,
      amount_captured: 0,
    });
    const created = Date.parse(response.json.created_at);
    expect(Date.parse(response.json.capture_before) - created).toBe(7 * 24 * 3600 * 1000);
    expect(await ledgerPending()).toEqual({ held: 1500, posted: 0 });
    expect(await pendingBalance()).toBe(0);
  });

  it('captures the whole authorization once', async () => {
    const id = await authorize(1500);
    const captured = await api('POST', `/v1/payments/${id}/capture`);
    expect(captured.status).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 1500, amount_capturable: 0 });
    expect(await ledgerPending()).toEqual({ held: 0, posted: 1500 });
    const again = await api('POST', `/v1/payments/${id}/capture`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('invalid_state_transition');
  });

  it('captures part of an authorization and releases the rest', async () => {
    const id = await authorize(1000);
    const captured = await api('POST', `/v1/payments/${id}/capture`, { amount: 600 });
    expect(captured.json).toMatchObject({
      status: 'succeeded',
      amount: 1000,
      amount_captured: 600,
      amount_capturable: 0,
    });
    expect(await ledgerPending()).toEqual({ held: 0, posted: 600 });
    expect(await pendingBalance()).toBe(600);
  });

  it('refuses a capture above the authorized amount and changes nothing', async () => {
    const id = await authorize(1000);
    const refused = await api('POST', `/v1/payments/${id}/capture`, { amount: 1001 });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    expect((await api('GET', `/v1/payments/${id}`)).json.status).toBe('requires_capture');
    expect(await ledgerPending()).toEqual({ held: 1000, posted: 0 });
  });

  it('voids an authorization, releasing the hold', async () => {
    const id = await authorize(1000);
    const voided = await api('POST', `/v1/payments/${id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.json).toMatchObject({
      status: 'canceled',
      amount_capturable: 0,
      cancellation_reason: 'requested_by_merchant',
    });
    expect(voided.json.canceled_at).not.toBeNull();
    expect(await ledgerPending()).toEqual({ held: 0, posted: 0 });
  });

  it('refuses every illegal transition with 409', async () => {
    const captured = await charge();
    const voided = await authorize();
    await api('POST', `/v1/payments/${voided}/void`);
    const uncaptured = await authorize();
    const failed = (await api('POST', '/v1/payments', paymentBody({ card: card('4000000000000002') }))).json
      .error.payment_id;
    const cases: Array<[string, unknown]> = [
      [`/v1/payments/${captured}/capture`, undefined],
      [`/v1/payments/${captured}/void`, undefined],
      [`/v1/payments/${voided}/capture`, undefined],
      [`/v1/payments/${voided}/void`, undefined],
      [`/v1/payments/${failed}/capture`, undefined],
      [`/v1/payments/${failed}/void`, undefined],
      ['/v1/refunds', { payment: uncaptured }],
      ['/v1/refunds', { payment: voided }],
      ['/v1/refunds', { payment: failed }],
    ];
    for (const [path, body] of cases) {
      const response = await api('POST', path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(409);
      expect(response.json.error.code).toBe('invalid_state_transition');
    }
    expect(await ledgerPending()).toEqual({ held: 1000, posted: 1000 });
  });

  it('lets exactly one of 10 concurrent captures through', async () => {
    const id = await authorize(1000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api('POST', `/v1/payments/${id}/capture`)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await ledgerPending()).toEqual({ held: 0, posted: 1000 });
  });

  it('lets one of concurrent captures and voids win', async () => {
    const id = await authorize(1000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api('POST', `/v1/payments/${id}/${i % 2 ? 'void' : 'capture'}`)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    const winner = responses.find((r) => r.status === 200)!.json;
    expect(await ledgerPending()).toEqual({ held: 0, posted: winner.status === 'succeeded' ? 1000 : 0 });
  });
});

describe('payments: refunds', () => {
  it('refunds in parts up to what was captured, then refuses', async () => {
    const id = await charge(1000);
    const first = await api('POST', '/v1/refunds', {
      payment: id,
      amount: 300,
      reason: 'requested_by_customer',
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      object: 'refund',
      payment: id,
      amount: 300,
      currency: 'USD',
      status: 'succeeded',
      reason: 'requested_by_customer',
    });
    expect(first.json.id).toMatch(/^re_/);
    const rest = await api('POST', '/v1/refunds', { payment: id });
    expect(rest.json.amount).toBe(700);
    expect((await api('GET', `/v1/payments/${id}`)).json).toMatchObject({
      status: 'succeeded',
      amount_captured: 1000,
      amount_refunded: 1000,
    });
    const beyond = await api('POST', '/v1/refunds', { payment: id, amount: 1 });
    expect(beyond.status).toBe(400);
    expect(beyond.json.error.code).toBe('amount_too_large');
    expect(await pendingBalance()).toBe(0);
  });

  it('refunds a partial capture only up to the captured amount', async () => {
    const id = await authorize(1000);
    await api('POST', `/v1/payments/${id}/capture`, { amount: 400 });
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 401 })).status).toBe(400);
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 400 })).status).toBe(201);
  });

  it('never lets concurrent refunds exceed what was captured', async () => {
    const id = await charge(1000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api('POST', '/v1/refunds', { payment: id, amount: 300 })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 400)).toHaveLength(7);
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(900);
    expect(await pendingBalance()).toBe(100);
  });

  it('refuses a refund of an unknown payment with 404 naming the field', async () => {
    const response = await api('POST', '/v1/refunds', { payment: 'pay_nope' });
    expect(response.status).toBe(404);
    expect(response.json.error.param).toBe('payment');
  });
});

describe('payments: sandbox clock and expiry', () => {
  it('expires due authorizations when the clock is advanced, releasing their holds', async () => {
    const due = await authorize(1000);
    t.clock.advance(1000);
    const later = await authorize(500);
    // Seven days after the first authorization, one second short of the second's deadline.
    const advanced = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 7 * 24 * 3600 - 1 });
    expect(advanced.status).toBe(200);
    expect(advanced.json.expired_payments).toEqual([due]);
    expect((await api('GET', `/v1/payments/${due}`)).json).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'expired',
      amount_capturable: 0,
    });
    expect((await api('GET', `/v1/payments/${later}`)).json.status).toBe('requires_capture');
    expect(await ledgerPending()).toEqual({ held: 500, posted: 0 });
    const capture = await api('POST', `/v1/payments/${due}/capture`);
    expect(capture.status).toBe(409);
    expect(capture.json.error.code).toBe('payment_expired');
    const expired = (await pendingEvents(t)).filter((e) => e.type === 'payment.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({
      merchant: merchant.id,
      data: { object: { id: due, status: 'canceled' } },
    });
  });

  it('expires an authorization found due at capture time and answers 409 payment_expired', async () => {
    const id = await authorize(1000);
    // The clock moves without the sweep (real time passing): capture notices the deadline itself.
    t.clock.advance(7 * 24 * 3600 * 1000);
    const capture = await api('POST', `/v1/payments/${id}/capture`);
    expect(capture.status).toBe(409);
    expect(capture.json.error.code).toBe('payment_expired');
    expect((await api('GET', `/v1/payments/${id}`)).json.cancellation_reason).toBe('expired');
    expect(await ledgerPending()).toEqual({ held: 0, posted: 0 });
  });

  it("keeps each merchant's clock to itself and expires in real time through the sweep", async () => {
    const other = await createTestMerchant(t);
    const otherApi = asMerchant(t, other);
    const mine = await authorize(1000);
    const theirs = (await otherApi('POST', '/v1/payments', paymentBody({ capture: false }))).json.id;
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 3 * 24 * 3600 });
    expect(await expireAuthorizations({ store: t.store, clock: t.clock })).toBe(0);
    t.clock.advance(4 * 24 * 3600 * 1000);
    expect(await expireAuthorizations({ store: t.store, clock: t.clock })).toBe(1);
    expect((await api('GET', `/v1/payments/${mine}`)).json.status).toBe('canceled');
    expect((await otherApi('GET', `/v1/payments/${theirs}`)).json.status).toBe('requires_capture');
  });
});
