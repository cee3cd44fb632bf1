import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../../api/client.ts';
import { merchantFetch } from '../../api/merchants.ts';
import type { components } from '../../api/schema.gen.ts';
import { hubKeys } from './api.ts';

/** Vendors (connected accounts), their split payments and payouts, for one merchant. */
export type Vendor = components['schemas']['Vendor'];
export type CreateVendor = components['schemas']['CreateVendor'];
export type SplitGroup = components['schemas']['SplitGroup'];
export type VendorPayout = components['schemas']['VendorPayout'];
export type CreateVendorPayout = components['schemas']['CreateVendorPayout'];
/** What a payout under the merchant's approval policy answers instead (202). */
export type ApprovalRequest = components['schemas']['ApprovalRequest'];

/** Query keys, defined once (under the hub's, so a hub mutation refreshes them too). */
export const vendorKeys = {
  all: (merchantId: string) => [...hubKeys.all(merchantId), 'vendors'] as const,
  list: (merchantId: string, cursor: string | undefined) =>
    [...hubKeys.all(merchantId), 'vendors', 'list', cursor ?? null] as const,
  vendor: (merchantId: string, id: string) => [...hubKeys.all(merchantId), 'vendors', id] as const,
  splits: (merchantId: string, id: string) => [...hubKeys.all(merchantId), 'vendors', id, 'splits'] as const,
  payouts: (merchantId: string, id: string) =>
    [...hubKeys.all(merchantId), 'vendors', id, 'payouts'] as const,
};

const path = (id: string, rest = '') => `/v1/vendors/${encodeURIComponent(id)}${rest}`;

export function useVendors(merchantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: vendorKeys.list(merchantId, cursor),
    queryFn: () => {
      const query = new URLSearchParams({ limit: '20' });
      if (cursor) query.set('starting_after', cursor);
      return merchantFetch<Page<Vendor>>(merchantId, `/v1/vendors?${query}`);
    },
    placeholderData: keepPreviousData,
  });
}

export const useVendor = (merchantId: string, id: string) =>
  useQuery({
    queryKey: vendorKeys.vendor(merchantId, id),
    queryFn: () => merchantFetch<Vendor>(merchantId, path(id)),
  });

export const useVendorSplits = (merchantId: string, id: string) =>
  useQuery({
    queryKey: vendorKeys.splits(merchantId, id),
    queryFn: () => merchantFetch<Page<SplitGroup>>(merchantId, path(id, '/splits?limit=50')),
  });

export const useVendorPayouts = (merchantId: string, id: string) =>
  useQuery({
    queryKey: vendorKeys.payouts(merchantId, id),
    queryFn: () => merchantFetch<Page<VendorPayout>>(merchantId, path(id, '/payouts?limit=50')),
  });

function useVendorMutation<I, O>(merchantId: string, run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vendorKeys.all(merchantId) }),
  });
}

export const useCreateVendor = (merchantId: string) =>
  useVendorMutation(merchantId, (body: CreateVendor) =>
    merchantFetch<Vendor>(merchantId, '/v1/vendors', { method: 'POST', body }),
  );

/** A payout with its own Idempotency-Key, kept by the caller across retries of one submission. */
export const useCreateVendorPayout = (merchantId: string, id: string) =>
  useVendorMutation(merchantId, (input: { body: CreateVendorPayout; idempotencyKey: string }) =>
    merchantFetch<VendorPayout | ApprovalRequest>(merchantId, path(id, '/payouts'), {
      method: 'POST',
      body: input.body,
      idempotencyKey: input.idempotencyKey,
    }),
  );

export const useSettleVendors = (merchantId: string) =>
  useVendorMutation(merchantId, () =>
    merchantFetch<{ settled: number }>(merchantId, '/v1/test-helpers/vendors/settle', { method: 'POST' }),
  );
