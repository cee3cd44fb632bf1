import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.ts';
import { toEventBridgeCron } from '../../platform/scheduler.ts';

const settlement = { name: 'settlement-daily', cron: '0 0 * * *' };
import { CronScheduler } from './cron-scheduler.ts';

describe('CronScheduler', () => {
  it('schedules daily settlement for the next UTC midnight and stops cleanly', async () => {
    const scheduler = new CronScheduler({ logger: silentLogger });
    scheduler.schedule(settlement.name, settlement.cron, async () => undefined);
    scheduler.start();
    const next = scheduler.nextRuns()[settlement.name]!;
    expect(next.getUTCHours()).toBe(0);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
    await scheduler.stop();
    expect(scheduler.nextRuns()).toEqual({});
  });

  it('runs a job on its cron tick', async () => {
    const scheduler = new CronScheduler({ logger: silentLogger });
    let runs = 0;
    scheduler.schedule('every-second', '* * * * * *', async () => {
      runs += 1;
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await scheduler.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('writes the shared expression the way EventBridge Scheduler reads it', () => {
    expect(toEventBridgeCron(settlement.cron)).toBe('cron(0 0 * * ? *)');
  });
});
