import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { createTransfers, getAccount, systemAccountId } from '../ledger/index.ts';
import { disputeFee, settlementFeeFor } from './model.ts';
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

const disputeCard = '4000000000000259';
const day = 24 * 3600;

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function balance(): Promise<{ available: number; pending: number }> {
  const usd = (await api('GET', '/v1/balance')).json.balances.find(
    (b: { currency: string }) => b.currency === 'USD',
  );
  return { available: usd.available, pending: usd.pending };
}

async function disputedPayment(amount = 5_000): Promise<{ payment: string; dispute: string }> {
  const payment = await api('POST', '/v1/payments', paymentBody({ amount, card: card(disputeCard) }));
  expect(payment.status).toBe(201);
  const listed = await api('GET', '/v1/disputes');
  const dispute = listed.json.data.find((d: { payment: string }) => d.payment === payment.json.id);
  expect(dispute).toBeDefined();
  return { payment: payment.json.id, dispute: dispute.id };
}

async function accountPosted(id: string): Promise<number> {
  const account = await getAccount(t, id);
  return account!.credits_posted - account!.debits_posted;
}

/** The merchant's events in the outbox (no dispatcher runs here), with the dispute they carry. */
async function events() {
  return (await pendingEvents(t)).filter((event) => event.merchant === merchant.id);
}

