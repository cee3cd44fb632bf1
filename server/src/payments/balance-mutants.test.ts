import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { newId } from '../kernel/ids.ts';
import { createTransfers, systemAccountId } from '../ledger/index.ts';
import type { Query } from '../platform/store.ts';
import { merchantAccountId } from './merchants.ts';
import { openBalanceFloors } from './migrations.ts';
import { disputeFee, settlementFeeFor, type BalanceTransaction } from './model.ts';
import { createRefund } from './refunds.ts';
import {
  asMerchant,
  createTestMerchant,
  openAccountsTheOldWay,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
  createPayment,
} from './test-support.ts';

/**
 * The merchant's balance and its history (`balance.ts`) on SQLite, where the mutation run of
 * issue 23 found them untested (`balance.test.ts` runs its main suite on DynamoDB Local too,
 * which a mutation run cannot afford per mutant): balances per currency, the refusal past the
 * floor word for word, and each balance transaction with the balance after it, across pages.
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

/** Ends the sandbox day (the harness starts at midday UTC); returns the settlements made. */
async function endDay(): Promise<string[]> {
  const sandbox = Date.parse(
    (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json.sandbox_time,
  );
  const seconds = Math.ceil((Math.floor(sandbox / dayMs) * dayMs + dayMs - sandbox) / 1000) + 1;
  const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds });
  expect(fired.status).toBe(200);
  return fired.json.settlements;
}

async function pages(limit: number, currency = 'USD'): Promise<BalanceTransaction[][]> {
  const all: BalanceTransaction[][] = [];
  let after: string | null = null;
  do {
    const response: { status: number; json: { data: BalanceTransaction[]; next_cursor: string | null } } =
      await api(
        'GET',
        `/v1/balance/transactions?currency=${currency}&limit=${limit}${after ? `&starting_after=${after}` : ''}`,
      );
    expect(response.status).toBe(200);
    all.push(response.json.data);
    after = response.json.next_cursor;
  } while (after);
  return all;
}

describe('balance: per currency', () => {
  it('shows each currency traded in: available, pending and the floor', async () => {
    await charge(1_000);
    await charge(2_000, { currency: 'EUR' });
    await endDay();
    await charge(700);
    await charge(300, { currency: 'EUR', capture: false });
    const balances = (await api('GET', '/v1/balance')).json.balances as Array<{ currency: string }>;
    expect([...balances].sort((a, b) => a.currency.localeCompare(b.currency))).toEqual([
      {
        currency: 'EUR',
        available: 2_000 - settlementFeeFor(2_000),
        pending: 0,
        negative_balance_limit: 10_000,
      },
      {
        currency: 'USD',
        available: 1_000 - settlementFeeFor(1_000),
        pending: 700,
        negative_balance_limit: 10_000,
      },
    ]);
  });
});

describe('balance: a refusal past the floor', () => {
  it('says where the balance stands and how far it may go, with the figures as details', async () => {
    const id = await charge(400_000);
    await endDay();
    const available = 400_000 - settlementFeeFor(400_000);
    const refused = await api('POST', '/v1/refunds', { payment: id });
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({
      code: 'balance_insufficient',
      param: 'amount',
      available,
      negative_balance_limit: 10_000,
      currency: 'USD',
    });
    expect(refused.json.error.message).toBe(
      `Refunding 400000 would take your available balance (${(available / 100).toFixed(2)} USD) below ` +
        '−100.00 USD, the most it may go negative. Wait for the next settlement to add funds, or refund less.',
    );
  });
});

