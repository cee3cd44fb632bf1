import type { ScheduledEvent } from 'aws-lambda';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * A module's job (`SLUICE_JOB`) on its EventBridge Scheduler schedule: the same function the
 * local runtime runs on croner or its timer. Jobs are idempotent (each expiry is conditional), so
 * a schedule that fires twice changes nothing twice.
 *
 * @example
 * await runJob({ 'detail-type': 'Scheduled Event', time: '2026-01-01T00:00:00Z', … });
 */
export async function runJob(_event?: ScheduledEvent): Promise<unknown> {
  const platform = awsPlatform();
  if (!platform.jobName) throw new Error('SLUICE_JOB is not set');
  const result = await platform.runJob(platform.jobName);
  platform.logger.info('job ran', { job: platform.jobName, result });
  return result;
}

/**
 * Every five minutes: publishes outbox events, and relays queued messages, that their DynamoDB
 * stream records left pending for more than five minutes (the stream's retries ran out), so no
 * event or message is lost to an outage.
 *
 * @example
 * await sweepOutbox({ 'detail-type': 'Scheduled Event', … });
 */
export async function sweepOutbox(_event?: ScheduledEvent): Promise<{ swept: number; failed: number }> {
  return awsPlatform().sweepOutbox();
}
