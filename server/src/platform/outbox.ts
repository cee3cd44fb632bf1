import type { EventEnvelope } from '../kernel/events.ts';
import type { Item, WriteOperation } from './store.ts';

/**
 * The outbox: every event is an item written in the same store transaction as the change it
 * reports. Locally the dispatcher finds undelivered events through the `gsi1` partition
 * `OUTBOX#PENDING` (ordered by event id, so by time); on AWS, DynamoDB Streams carries the same
 * items to the dispatcher Lambda. The item stays as the event's record (`GET /v1/events`).
 */
export const outboxPendingPartition = 'OUTBOX#PENDING';

export function eventKey(eventId: string) {
  return { pk: `EVT#${eventId}`, sk: 'EVT' };
}

/** The write that records `event` in the outbox; add it to the transaction of the change. */
export function outboxPut(event: EventEnvelope): WriteOperation {
  return {
    type: 'put',
    item: {
      ...eventKey(event.id),
      gsi1pk: outboxPendingPartition,
      gsi1sk: event.id,
      kind: 'event',
      event,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function isOutboxItem(item: Item): item is Item & { kind: 'event'; event: EventEnvelope } {
  return item.kind === 'event' && typeof item.event === 'object' && item.event !== null;
}
