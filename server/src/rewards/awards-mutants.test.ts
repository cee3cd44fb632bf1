import { afterEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { AppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { createTransfers, getAccount, getTransfer } from '../ledger/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { ReceivedMessage } from '../platform/queue.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import {
  awardConsumeOptions,
  awardConsumer,
  coinAccountId,
  coinsHistory,
  coinsSummary,
  ensureCoinAccounts,
  issuanceAccountId,
  listDeadAwards,
  payAward,
  redriveDeadAward,
} from './awards.ts';
import { awardQueueName, type RewardsDeps } from './deps.ts';
import type { AwardMessage } from './model.ts';
import { readAward, readDay, readDead } from './store.ts';
import { rewardsTestPlatform, type RewardsTestPlatform } from './test-support.ts';

/**
 * The cases of coin awards that issue 23's mutation run of `awards.ts` found unpinned: what a
 * paid award books and announces, the weekly bonus outside the cap, the races a payment retries
 * and the one it gives up on, what a parked award records, and the coin summary and history of a
 * user without coins. On the real local runtime (SQLite), through the module's functions.
 */

let t: RewardsTestPlatform;
afterEach(async () => {
  await t?.close();
});

const user = 'usr_earner';

function anAward(overrides: Partial<AwardMessage> = {}): AwardMessage {
  return { rule: 'like', source: 'post_1:usr_liker', user, occurred_at: t.clock.now(), ...overrides };
}

/** The events the bus hands subscribers, of the given types, for reading after a drain. */
function collectEvents(types: string[]): EventEnvelope[] {
  const delivered: EventEnvelope[] = [];
  t.platform.bus.subscribe('test.awards', { type: types }, async (event) => {
    delivered.push(event);
  });
  return delivered;
}

async function balanceOf(userId: string): Promise<number> {
  const account = await getAccount(t.deps, coinAccountId(userId));
  return account ? account.credits_posted - account.debits_posted : 0;
}

/** Brings the user's day to `earned` with comment awards of 5 (the day's sources `cmt_fill_<n>`). */
async function earnToday(earned: number) {
  for (let i = 0; i < earned / 5; i++)
    await payAward(t.deps, anAward({ rule: 'comment', source: `cmt_fill_${i}` }));
}

/** A store that counts the transactions it is handed (and refuses them with `refuse`, when given). */
function countingStore(store: Store, refuse?: (operations: WriteOperation[]) => unknown) {
  const counted = { transactions: 0 };
  const wrapped: Store = Object.create(store);
  wrapped.transact = async (operations) => {
    counted.transactions += 1;
    const refusal = refuse?.(operations);
    if (refusal) throw refusal;
    return store.transact(operations);
  };
  return { store: wrapped, counted };
}

function message(body: unknown, receiveCount: number, id = 'msg_award'): ReceivedMessage {
  return { id, queue: awardQueueName, body, receiveCount, sentAt: t.clock.now() };
}

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    info: (text, fields) => void lines.push({ level: 'info', message: text, fields }),
    warn: (text, fields) => void lines.push({ level: 'warn', message: text, fields }),
    error: (text, fields) => void lines.push({ level: 'error', message: text, fields }),
  };
  return { logger, lines };
}

