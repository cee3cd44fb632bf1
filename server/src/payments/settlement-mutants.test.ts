import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { getAccount, systemAccountId } from '../ledger/index.ts';
import { AppError } from '../kernel/errors.ts';
import type { WriteOperation } from '../platform/store.ts';
import { disputeFee, settlementFeeFor, type Settlement } from './model.ts';
import { merchantAccountId } from './merchants.ts';
import { createRefund } from './refunds.ts';
import { settleMerchant, settlementTasks } from './settlement.ts';
import {
  failNextWrite,
  interleave,
  pendingEvents,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
  createPayment,
} from './test-support.ts';

/**
 * Settlement (`settlement.ts`) where the mutation run of issue 23 found it untested on SQLite:
 * each line of a payout, a day refunded in full, batches split by currency and by day, two runs
 * at once, and the workflow's task for one named merchant.
 */

const dayMs = 24 * 3600 * 1000;

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function charge(amount: number, extra: Record<string, unknown> = {}): Promise<string> {
  return createPayment(api, { amount, ...extra });
}

/** Seconds from the merchant's sandbox time to just past the next UTC midnight. */
async function secondsToNextDay(): Promise<number> {
  const sandbox = Date.parse(
    (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json.sandbox_time,
  );
  return Math.ceil((Math.floor(sandbox / dayMs) * dayMs + dayMs - sandbox) / 1000) + 1;
}

/** Ends the sandbox day; returns the settlements it made. */
async function endDay(): Promise<Settlement[]> {
  const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: await secondsToNextDay() });
  expect(fired.status).toBe(200);
  return Promise.all(
    (fired.json.settlements as string[]).map(async (id) => (await api('GET', `/v1/settlements/${id}`)).json),
  );
}

async function balance(currency = 'USD'): Promise<{ available: number; pending: number }> {
  const usd = (await api('GET', '/v1/balance')).json.balances.find(
    (b: { currency: string }) => b.currency === currency,
  );
  return { available: usd.available, pending: usd.pending };
}

describe('settlement: what a payout is made of', () => {
  it('itemizes each payment, its refund and dispute hold and fee, then the dispute fee withheld, and adds them up', async () => {
    const plain = await charge(5_000);
    const refunded = await charge(6_000);
    const disputed = await charge(4_000);
    const refund = await api('POST', '/v1/refunds', { payment: refunded, amount: 1_000 });
    expect(refund.status).toBe(201);
    const dispute = await api('POST', '/v1/test-helpers/disputes', { payment: disputed });
    expect(dispute.status).toBe(201);

    const [settlement] = await endDay();
    const plainFee = settlementFeeFor(5_000);
    const refundedFee = settlementFeeFor(5_000);
    const fees = plainFee + refundedFee;
    const gross = 10_000;
    const net = gross - fees - disputeFee;
    expect(settlement).toMatchObject({
      merchant: merchant.id,
      currency: 'USD',
      captured: 15_000,
      refunded: 1_000,
      disputed: 4_000,
      gross,
      fees,
      dispute_fees: disputeFee,
      net,
    });
    const byPayment = new Map(
      [plain, refunded, disputed].map((id) => [id, settlement!.lines.filter((l) => l.payment === id)]),
    );
    expect(byPayment.get(plain)).toEqual([
      { type: 'charge', payment: plain, dispute: null, amount: 5_000 },
      { type: 'processing_fee', payment: plain, dispute: null, amount: -plainFee },
    ]);
    expect(byPayment.get(refunded)).toEqual([
      { type: 'charge', payment: refunded, dispute: null, amount: 6_000 },
      { type: 'refund', payment: refunded, dispute: null, amount: -1_000 },
      { type: 'processing_fee', payment: refunded, dispute: null, amount: -refundedFee },
    ]);
    expect(byPayment.get(disputed)).toEqual([
      { type: 'charge', payment: disputed, dispute: null, amount: 4_000 },
      { type: 'dispute_hold', payment: disputed, dispute: dispute.json.id, amount: -4_000 },
    ]);
    expect(settlement!.lines.at(-1)).toEqual({
      type: 'dispute_fee_recovery',
      payment: null,
      dispute: null,
      amount: -disputeFee,
    });
    expect(settlement!.lines).toHaveLength(8);

    // The money followed the lines: net to available, fees to the platform, the fee owed repaid.
    expect(await balance()).toEqual({ available: net, pending: 0 });
    const platformFees = await getAccount(t, systemAccountId('fees', 'USD'));
    expect(platformFees!.credits_posted).toBe(fees + disputeFee);
    const owed = await getAccount(t, `acct_m_${merchant.id}_fees_USD`);
    expect(owed!.debits_posted - owed!.credits_posted).toBe(0);
  });

  it('settles a day refunded in full: nothing moves, but the payment is settled and the payout announced', async () => {
    const id = await charge(1_000);
    expect((await api('POST', '/v1/refunds', { payment: id })).status).toBe(201);

    const settlements = await endDay();
    expect(settlements).toHaveLength(1);
    expect(settlements[0]).toMatchObject({ gross: 0, fees: 0, dispute_fees: 0, net: 0, payments: [id] });
    expect(settlements[0]!.lines).toEqual([
      { type: 'charge', payment: id, dispute: null, amount: 1_000 },
      { type: 'refund', payment: id, dispute: null, amount: -1_000 },
    ]);
    expect((await api('GET', `/v1/payments/${id}`)).json.settlement).toBe(settlements[0]!.id);
    expect(await balance()).toEqual({ available: 0, pending: 0 });
    const payouts = (await pendingEvents(t)).filter((event) => event.type === 'payout.settled');
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ merchant: merchant.id, data: { object: { id: settlements[0]!.id } } });
    // And it is settled once.
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
  });
});

