import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';

export interface CurrencyAudit {
  currency: string;
  accounts?: number;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
  balanced: boolean;
  overdrawn_accounts: string[];
}

export interface AuditReport {
  balanced: boolean;
  currencies: CurrencyAudit[];
  checked_at?: string;
}

export const auditKeys = {
  all: ['audit'] as const,
};

export function fetchAudit(signal?: AbortSignal): Promise<AuditReport> {
  return apiFetch('/v1/admin/audit', signal ? { signal } : {});
}

/** The ledger audit (admins only), checked when asked. */
export function useAudit() {
  return useQuery({ queryKey: auditKeys.all, queryFn: ({ signal }) => fetchAudit(signal), staleTime: 0 });
}
