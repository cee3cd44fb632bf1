import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { listHistory } from '../server/src/ledger/index.ts';
import { merchantAccountId } from '../server/src/payments/index.ts';
import type { Connector } from '../server/src/hub/connectors/connector.ts';
import type { HubDeps } from '../server/src/hub/deps.ts';
import { refundIntent } from '../server/src/hub/intents.ts';
import { hubKeys, readIntent } from '../server/src/hub/store.ts';
import { reverseForRefund, undoReversal } from '../server/src/hub/vendors-reversals.ts';
import { vendorAccountId } from '../server/src/hub/vendors.ts';
import { settleDueSplits, settleSplitsOnMerchantSettlement } from '../server/src/hub/vendors-settlement.ts';
import { transferSplits } from '../server/src/hub/vendors-splits.ts';
import { readSplit, vendorKeys } from '../server/src/hub/vendors-store.ts';
import {
  cardMethod,
  createHubTestApp,
  createVendor,
  hubTestDeps,
  setUpHubMerchant,
} from '../server/src/hub/test-support.ts';
import {
  interleave,
  pendingEvents,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * The vendors' money paths that issue 23's mutation runs of `hub/vendors-settlement.ts`,
 * `hub/vendors-reversals.ts` and `hub/vendors-splits.ts` found unpinned: what each transfer
 * books (amounts, codes, metadata), which groups a settlement run takes and when it waits, the
 * lost races and failed writes of settlements and refunds, and the groups' events. SQLite only
 * (hub-vendors.test.ts runs the main flows on both stores). Each test says what it pins.
 */

let t: TestApp;
let deps: HubDeps;
let isOpen = false;
afterEach(async () => {
  if (!isOpen) return;
  isOpen = false;
  await expectBooksBalanced(t.store);
  await t.store.close();
});

interface Shop {
  api: MerchantApi;
  merchant: TestMerchant;
}

/** A fresh app (a manual clock, payers with a sign-up bonus) and one merchant with `providers`. */
async function setUp(providers: Array<'sandbox_card' | 'wallet'> = ['sandbox_card']): Promise<Shop> {
  t = createHubTestApp({}, { signupBonus: 5000 });
  isOpen = true;
  deps = hubTestDeps(t);
  return shop(providers);
}

async function shop(providers: Array<'sandbox_card' | 'wallet'> = ['sandbox_card']): Promise<Shop> {
  const { api, merchant } = await setUpHubMerchant(t, providers);
  return { api, merchant };
}

const vendor = (api: MerchantApi, name?: string) => createVendor(api, name);

/** A card sale of `amount` with `splits`; returns the intent. */
async function cardSale(api: MerchantApi, amount: number, splits: Array<{ vendor: string; amount: number }>) {
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
    ...(splits.length > 0 ? { splits } : {}),
  });
  expect(paid.status, paid.text).toBe(201);
  expect(paid.json.status).toBe('succeeded');
  return paid.json as { id: string; provider_reference: string };
}

async function refund(api: MerchantApi, intentId: string, amount?: number) {
  const refunded = await api(
    'POST',
    `/v1/payment-intents/${intentId}/refunds`,
    amount === undefined ? undefined : { amount },
  );
  expect(refunded.status, refunded.text).toBe(200);
  return refunded.json;
}

/** Moves the merchant's sandbox clock, which settles its card payments of the days it ends. */
async function advanceSandbox(api: MerchantApi, seconds: number) {
  const advanced = await api('POST', '/v1/test-helpers/advance-clock', { seconds });
  expect(advanced.status, advanced.text).toBe(200);
  return advanced.json as { settlements: string[] };
}

async function vendorPayout(api: MerchantApi, vendorId: string, amount: number, user: string) {
  const paid = await api('POST', `/v1/vendors/${vendorId}/payouts`, {
    amount,
    currency: 'USD',
    destination: { type: 'wallet', wallet: { user } },
  });
  expect(paid.status, paid.text).toBe(201);
}

const settleRoute = async (api: MerchantApi) => {
  const settled = await api('POST', '/v1/test-helpers/vendors/settle');
  expect(settled.status, settled.text).toBe(200);
  return settled.json.settled as number;
};

const vendorBalance = async (api: MerchantApi, id: string) =>
  (await api('GET', `/v1/vendors/${id}`)).json.balances[0] as { pending: number; available: number };
const merchantBalance = async (api: MerchantApi) =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD') as {
    pending: number;
    available: number;
  };
const group = async (api: MerchantApi, intentId: string) => {
  const got = await api('GET', `/v1/payment-intents/${intentId}/splits`);
  expect(got.status, got.text).toBe(200);
  return got.json;
};

/** The ledger entries of an account coded `code`, oldest first. */
async function entries(accountId: string, code: string) {
  const page = await listHistory(t.store, accountId, { limit: 100, direction: 'asc' });
  return page.entries.filter((entry) => entry.code === code);
}

/** Rows in a fixed order: entries of one instant are listed by transfer id, not in the order made. */
const sorted = <T>(rows: T[]) => [...rows].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));

/** The card sandbox's settlement fee: 2.9% rounded half up, plus 30 cents. */
const cardFee = (amount: number) => Math.floor((amount * 29 + 500) / 1000) + 30;
const dayMs = 86_400_000;

/**
 * The next transaction that `matches` fails as DynamoDB's store fails one still refused after its
 * retries (`service_unavailable`, an `AppError` that is not a lost race), writing nothing.
 */
