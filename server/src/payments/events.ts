import type { LedgerEventSpec } from '../ledger/index.ts';

/** Event types the sandbox emits; webhooks deliver them to the merchant, realtime to its owner. */
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
] as const;
export type PaymentEventType = (typeof paymentEventTypes)[number];

export const paymentsSource = 'sluice.payments';

/**
 * The envelope fields of a sandbox event: it belongs to the merchant (webhooks, `GET /v1/events`)
 * and is shown to the merchant's owner (realtime); `data.object` is the payment or refund as the
 * API returns it.
 */
export function paymentEvent(
  type: PaymentEventType,
  owner: { merchantId: string; ownerId: string },
  object: { id: string; [field: string]: unknown },
): LedgerEventSpec & { data: Record<string, unknown> } {
  return {
    type,
    source: paymentsSource,
    subject: object.id,
    merchant: owner.merchantId,
    audience: [owner.ownerId],
    data: { object },
  };
}
