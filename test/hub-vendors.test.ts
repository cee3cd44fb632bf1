import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apportion } from '../server/src/hub/vendors-model.ts';
import { cardMethod, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp } from './app-harness.ts';
import { bothStores } from './both-stores.ts';
import { expectBooksBalanced } from './invariants.ts';

/** A vendor of the merchant behind `api`; returns its id. */
async function vendor(api: MerchantApi, name = 'Roaster', currency = 'USD'): Promise<string> {
  const created = await api('POST', '/v1/vendors', { name, currency });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

const balanceOf = async (api: MerchantApi, id: string) => {
  const got = await api('GET', `/v1/vendors/${id}`);
  expect(got.status, got.text).toBe(200);
  return got.json.balances[0] as { pending: number; available: number };
};

const merchantBalance = async (api: MerchantApi) =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD') as {
    pending: number;
    available: number;
  };

/** A card sale split among vendors. */
const pay = (api: MerchantApi, amount: number, splits: Array<{ vendor: string; amount: number }>) =>
  api('POST', '/v1/payment-intents', { amount, currency: 'USD', payment_method: cardMethod(), splits });

/** The card sandbox's settlement fee: 2.9% rounded half up, plus 30 cents. */
const cardFee = (amount: number) => Math.floor((amount * 29 + 500) / 1000) + 30;

describe.each(bothStores('sluice-hub-vendors'))('vendors and splits (%s)', (_name, open) => {
  let t: TestApp;
  let api: MerchantApi;
  beforeEach(async () => {
    t = createTestApp({ store: await open() });
    ({ api } = await setUpHubMerchant(t, ['sandbox_card']));
  });
  afterEach(async () => {
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('splits a card payment in one linked transfer, reverses a partial refund pro rata, and settles the rest', async () => {
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const paid = await pay(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({ status: 'succeeded', splits: [{ vendor: a }, { vendor: b }] });
    expect(await balanceOf(api, a)).toEqual({ currency: 'USD', pending: 3000, available: 0 });
    expect(await balanceOf(api, b)).toMatchObject({ pending: 5000, available: 0 });
    // The platform fee (the rest) stays with the merchant.
    expect((await merchantBalance(api)).pending).toBe(2000);
    const group = await api('GET', `/v1/payment-intents/${paid.json.id}/splits`);
    expect(group.json).toMatchObject({ status: 'transferred', platform_fee: 2000 });

    // Half refunded: each share gives back half (largest remainder over what is left).
    const refunded = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 5000 });
    expect(refunded.status, refunded.text).toBe(200);
    expect(await balanceOf(api, a)).toMatchObject({ pending: 1500 });
    expect(await balanceOf(api, b)).toMatchObject({ pending: 2500 });
    expect((await merchantBalance(api)).pending).toBe(1000);
    const after = (await api('GET', `/v1/payment-intents/${paid.json.id}/splits`)).json;
    expect(after.lines).toEqual([
      { vendor: a, amount: 3000, reversed: 1500, shortfall: 0 },
      { vendor: b, amount: 5000, reversed: 2500, shortfall: 0 },
    ]);
    expect(after.platform_refunded).toBe(1000);

    // The next sandbox day: the card payment settles to the merchant, then the shares to the vendors.
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 })).status).toBe(200);
    const settled = await api('POST', '/v1/test-helpers/vendors/settle');
    expect(settled.json).toEqual({ settled: 1 });
    expect(await balanceOf(api, a)).toMatchObject({ pending: 0, available: 1500 });
    expect(await balanceOf(api, b)).toMatchObject({ pending: 0, available: 2500 });
    // The merchant keeps its half of the platform fee and pays the card fee on what settled.
    expect(await merchantBalance(api)).toMatchObject({ pending: 0, available: 1000 - cardFee(5000) });
    expect((await api('POST', '/v1/test-helpers/vendors/settle')).json).toEqual({ settled: 0 });
    const listed = await api('GET', `/v1/vendors/${a}/splits`);
    expect(listed.json.data).toMatchObject([{ payment_intent: paid.json.id, status: 'settled' }]);
  });

  it('never takes a vendor below zero: what it already paid out is the merchant’s shortfall', async () => {
    const payee = await t.signUp('payee');
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const paid = await pay(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    await api('POST', '/v1/test-helpers/vendors/settle');
    expect(await merchantBalance(api)).toMatchObject({ available: 2000 - cardFee(10_000) });
    const payout = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 2500,
      currency: 'USD',
      destination: { type: 'wallet', wallet: { user: payee.id } },
    });
    expect(payout.status, payout.text).toBe(201);
    expect(payout.json).toMatchObject({ status: 'paid', amount: 2500, destination: { type: 'wallet' } });

    // 2,000 refunded: shares 600 (a), 1,000 (b), 400 (the platform); a holds only 500.
    const refunded = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 2000 });
    expect(refunded.status, refunded.text).toBe(200);
    expect(await balanceOf(api, a)).toEqual({ currency: 'USD', pending: 0, available: 0 });
    expect(await balanceOf(api, b)).toMatchObject({ available: 4000 });
    const group = (await api('GET', `/v1/payment-intents/${paid.json.id}/splits`)).json;
    expect(group.lines).toEqual([
      { vendor: a, amount: 3000, reversed: 600, shortfall: 100 },
      { vendor: b, amount: 5000, reversed: 1000, shortfall: 0 },
    ]);
    expect(group.platform_refunded).toBe(400);
    // The merchant paid the 2,000 and got 1,500 back from the vendors.
    expect(await merchantBalance(api)).toMatchObject({ available: 2000 - cardFee(10_000) - 500 });
  });

  it('pays a balance out once when payouts race for it', async () => {
    const payee = await t.signUp('payee');
    const a = await vendor(api);
    await pay(api, 5000, [{ vendor: a, amount: 3000 }]);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    await api('POST', '/v1/test-helpers/vendors/settle');
    expect(await balanceOf(api, a)).toMatchObject({ available: 3000 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api('POST', `/v1/vendors/${a}/payouts`, {
          amount: 1000,
          currency: 'USD',
          destination: { type: 'wallet', wallet: { user: payee.id } },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 402, 402, 402, 402, 402]);
    for (const refused of results.filter((r) => r.status === 402))
      expect(refused.json.error).toMatchObject({ code: 'insufficient_funds', param: 'amount' });
    expect(await balanceOf(api, a)).toMatchObject({ available: 0 });
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toHaveLength(3);
    const wallet = await t.call('GET', '/v1/wallet', { token: payee.token });
    expect(
      wallet.json.balances.find((x: { currency: string }) => x.currency === 'USD').available,
    ).toBeGreaterThanOrEqual(3000);
  });
});

