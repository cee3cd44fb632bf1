import type { BadgeTone } from '../../components/ui/badge.tsx';
import type { Attempt, PaymentIntent } from './api.ts';

export const intentStatusTone: Record<PaymentIntent['status'], BadgeTone> = {
  processing: 'warning',
  requires_action: 'warning',
  requires_capture: 'warning',
  succeeded: 'success',
  failed: 'destructive',
  canceled: 'neutral',
};

export const attemptStatusTone: Record<Attempt['status'], BadgeTone> = {
  authorized: 'success',
  captured: 'success',
  pending: 'warning',
  declined: 'destructive',
  failed: 'destructive',
  skipped: 'neutral',
  reconciled: 'warning',
  // Timed out, and the provider could not be asked yet: the hub keeps asking.
  unreconciled: 'warning',
  // Cut off by a crash at a provider the hub cannot ask: the merchant has to look.
  interrupted: 'warning',
};

/** What an attempt's outcome means, in words. */
export function attemptSummary(attempt: Attempt): string {
  switch (attempt.status) {
    case 'skipped':
      return 'Skipped: its circuit breaker is open';
    case 'reconciled':
      return 'Timed out; it had gone through at the provider, so the hub undid it there';
    case 'unreconciled':
      return 'Timed out, and the provider could not be asked what it did: the hub asks again every minute and undoes it';
    case 'interrupted':
      return 'Cut off: look for it at the provider by its id';
    case 'failed':
      return `Failed technically (${attempt.error_code?.replaceAll('_', ' ') ?? 'error'}): tried the next provider`;
    case 'declined':
      return `Declined (${attempt.decline_code?.replaceAll('_', ' ') ?? 'declined'}): no failover after a decline`;
    case 'pending':
      return 'Waiting: the payer approves, or the bank settles';
    default:
      return attempt.status === 'captured' ? 'Paid' : 'Authorized';
  }
}
