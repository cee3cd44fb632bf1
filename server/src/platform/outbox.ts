import { isoTime } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { idTimeBound, isId } from '../kernel/ids.ts';
import {
  queryPartitions,
  spreadPartition,
  spreadPartitions,
  type Item,
  type Store,
  type WriteOperation,
} from './store.ts';

/**
 * The outbox: every event is ONE item, `EVT#<id>`, written in the same store transaction as the
 * change it reports, and never written again on the way to the bus.
 *
 * - It is indexed in `gsi1` under a time bucket, `OUTBOX#<UTC minute>#<0..15>` (the shard from a
 *   hash of the event id), sorted by event id: events can be found by time (the local
 *   dispatcher's replay after a crash, a redrive on AWS) and no index partition takes more than a
 *   sixteenth of the platform's events.
 * - It gets `expires_at` when written: its time plus `Config.eventRetentionSeconds` (30 days by
 *   default; the platforms stamp the configured value, see `withEventRetention`). Delivery takes
 *   seconds, so an event outlives its delivery by far; one whose delivery failed is kept by its
 *   retry record (below), which carries the envelope and never expires.
 * - Locally, the store wrapper that sees each committed transaction hands its events to the
 *   dispatcher in commit order, and the dispatcher publishes them without writing (see
 *   `outbox-dispatcher.ts`: retry records on failure, a checkpoint item about once a second). On
 *   AWS, DynamoDB Streams carries the inserted item to the stream dispatcher, which publishes it
 *   to EventBridge; the event source mapping retries a failed batch, then parks it in an SQS DLQ.
 * - `OUTBOX#PENDING` is where older releases put every event until it was marked dispatched
 *   (a hot partition: issue 22). No event goes there any more; it holds the retry records
 *   (`~retry#…`, rare), and what older code left there is drained once with their logic.
 * - Record-only events (`eventRecordPut` with `pending: false`, e.g. an endpoint's test event)
 *   are never published, so they are in no bucket: nothing needs to find them by time.
 *
 * The item stays as the event's record (`GET /v1/events`) until its `expires_at`.
 */
export const outboxPendingPartition = 'OUTBOX#PENDING';

/**
 * Sort-key prefix, inside `OUTBOX#PENDING`, of events waiting for a retry: `~retry#<due ISO
 * time>#<event id>`. `~` sorts after every id, so events older code left pending (keyed by their
 * id) and due retries are two cheap range reads.
 */
export const outboxRetryPrefix = '~retry#';

/**
 * Index partitions the time buckets of one minute are spread over: at 20,000 events/s (10,000
 * card payment cycles/s) each takes ~625 writes/s, within the ~1,000/s of one DynamoDB index
 * partition. Buckets written with fewer (16 before) are among these and still read.
 */
export const outboxBucketCount = 32;

/** The item that says how far the local dispatcher has come (`outbox-dispatcher.ts`). */
export const outboxCheckpointKey = { pk: 'OUTBOX#CHECKPOINT', sk: 'OUTBOX' } as const;

/**
 * Retention: an event record expires (`expires_at`, the store's TTL) `Config.eventRetentionSeconds`
 * (default 30 days, as Stripe keeps events) after its time; a record-only event too. An event
 * whose delivery failed is kept, for as long as someone may redrive it, by its retry or parked
 * record (`sk = RETRY`), which has no expiry. Nothing in the ledger reads events: its audit and
 * history are its own items.
 */
export const defaultEventRetentionSeconds = 30 * 24 * 3600;

/**
 * What older releases set when they marked an event dispatched; still what the drain of their
 * `OUTBOX#PENDING` items writes on each (see `outbox-dispatcher.ts`).
 */
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
/**
 * Index partitions a merchant's events are spread over (`<partition>#<n>` by event id): at 2,000
 * payment cycles/s for one merchant (4,000 events/s), each takes ~500 writes/s.
 */
export const merchantEventsSpread = 8;

/** `MER#<merchant>#EVENTS#S`: the spread partitions are `…#S#<n>` (a type name, which legacy records used there, is never `S`). */
function merchantEventsSpreadBase(merchantId: string): string {
  return `${merchantEventsPartition(merchantId)}#S`;
}

export function merchantEventsPartition(merchantId: string): string {
  return `MER#${merchantId}#EVENTS`;
}

/** When an event happened, in ms: its `time`, or else the time in its id. */
export function eventTime(event: Pick<EventEnvelope, 'id' | 'time'>): number {
  const time = Date.parse(event.time);
  return Number.isFinite(time) ? time : idTime(event.id);
}

/** The time part of a time-sorted id, in ms (0 when it has none). */
function idTime(id: string): number {
  const encoded = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let value = 0;
  for (const char of encoded) {
    const digit = idAlphabet.indexOf(char);
    if (digit < 0) return 0;
    value = value * 32 + digit;
  }
  return value;
}

const idAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `YYYYMMDDHHMM`, the UTC minute of `ms`. */
function bucketMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/** 0..15 from the event id (FNV-1a), so the events of one minute spread evenly. */
function bucketShard(eventId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    hash ^= eventId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % outboxBucketCount;
}

/**
 * The `gsi1` partition of an event: `OUTBOX#<UTC minute of its time>#<0..15>`.
 *
 * @example outboxBucket({ id: 'evt_…', time: '2026-12-04T22:05:31.000Z' }) // 'OUTBOX#202612042205#7'
 */
export function outboxBucket(event: Pick<EventEnvelope, 'id' | 'time'>): string {
  return `OUTBOX#${bucketMinute(eventTime(event))}#${bucketShard(event.id)}`;
}

/** The 16 bucket partitions of the UTC minute holding `ms`. */
export function outboxBucketsOfMinute(ms: number): string[] {
  const minute = bucketMinute(ms);
  return Array.from({ length: outboxBucketCount }, (_, shard) => `OUTBOX#${minute}#${shard}`);
}

/** True for a `gsi1pk` that is an outbox time bucket. */
export function isOutboxBucket(partition: unknown): boolean {
  return typeof partition === 'string' && /^OUTBOX#\d{12}#\d{1,2}$/.test(partition);
}

/**
 * The write that records `event` in the outbox; add it to the transaction of the change. Its
 * only write: indexed in its time bucket, expiring `retentionSeconds` after its time (the
 * platforms restamp it with `Config.eventRetentionSeconds`, see `withEventRetention`).
 */
export function outboxPut(event: EventEnvelope, options: { retentionSeconds?: number } = {}): WriteOperation {
  return eventRecordPut(event, { pending: true, ...options });
}

/**
 * The event's record: with `pending`, an outbox item the dispatcher hands to the bus; without,
 * a record only (listed with the merchant's events, never published, in no time bucket), e.g. an
 * endpoint's test event. Both expire `retentionSeconds` after the event's time.
 */
