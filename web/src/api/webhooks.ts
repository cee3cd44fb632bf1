import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApprovalEventData } from '../../../server/src/approvals/model.ts';
import type { BillingEventData } from '../../../server/src/billing/billing-model.ts';
import type { OrderEventData } from '../../../server/src/commerce/order-model.ts';
import type { HubEventData } from '../../../server/src/hub/intent-model.ts';
import type { PaymentEventData } from '../../../server/src/payments/model.ts';
import type { PayoutEventData } from '../../../server/src/payouts/payout-model.ts';
import type { Page } from './client.ts';
import { webhookEventTypes } from './catalog.gen.ts';
import {
  approvalEventTypes,
  billingEventTypes,
  hubEventTypes,
  isTypeOf,
  orderEventTypes,
  paymentEventTypes,
  payoutEventTypes,
} from './event-types.ts';
import { developerRoot, merchantFetch } from './merchants.ts';
import type { components } from './schema.gen.ts';

export { webhookEventTypes };
/** An event type an endpoint can subscribe to. */
export type WebhookEventType = (typeof webhookEventTypes)[number];
/** What an endpoint's `events` holds when sent: event types, or `*` for all of them. */
export type EndpointEvent = components['schemas']['CreateWebhookEndpoint']['events'][number];

export function isEndpointEvent(type: string): type is EndpointEvent {
  return type === '*' || (webhookEventTypes as readonly string[]).includes(type);
}

/** A webhook endpoint; `secret` is only in the answers of create and rotate-secret. */
export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];

/** An event's envelope as `GET /v1/events` lists it; the schema leaves `data` open. */
type EventEnvelope = Omit<components['schemas']['Event'], 'type' | 'data'>;

/** The events of one product: per type of its event-data map, `{ type, data }` with that data. */
type EventsOf<Data> = { [K in keyof Data]: EventEnvelope & { type: K; data: Data[K] } }[keyof Data];

/**
 * An event of a product whose data the dashboard reads, typed by the server's own definition of it
 * (`PaymentEventData`, `OrderEventData`, `PayoutEventData`, `HubEventData`, `BillingEventData`,
 * `ApprovalEventData`, imported type-only): a renamed event type or field breaks `tsc -p web`
 * where the pages read it and in the tests' fixtures.
 */
export type KnownEvent =
  | EventsOf<PaymentEventData>
  | EventsOf<OrderEventData>
  | EventsOf<PayoutEventData>
  | EventsOf<HubEventData>
  | EventsOf<BillingEventData>
  | EventsOf<ApprovalEventData>;

/**
 * An event of a type the dashboard does not know (`test.webhook`, or one the server added since
 * this build): the log may hold it, and the pages show it too, its data as sent, read field by
 * field.
 */
export type OtherEvent = EventEnvelope & { type: string; data: unknown };

/** An event of the log. `isKnownEvent` tells them apart: `type: string` covers every known type too. */
export type SluiceEvent = KnownEvent | OtherEvent;

/**
 * Whether the dashboard knows the event's type, and so its data. The log's JSON is typed, not
 * checked: this reads the type alone.
 */
export function isKnownEvent(event: SluiceEvent): event is KnownEvent {
  return (
    isTypeOf(paymentEventTypes, event.type) ||
    isTypeOf(orderEventTypes, event.type) ||
    isTypeOf(payoutEventTypes, event.type) ||
    isTypeOf(hubEventTypes, event.type) ||
    isTypeOf(billingEventTypes, event.type) ||
    isTypeOf(approvalEventTypes, event.type)
  );
}

export type DeliveryAttempt = components['schemas']['WebhookDeliveryAttempt'];
export type Delivery = components['schemas']['WebhookDelivery'];

export const webhookKeys = {
  endpoints: (merchantId: string) => [...developerRoot, merchantId, 'webhook-endpoints'] as const,
  endpoint: (merchantId: string, endpointId: string) =>
    [...developerRoot, merchantId, 'webhook-endpoints', endpointId] as const,
  deliveries: (merchantId: string, endpointId: string, status?: Delivery['status']) =>
    [...developerRoot, merchantId, 'webhook-endpoints', endpointId, 'deliveries', status ?? 'all'] as const,
  events: (merchantId: string) => [...developerRoot, merchantId, 'events'] as const,
  eventLog: (merchantId: string, filter: EventFilter) =>
    [...developerRoot, merchantId, 'events', 'log', filter.type ?? 'all', filter.cursor ?? null] as const,
};

/** A page of the event log: one type or all, from a cursor (`starting_after`) or the newest. */
export interface EventFilter {
  type?: string | undefined;
  cursor?: string | undefined;
}

const endpointPath = (endpointId: string) => `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}`;

export const fetchEndpoints = (merchantId: string) =>
  merchantFetch<Page<WebhookEndpoint>>(merchantId, '/v1/webhook-endpoints?limit=100');
export const fetchEndpoint = (merchantId: string, endpointId: string) =>
  merchantFetch<WebhookEndpoint>(merchantId, endpointPath(endpointId));
