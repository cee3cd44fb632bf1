import { AppError } from '../kernel/errors.ts';
import { isoTime } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import type { EventBus } from '../platform/bus.ts';
import { isDuplicateDelivery } from '../platform/consumer-dedupe.ts';
import type { Item, WriteOperation } from '../platform/store.ts';
import { findEndpoint, subscribesTo, type EndpointItem, type WebhookDeps } from './endpoints.ts';
import { deliveryQueueName, keys, maxEndpointsPerMerchant, testEventType, type DeliveryAttempt, type DeliveryStatus, type DeliveryView, type PublicEvent } from './model.ts';

/** The bus subscription that records merchant events and fans them out to endpoints. */
export const fanOutSubscription = 'webhooks.fan-out';

export interface EventItem extends Item {
  kind: 'webhook_event';
  merchant: string;
  event: PublicEvent;
}

export interface DeliveryItem extends Item {
  kind: 'webhook_delivery';
  id: string;
  event_id: string;
  /** Absent on deliveries recorded before it was kept. */
  event_type?: string;
  endpoint_id: string;
  merchant: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  attempt_count: number;
  next_attempt_at: string | null;
  created_at: string;
}

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

function eventPut(merchantId: string, event: PublicEvent): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.event(event.id),
      gsi1pk: keys.merchantEvents(merchantId),
      gsi1sk: event.id,
      gsi2pk: keys.merchantEventsOfType(merchantId, event.type),
      gsi2sk: event.id,
      kind: 'webhook_event',
      merchant: merchantId,
      event: event as never,
    },
    // One record per event id: this condition is also the fan-out's dedupe.
    condition: { attributeNotExists: 'pk' },
  };
}

/** A delivery record and its queue message: both or neither. */
function deliveryWrites(deps: WebhookDeps, merchantId: string, event: Pick<PublicEvent, 'id' | 'type'>, endpointId: string, now: number): { id: string; operations: WriteOperation[] } {
  const id = newId('delivery', now);
  const eventId = event.id;
  const item: DeliveryItem = {
    ...keys.delivery(id),
    gsi1pk: keys.eventDeliveries(eventId),
    gsi1sk: id,
    gsi2pk: keys.endpointDeliveries(endpointId),
    gsi2sk: `pending#${id}`,
    kind: 'webhook_delivery',
    id,
    event_id: eventId,
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
    id,
    operations: [
      { type: 'put', item, condition: { attributeNotExists: 'pk' } },
      deps.queue.sendOperation(deliveryQueueName, { id, body: { delivery_id: id } }),
    ],
  };
}

async function merchantEndpoints(deps: WebhookDeps, merchantId: string): Promise<EndpointItem[]> {
  const page = await deps.store.query({ index: 'gsi1', partition: keys.merchantEndpoints(merchantId), limit: maxEndpointsPerMerchant + 1 });
  return page.items.filter((item): item is EndpointItem => item.kind === 'webhook_endpoint');
}

