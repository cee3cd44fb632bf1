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

const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * A five-field cron expression as EventBridge writes it (six fields, `?` for one day field). Days
 * of the week go by name: cron counts Sunday as 0 (or 7), EventBridge as 1, so a number copied
 * across would fire a day off.
 *
 * @example toEventBridgeCron('0 0 * * 1') // 'cron(0 0 ? * MON *)'
 */
export function toEventBridgeCron(cron: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.trim().split(/\s+/);
  const isDayOfWeekFree = dayOfWeek === '*';
  const days = isDayOfWeekFree ? '?' : dayOfWeek!.replace(/\d+/g, (day) => dayName(day, cron));
  return `cron(${minute} ${hour} ${isDayOfWeekFree ? dayOfMonth : '?'} ${month} ${days} *)`;
}

function dayName(day: string, cron: string): string {
  const name = dayNames[Number(day) % 7];
  if (Number(day) > 7 || name === undefined || /\//.test(cron.split(/\s+/)[4]!))
    throw new Error(
      `cron "${cron}": day of week ${day} has no EventBridge equivalent; use names (MON) or a range`,
    );
  return name;
}
