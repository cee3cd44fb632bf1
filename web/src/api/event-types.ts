import type { OrderEventData } from '../../../server/src/commerce/order-model.ts';
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

/** Whether `type` is one of `types`' keys (own keys only: `constructor` is no event). */
export function isTypeOf<T extends string>(types: Record<T, true>, type: string): type is T {
  return Object.hasOwn(types, type);
}
