import { createEvent, type EventTypesCheck, type ListsEvery } from '../kernel/events.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { HubEventData } from './intent-model.ts';

/** The hub's events, each with its data in `HubEventData` (a type renamed on one side fails). */
export const hubEventTypes = [
  'payment_intent.succeeded',
  'payment_intent.requires_capture',
  'payment_intent.requires_action',
  'payment_intent.processing',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.refunded',
  'payment_intent.disputed',
  'payment_intent.attempt_failed',
  'payment_intent.attempt_reconciled',
  'connector.circuit_opened',
  'connector.circuit_closed',
  // Vendors (vendors*.ts): a split group's shares moved, reversed by a refund, settled; payouts.
  'vendor.created',
  'vendor.split_transferred',
  'vendor.split_reversed',
  'vendor.split_settled',
  'vendor.payout.paid',
] as const satisfies readonly (keyof HubEventData)[];
export type HubEventType = (typeof hubEventTypes)[number];
/** Every type with data in `HubEventData` is listed. */
export type HubEventTypesListed = EventTypesCheck<ListsEvery<HubEventData, HubEventType>>;

export const hubSource = 'sluice.hub';

/** The outbox write of a hub event, for the transaction of the change it reports. */
export function hubEvent<K extends HubEventType>(
  type: K,
  owner: { merchantId: string; ownerId: string },
  object: HubEventData[K]['object'],
  now: number,
  /** Someone else the event concerns (a wallet payment's payer). */
  alsoFor?: string,
): WriteOperation {
  return outboxPut(
    createEvent({
      type,
      source: hubSource,
      subject: object.id,
      merchant: owner.merchantId,
      audience: alsoFor ? [owner.ownerId, alsoFor] : [owner.ownerId],
      data: { object },
      now,
    }),
  );
}
