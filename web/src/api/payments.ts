import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from './client.ts';
import { developerRoot, merchantFetch, merchantKeys } from './merchants.ts';
import type { components } from './schema.gen.ts';

export { paymentStatuses } from './catalog.gen.ts';
export type PaymentStatus = Payment['status'];
export type PaymentDisplayStatus = Payment['display_status'];
export type BalanceTransaction = components['schemas']['BalanceTransaction'];

/** A sandbox card payment (`/v1/payments`). */
export type Payment = components['schemas']['Payment'];
export type Refund = components['schemas']['Refund'];
export type MerchantBalance = components['schemas']['MerchantBalance'];
export type AdvanceClockResult = components['schemas']['AdvanceClockResult'];
export type CreatePaymentInput = components['schemas']['CreatePayment'];

export const paymentKeys = {
  all: (merchantId: string) => [...developerRoot, merchantId, 'payments'] as const,
  list: (merchantId: string, filter: { status?: PaymentStatus | undefined; cursor?: string | undefined }) =>
    [
      ...developerRoot,
      merchantId,
      'payments',
      'list',
      filter.status ?? 'all',
      filter.cursor ?? null,
    ] as const,
  one: (merchantId: string, paymentId: string) =>
    [...developerRoot, merchantId, 'payments', 'one', paymentId] as const,
  balance: (merchantId: string) => [...developerRoot, merchantId, 'balance'] as const,
};

export function fetchPayments(
  merchantId: string,
  filter: { status?: PaymentStatus | undefined; cursor?: string | undefined; limit?: number },
): Promise<Page<Payment>> {
  const query = new URLSearchParams({ limit: String(filter.limit ?? 20) });
  if (filter.status) query.set('status', filter.status);
  if (filter.cursor) query.set('starting_after', filter.cursor);
  return merchantFetch(merchantId, `/v1/payments?${query}`);
}
export const fetchPayment = (merchantId: string, paymentId: string) =>
  merchantFetch<Payment>(merchantId, `/v1/payments/${encodeURIComponent(paymentId)}`);
export const fetchBalance = (merchantId: string) => merchantFetch<MerchantBalance>(merchantId, '/v1/balance');

export function usePayments(
  merchantId: string,
  filter: { status?: PaymentStatus | undefined; cursor?: string | undefined },
) {
  return useQuery({
    queryKey: paymentKeys.list(merchantId, filter),
    queryFn: () => fetchPayments(merchantId, filter),
    placeholderData: keepPreviousData,
  });
}

export function usePayment(merchantId: string, paymentId: string) {
  return useQuery({
    queryKey: paymentKeys.one(merchantId, paymentId),
    queryFn: () => fetchPayment(merchantId, paymentId),
  });
}

export function useBalance(merchantId: string) {
  return useQuery({ queryKey: paymentKeys.balance(merchantId), queryFn: () => fetchBalance(merchantId) });
}

/** After any money movement: the payments, the balance and the event feed change. */
function useInvalidateMerchant(merchantId: string) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: [...developerRoot, merchantId] });
}

export function useCreatePayment(merchantId: string) {
  const invalidate = useInvalidateMerchant(merchantId);
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: CreatePaymentInput & { idempotencyKey: string }) =>
      merchantFetch<Payment>(merchantId, '/v1/payments', { method: 'POST', body, idempotencyKey }),
    // A decline (402) records a failed payment too.
    onSettled: invalidate,
  });
}

export function useCapturePayment(merchantId: string, paymentId: string) {
  const invalidate = useInvalidateMerchant(merchantId);
  return useMutation({
    mutationFn: (input: { amount?: number; idempotencyKey: string }) =>
      merchantFetch<Payment>(merchantId, `/v1/payments/${encodeURIComponent(paymentId)}/capture`, {
        method: 'POST',
        body: input.amount === undefined ? {} : { amount: input.amount },
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: invalidate,
  });
}

export function useVoidPayment(merchantId: string, paymentId: string) {
  const invalidate = useInvalidateMerchant(merchantId);
  return useMutation({
    mutationFn: (input: { idempotencyKey: string }) =>
      merchantFetch<Payment>(merchantId, `/v1/payments/${encodeURIComponent(paymentId)}/void`, {
        method: 'POST',
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: invalidate,
  });
}

export function useRefundPayment(merchantId: string, paymentId: string) {
  const invalidate = useInvalidateMerchant(merchantId);
  return useMutation({
    mutationFn: (input: { amount?: number; idempotencyKey: string }) =>
      merchantFetch<Refund>(merchantId, '/v1/refunds', {
        method: 'POST',
        body: { payment: paymentId, ...(input.amount === undefined ? {} : { amount: input.amount }) },
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: invalidate,
  });
}

export function useAdvanceClock(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { seconds: number; idempotencyKey: string }) =>
      merchantFetch<AdvanceClockResult>(merchantId, '/v1/test-helpers/advance-clock', {
        method: 'POST',
        body: { seconds: input.seconds },
        idempotencyKey: input.idempotencyKey,
      }),
    onSuccess: (result) => {
      queryClient.setQueryData(
        merchantKeys.one(merchantId),
        (merchant: { sandbox_time: string } | undefined) =>
          merchant ? { ...merchant, sandbox_time: result.sandbox_time } : merchant,
      );
      void queryClient.invalidateQueries({ queryKey: [...developerRoot, merchantId] });
    },
  });
}
