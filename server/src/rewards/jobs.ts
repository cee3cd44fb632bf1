import { Cron } from 'croner';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Notifier } from '../platform/notifier.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { awardSend } from './awards.ts';
import type { RewardsDeps } from './deps.ts';
import { coinRules, dailyCoinCap, isoWeek, jobNames, utcDay, type JobName } from './model.ts';
import {
  dayDelete,
  dayRetentionDays,
  digestDelete,
  digestPut,
  jobRunPut,
  queryDayUsers,
  readAward,
  readJobRun,
  type DayFigures,
} from './store.ts';

/**
 * The rewards jobs and their schedules: the one place both runtimes read the cron expressions
 * from (the local scheduler through the module's `jobs`, the CDK app's EventBridge Scheduler
 * schedules through the same list). Day names rather than numbers, because croner counts Sunday
 * as 0 and EventBridge as 1: `MON` means Monday to both.
 */
export const rewardsJobSchedules = {
  'daily-digest': {
    cron: '0 20 * * *',
    description: 'Emails each user the coins, likes and comments of their day',
  },
  cleanup: {
    cron: '0 2 * * SUN',
    description: 'Deletes rewards day counters and digest records past retention',
  },
  'weekly-bonus': {
    cron: '0 0 * * MON',
    description: 'Pays the weekly bonus to users active in the week just ended',
  },
} as const satisfies Record<JobName, { cron: string; description: string }>;

export type JobDeps = RewardsDeps & { notifier: Notifier };

/** Each user's day, from the day index: everyone who acted or received something on `day`. */
async function* daysOf(
  deps: RewardsDeps,
  day: string,
  which: 'listed' | 'active',
): AsyncGenerator<DayFigures> {
  let cursor: string | undefined;
  do {
    const page = await queryDayUsers(deps.store, day, which, cursor);
    yield* page.users;
    cursor = page.cursor;
  } while (cursor);
}

/**
 * The daily digest of the current UTC day: one email per user who earned coins or received likes
 * or comments. The (user, day) record is claimed before the email goes, so a re-run, or two
 * schedules firing at once, sends none twice; a crash between the claim and the send loses that
 * one digest rather than repeating it.
 */
export async function sendDailyDigests(
  deps: JobDeps,
): Promise<{ day: string; sent: number; skipped: number }> {
  const now = deps.clock.now();
  const day = utcDay(now);
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  let sent = 0;
  let skipped = 0;
  for await (const figures of daysOf(deps, day, 'listed')) {
    if (figures.earned === 0 && figures.likes_received === 0 && figures.comments_received === 0) continue;
    const user = await deps.identity.getUser(figures.user);
    if (!user) continue;
    try {
      await deps.store.transact([digestPut(figures.user, day, dayStart, isoTime(now))]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      skipped += 1;
      continue;
    }
    await deps.notifier.sendEmail({
      to: user.email,
      subject: `Your day on Sluice: ${figures.earned} coins`,
      text: [
        `Hi ${user.name},`,
        '',
        `Today (${day}) you earned ${figures.earned} of your ${dailyCoinCap} daily coins,`,
        `received ${figures.likes_received} like${figures.likes_received === 1 ? '' : 's'} and ${figures.comments_received} comment${figures.comments_received === 1 ? '' : 's'}.`,
      ].join('\n'),
    });
    sent += 1;
  }
  return { day, sent, skipped };
}

/**
 * The weekly bonus for the ISO week that ended last (Monday 00:00 UTC pays the week before), to
 * every user who acted in it: one award message per user, keyed (user, week), sent through the
 * award queue in transactions of 25. The consumer pays each at most once, so a re-run (or a
 * schedule firing twice) pays nobody twice; users already paid are not even queued again. On AWS
 * this keeps the job inside its function's time: it writes messages, the award consumers pay.
 */
export async function payWeeklyBonus(
  deps: RewardsDeps,
): Promise<{ week: string; queued: number; already_paid: number }> {
  const now = deps.clock.now();
  const { week, start } = isoWeek(isoWeek(now).start - 1);
  const users = new Set<string>();
  for (let offset = 0; offset < 7; offset++)
    for await (const figures of daysOf(deps, utcDay(start + offset * 86_400_000), 'active'))
      users.add(figures.user);
  const due: WriteOperation[] = [];
  let alreadyPaid = 0;
  for (const user of users) {
    const source = `${user}:${week}`;
    if (await readAward(deps.store, 'weekly_bonus', source)) alreadyPaid += 1;
    else due.push(awardSend(deps, { rule: 'weekly_bonus', source, user, occurred_at: now }));
  }
  for (let i = 0; i < due.length; i += 25) await deps.store.transact(due.slice(i, i + 25));
  return { week, queued: due.length, already_paid: alreadyPaid };
}

/**
 * Deletes the day counters and digest records of days past retention (they also carry a TTL,
 * which DynamoDB honours; this job is what removes them locally). It looks two weeks back past
 * retention, so one missed Sunday leaves nothing behind.
 */
export async function cleanUp(deps: RewardsDeps): Promise<{ deleted: number }> {
  const now = deps.clock.now();
  let deleted = 0;
  for (let age = dayRetentionDays; age < dayRetentionDays + 14; age++) {
    const day = utcDay(now - age * 86_400_000);
    const figures: DayFigures[] = [];
    for await (const entry of daysOf(deps, day, 'listed')) figures.push(entry);
    for (const entry of figures) {
      await deps.store.transact([dayDelete(entry.user, day), digestDelete(entry.user, day)]);
      deleted += 1;
    }
  }
  return { deleted };
}

const runners: Record<JobName, (deps: JobDeps) => Promise<Record<string, unknown>>> = {
  'daily-digest': sendDailyDigests,
  cleanup: cleanUp,
  'weekly-bonus': payWeeklyBonus,
};

/** Runs a job and records when it ran (`GET /v1/admin/jobs` shows it). */
export async function runJob(deps: JobDeps, name: JobName): Promise<Record<string, unknown>> {
  const result = await runners[name](deps);
  await deps.store.transact([jobRunPut(name, isoTime(deps.clock.now()), result)]);
  deps.logger.info('rewards job ran', { job: name, result });
  return result;
}

export function parseJobName(name: string): JobName {
  const job = jobNames.find((candidate) => candidate === name);
  if (!job) throw new AppError('not_found', `no job ${name}`, { param: 'name' });
  return job;
}

export async function listJobs(deps: RewardsDeps) {
  const now = new Date(deps.clock.now());
  return Promise.all(
    jobNames.map(async (name) => {
      const { cron, description } = rewardsJobSchedules[name];
      const next = new Cron(cron, { timezone: 'UTC', paused: true }).nextRun(now);
      return {
        name,
        schedule: cron,
        description,
        last_run_at: (await readJobRun(deps.store, name)) ?? null,
        next_run_at: next ? next.toISOString() : '',
      };
    }),
  );
}

/** What a bonus pays, for the dashboard. */
export const weeklyBonusAmount = coinRules.weekly_bonus;
