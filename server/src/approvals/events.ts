import { createEvent, type EventTypesCheck, type ListsEvery } from '../kernel/events.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { ApprovalEventData } from './model.ts';

export const approvalEventTypes = [
  'approval.requested',
  'approval.approved',
  'approval.rejected',
  'approval.expired',
  'approval.executed',
  'approval.failed',
] as const satisfies readonly (keyof ApprovalEventData)[];
export type ApprovalEventType = (typeof approvalEventTypes)[number];
/** Every type with data in `ApprovalEventData` is listed. */
export type ApprovalEventTypesListed = EventTypesCheck<ListsEvery<ApprovalEventData, ApprovalEventType>>;

/** The outbox write of an approval event, for the transaction of the step it reports (`ApprovalEventData`). */
export function approvalEvent<K extends ApprovalEventType>(
  type: K,
  approval: ApprovalEventData[K]['object'],
  ownerId: string,
  now: number,
): WriteOperation {
  return outboxPut(
    createEvent({
      type,
      source: 'sluice.approvals',
      subject: approval.id,
      merchant: approval.merchant,
      audience: [ownerId],
      data: { object: approval },
      now,
    }),
  );
}
