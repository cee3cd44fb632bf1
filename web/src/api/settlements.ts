import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Page } from './client.ts';
import { developerRoot, merchantFetch } from './merchants.ts';
import type { components } from './schema.gen.ts';

/** A T+1 settlement: one sandbox day's captures moved from pending to available (`/v1/settlements`). */
export type Settlement = components['schemas']['Settlement'];
export type SettlementLine = components['schemas']['SettlementLine'];

export const settlementKeys = {
  list: (merchantId: string, cursor: string | undefined) =>
    [...developerRoot, merchantId, 'settlements', 'list', cursor ?? null] as const,
  one: (merchantId: string, settlementId: string) =>
    [...developerRoot, merchantId, 'settlements', 'one', settlementId] as const,
};

export function fetchSettlements(
  merchantId: string,
  cursor: string | undefined,
  limit = 20,
): Promise<Page<Settlement>> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('starting_after', cursor);
  return merchantFetch(merchantId, `/v1/settlements?${query}`);
}
export const fetchSettlement = (merchantId: string, settlementId: string) =>
  merchantFetch<Settlement>(merchantId, `/v1/settlements/${encodeURIComponent(settlementId)}`);

export function useSettlements(merchantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: settlementKeys.list(merchantId, cursor),
    queryFn: () => fetchSettlements(merchantId, cursor),
    placeholderData: keepPreviousData,
  });
}

export function useSettlement(merchantId: string, settlementId: string) {
  return useQuery({
    queryKey: settlementKeys.one(merchantId, settlementId),
    queryFn: () => fetchSettlement(merchantId, settlementId),
  });
}
