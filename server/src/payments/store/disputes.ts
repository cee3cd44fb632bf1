import { z } from 'zod';
import { isoTime } from '../../kernel/clock.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { disputeSchema, type DisputeStatus } from '../model.ts';
import {
  everyItem,
  newestFirst,
  paymentKeys,
  storedCurrencySchema,
  type PageRequest,
  type RecordPage,
} from './keys.ts';

/**
 * A dispute item `DP#<id>` / `DP`: in gsi1 under its merchant by id, and while open in gsi2
 * `MER#DPOPEN#<merchant>` by `<evidence_due_by>#<id>`, for the deadline sweep.
 */
const disputeItemSchema = z.object({
  // The dispute as the API shows it: a field added there needs a default here, for items stored before it.
  ...disputeSchema.shape,
  currency: storedCurrencySchema,
  evidence: disputeSchema.shape.evidence.default(null),
  closed_at: z.string().nullable().default(null),
});

/** A dispute as stored: the API object, its currency typed as one. */
export type DisputeRecord = z.output<typeof disputeItemSchema>;

export function disputeFromItem(item: Item): DisputeRecord {
  return disputeItemSchema.parse(item);
}

/** A new dispute; its id derives from the payment, so a payment has one. */
export function disputePut(dispute: DisputeRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...paymentKeys.dispute(dispute.id),
      entity: 'dispute',
      ...dispute,
      gsi1pk: paymentKeys.merchantDisputes(dispute.merchant),
      gsi1sk: dispute.id,
      gsi2pk: paymentKeys.merchantOpenDisputes(dispute.merchant),
      gsi2sk: `${dispute.evidence_due_by}#${dispute.id}`,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Records the evidence, only while the dispute still needs a response. */
export function disputeEvidenceSet(next: DisputeRecord): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.dispute(next.id),
    set: { status: next.status, evidence: next.evidence },
    condition: { compare: ['status', '=', 'needs_response'] },
  };
}

/** Closes the dispute, out of the open index, only while its status is still `from`. */
export function disputeClose(closed: DisputeRecord, from: DisputeStatus): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.dispute(closed.id),
    set: { status: closed.status, closed_at: closed.closed_at },
    remove: ['gsi2pk', 'gsi2sk'],
    condition: { compare: ['status', '=', from] },
  };
}

export function readDispute(store: Store, disputeId: string): Promise<DisputeRecord | undefined> {
  return readItem(store, paymentKeys.dispute(disputeId), disputeFromItem);
}

/** A page of the merchant's disputes, newest first. */
export function merchantDisputesPage(
  store: Store,
  merchantId: string,
  page: PageRequest,
): Promise<RecordPage<DisputeRecord>> {
  return newestFirst(
    store,
    { index: 'gsi1', partition: paymentKeys.merchantDisputes(merchantId) },
    page,
    disputeFromItem,
  );
}

/** The merchant's open disputes whose evidence was due at or before `now` (ms), soonest first. */
export async function* dueOpenDisputes(
  store: Store,
  merchantId: string,
  now: number,
): AsyncGenerator<DisputeRecord> {
  const partition = paymentKeys.merchantOpenDisputes(merchantId);
  for await (const item of everyItem(store, {
    index: 'gsi2',
    partition,
    sort: { op: '<', value: isoTime(now + 1) },
    limit: 100,
  }))
    yield disputeFromItem(item);
}
