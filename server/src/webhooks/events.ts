import { AppError } from '../kernel/errors.ts';
import { isoTime } from '../kernel/clock.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { idTimeBound, newId } from '../kernel/ids.ts';
import type { EventBus } from '../platform/bus.ts';
import { isDuplicateDelivery } from '../platform/consumer-dedupe.ts';
import { merchantAudience, merchantStreamMessageTypes, type Realtime } from '../platform/realtime.ts';
import { defaultEventRetentionSeconds, eventRecordPut, isPastEventRetention } from '../platform/outbox.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { webhooksErrors } from './errors.ts';
import { findEndpoint, subscribesTo, type WebhookDeps } from './endpoints.ts';
import {
  deliveryQueueName,
  maxEndpointsPerMerchant,
  maxRedeliveriesPerEvent,
  testEventType,
  type DeliveryStatus,
  type DeliveryView,
  type PublicEvent,
} from './model.ts';
import {
  deliveryPut,
  endpointDeliveries,
  eventDeliveries,
  fanOutMarkerPut,
  merchantEndpoints,
  merchantEventRecords,
  readEndpointCount,
  readLegacyEvent,
  readOutboxEvent,
  redeliveryCountAdd,
  type DeliveryRecord,
  type EndpointRecord,
} from './store.ts';

/** The bus subscription that fans merchant events out to their webhook endpoints. */
export const fanOutSubscription = 'webhooks.fan-out';

/**
 * The event as receivers and `GET /v1/events` see it, Stripe-like:
 * `{ id, object: 'event', type, created (Unix s), livemode: false, data: { object: … } }`.
 */
export function publicEvent(envelope: EventEnvelope): PublicEvent {
  return {
    id: envelope.id,
    object: 'event',
    type: envelope.type,
    created: Math.floor(Date.parse(envelope.time) / 1000),
    livemode: false,
    data: envelope.data,
  };
}

/** The bus subscription that pushes merchant events to the merchant's realtime streams. */
export const merchantStreamSubscription = 'webhooks.merchant-stream';

/**
 * Pushes each merchant event, exactly as a webhook endpoint receives it (`publicEvent`), to that
 * merchant's realtime streams (`sluice listen`), whatever endpoints it has: `{ type: 'event',
 * id, time, data: <event> }`. The event's `merchant` is the whole access check.
 *
 * @example
 * bus.subscribe(merchantStreamSubscription, { merchant: [{ exists: true }] }, pushToMerchantStream(realtime));
 */
export function pushToMerchantStream(realtime: Realtime) {
  return async (envelope: EventEnvelope): Promise<void> => {
    if (!envelope.merchant) return;
    await realtime.push([merchantAudience(envelope.merchant)], {
      type: merchantStreamMessageTypes.event,
      id: envelope.id,
      time: envelope.time,
      data: publicEvent(envelope),
    });
  };
}

/** A delivery record and its queue message: both or neither. */
function deliveryWrites(
  deps: WebhookDeps,
  merchantId: string,
  event: Pick<PublicEvent, 'id' | 'type'>,
  endpointId: string,
  now: number,
): { delivery: DeliveryRecord; operations: WriteOperation[] } {
  const id = newId('delivery', now);
  const delivery: DeliveryRecord = {
    kind: 'webhook_delivery',
    id,
    event_id: event.id,
    event_type: event.type,
    endpoint_id: endpointId,
    merchant: merchantId,
    status: 'pending',
    attempts: [],
    attempt_count: 0,
    next_attempt_at: isoTime(now),
    created_at: isoTime(now),
  };
  return {
    delivery,
    operations: [
      deliveryPut(delivery),
      deps.queue.sendOperation(deliveryQueueName, { id, body: { delivery_id: id } }),
    ],
  };
}

