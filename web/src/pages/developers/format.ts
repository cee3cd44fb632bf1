import type { PaymentDisplayStatus, PaymentStatus } from '../../api/payments.ts';
import type { DisputeStatus } from '../../api/disputes.ts';
import { isKnownEvent, type KnownEvent, type SluiceEvent } from '../../api/webhooks.ts';
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

/**
 * What the developer pages show of the object an event is about: its id and kind, the sandbox
 * payment it is or belongs to, and the amount the event is about. Read through the server's types
 * for the events the dashboard knows (a renamed field fails its build); field by field, each
 * checked, for any other module's, whose data the log shows as sent.
 */
export interface EventSubject {
  id?: string | undefined;
  object?: string | undefined;
  payment?: string | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
}

export function eventSubject(event: SluiceEvent): EventSubject {
  return isKnownEvent(event) ? knownSubject(event) : otherSubject(event.data);
}

function knownSubject(event: KnownEvent): EventSubject {
  // An order event carries `{ order }`, a failed payout what its approval asked for: no object.
  if (!('object' in event.data)) return {};
  // A failed (or later reconciled) attempt names its intent. A breaker event names its connector
  // (id, provider, name), not the whole connector object.
  if (
    event.type === 'payment_intent.attempt_failed' ||
    event.type === 'payment_intent.attempt_reconciled' ||
    event.type === 'connector.circuit_opened' ||
    event.type === 'connector.circuit_closed'
  )
    return { id: event.data.object.id };
  const object = event.data.object;
  const { id } = object;
  switch (object.object) {
    case 'payment': {
      const amount = event.type === 'payment.captured' ? object.amount_captured : object.amount;
      return { id, object: object.object, payment: id, amount, currency: object.currency };
    }
    case 'refund':
    case 'dispute':
      return {
        id,
        object: object.object,
        payment: object.payment,
        amount: object.amount,
        currency: object.currency,
      };
    case 'payout':
    case 'payment_intent':
    case 'vendor_payout':
      // The hub's intents are not sandbox payments: no payment link.
      return { id, object: object.object, amount: object.amount, currency: object.currency };
    case 'approval_request':
      // A connector change asks with no amount.
      return {
        id,
        object: object.object,
        amount: object.amount ?? undefined,
        currency: object.currency ?? undefined,
      };
    case 'settlement':
    case 'subscription':
    case 'invoice':
    case 'vendor':
    case 'split_group':
      // A settlement's amounts are several (gross, fees, net), an invoice's too (due, paid), a
      // split group's too (its vendors' shares, the fee), a vendor's are its balances, and a
      // subscription's is its plan's: the log shows none. A split group's id is its intent's.
      return { id, object: object.object, currency: object.currency };
    case 'test_clock':
      return { id, object: object.object };
    default:
      return object satisfies never;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function otherSubject(data: unknown): EventSubject {
  const object = isRecord(data) ? data.object : undefined;
  if (!isRecord(object)) return {};
  const id = text(object.id);
  const kind = text(object.object);
  return {
    id,
    object: kind,
    payment: kind === 'payment' ? id : text(object.payment),
    amount: typeof object.amount === 'number' ? object.amount : undefined,
    currency: text(object.currency),
  };
}

/** The amount an event is about: what was captured for `payment.captured`, else the object's amount. */
export function eventAmount(event: SluiceEvent): string | undefined {
  const { amount, currency } = eventSubject(event);
  return amount !== undefined && currency !== undefined ? formatAmount(amount, currency) : undefined;
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
