import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Page } from '../../api/client.ts';
import { developerRoot, merchantFetch } from '../../api/merchants.ts';
import type { components } from '../../api/schema.gen.ts';

/** Recurring billing's resources for one merchant: plans, customers, subscriptions, invoices. */
export type Plan = components['schemas']['Plan'];
export type Customer = components['schemas']['Customer'];
export type PaymentMethod = components['schemas']['BillingPaymentMethod'];
export type Subscription = components['schemas']['Subscription'];
export type Invoice = components['schemas']['Invoice'];
export type CreatePlan = components['schemas']['CreatePlan'];
export type TestClock = components['schemas']['TestClock'];

/** Query keys, defined once. */
export const billingKeys = {
  all: (merchantId: string) => [...developerRoot, merchantId, 'billing'] as const,
  plans: (merchantId: string) => [...developerRoot, merchantId, 'billing', 'plans'] as const,
  customers: (merchantId: string) => [...developerRoot, merchantId, 'billing', 'customers'] as const,
  customer: (merchantId: string, id: string) =>
    [...developerRoot, merchantId, 'billing', 'customer', id] as const,
  methods: (merchantId: string, id: string) =>
    [...developerRoot, merchantId, 'billing', 'methods', id] as const,
  subscriptions: (merchantId: string, cursor: string | undefined) =>
    [...developerRoot, merchantId, 'billing', 'subscriptions', cursor ?? null] as const,
  subscription: (merchantId: string, id: string) =>
    [...developerRoot, merchantId, 'billing', 'subscription', id] as const,
  invoices: (merchantId: string, subscriptionId: string) =>
    [...developerRoot, merchantId, 'billing', 'invoices', subscriptionId] as const,
  clock: (merchantId: string) => [...developerRoot, merchantId, 'billing', 'clock'] as const,
};

const enc = encodeURIComponent;

export function usePlans(merchantId: string) {
  return useQuery({
    queryKey: billingKeys.plans(merchantId),
    queryFn: () => merchantFetch<Page<Plan>>(merchantId, '/v1/plans?limit=100'),
  });
}

export function useCustomers(merchantId: string) {
  return useQuery({
    queryKey: billingKeys.customers(merchantId),
    queryFn: () => merchantFetch<Page<Customer>>(merchantId, '/v1/customers?limit=100'),
  });
}

export function useCustomer(merchantId: string, id: string) {
  return useQuery({
    queryKey: billingKeys.customer(merchantId, id),
    queryFn: () => merchantFetch<Customer>(merchantId, `/v1/customers/${enc(id)}`),
  });
}

export function usePaymentMethods(merchantId: string, customerId: string | undefined) {
  return useQuery({
    queryKey: billingKeys.methods(merchantId, customerId ?? ''),
    queryFn: () =>
      merchantFetch<Page<PaymentMethod>>(merchantId, `/v1/customers/${enc(customerId!)}/payment-methods`),
    enabled: Boolean(customerId),
  });
}

export function useSubscriptions(merchantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: billingKeys.subscriptions(merchantId, cursor),
    queryFn: () => {
      const query = new URLSearchParams({ limit: '20' });
      if (cursor) query.set('starting_after', cursor);
      return merchantFetch<Page<Subscription>>(merchantId, `/v1/subscriptions?${query}`);
    },
    placeholderData: keepPreviousData,
  });
}

export function useSubscription(merchantId: string, id: string) {
  return useQuery({
    queryKey: billingKeys.subscription(merchantId, id),
    queryFn: () => merchantFetch<Subscription>(merchantId, `/v1/subscriptions/${enc(id)}`),
  });
}

export function useSubscriptionInvoices(merchantId: string, id: string) {
  return useQuery({
    queryKey: billingKeys.invoices(merchantId, id),
    queryFn: () => merchantFetch<Page<Invoice>>(merchantId, `/v1/subscriptions/${enc(id)}/invoices`),
  });
}

/** A mutation that refreshes everything billing shows once it succeeds. */
function useBillingMutation<I, O>(merchantId: string, run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: billingKeys.all(merchantId) }),
  });
}

