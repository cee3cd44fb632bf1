import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EventEnvelope } from '../../../kernel/events.ts';
import { envelopeFromEventBridge } from '../eventbridge-bus.ts';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * One bus subscription (`SLUICE_SUBSCRIPTION`) fed by an EventBridge rule through SQS: each
 * message body is an EventBridge event whose `detail` is our envelope. The subscriber runs once
 * per event id in a batch (EventBridge may deliver an event twice) and dedupes across batches by
 * event id itself, as it does locally. A message that is unreadable or whose subscriber failed is
 * reported alone in `batchItemFailures`, to be retried and, in the end, dead-lettered.
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: sqsRecords });
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const platform = awsPlatform();
  const subscription = platform.subscription;
  if (!subscription) throw new Error('SLUICE_SUBSCRIPTION is not set');
  const failed: string[] = [];
  const byEvent = new Map<string, { envelope: EventEnvelope; messageIds: string[] }>();
  for (const record of event.Records) {
    let envelope: EventEnvelope;
    try {
      envelope = envelopeFromEventBridge(JSON.parse(record.body) as { detail: unknown });
    } catch (error) {
      platform.logger.error('event message unreadable', {
        subscription,
        message_id: record.messageId,
        error: String(error),
      });
      failed.push(record.messageId);
      continue;
    }
    const entry = byEvent.get(envelope.id) ?? { envelope, messageIds: [] };
    entry.messageIds.push(record.messageId);
    byEvent.set(envelope.id, entry);
  }
  await Promise.all(
    [...byEvent.values()].map(async ({ envelope, messageIds }) => {
      try {
        const outcome = await platform.runSubscription(subscription, envelope);
        if (outcome === 'not-matched')
          platform.logger.warn('event outside the subscription pattern', {
            subscription,
            event_id: envelope.id,
            event_type: envelope.type,
          });
      } catch (error) {
        platform.logger.error('subscriber failed', {
          subscription,
          event_id: envelope.id,
          event_type: envelope.type,
          error: error instanceof Error ? error.message : String(error),
        });
        failed.push(...messageIds);
      }
    }),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