/**
 * Subscribes the fan-out: every event naming a `merchant` is recorded in that merchant's event
 * list and gets one delivery per enabled endpoint subscribed to its type. The event's record,
 * created only if absent, is the dedupe: it commits with the deliveries and their queue
 * messages, so a redelivered event fans out once.
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
  const now = deps.clock.now();
  const event = publicEvent(envelope);
  const targets = (await merchantEndpoints(deps, merchantId)).filter((endpoint) => endpoint.status === 'enabled' && subscribesTo(endpoint, event.type));
  // The event's record goes first and only once: a redelivered event finds it and changes nothing.
  try {
    await deps.store.transact([eventPut(merchantId, event), ...targets.flatMap((endpoint) => deliveryWrites(deps, merchantId, event, endpoint.id, now).operations)]);
    return 'applied';
  } catch (error) {
    if (isDuplicateDelivery(error, 0)) return 'duplicate';
    throw error;
  }
}

function eventNotFound(id: string): AppError {
  return new AppError('not_found', `no event ${id}`, { param: 'id' });
}

async function findEvent(deps: WebhookDeps, merchantId: string, id: string): Promise<EventItem> {
  const item = await deps.store.get(keys.event(id));
  if (!item || item.kind !== 'webhook_event' || item.merchant !== merchantId) throw eventNotFound(id);
  return item as EventItem;
}

export async function listEvents(deps: WebhookDeps, merchantId: string, options: { limit: number; startingAfter?: string; type?: string }) {
  const page = await deps.store.query({
    index: options.type ? 'gsi2' : 'gsi1',
    partition: options.type ? keys.merchantEventsOfType(merchantId, options.type) : keys.merchantEvents(merchantId),
    direction: 'desc',
    ...(options.startingAfter ? { sort: { op: '<' as const, value: options.startingAfter } } : {}),
    limit: options.limit + 1,
  });
  const items = page.items.filter((item): item is EventItem => item.kind === 'webhook_event');
  const data = items.slice(0, options.limit).map((item) => item.event);
  return { data, next_cursor: items.length > options.limit ? data.at(-1)?.id : undefined };
}

export async function getEvent(deps: WebhookDeps, merchantId: string, id: string): Promise<PublicEvent> {
  return (await findEvent(deps, merchantId, id)).event;
}

export function deliveryView(item: DeliveryItem): DeliveryView {
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

function page(items: Item[], cursor: string | undefined) {
  const data = items.filter((item): item is DeliveryItem => item.kind === 'webhook_delivery').map(deliveryView);
  return { data, next_cursor: cursor };
}

export async function listEventDeliveries(deps: WebhookDeps, merchantId: string, eventId: string, limit: number, cursor?: string) {
  await findEvent(deps, merchantId, eventId);
  const result = await deps.store.query({ index: 'gsi1', partition: keys.eventDeliveries(eventId), limit, ...(cursor ? { cursor } : {}) });
  return page(result.items, result.cursor);
}

/** An endpoint's deliveries, optionally of one status (`dead`: the dead-letter list). */
export async function listEndpointDeliveries(
  deps: WebhookDeps,
  merchantId: string,
  endpointId: string,
  options: { limit: number; cursor?: string; status?: DeliveryStatus },
) {
  await findEndpoint(deps, merchantId, endpointId);
  const result = await deps.store.query({
    index: 'gsi2',
    partition: keys.endpointDeliveries(endpointId),
    ...(options.status ? { sort: { op: 'begins_with' as const, value: `${options.status}#` } } : {}),
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return page(result.items, result.cursor);
}

/**
 * Sends the event again as new deliveries: to `endpointId`, or to every enabled endpoint now
 * subscribed to its type. The way to replay a dead delivery.
 */
export async function redeliverEvent(deps: WebhookDeps, merchantId: string, eventId: string, endpointId?: string): Promise<DeliveryView[]> {
  const event = await findEvent(deps, merchantId, eventId);
  const targets = endpointId
    ? [await findEndpoint(deps, merchantId, endpointId)]
    : (await merchantEndpoints(deps, merchantId)).filter((endpoint) => endpoint.status === 'enabled' && subscribesTo(endpoint, event.event.type));
  return createDeliveries(deps, merchantId, event.event, targets, []);
}

/** Sends a `test.webhook` event to this endpoint only; it is listed with the merchant's events. */
export async function sendTestEvent(deps: WebhookDeps, merchantId: string, endpointId: string): Promise<{ event: PublicEvent; delivery: DeliveryView }> {
  const endpoint = await findEndpoint(deps, merchantId, endpointId);
  const now = deps.clock.now();
  const event: PublicEvent = {
    id: newId('event', now),
    object: 'event',
    type: testEventType,
    created: Math.floor(now / 1000),
    livemode: false,
    data: { object: { id: endpoint.id, object: 'webhook_endpoint', url: endpoint.url } },
  };
  const [delivery] = await createDeliveries(deps, merchantId, event, [endpoint], [eventPut(merchantId, event)]);
  return { event, delivery: delivery! };
}

async function createDeliveries(deps: WebhookDeps, merchantId: string, event: Pick<PublicEvent, 'id' | 'type'>, targets: EndpointItem[], extra: WriteOperation[]): Promise<DeliveryView[]> {
  if (targets.length === 0) return [];
  const now = deps.clock.now();
  const created = targets.map((endpoint) => ({ endpoint, ...deliveryWrites(deps, merchantId, event, endpoint.id, now) }));
  await deps.store.transact([...extra, ...created.flatMap((c) => c.operations)]);
  return created.map((c) => ({
    id: c.id,
    object: 'webhook_delivery' as const,
    event: event.id,
    event_type: event.type,
    endpoint: c.endpoint.id,
    status: 'pending' as const,
    attempt_count: 0,
    next_attempt_at: isoTime(now),
    created_at: isoTime(now),
    attempts: [],
  }));
}
