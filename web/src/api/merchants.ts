import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, type Page, type RequestOptions } from './client.ts';
import type { components } from './schema.gen.ts';

/** A sandbox merchant the signed-in user owns (`/v1/merchants`). */
export type Merchant = components['schemas']['Merchant'];
export type ApiKey = components['schemas']['ApiKey'];
/** Only the create answer carries the secret. */
export type CreatedApiKey = components['schemas']['CreatedApiKey'];

/**
 * Every developer query lives under this root, merchant first, so a realtime payment event can
 * refetch them all: `['developer', merchantId, resource, …]`.
 */
export const developerRoot = ['developer'] as const;

export const merchantKeys = {
  all: [...developerRoot, 'merchants'] as const,
  one: (merchantId: string) => [...developerRoot, merchantId, 'merchant'] as const,
  apiKeys: (merchantId: string) => [...developerRoot, merchantId, 'api-keys'] as const,
};

/**
 * Calls the merchant API as the signed-in owner: the user's token plus `Sluice-Merchant`.
 * Every payments and webhooks fetcher goes through here.
 */
export function merchantFetch<T>(merchantId: string, path: string, options: RequestOptions = {}): Promise<T> {
  return apiFetch<T>(path, { ...options, headers: { ...options.headers, 'sluice-merchant': merchantId } });
}

export const fetchMerchants = () => apiFetch<Page<Merchant>>('/v1/merchants');
export const fetchMerchant = (id: string) => apiFetch<Merchant>(`/v1/merchants/${encodeURIComponent(id)}`);
export const fetchApiKeys = (merchantId: string) =>
  apiFetch<Page<ApiKey>>(`/v1/merchants/${encodeURIComponent(merchantId)}/api-keys`);

export function useMerchants() {
  return useQuery({ queryKey: merchantKeys.all, queryFn: fetchMerchants });
}

export function useMerchant(merchantId: string) {
  return useQuery({ queryKey: merchantKeys.one(merchantId), queryFn: () => fetchMerchant(merchantId) });
}

export function useCreateMerchant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; idempotencyKey: string }) =>
      apiFetch<Merchant>('/v1/merchants', {
        method: 'POST',
        body: { name: input.name },
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: merchantKeys.all }),
  });
}

export function useApiKeys(merchantId: string) {
  return useQuery({ queryKey: merchantKeys.apiKeys(merchantId), queryFn: () => fetchApiKeys(merchantId) });
}

export function useCreateApiKey(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name?: string; rate_limit_per_minute?: number; idempotencyKey: string }) => {
      const { idempotencyKey, ...body } = input;
      return apiFetch<CreatedApiKey>(`/v1/merchants/${encodeURIComponent(merchantId)}/api-keys`, {
        method: 'POST',
        body,
        idempotencyKey,
      });
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: merchantKeys.apiKeys(merchantId) }),
  });
}

export function useRevokeApiKey(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      apiFetch<ApiKey>(
        `/v1/merchants/${encodeURIComponent(merchantId)}/api-keys/${encodeURIComponent(keyId)}`,
        { method: 'DELETE' },
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: merchantKeys.apiKeys(merchantId) }),
  });
}
