import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../../../api/client.ts';
import { developerRoot, merchantFetch } from '../../../api/merchants.ts';
import type { Delivery, SluiceEvent } from '../../../api/webhooks.ts';

const eventPath = (eventId: string) => `/v1/events/${encodeURIComponent(eventId)}`;

export const eventKeys = {
  event: (merchantId: string, eventId: string) => [...developerRoot, merchantId, 'event', eventId] as const,
  deliveries: (merchantId: string, eventId: string) =>
    [...developerRoot, merchantId, 'event', eventId, 'deliveries'] as const,
};

/** One event (`GET /v1/events/{id}`): it does not change, so it is read once. */
export function useEvent(merchantId: string, eventId: string) {
  return useQuery({
    queryKey: eventKeys.event(merchantId, eventId),
    queryFn: () => merchantFetch<SluiceEvent>(merchantId, eventPath(eventId)),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Its deliveries, each with its attempts: polled every 2 s while one waits, else every 15 s. */
export function useEventDeliveries(merchantId: string, eventId: string) {
  return useQuery({
    queryKey: eventKeys.deliveries(merchantId, eventId),
    queryFn: () => merchantFetch<Page<Delivery>>(merchantId, `${eventPath(eventId)}/deliveries?limit=100`),
    refetchInterval: (query) => (query.state.data?.data.some((d) => d.status === 'pending') ? 2_000 : 15_000),
  });
}

/** Sends the event again: to one endpoint, or to every subscribed, enabled endpoint. */
export function useRedeliverEvent(merchantId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { endpoint?: string; idempotencyKey: string }) =>
      merchantFetch<{ data: Delivery[] }>(merchantId, `${eventPath(eventId)}/redeliver`, {
        method: 'POST',
        body: input.endpoint ? { endpoint: input.endpoint } : {},
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: eventKeys.deliveries(merchantId, eventId) }),
  });
}
