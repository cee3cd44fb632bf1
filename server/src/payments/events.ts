import type { LedgerEventSpec } from '../ledger/index.ts';
import type { PaymentEventData, PaymentEventType } from './model.ts';

/**
 * Event types the sandbox emits (their data: `PaymentEventData`); webhooks deliver them to the
 * merchant, realtime to its owner.
 */
export const paymentEventTypes = [
  'payment.authorized',
  'payment.captured',
  'payment.voided',
  'payment.failed',
  'payment.expired',
  'refund.succeeded',
  'payout.settled',
  'dispute.created',
  'dispute.closed',
] as const satisfies readonly PaymentEventType[];
export type { PaymentEventType };

export const paymentsSource = 'sluice.payments';

/**
 * The envelope fields of a sandbox event: it belongs to the merchant (webhooks, `GET /v1/events`)
 * and is shown to the merchant's owner (realtime); `data.object` is the payment, refund, settlement
 * or dispute as the API returns it.
 */
export function paymentEvent<K extends PaymentEventType>(
  type: K,
  owner: { merchantId: string; ownerId: string },
  object: PaymentEventData[K]['object'],
): Omit<LedgerEventSpec, 'data'> & { data: { object: PaymentEventData[K]['object'] } } {
  return {
    type,
    source: paymentsSource,
    subject: object.id,
    merchant: owner.merchantId,
    audience: [owner.ownerId],
    data: { object },
  };
}
