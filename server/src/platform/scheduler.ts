/**
 * The Scheduler port: named jobs on cron expressions (UTC). Locally `CronScheduler` (croner) runs
 * them in process; on AWS an EventBridge Scheduler schedule with the same expression starts the
 * matching state machine or function.
 *
 * @example
 * scheduler.schedule(schedules.settlement.name, schedules.settlement.cron, () => runSettlement());
 * scheduler.start();
 */
export interface Scheduler {
  /** Registers a job; jobs registered before `start` begin with it. */
  schedule(name: string, cron: string, job: () => Promise<unknown>): void;
  start(): void;
  /** Stops firing jobs and waits for the ones running to finish. */
  stop(): Promise<void>;
}

/**
 * The platform's schedules, defined once: the local runtime and the AWS stack read the same
 * names and five-field cron expressions (UTC; EventBridge wants `cron(0 0 * * ? *)`, see
 * `toEventBridgeCron`).
 */
export const schedules = {
  /** Daily T+1 settlement, at real UTC midnight; test clocks fire it early through advance-clock. */
  settlement: { name: 'settlement-daily', cron: '0 0 * * *' },
} as const;

/** A five-field cron expression as EventBridge writes it (six fields, `?` for one day field). */
export function toEventBridgeCron(cron: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.trim().split(/\s+/);
  const isDayOfWeekFree = dayOfWeek === '*';
  return `cron(${minute} ${hour} ${isDayOfWeekFree ? dayOfMonth : '?'} ${month} ${isDayOfWeekFree ? '?' : dayOfWeek} *)`;
}
