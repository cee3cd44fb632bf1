import { isoTime } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { idTimeBound, isId } from '../kernel/ids.ts';
import type { Item, Store, WriteOperation } from './store.ts';

/**
 * The outbox: every event is an item written in the same store transaction as the change it
 * reports. Locally the dispatcher finds undelivered events through the `gsi1` partition
 * `OUTBOX#PENDING` (ordered by event id, so by time); on AWS, DynamoDB Streams carries the same
 * items to the dispatcher Lambda. The item stays as the event's record (`GET /v1/events`).
 */
export const outboxPendingPartition = 'OUTBOX#PENDING';

/**
 * Sort-key prefix, inside `OUTBOX#PENDING`, of events waiting for a retry: `~retry#<due ISO
 * time>#<event id>`. `~` sorts after every id, so new events (keyed by their id) and due
 * retries are two cheap range reads, and events backing off never sit in front of new ones.
 */
export const outboxRetryPrefix = '~retry#';

/**
 * Retention: an event record gets `expires_at` (the store's TTL) only once it needs no more
 * delivery, `Config.eventRetentionSeconds` (default 30 days, as Stripe keeps events) after that:
 * when the dispatcher (local) or the stream dispatcher (AWS) marks it dispatched, or at once for
 * a record-only event. A pending or parked event never expires. Nothing in the ledger reads
 * events: its audit and history are its own items.
 */
export const defaultEventRetentionSeconds = 30 * 24 * 3600;

/** What marking an event dispatched sets besides removing it from the pending index: when, and until when it is kept. */
export function dispatchedEventFields(
  now: number,
  retentionSeconds: number = defaultEventRetentionSeconds,
): { dispatched_at: string; expires_at: number } {
  return { dispatched_at: isoTime(now), expires_at: Math.floor(now / 1000) + retentionSeconds };
}

/**
 * Whether `eventId` names an event past any retention: its id (time-sorted) is older than
 * `retentionSeconds` before `now`. For an id no record answers to, it tells "expired" from
 * "never existed" the same way before and after TTL deleted it.
 */
export function isPastEventRetention(eventId: string, now: number, retentionSeconds: number): boolean {
  return isId('event', eventId) && eventId < idTimeBound('event', now - retentionSeconds * 1000);
}

/** True for an event record whose `expires_at` has passed: gone, even while TTL has yet to delete it. */
function isExpired(item: Item, now: number | undefined): boolean {
  return (
    now !== undefined && typeof item.expires_at === 'number' && item.expires_at <= Math.floor(now / 1000)
  );
}

export function eventKey(eventId: string) {
  return { pk: `EVT#${eventId}`, sk: 'EVT' };
}

/**
 * The `gsi2` partition of one merchant's events, by event id (`GET /v1/events`). An event naming
 * a `merchant` is listed there from the transaction that created it: the outbox item is the
 * merchant's event record, so no second copy is written when it is delivered.
 */
export function merchantEventsPartition(merchantId: string): string {
  return `MER#${merchantId}#EVENTS`;
}

/** The write that records `event` in the outbox; add it to the transaction of the change. */
export function outboxPut(event: EventEnvelope): WriteOperation {
  return eventRecordPut(event, { pending: true });
}

/**
 * The event's record: with `pending`, an outbox item the dispatcher hands to the bus; without,
 * a record only (listed with the merchant's events, never published), e.g. an endpoint's test event.
 */
export function eventRecordPut(
  event: EventEnvelope,
  options: { pending: boolean; retentionSeconds?: number },
): WriteOperation {
  const createdSeconds = Math.floor(Date.parse(event.time) / 1000);
  return {
    type: 'put',
    item: {
      ...eventKey(event.id),
      ...(options.pending ? { gsi1pk: outboxPendingPartition, gsi1sk: event.id } : {}),
      ...(event.merchant ? { gsi2pk: merchantEventsPartition(event.merchant), gsi2sk: event.id } : {}),
      kind: 'event',
      event,
      // A record-only event needs no delivery: its retention starts now.
      ...(!options.pending && Number.isFinite(createdSeconds)
        ? { expires_at: createdSeconds + (options.retentionSeconds ?? defaultEventRetentionSeconds) }
        : {}),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function isOutboxItem(item: Item): item is Item & { kind: 'event'; event: EventEnvelope } {
  return item.kind === 'event' && typeof item.event === 'object' && item.event !== null;
}

/** An event record written to be published (not a record-only event): what a stream dispatcher hands to the bus. */
export function isPendingOutboxItem(item: Item): item is Item & { kind: 'event'; event: EventEnvelope } {
  return isOutboxItem(item) && item.gsi1pk === outboxPendingPartition;
}

/**
 * An event's record, whoever's it is; undefined when there is none, or (given `now`) when it is
 * past its `expires_at`.
 */
export async function readEvent(
  store: Pick<Store, 'get'>,
  eventId: string,
  now?: number,
): Promise<EventEnvelope | undefined> {
  const item = await store.get(eventKey(eventId));
  return item && isOutboxItem(item) && !isExpired(item, now) ? item.event : undefined;
}

/**
 * Up to `limit` of one merchant's events, newest first, older than the event id `before` when
 * given: what `GET /v1/events` pages through.
 *
 * @example const events = await merchantEvents(store, 'mer_…', { limit: 20 });
 */
export async function merchantEvents(
  store: Pick<Store, 'query'>,
  merchantId: string,
  options: { before?: string; limit: number; now?: number },
): Promise<EventEnvelope[]> {
  const page = await store.query({
    index: 'gsi2',
    partition: merchantEventsPartition(merchantId),
    direction: 'desc',
    ...(options.before ? { sort: { op: '<' as const, value: options.before } } : {}),
    limit: options.limit,
  });
  return page.items
    .filter((item) => isOutboxItem(item) && !isExpired(item, options.now))
    .map((item) => (item as Item & { event: EventEnvelope }).event);
}

/** How far the outbox is behind: its oldest event not yet handed to the bus. */
export interface OutboxBacklog {
  /** When that event was created; null when nothing is waiting. */
  oldest_pending_at: string | null;
  /** Its age in seconds at `now`; 0 when nothing is waiting. */
  lag_seconds: number;
}

/**
 * The outbox's lag, from two one-item reads of the pending partition: the oldest new event and
 * the oldest one waiting for a retry (those sort after every new one). A dispatcher keeping up
 * holds it near zero; a growing lag means events are produced faster than they are delivered.
 *
 * @example const { lag_seconds } = await outboxBacklog(store, clock.now());
 */
export async function outboxBacklog(store: Store, now: number): Promise<OutboxBacklog> {
  const [fresh, retrying] = await Promise.all([
    store.query({
      index: 'gsi1',
      partition: outboxPendingPartition,
      sort: { op: '<', value: outboxRetryPrefix },
      limit: 1,
    }),
    store.query({
      index: 'gsi1',
      partition: outboxPendingPartition,
      sort: { op: 'begins_with', value: outboxRetryPrefix },
      limit: 1,
    }),
  ]);
  const times = [...fresh.items, ...retrying.items]
    .filter(isOutboxItem)
    .map((item) => Date.parse(item.event.time))
    .filter((time) => Number.isFinite(time));
  if (times.length === 0) return { oldest_pending_at: null, lag_seconds: 0 };
  const oldest = Math.min(...times);
  return {
    oldest_pending_at: new Date(oldest).toISOString(),
    lag_seconds: Math.max(0, (now - oldest) / 1000),
  };
}
