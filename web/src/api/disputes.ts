import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { disputeEvidenceMaxLength } from './catalog.gen.ts';
import type { Page } from './client.ts';
import { developerRoot, merchantFetch } from './merchants.ts';
import type { components } from './schema.gen.ts';

export { disputeReasons, disputeStatuses } from './catalog.gen.ts';
export type DisputeStatus = Dispute['status'];

/** A chargeback on one of the merchant's payments (`/v1/disputes`). */
export type Dispute = components['schemas']['Dispute'];

/** The server's limit on evidence text (`DisputeEvidence.text`). */
export const evidenceMaxLength = disputeEvidenceMaxLength;

export const disputeKeys = {
  list: (merchantId: string, cursor: string | undefined) =>
    [...developerRoot, merchantId, 'disputes', 'list', cursor ?? null] as const,
  one: (merchantId: string, disputeId: string) =>
    [...developerRoot, merchantId, 'disputes', 'one', disputeId] as const,
};

export function fetchDisputes(
  merchantId: string,
  cursor: string | undefined,
  limit = 20,
): Promise<Page<Dispute>> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('starting_after', cursor);
  return merchantFetch(merchantId, `/v1/disputes?${query}`);
}
export const fetchDispute = (merchantId: string, disputeId: string) =>
  merchantFetch<Dispute>(merchantId, `/v1/disputes/${encodeURIComponent(disputeId)}`);

export function useDisputes(merchantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: disputeKeys.list(merchantId, cursor),
    queryFn: () => fetchDisputes(merchantId, cursor),
    placeholderData: keepPreviousData,
  });
}

export function useDispute(merchantId: string, disputeId: string) {
  return useQuery({
    queryKey: disputeKeys.one(merchantId, disputeId),
    queryFn: () => fetchDispute(merchantId, disputeId),
  });
}

/** The reasons the sandbox can open a dispute with (`OpenDispute.reason`, `disputeReasons`). */
export type DisputeReason = NonNullable<components['schemas']['OpenDispute']['reason']>;

/** Opens a test dispute on a succeeded payment (`POST /v1/test-helpers/disputes`). */
export function useOpenTestDispute(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { payment: string; reason: DisputeReason; idempotencyKey: string }) =>
      merchantFetch<Dispute>(merchantId, '/v1/test-helpers/disputes', {
        method: 'POST',
        body: { payment: input.payment, reason: input.reason },
        idempotencyKey: input.idempotencyKey,
      }),
    // The balance, the payment, the event log and the dispute list all change.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: [...developerRoot, merchantId] }),
  });
}

/** Answering or accepting moves money and the balance: refetch everything about the merchant. */
function useDisputeMutation<Input>(
  merchantId: string,
  disputeId: string,
  request: (input: Input) => Promise<Dispute>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (dispute) => {
      queryClient.setQueryData(disputeKeys.one(merchantId, disputeId), dispute);
      void queryClient.invalidateQueries({ queryKey: [...developerRoot, merchantId] });
    },
  });
}

export function useSubmitEvidence(merchantId: string, disputeId: string) {
  return useDisputeMutation(merchantId, disputeId, (input: { text: string; idempotencyKey: string }) =>
    merchantFetch<Dispute>(merchantId, `/v1/disputes/${encodeURIComponent(disputeId)}/evidence`, {
      method: 'POST',
      body: { text: input.text },
      idempotencyKey: input.idempotencyKey,
    }),
  );
}

export function useAcceptDispute(merchantId: string, disputeId: string) {
  return useDisputeMutation(merchantId, disputeId, (input: { idempotencyKey: string }) =>
    merchantFetch<Dispute>(merchantId, `/v1/disputes/${encodeURIComponent(disputeId)}/accept`, {
      method: 'POST',
      idempotencyKey: input.idempotencyKey,
    }),
  );
}
