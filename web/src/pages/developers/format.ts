import type { PaymentDisplayStatus, PaymentStatus } from '../../api/payments.ts';
import type { DisputeStatus } from '../../api/disputes.ts';
import type { SluiceEvent } from '../../api/webhooks.ts';
import { formatAmount } from '../../lib/money.ts';
import type { BadgeTone } from '../../components/ui/badge.tsx';

export const paymentStatusTone: Record<PaymentStatus, BadgeTone> = {
  succeeded: 'success',
  requires_capture: 'warning',
  canceled: 'neutral',
  failed: 'destructive',
};

export const paymentStatusLabel: Record<PaymentStatus, string> = {
  succeeded: 'Succeeded',
  requires_capture: 'Requires capture',
  canceled: 'Canceled',
  failed: 'Failed',
};

/** What happened to a payment (`display_status`): the badge a person reads. */
export const displayStatusTone: Record<PaymentDisplayStatus, BadgeTone> = {
  requires_capture: 'warning',
  succeeded: 'success',
  partially_refunded: 'neutral',
  refunded: 'neutral',
  disputed: 'warning',
  dispute_won: 'success',
  dispute_lost: 'destructive',
  canceled: 'neutral',
  expired: 'neutral',
  failed: 'destructive',
};

export const displayStatusLabel: Record<PaymentDisplayStatus, string> = {
  requires_capture: 'Requires capture',
  succeeded: 'Succeeded',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  disputed: 'Disputed',
  dispute_won: 'Dispute won',
  dispute_lost: 'Dispute lost',
  canceled: 'Canceled',
  expired: 'Expired',
  failed: 'Failed',
};

/** The dashboard's one date format (components/date-time.ts). */
export { formatDateTime } from '../../components/date-time.ts';

/** The amount an event is about: what was captured for `payment.captured`, else the object's amount. */
export function eventAmount(event: SluiceEvent): string | undefined {
  const object = event.data.object;
  if (!object || typeof object.currency !== 'string') return undefined;
  const amount =
    event.type === 'payment.captured' && typeof object.amount_captured === 'number'
      ? object.amount_captured
      : object.amount;
  return typeof amount === 'number' ? formatAmount(amount, object.currency) : undefined;
}

export const disputeStatusTone: Record<DisputeStatus, BadgeTone> = {
  needs_response: 'warning',
  under_review: 'neutral',
  won: 'success',
  lost: 'destructive',
};

export const disputeStatusLabel: Record<DisputeStatus, string> = {
  needs_response: 'Needs response',
  under_review: 'Under review',
  won: 'Won',
  lost: 'Lost',
};
