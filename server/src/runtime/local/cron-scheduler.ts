import { Cron } from 'croner';
import type { Logger } from '../../platform/logger.ts';
import type { Scheduler } from '../../platform/scheduler.ts';

interface Registration {
  name: string;
  cron: string;
  job: () => Promise<unknown>;
}

/**
 * The Scheduler on croner, in process and in UTC. A job never overlaps itself (croner's
 * `protect`): a settlement still running when the next tick comes is not started twice.
 */
export class CronScheduler implements Scheduler {
  readonly #logger: Logger;
  readonly #registrations: Registration[] = [];
  readonly #running = new Set<Promise<unknown>>();
  #crons: Cron[] = [];

  constructor(options: { logger: Logger }) {
    this.#logger = options.logger;
  }

  schedule(name: string, cron: string, job: () => Promise<unknown>): void {
    this.#registrations.push({ name, cron, job });
  }

  start(): void {
    if (this.#crons.length > 0) return;
    this.#crons = this.#registrations.map(
      ({ name, cron, job }) =>
        new Cron(cron, { name, timezone: 'UTC', protect: true, unref: true }, async () => {
          const run = job().catch((error: unknown) =>
            this.#logger.error('scheduled job failed', { job: name, error: String(error) }),
          );
          this.#running.add(run);
          try {
            await run;
          } finally {
            this.#running.delete(run);
          }
        }),
    );
  }

  /** The next time each job fires: for logs and tests. */
  nextRuns(): Record<string, Date | null> {
    return Object.fromEntries(this.#crons.map((cron) => [cron.name ?? '', cron.nextRun()]));
  }

  async stop(): Promise<void> {
    for (const cron of this.#crons) cron.stop();
    this.#crons = [];
    await Promise.all(this.#running);
  }
}
