import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Item } from '../../../platform/store.ts';
import { awsPlatform, buildDuringInit, type InsertedItem } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * DynamoDB Streams: every inserted outbox event goes to EventBridge and every inserted queued
 * message to SQS (see `AwsPlatform.dispatchInserted`). Modifications and removals are ignored:
 * only an insert is news. A record that cannot be read or relayed is reported alone in
 * `batchItemFailures` (the event source needs `ReportBatchItemFailures`); Lambda then retries
 * from it, and what was already relayed is relayed again, which consumers absorb (at-least-once).
 * Publishing an event writes nothing (the event item is the outbox's only write); a batch that
 * runs out of retries goes to the mapping's DLQ, which `scheduled.redriveStreamFailures` replays.
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: [insertRecord] });
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const platform = awsPlatform();
  const inserted: InsertedItem[] = [];
  const unreadable: string[] = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT') continue;
    const id = record.dynamodb?.SequenceNumber ?? '';
    const item = readNewImage(record);
    if (item) inserted.push({ id, item });
    else {
      unreadable.push(id);
      platform.logger.error('stream record unreadable', { record: id, event_id: record.eventID });
    }
  }
  const failed = [...unreadable, ...(await platform.dispatchInserted(inserted))];
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

function readNewImage(record: DynamoDBRecord): Item | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  try {
    const item = unmarshall(image as Record<string, AttributeValue>);
    return typeof item.pk === 'string' && typeof item.sk === 'string' ? (item as Item) : undefined;
  } catch {
    return undefined;
  }
}
