import { z } from 'zod';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { settlementSchema, type Settlement, type SettlementLineType } from '../model.ts';
import { newestFirst, paymentKeys, storedCurrencySchema, type PageRequest, type RecordPage } from './keys.ts';

/** A settlement item `STL#<id>` / `STL`, in gsi1 under its merchant by id. */
const settlementItemSchema = z.object({
  // The settlement as the API shows it: a field added there needs a default here, for items stored before it.
  ...settlementSchema.shape,
  currency: storedCurrencySchema,
  /** Absent on settlements made before dispute fees were recovered from payouts. */
  dispute_fees: z.number().int().default(0),
  // Absent on settlements made before they were itemized: see `withSummaryLines`.
  captured: z.number().int().optional(),
  refunded: z.number().int().default(0),
  disputed: z.number().int().default(0),
  lines: settlementSchema.shape.lines.optional(),
});

export function settlementFromItem(item: Item): Settlement {
  return withSummaryLines(settlementItemSchema.parse(item));
}

/**
 * A settlement from before itemized lines reconciles by its totals instead: one charge line of
 * its gross (captures less refunds and dispute holds), its fees and its dispute fees.
 */
function withSummaryLines(stored: z.output<typeof settlementItemSchema>): Settlement {
  if (stored.lines && stored.captured !== undefined)
    return { ...stored, captured: stored.captured, lines: stored.lines };
  const line = (type: SettlementLineType, amount: number) => ({ type, payment: null, dispute: null, amount });
  return {
    ...stored,
    captured: stored.gross,
    lines: [
      line('charge', stored.gross),
      ...(stored.fees > 0 ? [line('processing_fee', -stored.fees)] : []),
      ...(stored.dispute_fees > 0 ? [line('dispute_fee_recovery', -stored.dispute_fees)] : []),
    ],
  };
}

/** A new settlement; its id derives from what it settles, so a second run cannot create it again. */
export function settlementPut(settlement: Settlement): WriteOperation {
  return {
    type: 'put',
    item: {
      ...paymentKeys.settlement(settlement.id),
      entity: 'settlement',
      ...settlement,
      gsi1pk: paymentKeys.merchantSettlements(settlement.merchant),
      gsi1sk: settlement.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function readSettlement(store: Store, settlementId: string): Promise<Settlement | undefined> {
  return readItem(store, paymentKeys.settlement(settlementId), settlementFromItem);
}

/** A page of the merchant's settlements, newest first. */
export function merchantSettlementsPage(
  store: Store,
  merchantId: string,
  page: PageRequest,
): Promise<RecordPage<Settlement>> {
  return newestFirst(
    store,
    { index: 'gsi1', partition: paymentKeys.merchantSettlements(merchantId) },
    page,
    settlementFromItem,
  );
}
