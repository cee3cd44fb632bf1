import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { rememberPeople } from '../lib/contacts.ts';
import { activityKeys } from './activity.ts';
import { apiFetch, type Page } from './client.ts';
import type { components } from './schema.gen.ts';
import { walletKeys } from './wallet.ts';

/** A request for money; `requester_user` and `payer_user` name who asked and who is asked to pay. */
export type PaymentRequest = components['schemas']['PaymentRequest'];
export type PaymentRequestStatus = PaymentRequest['status'];
export type PaymentRequestRole = 'incoming' | 'outgoing';
export type PaymentRequestAction = 'accept' | 'decline' | 'cancel';

export type RequestMoneyInput = components['schemas']['CreatePaymentRequest'] & { idempotencyKey: string };

export const paymentRequestKeys = {
  all: ['payment-requests'] as const,
  list: (role: PaymentRequestRole) => [...paymentRequestKeys.all, role] as const,
};

export async function fetchPaymentRequests(
  role: PaymentRequestRole,
  signal?: AbortSignal,
): Promise<Page<PaymentRequest>> {
  const page = await apiFetch<Page<PaymentRequest>>(
    `/v1/payment-requests?role=${role}&limit=100`,
    signal ? { signal } : {},
  );
  rememberPeople(
    page.data.map((request) => (role === 'incoming' ? request.requester_user : request.payer_user)),
  );
  return page;
}

export function requestMoney({ idempotencyKey, ...body }: RequestMoneyInput): Promise<PaymentRequest> {
  return apiFetch('/v1/payment-requests', { method: 'POST', body, idempotencyKey });
}

export function actOnPaymentRequest(id: string, action: PaymentRequestAction): Promise<PaymentRequest> {
  return apiFetch(`/v1/payment-requests/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    idempotencyKey: `${id}-${action}`,
  });
}

export function usePaymentRequests(role: PaymentRequestRole) {
  return useQuery({
    queryKey: paymentRequestKeys.list(role),
    queryFn: ({ signal }) => fetchPaymentRequests(role, signal),
  });
}

export function useRequestMoney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestMoney,
    onSuccess: (request) => {
      rememberPeople([request.payer_user]);
      void queryClient.invalidateQueries({ queryKey: paymentRequestKeys.all });
    },
  });
}

export function usePaymentRequestAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: PaymentRequestAction }) =>
      actOnPaymentRequest(id, action),
    onSettled: (_result, _error, { action }) => {
      void queryClient.invalidateQueries({ queryKey: paymentRequestKeys.all });
      if (action === 'accept') {
        void queryClient.invalidateQueries({ queryKey: walletKeys.all });
        void queryClient.invalidateQueries({ queryKey: activityKeys.all });
      }
    },
  });
}
