import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type Page } from '../../api/client.ts';
import { developerRoot, merchantFetch } from '../../api/merchants.ts';
import type { components } from '../../api/schema.gen.ts';
import { freshAccessToken } from '../../api/session.ts';

/** The processing hub's resources for one merchant: connectors, routing, payment intents, ACH files. */
export type Connector = components['schemas']['Connector'];
export type Routing = components['schemas']['Routing'];
export type PaymentIntent = components['schemas']['PaymentIntent'];
export type Attempt = PaymentIntent['attempts'][number];
export type ConnectorFault = components['schemas']['ConnectorFault'];
export type CreateConnector = components['schemas']['CreateConnector'];

/** Query keys, defined once. */
export const hubKeys = {
  all: (merchantId: string) => [...developerRoot, merchantId, 'hub'] as const,
  connectors: (merchantId: string) => [...developerRoot, merchantId, 'hub', 'connectors'] as const,
  routing: (merchantId: string) => [...developerRoot, merchantId, 'hub', 'routing'] as const,
  intents: (merchantId: string, cursor: string | undefined) =>
    [...developerRoot, merchantId, 'hub', 'intents', cursor ?? null] as const,
  intent: (merchantId: string, id: string) => [...developerRoot, merchantId, 'hub', 'intent', id] as const,
  achFile: (merchantId: string, day: string) => [...developerRoot, merchantId, 'hub', 'ach', day] as const,
};

export function useConnectors(merchantId: string) {
  return useQuery({
    queryKey: hubKeys.connectors(merchantId),
    queryFn: () => merchantFetch<Page<Connector>>(merchantId, '/v1/connectors'),
    // The breaker moves on its own as payments fail: keep it fresh while the page is open.
    refetchInterval: 5_000,
  });
}

export function useRouting(merchantId: string) {
  return useQuery({
    queryKey: hubKeys.routing(merchantId),
    queryFn: () => merchantFetch<Routing & { updated_at: string | null }>(merchantId, '/v1/routing'),
  });
}

export function useIntents(merchantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: hubKeys.intents(merchantId, cursor),
    queryFn: () => {
      const query = new URLSearchParams({ limit: '20' });
      if (cursor) query.set('starting_after', cursor);
      return merchantFetch<Page<PaymentIntent>>(merchantId, `/v1/payment-intents?${query}`);
    },
    placeholderData: keepPreviousData,
  });
}

export function useIntent(merchantId: string, id: string) {
  return useQuery({
    queryKey: hubKeys.intent(merchantId, id),
    queryFn: () => merchantFetch<PaymentIntent>(merchantId, `/v1/payment-intents/${encodeURIComponent(id)}`),
  });
}

/** The day's NACHA file as text (the API answers text/plain), or null when the day has none. */
export function useAchFile(merchantId: string, day: string) {
  return useQuery({
    queryKey: hubKeys.achFile(merchantId, day),
    queryFn: async ({ signal }) => {
      const token = await freshAccessToken();
      const response = await fetch(`/v1/ach/files/${encodeURIComponent(day)}`, {
        headers: { 'sluice-merchant': merchantId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal,
      });
      if (response.status === 404) return null;
      if (!response.ok) throw new ApiError(response.status, (await response.json().catch(() => ({})))?.error);
      return response.text();
    },
  });
}

function useHubMutation<I, O>(merchantId: string, run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: hubKeys.all(merchantId) }),
  });
}

export const useCreateConnector = (merchantId: string) =>
  useHubMutation(merchantId, (body: CreateConnector) =>
    merchantFetch<Connector>(merchantId, '/v1/connectors', { method: 'POST', body }),
  );
export const useDeleteConnector = (merchantId: string) =>
  useHubMutation(merchantId, (id: string) =>
    merchantFetch<Connector>(merchantId, `/v1/connectors/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  );
export const useSetFault = (merchantId: string) =>
  useHubMutation(merchantId, (input: { id: string; fault: ConnectorFault | null }) =>
    merchantFetch<Connector>(
      merchantId,
      `/v1/test-helpers/connectors/${encodeURIComponent(input.id)}/faults`,
      {
        method: input.fault ? 'POST' : 'DELETE',
        ...(input.fault ? { body: input.fault } : {}),
      },
    ),
  );
/** `PUT /v1/routing`: the shared client speaks GET, POST, PATCH and DELETE only. */
async function putRouting(merchantId: string, routing: Routing): Promise<Routing> {
  const token = await freshAccessToken();
  const response = await fetch('/v1/routing', {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      'sluice-merchant': merchantId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(routing),
  });
  const json = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, json?.error);
  return json as Routing;
}

export const useSaveRouting = (merchantId: string) =>
  useHubMutation(merchantId, (routing: Routing) => putRouting(merchantId, routing));