describe('settlement: batches', () => {
  it('settles each currency and each ended day in its own settlement', async () => {
    const usd = await charge(1_000);
    const eur = await charge(2_000, { currency: 'EUR' });
    t.clock.advance(dayMs);
    const nextDay = await charge(3_000);
    t.clock.advance(dayMs);

    const made = await settleMerchant(t, merchant.id);
    const summary = made
      .map((s) => ({ currency: s.currency, date: s.settlement_date, payments: s.payments, gross: s.gross }))
      .sort((a, b) => `${a.date}${a.currency}`.localeCompare(`${b.date}${b.currency}`));
    expect(summary).toEqual([
      { currency: 'EUR', date: '2026-01-15', payments: [eur], gross: 2_000 },
      { currency: 'USD', date: '2026-01-15', payments: [usd], gross: 1_000 },
      { currency: 'USD', date: '2026-01-16', payments: [nextDay], gross: 3_000 },
    ]);
    expect(await balance()).toEqual({
      available: 4_000 - settlementFeeFor(1_000) - settlementFeeFor(3_000),
      pending: 0,
    });
    expect(await balance('EUR')).toEqual({ available: 2_000 - settlementFeeFor(2_000), pending: 0 });
  });

  it('settles every payment once when two runs race', async () => {
    for (let i = 0; i < 5; i++) await charge(1_000 + i);
    t.clock.advance(dayMs);

    const [a, b] = await Promise.all([settleMerchant(t, merchant.id), settleMerchant(t, merchant.id)]);
    const made = [...a, ...b];
    expect(made).toHaveLength(1);
    expect(made[0]!.payments).toHaveLength(5);
    const gross = 5_000 + 10;
    const fees = [0, 1, 2, 3, 4].reduce((sum, i) => sum + settlementFeeFor(1_000 + i), 0);
    expect(await balance()).toEqual({ available: gross - fees, pending: 0 });
  });

  it('refuses to settle a merchant that does not exist, naming it', async () => {
    await expect(settleMerchant(t, 'mer_gone')).rejects.toMatchObject({
      code: 'not_found',
      message: 'no merchant mer_gone',
    });
  });
});

describe('settlement workflow: one named merchant', () => {
  it('lists the named merchant only when it has an ended day to settle', async () => {
    const tasks = settlementTasks(t);
    await charge(1_000);
    expect(await tasks.ListMerchantsDue({ merchant: merchant.id })).toEqual({ merchants: [] });
    t.clock.advance(dayMs);
    expect(await tasks.ListMerchantsDue({ merchant: merchant.id })).toEqual({ merchants: [merchant.id] });
    expect(await tasks.ListMerchantsDue({ merchant: 'mer_gone' })).toEqual({ merchants: [] });
    expect(await tasks.ListMerchantsDue(null)).toEqual({ merchants: [merchant.id] });

    const settled = await tasks.SettleMerchant({ merchant: merchant.id });
    expect(settled.merchant).toBe(merchant.id);
    expect(settled.settlements).toHaveLength(1);
    expect(await tasks.ListMerchantsDue({ merchant: merchant.id })).toEqual({ merchants: [] });
  });
});