describe('disputes', () => {
  it('opens a dispute when a dispute-card payment succeeds, withdrawing the amount and the fee', async () => {
    const { payment, dispute } = await disputedPayment(5_000);

    const opened = await api('GET', `/v1/disputes/${dispute}`);
    expect(opened.json).toMatchObject({
      object: 'dispute',
      payment,
      amount: 5_000,
      fee: disputeFee,
      currency: 'USD',
      status: 'needs_response',
      evidence: null,
      closed_at: null,
    });
    expect(Date.parse(opened.json.evidence_due_by) - Date.parse(opened.json.created_at)).toBe(7 * day * 1000);
    expect(await balance()).toEqual({ available: 0, pending: 0 });
    expect((await api('GET', `/v1/payments/${payment}`)).json).toMatchObject({ dispute, settlement: null });
    expect(await accountPosted(`acct_m_${merchant.id}_disputes_USD`)).toBe(5_000);
    expect(await accountPosted(`acct_m_${merchant.id}_fees_USD`)).toBe(-disputeFee);
    expect(await accountPosted(systemAccountId('fees', 'USD'))).toBe(disputeFee);
    expect((await events()).find((e) => e.type === 'dispute.created')?.data.object).toMatchObject({
      id: dispute,
      status: 'needs_response',
    });
  });

  it('wins a dispute answered with evidence once the deadline passes: the amount returns, the fee is kept', async () => {
    const { dispute } = await disputedPayment(5_000);
    const answered = await api('POST', `/v1/disputes/${dispute}/evidence`, {
      text: 'Signed delivery receipt attached.',
    });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({
      status: 'under_review',
      evidence: { text: 'Signed delivery receipt attached.' },
    });

    expect(
      (await api('POST', '/v1/test-helpers/advance-clock', { seconds: 6 * day })).json.closed_disputes,
    ).toEqual([]);
    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day + 60 });

    expect(fired.json.closed_disputes).toEqual([dispute]);
    expect((await api('GET', `/v1/disputes/${dispute}`)).json).toMatchObject({
      status: 'won',
      closed_at: expect.any(String),
    });
    expect(await balance()).toEqual({ available: 5_000, pending: 0 });
    expect(await accountPosted(`acct_m_${merchant.id}_disputes_USD`)).toBe(0);
    expect((await events()).find((e) => e.type === 'dispute.closed')?.data.object).toMatchObject({
      id: dispute,
      status: 'won',
    });
  });

  it('loses a dispute left unanswered past the deadline', async () => {
    const { dispute } = await disputedPayment(5_000);
    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 7 * day + 60 });
    expect(fired.json.closed_disputes).toEqual([dispute]);
    expect((await api('GET', `/v1/disputes/${dispute}`)).json.status).toBe('lost');
    expect(await balance()).toEqual({ available: 0, pending: 0 });
  });

  it('loses an accepted dispute at once', async () => {
    const { dispute } = await disputedPayment(5_000);
    const accepted = await api('POST', `/v1/disputes/${dispute}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.json.status).toBe('lost');
    expect(await accountPosted(`acct_m_${merchant.id}_disputes_USD`)).toBe(0);
  });

  it('refuses illegal transitions with 409', async () => {
    const { payment, dispute } = await disputedPayment(5_000);
    expect((await api('POST', '/v1/refunds', { payment })).status).toBe(409);
    expect((await api('POST', '/v1/test-helpers/disputes', { payment })).status).toBe(409);
    expect((await api('POST', `/v1/disputes/${dispute}/evidence`, { text: 'receipt' })).status).toBe(200);
    expect((await api('POST', `/v1/disputes/${dispute}/evidence`, { text: 'again' })).status).toBe(409);
    expect((await api('POST', `/v1/disputes/${dispute}/accept`)).status).toBe(409);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * day });
    expect((await api('POST', `/v1/disputes/${dispute}/accept`)).status).toBe(409);

    const late = await disputedPayment(1_000);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * day });
    expect((await api('POST', `/v1/disputes/${late.dispute}/evidence`, { text: 'too late' })).status).toBe(
      409,
    );
  });

  it('opens a dispute on demand and leaves the disputed amount out of settlement', async () => {
    const ordinary = await api('POST', '/v1/payments', paymentBody({ amount: 3_000 }));
    const kept = await api('POST', '/v1/payments', paymentBody({ amount: 2_000 }));
    const opened = await api('POST', '/v1/test-helpers/disputes', { payment: ordinary.json.id });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ payment: ordinary.json.id, amount: 3_000, status: 'needs_response' });

    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day + 60 });

    expect(fired.json.settlements).toHaveLength(1);
    const settlement = (await api('GET', `/v1/settlements/${fired.json.settlements[0]}`)).json;
    // The dispute fee owed is recovered from this payout, as Stripe nets it from the balance.
    const net = 2_000 - settlementFeeFor(2_000) - disputeFee;
    expect(settlement).toMatchObject({
      gross: 2_000,
      fees: settlementFeeFor(2_000),
      dispute_fees: disputeFee,
      net,
    });
    expect([...settlement.payments].sort()).toEqual([ordinary.json.id, kept.json.id].sort());
    expect(await balance()).toEqual({ available: net, pending: 0 });
    expect(await accountPosted(`acct_m_${merchant.id}_fees_USD`)).toBe(0);
  });

  it('recovers a dispute fee from payouts only up to their net, the rest from the next ones, never twice', async () => {
    const disputed = await api('POST', '/v1/payments', paymentBody({ amount: 3_000 }));
    await api('POST', '/v1/test-helpers/disputes', { payment: disputed.json.id });
    const small = await api('POST', '/v1/payments', paymentBody({ amount: 1_000 }));
    expect(small.status).toBe(201);

    const first = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day + 60 });
    const firstNet = 1_000 - settlementFeeFor(1_000);
    const firstSettlement = (await api('GET', `/v1/settlements/${first.json.settlements[0]}`)).json;
    expect(firstSettlement).toMatchObject({ gross: 1_000, dispute_fees: firstNet, net: 0 });
    expect(await balance()).toEqual({ available: 0, pending: 0 });
    expect(await accountPosted(`acct_m_${merchant.id}_fees_USD`)).toBe(-(disputeFee - firstNet));

    await api('POST', '/v1/payments', paymentBody({ amount: 5_000 }));
    const second = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day });
    const secondSettlement = (await api('GET', `/v1/settlements/${second.json.settlements[0]}`)).json;
    expect(secondSettlement).toMatchObject({
      gross: 5_000,
      dispute_fees: disputeFee - firstNet,
      net: 5_000 - settlementFeeFor(5_000) - (disputeFee - firstNet),
    });
    expect(await accountPosted(`acct_m_${merchant.id}_fees_USD`)).toBe(0);

    // Nothing is owed any more: the next payout is whole.
    await api('POST', '/v1/payments', paymentBody({ amount: 2_000 }));
    const third = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day });
    expect((await api('GET', `/v1/settlements/${third.json.settlements[0]}`)).json).toMatchObject({
      dispute_fees: 0,
      net: 2_000 - settlementFeeFor(2_000),
    });
  });

  it('takes a dispute on a settled payment from the available balance, which may go negative down to its floor', async () => {
    const large = await api('POST', '/v1/payments', paymentBody({ amount: 3_000 }));
    const small = await api('POST', '/v1/payments', paymentBody({ amount: 2_000 }));
    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: day + 60 });
    expect(fired.json.settlements).toHaveLength(1);
    // Fees pinned by hand (2.9% + 30, rounded half up): 3,000 pays 117, 2,000 pays 88.
    const net = 5_000 - 117 - 88;
    expect((await api('GET', `/v1/settlements/${fired.json.settlements[0]}`)).json).toMatchObject({ net });
    expect((await api('GET', `/v1/payments/${small.json.id}`)).json.settlement).toEqual(expect.any(String));
    expect(await balance()).toEqual({ available: net, pending: 0 });

    const opened = await api('POST', '/v1/test-helpers/disputes', { payment: small.json.id });
    expect(opened.status).toBe(201);
    // Settled money is available money: the dispute takes it from there, not from pending.
    expect(await balance()).toEqual({ available: net - 2_000, pending: 0 });
    expect(await accountPosted(`acct_m_${merchant.id}_pending_USD`)).toBe(0);
    // The available account also holds the floor its credit line granted (10,000: −100 USD).
    expect(await accountPosted(`acct_m_${merchant.id}_available_USD`)).toBe(net - 2_000 + 10_000);
    expect(await accountPosted(`acct_m_${merchant.id}_disputes_USD`)).toBe(2_000);

    // 4,795 − 2,000 left: the 3,000 payment's dispute takes the balance to −205, within the floor.
    const second = await api('POST', '/v1/test-helpers/disputes', { payment: large.json.id });
    expect(second.status).toBe(201);
    expect(await balance()).toEqual({ available: net - 5_000, pending: 0 });
    const payment = (await api('GET', `/v1/payments/${large.json.id}`)).json;
    expect(payment).toMatchObject({
      dispute: second.json.id,
      dispute_status: 'needs_response',
      display_status: 'disputed',
      refundable_amount: 0,
      available_actions: [],
    });
  });

  it('never lets a dispute fee be recovered twice: the fees account refuses credits past what it owes', async () => {
    await disputedPayment(5_000);
    const fees = `acct_m_${merchant.id}_fees_USD`;
    const platformFees = systemAccountId('fees', 'USD');
    expect(await accountPosted(fees)).toBe(-disputeFee);
    const recover = (id: string, amount: number, kind: 'posted' | 'pending' = 'posted') =>
      createTransfers(t, [
        {
          kind,
          id,
          debit_account_id: platformFees,
          credit_account_id: fees,
          amount,
          currency: 'USD',
          code: 'fee',
        },
      ]);
    // Part of it held for a recovery in flight, the rest recovered: the fee is covered.
    await recover('tr_recover_hold', 500, 'pending');
    await expect(recover('tr_recover_over', disputeFee - 499)).rejects.toMatchObject({
      code: 'insufficient_funds',
    });
    await recover('tr_recover_rest', disputeFee - 500);
    // A second recovery of the same fee, by a run that read the account before the first wrote.
    await expect(recover('tr_recover_again', 1)).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect(await accountPosted(fees)).toBe(-500);
    expect((await getAccount(t, fees))!.credits_pending).toBe(500);
  });

  it("hides another merchant's disputes and payments", async () => {
    const { payment, dispute } = await disputedPayment(1_000);
    const other = asMerchant(t, await createTestMerchant(t));
    expect((await other('GET', `/v1/disputes/${dispute}`)).status).toBe(404);
    expect((await other('POST', `/v1/disputes/${dispute}/accept`)).status).toBe(404);
    expect((await other('POST', '/v1/test-helpers/disputes', { payment })).status).toBe(404);
  });
});
