import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';

export type AuditReport = components['schemas']['AuditReport'];
export type CurrencyAudit = AuditReport['currencies'][number];

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
