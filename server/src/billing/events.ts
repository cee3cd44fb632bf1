import { createEvent, type EventTypesCheck, type ListsEvery } from '../kernel/events.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { BillingEventData } from './billing-model.ts';

/**
 * What billing emits, in one vocabulary (`invoice.*`, `subscription.*`), every one of them on the
 * outbox in the transaction of the change it reports. `subscription.updated` carries every status
 * change (`past_due`, `unpaid`, back to `active`) with `previous_status`. `test_clock.advancing`
 * and `test_clock.ready` bracket an advance-clock, whose cycles run in the background.
 */
export const billingEventTypes = [
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.marked_uncollectible',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'test_clock.advancing',
  'test_clock.ready',
] as const satisfies readonly (keyof BillingEventData)[];
export type BillingEventType = (typeof billingEventTypes)[number];
/** Every type with data in `BillingEventData` is listed. */
export type BillingEventTypesListed = EventTypesCheck<ListsEvery<BillingEventData, BillingEventType>>;

/** What an event of `type` carries besides its object and sandbox time (`BillingEventData`). */
type BillingExtra<K extends BillingEventType> = K extends BillingEventType
  ? Omit<BillingEventData[K], 'object' | 'sandbox_time'>
  : never;

export const billingSource = 'sluice.billing';

/**
 * The outbox write of a billing event. The envelope's `time` is real time (the outbox is bucketed
 * and expired by it); `data.sandbox_time` is when it happened on the merchant's sandbox clock.
 */
export function billingEvent<K extends BillingEventType>(
  type: K,
  owner: { merchantId: string; ownerId: string },
  object: BillingEventData[K]['object'],
  times: { now: number; sandbox: string },
  extra?: BillingExtra<K>,
): WriteOperation {
  return outboxPut(
    createEvent({
      type,
      source: billingSource,
      subject: object.id,
      merchant: owner.merchantId,
      audience: [owner.ownerId],
      data: { object, sandbox_time: times.sandbox, ...extra },
      now: times.now,
    }),
  );
}