describe('splits: bad input changes nothing', () => {
  let t: TestApp;
  let api: MerchantApi;
  let other: MerchantApi;
  beforeEach(async () => {
    t = createTestApp();
    ({ api } = await setUpHubMerchant(t, ['sandbox_card']));
    ({ api: other } = await setUpHubMerchant(t, ['sandbox_card', 'stripe']));
  });
  afterEach(async () => {
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('refuses each bad split with its code and the split at fault', async () => {
    const a = await vendor(api);
    const euro = await vendor(api, 'Euro roaster', 'EUR');
    const theirs = await vendor(other, 'Not yours');
    const cases: Array<[unknown, number, string, string]> = [
      [[{ vendor: a, amount: 10_001 }], 400, 'splits_exceed_amount', 'splits'],
      [
        [
          { vendor: a, amount: 6000 },
          { vendor: euro, amount: 1 },
        ],
        400,
        'split_currency_mismatch',
        'splits.1.vendor',
      ],
      [[{ vendor: 'ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V', amount: 100 }], 400, 'unknown_vendor', 'splits.0.vendor'],
      [[{ vendor: theirs, amount: 100 }], 400, 'unknown_vendor', 'splits.0.vendor'],
      [[{ vendor: a, amount: 0 }], 400, 'validation_failed', 'splits.0.amount'],
      [[{ vendor: a, amount: -5 }], 400, 'validation_failed', 'splits.0.amount'],
      [[{ vendor: a, amount: 10.5 }], 400, 'validation_failed', 'splits.0.amount'],
      [
        [
          { vendor: a, amount: 1 },
          { vendor: a, amount: 1 },
        ],
        400,
        'validation_failed',
        'splits',
      ],
      [[], 400, 'validation_failed', 'splits'],
    ];
    for (const [splits, status, code, param] of cases) {
      const refused = await api('POST', '/v1/payment-intents', {
        amount: 10_000,
        currency: 'USD',
        payment_method: cardMethod(),
        splits,
      });
      expect(refused.status, JSON.stringify(splits)).toBe(status);
      expect(refused.json.error, JSON.stringify(splits)).toMatchObject({ code, param });
    }
    expect((await api('GET', '/v1/payment-intents')).json.data).toEqual([]);
    expect(await balanceOf(api, a)).toEqual({ currency: 'USD', pending: 0, available: 0 });
  });

  it('refuses a split of a payment routed only to a provider that keeps its own books (Stripe)', async () => {
    const theirs = await vendor(other);
    await other('PUT', '/v1/routing', { rules: [], default: ['stripe'] });
    const refused = await other('POST', '/v1/payment-intents', {
      amount: 1000,
      currency: 'USD',
      payment_method: cardMethod(),
      splits: [{ vendor: theirs, amount: 100 }],
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'splits_not_supported', param: 'splits' });
    expect((await other('GET', '/v1/payment-intents')).json.data).toEqual([]);
  });

  it('keeps vendors to their merchant, and refuses bad vendors and payouts', async () => {
    const a = await vendor(api);
    expect((await other('GET', `/v1/vendors/${a}`)).status).toBe(404);
    expect((await other('GET', `/v1/vendors/${a}/splits`)).status).toBe(404);
    const stolen = await other('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1,
      currency: 'USD',
      destination: { type: 'wallet', wallet: { user: 'usr_x' } },
    });
    expect(stolen.status).toBe(404);
    expect((await other('GET', '/v1/vendors')).json.data.map((v: { id: string }) => v.id)).not.toContain(a);
    expect((await api('POST', '/v1/vendors', { name: '' })).json.error).toMatchObject({
      code: 'validation_failed',
      param: 'name',
    });
    expect((await api('POST', '/v1/vendors', { name: 'X', currency: 'usd' })).json.error).toMatchObject({
      param: 'currency',
    });
    const payee = await t.signUp('payee');
    const tooMuch = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1,
      currency: 'USD',
      destination: { type: 'wallet', wallet: { user: payee.id } },
    });
    expect(tooMuch.status).toBe(402);
    expect(tooMuch.json.error).toMatchObject({ code: 'insufficient_funds', param: 'amount' });
    const wrongCurrency = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1,
      currency: 'EUR',
      destination: { type: 'wallet', wallet: { user: payee.id } },
    });
    expect(wrongCurrency.json.error).toMatchObject({ code: 'validation_failed', param: 'currency' });
    const noAch = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1,
      currency: 'USD',
      destination: {
        type: 'bank_account',
        bank_account: {
          routing_number: '011000015',
          account_number: '12345678',
          account_holder_name: 'Roaster',
        },
      },
    });
    expect(noAch.json.error).toMatchObject({ code: 'unknown_connector', param: 'destination.type' });
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toEqual([]);
  });

  it("hides a payment's split group from another merchant, and pays a replayed payout once", async () => {
    const a = await vendor(api);
    const paid = await pay(api, 5000, [{ vendor: a, amount: 3000 }]);
    expect((await other('GET', `/v1/payment-intents/${paid.json.id}/splits`)).status).toBe(404);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    await api('POST', '/v1/test-helpers/vendors/settle');
    const payee = await t.signUp('payee');
    const body = {
      amount: 1000,
      currency: 'USD',
      destination: { type: 'wallet', wallet: { user: payee.id } },
    };
    const first = await api('POST', `/v1/vendors/${a}/payouts`, body, {
      'idempotency-key': 'vendor-payout-1',
    });
    const again = await api('POST', `/v1/vendors/${a}/payouts`, body, {
      'idempotency-key': 'vendor-payout-1',
    });
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.id).toBe(first.json.id);
    const reused = await api(
      'POST',
      `/v1/vendors/${a}/payouts`,
      { ...body, amount: 999 },
      { 'idempotency-key': 'vendor-payout-1' },
    );
    expect(reused.json.error.code).toBe('idempotency_key_reused');
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toHaveLength(1);
    expect(await balanceOf(api, a)).toMatchObject({ available: 2000 });
  });

  it('refuses a capture below the splits’ total', async () => {
    const a = await vendor(api);
    const held = await api('POST', '/v1/payment-intents', {
      amount: 5000,
      currency: 'USD',
      payment_method: cardMethod(),
      capture: false,
      splits: [{ vendor: a, amount: 4000 }],
    });
    expect(held.json.status).toBe('requires_capture');
    expect(await balanceOf(api, a)).toMatchObject({ pending: 0 });
    const short = await api('POST', `/v1/payment-intents/${held.json.id}/capture`, { amount: 3999 });
    expect(short.json.error).toMatchObject({ code: 'validation_failed', param: 'amount' });
    const captured = await api('POST', `/v1/payment-intents/${held.json.id}/capture`, { amount: 4500 });
    expect(captured.json.status).toBe('succeeded');
    expect(await balanceOf(api, a)).toMatchObject({ pending: 4000 });
    expect((await api('GET', `/v1/payment-intents/${held.json.id}/splits`)).json.platform_fee).toBe(500);
  });
});