/** The merchant's enabled endpoints subscribed to `type`. */
async function targetsOf(deps: WebhookDeps, merchantId: string, type: string): Promise<EndpointRecord[]> {
  const endpoints = await merchantEndpoints(deps.store, merchantId, maxEndpointsPerMerchant + 1);
  return endpoints.filter((endpoint) => endpoint.status === 'enabled' && subscribesTo(endpoint, type));
}

/**
 * Subscribes the fan-out: every event naming a `merchant` gets one delivery per enabled endpoint
 * subscribed to its type. The event itself is already listed with the merchant's events: its
 * outbox item is the record (`eventRecordPut`). The deliveries, their queue messages and a
 * dedupe marker commit together, so a redelivered event fans out once; an event no endpoint
 * wants writes nothing.
 *
 * @example
 * subscribeWebhooks(bus, { store, clock, logger, queue: storeQueue, allowPrivate: 'loopback' });
 */
export function subscribeWebhooks(bus: EventBus, deps: WebhookDeps): void {
  bus.subscribe(fanOutSubscription, { merchant: [{ exists: true }] }, async (envelope) => {
    await fanOut(deps, envelope);
  });
}

export async function fanOut(deps: WebhookDeps, envelope: EventEnvelope): Promise<'applied' | 'duplicate'> {
  const merchantId = envelope.merchant;
  if (!merchantId) return 'duplicate';
  // Most merchants' events go nowhere: the endpoint count (kept with every create and delete) says so in one read.
  if ((await readEndpointCount(deps.store, merchantId)) <= 0) return 'applied';
  const targets = await targetsOf(deps, merchantId, envelope.type);
  if (targets.length === 0) return 'applied';
  const now = deps.clock.now();
  // The marker goes first: a redelivered event finds it and changes nothing; it is written only
  // when the event has somewhere to go.
  try {
    await deps.store.transact([
      fanOutMarkerPut(envelope.id, now),
      ...targets.flatMap(
        (endpoint) => deliveryWrites(deps, merchantId, envelope, endpoint.id, now).operations,
      ),
    ]);
    return 'applied';
  } catch (error) {
    if (isDuplicateDelivery(error, 0)) return 'duplicate';
    throw error;
  }
}

function eventNotFound(id: string): AppError {
  return new AppError('not_found', `no event ${id}`, { param: 'id' });
}

/**
 * No record, or one past its retention: `event_expired` when the id is older than the retention
 * (the same answer before and after TTL deletes the record), `not_found` otherwise.
 */
function missingEvent(deps: Pick<WebhookDeps, 'clock' | 'eventRetentionSeconds'>, id: string): AppError {
  const retention = deps.eventRetentionSeconds ?? defaultEventRetentionSeconds;
  return isPastEventRetention(id, deps.clock.now(), retention)
    ? webhooksErrors.error(
        'event_expired',
        `event ${id} is older than the ${retention}-second event retention`,
        {
          param: 'id',
        },
      )
    : eventNotFound(id);
}

/**
 * The merchant's event as receivers see it: from its outbox record, or from the separate record
 * kept before events were listed from the outbox. Undefined when absent or not the merchant's.
 */
export async function loadEvent(
  deps: Pick<WebhookDeps, 'store'> & Partial<Pick<WebhookDeps, 'clock'>>,
  merchantId: string,
  id: string,
): Promise<PublicEvent | undefined> {
  const envelope = await readOutboxEvent(deps.store, id, deps.clock?.now());
  if (envelope?.merchant === merchantId) return publicEvent(envelope);
  const legacy = await readLegacyEvent(deps.store, id);
  return legacy?.merchant === merchantId ? legacy.event : undefined;
}

async function findEvent(deps: WebhookDeps, merchantId: string, id: string): Promise<PublicEvent> {
  const event = await loadEvent(deps, merchantId, id);
  if (!event) throw missingEvent(deps, id);
  return event;
}

