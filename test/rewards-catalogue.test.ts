import { afterEach, describe, expect, it } from 'vitest';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { interleave } from '../server/src/payments/test-support.ts';
import { payAward } from '../server/src/rewards/awards.ts';
import type { Actor } from '../server/src/rewards/posts.ts';
import { createReward, redeemReward, updateReward } from '../server/src/rewards/redemption.ts';
import { readReward } from '../server/src/rewards/store.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from '../server/src/rewards/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

const admin: Actor = { id: 'usr_catalogueadmin', name: 'Admin', isAdmin: true };
const shopper = (i: number): Actor => ({
  id: `usr_shopper${String(i).padStart(3, '0')}`,
  name: `Shopper ${i}`,
  isAdmin: false,
});

/** 50 coins, the way the weekly bonus pays them (outside the daily cap). */
async function fund(userId: string) {
  await payAward(t.deps, {
    rule: 'weekly_bonus',
    source: `${userId}:2026-W01`,
    user: userId,
    occurred_at: t.clock.now(),
  });
}

async function aReward(name: string, options: { stock?: number; price?: number } = {}) {
  return createReward(t.deps, {
    name,
    description: '',
    price: options.price ?? 1,
    stock: options.stock ?? 100,
    kind: 'voucher',
  });
}

/** Whether the transaction is a PATCH's write of the reward that renames it. */
function renames(rewardId: string) {
  return (operations: WriteOperation[]) =>
    operations.some(
      (op) =>
        op.type === 'update' &&
        op.key.pk === `RW#REWARD#${rewardId}` &&
        op.set !== undefined &&
        'name' in op.set,
    );
}

