import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { bothStores } from '../../../test/both-stores.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import type { Store } from '../platform/store.ts';
import { settlementFeeFor, type BalanceTransaction, type SettlementLine } from './model.ts';
import { asMerchant, createTestMerchant, paymentBody, type MerchantApi } from './test-support.ts';

const stores = bothStores('sluice-balance');
const dayMs = 24 * 3600 * 1000;

/** A fresh app on the store with one merchant; the books are audited and the store closed after `run`. */
async function withMerchant(
  makeStore: () => Promise<Store>,
  run: (t: TestApp, api: MerchantApi) => Promise<void>,
): Promise<void> {
  const t = createTestApp({ store: await makeStore() });
  try {
    await run(t, asMerchant(t, await createTestMerchant(t)));
    await expectBooksBalanced(t.store);
  } finally {
    await t.store.close();
  }
}

async function charge(api: MerchantApi, amount: number, extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/v1/payments', paymentBody({ amount, ...extra }));
  expect(response.status).toBe(201);
  return response.json.id as string;
}

/** Moves the merchant's clock to just past the next sandbox UTC midnight, settling what was captured before. */
async function settleDay(api: MerchantApi): Promise<string[]> {
  const balance = await api('GET', '/v1/balance');
  expect(balance.status).toBe(200);
  const clock = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 1 });
  const now = Date.parse(clock.json.sandbox_time);
  const seconds = Math.ceil((Math.floor(now / dayMs) * dayMs + dayMs - now) / 1000) + 1;
  const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds });
  expect(fired.status).toBe(200);
  return fired.json.settlements;
}

async function available(api: MerchantApi): Promise<number> {
  return (await api('GET', '/v1/balance')).json.balances[0].available;
}

async function allBalanceTransactions(api: MerchantApi, limit: number): Promise<BalanceTransaction[]> {
  const all: BalanceTransaction[] = [];
  let after: string | null = null;
  do {
    const page: { status: number; json: { data: BalanceTransaction[]; next_cursor: string | null } } =
      await api('GET', `/v1/balance/transactions?limit=${limit}${after ? `&starting_after=${after}` : ''}`);
    expect(page.status).toBe(200);
    all.push(...page.json.data);
    after = page.json.next_cursor;
  } while (after);
  return all;
}

describe.each(stores)('the merchant balance (%s)', (_name, makeStore) => {
  // Many round trips: DynamoDB Local on a busy machine needs more than the default 30 s.
  it(
    'goes negative down to the floor for refunds and disputes, refuses past it writing nothing, and recovers from the next settlement',
    {
      timeout: 120_000,
    },
    () =>
      withMerchant(makeStore, async (_t, api) => {
        const big = await charge(api, 6_000);
        const small = await charge(api, 4_000);
        await settleDay(api);
        const settled = 10_000 - settlementFeeFor(6_000) - settlementFeeFor(4_000);
        expect(await available(api)).toBe(settled);

        // A dispute on the settled 6,000 and a full refund of the 4,000 take it to −(fees).
        expect((await api('POST', '/v1/test-helpers/disputes', { payment: big })).status).toBe(201);
        expect((await api('POST', '/v1/refunds', { payment: small })).status).toBe(201);
        expect(await available(api)).toBe(settled - 10_000);

        // 4,000.00 settles less its fee and the 15.00 dispute fee; refunding all of it would end 134.80 below zero.
        const third = await charge(api, 400_000);
        await settleDay(api);
        const afterThird = settled - 10_000 + 400_000 - settlementFeeFor(400_000) - 1_500;
        expect(await available(api)).toBe(afterThird);
        const refused = await api('POST', '/v1/refunds', { payment: third });
        expect(refused.status).toBe(402);
        expect(refused.json.error).toMatchObject({ code: 'balance_insufficient', param: 'amount' });
        expect(await available(api)).toBe(afterThird);
        expect((await api('GET', `/v1/payments/${third}`)).json.amount_refunded).toBe(0);
        const within = afterThird + 10_000;
        expect((await api('POST', '/v1/refunds', { payment: third, amount: within })).status).toBe(201);
        expect(await available(api)).toBe(-10_000);

        // Every change is explained, newest first, each with the balance after it.
        const transactions = await allBalanceTransactions(api, 2);
        expect(transactions.map((bt) => bt.type)).toEqual([
          'refund',
          'settlement',
          'refund',
          'dispute',
          'settlement',
        ]);
        expect(transactions[0]!.balance_after).toBe(-10_000);
        for (const [index, bt] of transactions.entries()) {
          expect(bt.net).toBe(bt.amount - bt.fee);
          const older = transactions[index + 1];
          expect(bt.balance_after - bt.net).toBe(older ? older.balance_after : 0);
          expect(bt.sandbox_time).toBe(true);
        }
        expect(transactions[4]).toMatchObject({
          amount: 10_000,
          fee: settlementFeeFor(6_000) + settlementFeeFor(4_000),
          net: settled,
          source: expect.stringMatching(/^stl_/),
        });
        expect(transactions[2]).toMatchObject({ amount: -4_000, fee: 0, payment: small });
        expect(transactions[3]).toMatchObject({ amount: -6_000, source: expect.stringMatching(/^dp_/) });
      }),
  );
});

