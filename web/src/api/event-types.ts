import type { ApprovalEventData } from '../../../server/src/approvals/model.ts';
import type { BillingEventData } from '../../../server/src/billing/billing-model.ts';
import type { OrderEventData } from '../../../server/src/commerce/order-model.ts';
import type { HubEventData } from '../../../server/src/hub/intent-model.ts';
import type { PaymentEventData } from '../../../server/src/payments/model.ts';
import type { PayoutEventData } from '../../../server/src/payouts/payout-model.ts';

/*
 * The merchant-facing events whose data the dashboard reads, each product's types once, typed by
 * the server's own definition of their data (imported type-only, so nothing of the server is
 * bundled): a type the server adds, renames or drops fails to compile here. Realtime picks its
 * messages out by these lists, and the event log tells the events it knows from the rest.
 */

/** The payments sandbox's events (`PaymentEventData`). */
export const paymentEventTypes: Record<keyof PaymentEventData, true> = {
  'payment.authorized': true,
  'payment.captured': true,
  'payment.voided': true,
  'payment.failed': true,
  'payment.expired': true,
  'refund.succeeded': true,
  'payout.settled': true,
  'dispute.created': true,
  'dispute.closed': true,
};

/** The shop's order events (`OrderEventData`). */
export const orderEventTypes: Record<keyof OrderEventData, true> = {
  'order.created': true,
  'order.updated': true,
  'order.paid': true,
  'order.failed': true,
  'order.shipped': true,
  'order.delivered': true,
  'order.canceled': true,
  'order.refunded': true,
};

/** The payouts module's events (`PayoutEventData`); the sandbox's settlement is `payout.settled`. */
export const payoutEventTypes: Record<keyof PayoutEventData, true> = {
  'payout.created': true,
  'payout.paid': true,
  'payout.failed': true,
  'payout.returned': true,
};

/** The hub's events (`HubEventData`): its payment intents', its connectors' breakers', its vendors'. */
export const hubEventTypes: Record<keyof HubEventData, true> = {
  'payment_intent.succeeded': true,
  'payment_intent.requires_capture': true,
  'payment_intent.requires_action': true,
  'payment_intent.processing': true,
  'payment_intent.payment_failed': true,
  'payment_intent.canceled': true,
  'payment_intent.refunded': true,
  'payment_intent.disputed': true,
  'payment_intent.attempt_failed': true,
  'payment_intent.attempt_reconciled': true,
  'connector.circuit_opened': true,
  'connector.circuit_closed': true,
  'vendor.created': true,
  'vendor.split_transferred': true,
  'vendor.split_reversed': true,
  'vendor.split_settled': true,
  'vendor.payout.paid': true,
};

/** Billing's events (`BillingEventData`): invoices, subscriptions and the test clock. */
export const billingEventTypes: Record<keyof BillingEventData, true> = {
  'invoice.created': true,
  'invoice.finalized': true,
  'invoice.paid': true,
  'invoice.payment_failed': true,
  'invoice.marked_uncollectible': true,
  'subscription.created': true,
  'subscription.updated': true,
  'subscription.canceled': true,
  'test_clock.advancing': true,
  'test_clock.ready': true,
};

/** The approval requests' events (`ApprovalEventData`). */
export const approvalEventTypes: Record<keyof ApprovalEventData, true> = {
  'approval.requested': true,
  'approval.approved': true,
  'approval.rejected': true,
  'approval.expired': true,
  'approval.executed': true,
  'approval.failed': true,
};

/** Whether `type` is one of `types`' keys (own keys only: `constructor` is no event). */
export function isTypeOf<T extends string>(types: Record<T, true>, type: string): type is T {
  return Object.hasOwn(types, type);
}