const post = <T>(merchantId: string, path: string, body?: unknown, method: 'POST' | 'PATCH' = 'POST') =>
  merchantFetch<T>(merchantId, path, {
    method,
    ...(body !== undefined ? { body } : {}),
    ...(method === 'POST' ? { idempotencyKey: crypto.randomUUID() } : {}),
  });

export const useCreatePlan = (merchantId: string) =>
  useBillingMutation(merchantId, (body: CreatePlan) => post<Plan>(merchantId, '/v1/plans', body));
export const useCreateCustomer = (merchantId: string) =>
  useBillingMutation(merchantId, (body: { name?: string; email?: string }) =>
    post<Customer>(merchantId, '/v1/customers', body),
  );
export const useAddCard = (merchantId: string) =>
  useBillingMutation(merchantId, (input: { customer: string; number: string }) =>
    post<PaymentMethod>(merchantId, `/v1/customers/${enc(input.customer)}/payment-methods`, {
      type: 'card',
      card: { number: input.number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 5, cvc: '123' },
    }),
  );
export const useSetBehaviour = (merchantId: string) =>
  useBillingMutation(merchantId, (input: { customer: string; method: string; behaviour: string }) =>
    post<PaymentMethod>(
      merchantId,
      `/v1/customers/${enc(input.customer)}/payment-methods/${enc(input.method)}`,
      { test_behaviour: input.behaviour },
      'PATCH',
    ),
  );
export const useCreateSubscription = (merchantId: string) =>
  useBillingMutation(
    merchantId,
    (body: {
      customer: string;
      plan: string;
      payment_method: string;
      trial_days?: number;
      on_retries_exhausted?: 'cancel' | 'unpaid';
    }) => post<Subscription>(merchantId, '/v1/subscriptions', body),
  );
export const useChangePlan = (merchantId: string) =>
  useBillingMutation(merchantId, (input: { id: string; plan: string }) =>
    post<Subscription>(merchantId, `/v1/subscriptions/${enc(input.id)}`, { plan: input.plan }),
  );
export const useCancelSubscription = (merchantId: string) =>
  useBillingMutation(merchantId, (input: { id: string; atPeriodEnd: boolean }) =>
    post<Subscription>(merchantId, `/v1/subscriptions/${enc(input.id)}/cancel`, {
      at_period_end: input.atPeriodEnd,
    }),
  );
export const usePayInvoice = (merchantId: string) =>
  useBillingMutation(merchantId, (id: string) => post<Invoice>(merchantId, `/v1/invoices/${enc(id)}/pay`));
/**
 * Starts an advance of the sandbox clock: the server answers 202 with the clock `advancing` and
 * runs the cycles in the background; `useTestClock` follows it until it is `ready`.
 */
export function useAdvanceClock(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (seconds: number) =>
      post<TestClock>(merchantId, '/v1/test-helpers/billing/advance-clock', { seconds }),
    onSuccess: (clock) => queryClient.setQueryData(billingKeys.clock(merchantId), clock),
  });
}

/**
 * The merchant's test clock, polled every second while it is `advancing`; when it turns `ready`
 * every billing view is refetched (the advance renewed, charged and retried subscriptions).
 */
export function useTestClock(merchantId: string) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: billingKeys.clock(merchantId),
    queryFn: () => merchantFetch<TestClock>(merchantId, '/v1/test-helpers/billing/clock'),
    refetchInterval: (current) => (current.state.data?.status === 'advancing' ? 1000 : false),
  });
  const status = query.data?.status;
  const previous = useRef(status);
  useEffect(() => {
    if (previous.current === 'advancing' && status === 'ready')
      void queryClient.invalidateQueries({ queryKey: billingKeys.all(merchantId) });
    previous.current = status;
  }, [status, merchantId, queryClient]);
  return query;
}

/** A short-lived download URL of the invoice's PDF. */
export const invoicePdfUrl = (merchantId: string, id: string) =>
  merchantFetch<{ url: string }>(merchantId, `/v1/invoices/${enc(id)}/pdf`).then((pdf) => pdf.url);
