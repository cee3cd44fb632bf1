import { z } from 'zod';
import type { Currency } from '../../kernel/money.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { everyItem, paymentKeys, storedCurrencySchema } from './keys.ts';

/**
 * A merchant item `MER#<id>` / `MER`: in gsi1 under its owner, in gsi2 with every merchant. It
 * counts its unrevoked API keys (`active_api_keys`, absent on merchants stored before the count).
 */
const merchantItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  /** The test clock's offset from real time, moved by advance-clock. */
  clock_offset_ms: z.number().default(0),
  active_api_keys: z.number().int().optional(),
  /** How many `owner` members its team has; absent on merchants from before teams (migration 3). */
  owners: z.number().int().optional(),
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
      active_api_keys: merchant.active_api_keys ?? 0,
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

export function readMerchant(store: Store, merchantId: string): Promise<MerchantRecord | undefined> {
  return readItem(store, paymentKeys.merchant(merchantId), merchantFromItem);
}

/** The user's merchants, oldest first. */
export async function* ownerMerchants(store: Store, ownerId: string): AsyncGenerator<MerchantRecord> {
  for await (const item of everyItem(store, {
    index: 'gsi1',
    partition: paymentKeys.ownerMerchants(ownerId),
  }))
    yield merchantFromItem(item);
}

/**
 * Counts one more merchant for the owner, below `limit`. Fails its condition when the count is
 * at the limit or does not exist yet (`ownerMerchantCountOpen` creates it).
 */
export function ownerMerchantCountIncrement(ownerId: string, limit: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.ownerMerchantCount(ownerId),
    add: { merchants: 1 },
    condition: { compare: ['merchants', '<', limit] },
  };
}

/** Creates the owner's merchant count at `count` (create-only: a concurrent opening wins alike). */
export function ownerMerchantCountOpen(ownerId: string, count: number): WriteOperation {
  return {
    type: 'put',
    item: { ...paymentKeys.ownerMerchantCount(ownerId), entity: 'owner_merchant_count', merchants: count },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Counts one more active API key on the merchant, below `limit` (fails too when it has no count yet). */
export function merchantKeyCountIncrement(merchantId: string, limit: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    add: { active_api_keys: 1 },
    condition: { compare: ['active_api_keys', '<', limit] },
  };
}

/** One active API key fewer on the merchant (which has a count). */
export function merchantKeyCountDecrement(merchantId: string): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    add: { active_api_keys: -1 },
    condition: { attributeExists: 'active_api_keys' },
  };
}

/** Gives a merchant stored before the count its count of active keys (only if it still has none). */
export function merchantKeyCountOpen(merchantId: string, count: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    set: { active_api_keys: count },
    condition: { all: [{ attributeExists: 'pk' }, { attributeNotExists: 'active_api_keys' }] },
  };
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