describe('pays a vendor to a bank account by ACH credit', () => {
  it("writes the credit into the merchant's NACHA file of the day", async () => {
    const t = createTestApp();
    const { api } = await setUpHubMerchant(t, ['sandbox_card']);
    const ach = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '011000015' },
    });
    expect(ach.status, ach.text).toBe(201);
    const a = await vendor(api);
    await pay(api, 5000, [{ vendor: a, amount: 3000 }]);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    await api('POST', '/v1/test-helpers/vendors/settle');
    const payout = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1200,
      currency: 'USD',
      destination: {
        type: 'bank_account',
        bank_account: {
          routing_number: '011000015',
          account_number: '987654321',
          account_holder_name: 'Roaster',
        },
      },
    });
    expect(payout.status, payout.text).toBe(201);
    expect(payout.json.destination.bank_account).toMatchObject({ last4: '4321' });
    expect(payout.text).not.toContain('987654321');
    const day = new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const file = await api('GET', `/v1/ach/files/${day}`);
    expect(file.status, file.text).toBe(200);
    expect(file.text).toContain(payout.json.destination.bank_account.trace_number);
    expect(await balanceOf(api, a)).toMatchObject({ available: 1800 });
    await expectBooksBalanced(t.store);
    await t.store.close();
  });
});