function busyNextWrite(matches: (operations: WriteOperation[]) => boolean): void {
  const transact = t.store.transact.bind(t.store);
  t.store.transact = async (operations) => {
    if (!matches(operations)) return transact(operations);
    t.store.transact = transact;
    throw new AppError('service_unavailable', 'the store is busy');
  };
}

/** Whether a transaction writes a split group holding a reversal under `key` with `status`. */
const reversalOf = (operations: WriteOperation[], key: string, status: 'applied' | 'undone') =>
  operations.some(
    (op) =>
      op.type === 'put' &&
      String(op.item.pk).startsWith('HUB#SPLIT#') &&
      (op.item.reversals as Array<{ key: string; status: string }>).some(
        (r) => r.key === key && r.status === status,
      ),
  );

/** Whether a transaction writes a split group with `status`. */
const writesGroup = (operations: WriteOperation[], status: string) =>
  operations.some(
    (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#SPLIT#') && op.item.status === status,
  );

describe('vendor settlement (vendors-settlement.ts)', () => {
  it("settles a card sale's shares once its card payment settled: the cover, each share's rest, the event", async () => {
    const { api, merchant } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    // 2,000 refunded: 600 from a, 1,000 from b, 400 of the platform fee.
    await refund(api, sale.id, 2000);
    // The next sandbox day, but the card payment is not settled yet (no settlement run): it waits.
    (t.clock as ManualClock).advance(dayMs);
    expect(await settleDueSplits(deps)).toBe(0);
    expect((await group(api, sale.id)).status).toBe('transferred');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 2400, available: 0 });

    await advanceSandbox(api, 60);
    expect(await settleRoute(api)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 2400 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 0, available: 4000 });
    // The merchant's pending gets back from available what the vendors' shares took ahead.
    expect(await merchantBalance(api)).toMatchObject({ pending: 0, available: 1600 - cardFee(8000) });
    const meta = { payment_intent: sale.id };
    expect(
      await entries(merchantAccountId(merchant.id, 'available', 'USD'), 'hub_vendor_settlement_cover'),
    ).toEqual([
      expect.objectContaining({
        direction: 'debit',
        amount: 6400,
        metadata: { ...meta, merchant: merchant.id },
      }),
    ]);
    expect(
      await entries(merchantAccountId(merchant.id, 'pending', 'USD'), 'hub_vendor_settlement_cover'),
    ).toEqual([expect.objectContaining({ direction: 'credit', amount: 6400 })]);
    for (const [id, amount] of [
      [a, 2400],
      [b, 4000],
    ] as const) {
      expect(await entries(vendorAccountId(id, 'available', 'USD'), 'hub_vendor_settlement')).toEqual([
        expect.objectContaining({ direction: 'credit', amount, metadata: { ...meta, vendor: id } }),
      ]);
      expect(await entries(vendorAccountId(id, 'pending', 'USD'), 'hub_vendor_settlement')).toEqual([
        expect.objectContaining({ direction: 'debit', amount }),
      ]);
    }
    const settledAt = new Date(t.clock.now() + 60_000).toISOString();
    const settled = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_settled');
    expect(settled.map((event) => [event.source, event.subject, event.merchant, event.audience])).toEqual([
      ['sluice.hub', sale.id, merchant.id, [merchant.owner.id]],
    ]);
    expect(settled[0]!.data.object).toMatchObject({
      id: sale.id,
      object: 'split_group',
      status: 'settled',
      settled_at: settledAt,
      lines: [
        { vendor: a, amount: 3000, reversed: 600, shortfall: 0 },
        { vendor: b, amount: 5000, reversed: 1000, shortfall: 0 },
      ],
    });
    expect(await group(api, sale.id)).toMatchObject({ status: 'settled', settled_at: settledAt });
    expect(await settleRoute(api)).toBe(0);
  });

  it('waits for the card payment to settle even when the merchant’s available balance could cover the shares', async () => {
    const { api } = await setUp();
    await cardSale(api, 10_000, []);
    await advanceSandbox(api, 86_400);
    expect((await merchantBalance(api)).available).toBe(10_000 - cardFee(10_000));
    const a = await vendor(api);
    const sale = await cardSale(api, 5000, [{ vendor: a, amount: 3000 }]);
    (t.clock as ManualClock).advance(dayMs);
    expect(await settleDueSplits(deps)).toBe(0);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 3000, available: 0 });
    expect((await group(api, sale.id)).status).toBe('transferred');
    await advanceSandbox(api, 1);
    expect(await settleDueSplits(deps)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 3000 });
  });

  it('settles a wallet sale’s shares from the next sandbox day only, in the hourly run over every merchant', async () => {
    const { api } = await setUp(['sandbox_card', 'wallet']);
    const payer = await t.signUp('payer');
    const a = await vendor(api);
    const asked = await api('POST', '/v1/payment-intents', {
      amount: 1500,
      currency: 'USD',
      payment_method: { type: 'wallet', wallet: { user: payer.id } },
      splits: [{ vendor: a, amount: 1200 }],
    });
    const approved = await t.call('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`, {
      token: payer.token,
    });
    expect(approved.json.status).toBe('succeeded');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 1200 });
    // 23:59:59 the same sandbox day: not yet.
    await advanceSandbox(api, 12 * 3600 - 1);
    expect(await settleDueSplits(deps)).toBe(0);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 1200, available: 0 });
    // Midnight: due. The wallet payment's money is in available already: no cover.
    await advanceSandbox(api, 1);
    expect(await settleDueSplits(deps)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 1200 });
    expect(await merchantBalance(api)).toMatchObject({ pending: 0, available: 300 });
  });

  it('settles only the merchant asked for, from the test helper and from its card settlement’s event', async () => {
    const one = await setUp();
    const two = await shop();
    const sales: Array<{ shop: Shop; vendor: string; intent: string }> = [];
    for (const each of [one, two]) {
      const a = await vendor(each.api);
      sales.push({
        shop: each,
        vendor: a,
        intent: (await cardSale(each.api, 4000, [{ vendor: a, amount: 1000 }])).id,
      });
      await advanceSandbox(each.api, 86_400);
    }
    expect(await settleRoute(two.api)).toBe(1);
    expect(await vendorBalance(two.api, sales[1]!.vendor)).toMatchObject({ pending: 0, available: 1000 });
    expect(await vendorBalance(one.api, sales[0]!.vendor)).toMatchObject({ pending: 1000, available: 0 });

    const handler = settleSplitsOnMerchantSettlement(deps);
    const payoutSettled = (await pendingEvents(t)).filter(
      (event) => event.type === 'payout.settled' && event.merchant === one.merchant.id,
    );
    expect(payoutSettled).toHaveLength(1);
    // An event that names no merchant settles nobody's shares.
    const { merchant: _merchant, ...anonymous } = payoutSettled[0]!;
    await handler(anonymous);
    expect(await vendorBalance(one.api, sales[0]!.vendor)).toMatchObject({ pending: 1000, available: 0 });
    await handler(payoutSettled[0]!);
    expect(await vendorBalance(one.api, sales[0]!.vendor)).toMatchObject({ pending: 0, available: 1000 });
  });

  it('settles every group due past the first page of 100', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    for (let i = 0; i < 101; i++) await cardSale(api, 200, [{ vendor: a, amount: 100 }]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(101);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 10_100 });
  });

  it('settles a card sale refunded in full with nothing to move: the group settled, its event, no transfer', async () => {
    const { api } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 4000, [
      { vendor: a, amount: 1000 },
      { vendor: b, amount: 2000 },
    ]);
    await refund(api, sale.id);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    expect(await group(api, sale.id)).toMatchObject({ status: 'settled' });
    for (const id of [a, b]) {
      expect(await vendorBalance(api, id)).toMatchObject({ pending: 0, available: 0 });
      expect(await entries(vendorAccountId(id, 'pending', 'USD'), 'hub_vendor_settlement')).toEqual([]);
    }
    const settled = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_settled');
    expect(settled.map((event) => event.subject)).toEqual([sale.id]);
  });

  it('settles the rest of a share a refund left at nothing for one vendor but not the other', async () => {
    const { api } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    // Shares 1 and 5,000 and a fee of 4,999: a refund of 5,000 takes 1, 2,500 and 2,499.
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 1 },
      { vendor: b, amount: 5000 },
    ]);
    await refund(api, sale.id, 5000);
    expect((await group(api, sale.id)).lines).toEqual([
      { vendor: a, amount: 1, reversed: 1, shortfall: 0 },
      { vendor: b, amount: 5000, reversed: 2500, shortfall: 0 },
    ]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 0 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 0, available: 2500 });
    expect(await entries(vendorAccountId(a, 'pending', 'USD'), 'hub_vendor_settlement')).toEqual([]);
  });

  it('leaves a group to wait while the merchant’s available balance cannot cover the card shares, and settles it later', async () => {
    const { api, merchant } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 30_000, [{ vendor: a, amount: 20_000 }]);
    await advanceSandbox(api, 86_400);
    // The merchant pays out its whole available balance before the vendors' settlement runs: the
    // cover (20,000) is more than its floor below zero (10,000) allows.
    expect((await t.call('GET', '/v1/wallet', { token: merchant.owner.token })).status).toBe(200);
    const available = (await merchantBalance(api)).available;
    const payout = await api('POST', '/v1/payouts', {
      amount: available,
      currency: 'USD',
      destination: 'wallet',
    });
    expect(payout.status, payout.text).toBe(201);
    expect(await settleRoute(api)).toBe(0);
    expect((await group(api, sale.id)).status).toBe('transferred');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 20_000, available: 0 });

    await cardSale(api, 30_000, []);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 20_000 });
  });

  /**
   * A card sale of 10,000 with `share` to one vendor, due to settle the next sandbox day, and
   * `competing` run between a settlement's read of the group and its write.
   */
  async function settlementRaced(
    share: number,
    competing: (api: MerchantApi, saleId: string) => Promise<unknown>,
  ) {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: share }]);
    await advanceSandbox(api, 86_400);
    const raced = interleave(
      t,
      (operations) => writesGroup(operations, 'settled'),
      () => competing(api, sale.id),
    );
    return { api, a, sale, raced };
  }

  it('skips a group a refund took part of between its read and its write (the vendor’s pending refuses); the next run settles the rest', async () => {
    const { api, a, sale, raced } = await settlementRaced(6000, (api, id) => refund(api, id, 5000));
    expect(await settleDueSplits(deps)).toBe(0);
    expect(raced.count).toBe(1);
    expect(await group(api, sale.id)).toMatchObject({
      status: 'transferred',
      lines: [{ vendor: a, amount: 6000, reversed: 3000, shortfall: 0 }],
    });
    expect(await settleDueSplits(deps)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 3000 });
  });

  it('counts a group once when two runs race over it: the loser replays the transfers and is not counted', async () => {
    let competitor: number | undefined;
    const { api, a, sale, raced } = await settlementRaced(4000, async () => {
      competitor = await settleDueSplits(deps);
    });
    expect(await settleDueSplits(deps)).toBe(0);
    expect(raced.count).toBe(1);
    expect(competitor).toBe(1);
    expect((await group(api, sale.id)).status).toBe('settled');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 4000 });
  });

  it('skips a group whose version a refund of the platform’s part alone changed meanwhile (a conflict)', async () => {
    // A refund of 1 takes it from the platform fee (7,000 of 10,000): no vendor balance changes.
    const { api, a, sale, raced } = await settlementRaced(3000, (api, id) => refund(api, id, 1));
    expect(await settleDueSplits(deps)).toBe(0);
    expect(raced.count).toBe(1);
    expect(await group(api, sale.id)).toMatchObject({ status: 'transferred', platform_refunded: 1 });
    expect(await settleDueSplits(deps)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 3000 });
  });

  it('does not count a group another run settled after this run listed it', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    // This run's read of the group waits for a competing run to settle it (whose own reads go through).
    const get = t.store.get.bind(t.store);
    let isCompeting = false;
    let competed: number | undefined;
    t.store.get = async (key) => {
      if (!isCompeting && competed === undefined && key.pk === vendorKeys.split(sale.id).pk) {
        isCompeting = true;
        competed = await settleDueSplits(deps);
      }
      return get(key);
    };
    expect(await settleDueSplits(deps)).toBe(0);
    expect(competed).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 6000 });
  });

  it('does not count a group another run settled after this run read it: its transfers replay, nothing is written twice', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    // This run read the group as transferred; a competing run settles it before this run's
    // transfers are made (at its read of the card payment's intent), so the ledger replays them.
    const get = t.store.get.bind(t.store);
    let isCompeting = false;
    let competed: number | undefined;
    t.store.get = async (key) => {
      if (!isCompeting && key.pk === hubKeys.intent(sale.id).pk) {
        isCompeting = true;
        competed = await settleDueSplits(deps);
      }
      return get(key);
    };
    expect(await settleDueSplits(deps)).toBe(0);
    expect(competed).toBe(1);
    expect((await group(api, sale.id)).status).toBe('settled');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 6000 });
    const settled = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_settled');
    expect(settled.map((event) => event.subject)).toEqual([sale.id]);
  });

  it('passes a busy store’s refusal of the settlement on (not a lost race), and settles at the next run', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    busyNextWrite((operations) => writesGroup(operations, 'settled'));
    await expect(settleDueSplits(deps)).rejects.toMatchObject({ code: 'service_unavailable' });
    expect((await group(api, sale.id)).status).toBe('transferred');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 6000, available: 0 });
    expect(await settleDueSplits(deps)).toBe(1);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 6000 });
  });
});

