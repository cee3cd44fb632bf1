import type { BadgeTone } from '../../components/ui/badge.tsx';
import type { Invoice, Subscription } from './api.ts';

export const subscriptionStatusTone: Record<Subscription['status'], BadgeTone> = {
  trialing: 'neutral',
  active: 'success',
  past_due: 'warning',
  unpaid: 'destructive',
  canceled: 'neutral',
};

export const invoiceStatusTone: Record<Invoice['status'], BadgeTone> = {
  open: 'warning',
  paid: 'success',
  uncollectible: 'destructive',
  void: 'neutral',
};

export const label = (status: string) => status.replaceAll('_', ' ');

/** "every month", "every 3 weeks". */
export function cadence(plan: { interval: string; interval_count: number }): string {
  return plan.interval_count === 1
    ? `every ${plan.interval}`
    : `every ${plan.interval_count} ${plan.interval}s`;
}
