/**
 * The Scheduler port: named jobs on cron expressions (UTC). Locally `CronScheduler` (croner) runs
 * them in process; on AWS an EventBridge Scheduler schedule with the same expression starts the
 * matching state machine or function.
 *
 * Jobs come from the modules' definitions (`ModuleJob`): name, cron and what to run.
 *
 * @example
 * scheduler.schedule('settlement-daily', '0 0 * * *', () => runWorkflow('settlement'));
 * scheduler.start();
 */
export interface Scheduler {
  /** Registers a job; jobs registered before `start` begin with it. */
  schedule(name: string, cron: string, job: () => Promise<unknown>): void;
  start(): void;
  /** Stops firing jobs and waits for the ones running to finish. */
  stop(): Promise<void>;
}

/** A five-field cron expression as EventBridge writes it (six fields, `?` for one day field). */
export function toEventBridgeCron(cron: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.trim().split(/\s+/);
  const isDayOfWeekFree = dayOfWeek === '*';
  return `cron(${minute} ${hour} ${isDayOfWeekFree ? dayOfMonth : '?'} ${month} ${isDayOfWeekFree ? '?' : dayOfWeek} *)`;
}
