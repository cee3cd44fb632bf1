import { afterEach, describe, expect, it } from 'vitest';
import { getAccount } from '../server/src/ledger/index.ts';
import type { ReceivedMessage } from '../server/src/platform/queue.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';
import { awardConsumeOptions, awardConsumer, coinAccountId, payAward } from '../server/src/rewards/awards.ts';
import { awardQueueName } from '../server/src/rewards/deps.ts';
import type { Post } from '../server/src/rewards/model.ts';
import { createPost, likePost, type Actor } from '../server/src/rewards/posts.ts';
import { readDay } from '../server/src/rewards/store.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from '../server/src/rewards/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

const anActor = (id: string, name = id): Actor => ({ id, name, isAdmin: false });

async function balanceOf(userId: string): Promise<number> {
  const account = await getAccount(t.deps, coinAccountId(userId));
  return account ? account.credits_posted - account.debits_posted : 0;
}

describe('coin awards under the daily cap', () => {
  it('pays an author exactly 500 for 300 concurrent likes from 300 users in one UTC day', {
    timeout: 120_000,
  }, async () => {
    t = await rewardsTestPlatform();
    const author = await t.signUp('Author');
    const posts: Post[] = [];
    for (let i = 0; i < 3; i++)
      posts.push(await createPost(t.deps, anActor(author.id, 'Author'), { content: `Post number ${i}` }));

    const likers = Array.from({ length: 300 }, (_, i) => anActor(`usr_liker${String(i).padStart(4, '0')}`));
    const likes = await Promise.allSettled(
      likers.map((liker, i) => likePost(t.deps, liker, posts[i % 3]!.id)),
    );
    expect(likes.filter((like) => like.status === 'fulfilled')).toHaveLength(300);

    const handled = await t.platform.queue.drain();
    expect(handled).toBeGreaterThanOrEqual(303);

    // 3 posts (30) + 300 likes (600) would be 630: the cap holds the day at exactly 500.
    const day = await readDay(t.platform.store, author.id, '2026-01-15');
    expect(day.earned).toBe(500);
    expect(day.likes_received).toBe(300);
    expect(await balanceOf(author.id)).toBe(500);
    const coins = await t.call('GET', '/v1/coins', { token: author.token });
    expect(coins.json).toMatchObject({ balance: 500, earned_today: 500, daily_cap: 500 });
    await expectBooksBalanced(t.platform.store);
  });

  it('holds the cap when 300 awards for one user are paid at once, cutting the one that crosses it', {
    timeout: 120_000,
  }, async () => {
    t = await rewardsTestPlatform();
    const user = 'usr_busy';
    const occurred_at = t.clock.now();
    // 99 comments (495) bring the day near the cap; then 300 likes race for what is left.
    for (let i = 0; i < 99; i++)
      await payAward(t.deps, { rule: 'comment', source: `cmt_${i}`, user, occurred_at });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        payAward(t.deps, { rule: 'like', source: `post_x:usr_${i}`, user, occurred_at }),
      ),
    );
    const paid = outcomes.filter((o) => o.outcome === 'paid').map((o) => o.award.amount);
    // 5 coins were left: two likes of 2, and one cut to the last coin.
    expect(paid.sort()).toEqual([1, 2, 2]);
    expect(outcomes.filter((o) => o.outcome === 'capped')).toHaveLength(297);
    expect(await balanceOf(user)).toBe(500);
    expect((await readDay(t.platform.store, user, '2026-01-15')).earned).toBe(500);
    // The next UTC day starts a new allowance.
    t.clock.advance(12 * 3600_000);
    const tomorrow = await payAward(t.deps, {
      rule: 'comment',
      source: 'cmt_next',
      user,
      occurred_at: t.clock.now(),
    });
    expect(tomorrow).toMatchObject({ outcome: 'paid', award: { amount: 5, day: '2026-01-16' } });
    await expectBooksBalanced(t.platform.store);
  });
});