describe('settlement lines', () => {
  it('itemize payments, a refund and a dispute hold so that they sum to the gross and the net', () =>
    withMerchant(
      async () => createTestApp().store,
      async (_t, api) => {
        const plain = await charge(api, 5_000);
        const refunded = await charge(api, 6_000);
        const disputed = await charge(api, 6_000);
        expect((await api('POST', '/v1/refunds', { payment: refunded, amount: 1_000 })).status).toBe(201);
        expect((await api('POST', '/v1/test-helpers/disputes', { payment: disputed })).status).toBe(201);
        const [id] = await settleDay(api);

        const settlement = (await api('GET', `/v1/settlements/${id}`)).json;
        const lines: SettlementLine[] = settlement.lines;
        const sum = (filter: (line: SettlementLine) => boolean) =>
          lines.filter(filter).reduce((total, line) => total + line.amount, 0);
        expect(settlement).toMatchObject({
          captured: 17_000,
          refunded: 1_000,
          disputed: 6_000,
          gross: 10_000,
        });
        expect(sum(() => true)).toBe(settlement.net);
        expect(sum((line) => ['charge', 'refund', 'dispute_hold'].includes(line.type))).toBe(
          settlement.gross,
        );
        expect(-sum((line) => line.type === 'processing_fee')).toBe(settlement.fees);
        expect(lines.filter((line) => line.payment === disputed).map((line) => line.type)).toEqual([
          'charge',
          'dispute_hold',
        ]);
        expect(lines.find((line) => line.type === 'dispute_hold')).toMatchObject({
          amount: -6_000,
          dispute: expect.stringMatching(/^dp_/),
        });
        // The dispute fee (15.00) owed since the dispute is withheld from this payout.
        expect(lines.at(-1)).toMatchObject({ type: 'dispute_fee_recovery', amount: -1_500 });
        expect(settlement.net).toBe(10_000 - settlementFeeFor(5_000) - settlementFeeFor(5_000) - 1_500);
        expect(lines.filter((line) => line.payment === plain).map((line) => line.type)).toEqual([
          'charge',
          'processing_fee',
        ]);
      },
    ));
});

describe('payments search and filters', () => {
  it('finds payments by amount, id or description, by display status and by sandbox date', () =>
    withMerchant(
      async () => createTestApp().store,
      async (_t, api) => {
        const coffee = await charge(api, 2_500, { description: 'Flat white' });
        const tea = await charge(api, 1_200, { description: 'Green tea' });
        expect((await api('POST', '/v1/refunds', { payment: tea, amount: 200 })).status).toBe(201);
        const ids = async (query: string) =>
          ((await api('GET', `/v1/payments?${query}`)).json.data as Array<{ id: string }>).map((p) => p.id);

        expect(await ids('q=25.00')).toEqual([coffee]);
        expect(await ids('q=FLAT')).toEqual([coffee]);
        expect(await ids(`q=${tea.slice(-8)}`)).toEqual([tea]);
        expect(await ids('display_status=partially_refunded')).toEqual([tea]);
        expect(await ids('created_gte=2000-01-01&q=tea')).toEqual([tea]);
        expect(await ids('created_lt=2000-01-01')).toEqual([]);
        const bad = await api('GET', '/v1/payments?created_gte=yesterday');
        expect(bad.status).toBe(400);
        expect(bad.json.error.param).toBe('created_gte');
      },
    ));
});

describe('balance transactions: bad input and other merchants', () => {
  it('refuses a cursor it did not return and an unknown currency with 400 naming the param, and shows a merchant only its own', () =>
    withMerchant(
      async () => createTestApp().store,
      async (t, api) => {
        await charge(api, 5_000);
        await settleDay(api);
        const badCursor = await api('GET', '/v1/balance/transactions?starting_after=not-ours');
        expect(badCursor.status).toBe(400);
        expect(badCursor.json.error.param).toBe('starting_after');
        const badCurrency = await api('GET', '/v1/balance/transactions?currency=XYZ');
        expect(badCurrency.status).toBe(400);
        expect(badCurrency.json.error.param).toBe('currency');

        const other = asMerchant(t, await createTestMerchant(t));
        const theirs = await other('GET', '/v1/balance/transactions');
        expect(theirs.status).toBe(200);
        expect(theirs.json.data).toEqual([]);
        expect((await api('GET', '/v1/balance/transactions')).json.data).toHaveLength(1);
      },
    ));
});