/** `deps` with the card sandbox's connector changed by `change` (a scripted provider over the real one). */
function withSandboxCard(base: HubDeps, change: (real: Connector) => Partial<Connector>): HubDeps {
  const real = base.connectors.sandbox_card;
  return { ...base, connectors: { ...base.connectors, sandbox_card: { ...real, ...change(real) } } };
}
const actorOf = (merchant: TestMerchant) => ({ merchantId: merchant.id, ownerId: merchant.owner.id });

describe('refund reversals (vendors-reversals.ts)', () => {
  it('gives a reversal back to the vendor’s available balance when its group settled while the provider refused the refund', async () => {
    const { api, merchant } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    // The hourly vendor settlement runs while the provider is answering the refund, then it refuses.
    const refusing = withSandboxCard(deps, () => ({
      refund: async () => {
        expect(await settleDueSplits(deps)).toBe(1);
        throw new AppError('invalid_request', 'the provider refused the refund');
      },
    }));
    await expect(refundIntent(refusing, actorOf(merchant), sale.id, 5000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await group(api, sale.id)).toMatchObject({
      status: 'settled',
      lines: [{ vendor: a, amount: 6000, reversed: 0, shortfall: 0 }],
      platform_refunded: 0,
    });
    // As if the refund had never been asked: the whole share settled to the vendor.
    expect(await vendorBalance(api, a)).toEqual({ currency: 'USD', pending: 0, available: 6000 });
    expect(await merchantBalance(api)).toMatchObject({ pending: 0, available: 4000 - cardFee(10_000) });
  });

  it('takes each refund back from the vendors’ pending pro rata over what is left, into the merchant’s pending', async () => {
    const { api, merchant } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    await refund(api, sale.id, 5000);
    expect(await group(api, sale.id)).toMatchObject({
      lines: [
        { vendor: a, amount: 3000, reversed: 1500, shortfall: 0 },
        { vendor: b, amount: 5000, reversed: 2500, shortfall: 0 },
      ],
      platform_refunded: 1000,
    });
    const key = `${sale.id}:refund:1`;
    expect(await entries(vendorAccountId(a, 'pending', 'USD'), 'hub_vendor_reversal')).toEqual([
      expect.objectContaining({
        direction: 'debit',
        amount: 1500,
        metadata: { payment_intent: sale.id, vendor: a, refund_key: key },
      }),
    ]);
    const merchantPending = merchantAccountId(merchant.id, 'pending', 'USD');
    const merchantAvailable = merchantAccountId(merchant.id, 'available', 'USD');
    expect(
      sorted((await entries(merchantPending, 'hub_vendor_reversal')).map((e) => [e.direction, e.amount])),
    ).toEqual(
      sorted([
        ['credit', 1500],
        ['credit', 2500],
      ]),
    );
    expect(await entries(merchantAvailable, 'hub_vendor_reversal')).toEqual([]);

    // Left: 1,500, 2,500 and 1,000 of the fee; 2,500 more refunded takes 750, 1,250 and 500.
    await refund(api, sale.id, 2500);
    expect(await group(api, sale.id)).toMatchObject({
      lines: [
        { vendor: a, amount: 3000, reversed: 2250, shortfall: 0 },
        { vendor: b, amount: 5000, reversed: 3750, shortfall: 0 },
      ],
      platform_refunded: 1500,
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 750, available: 0 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 1250, available: 0 });
    expect(await merchantBalance(api)).toMatchObject({ pending: 500 });
    const reversed = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_reversed');
    expect(
      reversed.map((event) => [
        event.subject,
        event.audience,
        (event.data.object as { platform_refunded: number }).platform_refunded,
      ]),
    ).toEqual([
      [sale.id, [merchant.owner.id], 1000],
      [sale.id, [merchant.owner.id], 1500],
    ]);
  });

  it('takes a settled share back from the vendor’s available into the merchant’s, never below zero: the rest a shortfall', async () => {
    const { api, merchant } = await setUp();
    const payee = await t.signUp('payee');
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    await vendorPayout(api, a, 2500, payee.id);
    const before = await merchantBalance(api);
    // 2,000 refunded: shares 600 (a, who holds 500), 1,000 (b, who holds 5,000) and 400.
    await refund(api, sale.id, 2000);
    expect(await group(api, sale.id)).toMatchObject({
      lines: [
        { vendor: a, amount: 3000, reversed: 600, shortfall: 100 },
        { vendor: b, amount: 5000, reversed: 1000, shortfall: 0 },
      ],
      platform_refunded: 400,
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 0 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 0, available: 4000 });
    expect(await entries(vendorAccountId(b, 'available', 'USD'), 'hub_vendor_reversal')).toEqual([
      expect.objectContaining({ direction: 'debit', amount: 1000 }),
    ]);
    const merchantAvailable = merchantAccountId(merchant.id, 'available', 'USD');
    expect(
      sorted((await entries(merchantAvailable, 'hub_vendor_reversal')).map((e) => [e.direction, e.amount])),
    ).toEqual(
      sorted([
        ['credit', 500],
        ['credit', 1000],
      ]),
    );
    expect(await entries(merchantAccountId(merchant.id, 'pending', 'USD'), 'hub_vendor_reversal')).toEqual(
      [],
    );
    expect(await merchantBalance(api)).toEqual({ ...before, available: before.available - 2000 + 1500 });

    // Again: a now holds nothing, so its whole share (600) is a shortfall, and no transfer.
    await refund(api, sale.id, 2000);
    expect((await group(api, sale.id)).lines).toEqual([
      { vendor: a, amount: 3000, reversed: 1200, shortfall: 700 },
      { vendor: b, amount: 5000, reversed: 2000, shortfall: 0 },
    ]);
    expect(await entries(vendorAccountId(a, 'available', 'USD'), 'hub_vendor_reversal')).toHaveLength(1);
    expect(await vendorBalance(api, b)).toMatchObject({ available: 3000 });
  });

  it('gives a refused refund’s part back under its own key, again when refused again, and takes it once it goes through', async () => {
    const { api, merchant } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    await refund(api, sale.id, 2000);
    const before = {
      a: await vendorBalance(api, a),
      b: await vendorBalance(api, b),
      merchant: await merchantBalance(api),
    };
    const refusing = withSandboxCard(deps, () => ({
      refund: async () => {
        throw new AppError('invalid_request', 'the provider refused the refund');
      },
    }));
    const key = `${sale.id}:refund:2`;
    for (let i = 0; i < 2; i++) {
      await expect(refundIntent(refusing, actorOf(merchant), sale.id, 4000)).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(await vendorBalance(api, a)).toEqual(before.a);
      expect(await vendorBalance(api, b)).toEqual(before.b);
      expect(await merchantBalance(api)).toEqual(before.merchant);
      expect(await group(api, sale.id)).toMatchObject({
        lines: [
          { vendor: a, amount: 3000, reversed: 600, shortfall: 0 },
          { vendor: b, amount: 5000, reversed: 1000, shortfall: 0 },
        ],
        platform_refunded: 400,
      });
    }
    const stored = await readSplit(t.store, sale.id);
    expect(stored!.reversals.map((r) => [r.key, r.status])).toEqual([
      [`${sale.id}:refund:1`, 'applied'],
      [key, 'undone'],
      [key, 'undone'],
    ]);
    expect(
      sorted(
        (await entries(vendorAccountId(b, 'pending', 'USD'), 'hub_vendor_reversal')).map((e) => [
          e.direction,
          e.amount,
          e.metadata,
        ]),
      ),
    ).toEqual(
      sorted([
        ['debit', 1000, { payment_intent: sale.id, vendor: b, refund_key: `${sale.id}:refund:1` }],
        ['debit', 2000, { payment_intent: sale.id, vendor: b, refund_key: key }],
        ['credit', 2000, { payment_intent: sale.id, vendor: b, refund_key: key, undo: 'true' }],
        ['debit', 2000, { payment_intent: sale.id, vendor: b, refund_key: key }],
        ['credit', 2000, { payment_intent: sale.id, vendor: b, refund_key: key, undo: 'true' }],
      ]),
    );
    // The first refund's two credits; each refused try, two credits and the two debits undoing them.
    expect(
      sorted(
        (await entries(merchantAccountId(merchant.id, 'pending', 'USD'), 'hub_vendor_reversal')).map(
          (e) => e.direction,
        ),
      ),
    ).toEqual(
      sorted([
        'credit',
        'credit',
        'credit',
        'credit',
        'credit',
        'credit',
        'debit',
        'debit',
        'debit',
        'debit',
      ]),
    );

    // The provider takes it now: the vendors' part is taken back (the third try under this key).
    await refund(api, sale.id, 4000);
    expect((await group(api, sale.id)).lines).toEqual([
      { vendor: a, amount: 3000, reversed: 1800, shortfall: 0 },
      { vendor: b, amount: 5000, reversed: 3000, shortfall: 0 },
    ]);
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 1200 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 2000 });
  });

  it('gives a settled reversal back to the vendors’ available from the merchant’s, its shortfall forgotten', async () => {
    const { api, merchant } = await setUp();
    const payee = await t.signUp('payee');
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    await vendorPayout(api, a, 3000, payee.id);
    const before = await merchantBalance(api);
    const refusing = withSandboxCard(deps, () => ({
      refund: async () => {
        throw new AppError('invalid_request', 'the provider refused the refund');
      },
    }));
    await expect(refundIntent(refusing, actorOf(merchant), sale.id, 2000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await group(api, sale.id)).toMatchObject({
      lines: [
        { vendor: a, amount: 3000, reversed: 0, shortfall: 0 },
        { vendor: b, amount: 5000, reversed: 0, shortfall: 0 },
      ],
      platform_refunded: 0,
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 0 });
    expect(await vendorBalance(api, b)).toMatchObject({ pending: 0, available: 5000 });
    expect(await merchantBalance(api)).toEqual(before);
    expect(
      sorted(
        (await entries(merchantAccountId(merchant.id, 'available', 'USD'), 'hub_vendor_reversal')).map(
          (e) => [e.direction, e.amount],
        ),
      ),
    ).toEqual(
      sorted([
        ['credit', 1000],
        ['debit', 1000],
      ]),
    );
    expect(await entries(merchantAccountId(merchant.id, 'pending', 'USD'), 'hub_vendor_reversal')).toEqual(
      [],
    );
  });

  it('undoes a reversal once: a second undo under the same key changes nothing', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    const intent = (await readIntent(t.store, sale.id))!;
    expect(await reverseForRefund(deps, intent, 'refund-x', 5000)).toMatchObject({
      lines: [{ vendor: a, amount: 3000, from: 'pending', shortfall: 0 }],
      platform: 2000,
      status: 'applied',
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 3000 });
    await undoReversal(deps, sale.id, 'refund-x');
    await undoReversal(deps, sale.id, 'refund-x');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 6000 });
    expect((await readSplit(t.store, sale.id))!.reversals.map((r) => r.status)).toEqual(['undone']);
  });
});

