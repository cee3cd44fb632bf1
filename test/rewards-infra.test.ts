import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesizeStage } from '../infra/test/synth.ts';
import { jobsOf } from '../server/src/app/registry.ts';
import { modules } from '../server/src/app/modules.ts';
import { awardConsumeOptions } from '../server/src/rewards/awards.ts';
import { rewardsJobSchedules } from '../server/src/rewards/index.ts';

// One synthesis (no bundling) of the dev stage with the app's modules, as `cdk synth` builds it.
const { template } = synthesizeStage('dev');

/** The first `count` UTC fire times of a five-field cron expression, by croner (the local scheduler). */
function firings(cron: string, count: number, from = new Date(Date.UTC(2026, 0, 1))): string[] {
  const runs = new Cron(cron, { timezone: 'UTC', paused: true }).nextRuns(count, from);
  return runs.map((run) => run.toISOString());
}

/** An EventBridge `cron(m h dom mon dow year)` as croner reads it: `?` is "any", the year dropped. */
function fromEventBridge(expression: string): string {
  const fields = /^cron\((.*)\)$/.exec(expression)![1]!.split(' ');
  return fields
    .slice(0, 5)
    .map((field) => (field === '?' ? '*' : field))
    .join(' ');
}

describe('the rewards module on AWS, derived from its definition', () => {
  it('schedules each job with the cron the local scheduler runs, firing at the same instants', () => {
    const local = jobsOf(modules).filter((job) => job.module === 'rewards');
    expect(local.map((job) => [job.name, job.cron])).toEqual([
      ['rewards.daily-digest', '0 20 * * *'],
      ['rewards.cleanup', '0 2 * * SUN'],
      ['rewards.weekly-bonus', '0 0 * * MON'],
    ]);
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule');
    for (const job of local) {
      const name = job.name.replace('rewards.', '') as keyof typeof rewardsJobSchedules;
      expect(job.cron).toBe(rewardsJobSchedules[name].cron);
      const found = schedules.filter(([, resource]) =>
        String(resource.Properties?.Name ?? '').endsWith(`-job-rewards-${name}`),
      );
      expect(found, job.name).toHaveLength(1);
      const properties = found[0]![1].Properties!;
      expect(properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
      const expression = String(properties.ScheduleExpression);
      // Same instants: a day-of-week numbering slip (croner's Sunday 0, EventBridge's Sunday 1) would show here.
      expect(firings(fromEventBridge(expression), 6)).toEqual(firings(job.cron, 6));
    }
    // And the instants are the issue's: 20:00 daily, Sunday 02:00, Monday 00:00.
    expect(firings('0 2 * * SUN', 1)[0]).toBe('2026-01-04T02:00:00.000Z');
    expect(firings('0 0 * * MON', 1)[0]).toBe('2026-01-05T00:00:00.000Z');
  });

  it('gives the award queue an SQS queue with a DLQ (alarmed), and a consumer with partial batch failures', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const main = queues.filter(([id]) => /^Queuesrewardsawards[0-9A-F]{8}$/.test(id));
    const dlq = queues.filter(([id]) => /^Queuesrewardsawardsdlq[0-9A-F]{8}$/.test(id));
    expect(main).toHaveLength(1);
    expect(dlq).toHaveLength(1);
    expect(main[0]![1].Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0]![0], 'Arn'] },
      maxReceiveCount: awardConsumeOptions.maxReceives,
    });
    expect(main[0]![1].Properties!.VisibilityTimeout).toBe(360);

    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(([id]) =>
      /rewardsawards/i.test(id),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]![1].Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);

    const dlqAlarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties?.Dimensions ?? []).includes(dlq[0]![0]),
    );
    expect(dlqAlarms.map(([, alarm]) => alarm.Properties!.MetricName)).toEqual([
      'ApproximateNumberOfMessagesVisible',
    ]);
  });
});
