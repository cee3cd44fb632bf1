import { z } from 'zod';
import { isoTime } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { KeyPattern } from '../platform/keys.ts';
import { merchantEvents, merchantEventsPartition, readEvent } from '../platform/outbox.ts';
import { readItem, type Item, type Query, type Store, type WriteOperation } from '../platform/store.ts';
import {
  deliveryAttemptSchema,
  deliveryStatuses,
  endpointStatuses,
  eventSchema,
  maxEndpointsPerMerchant,
  maxRedeliveriesPerEvent,
  type DeliveryStatus,
  type PublicEvent,
} from './model.ts';

/**
 * The webhooks' stored layout, the only code that knows it:
 *
 * - endpoint `WHEP#<id>` / `WHEP`, in gsi1 `MER#<merchant>#WHEPS` by id; beside them the
 *   merchant's endpoint count `MER#<merchant>#WHEPS` / `COUNT`, kept with every create and delete;
 * - delivery `WHDEL#<id>` / `WHDEL`, in gsi1 `WHEVT#<event>#DELIVERIES` by id and in gsi2
 *   `WHEP#<endpoint>#DELIVERIES` by `<status>#<id>`;
 * - fan-out marker `WHFAN#<event id>` / `WHFAN`: created with an event's deliveries, so it fans out once;
 *   beside it `WHFAN#<event id>` / `REDELIVERED`, the count of deliveries redelivery made of it;
 * - legacy event record `WHEVT#<id>` / `WHEVT`, written before the outbox item became the event's
 *   record and now only read: in gsi1 `MER#<merchant>#EVENTS` (the name of the outbox's gsi2
 *   partition of the merchant's events) and gsi2 `MER#<merchant>#EVENTS#<type>`.
 *
 * The events themselves are the platform's outbox items (`platform/outbox.ts`). Existing data
 * dirs hold this layout: a change here needs a migration.
 */
const webhookKeys = {
  endpoint: (id: string) => ({ pk: `WHEP#${id}`, sk: 'WHEP' }),
  merchantEndpoints: (merchantId: string) => `MER#${merchantId}#WHEPS`,
  endpointCount: (merchantId: string) => ({ pk: `MER#${merchantId}#WHEPS`, sk: 'COUNT' }),
  legacyEvent: (id: string) => ({ pk: `WHEVT#${id}`, sk: 'WHEVT' }),
  legacyEventsOfType: (merchantId: string, type: string) => `MER#${merchantId}#EVENTS#${type}`,
  fanOut: (eventId: string) => ({ pk: `WHFAN#${eventId}`, sk: 'WHFAN' }),
  redeliveryCount: (eventId: string) => ({ pk: `WHFAN#${eventId}`, sk: 'REDELIVERED' }),
  delivery: (id: string) => ({ pk: `WHDEL#${id}`, sk: 'WHDEL' }),
  eventDeliveries: (eventId: string) => `WHEVT#${eventId}#DELIVERIES`,
  endpointDeliveries: (endpointId: string) => `WHEP#${endpointId}#DELIVERIES`,
  deliveryStatusSort: (status: DeliveryStatus, id: string) => `${status}#${id}`,
} as const;

/**
 * Every partition key and index partition the webhooks module writes (`*` is one id), and the
 * legacy event records' (`WHEVT#*`, `MER#*#EVENTS#*`): no longer written, still read, so claimed.
 */
export const webhooksKeyPatterns = [
  'WHEP#*',
  'MER#*#WHEPS',
  'WHDEL#*',
  'WHEVT#*#DELIVERIES',
  'WHEP#*#DELIVERIES',
  'WHFAN#*',
  'WHEVT#*',
  'MER#*#EVENTS#*',
] as const satisfies readonly KeyPattern[];

/**
 * A signing secret. Stored as-is: signing needs the plaintext (an HMAC key cannot be hashed like
 * an API key), so the store file or table is as sensitive as the secrets in it. On AWS the table
 * is encrypted at rest with KMS; envelope-encrypting this attribute with a KMS data key is the
 * next step if table readers must not see secrets. Never logged (the logger redacts `secret`).
 */