describe('editing a reward', () => {
  it('keeps a redemption that commits between a rename’s read and its write', async () => {
    t = await rewardsTestPlatform();
    const reward = await aReward('Sticker', { stock: 100 });
    await fund(shopper(1).id);
    const raced = interleave(t.deps, renames(reward.id), () => redeemReward(t.deps, shopper(1), reward.id));

    const renamed = await updateReward(t.deps, admin, reward.id, { name: 'Sticker pack' });

    expect(raced.count).toBe(1);
    expect(renamed.name).toBe('Sticker pack');
    expect(await readReward(t.deps.store, reward.id)).toMatchObject({ name: 'Sticker pack', stock: 99 });
    await expectBooksBalanced(t.platform.store);
  });

  it('keeps a withdrawal and a price change that commit between a rename’s read and its write', async () => {
    t = await rewardsTestPlatform();
    const reward = await aReward('Mug', { price: 3 });
    const raced = interleave(t.deps, renames(reward.id), () =>
      updateReward(t.deps, admin, reward.id, { active: false, price: 7 }),
    );

    const renamed = await updateReward(t.deps, admin, reward.id, { name: 'Big mug' });

    expect(raced.count).toBe(1);
    const stored = await readReward(t.deps.store, reward.id);
    expect(stored).toMatchObject({ name: 'Big mug', active: false, price: 7, stock: 100 });
    // What the PATCH answers is the reward as it now is, not the copy it read before.
    expect(renamed).toEqual(stored);
  });

  it('changes only what a PATCH names: a wallet-credit price change moves its credit, nothing else', async () => {
    t = await rewardsTestPlatform();
    const adminUser = await t.signUp('Admin', 'admin@example.com');
    const created = await t.call('POST', '/v1/rewards', {
      token: adminUser.token,
      body: {
        name: '$0.50 credit',
        description: 'To your wallet',
        price: 50,
        stock: 5,
        kind: 'wallet_credit',
      },
    });
    const patched = await t.call('PATCH', `/v1/rewards/${created.json.id}`, {
      token: adminUser.token,
      body: { price: 80 },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...created.json, price: 80, credit: { amount: 80, currency: 'USD' } });
    const unchanged = await t.call('PATCH', `/v1/rewards/${created.json.id}`, {
      token: adminUser.token,
      body: {},
    });
    expect(unchanged.json).toEqual(patched.json);
    const missing = await t.call('PATCH', '/v1/rewards/rwd_01JD3S8Q4X9Z2K7M5N6P8R0T1V', {
      token: adminUser.token,
      body: { name: 'Ghost' },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', param: 'id' });
    const bad = await t.call('PATCH', `/v1/rewards/${created.json.id}`, {
      token: adminUser.token,
      body: { stock: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'validation_failed', param: 'stock' });
    expect((await t.call('GET', `/v1/rewards/${created.json.id}`, { token: adminUser.token })).json).toEqual(
      patched.json,
    );
  });

  it('sells exactly 40 of a reward with 100 in stock while 15 renames run alongside 40 redemptions', {
    timeout: 120_000,
  }, async () => {
    t = await rewardsTestPlatform();
    const reward = await aReward('Coffee', { stock: 100 });
    const shoppers = Array.from({ length: 40 }, (_, i) => shopper(i));
    for (const user of shoppers) await fund(user.id);

    // Renames start spread among the redemptions (each a few turns of the event loop after the
    // last), so their reads and writes fall between the redemptions' reads and commits.
    const later = async (turns: number) => {
      for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
    };
    const results = await Promise.allSettled([
      ...shoppers.map(async (user, i) => {
        await later(i);
        return redeemReward(t.deps, user, reward.id);
      }),
      ...Array.from({ length: 15 }, async (_, i) => {
        await later(i * 3);
        return updateReward(t.deps, admin, reward.id, { name: `Coffee ${i}` });
      }),
    ]);

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await readReward(t.deps.store, reward.id))?.stock).toBe(60);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('the catalogue a user sees', () => {
  /** Creates rewards oldest first, a second apart, and withdraws those at `withdrawn` (indexes). */
  async function catalogue(count: number, withdrawn: number[]) {
    const rewards = [];
    for (let i = 0; i < count; i++) {
      rewards.push(await aReward(`Reward ${i}`));
      t.clock.advance(1000);
    }
    for (const i of withdrawn) await updateReward(t.deps, admin, rewards[i]!.id, { active: false });
    return rewards.map((reward) => reward.id);
  }

  async function pages(token: string, limit: number) {
    const seen: { ids: string[]; has_more: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&starting_after=${cursor}` : '';
      const response = await t.call('GET', `/v1/rewards?limit=${limit}${query}`, { token });
      expect(response.status).toBe(200);
      seen.push({
        ids: response.json.data.map((r: { id: string }) => r.id),
        has_more: response.json.has_more,
      });
      cursor = response.json.next_cursor;
      expect(seen.length).toBeLessThan(20);
    } while (cursor);
    return seen;
  }

  it('fills the page past the newest rewards when they are withdrawn', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const ids = await catalogue(4, [2, 3]);

    const first = await t.call('GET', '/v1/rewards?limit=2', { token: ann.token });

    expect(first.json.data.map((r: { id: string }) => r.id)).toEqual([ids[1], ids[0]]);
    expect(first.json.has_more).toBe(false);
  });

  it('pages through every active reward in full pages, newest first, whatever is withdrawn between them', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const adminUser = await t.signUp('Admin', 'admin@example.com');
    const withdrawn = [0, 3, 5, 6, 8, 9, 10, 11, 12, 13];
    const ids = await catalogue(16, withdrawn);
    const active = ids.filter((_, i) => !withdrawn.includes(i)).reverse();

    for (const limit of [1, 2, 3, 5]) {
      const seen = await pages(ann.token, limit);
      expect(seen.flatMap((p) => p.ids)).toEqual(active);
      // Every page but the last is full and says more follow.
      for (const page of seen.slice(0, -1))
        expect(page).toMatchObject({ has_more: true, ids: expect.any(Array) });
      for (const page of seen.slice(0, -1)) expect(page.ids).toHaveLength(limit);
    }
    // Admins still see the whole catalogue.
    expect((await pages(adminUser.token, 100)).flatMap((p) => p.ids)).toEqual([...ids].reverse());
  });
});
