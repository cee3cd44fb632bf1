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

/** The payments list's filters (all optional; `GET /v1/payments` applies them together). */
export interface PaymentFilter {
  display_status?: PaymentDisplayStatus | undefined;
  /** Part of the id or description, or an amount (`25.00`). */
  q?: string | undefined;
  /** Sandbox dates, `YYYY-MM-DD`: from (inclusive) and to (inclusive, the whole day). */
  from?: string | undefined;
  to?: string | undefined;
}

export const paymentKeys = {
  all: (merchantId: string) => [...developerRoot, merchantId, 'payments'] as const,
  list: (merchantId: string, filter: PaymentFilter & { cursor?: string | undefined }) =>
    [
      ...developerRoot,
      merchantId,
      'payments',
      'list',
      filter.display_status ?? 'all',
      filter.q ?? '',
      filter.from ?? '',
      filter.to ?? '',
      filter.cursor ?? null,
    ] as const,
  one: (merchantId: string, paymentId: string) =>
    [...developerRoot, merchantId, 'payments', 'one', paymentId] as const,
  balance: (merchantId: string) => [...developerRoot, merchantId, 'balance'] as const,
  balanceTransactions: (merchantId: string, currency: string, cursor: string | undefined) =>
    [...developerRoot, merchantId, 'balance', 'transactions', currency, cursor ?? null] as const,
};

const dayMs = 24 * 3600 * 1000;

/** The query string of a filtered page: the day range becomes sandbox times (`to` is the whole day). */
export function paymentsQuery(
  filter: PaymentFilter & { cursor?: string | undefined; limit?: number },
): URLSearchParams {
  const query = new URLSearchParams({ limit: String(filter.limit ?? 20) });
  if (filter.display_status) query.set('display_status', filter.display_status);
  if (filter.q?.trim()) query.set('q', filter.q.trim());
  if (filter.from) query.set('created_gte', `${filter.from}T00:00:00.000Z`);
  if (filter.to)
    query.set('created_lt', new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + dayMs).toISOString());
  if (filter.cursor) query.set('starting_after', filter.cursor);
  return query;
}

export function fetchPayments(
  merchantId: string,
  filter: PaymentFilter & { cursor?: string | undefined; limit?: number },
): Promise<Page<Payment>> {
  return merchantFetch(merchantId, `/v1/payments?${paymentsQuery(filter)}`);
}

/** Every payment passing `filter`, page by page, at most `max` (for a CSV export). */
export async function fetchAllPayments(
  merchantId: string,
  filter: PaymentFilter,
  max = 1_000,
): Promise<{ payments: Payment[]; truncated: boolean }> {
  const payments: Payment[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPayments(merchantId, { ...filter, cursor, limit: 100 });
    payments.push(...page.data);
    cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
  } while (cursor && payments.length < max);
  return { payments: payments.slice(0, max), truncated: cursor !== undefined || payments.length > max };
}

export const fetchBalanceTransactions = (
  merchantId: string,
  currency: string,
  cursor: string | undefined,
) => {
  const query = new URLSearchParams({ limit: '25', currency });
  if (cursor) query.set('starting_after', cursor);
  return merchantFetch<Page<BalanceTransaction>>(merchantId, `/v1/balance/transactions?${query}`);
};

export function useBalanceTransactions(merchantId: string, currency: string, cursor: string | undefined) {
  return useQuery({
    queryKey: paymentKeys.balanceTransactions(merchantId, currency, cursor),
    queryFn: () => fetchBalanceTransactions(merchantId, currency, cursor),
    placeholderData: keepPreviousData,
  });
}
export const fetchPayment = (merchantId: string, paymentId: string) =>
  merchantFetch<Payment>(merchantId, `/v1/payments/${encodeURIComponent(paymentId)}`);
export const fetchBalance = (merchantId: string) => merchantFetch<MerchantBalance>(merchantId, '/v1/balance');

export function usePayments(merchantId: string, filter: PaymentFilter & { cursor?: string | undefined }) {
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
