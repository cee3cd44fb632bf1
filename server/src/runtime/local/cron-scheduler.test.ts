import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../platform/logger.ts';
import { toEventBridgeCron } from '../../platform/scheduler.ts';

const settlement = { name: 'settlement-daily', cron: '0 0 * * *' };
import { CronScheduler } from './cron-scheduler.ts';

// croner reads Date and sets timeouts: fake both, from a fixed instant, and drive them.
const start = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('CronScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: start });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('schedules daily settlement for the next UTC midnight and stops cleanly', async () => {
    const scheduler = new CronScheduler({ logger: silentLogger });
    scheduler.schedule(settlement.name, settlement.cron, async () => undefined);
    scheduler.start();
    const next = scheduler.nextRuns()[settlement.name]!;
    expect(next).toEqual(new Date(Date.UTC(2026, 0, 16, 0, 0, 0)));
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
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(3);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(3);
  });

  it('writes the shared expression the way EventBridge Scheduler reads it', () => {
    expect(toEventBridgeCron(settlement.cron)).toBe('cron(0 0 * * ? *)');
  });
});

describe('toEventBridgeCron', () => {
  it('names days of the week, since cron counts Sunday as 0 and EventBridge as 1', () => {
    expect(toEventBridgeCron('0 0 * * 1')).toBe('cron(0 0 ? * MON *)');
    expect(toEventBridgeCron('0 2 * * 0')).toBe('cron(0 2 ? * SUN *)');
    expect(toEventBridgeCron('0 2 * * 7')).toBe('cron(0 2 ? * SUN *)');
    expect(toEventBridgeCron('30 9 * * 1-5')).toBe('cron(30 9 ? * MON-FRI *)');
    expect(toEventBridgeCron('0 0 * * SUN,6')).toBe('cron(0 0 ? * SUN,SAT *)');
    expect(toEventBridgeCron('0 20 * * *')).toBe('cron(0 20 * * ? *)');
    expect(() => toEventBridgeCron('0 0 * * */2')).toThrow(/no EventBridge equivalent/);
  });
});
