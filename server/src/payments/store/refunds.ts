import { z } from 'zod';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { refundSchema, type Refund } from '../model.ts';
import { paymentKeys, storedCurrencySchema } from './keys.ts';

/** A refund item `RE#<id>` / `RE`: read by id only. */
const refundItemSchema = z.object({
  // The refund as the API shows it: a field added there needs a default here, for items stored before it.
  ...refundSchema.shape,
  currency: storedCurrencySchema,
  reason: z.string().nullable().default(null),
});

export function refundFromItem(item: Item): Refund {
  return refundItemSchema.parse(item);
}

/** A new refund; it is created once. */
export function refundPut(refund: Refund): WriteOperation {
  return {
    type: 'put',
    item: { ...paymentKeys.refund(refund.id), entity: 'refund', ...refund },
    condition: { attributeNotExists: 'pk' },
  };
}

export function readRefund(store: Store, refundId: string): Promise<Refund | undefined> {
  return readItem(store, paymentKeys.refund(refundId), refundFromItem);
}