describe('balance transactions', () => {
  it('explains every change newest first, each with its source, time and the balance after it, the same on every page size', async () => {
    const kept = await charge(6_000);
    const refunded = await charge(4_000);
    const [settlementId] = await endDay();
    const settled = 10_000 - settlementFeeFor(6_000) - settlementFeeFor(4_000);
    const refund = (await api('POST', '/v1/refunds', { payment: refunded, amount: 1_000 })).json;
    const dispute = (await api('POST', '/v1/test-helpers/disputes', { payment: kept })).json;
    expect((await api('POST', `/v1/disputes/${dispute.id}/evidence`, { text: 'receipt' })).status).toBe(200);
    const won = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * 24 * 3600 });
    expect(won.json.closed_disputes).toEqual([dispute.id]);
    const closed = (await api('GET', `/v1/disputes/${dispute.id}`)).json;
    const settlement = (await api('GET', `/v1/settlements/${settlementId}`)).json;

    const [whole] = await pages(100);
    expect(whole!.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        object: 'balance_transaction',
        type: 'dispute_won',
        code: expect.any(String),
        currency: 'USD',
        amount: 6_000,
        fee: 0,
        net: 6_000,
        balance_after: settled - 1_000,
        source: dispute.id,
        payment: kept,
        created_at: closed.closed_at,
        sandbox_time: true,
      },
      {
        object: 'balance_transaction',
        type: 'dispute',
        code: expect.any(String),
        currency: 'USD',
        amount: -6_000,
        fee: 0,
        net: -6_000,
        balance_after: settled - 7_000,
        source: dispute.id,
        payment: kept,
        created_at: dispute.created_at,
        sandbox_time: true,
      },
      {
        object: 'balance_transaction',
        type: 'refund',
        code: expect.any(String),
        currency: 'USD',
        amount: -1_000,
        fee: 0,
        net: -1_000,
        balance_after: settled - 1_000,
        source: refund.id,
        payment: refunded,
        created_at: refund.created_at,
        sandbox_time: true,
      },
      {
        object: 'balance_transaction',
        type: 'settlement',
        code: 'settlement',
        currency: 'USD',
        amount: 10_000,
        fee: settlementFeeFor(6_000) + settlementFeeFor(4_000),
        net: settled,
        balance_after: settled,
        source: settlementId,
        payment: null,
        created_at: settlement.created_at,
        sandbox_time: true,
      },
    ]);
    expect(whole!.map((bt) => bt.id)).toEqual([...new Set(whole!.map((bt) => bt.id))]);
    // The balance now is the newest balance_after (the floor's grant is no transaction).
    expect((await api('GET', '/v1/balance')).json.balances[0].available).toBe(settled - 1_000);
    for (const limit of [1, 3]) {
      const paged = await pages(limit);
      expect(paged.flat()).toEqual(whole);
      expect(paged.every((page) => page.length <= limit)).toBe(true);
    }
    // A dispute fee withheld counts as a fee of the settlement that withheld it.
    await charge(5_000);
    const [next] = await endDay();
    const [newest] = (await pages(1))[0]!;
    expect(newest).toMatchObject({
      type: 'settlement',
      source: next,
      amount: 5_000,
      fee: settlementFeeFor(5_000) + disputeFee,
      net: 5_000 - settlementFeeFor(5_000) - disputeFee,
    });
  });

  it('keeps currencies apart and refuses a currency or a cursor it does not know, naming the param', async () => {
    await charge(2_000, { currency: 'EUR' });
    await endDay();
    expect((await pages(10, 'USD')).flat()).toEqual([]);
    const eur = (await pages(10, 'EUR')).flat();
    expect(eur).toHaveLength(1);
    expect(eur[0]).toMatchObject({ currency: 'EUR', type: 'settlement', balance_after: eur[0]!.net });

    const unknown = await api('GET', '/v1/balance/transactions?currency=XYZ');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'validation_failed', param: 'currency' });
    expect(unknown.json.error.message).toMatch(/^Unknown currency XYZ/);
    const forged = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
    for (const cursor of [
      'not-ours',
      forged({ ledger: 'x', balance: 1.5 }),
      forged({ balance: 5 }),
      forged({ ledger: 7, balance: 5 }),
      Buffer.from('[]').toString('base64url'),
    ]) {
      const refused = await api('GET', `/v1/balance/transactions?starting_after=${cursor}`);
      expect(refused.status, cursor).toBe(400);
      expect(refused.json.error).toMatchObject({ code: 'invalid_request', param: 'starting_after' });
      expect(refused.json.error.message).toMatch(/^starting_after is not a cursor this list returned/);
    }
  });
});

