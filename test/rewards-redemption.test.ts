import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../server/src/kernel/errors.ts';
import { getAccount } from '../server/src/ledger/index.ts';
import { coinAccountId, payAward } from '../server/src/rewards/awards.ts';
import { createReward, redeemReward } from '../server/src/rewards/redemption.ts';
import { readReward } from '../server/src/rewards/store.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from '../server/src/rewards/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

async function coinBalance(userId: string): Promise<number> {
  const account = await getAccount(t.deps, coinAccountId(userId));
  return account ? account.credits_posted - account.debits_posted : 0;
}

/** Gives a user coins the way the weekly bonus does (50 a week, outside the daily cap). */
async function fund(userId: string, weeks: number) {
  for (let week = 0; week < weeks; week++)
    await payAward(t.deps, {
      rule: 'weekly_bonus',
      source: `${userId}:2026-W0${week}`,
      user: userId,
      occurred_at: t.clock.now(),
    });
}

describe('redemption', () => {
  it('lets exactly 10 of 100 concurrent redemptions of a reward with 10 in stock succeed', {
    timeout: 120_000,
  }, async () => {
    t = await rewardsTestPlatform();
    const reward = await createReward(t.deps, {
      name: 'Coffee voucher',
      description: 'One coffee',
      price: 30,
      stock: 10,
      kind: 'voucher',
    });
    const users = Array.from({ length: 100 }, (_, i) => `usr_redeemer${String(i).padStart(3, '0')}`);
    for (const user of users) await fund(user, 1);

    const results = await Promise.allSettled(
      users.map((id) => redeemReward(t.deps, { id, name: id, isAdmin: false }, reward.id)),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(succeeded).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(new Set(refused.map((r) => (r.reason as AppError).code))).toEqual(
      new Set(['reward_out_of_stock']),
    );
    expect(new Set(refused.map((r) => (r.reason as AppError).status))).toEqual(new Set([409]));
    expect((await readReward(t.platform.store, reward.id))?.stock).toBe(0);
    const balances = await Promise.all(users.map(coinBalance));
    expect(balances.filter((b) => b === 20)).toHaveLength(10);
    expect(balances.filter((b) => b === 50)).toHaveLength(90);
    await expectBooksBalanced(t.platform.store);
  });

  it('redeems a voucher and wallet credit over HTTP, with 402 for too few coins and 409 when out of stock', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const admin = await t.signUp('Admin', 'admin@example.com');
    const voucher = await t.call('POST', '/v1/rewards', {
      token: admin.token,
      body: { name: 'Sticker pack', price: 40, stock: 1, kind: 'voucher' },
    });
    expect(voucher.status).toBe(201);
    const credit = await t.call('POST', '/v1/rewards', {
      token: admin.token,
      body: {
        name: '$0.50 wallet credit',
        description: 'Credit to your wallet',
        price: 50,
        stock: 100,
        kind: 'wallet_credit',
      },
    });
    expect(credit.json.credit).toEqual({ amount: 50, currency: 'USD' });
    expect(
      (
        await t.call('POST', '/v1/rewards', {
          token: ann.token,
          body: { name: 'Mine', price: 1, stock: 1, kind: 'voucher' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/v1/rewards', {
          token: admin.token,
          body: { name: 'Free', price: 0, stock: 1, kind: 'voucher' },
        })
      ).json.error,
    ).toMatchObject({ code: 'validation_failed', param: 'price' });

    const poor = await t.call('POST', `/v1/rewards/${voucher.json.id}/redeem`, { token: ann.token });
    expect(poor.status).toBe(402);
    expect(poor.json.error.code).toBe('insufficient_funds');
    expect((await t.call('GET', '/v1/redemptions', { token: ann.token })).json.data).toEqual([]);

    await fund(ann.id, 3);
    const redeemed = await t.call('POST', `/v1/rewards/${voucher.json.id}/redeem`, {
      token: ann.token,
      headers: { 'Idempotency-Key': 'redeem-1' },
    });
    expect(redeemed.status).toBe(201);
    expect(redeemed.json.voucher_code).toMatch(/^RW-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const replay = await t.call('POST', `/v1/rewards/${voucher.json.id}/redeem`, {
      token: ann.token,
      headers: { 'Idempotency-Key': 'redeem-1' },
    });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.json.id).toBe(redeemed.json.id);
    const reused = await t.call('POST', `/v1/rewards/${credit.json.id}/redeem`, {
      token: ann.token,
      headers: { 'Idempotency-Key': 'redeem-1' },
    });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
    const soldOut = await t.call('POST', `/v1/rewards/${voucher.json.id}/redeem`, { token: ann.token });
    expect(soldOut.status).toBe(409);
    expect(soldOut.json.error.code).toBe('reward_out_of_stock');

    const walletBefore = await t.call('GET', '/v1/wallet', { token: ann.token });
    const usdBefore =
      walletBefore.json.balances.find((b: { currency: string }) => b.currency === 'USD')?.available ?? 0;
    const credited = await t.call('POST', `/v1/rewards/${credit.json.id}/redeem`, { token: ann.token });
    expect(credited.status).toBe(201);
    expect(credited.json).toMatchObject({ kind: 'wallet_credit', credit: { amount: 50, currency: 'USD' } });
    const walletAfter = await t.call('GET', '/v1/wallet', { token: ann.token });
    expect(walletAfter.json.balances.find((b: { currency: string }) => b.currency === 'USD').available).toBe(
      usdBefore + 50,
    );
    expect(await coinBalance(ann.id)).toBe(150 - 40 - 50);
    const redemptions = await t.call('GET', '/v1/redemptions', { token: ann.token });
    expect(redemptions.json.data.map((r: { kind: string }) => r.kind)).toEqual(['wallet_credit', 'voucher']);
    const history = await t.call('GET', '/v1/coins/history', { token: ann.token });
    expect(history.json.data.filter((e: { direction: string }) => e.direction === 'debit')).toHaveLength(2);

    // Withdrawn rewards vanish for users; admins still see them.
    await t.call('PATCH', `/v1/rewards/${credit.json.id}`, { token: admin.token, body: { active: false } });
    expect(
      (await t.call('GET', '/v1/rewards', { token: ann.token })).json.data.map((r: { id: string }) => r.id),
    ).toEqual([voucher.json.id]);
    expect((await t.call('GET', '/v1/rewards', { token: admin.token })).json.data).toHaveLength(2);
    expect((await t.call('POST', `/v1/rewards/${credit.json.id}/redeem`, { token: ann.token })).status).toBe(
      404,
    );
    expect(
      (await t.call('PATCH', `/v1/rewards/${credit.json.id}`, { token: ann.token, body: { stock: 5 } }))
        .status,
    ).toBe(403);
    await expectBooksBalanced(t.platform.store);
  });
});