describe('a paid award (mutation cases)', () => {
  it('books a like from the issuance account with its code and metadata, and announces it with the day’s figures', async () => {
    t = await rewardsTestPlatform();
    const events = collectEvents(['coins.earned']);
    await earnToday(10);
    const award = anAward();
    const outcome = await payAward(t.deps, award);
    const transferId = 'tr_rw_like_post_1:usr_liker';
    const record = {
      rule: 'like',
      source: 'post_1:usr_liker',
      user,
      amount: 2,
      transfer_id: transferId,
      day: '2026-01-15',
      created_at: '2026-01-15T12:00:00.000Z',
    };
    expect(outcome).toEqual({ outcome: 'paid', award: record });
    expect(await readAward(t.platform.store, 'like', award.source)).toEqual(record);
    expect(await getTransfer(t.deps, transferId)).toMatchObject({
      debit_account_id: issuanceAccountId(),
      credit_account_id: coinAccountId(user),
      amount: 2,
      currency: 'COIN',
      code: 'reward_like',
      metadata: { rule: 'like', source: 'post_1:usr_liker' },
    });
    await t.platform.dispatcher.drain();
    const liked = events.find((event) => event.data.rule === 'like');
    expect(liked).toMatchObject({
      type: 'coins.earned',
      source: 'sluice.rewards',
      subject: user,
      audience: [user],
      data: {
        user,
        amount: 2,
        currency: 'COIN',
        rule: 'like',
        source: 'post_1:usr_liker',
        day: '2026-01-15',
        earned_today: 12,
        daily_cap: 500,
      },
    });
    expect(await getAccount(t.deps, coinAccountId(user))).toMatchObject({
      currency: 'COIN',
      owner: user,
      code: 'coins',
      debits_must_not_exceed_credits: true,
    });
    expect(await balanceOf(user)).toBe(12);
    await expectBooksBalanced(t.platform.store);
  });

  it('reads each coin account once per process, not on every award', async () => {
    t = await rewardsTestPlatform();
    await ensureCoinAccounts(t.deps, user);
    const reads: string[] = [];
    const store: Store = Object.create(t.platform.store);
    store.get = (key) => {
      reads.push(key.pk);
      return t.platform.store.get(key);
    };
    const deps = { ...t.deps, store };
    const accountReads = async (award: AwardMessage) => {
      reads.length = 0;
      await payAward(deps, award);
      return reads.filter((pk) => pk.includes('acct_')).length;
    };
    const first = await accountReads(anAward({ source: 'post_1:usr_a' }));
    const second = await accountReads(anAward({ source: 'post_1:usr_b' }));
    // The issuance account and the user's coin account, checked by the first award only (the
    // ledger's own reads of the transfer's accounts are the same each time).
    expect(first - second).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('records an award that finds the cap reached as 0 coins, with no transfer', async () => {
    t = await rewardsTestPlatform();
    await earnToday(500);
    const outcome = await payAward(t.deps, anAward());
    expect(outcome).toEqual({
      outcome: 'capped',
      award: expect.objectContaining({ amount: 0, transfer_id: null }),
    });
    expect(await getTransfer(t.deps, 'tr_rw_like_post_1:usr_liker')).toBeUndefined();
    expect(await balanceOf(user)).toBe(500);
    await expectBooksBalanced(t.platform.store);
  });

  it('pays the weekly bonus whole outside the daily cap, leaving the day’s count as it was', async () => {
    t = await rewardsTestPlatform();
    const events = collectEvents(['coins.earned']);
    await earnToday(500);
    const outcome = await payAward(t.deps, anAward({ rule: 'weekly_bonus', source: '2026-W02:usr_earner' }));
    expect(outcome).toMatchObject({ outcome: 'paid', award: { amount: 50 } });
    expect((await readDay(t.platform.store, user, '2026-01-15')).earned).toBe(500);
    expect(await balanceOf(user)).toBe(550);
    await t.platform.dispatcher.drain();
    expect(events.find((event) => event.data.rule === 'weekly_bonus')?.data).toMatchObject({
      amount: 50,
      earned_today: 500,
      daily_cap: 500,
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses a source with a # (it would run into the key’s separator)', async () => {
    t = await rewardsTestPlatform();
    const refusal = payAward(t.deps, anAward({ source: 'post_1#usr_2' }));
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'an award source has no #',
    });
    expect(await balanceOf(user)).toBe(0);
  });
});

describe('an award paid twice at once (mutation cases)', () => {
  it('pays one and reports the other as its duplicate', async () => {
    t = await rewardsTestPlatform();
    const outcomes = await Promise.all([payAward(t.deps, anAward()), payAward(t.deps, anAward())]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'paid']);
    expect(outcomes.map((o) => o.award.amount)).toEqual([2, 2]);
    expect(await balanceOf(user)).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('records one capped award and reports the other as its duplicate', async () => {
    t = await rewardsTestPlatform();
    await earnToday(500);
    const outcomes = await Promise.all([payAward(t.deps, anAward()), payAward(t.deps, anAward())]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['capped', 'duplicate']);
    expect(outcomes.map((o) => o.award.amount)).toEqual([0, 0]);
    expect(await balanceOf(user)).toBe(500);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('an award that keeps losing (mutation cases)', () => {
  it('retries a transfer with its id and other fields as a lost race, 50 times, then gives up', async () => {
    t = await rewardsTestPlatform();
    // What a concurrent payment of the same award at another amount leaves, without its record.
    await ensureCoinAccounts(t.deps, user);
    await createTransfers(t.deps, [
      {
        id: 'tr_rw_like_post_1:usr_liker',
        debit_account_id: issuanceAccountId(),
        credit_account_id: coinAccountId(user),
        amount: 1,
        currency: 'COIN',
        code: 'reward_like',
      },
    ]);
    const { store, counted } = countingStore(t.platform.store);
    await expect(payAward({ ...t.deps, store }, anAward())).rejects.toThrow(
      'award like/post_1:usr_liker lost the cap race 50 times',
    );
    expect(counted.transactions).toBe(50);
    expect(await balanceOf(user)).toBe(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('passes on a refusal that is no race at once', async () => {
    t = await rewardsTestPlatform();
    const busy = new AppError('service_unavailable', 'the store is busy');
    await ensureCoinAccounts(t.deps, user);
    const { store, counted } = countingStore(t.platform.store, (operations) =>
      operations.some(
        (operation) => operation.type === 'put' && String(operation.item.pk).startsWith('RW#AWARD#'),
      )
        ? busy
        : undefined,
    );
    await expect(payAward({ ...t.deps, store }, anAward())).rejects.toBe(busy);
    expect(counted.transactions).toBe(1);
    expect(await readAward(t.platform.store, 'like', 'post_1:usr_liker')).toBeUndefined();
    await expectBooksBalanced(t.platform.store);
  });
});

describe('the award consumer (mutation cases)', () => {
  it('parks a failing award at its fifth attempt with the error cut to 1,000 characters, and logs it', async () => {
    const failure = 'x'.repeat(1500);
    t = await rewardsTestPlatform({
      testHooks: {
        rewards: {
          beforeAward: () => {
            throw new Error(failure);
          },
        },
      },
    });
    const { logger, lines } = recordingLogger();
    const deps: RewardsDeps = { ...t.deps, logger };
    const consumer = awardConsumer(deps);
    const body = anAward();
    for (let attempt = 1; attempt < 5; attempt++) {
      const result = await consumer([message(body, attempt)]);
      expect(result.failures).toHaveLength(1);
      expect(await readDead(t.platform.store, 'msg_award')).toBeUndefined();
    }
    expect(lines).toEqual([]);
    t.clock.advance(1000);
    expect((await consumer([message(body, 5)])).failures).toEqual([]);
    expect(await readDead(t.platform.store, 'msg_award')).toEqual({
      id: 'msg_award',
      body,
      error: 'x'.repeat(1000),
      receive_count: 5,
      dead_at: '2026-01-15T12:00:01.000Z',
    });
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'award parked after its last attempt',
        fields: { message_id: 'msg_award', rule: 'like', error: failure },
      },
    ]);
  });

  it('parks a failure that is not an Error with its text', async () => {
    t = await rewardsTestPlatform({
      testHooks: {
        rewards: {
          beforeAward: () => {
            throw 'the coin service said no';
          },
        },
      },
    });
    const consumer = awardConsumer(t.deps);
    await consumer([message(anAward(), 5)]);
    expect(await readDead(t.platform.store, 'msg_award')).toMatchObject({
      error: 'the coin service said no',
    });
  });

  it('parks a body that is no award with what is wrong with it', async () => {
    t = await rewardsTestPlatform();
    const consumer = awardConsumer(t.deps);
    await consumer([message({ ...anAward(), rule: 'gift' }, 1)]);
    const dead = await readDead(t.platform.store, 'msg_award');
    expect(dead?.error).toMatch(/^not an award: ./);
    expect(dead?.error).not.toBe('not an award: invalid body');
  });

  it('waits twice as long after each receive, at most a minute', () => {
    expect([1, 2, 5, 6, 7, 20].map(awardConsumeOptions.retryAfterSeconds)).toEqual([2, 4, 32, 60, 60, 60]);
  });
});

describe('redriving a dead award (mutation cases)', () => {
  async function parkedAward() {
    t = await rewardsTestPlatform();
    await awardConsumer(t.deps)([message({ hello: 'world' }, 1, 'msg_dead')]);
    expect(await readDead(t.platform.store, 'msg_dead')).toBeDefined();
  }

  it('refuses one that is not parked with not_found on its id', async () => {
    await parkedAward();
    const refusal = redriveDeadAward(t.deps, 'msg_none');
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({
      code: 'not_found',
      message: 'no dead award msg_none',
      param: 'id',
    });
  });

  it('sends it back once when two redrives race, the other finding it gone', async () => {
    await parkedAward();
    const outcomes = await Promise.allSettled([
      redriveDeadAward(t.deps, 'msg_dead'),
      redriveDeadAward(t.deps, 'msg_dead'),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: 'not_found',
      message: 'no dead award msg_dead',
      param: 'id',
    });
    expect(await readDead(t.platform.store, 'msg_dead')).toBeUndefined();
    // The one sent back is parked again by the consumer (its body is no award): once.
    await t.platform.queue.drain();
    expect((await listDeadAwards(t.deps, { limit: 10 })).data).toHaveLength(1);
  });

  it('passes on a failure of the store that is not the race', async () => {
    await parkedAward();
    const busy = new AppError('service_unavailable', 'the store is busy');
    const { store } = countingStore(t.platform.store, () => busy);
    await expect(redriveDeadAward({ ...t.deps, store }, 'msg_dead')).rejects.toBe(busy);
    expect(await readDead(t.platform.store, 'msg_dead')).toBeDefined();
  });
});

describe('coins of a user who has none (mutation cases)', () => {
  it('shows a zero balance, nothing earned and tomorrow’s reset, and an empty history', async () => {
    t = await rewardsTestPlatform();
    expect(await coinsSummary(t.deps, 'usr_new')).toEqual({
      balance: 0,
      currency: 'COIN',
      earned_today: 0,
      daily_cap: 500,
      resets_at: '2026-01-16T00:00:00.000Z',
    });
    expect(await coinsHistory(t.deps, 'usr_new', { limit: 10 })).toEqual({
      data: [],
      next_cursor: undefined,
    });
  });

  it('lists a history entry of an unknown code by its code, without a rule', async () => {
    t = await rewardsTestPlatform();
    await ensureCoinAccounts(t.deps, user);
    await createTransfers(t.deps, [
      {
        id: 'tr_test_grant',
        debit_account_id: issuanceAccountId(),
        credit_account_id: coinAccountId(user),
        amount: 7,
        currency: 'COIN',
        code: 'goodwill_grant',
      },
    ]);
    const history = await coinsHistory(t.deps, user, { limit: 10 });
    expect(history.data).toEqual([
      expect.objectContaining({
        transfer_id: 'tr_test_grant',
        direction: 'credit',
        amount: 7,
        currency: 'COIN',
        rule: null,
        description: 'goodwill_grant',
      }),
    ]);
    expect(await coinsSummary(t.deps, user)).toMatchObject({ balance: 7, earned_today: 0 });
    await expectBooksBalanced(t.platform.store);
  });
});