export function eventRecordPut(
  event: EventEnvelope,
  options: { pending: boolean; retentionSeconds?: number },
): WriteOperation {
  const createdSeconds = Math.floor(eventTime(event) / 1000);
  return {
    type: 'put',
    item: {
      ...eventKey(event.id),
      ...(options.pending ? { gsi1pk: outboxBucket(event), gsi1sk: event.id } : {}),
      ...(event.merchant
        ? {
            gsi2pk: spreadPartition(merchantEventsSpreadBase(event.merchant), event.id, merchantEventsSpread),
            gsi2sk: event.id,
          }
        : {}),
      kind: 'event',
      event,
      ...(Number.isFinite(createdSeconds)
        ? { expires_at: createdSeconds + (options.retentionSeconds ?? defaultEventRetentionSeconds) }
        : {}),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/**
 * `operations` with every event record expiring `retentionSeconds` after its time: how a
 * platform applies `Config.eventRetentionSeconds` to what modules wrote with `outboxPut`.
 * Returns `operations` itself when there is nothing to change.
 */
export function withEventRetention(operations: WriteOperation[], retentionSeconds: number): WriteOperation[] {
  if (retentionSeconds === defaultEventRetentionSeconds) return operations;
  if (!operations.some((op) => op.type === 'put' && isOutboxItem(op.item))) return operations;
  return operations.map((op) => {
    if (op.type !== 'put' || !isOutboxItem(op.item)) return op;
    const createdSeconds = Math.floor(eventTime(op.item.event) / 1000);
    if (!Number.isFinite(createdSeconds)) return op;
    return { ...op, item: { ...op.item, expires_at: createdSeconds + retentionSeconds } };
  });
}

/**
 * `store`, writing every event record with `retentionSeconds` (`withEventRetention`), then
 * rewriting each transaction with `prepare` (the runtime's `withResponsesByReference`); `store`
 * itself when there is nothing to do. What the AWS platform gives modules.
 */
export function eventRetentionStore(
  store: Store,
  retentionSeconds: number,
  prepare?: (operations: WriteOperation[]) => WriteOperation[],
): Store {
  if (retentionSeconds === defaultEventRetentionSeconds && !prepare) return store;
  const rewrite = prepare ?? ((operations: WriteOperation[]) => operations);
  return {
    get: (key) => store.get(key),
    query: (query) => store.query(query),
    transact: (operations) => store.transact(rewrite(withEventRetention(operations, retentionSeconds))),
    close: () => store.close(),
    ...(store.consistentIndexes !== undefined ? { consistentIndexes: store.consistentIndexes } : {}),
  };
}

/** The envelopes of the events `operations` put in the outbox (to be published), in order. */
export function outboxEventsOf(operations: readonly WriteOperation[]): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (const op of operations)
    if (op.type === 'put' && isOutboxItem(op.item) && isOutboxBucket(op.item.gsi1pk))
      events.push(op.item.event);
  return events;
}

export function isOutboxItem(item: Item): item is Item & { kind: 'event'; event: EventEnvelope } {
  return item.kind === 'event' && typeof item.event === 'object' && item.event !== null;
}

/**
 * An event record written to be published (not a record-only event): what a stream dispatcher
 * hands to the bus. Today's are in a time bucket; older releases put them in `OUTBOX#PENDING`.
 */
export function isPendingOutboxItem(item: Item): item is Item & { kind: 'event'; event: EventEnvelope } {
  return (
    isOutboxItem(item) &&
    item.sk === 'EVT' &&
    (isOutboxBucket(item.gsi1pk) || item.gsi1pk === outboxPendingPartition)
  );
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
  const { items } = await queryPartitions(store, {
    index: 'gsi2',
    // Where older code listed them, then the spread partitions.
    partitions: [
      merchantEventsPartition(merchantId),
      ...spreadPartitions(merchantEventsSpreadBase(merchantId), merchantEventsSpread).slice(1),
    ],
    direction: 'desc',
    ...(options.before ? { sort: { op: '<' as const, value: options.before } } : {}),
    limit: options.limit,
  });
  return items
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

/** What a live dispatcher in this process knows about its backlog: the time of its oldest unfinished event. */
export type OutboxBacklogSource = () => number | null;

const liveBacklogs = new WeakMap<Store, OutboxBacklogSource>();

/** Lets `outboxBacklog(store, …)` ask the dispatcher that owns `store` (the local runtime's). */
export function registerOutboxBacklog(store: Store, source: OutboxBacklogSource): void {
  liveBacklogs.set(store, source);
}

/**
 * The outbox's lag: the oldest event not yet handed to the bus, among
 * - the events a local dispatcher has been handed and not finished (asked in memory when `store`
 *   is the one it watches, `registerOutboxBacklog`; otherwise as its checkpoint item last said, at
 *   most a second or so old);
 * - events waiting for a retry (their retry records, the first due) and any event older releases
 *   left in `OUTBOX#PENDING`.
 * On AWS nothing is held in memory: events in flight are in the table's stream, and the stream
 * dispatcher's `IteratorAge` (alarmed in infra) is their lag; this reports the retry records and
 * older releases' pending events only. A growing lag means events are produced faster than they
 * are delivered.
 *
 * @example const { lag_seconds } = await outboxBacklog(store, clock.now());
 */
export async function outboxBacklog(store: Store, now: number): Promise<OutboxBacklog> {
  const live = liveBacklogs.get(store);
  const [fresh, retrying, checkpoint] = await Promise.all([
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
    live ? Promise.resolve(undefined) : store.get(outboxCheckpointKey),
  ]);
  const times = [...fresh.items, ...retrying.items]
    .filter((item) => item.event !== null && typeof item.event === 'object')
    .map((item) => eventTime(item.event as EventEnvelope))
    .filter((time) => Number.isFinite(time));
  const unfinished = live ? live() : checkpoint?.oldest_pending_ms;
  if (typeof unfinished === 'number') times.push(unfinished);
  if (times.length === 0) return { oldest_pending_at: null, lag_seconds: 0 };
  const oldest = Math.min(...times);
  return {
    oldest_pending_at: new Date(oldest).toISOString(),
    lag_seconds: Math.max(0, (now - oldest) / 1000),
  };
}

/**
 * The outbox events whose time is from `from` to `to` (ms, both included), read from their time
 * buckets, oldest minute first (by id within a minute): 16 queries a minute. For the local dispatcher's replay, a redrive on
 * AWS, and tests that look for the events a change wrote.
 *
 * @example const events = await outboxEventsBetween(store, clock.now() - 60_000, clock.now());
 */
export async function outboxEventsBetween(
  store: Pick<Store, 'query'>,
  from: number,
  to: number,
): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  const firstMinute = Math.floor(from / 60_000) * 60_000;
  for (let minute = firstMinute; minute <= to; minute += 60_000) {
    const pages = await Promise.all(
      outboxBucketsOfMinute(minute).map(async (partition) => {
        const found: Item[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.query({ index: 'gsi1', partition, ...(cursor ? { cursor } : {}) });
          found.push(...page.items);
          cursor = page.cursor;
        } while (cursor);
        return found;
      }),
    );
    const inMinute = pages
      .flat()
      .filter(isOutboxItem)
      .map((item) => item.event)
      .filter((event) => {
        const time = eventTime(event);
        return time >= from && time <= to;
      });
    inMinute.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    events.push(...inMinute);
  }
  return events;
}