describe('the split transfer', () => {
  it('moves ten shares in one store transaction of 3N + 3 items (transfers, balances, group, index, event)', async () => {
    const t = createTestApp();
    const { api } = await setUpHubMerchant(t, ['sandbox_card']);
    const vendors: string[] = [];
    for (let i = 0; i < 10; i++) vendors.push(await vendor(api, `Vendor ${i}`));
    const transactions: string[][] = [];
    const transact = t.store.transact.bind(t.store);
    t.store.transact = async (operations) => {
      transactions.push(operations.map((op) => JSON.stringify(op)));
      return transact(operations);
    };
    const paid = await pay(
      api,
      10_000,
      vendors.map((v) => ({ vendor: v, amount: 900 })),
    );
    expect(paid.status, paid.text).toBe(201);
    // Each vendor's pending account is credited in exactly one transaction, the same one for all.
    const carrying = transactions.filter((ops) => ops.some((op) => op.includes('acct_v_')));
    expect(carrying).toHaveLength(1);
    for (const v of vendors)
      expect(carrying[0]!.some((op) => op.includes(`acct_v_${v}_pending_USD`))).toBe(true);
    expect(carrying[0]!.length).toBe(3 * vendors.length + 3);
    for (const v of vendors) expect(await balanceOf(api, v)).toMatchObject({ pending: 900 });
    await expectBooksBalanced(t.store);
    await t.store.close();
  });
});

describe('apportion (largest remainder)', () => {
  it('adds up exactly and never gives a part more than its weight', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 11 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const sum = weights.reduce((x, y) => x + y, 0);
          const total = Math.floor(sum * fraction);
          const parts = apportion(total, weights);
          expect(parts.reduce((x, y) => x + y, 0)).toBe(sum === 0 ? 0 : total);
          parts.forEach((part, i) => {
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(weights[i]!);
          });
        },
      ),
    );
  });
});

describe('refunds of split payments (property)', () => {
  it('reverse the shares pro rata over random splits and refunds: totals conserved, no vendor negative', async () => {
    const t = createTestApp();
    const { api } = await setUpHubMerchant(t, ['sandbox_card']);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        async (amount, weights, kept, refundPercents) => {
          // Shares in proportion to `weights`, leaving about `kept`% as the platform fee.
          const shares = apportion(Math.floor((amount * (100 - kept)) / 100), weights);
          const vendors = await Promise.all(shares.map(() => vendor(api)));
          const splits = vendors.flatMap((v, i) =>
            shares[i]! > 0 ? [{ vendor: v, amount: shares[i]! }] : [],
          );
          const paid =
            splits.length > 0
              ? await pay(api, amount, splits)
              : await api('POST', '/v1/payment-intents', {
                  amount,
                  currency: 'USD',
                  payment_method: cardMethod(),
                });
          expect(paid.status, paid.text).toBe(201);
          let refunded = 0;
          for (const percent of [...refundPercents, 100]) {
            const left = amount - refunded;
            if (left === 0) break;
            const wanted = Math.max(1, Math.floor((left * percent) / 100));
            const refund = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, {
              amount: wanted,
            });
            expect(refund.status, refund.text).toBe(200);
            refunded += wanted;
            if (splits.length === 0) continue;
            const group = (await api('GET', `/v1/payment-intents/${paid.json.id}/splits`)).json;
            const reversed = group.lines.reduce(
              (sum: number, l: { reversed: number }) => sum + l.reversed,
              0,
            );
            expect(reversed + group.platform_refunded).toBe(refunded);
            for (const line of group.lines) {
              expect(line.reversed).toBeLessThanOrEqual(line.amount);
              const balance = await balanceOf(api, line.vendor);
              expect(balance.pending).toBe(line.amount - line.reversed);
              expect(balance.pending).toBeGreaterThanOrEqual(0);
            }
          }
          for (const v of splits)
            expect(await balanceOf(api, v.vendor)).toMatchObject({ pending: 0, available: 0 });
        },
      ),
      { numRuns: 25 },
    );
    await expectBooksBalanced(t.store);
    await t.store.close();
  });
});