describe('exactly once per (rule, source)', () => {
  it('pays once when each award message is delivered three times, one after another and at once', async () => {
    t = await rewardsTestPlatform();
    const consumer = awardConsumer(t.deps);
    const message = (id: string, body: unknown, receiveCount: number): ReceivedMessage => ({
      id,
      queue: awardQueueName,
      body,
      receiveCount,
      sentAt: t.clock.now(),
    });
    const body = (source: string) => ({
      rule: 'like',
      source,
      user: 'usr_author',
      occurred_at: t.clock.now(),
    });
    for (let delivery = 1; delivery <= 3; delivery++) {
      const result = await consumer([message('msg_a', body('post_1:usr_1'), delivery)]);
      expect(result.failures).toEqual([]);
    }
    const concurrent = await Promise.all(
      [1, 2, 3].map((delivery) => consumer([message('msg_b', body('post_1:usr_2'), delivery)])),
    );
    expect(concurrent.flatMap((result) => result.failures)).toEqual([]);
    // Two awards of 2, each delivered three times.
    expect(await balanceOf('usr_author')).toBe(4);
    await expectBooksBalanced(t.platform.store);
  });

  it('pays once when the consumer crashes after its commit and before the acknowledgement', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Crash test' } });
    await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token });

    // A second poller on the same store queue whose consumer commits the awards and then dies
    // before acknowledging: the messages come back when their visibility lapses.
    const crashing = new StoreQueue({ store: t.platform.store, clock: t.clock });
    const real = awardConsumer(t.deps);
    const receives: number[] = [];
    let crashes = 0;
    crashing.consume(
      awardQueueName,
      async (messages) => {
        receives.push(...messages.map((m) => m.receiveCount));
        const result = await real(messages);
        if (crashes < 2) {
          crashes += 1;
          throw new Error('process died between commit and acknowledgement');
        }
        return result;
      },
      awardConsumeOptions,
    );
    for (let round = 0; round < 3; round++) {
      await crashing.drain();
      t.clock.advance(awardConsumeOptions.visibilityTimeoutSeconds * 1000 + 60_000);
    }
    // Both messages were handed out three times (two crashes, then the acknowledged run).
    expect(receives.sort()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(await t.platform.queue.drain()).toBe(0);
    expect(await balanceOf(ann.id)).toBe(12);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('dead awards', () => {
  it('parks a poison award where admins see it, and a redrive pays it once', async () => {
    let isBroken = true;
    t = await rewardsTestPlatform({
      testHooks: {
        rewards: {
          beforeAward: (award: { rule: string }) => {
            if (isBroken && award.rule === 'like') throw new Error('the coin service is down');
          },
        },
      },
    });
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const admin = await t.signUp('Admin', 'admin@example.com');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Poison' } });
    await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token });

    for (let attempt = 0; attempt < 6; attempt++) {
      await t.platform.queue.drain();
      t.clock.advance(120_000);
    }
    expect(await balanceOf(ann.id)).toBe(10);
    expect((await t.call('GET', '/v1/admin/rewards/dead-awards', { token: ann.token })).status).toBe(403);
    const dead = await t.call('GET', '/v1/admin/rewards/dead-awards', { token: admin.token });
    expect(dead.json.data).toHaveLength(1);
    expect(dead.json.data[0]).toMatchObject({ error: 'the coin service is down', receive_count: 5 });

    isBroken = false;
    const redrive = await t.call('POST', `/v1/admin/rewards/dead-awards/${dead.json.data[0].id}/redrive`, {
      token: admin.token,
    });
    expect(redrive.status).toBe(200);
    expect(
      (
        await t.call('POST', `/v1/admin/rewards/dead-awards/${dead.json.data[0].id}/redrive`, {
          token: admin.token,
        })
      ).status,
    ).toBe(404);
    await t.platform.queue.drain();
    expect(await balanceOf(ann.id)).toBe(12);
    expect((await t.call('GET', '/v1/admin/rewards/dead-awards', { token: admin.token })).json.data).toEqual(
      [],
    );

    // A body that is no award at all is parked on its first receive.
    await t.platform.queue.send(awardQueueName, { id: 'msg_garbage', body: { hello: 'world' } });
    await t.platform.queue.drain();
    const garbage = await t.call('GET', '/v1/admin/rewards/dead-awards', { token: admin.token });
    expect(garbage.json.data).toMatchObject([{ id: 'msg_garbage', receive_count: 1 }]);
    await expectBooksBalanced(t.platform.store);
  });
});