/** Events read per store page while looking for `type` among the merchant's events. */
const eventScanPage = 100;
/** At most this many events are read for one filtered page: a rare type gets a short page and a cursor, not an unbounded scan. */
const maxEventsScanned = 1000;

/** Bounds on an event's `created` time, in Unix seconds, as Stripe takes them (`created[gte]=…`). */
export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * The merchant's events, newest first, optionally of one `type` and within a `created` range.
 * Event ids sort by time, so the range bounds the ids read. A filtered page reads through the
 * merchant's events (at most `maxEventsScanned` per call): it can hold fewer than `limit` events
 * with `next_cursor` set, and the next page goes on from there.
 */
export async function listEvents(
  deps: WebhookDeps,
  merchantId: string,
  options: { limit: number; startingAfter?: string; type?: string; created?: CreatedRange },
) {
  const { lowest, below } = idRange(options.created ?? {});
  const data: PublicEvent[] = [];
  let before =
    options.startingAfter !== undefined && (below === undefined || options.startingAfter < below)
      ? options.startingAfter
      : below;
  let scanned = 0;
  let isExhausted = false;
  while (data.length < options.limit + 1 && scanned < maxEventsScanned) {
    const want = options.type ? eventScanPage : options.limit + 1 - data.length;
    const page = await readEvents(deps, merchantId, before, want);
    scanned += page.length;
    const inRange = lowest === undefined ? page : page.filter((event) => event.id >= lowest);
    for (const event of inRange) if (!options.type || event.type === options.type) data.push(event);
    // Newest first: once the page ends, or reaches below the range, nothing older can match.
    if (page.length < want || inRange.length < page.length) {
      isExhausted = true;
      break;
    }
    before = page.at(-1)!.id;
  }
  if (data.length > options.limit)
    return { data: data.slice(0, options.limit), next_cursor: data[options.limit - 1]!.id };
  // A filtered read that stopped at its cap goes on, next call, from the last event it read.
  return { data, next_cursor: isExhausted ? undefined : before };
}

/**
 * The ids an event created in `range` can have: at least `lowest`, below `below`. Bounds are
 * whole seconds; an id's time part is in milliseconds, so `lte: t` admits all of second t.
 * (An id made just after the system clock stepped back keeps the later time: by that step, it
 * can fall outside a range its `created` is in.)
 */
function idRange(range: CreatedRange): { lowest?: string; below?: string } {
  const from = Math.max(range.gte ?? -Infinity, range.gt === undefined ? -Infinity : range.gt + 1);
  const until = Math.min(range.lt ?? Infinity, range.lte === undefined ? Infinity : range.lte + 1);
  return {
    ...(Number.isFinite(from) ? { lowest: idTimeBound('event', Math.max(0, from) * 1000) } : {}),
    ...(Number.isFinite(until) ? { below: idTimeBound('event', Math.max(0, until) * 1000) } : {}),
  };
}

/** Up to `limit` of the merchant's events older than `before` (or the newest), newest first: outbox records merged with legacy ones. */
async function readEvents(
  deps: WebhookDeps,
  merchantId: string,
  before: string | undefined,
  limit: number,
): Promise<PublicEvent[]> {
  const { current, legacy } = await merchantEventRecords(
    deps.store,
    merchantId,
    before,
    limit,
    deps.clock.now(),
  );
  const events = [...current.map(publicEvent), ...legacy];
  return events.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
}

export async function getEvent(deps: WebhookDeps, merchantId: string, id: string): Promise<PublicEvent> {
  return findEvent(deps, merchantId, id);
}

export function deliveryView(item: DeliveryRecord): DeliveryView {
  return {
    id: item.id,
    object: 'webhook_delivery',
    event: item.event_id,
    event_type: item.event_type ?? null,
    endpoint: item.endpoint_id,
    status: item.status,
    attempt_count: item.attempt_count,
    next_attempt_at: item.next_attempt_at,
    created_at: item.created_at,
    attempts: item.attempts,
  };
}

