import { afterEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { AppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { createTransfers, getAccount, getTransfer, listHistory } from '../ledger/index.ts';
import { walletAccountId } from '../wallet/index.ts';
import { coinAccountId, ensureCoinAccounts, issuanceAccountId } from './awards.ts';
import type { WriteOperation } from '../platform/store.ts';
import { readReward, rewardTakeOne } from './store.ts';
import { promotionsBudget, redeemReward, rewardsPromotionsAccountId } from './redemption.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from './test-support.ts';

/**
 * The cases of redemption (coins for a voucher or for wallet credit in USD) that issue 23's
 * mutation run of `redemption.ts` found unpinned: what a redemption records and books, the
 * promotions account and its budget, what each refusal says and that it writes nothing, who may
 * redeem a withdrawn reward, and the catalogue's paging. Through HTTP on the real local runtime.
 */

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

type User = { id: string; token: string };

/** Gives a user coins straight from the rewards issuance account, through the ledger service. */
async function giveCoins(user: User, amount: number) {
  await ensureCoinAccounts(t.deps, user.id);
  await createTransfers(t.deps, [
    {
      id: `tr_test_coins_${user.id}_${amount}`,
      debit_account_id: issuanceAccountId(),
      credit_account_id: coinAccountId(user.id),
      amount,
      currency: 'COIN',
      code: 'reward_weekly_bonus',
    },
  ]);
}

/** The events the bus hands subscribers, of the given types, for reading after a drain. */
function collectEvents(types: string[]): EventEnvelope[] {
  const delivered: EventEnvelope[] = [];
  t.platform.bus.subscribe('test.redemption', { type: types }, async (event) => {
    delivered.push(event);
  });
  return delivered;
}

async function coins(user: User): Promise<number> {
  return (await t.call('GET', '/v1/coins', { token: user.token })).json.balance;
}

async function usd(user: User): Promise<number> {
  const wallet = await t.call('GET', '/v1/wallet', { token: user.token });
  return wallet.json.balances?.find((b: { currency: string }) => b.currency === 'USD')?.available ?? 0;
}

async function setUp() {
  t = await rewardsTestPlatform();
  const admin = await t.signUp('Admin', 'admin@example.com');
  const ann = await t.signUp('Ann');
  const addReward = async (body: Record<string, unknown>) => {
    const response = await t.call('POST', '/v1/rewards', { token: admin.token, body });
    expect(response.status).toBe(201);
    return response.json;
  };
  return { admin, ann, addReward };
}

describe('redemption (mutation cases)', () => {
  it('books wallet credit as coins to issuance and USD from the funded promotions account to the wallet', async () => {
    const { ann, addReward } = await setUp();
    const reward = await addReward({ name: 'Two dollars', price: 200, stock: 3, kind: 'wallet_credit' });
    expect(reward).toMatchObject({
      price: 200,
      stock: 3,
      active: true,
      credit: { amount: 200, currency: 'USD' },
    });
    await giveCoins(ann, 500);
    const events = collectEvents(['coins.redeemed', 'ledger.transfers.created']);

    const redeemed = await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: ann.token });
    expect(redeemed.status).toBe(201);
    expect(redeemed.json).toMatchObject({
      user: ann.id,
      reward_id: reward.id,
      reward_name: 'Two dollars',
      kind: 'wallet_credit',
      price: 200,
      voucher_code: null,
      credit: { amount: 200, currency: 'USD' },
      created_at: new Date(t.clock.now()).toISOString(),
    });
    expect(await coins(ann)).toBe(300);
    expect(await usd(ann)).toBe(200);
    expect((await readReward(t.platform.store, reward.id))?.stock).toBe(2);

    const coinTransfer = await getTransfer(t.deps, redeemed.json.transfer_id);
    expect(coinTransfer).toMatchObject({
      debit_account_id: coinAccountId(ann.id),
      credit_account_id: issuanceAccountId(),
      amount: 200,
      currency: 'COIN',
      code: 'redemption',
      metadata: { reward_id: reward.id },
    });
    const history = await t.call('GET', '/v1/coins/history', { token: ann.token });
    const entry = history.json.data.find(
      (e: { transfer_id: string }) => e.transfer_id === redeemed.json.transfer_id,
    );
    expect(entry).toMatchObject({
      direction: 'debit',
      amount: 200,
      description: 'Redeemed for a reward',
    });

    const promotions = await getAccount(t.deps, rewardsPromotionsAccountId('USD'));
    expect(promotions).toMatchObject({
      currency: 'USD',
      owner: 'system',
      code: 'promotions',
      debits_must_not_exceed_credits: true,
      credits_posted: promotionsBudget,
      debits_posted: 200,
    });
    const budget = await getTransfer(t.deps, 'tr_promo_rewards_budget_USD');
    expect(budget).toMatchObject({
      credit_account_id: rewardsPromotionsAccountId('USD'),
      amount: promotionsBudget,
      code: 'promotions_budget',
      metadata: { note: 'Rewards wallet-credit budget' },
    });
    const wallet = await getAccount(t.deps, walletAccountId(ann.id, 'USD'));
    expect(wallet?.credits_posted).toBe(200);
    const credited = await listHistory(t.platform.store, walletAccountId(ann.id, 'USD'), { limit: 10 });
    expect(credited.entries).toEqual([
      expect.objectContaining({
        direction: 'credit',
        amount: 200,
        code: 'reward_wallet_credit',
        counterparty_account_id: rewardsPromotionsAccountId('USD'),
        metadata: { reward_id: reward.id, coins: '200' },
      }),
    ]);
    // The redemption reaches its user (their sockets); the budget's funding is a ledger event.
    await t.platform.dispatcher.drain();
    expect(events.filter((event) => event.type === 'coins.redeemed')).toEqual([
      expect.objectContaining({
        subject: redeemed.json.id,
        audience: [ann.id],
        data: { redemption_id: redeemed.json.id, reward_id: reward.id, price: 200, kind: 'wallet_credit' },
      }),
    ]);
    expect(
      events.filter(
        (event) =>
          event.type === 'ledger.transfers.created' && event.subject === rewardsPromotionsAccountId('USD'),
      ),
    ).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses wallet credit past the promotions budget as out of stock (409), writing nothing', async () => {
    const { ann, addReward } = await setUp();
    const small = await addReward({ name: 'A cent', price: 1, stock: 5, kind: 'wallet_credit' });
    const huge = await addReward({
      name: 'Jackpot',
      price: promotionsBudget + 1,
      stock: 5,
      kind: 'wallet_credit',
    });
    await giveCoins(ann, promotionsBudget + 2);
    expect((await t.call('POST', `/v1/rewards/${small.id}/redeem`, { token: ann.token })).status).toBe(201);

    const refused = await t.call('POST', `/v1/rewards/${huge.id}/redeem`, { token: ann.token });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'reward_out_of_stock',
      message: 'The wallet-credit budget is spent.',
      param: 'id',
    });
    expect(await coins(ann)).toBe(promotionsBudget + 1);
    expect(await usd(ann)).toBe(1);
    expect((await readReward(t.platform.store, huge.id))?.stock).toBe(5);
    const redemptions = await t.call('GET', '/v1/redemptions', { token: ann.token });
    expect(redemptions.json.data.map((r: { reward_id: string }) => r.reward_id)).toEqual([small.id]);
    await expectBooksBalanced(t.platform.store);
  });

  it('says what a reward costs when the coins are too few (402), writing nothing', async () => {
    const { ann, addReward } = await setUp();
    const credit = await addReward({ name: 'Fifty cents', price: 50, stock: 5, kind: 'wallet_credit' });
    const voucher = await addReward({ name: 'Sticker', price: 40, stock: 5, kind: 'voucher' });
    await giveCoins(ann, 39);
    for (const [reward, price] of [
      [credit, 50],
      [voucher, 40],
    ] as const) {
      const refused = await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: ann.token });
      expect(refused.status).toBe(402);
      expect(refused.json.error).toMatchObject({
        code: 'insufficient_funds',
        message: `${reward.name} costs ${price} coins.`,
        param: 'id',
      });
      expect((await readReward(t.platform.store, reward.id))?.stock).toBe(5);
    }
    expect(await coins(ann)).toBe(39);
    expect(await usd(ann)).toBe(0);
    expect((await t.call('GET', '/v1/redemptions', { token: ann.token })).json.data).toEqual([]);
    await expectBooksBalanced(t.platform.store);
  });

  it('redeems the last one in stock, then refuses with the reward named (409) before touching coins', async () => {
    const { ann, addReward } = await setUp();
    const voucher = await addReward({ name: 'Mug', price: 10, stock: 1, kind: 'voucher' });
    const none = await addReward({ name: 'Hat', price: 10, stock: 0, kind: 'voucher' });
    await giveCoins(ann, 100);
    const last = await t.call('POST', `/v1/rewards/${voucher.id}/redeem`, { token: ann.token });
    expect(last.status).toBe(201);
    expect(last.json.credit).toBeNull();
    for (const [reward, name] of [
      [voucher, 'Mug'],
      [none, 'Hat'],
    ] as const) {
      const refused = await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: ann.token });
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({
        code: 'reward_out_of_stock',
        message: `${name} is out of stock.`,
        param: 'id',
      });
    }
    expect(await coins(ann)).toBe(90);
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses a redemption that loses the last one to a racing one with the reward named (409), writing nothing', async () => {
    const { ann, addReward } = await setUp();
    const voucher = await addReward({ name: 'Mug', price: 10, stock: 1, kind: 'voucher' });
    await giveCoins(ann, 100);
    // Another redemption takes the last one between this one's read of the stock and its write.
    const store = t.platform.store;
    let raced = false;
    const racing = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'transact') return Reflect.get(target, property, receiver);
        return async (operations: WriteOperation[]) => {
          if (!raced) {
            raced = true;
            await target.transact([rewardTakeOne(voucher.id)]);
          }
          return target.transact(operations);
        };
      },
    });
    const refused = await redeemReward(
      { ...t.deps, store: racing },
      { id: ann.id, name: 'Ann', isAdmin: false },
      voucher.id,
    ).catch((error: unknown) => error);
    expect(raced).toBe(true);
    expect(refused).toMatchObject({
      code: 'reward_out_of_stock',
      message: 'Mug is out of stock',
      param: 'id',
    });
    expect(await coins(ann)).toBe(100);
    expect((await t.call('GET', '/v1/redemptions', { token: ann.token })).json.data).toEqual([]);
    await expectBooksBalanced(store);
  });

  it('refuses wallet credit out of stock before touching anything: no promotions account is funded', async () => {
    const { ann, addReward } = await setUp();
    const none = await addReward({ name: 'Five dollars', price: 500, stock: 0, kind: 'wallet_credit' });
    await giveCoins(ann, 600);
    const refused = await t.call('POST', `/v1/rewards/${none.id}/redeem`, { token: ann.token });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'reward_out_of_stock',
      message: 'Five dollars is out of stock.',
    });
    expect(await getAccount(t.deps, rewardsPromotionsAccountId('USD'))).toBeUndefined();
    expect(await coins(ann)).toBe(600);
    await expectBooksBalanced(t.platform.store);
  });

  it('passes on a busy store (503), not taken for a lost race', async () => {
    const { ann, addReward } = await setUp();
    const voucher = await addReward({ name: 'Mug', price: 10, stock: 3, kind: 'voucher' });
    await giveCoins(ann, 100);
    // What the DynamoDB store throws when a transaction is still refused after its retries.
    const busy = new Proxy(t.platform.store, {
      get(target, property, receiver) {
        if (property !== 'transact') return Reflect.get(target, property, receiver);
        return async () => {
          throw new AppError('service_unavailable', 'the store is busy');
        };
      },
    });
    const actor = { id: ann.id, name: 'Ann', isAdmin: false };
    const refused = await redeemReward({ ...t.deps, store: busy }, actor, voucher.id).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'service_unavailable' });
    expect(await coins(ann)).toBe(100);
    expect((await readReward(t.platform.store, voucher.id))?.stock).toBe(3);
    await expectBooksBalanced(t.platform.store);
  });

  it('lets nobody, not even an admin, redeem a withdrawn reward, and answers 404 for an unknown id', async () => {
    const { admin, ann, addReward } = await setUp();
    const reward = await addReward({ name: 'Old', price: 5, stock: 5, kind: 'voucher' });
    await giveCoins(admin, 100);
    await giveCoins(ann, 100);
    const patched = await t.call('PATCH', `/v1/rewards/${reward.id}`, {
      token: admin.token,
      body: { active: false },
    });
    expect(patched.json.active).toBe(false);
    expect((await t.call('GET', `/v1/rewards/${reward.id}`, { token: admin.token })).status).toBe(200);
    for (const user of [admin, ann]) {
      const refused = await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: user.token });
      expect(refused.status).toBe(404);
      expect(refused.json.error).toMatchObject({
        code: 'not_found',
        message: `No reward ${reward.id}.`,
        param: 'id',
      });
      expect(await coins(user)).toBe(100);
    }
    const seen = await t.call('GET', `/v1/rewards/${reward.id}`, { token: ann.token });
    expect(seen.status).toBe(404);
    const unknown = await t.call('GET', '/v1/rewards/not_a_reward', { token: ann.token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found', message: 'No reward not_a_reward.' });
    await expectBooksBalanced(t.platform.store);
  });

  it('reprices wallet credit with the price and keeps what a change leaves out', async () => {
    const { admin, ann, addReward } = await setUp();
    const reward = await addReward({
      name: 'Credit',
      description: 'Some credit',
      price: 10,
      stock: 5,
      kind: 'wallet_credit',
    });
    const voucher = await addReward({ name: 'Pin', price: 10, stock: 5, kind: 'voucher' });
    const repriced = await t.call('PATCH', `/v1/rewards/${reward.id}`, {
      token: admin.token,
      body: { price: 25 },
    });
    expect(repriced.json).toMatchObject({
      name: 'Credit',
      description: 'Some credit',
      price: 25,
      stock: 5,
      credit: { amount: 25, currency: 'USD' },
    });
    const restocked = await t.call('PATCH', `/v1/rewards/${reward.id}`, {
      token: admin.token,
      body: { stock: 7 },
    });
    expect(restocked.json).toMatchObject({ price: 25, stock: 7, credit: { amount: 25, currency: 'USD' } });
    expect(
      (await t.call('PATCH', `/v1/rewards/${voucher.id}`, { token: admin.token, body: { price: 30 } })).json
        .credit,
    ).toBeNull();
    expect((await t.call('GET', `/v1/rewards/${reward.id}`, { token: ann.token })).json).toMatchObject({
      price: 25,
      stock: 7,
      description: 'Some credit',
    });
    await giveCoins(ann, 25);
    const redeemed = await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: ann.token });
    expect(redeemed.json.credit).toEqual({ amount: 25, currency: 'USD' });
    expect(await usd(ann)).toBe(25);
    await expectBooksBalanced(t.platform.store);
  });

  it('pages the catalogue and the redemptions', async () => {
    const { ann, addReward } = await setUp();
    const first = await addReward({ name: 'One', price: 1, stock: 5, kind: 'voucher' });
    const second = await addReward({ name: 'Two', price: 1, stock: 5, kind: 'voucher' });
    const page1 = await t.call('GET', '/v1/rewards?limit=1', { token: ann.token });
    expect(page1.json.data).toHaveLength(1);
    expect(page1.json.has_more).toBe(true);
    const page2 = await t.call('GET', `/v1/rewards?limit=1&starting_after=${page1.json.next_cursor}`, {
      token: ann.token,
    });
    expect([...page1.json.data, ...page2.json.data].map((r: { id: string }) => r.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );

    await giveCoins(ann, 10);
    for (const reward of [first, second]) {
      t.clock.advance(1000);
      expect((await t.call('POST', `/v1/rewards/${reward.id}/redeem`, { token: ann.token })).status).toBe(
        201,
      );
    }
    const r1 = await t.call('GET', '/v1/redemptions?limit=1', { token: ann.token });
    expect(r1.json.has_more).toBe(true);
    const r2 = await t.call('GET', `/v1/redemptions?limit=1&starting_after=${r1.json.next_cursor}`, {
      token: ann.token,
    });
    expect(r2.json.has_more).toBe(false);
    expect([...r1.json.data, ...r2.json.data].map((r: { reward_id: string }) => r.reward_id)).toEqual([
      second.id,
      first.id,
    ]);
    await expectBooksBalanced(t.platform.store);
  });
});
