import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, type Page } from '../../api/client.ts';
import { developerRoot, merchantFetch } from '../../api/merchants.ts';
import type { components } from '../../api/schema.gen.ts';

/** A merchant's team, approval requests and payouts. */
export type Member = components['schemas']['Member'];
export type MemberRole = Member['role'];
export type Approval = components['schemas']['ApprovalRequest'];
export type ApprovalPolicy = components['schemas']['ApprovalPolicy'];
export type Payout = components['schemas']['Payout'];
export type CreatePayout = components['schemas']['CreatePayout'];

export const memberRoles: readonly MemberRole[] = ['owner', 'admin', 'developer', 'approver', 'viewer'];

/** Query keys, defined once, under the merchant's (a money change refreshes the balance too). */
export const approvalKeys = {
  all: (merchantId: string) => [...developerRoot, merchantId, 'approvals'] as const,
  inbox: (merchantId: string) => [...developerRoot, merchantId, 'approvals', 'inbox'] as const,
  policies: (merchantId: string) => [...developerRoot, merchantId, 'approvals', 'policies'] as const,
  team: (merchantId: string) => [...developerRoot, merchantId, 'approvals', 'team'] as const,
  payouts: (merchantId: string) => [...developerRoot, merchantId, 'approvals', 'payouts'] as const,
};

const teamPath = (merchantId: string, rest = '') =>
  `/v1/merchants/${encodeURIComponent(merchantId)}/members${rest}`;

export function useTeam(merchantId: string) {
  return useQuery({
    queryKey: approvalKeys.team(merchantId),
    queryFn: () => apiFetch<Page<Member>>(teamPath(merchantId)),
  });
}

export function useApprovals(merchantId: string) {
  return useQuery({
    queryKey: approvalKeys.inbox(merchantId),
    queryFn: () => merchantFetch<Page<Approval>>(merchantId, '/v1/approvals?limit=50'),
    // Other members decide requests: keep the inbox fresh while it is open.
    refetchInterval: 5_000,
  });
}

export function usePolicies(merchantId: string) {
  return useQuery({
    queryKey: approvalKeys.policies(merchantId),
    queryFn: () => merchantFetch<Page<ApprovalPolicy>>(merchantId, '/v1/approval-policies'),
  });
}

export function usePayouts(merchantId: string) {
  return useQuery({
    queryKey: approvalKeys.payouts(merchantId),
    queryFn: () => merchantFetch<Page<Payout>>(merchantId, '/v1/payouts?limit=50'),
    refetchInterval: 5_000,
  });
}

/** A mutation that refreshes everything about the merchant afterwards (balances move). */
function useMerchantMutation<Input, Output>(merchantId: string, request: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: [...developerRoot, merchantId] }),
  });
}

export const useInvite = (merchantId: string) =>
  useMerchantMutation(merchantId, (input: { email: string; role: MemberRole }) =>
    apiFetch<Member>(teamPath(merchantId), { method: 'POST', body: input }),
  );

export const useChangeRole = (merchantId: string) =>
  useMerchantMutation(merchantId, (input: { id: string; role: MemberRole }) =>
    apiFetch<Member>(teamPath(merchantId, `/${encodeURIComponent(input.id)}`), {
      method: 'PATCH',
      body: { role: input.role },
    }),
  );

export const useRemoveMember = (merchantId: string) =>
  useMerchantMutation(merchantId, (id: string) =>
    apiFetch<Member>(teamPath(merchantId, `/${encodeURIComponent(id)}`), { method: 'DELETE' }),
  );

export const usePutPolicy = (merchantId: string) =>
  useMerchantMutation(
    merchantId,
    (input: { action: ApprovalPolicy['action']; threshold: number | null; approvals: number }) =>
      merchantFetch<ApprovalPolicy>(merchantId, '/v1/approval-policies', { method: 'PUT', body: input }),
  );

export const useEndPolicy = (merchantId: string) =>
  useMerchantMutation(merchantId, (action: ApprovalPolicy['action']) =>
    merchantFetch<unknown>(merchantId, `/v1/approval-policies/${encodeURIComponent(action)}`, {
      method: 'DELETE',
    }),
  );

export const useDecide = (merchantId: string) =>
  useMerchantMutation(merchantId, (input: { id: string; decision: 'approve' | 'reject' }) =>
    merchantFetch<Approval>(merchantId, `/v1/approvals/${encodeURIComponent(input.id)}/${input.decision}`, {
      method: 'POST',
    }),
  );

/** Pays out, or (under the payout policy) asks for approval: the answer is a payout or a request. */
export const useRequestPayout = (merchantId: string) =>
  useMerchantMutation(merchantId, (input: CreatePayout & { idempotencyKey: string }) => {
    const { idempotencyKey, ...body } = input;
    return merchantFetch<Payout | Approval>(merchantId, '/v1/payouts', {
      method: 'POST',
      body,
      idempotencyKey,
    });
  });