function viewsOf(page: { data: DeliveryRecord[]; next_cursor: string | undefined }) {
  return { data: page.data.map(deliveryView), next_cursor: page.next_cursor };
}

export async function listEventDeliveries(
  deps: WebhookDeps,
  merchantId: string,
  eventId: string,
  limit: number,
  cursor?: string,
) {
  await findEvent(deps, merchantId, eventId);
  return viewsOf(await eventDeliveries(deps.store, eventId, limit, cursor));
}

/** An endpoint's deliveries, optionally of one status (`dead`: the dead-letter list). */
export async function listEndpointDeliveries(
  deps: WebhookDeps,
  merchantId: string,
  endpointId: string,
  options: { limit: number; cursor?: string; status?: DeliveryStatus },
) {
  await findEndpoint(deps, merchantId, endpointId);
  return viewsOf(await endpointDeliveries(deps.store, endpointId, options));
}

/**
 * Sends the event again as new deliveries: to `endpointId`, or to every enabled endpoint now
 * subscribed to its type. The way to replay a dead delivery.
 */
export async function redeliverEvent(
  deps: WebhookDeps,
  merchantId: string,
  eventId: string,
  endpointId?: string,
): Promise<DeliveryView[]> {
  const event = await findEvent(deps, merchantId, eventId);
  const targets = endpointId
    ? [await findEndpoint(deps, merchantId, endpointId)]
    : await targetsOf(deps, merchantId, event.type);
  if (targets.length > maxRedeliveriesPerEvent) throw redeliveryLimit(eventId);
  try {
    // The count goes first: its refusal (the event's allowance is spent) is reason 0.
    return await createDeliveries(deps, merchantId, event, targets, [
      redeliveryCountAdd(eventId, targets.length),
    ]);
  } catch (error) {
    if (isTransactionCanceled(error) && error.reasonAt(0)) throw redeliveryLimit(eventId);
    throw error;
  }
}

function redeliveryLimit(eventId: string): AppError {
  return webhooksErrors.error(
    'redelivery_limit_reached',
    `event ${eventId} has been redelivered ${maxRedeliveriesPerEvent} times (one per endpoint sent to), its limit`,
    { param: 'id' },
  );
}

/** Sends a `test.webhook` event to this endpoint only; it is listed with the merchant's events. */
export async function sendTestEvent(
  deps: WebhookDeps,
  merchantId: string,
  endpointId: string,
): Promise<{ event: PublicEvent; delivery: DeliveryView }> {
  const endpoint = await findEndpoint(deps, merchantId, endpointId);
  const envelope = createEvent({
    type: testEventType,
    source: 'sluice.webhooks',
    subject: endpoint.id,
    merchant: merchantId,
    data: { object: { id: endpoint.id, object: 'webhook_endpoint', url: endpoint.url } },
    now: deps.clock.now(),
  });
  // A record only: listed with the merchant's events, never published to the other endpoints.
  const [delivery] = await createDeliveries(
    deps,
    merchantId,
    envelope,
    [endpoint],
    [
      eventRecordPut(envelope, {
        pending: false,
        ...(deps.eventRetentionSeconds !== undefined ? { retentionSeconds: deps.eventRetentionSeconds } : {}),
      }),
    ],
  );
  return { event: publicEvent(envelope), delivery: delivery! };
}

async function createDeliveries(
  deps: WebhookDeps,
  merchantId: string,
  event: Pick<PublicEvent, 'id' | 'type'>,
  targets: EndpointRecord[],
  extra: WriteOperation[],
): Promise<DeliveryView[]> {
  if (targets.length === 0) return [];
  const now = deps.clock.now();
  const created = targets.map((endpoint) => deliveryWrites(deps, merchantId, event, endpoint.id, now));
  await deps.store.transact([...extra, ...created.flatMap((c) => c.operations)]);
  return created.map((c) => deliveryView(c.delivery));
}