describe('refund reversals: lost races and failed writes', () => {
  it('judges again when a settlement lands between its read and its write: the share comes from available', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, `${sale.id}:refund:1`, 'applied'),
      () => settleDueSplits(deps),
    );
    await refund(api, sale.id, 5000);
    expect(raced.count).toBe(1);
    expect(await group(api, sale.id)).toMatchObject({
      status: 'settled',
      lines: [{ vendor: a, amount: 6000, reversed: 3000, shortfall: 0 }],
    });
    expect(await vendorBalance(api, a)).toEqual({ currency: 'USD', pending: 0, available: 3000 });
  });

  it('judges again when a vendor payout lands between its read and its write: what is left, the rest a shortfall', async () => {
    const { api } = await setUp();
    const payee = await t.signUp('payee');
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 3000 }]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, `${sale.id}:refund:1`, 'applied'),
      () => vendorPayout(api, a, 2000, payee.id),
    );
    // The share is 1,500; the payout leaves 1,000.
    await refund(api, sale.id, 5000);
    expect(raced.count).toBe(1);
    expect((await group(api, sale.id)).lines).toEqual([
      { vendor: a, amount: 3000, reversed: 1500, shortfall: 500 },
    ]);
    expect(await vendorBalance(api, a)).toMatchObject({ available: 0 });
  });

  it('gives up after six lost races in a row, passing the last refusal on and changing nothing', async () => {
    const { api } = await setUp();
    const payee = await t.signUp('payee');
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    expect(await settleRoute(api)).toBe(1);
    await vendorPayout(api, a, 5900, payee.id);
    const intent = (await readIntent(t.store, sale.id))!;
    // Each try takes back what a holds (less than its share); a payout of 1 lands before each write.
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, 'refund-x', 'applied'),
      () => vendorPayout(api, a, 1, payee.id),
      6,
    );
    await expect(reverseForRefund(deps, intent, 'refund-x', 5000)).rejects.toMatchObject({
      code: 'insufficient_funds',
    });
    expect(raced.count).toBe(6);
    expect(await vendorBalance(api, a)).toMatchObject({ available: 94 });
    expect((await readSplit(t.store, sale.id))!.reversals).toEqual([]);
  });

  it('passes a busy store’s refusal of a reversal on, not taken for a lost race', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    const intent = (await readIntent(t.store, sale.id))!;
    busyNextWrite((operations) => reversalOf(operations, 'refund-x', 'applied'));
    await expect(reverseForRefund(deps, intent, 'refund-x', 5000)).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 6000 });
    expect((await readSplit(t.store, sale.id))!.reversals).toEqual([]);
  });

  it('undoes again when a settlement lands between the undo’s read and its write', async () => {
    const { api, merchant } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    await advanceSandbox(api, 86_400);
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, `${sale.id}:refund:1`, 'undone'),
      () => settleDueSplits(deps),
    );
    const refusing = withSandboxCard(deps, () => ({
      refund: async () => {
        throw new AppError('invalid_request', 'the provider refused the refund');
      },
    }));
    await expect(refundIntent(refusing, actorOf(merchant), sale.id, 5000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(raced.count).toBe(1);
    expect(await group(api, sale.id)).toMatchObject({
      status: 'settled',
      lines: [{ vendor: a, amount: 6000, reversed: 0, shortfall: 0 }],
    });
    expect(await vendorBalance(api, a)).toEqual({ currency: 'USD', pending: 0, available: 6000 });
    expect(await merchantBalance(api)).toMatchObject({ pending: 0, available: 4000 - cardFee(10_000) });
  });

  it('gives up undoing after six lost races in a row, passing the conflict on', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    const intent = (await readIntent(t.store, sale.id))!;
    await reverseForRefund(deps, intent, 'refund-x', 1000);
    // Before each write of the undo, another refund's reversal changes the group.
    let n = 0;
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, 'refund-x', 'undone'),
      () => reverseForRefund(deps, intent, `other-${++n}`, 10),
      6,
    );
    await expect(undoReversal(deps, sale.id, 'refund-x')).rejects.toMatchObject({ code: 'conflict' });
    expect(raced.count).toBe(6);
    const stored = (await readSplit(t.store, sale.id))!;
    expect(stored.reversals.map((r) => [r.key, r.status])).toEqual([
      ['refund-x', 'applied'],
      ...[1, 2, 3, 4, 5, 6].map((i) => [`other-${i}`, 'applied']),
    ]);
  });

  it('passes a busy store’s refusal of an undo on, not taken for a lost race', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 6000 }]);
    const intent = (await readIntent(t.store, sale.id))!;
    await reverseForRefund(deps, intent, 'refund-x', 5000);
    busyNextWrite((operations) => reversalOf(operations, 'refund-x', 'undone'));
    await expect(undoReversal(deps, sale.id, 'refund-x')).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 3000 });
    await undoReversal(deps, sale.id, 'refund-x');
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 6000 });
  });
});

