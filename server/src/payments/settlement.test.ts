import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { getAccount, systemAccountId } from '../ledger/index.ts';
import { runStateMachine } from '../runtime/local/workflow-runner.ts';
import { settlementDefinition } from './index.ts';
import { settlementFeeFor } from './model.ts';
import { settleMerchant, settlementTasks } from './settlement.ts';
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

const dayMs = 24 * 3600 * 1000;

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function charge(amount: number): Promise<string> {
  const response = await api('POST', '/v1/payments', paymentBody({ amount }));
  expect(response.status).toBe(201);
  return response.json.id;
}

async function balance(): Promise<{ available: number; pending: number }> {
  const response = await api('GET', '/v1/balance');
  expect(response.status).toBe(200);
  const usd = response.json.balances.find((b: { currency: string }) => b.currency === 'USD');
  return { available: usd.available, pending: usd.pending };
}

/** Seconds from the merchant's sandbox time (no offset yet) to just past the next UTC midnight. */
async function secondsToNextDay(): Promise<number> {
  const sandbox = Date.parse(
    (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json.sandbox_time,
  );
  return Math.ceil((Math.floor(sandbox / dayMs) * dayMs + dayMs - sandbox) / 1000) + 1;
}

async function advance(seconds: number) {
  const response = await api('POST', '/v1/test-helpers/advance-clock', { seconds });
  expect(response.status).toBe(200);
  return response.json as { sandbox_time: string; expired_payments: string[]; settlements: string[] };
}

describe('settlement T+1', () => {
  it('rounds the 2.9% + 30 fee half up and never past the net', () => {
    expect(settlementFeeFor(10_000)).toBe(320);
    expect(settlementFeeFor(2_500)).toBe(103); // 72.5 rounds up to 73
    expect(settlementFeeFor(500)).toBe(45); // 14.5 rounds up to 15
    expect(settlementFeeFor(20)).toBe(20);
    expect(settlementFeeFor(0)).toBe(0);
  });

  it('moves captured funds less refunds and fees from pending to available when the sandbox day ends', async () => {
    const ids = [await charge(10_000), await charge(2_500), await charge(1_000)];
    expect((await api('POST', '/v1/refunds', { payment: ids[2], amount: 500 })).status).toBe(201);
    const uncaptured = await api('POST', '/v1/payments', paymentBody({ amount: 700, capture: false }));
    expect(await balance()).toEqual({ available: 0, pending: 13_000 });

    const fired = await advance(await secondsToNextDay());

    const fees = settlementFeeFor(10_000) + settlementFeeFor(2_500) + settlementFeeFor(500);
    expect(fired.settlements).toHaveLength(1);
    expect(await balance()).toEqual({ available: 13_000 - fees, pending: 0 });
    const settlement = await api('GET', `/v1/settlements/${fired.settlements[0]}`);
    expect(settlement.status).toBe(200);
    expect(settlement.json).toMatchObject({
      object: 'settlement',
      merchant: merchant.id,
      currency: 'USD',
      gross: 13_000,
      fees,
      net: 13_000 - fees,
    });
    expect([...settlement.json.payments].sort()).toEqual([...ids].sort());
    expect(settlement.json.payments).not.toContain(uncaptured.json.id);
    // Each payment names the settlement that paid it out; the uncaptured one none.
    for (const id of ids)
      expect((await api('GET', `/v1/payments/${id}`)).json.settlement).toBe(settlement.json.id);
    expect((await api('GET', `/v1/payments/${uncaptured.json.id}`)).json.settlement).toBeNull();
    const platformFees = await getAccount(t, systemAccountId('fees', 'USD'));
    expect(platformFees!.credits_posted).toBe(fees);
    const listed = await api('GET', '/v1/settlements');
    expect(listed.json.data.map((s: { id: string }) => s.id)).toEqual(fired.settlements);
    const payout = (await pendingEvents(t)).find((event) => event.type === 'payout.settled');
    expect(payout).toMatchObject({ merchant: merchant.id, data: { object: settlement.json } });
  });

  it('does not settle captures of the current sandbox day', async () => {
    await charge(1_000);
    const seconds = await secondsToNextDay();
    expect(seconds).toBeGreaterThan(3);
    expect((await advance(seconds - 3)).settlements).toEqual([]);
    expect(await balance()).toEqual({ available: 0, pending: 1_000 });
  });

  it('settles nothing twice when the clock moves again or settlement re-runs for the same day', async () => {
    await charge(4_000);
    await advance(await secondsToNextDay());
    const after = await balance();

    expect((await advance(3600)).settlements).toEqual([]);
    expect(await settleMerchant(t, merchant.id)).toEqual([]);
    expect(
      (
        (await runStateMachine(settlementDefinition, settlementTasks(t))) as {
          settled: Array<{ merchant: string; settlements: string[] }>;
        }
      ).settled,
    ).toEqual([]);
    expect(await balance()).toEqual(after);
    expect((await api('GET', '/v1/settlements')).json.data).toHaveLength(1);
  });

  it('splits a day of more than 40 captures into batches, one settlement each', async () => {
    for (let i = 0; i < 45; i++) await charge(100 + i);
    const fired = await advance(await secondsToNextDay());
    expect(fired.settlements).toHaveLength(2);
    const settlements = await Promise.all(
      fired.settlements.map(async (id) => (await api('GET', `/v1/settlements/${id}`)).json),
    );
    expect(settlements.map((s) => s.payments.length).sort()).toEqual([40, 5]);
    const gross = settlements.reduce((sum, s) => sum + s.gross, 0);
    expect(gross).toBe(Array.from({ length: 45 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0));
    expect((await balance()).pending).toBe(0);
  });

  it('refunds a settled payment from the available balance', async () => {
    const id = await charge(10_000);
    await advance(await secondsToNextDay());
    const settled = await balance();

    const refund = await api('POST', '/v1/refunds', { payment: id, amount: 3_000 });

    expect(refund.status).toBe(201);
    expect(await balance()).toEqual({ available: settled.available - 3_000, pending: 0 });
  });

  it('refunds a settled payment beyond the available balance, down to the floor, and recovers it from the next settlement', async () => {
    const id = await charge(10_000);
    await advance(await secondsToNextDay());
    expect(await balance()).toEqual({ available: 10_000 - settlementFeeFor(10_000), pending: 0 });

    const refund = await api('POST', '/v1/refunds', { payment: id });

    expect(refund.status).toBe(201);
    const negative = -settlementFeeFor(10_000);
    expect(await balance()).toEqual({ available: negative, pending: 0 });
    expect((await api('GET', '/v1/balance')).json.balances[0].negative_balance_limit).toBe(10_000);
    // The next payout pays the negative balance back first.
    await charge(5_000);
    await advance(await secondsToNextDay());
    expect(await balance()).toEqual({ available: negative + 5_000 - settlementFeeFor(5_000), pending: 0 });
  });

  it('refuses a refund that would take the balance below the floor with 402 balance_insufficient, writing nothing', async () => {
    // 4,000.00 USD settles less a 116.30 fee; refunding it all would leave −116.30, past the −100.00 floor.
    const id = await charge(400_000);
    await advance(await secondsToNextDay());
    const before = await balance();
    expect(before.available).toBe(400_000 - settlementFeeFor(400_000));

    const refused = await api('POST', '/v1/refunds', { payment: id });

    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({ code: 'balance_insufficient', param: 'amount' });
    expect(refused.json.error.message).toMatch(/below −100\.00 USD/);
    expect(await balance()).toEqual(before);
    const payment = (await api('GET', `/v1/payments/${id}`)).json;
    expect(payment).toMatchObject({ amount_refunded: 0, display_status: 'succeeded' });

    // Within the floor it goes through: the balance ends at −100.00 exactly.
    const within = await api('POST', '/v1/refunds', { payment: id, amount: before.available + 10_000 });
    expect(within.status).toBe(201);
    expect(await balance()).toEqual({ available: -10_000, pending: 0 });
    expect((await api('GET', `/v1/payments/${id}`)).json.display_status).toBe('partially_refunded');
  });

  it('runs the ASL settlement workflow locally for every merchant with an ended day', async () => {
    const id = await charge(5_000);
    t.clock.advance(2 * dayMs);

    const run = (await runStateMachine(settlementDefinition, settlementTasks(t))) as {
      settled: Array<{ merchant: string; settlements: string[] }>;
    };

    expect(run.settled).toHaveLength(1);
    expect(run.settled[0]!.merchant).toBe(merchant.id);
    const settlement = await api('GET', `/v1/settlements/${run.settled[0]!.settlements[0]}`);
    expect(settlement.json.payments).toEqual([id]);
    expect((await balance()).available).toBe(5_000 - settlementFeeFor(5_000));
  });

  it('caps the test clock at 100 years ahead of real time: a call past it is a 400 naming seconds and moves nothing', async () => {
    const tenYears = 10 * 365 * 24 * 3600;
    for (let i = 0; i < 10; i++) await advance(tenYears);
    const atCap = (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json
      .sandbox_time;
    expect(Date.parse(atCap) - t.clock.now()).toBe(100 * 365 * dayMs);

    const refused = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 1 });

    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'invalid_request', param: 'seconds' });
    const after = (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json;
    expect(after.sandbox_time).toBe(atCap);
  });

  it('settles captures made on a clock a century ahead, by the UTC day they were captured', async () => {
    const tenYears = 10 * 365 * 24 * 3600;
    for (let i = 0; i < 9; i++) await advance(tenYears);
    const { sandbox_time } = await advance(9 * 365 * 24 * 3600);
    const farCard = card(undefined, { exp_year: new Date(sandbox_time).getUTCFullYear() + 1 });
    const charged = await api('POST', '/v1/payments', paymentBody({ amount: 2_000, card: farCard }));
    expect(charged.status).toBe(201);
    const id = charged.json.id as string;
    const fired = await advance(await secondsToNextDay());
    expect(fired.settlements).toHaveLength(1);
    const settlement = (await api('GET', `/v1/settlements/${fired.settlements[0]}`)).json;
    expect(settlement.payments).toEqual([id]);
    const captured = (await api('GET', `/v1/payments/${id}`)).json.created_at as string;
    expect(settlement.settlement_date).toBe(captured.slice(0, 10));
    expect(await balance()).toEqual({ available: 2_000 - settlementFeeFor(2_000), pending: 0 });
  });

  it("hides another merchant's settlements", async () => {
    await charge(1_000);
    const [id] = (await advance(await secondsToNextDay())).settlements;
    const other = asMerchant(t, await createTestMerchant(t));
    expect((await other('GET', `/v1/settlements/${id}`)).status).toBe(404);
    expect((await other('GET', '/v1/settlements')).json.data).toEqual([]);
  });
});