const storedSecretSchema = z.object({
  secret: z.string(),
  /** ms since the epoch. */
  created_at: z.number(),
  /** ms since the epoch; null while it is the current secret. */
  expires_at: z.number().nullable(),
});
export type StoredSecret = z.output<typeof storedSecretSchema>;

const endpointItemSchema = z.object({
  kind: z.literal('webhook_endpoint'),
  id: z.string(),
  merchant: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(endpointStatuses),
  secrets: z.array(storedSecretSchema),
  /** Bumped by each rotation: two concurrent rotations cannot both keep their secret. */
  secret_version: z.number().int(),
  created_at: z.string(),
});
export type EndpointRecord = z.output<typeof endpointItemSchema>;

/** What an update may change of an endpoint. */
export type EndpointChanges = Partial<Pick<EndpointRecord, 'url' | 'events' | 'description' | 'status'>>;

export function endpointFromItem(item: Item): EndpointRecord {
  return endpointItemSchema.parse(item);
}

/** A new endpoint; commit it with `endpointCountIncrement`. */
export function endpointPut(endpoint: EndpointRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...webhookKeys.endpoint(endpoint.id),
      gsi1pk: webhookKeys.merchantEndpoints(endpoint.merchant),
      gsi1sk: endpoint.id,
      ...endpoint,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function endpointUpdate(
  endpoint: Pick<EndpointRecord, 'id' | 'merchant'>,
  changes: EndpointChanges,
): WriteOperation {
  return {
    type: 'update',
    key: webhookKeys.endpoint(endpoint.id),
    set: changes,
    condition: { compare: ['merchant', '=', endpoint.merchant] },
  };
}

/** The new secrets, only while no other rotation got there first. */
export function endpointSecretsRotate(current: EndpointRecord, secrets: StoredSecret[]): WriteOperation {
  return {
    type: 'update',
    key: webhookKeys.endpoint(current.id),
    set: { secrets, secret_version: current.secret_version + 1 },
    condition: {
      all: [
        { compare: ['merchant', '=', current.merchant] },
        { compare: ['secret_version', '=', current.secret_version] },
      ],
    },
  };
}

/** Deletes the endpoint if it is the merchant's; commit it with `endpointCountDecrement`. */
export function endpointDelete(endpoint: Pick<EndpointRecord, 'id' | 'merchant'>): WriteOperation {
  return {
    type: 'delete',
    key: webhookKeys.endpoint(endpoint.id),
    condition: { compare: ['merchant', '=', endpoint.merchant] },
  };
}

/** Counts a new endpoint in, refused (a failed condition) once the merchant has `maxEndpointsPerMerchant`. */
export function endpointCountIncrement(merchantId: string): WriteOperation {
  return {
    type: 'update',
    key: webhookKeys.endpointCount(merchantId),
    add: { count: 1 },
    condition: {
      any: [{ attributeNotExists: 'count' }, { compare: ['count', '<', maxEndpointsPerMerchant] }],
    },
  };
}

export function endpointCountDecrement(merchantId: string): WriteOperation {
  return { type: 'update', key: webhookKeys.endpointCount(merchantId), add: { count: -1 } };
}

const endpointCountItemSchema = z.object({ count: z.number().int() });

/** How many endpoints the merchant has: one read, so most merchants' events cost nothing more. */
export async function readEndpointCount(store: Store, merchantId: string): Promise<number> {
  const item = await store.get(webhookKeys.endpointCount(merchantId));
  return item ? endpointCountItemSchema.parse(item).count : 0;
}

/** The endpoint with this id, whoever's it is. */
export async function readEndpoint(store: Store, id: string): Promise<EndpointRecord | undefined> {
  const item = await store.get(webhookKeys.endpoint(id));
  return item?.kind === 'webhook_endpoint' ? endpointFromItem(item) : undefined;
}

/** Up to `limit` of the merchant's endpoints by id, after `startingAfter` when given. */
export async function merchantEndpoints(
  store: Store,
  merchantId: string,
  limit: number,
  startingAfter?: string,
): Promise<EndpointRecord[]> {
  const page = await store.query({
    index: 'gsi1',
    partition: webhookKeys.merchantEndpoints(merchantId),
    ...(startingAfter ? { sort: { op: '>' as const, value: startingAfter } } : {}),
    limit,
  });
  return page.items.filter((item) => item.kind === 'webhook_endpoint').map(endpointFromItem);
}

const deliveryItemSchema = z.object({
  kind: z.literal('webhook_delivery'),
  id: z.string(),
  event_id: z.string(),
  /** Absent on deliveries recorded before it was kept. */
  event_type: z.string().optional(),
  endpoint_id: z.string(),
  merchant: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.array(deliveryAttemptSchema),
  attempt_count: z.number().int(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
});
export type DeliveryRecord = z.output<typeof deliveryItemSchema>;

export function deliveryFromItem(item: Item): DeliveryRecord {
  return deliveryItemSchema.parse(item);
}

/** A new delivery; commit it with its queue message. */
export function deliveryPut(delivery: DeliveryRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...webhookKeys.delivery(delivery.id),
      gsi1pk: webhookKeys.eventDeliveries(delivery.event_id),
      gsi1sk: delivery.id,
      gsi2pk: webhookKeys.endpointDeliveries(delivery.endpoint_id),
      gsi2sk: webhookKeys.deliveryStatusSort(delivery.status, delivery.id),
      ...delivery,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/**
 * Records an attempt (`next`: the delivery after it), only if no other worker recorded this
 * attempt first; the endpoint's listing by status follows.
 */
export function deliveryAttemptRecord(
  delivery: DeliveryRecord,
  next: Pick<DeliveryRecord, 'status' | 'attempts' | 'attempt_count' | 'next_attempt_at'>,
): WriteOperation {
  return {
    type: 'update',
    key: webhookKeys.delivery(delivery.id),
    set: {
      status: next.status,
      gsi2sk: webhookKeys.deliveryStatusSort(next.status, delivery.id),
      attempts: next.attempts,
      attempt_count: next.attempt_count,
      next_attempt_at: next.next_attempt_at,
    },
    condition: {
      all: [
        { compare: ['attempt_count', '=', delivery.attempt_count] },
        { compare: ['status', '=', 'pending'] },
      ],
    },
  };
}

export function readDelivery(store: Store, id: string): Promise<DeliveryRecord | undefined> {
  return readItem(store, webhookKeys.delivery(id), deliveryFromItem);
}

/** One page of deliveries, from an index partition. */
async function deliveriesPage(
  store: Store,
  query: Query,
): Promise<{ data: DeliveryRecord[]; next_cursor: string | undefined }> {
  const page = await store.query(query);
  return {
    data: page.items.filter((item) => item.kind === 'webhook_delivery').map(deliveryFromItem),
    next_cursor: page.cursor,
  };
}

/** A page of one event's deliveries, by id. */
export function eventDeliveries(store: Store, eventId: string, limit: number, cursor?: string) {
  return deliveriesPage(store, {
    index: 'gsi1',
    partition: webhookKeys.eventDeliveries(eventId),
    limit,
    ...(cursor ? { cursor } : {}),
  });
}

/**
 * A page of one endpoint's deliveries, newest first (ids grow with time), of one status when
 * given. The index keeps them by status then id, so each status is read newest first from below
 * the cursor (the last id handed out) and the reads are merged: a delivery keeps its place in the
 * list when its status changes, as a dashboard's log expects.
 */
export async function endpointDeliveries(
  store: Store,
  endpointId: string,
  options: { limit: number; cursor?: string; status?: DeliveryStatus },
): Promise<{ data: DeliveryRecord[]; next_cursor: string | undefined }> {
  const statuses = options.status ? [options.status] : deliveryStatuses;
  const pages = await Promise.all(
    statuses.map((status) =>
      store.query({
        index: 'gsi2',
        partition: webhookKeys.endpointDeliveries(endpointId),
        sort: options.cursor
          ? { op: 'between', low: `${status}#`, high: webhookKeys.deliveryStatusSort(status, options.cursor) }
          : { op: 'begins_with', value: `${status}#` },
        direction: 'desc',
        limit: options.limit + 1,
      }),
    ),
  );
  const merged = pages
    .flatMap((page) => page.items)
    .filter((item) => item.kind === 'webhook_delivery')
    .map(deliveryFromItem)
    .filter((delivery) => options.cursor === undefined || delivery.id < options.cursor)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const data = merged.slice(0, options.limit);
  const more = merged.length > options.limit || pages.some((page) => page.cursor !== undefined);
  return { data, next_cursor: more && data.length ? data.at(-1)!.id : undefined };
}

/** The fan-out's dedupe marker of one event: created only if absent, first in the fan-out's transaction. */
export function fanOutMarkerPut(eventId: string, now: number): WriteOperation {
  return {
    type: 'put',
    item: {
      ...webhookKeys.fanOut(eventId),
      kind: 'webhook_fan_out',
      event_id: eventId,
      created_at: isoTime(now),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/**
 * Counts `deliveries` more redeliveries of the event, refused (a failed condition) when that
 * would take it past `maxRedeliveriesPerEvent`; commit it with the deliveries.
 */
export function redeliveryCountAdd(eventId: string, deliveries: number): WriteOperation {
  return {
    type: 'update',
    key: webhookKeys.redeliveryCount(eventId),
    add: { count: deliveries },
    condition: {
      any: [
        { attributeNotExists: 'count' },
        { compare: ['count', '<=', maxRedeliveriesPerEvent - deliveries] },
      ],
    },
  };
}

export async function hasFanOutMarker(store: Store, eventId: string): Promise<boolean> {
  return (await store.get(webhookKeys.fanOut(eventId))) !== undefined;
}

/** A merchant event recorded before the outbox item was the record: the event as it was shown. */
const legacyEventItemSchema = z.object({
  kind: z.literal('webhook_event'),
  merchant: z.string(),
  event: eventSchema,
});
export type LegacyEventRecord = z.output<typeof legacyEventItemSchema>;

export function legacyEventFromItem(item: Item): LegacyEventRecord {
  return legacyEventItemSchema.parse(item);
}

/** The layout the fan-out wrote each merchant event in before the outbox item became the record: tests lay down old data with it. */
export function legacyEventPut(record: LegacyEventRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...webhookKeys.legacyEvent(record.event.id),
      gsi1pk: merchantEventsPartition(record.merchant),
      gsi1sk: record.event.id,
      gsi2pk: webhookKeys.legacyEventsOfType(record.merchant, record.event.type),
      gsi2sk: record.event.id,
      ...record,
    },
  };
}

export async function readLegacyEvent(store: Store, id: string): Promise<LegacyEventRecord | undefined> {
  const item = await store.get(webhookKeys.legacyEvent(id));
  return item?.kind === 'webhook_event' ? legacyEventFromItem(item) : undefined;
}

/** The event's outbox record (`platform/outbox.ts`), whoever's it is; given `now`, not one past its `expires_at`. */
export function readOutboxEvent(store: Store, id: string, now?: number): Promise<EventEnvelope | undefined> {
  return readEvent(store, id, now);
}

/**
 * Up to `limit` of the merchant's events older than `before` (or the newest), newest first, from
 * each place they are kept: the outbox's gsi2 partition of the merchant's events, and the
 * legacy records, in gsi1 under the same name.
 */
export async function merchantEventRecords(
  store: Store,
  merchantId: string,
  before: string | undefined,
  limit: number,
  now?: number,
): Promise<{ current: EventEnvelope[]; legacy: PublicEvent[] }> {
  const range = before ? { sort: { op: '<' as const, value: before } } : {};
  const [current, legacy] = await Promise.all([
    merchantEvents(store, merchantId, {
      ...(before ? { before } : {}),
      limit,
      ...(now !== undefined ? { now } : {}),
    }),
    store.query({
      index: 'gsi1',
      partition: merchantEventsPartition(merchantId),
      direction: 'desc',
      ...range,
      limit,
    }),
  ]);
  return {
    current,
    legacy: legacy.items
      .filter((item) => item.kind === 'webhook_event')
      .map((item) => legacyEventFromItem(item).event),
  };
}