describe('settlement: lost races and failed writes', () => {
  const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });
  /** The transaction that settles a batch: it puts the settlement. */
  const settlesBatch = (operations: WriteOperation[]) =>
    operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('STL#'));

  it('skips a batch another run settled first, whether money moves or it was refunded in full', async () => {
    const kept = await charge(3_000);
    t.clock.advance(dayMs);
    const racing = interleave(t, settlesBatch, () => settleMerchant(t, merchant.id));
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
    expect(racing.count).toBe(1);
    // A day refunded in full moves no money: its batch is settled by the store alone.
    const refunded = await charge(2_000);
    expect((await api('POST', '/v1/refunds', { payment: refunded })).status).toBe(201);
    t.clock.advance(dayMs);
    const racingAgain = interleave(t, settlesBatch, () => settleMerchant(t, merchant.id));
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
    expect(racingAgain.count).toBe(1);
    const settled = (await api('GET', '/v1/settlements')).json.data as Settlement[];
    expect(settled.map((s) => s.payments)).toEqual([[refunded], [kept]]);
    expect(await balance()).toEqual({ available: 3_000 - settlementFeeFor(3_000), pending: 0 });
  });

  it('skips a batch another run settled first when it recovers a dispute fee', async () => {
    // The fees account refuses the second recovery of the fee: the ledger names that refusal
    // first, and it is a lost race like the payments' conditions (it threw before).
    const disputed = await charge(2_000);
    expect((await api('POST', '/v1/test-helpers/disputes', { payment: disputed })).status).toBe(201);
    const kept = await charge(50_000);
    t.clock.advance(dayMs);
    const racing = interleave(t, settlesBatch, () => settleMerchant(t, merchant.id));
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
    expect(racing.count).toBe(1);
    // Settled once, by the other run, with the fee recovered once.
    const settlements = (await api('GET', '/v1/settlements')).json.data as Settlement[];
    expect(settlements).toHaveLength(1);
    expect([...settlements[0]!.payments].sort()).toEqual([disputed, kept].sort());
    expect(settlements[0]!.dispute_fees).toBe(disputeFee);
    expect(await balance()).toEqual({ available: settlements[0]!.net, pending: 0 });
  });

  it('passes on a failed write of a batch, whether money moves or not, instead of taking it for a lost race', async () => {
    const kept = await charge(3_000);
    const refunded = await charge(2_000);
    expect((await api('POST', '/v1/refunds', { payment: refunded, amount: 2_000 })).status).toBe(201);
    t.clock.advance(dayMs);
    const throttled = { name: 'ProvisionedThroughputExceededException' };
    failNextWrite(t, settlesBatch);
    await expect(settleMerchant(t, merchant.id)).rejects.toMatchObject(throttled);
    expect(await settleMerchant(t, merchant.id)).toHaveLength(1);
    expect((await api('GET', `/v1/payments/${kept}`)).json.settlement).not.toBeNull();

    const fullyRefunded = await charge(1_000);
    expect((await api('POST', '/v1/refunds', { payment: fullyRefunded })).status).toBe(201);
    t.clock.advance(dayMs);
    failNextWrite(t, settlesBatch);
    await expect(settleMerchant(t, merchant.id)).rejects.toMatchObject(throttled);
    expect(await settleMerchant(t, merchant.id)).toHaveLength(1);
  });

  it('passes on a refusal of a batch that is no lost race: another code, or a refused credit of another account', async () => {
    await charge(3_000);
    t.clock.advance(dayMs);
    const fees = merchantAccountId(merchant.id, 'fees', 'USD');
    const refusals = [
      new AppError('service_unavailable', 'the store is busy'),
      new AppError('insufficient_funds', 'short', { details: { account_id: 'acct_someone_else' } }),
      new AppError('amount_exceeds_capacity', 'too much', { details: { account_id: fees } }),
    ];
    for (const refusal of refusals) {
      const transact = t.store.transact.bind(t.store);
      t.store.transact = async (operations: WriteOperation[]) => {
        if (!settlesBatch(operations)) return transact(operations);
        t.store.transact = transact;
        throw refusal;
      };
      await expect(settleMerchant(t, merchant.id), refusal.code).rejects.toBe(refusal);
      expect((await api('GET', '/v1/settlements')).json.data).toEqual([]);
    }
    expect(await settleMerchant(t, merchant.id)).toHaveLength(1);
  });

  it('gives up after losing ten races in a row, settling nothing, and settles on the next run', async () => {
    const id = await charge(10_000);
    t.clock.advance(dayMs);
    // Ten attempts in a row are overtaken by a refund of 10, which changes what the batch was
    // computed from; an eleventh would not be.
    const racing = interleave(
      t,
      settlesBatch,
      () => createRefund(t, actor(), { payment: id, amount: 10 }),
      10,
    );
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
    expect(racing.count).toBe(10);
    const [settlement] = await settleMerchant(t, merchant.id);
    expect(settlement).toMatchObject({ payments: [id], refunded: 100 });
  });

  it('answers an unknown settlement id with 404 naming it', async () => {
    const missing = await api('GET', '/v1/settlements/stl_nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', param: 'id' });
    expect(missing.json.error.message).toMatch(/^No settlement stl_nope/);
  });
});
