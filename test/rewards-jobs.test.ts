import { afterEach, describe, expect, it } from 'vitest';
import { getAccount } from '../server/src/ledger/index.ts';
import { coinAccountId } from '../server/src/rewards/awards.ts';
import { readDay } from '../server/src/rewards/store.ts';
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

/** Runs a job as the admin, signed in afresh: the clock may have moved past the last token. */
async function runJob(admin: { email: string }, name: string) {
  return t.call('POST', `/v1/admin/jobs/${name}/run`, { token: await t.logIn(admin.email) });
}

describe('the rewards jobs', () => {
  it('lists the jobs with their schedules, and refuses non-admins and unknown jobs', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const admin = await t.signUp('Admin', 'admin@example.com');
    expect((await t.call('GET', '/v1/admin/jobs', { token: ann.token })).status).toBe(403);
    expect((await runJob(ann, 'weekly-bonus')).status).toBe(403);
    expect((await runJob(admin, 'nightly-party')).status).toBe(400);
    const jobs = await t.call('GET', '/v1/admin/jobs', { token: admin.token });
    // The clock is Thursday 2026-01-15 12:00 UTC.
    expect(jobs.json.data).toEqual([
      expect.objectContaining({
        name: 'daily-digest',
        schedule: '0 20 * * *',
        last_run_at: null,
        next_run_at: '2026-01-15T20:00:00.000Z',
      }),
      expect.objectContaining({
        name: 'cleanup',
        schedule: '0 2 * * SUN',
        next_run_at: '2026-01-18T02:00:00.000Z',
      }),
      expect.objectContaining({
        name: 'weekly-bonus',
        schedule: '0 0 * * MON',
        next_run_at: '2026-01-19T00:00:00.000Z',
      }),
    ]);
    await runJob(admin, 'cleanup');
    const after = await t.call('GET', '/v1/admin/jobs', { token: admin.token });
    expect(after.json.data[1].last_run_at).toBe('2026-01-15T12:00:00.000Z');
  });

  it('pays the weekly bonus once per user per week, however often it runs', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const idle = await t.signUp('Idle');
    const admin = await t.signUp('Admin', 'admin@example.com');
    const post = await t.call('POST', '/v1/posts', {
      token: ann.token,
      body: { content: 'Active this week' },
    });
    await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token });
    await t.platform.queue.drain();

    // Monday 00:00 UTC: the week 2026-W03 (12–18 January) has ended.
    t.clock.set(Date.UTC(2026, 0, 19, 0, 0, 0));
    const first = await runJob(admin, 'weekly-bonus');
    expect(first.json.result).toEqual({ week: '2026-W03', queued: 2, already_paid: 0 });
    // Run again before the queue was drained: the second run's messages are duplicates the consumer pays nothing for.
    const beforeDrain = await runJob(admin, 'weekly-bonus');
    expect(beforeDrain.json.result).toEqual({ week: '2026-W03', queued: 2, already_paid: 0 });
    await t.platform.queue.drain();
    const again = await runJob(admin, 'weekly-bonus');
    expect(again.json.result).toEqual({ week: '2026-W03', queued: 0, already_paid: 2 });
    // A run later in the week still pays for the same week: nothing more.
    t.clock.set(Date.UTC(2026, 0, 21, 9, 0, 0));
    expect((await runJob(admin, 'weekly-bonus')).json.result).toMatchObject({ week: '2026-W03', queued: 0 });
    await t.platform.queue.drain();

    expect(await coinBalance(ann.id)).toBe(12 + 50);
    expect(await coinBalance(bob.id)).toBe(50);
    expect(await coinBalance(idle.id)).toBe(0);
    await expectBooksBalanced(t.platform.store);
  });

  it('sends the daily digest once per user per day, with the day’s coins, likes and comments', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const admin = await t.signUp('Admin', 'admin@example.com');
    const post = await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Digest me' } });
    await t.call('POST', `/v1/posts/${post.json.id}/like`, { token: bob.token });
    await t.call('POST', `/v1/posts/${post.json.id}/comments`, { token: bob.token, body: { content: 'Hi' } });
    await t.platform.queue.drain();

    t.clock.set(Date.UTC(2026, 0, 15, 20, 0, 0));
    const first = await runJob(admin, 'daily-digest');
    expect(first.json.result).toEqual({ day: '2026-01-15', sent: 2, skipped: 0 });
    const second = await runJob(admin, 'daily-digest');
    expect(second.json.result).toEqual({ day: '2026-01-15', sent: 0, skipped: 2 });

    // Only the digests: sign-up sends other mail (email verification).
    const digests = async (email: string) =>
      (await t.platform.notifier.list(email)).items.filter(
        (message) => message.channel === 'email' && message.subject.startsWith('Your day on Sluice'),
      );
    const annMail = await digests(ann.email);
    expect(annMail).toHaveLength(1);
    expect(annMail[0]).toMatchObject({ subject: 'Your day on Sluice: 12 coins' });
    const bobMail = await digests(bob.email);
    expect(bobMail).toHaveLength(1);
    expect(bobMail[0]).toMatchObject({ channel: 'email', subject: 'Your day on Sluice: 5 coins' });

    // The next day, without activity, nobody gets one.
    t.clock.set(Date.UTC(2026, 0, 16, 20, 0, 0));
    expect((await runJob(admin, 'daily-digest')).json.result).toEqual({
      day: '2026-01-16',
      sent: 0,
      skipped: 0,
    });
    expect(await digests(ann.email)).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('cleans up day counters past retention and keeps recent ones', async () => {
    t = await rewardsTestPlatform();
    const ann = await t.signUp('Ann');
    const admin = await t.signUp('Admin', 'admin@example.com');
    await t.call('POST', '/v1/posts', { token: ann.token, body: { content: 'Old news' } });
    await t.platform.queue.drain();
    expect((await readDay(t.platform.store, ann.id, '2026-01-15')).earned).toBe(10);

    t.clock.set(Date.UTC(2026, 0, 25, 2, 0, 0));
    expect((await runJob(admin, 'cleanup')).json.result).toEqual({ deleted: 0 });
    t.clock.set(Date.UTC(2026, 1, 22, 2, 0, 0));
    expect((await runJob(admin, 'cleanup')).json.result).toEqual({ deleted: 1 });
    expect((await readDay(t.platform.store, ann.id, '2026-01-15')).earned).toBe(0);
    // The coins themselves are the ledger's and stay.
    expect(await coinBalance(ann.id)).toBe(10);
    await expectBooksBalanced(t.platform.store);
  });
});
