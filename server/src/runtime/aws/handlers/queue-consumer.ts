import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * An SQS queue of the Queue port (`SLUICE_QUEUE`), drained by the consumer registered for it on
 * the platform's queue (the webhook delivery worker); failures are reported per message.
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: sqsRecords });
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const platform = awsPlatform();
  if (!platform.queueName) throw new Error('SLUICE_QUEUE is not set');
  return platform.queue.handleSqsRecords(platform.queueName, event.Records);
}
