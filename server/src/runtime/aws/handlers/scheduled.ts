import type { ScheduledEvent } from 'aws-lambda';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * Every minute (EventBridge Scheduler): expires due ledger holds and card authorizations, the
 * job the local runtime runs on a one-second timer. Idempotent: each expiry is conditional.
 *
 * @example
 * await expire({ 'detail-type': 'Scheduled Event', time: '2026-01-01T00:00:00Z', … });
 */
export async function expire(_event?: ScheduledEvent): Promise<{ holds: number; authorizations: number }> {
  const platform = awsPlatform();
  const expired = await platform.expire();
  if (expired.holds > 0 || expired.authorizations > 0) platform.logger.info('expired', expired);
  return expired;
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