export function fetchDeliveries(merchantId: string, endpointId: string, status?: Delivery['status']) {
  return merchantFetch<Page<Delivery>>(
    merchantId,
    `${endpointPath(endpointId)}/deliveries?limit=50${status ? `&status=${status}` : ''}`,
  );
}
export function fetchEvents(
  merchantId: string,
  filter: EventFilter & { limit?: number } = {},
): Promise<Page<SluiceEvent>> {
  const query = new URLSearchParams({ limit: String(filter.limit ?? 100) });
  if (filter.type) query.set('type', filter.type);
  if (filter.cursor) query.set('starting_after', filter.cursor);
  return merchantFetch(merchantId, `/v1/events?${query}`);
}

export function useEndpoints(merchantId: string) {
  return useQuery({ queryKey: webhookKeys.endpoints(merchantId), queryFn: () => fetchEndpoints(merchantId) });
}

export function useEndpoint(merchantId: string, endpointId: string) {
  return useQuery({
    queryKey: webhookKeys.endpoint(merchantId, endpointId),
    queryFn: () => fetchEndpoint(merchantId, endpointId),
  });
}

/**
 * Deliveries are made by a worker after the request: poll every 2 s while one is pending, else
 * slowly. Dashboard calls count against the merchant's rate limit (100 a minute by default), so
 * the developer pages poll little and rely on realtime invalidation for the rest.
 */
export function useDeliveries(merchantId: string, endpointId: string, status?: Delivery['status']) {
  return useQuery({
    queryKey: webhookKeys.deliveries(merchantId, endpointId, status),
    queryFn: () => fetchDeliveries(merchantId, endpointId, status),
    refetchInterval:
      status === 'dead'
        ? false
        : (query) => (query.state.data?.data.some((d) => d.status === 'pending') ? 2_000 : 15_000),
  });
}

/** The live event feed: the newest events, polled every 2 s (realtime invalidation makes it sooner). */
export function useEvents(merchantId: string, options: { live?: boolean } = {}) {
  return useQuery({
    queryKey: webhookKeys.events(merchantId),
    queryFn: () => fetchEvents(merchantId),
    refetchInterval: options.live === false ? false : 2_000,
    staleTime: 0,
  });
}

/**
 * One page of the event log (the Events page): 50 events, optionally of one type. The newest
 * page is polled every 2 s; older pages stand still. With a type, a page can be short, even
 * empty, and still have more after it (the server reads at most 1,000 events per call).
 */
export function useEventLog(merchantId: string, filter: EventFilter) {
  return useQuery({
    queryKey: webhookKeys.eventLog(merchantId, filter),
    queryFn: () => fetchEvents(merchantId, { ...filter, limit: 50 }),
    placeholderData: keepPreviousData,
    refetchInterval: filter.cursor ? false : 2_000,
    staleTime: 0,
  });
}

export function useCreateEndpoint(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      idempotencyKey,
      ...body
    }: components['schemas']['CreateWebhookEndpoint'] & { idempotencyKey: string }) =>
      merchantFetch<WebhookEndpoint>(merchantId, '/v1/webhook-endpoints', {
        method: 'POST',
        body,
        idempotencyKey,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(merchantId) }),
  });
}

/** What PATCH accepts: any of URL, events, description and status. */
export type EndpointChanges = components['schemas']['UpdateWebhookEndpoint'];

export function useUpdateEndpoint(merchantId: string, endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: EndpointChanges) =>
      merchantFetch<WebhookEndpoint>(merchantId, endpointPath(endpointId), {
        method: 'PATCH',
        body: changes,
      }),
    onSuccess: (endpoint) => {
      queryClient.setQueryData(webhookKeys.endpoint(merchantId, endpointId), endpoint);
      void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(merchantId), exact: true });
    },
  });
}

export function useDeleteEndpoint(merchantId: string, endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      merchantFetch<{ id: string; deleted: true }>(merchantId, endpointPath(endpointId), {
        method: 'DELETE',
      }),
    // Its own queries are left to expire: removing them while its page is still mounted would
    // refetch them, and a deleted endpoint answers 404.
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(merchantId), exact: true }),
  });
}

export function useRotateSecret(merchantId: string, endpointId: string) {
  return useMutation({
    mutationFn: (input: { idempotencyKey: string; expiresInSeconds?: number }) =>
      merchantFetch<WebhookEndpoint>(merchantId, `${endpointPath(endpointId)}/rotate-secret`, {
        method: 'POST',
        body: input.expiresInSeconds === undefined ? {} : { expires_in_seconds: input.expiresInSeconds },
        idempotencyKey: input.idempotencyKey,
      }),
  });
}

export function useSendTestEvent(merchantId: string, endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { idempotencyKey: string }) =>
      merchantFetch<{ event: SluiceEvent; delivery: Delivery }>(
        merchantId,
        `${endpointPath(endpointId)}/test`,
        { method: 'POST', idempotencyKey: input.idempotencyKey },
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoint(merchantId, endpointId) }),
  });
}

export function useRedeliver(merchantId: string, endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { eventId: string; idempotencyKey: string }) =>
      merchantFetch<{ data: Delivery[] }>(
        merchantId,
        `/v1/events/${encodeURIComponent(input.eventId)}/redeliver`,
        { method: 'POST', body: { endpoint: endpointId }, idempotencyKey: input.idempotencyKey },
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: webhookKeys.endpoint(merchantId, endpointId) }),
  });
}
