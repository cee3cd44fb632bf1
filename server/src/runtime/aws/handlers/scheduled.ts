import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { apiKeyIsLive, memberMayRead } from '../../../payments/index.ts';
import { closeExpiredConnections } from '../apigw-realtime.ts';
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
 * Every five minutes: relays queued messages their DynamoDB stream records left pending for more
 * than five minutes (the stream's retries ran out), and publishes the events older releases left
 * in `OUTBOX#PENDING` (none once drained). Today's events are not swept: the stream's event
 * source mapping retries them (bisecting a failing batch) and then hands the batch to its DLQ,
 * `stream-dispatch-failures`, which `redriveStreamFailures` replays.
 *
 * @example
 * await sweepOutbox({ 'detail-type': 'Scheduled Event', … });
 */
export async function sweepOutbox(_event?: ScheduledEvent): Promise<{ swept: number; failed: number }> {
  return awsPlatform().sweepOutbox();
}

/**
 * `ws-expire`, every minute: closes the WebSocket connections whose access token has expired, the
 * merchant streams whose API key was revoked, and those of a member who left the team, so a socket
 * on AWS does not outlive its credential by more than about a minute (locally: 4401 at expiry, or
 * within 60 s of revocation or removal).
 */
export async function closeExpiredSockets(
  _event?: ScheduledEvent,
): Promise<{ closed: number; failed: number }> {
  const platform = awsPlatform();
  return closeExpiredConnections({
    client: platform.clients.apiGateway,
    connections: platform.connections,
    logger: platform.logger,
    apiKeyIsLive: (key) => apiKeyIsLive(platform, key.merchantId, key.id),
    memberMayRead: ({ merchantId, userId, email }) =>
      memberMayRead(
        { store: platform.store, clock: platform.clock, identity: platform.identity },
        merchantId,
        { userId, email },
      ),
  });
}

/** How long before a batch's first record its events may have been minted (an id before its commit). */
const mintMarginMs = 60_000;

/**
 * The redrive of the stream dispatcher's DLQ: each message describes a batch of stream records
 * that ran out of retries (`DDBStreamBatchInfo`, with the arrival times of its first and last
 * records); the events of that time span are read from the outbox's time buckets and published
 * again (at-least-once: consumers dedupe by event id). Queued messages of the batch are the
 * sweeper's. Run it on the DLQ's messages (an operator's redrive, or an SQS trigger on the DLQ);
 * a message it cannot read is reported failed, so it stays in the queue.
 *
 * @example
 * await redriveStreamFailures({ Records: dlqMessages });
 */
export async function redriveStreamFailures(event: SQSEvent): Promise<SQSBatchResponse> {
  const platform = awsPlatform();
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const span = batchSpan(record.body);
    if (!span) {
      platform.logger.error('stream DLQ message unreadable', { message_id: record.messageId });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const { failed } = await platform.republishEvents(span.first - mintMarginMs, span.last);
    if (failed > 0) failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
}

/** The arrival times (ms) of a failed stream batch's first and last records, from its DLQ message. */
function batchSpan(body: string): { first: number; last: number } | undefined {
  try {
    const info = (JSON.parse(body) as { DDBStreamBatchInfo?: Record<string, unknown> }).DDBStreamBatchInfo;
    const first = Date.parse(String(info?.approximateArrivalOfFirstRecord));
    const last = Date.parse(String(info?.approximateArrivalOfLastRecord));
    return Number.isFinite(first) && Number.isFinite(last) ? { first, last } : undefined;
  } catch {
    return undefined;
  }
}
