import { z } from 'zod';
import type { Currency } from '../../kernel/money.ts';
import type { Item, Store, WriteOperation } from '../../platform/store.ts';
import { everyItem, paymentKeys, storedCurrencySchema } from './keys.ts';

/** A merchant item `MER#<id>` / `MER`: in gsi1 under its owner, in gsi2 with every merchant. */
const merchantItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  /** The test clock's offset from real time, moved by advance-clock. */
  clock_offset_ms: z.number().default(0),
  created_at: z.string(),
});

/** A merchant as stored: the public fields plus its test-clock offset. */
export type MerchantRecord = z.output<typeof merchantItemSchema>;

export function merchantFromItem(item: Item): MerchantRecord {
  return merchantItemSchema.parse(item);
}

export function merchantPut(merchant: MerchantRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...paymentKeys.merchant(merchant.id),
      entity: 'merchant',
      ...merchant,
      gsi1pk: paymentKeys.ownerMerchants(merchant.owner),
      gsi1sk: merchant.id,
      gsi2pk: paymentKeys.allMerchants,
      gsi2sk: merchant.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/**
 * Moves the merchant's test clock forward, atomically: the merchant must exist and the offset
 * stay at most `maxOffsetMs`, checked in the same write so concurrent advances cannot pass it.
 */
export function merchantClockAdvance(merchantId: string, ms: number, maxOffsetMs: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    add: { clock_offset_ms: ms },
    condition: {
      all: [
        { attributeExists: 'pk' },
        {
          any: [
            // Merchants stored before the offset existed have none: it counts as 0.
            { attributeNotExists: 'clock_offset_ms' },
            { compare: ['clock_offset_ms', '<=', maxOffsetMs - ms] },
          ],
        },
      ],
    },
  };
}

export async function readMerchant(store: Store, merchantId: string): Promise<MerchantRecord | undefined> {
  const item = await store.get(paymentKeys.merchant(merchantId));
  return item ? merchantFromItem(item) : undefined;
}

/** The user's merchants, oldest first. */
export async function* ownerMerchants(store: Store, ownerId: string): AsyncGenerator<MerchantRecord> {
  for await (const item of everyItem(store, {
    index: 'gsi1',
    partition: paymentKeys.ownerMerchants(ownerId),
  }))
    yield merchantFromItem(item);
}

/** Every merchant, page by page. */
export async function* everyMerchant(store: Store): AsyncGenerator<MerchantRecord> {
  for await (const item of everyItem(store, { index: 'gsi2', partition: paymentKeys.allMerchants }))
    yield merchantFromItem(item);
}

/** A currency the merchant has ledger accounts in: `MER#<id>` / `CUR#<code>`, written once they are open. */
const merchantCurrencyItemSchema = z.object({ currency: storedCurrencySchema });

export function merchantCurrencyFromItem(item: Item): Currency {
  return merchantCurrencyItemSchema.parse(item).currency;
}

/** Unconditional: opening the accounts is idempotent, and so is recording it. */
export function merchantCurrencyPut(merchantId: string, currency: Currency): WriteOperation {
  return {
    type: 'put',
    item: { ...paymentKeys.merchantCurrency(merchantId, currency), entity: 'merchant_currency', currency },
  };
}

export async function hasMerchantCurrency(
  store: Store,
  merchantId: string,
  currency: Currency,
): Promise<boolean> {
  return (await store.get(paymentKeys.merchantCurrency(merchantId, currency))) !== undefined;
}

/** The currencies the merchant trades in, in code order. */
export async function merchantCurrencies(store: Store, merchantId: string): Promise<Currency[]> {
  const page = await store.query({
    partition: paymentKeys.merchantPartition(merchantId),
    sort: { op: 'begins_with', value: paymentKeys.merchantCurrencyPrefix },
  });
  return page.items.map(merchantCurrencyFromItem);
}