describe('balance transactions: payouts', () => {
  it('lists a payout to the wallet as a payout without sandbox time, and a bank payout only once its hold posts', async () => {
    await charge(10_000);
    await endDay();
    const connector = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: {
        company_name: 'Acme Coffee',
        company_id: '1234567890',
        odfi_routing_number: '091000019',
      },
    });
    expect(connector.status, connector.text).toBe(201);
    // The owner's wallet opens on first use.
    expect((await t.call('GET', '/v1/wallet', { token: merchant.owner.token })).status).toBe(200);
    const toWallet = await api('POST', '/v1/payouts', {
      amount: 1_500,
      currency: 'USD',
      destination: 'wallet',
    });
    expect(toWallet.status, toWallet.text).toBe(201);
    const toBank = await api('POST', '/v1/payouts', {
      amount: 2_000,
      currency: 'USD',
      destination: 'ach',
      bank_account: {
        routing_number: '231380104',
        account_number: '000123456789',
        account_holder_name: 'Acme',
      },
    });
    expect(toBank.status, toBank.text).toBe(201);
    const settled = 10_000 - settlementFeeFor(10_000);
    const [page] = await pages(10);
    // The bank payout is a hold on the available balance: no balance transaction while in transit.
    expect(page!.map(({ type, amount, balance_after }) => ({ type, amount, balance_after }))).toEqual([
      { type: 'payout', amount: -1_500, balance_after: settled - 1_500 },
      { type: 'settlement', amount: 10_000, balance_after: settled },
    ]);
    expect(page![0]).toMatchObject({
      source: toWallet.json.id,
      payment: null,
      created_at: toWallet.json.created_at,
      sandbox_time: false,
    });
    // Settled at the bank (T+2): the hold posts, and the payout is listed. (The harness clock
    // moves a second too, so the post is not of the same millisecond as everything before.)
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 7 * 86_400 })).status).toBe(200);
    t.clock.advance(1_000);
    expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
    const after = (await pages(10)).flat();
    expect(after[0]).toMatchObject({ source: toBank.json.id, payment: null, sandbox_time: false });
    expect(after.map(({ type, amount, balance_after }) => ({ type, amount, balance_after }))).toEqual([
      { type: 'payout', amount: -2_000, balance_after: settled - 3_500 },
      { type: 'payout', amount: -1_500, balance_after: settled - 1_500 },
      { type: 'settlement', amount: 10_000, balance_after: settled },
    ]);
  });
});

describe('balance transactions: a merchant from before the floor', () => {
  it('leaves the floor granted later out of the balances of the entries before it', async () => {
    const old = await createTestMerchant(t);
    await openAccountsTheOldWay(t, old.id, 'USD');
    const available = merchantAccountId(old.id, 'available', 'USD');
    const network = systemAccountId('card_network', 'USD');
    const move = (debit: string, credit: string, amount: number, code: string) =>
      createTransfers(t, [
        {
          id: newId('transfer'),
          debit_account_id: debit,
          credit_account_id: credit,
          amount,
          currency: 'USD',
          code,
        },
      ]);
    await move(network, available, 2_000, 'settlement');
    t.clock.advance(1_000);
    expect((await openBalanceFloors(t)).changed).toBe(1);
    t.clock.advance(1_000);
    await move(available, network, 500, 'card_refund');
    const listed = await asMerchant(t, old)('GET', '/v1/balance/transactions');
    expect(listed.status).toBe(200);
    expect(
      (listed.json.data as BalanceTransaction[]).map(({ type, amount, balance_after }) => ({
        type,
        amount,
        balance_after,
      })),
    ).toEqual([
      { type: 'refund', amount: -500, balance_after: 1_500 },
      { type: 'settlement', amount: 2_000, balance_after: 2_000 },
    ]);
  });
});

describe('balance transactions: transfers landing while the list is read', () => {
  const availableId = () => merchantAccountId(merchant.id, 'available', 'USD');
  const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });

  /**
   * Runs `competing` before each of the next `times` reads of the available account's history
   * (a change landing between the list's balance read and its history read), on the real store.
   * Returns how many history reads the list made.
   */
  function beforeHistoryReads(competing: () => Promise<unknown>, times: number): { reads: number } {
    const query = t.store.query.bind(t.store);
    const state = { reads: 0 };
    let competingNow = false;
    t.store.query = async (request: Query) => {
      // One read of the history queries its debit side (gsi2) and its credit side (gsi3).
      if (!competingNow && request.index === 'gsi2' && request.partition === `ACC#${availableId()}`) {
        state.reads += 1;
        if (state.reads <= times) {
          competingNow = true;
          await competing().finally(() => (competingNow = false));
        }
      }
      return query(request);
    };
    return state;
  }

  it('reads again when a transfer lands between the balance and the history, so balances agree', async () => {
    const id = await charge(5_000);
    await endDay();
    const history = beforeHistoryReads(() => createRefund(t, actor(), { payment: id, amount: 700 }), 1);
    const [page] = await pages(10);
    expect(history.reads).toBe(2);
    expect(page!.map((bt) => [bt.type, bt.amount])).toEqual([
      ['refund', -700],
      ['settlement', 5_000],
    ]);
    const available = (await api('GET', '/v1/balance')).json.balances[0].available;
    expect(page![0]!.balance_after).toBe(available);
    expect(page![1]!.balance_after).toBe(available + 700);
  });

  it('stops reading again after four reads when transfers keep landing', async () => {
    const id = await charge(5_000);
    await endDay();
    const history = beforeHistoryReads(() => createRefund(t, actor(), { payment: id, amount: 10 }), 10);
    const response = await api('GET', '/v1/balance/transactions?limit=100');
    expect(response.status).toBe(200);
    expect(history.reads).toBe(4);
  });
});