describe('split groups and their transfer (vendors-splits.ts)', () => {
  it('refuses each bad split naming the split at fault and why, and writes nothing', async () => {
    const { api } = await setUp();
    const other = await shop();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const euro = (await api('POST', '/v1/vendors', { name: 'Euro roaster', currency: 'EUR' })).json.id;
    const theirs = await vendor(other.api, 'Not yours');
    const missing = 'ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V';
    const cases: Array<[Array<{ vendor: string; amount: number }>, string, string, string]> = [
      [
        [
          { vendor: a, amount: 1 },
          { vendor: missing, amount: 1 },
        ],
        'unknown_vendor',
        `No vendor ${missing}.`,
        'splits.1.vendor',
      ],
      [
        [
          { vendor: a, amount: 1 },
          { vendor: theirs, amount: 1 },
        ],
        'unknown_vendor',
        `No vendor ${theirs}.`,
        'splits.1.vendor',
      ],
      [
        [
          { vendor: a, amount: 1 },
          { vendor: euro, amount: 1 },
        ],
        'split_currency_mismatch',
        `Vendor ${euro} holds EUR, not USD.`,
        'splits.1.vendor',
      ],
      [
        [
          { vendor: a, amount: 6000 },
          { vendor: b, amount: 4001 },
        ],
        'splits_exceed_amount',
        'The splits add up to 10001, more than the amount 10000.',
        'splits',
      ],
    ];
    for (const [splits, code, message, param] of cases) {
      const refused = await api('POST', '/v1/payment-intents', {
        amount: 10_000,
        currency: 'USD',
        payment_method: cardMethod(),
        splits,
      });
      expect(refused.status, JSON.stringify(splits)).toBe(400);
      expect(refused.json.error, JSON.stringify(splits)).toMatchObject({ code, message, param });
    }
    expect((await api('GET', '/v1/payment-intents')).json.data).toEqual([]);
  });

  it('takes splits adding up to exactly the amount, and keeps the rest of a held payment as its platform fee', async () => {
    const { api } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const whole = await cardSale(api, 10_000, [
      { vendor: a, amount: 6000 },
      { vendor: b, amount: 4000 },
    ]);
    expect(await group(api, whole.id)).toMatchObject({ status: 'transferred', platform_fee: 0 });
    const held = await api('POST', '/v1/payment-intents', {
      amount: 10_000,
      currency: 'USD',
      payment_method: cardMethod(),
      capture: false,
      splits: [
        { vendor: a, amount: 3000 },
        { vendor: b, amount: 5000 },
      ],
    });
    expect(held.status, held.text).toBe(201);
    expect(await group(api, held.json.id)).toMatchObject({ status: 'awaiting_payment', platform_fee: 2000 });
    // Called for an intent that has not succeeded (a late or stray delivery): its shares wait.
    expect(await transferSplits(deps, held.json.id)).toMatchObject({ status: 'awaiting_payment' });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 6000 });
  });

  it("moves a card sale's shares from the merchant's pending in one transfer each, booked with intent, vendor and merchant", async () => {
    const { api, merchant } = await setUp();
    const [a, b] = [await vendor(api, 'Roaster'), await vendor(api, 'Bakery')];
    const sale = await cardSale(api, 10_000, [
      { vendor: a, amount: 3000 },
      { vendor: b, amount: 5000 },
    ]);
    expect(await merchantBalance(api)).toMatchObject({ pending: 2000, available: 0 });
    expect(
      sorted(
        (await entries(merchantAccountId(merchant.id, 'pending', 'USD'), 'hub_vendor_split')).map((e) => [
          e.direction,
          e.amount,
        ]),
      ),
    ).toEqual(
      sorted([
        ['debit', 3000],
        ['debit', 5000],
      ]),
    );
    expect(await entries(vendorAccountId(a, 'pending', 'USD'), 'hub_vendor_split')).toEqual([
      expect.objectContaining({
        direction: 'credit',
        amount: 3000,
        metadata: { payment_intent: sale.id, vendor: a, merchant: merchant.id },
      }),
    ]);
    const transferred = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_transferred');
    expect(transferred.map((event) => [event.source, event.subject, event.merchant, event.audience])).toEqual(
      [['sluice.hub', sale.id, merchant.id, [merchant.owner.id]]],
    );
    expect(transferred[0]!.data.object).toMatchObject({
      id: sale.id,
      status: 'transferred',
      platform_fee: 2000,
      settled_at: null,
    });
  });

  it('leaves shares the merchant could not cover to wait, and never moves them once the payment was refunded meanwhile', async () => {
    t = createHubTestApp({}, { signupBonus: 40_000 });
    isOpen = true;
    deps = hubTestDeps(t);
    const { api, merchant } = await shop(['wallet']);
    const payer = await t.signUp('payer');
    const a = await vendor(api);
    const walletSale = async (amount: number, splits: Array<{ vendor: string; amount: number }>) => {
      const asked = await api('POST', '/v1/payment-intents', {
        amount,
        currency: 'USD',
        payment_method: { type: 'wallet', wallet: { user: payer.id } },
        ...(splits.length > 0 ? { splits } : {}),
      });
      expect(asked.status, asked.text).toBe(201);
      const approved = await t.call('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`, {
        token: payer.token,
      });
      return { id: asked.json.id as string, approved };
    };
    // The shares' transfer meets a store too busy when the payer approves: the payment succeeds, its shares wait.
    busyNextWrite((operations) =>
      operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#VENDORSPLITS#')),
    );
    const sale = await walletSale(15_000, [{ vendor: a, amount: 12_000 }]);
    expect(sale.approved.status).toBe(503);
    expect((await api('GET', `/v1/payment-intents/${sale.id}`)).json.status).toBe('succeeded');
    expect((await group(api, sale.id)).status).toBe('awaiting_payment');
    // The merchant pays its whole available balance out: the shares (12,000) pass its floor (10,000).
    expect((await t.call('GET', '/v1/wallet', { token: merchant.owner.token })).status).toBe(200);
    const payout = await api('POST', '/v1/payouts', {
      amount: 15_000,
      currency: 'USD',
      destination: 'wallet',
    });
    expect(payout.status, payout.text).toBe(201);
    // A refund tries the shares first (refused for funds: they wait), then refunds the payer.
    await refund(api, sale.id, 1000);
    expect(await group(api, sale.id)).toMatchObject({
      status: 'awaiting_payment',
      platform_refunded: 0,
    });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0 });
    // Funds again; a late delivery of the payment's success moves nothing: the shares no longer match it.
    await walletSale(20_000, []);
    expect(await transferSplits(deps, sale.id)).toMatchObject({ status: 'awaiting_payment' });
    expect(await vendorBalance(api, a)).toMatchObject({ pending: 0, available: 0 });
  });

  it('commits a change that moves no money with its event alone, and names a lost race on it a conflict', async () => {
    const { api, merchant } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 10_000, [{ vendor: a, amount: 3000 }]);
    const intent = (await readIntent(t.store, sale.id))!;
    // A refund of 1 takes it from the platform fee (7,000 of 10,000): the reversal moves nothing.
    expect(await reverseForRefund(deps, intent, 'refund-y', 1)).toMatchObject({ lines: [], platform: 1 });
    const reversed = (await pendingEvents(t)).filter((event) => event.type === 'vendor.split_reversed');
    expect(reversed.map((event) => [event.source, event.subject, event.merchant, event.audience])).toEqual([
      ['sluice.hub', sale.id, merchant.id, [merchant.owner.id]],
    ]);
    expect(reversed[0]!.data.object).toMatchObject({ id: sale.id, platform_refunded: 1 });
    // Six reversals of other refunds land before each of its writes: it gives up, naming the conflict.
    let n = 0;
    const raced = interleave(
      t,
      (operations) => reversalOf(operations, 'refund-z', 'applied'),
      () => reverseForRefund(deps, intent, `other-${++n}`, 1),
      6,
    );
    await expect(reverseForRefund(deps, intent, 'refund-z', 1)).rejects.toMatchObject({
      code: 'conflict',
      message: `split group ${sale.id} changed meanwhile`,
    });
    expect(raced.count).toBe(6);
    expect((await group(api, sale.id)).platform_refunded).toBe(7);
  });

  it('passes a busy store’s refusal of a change that moves no money on, not taken for a lost race', async () => {
    const { api } = await setUp();
    const a = await vendor(api);
    const sale = await cardSale(api, 4000, [{ vendor: a, amount: 1000 }]);
    await refund(api, sale.id);
    await advanceSandbox(api, 86_400);
    busyNextWrite((operations) => writesGroup(operations, 'settled'));
    await expect(settleDueSplits(deps)).rejects.toMatchObject({ code: 'service_unavailable' });
    expect((await group(api, sale.id)).status).toBe('transferred');
    expect(await settleDueSplits(deps)).toBe(1);
  });
});
