import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '../../kernel/events.ts';

/** PutEvents takes at most 10 entries per call. */
export const maxEntriesPerPutEvents = 10;
/** …and at most 256 KB per call, counted as EventBridge counts entry sizes (see `entrySize`). */
export const maxPutEventsBytes = 256 * 1024;

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
}

/**
 * Publishes outbox events to an EventBridge bus: the AWS side of the Events port. Each envelope
 * becomes one entry whose `Detail` is the whole envelope, so a consumer gets back exactly what
 * the local bus would hand it (`envelopeFromEventBridge`).
 *
 * Because the envelope sits under `detail`, an EventBridge rule must wrap our event patterns:
 * the local pattern `{ type: ['transfer.created'] }` is the rule pattern
 * `{ detail: { type: ['transfer.created'] } }`.
 *
 * Never throws: an event that did not reach the bus is reported in `failedEventIds` (an SDK
 * error fails every event of its PutEvents call), for the dispatcher to retry. An event too large
 * for PutEvents on its own (above 256 KB) can never succeed and is reported as failed every time.
 *
 * @example
 * const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: 'sluice' });
 * const { failedEventIds } = await publisher.publish(events);
 */
export class EventBridgePublisher {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;

  constructor(options: EventBridgePublisherOptions) {
    this.#client = options.client;
    this.#eventBusName = options.eventBusName;
  }

  async publish(events: EventEnvelope[]): Promise<{ failedEventIds: string[] }> {
    const failedEventIds: string[] = [];
    const chunks: Array<Array<{ event: EventEnvelope; entry: PutEventsRequestEntry }>> = [];
    let chunk: Array<{ event: EventEnvelope; entry: PutEventsRequestEntry }> = [];
    let chunkBytes = 0;
    for (const event of events) {
      const entry = this.#entryOf(event);
      const size = entrySize(entry);
      if (size > maxPutEventsBytes) {
        failedEventIds.push(event.id);
        continue;
      }
      if (chunk.length === maxEntriesPerPutEvents || chunkBytes + size > maxPutEventsBytes) {
        chunks.push(chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push({ event, entry });
      chunkBytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);

    const outcomes = await Promise.all(chunks.map((entries) => this.#put(entries)));
    // In the order given, so a caller's retry keeps the outbox order as far as it can.
    const failed = new Set([...failedEventIds, ...outcomes.flat()]);
    return { failedEventIds: events.filter((event) => failed.has(event.id)).map((event) => event.id) };
  }

  async #put(entries: Array<{ event: EventEnvelope; entry: PutEventsRequestEntry }>): Promise<string[]> {
    try {
      const output = await this.#client.send(
        new PutEventsCommand({ Entries: entries.map(({ entry }) => entry) }),
      );
      if (!output.FailedEntryCount) return [];
      // Result entries are in request order; a failed one carries an ErrorCode instead of an EventId.
      return entries
        .filter(
          (_, index) => output.Entries?.[index]?.ErrorCode !== undefined || !output.Entries?.[index]?.EventId,
        )
        .map(({ event }) => event.id);
    } catch {
      return entries.map(({ event }) => event.id);
    }
  }

  #entryOf(event: EventEnvelope): PutEventsRequestEntry {
    const time = new Date(event.time);
    return {
      EventBusName: this.#eventBusName,
      Source: event.source,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
    };
  }
}

/**
 * The size EventBridge charges an entry against the 256 KB request limit: 14 bytes for `Time`,
 * plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each resource ARN.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/**
 * The envelope inside an EventBridge event (an SQS message body of an event-subscription queue,
 * or a rule's direct target). Throws on anything that is not an envelope we published.
 *
 * @example
 * const event = envelopeFromEventBridge(JSON.parse(record.body) as { detail: unknown });
 */
export function envelopeFromEventBridge(event: { detail: unknown }): EventEnvelope {
  const detail: unknown = (event as { detail?: unknown } | null | undefined)?.detail;
  if (!isPlainObject(detail)) throw new Error('not a Sluice event: detail is not an object');
  for (const field of ['id', 'type', 'source', 'time', 'subject'] as const) {
    if (typeof detail[field] !== 'string' || detail[field] === '')
      throw new Error(`not a Sluice event: ${field} is not a non-empty string`);
  }
  if (!isPlainObject(detail.data)) throw new Error('not a Sluice event: data is not an object');
  if (
    detail.audience !== undefined &&
    !(Array.isArray(detail.audience) && detail.audience.every((id) => typeof id === 'string'))
  ) {
    throw new Error('not a Sluice event: audience is not a list of user ids');
  }
  if (detail.merchant !== undefined && typeof detail.merchant !== 'string')
    throw new Error('not a Sluice event: merchant is not a string');
  return detail as unknown as EventEnvelope;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
