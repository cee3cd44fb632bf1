import { z } from 'zod';
import { isCurrency, type Currency } from '../../kernel/money.ts';
import type { KeyPattern } from '../../platform/keys.ts';
import type { Item, Query, Store } from '../../platform/store.ts';

/**
 * The sandbox's stored layout: item keys and index partitions, spelled here only. Each item kind
 * has its file beside this one (`merchants.ts`, `api-keys.ts`, `payments.ts`, `refunds.ts`,
 * `settlements.ts`, `disputes.ts`) with the zod schema of the stored item, the one mapping from
 * item to record and the writes that build it; nothing outside `store/` names an attribute of an
 * item or an index. Existing data dirs hold this layout: a change here needs a migration.
 */
export const paymentKeys = {
  merchant: (id: string) => ({ pk: `MER#${id}`, sk: 'MER' }),
  /** gsi1 partition of a user's merchants, sorted by id. */
  ownerMerchants: (userId: string) => `MER#OWNER#${userId}`,
  /** How many merchants the user owns (`merchants`), in the table under the same partition name. */
  ownerMerchantCount: (userId: string) => ({ pk: `MER#OWNER#${userId}`, sk: 'COUNT' }),
  /** gsi2 partition of every merchant: how the real-time expiry sweep finds them. */
  allMerchants: 'MER#ALL',
  /** One item per currency the merchant has accounts in (sort key `CUR#<code>`), in the merchant's partition. */
  merchantCurrency: (merchantId: string, currency: string) => ({
    pk: `MER#${merchantId}`,
    sk: `CUR#${currency}`,
  }),
  merchantCurrencyPrefix: 'CUR#',
  merchantPartition: (merchantId: string) => `MER#${merchantId}`,
  /** An API key is found by the SHA-256 of its secret; the secret itself is never stored. */
  apiKey: (secretHash: string) => ({ pk: `APIKEY#${secretHash}`, sk: 'APIKEY' }),
  apiKeyPrefix: 'APIKEY#',
  /** gsi1 partition of a merchant's keys, sorted by key id. */
  merchantApiKeys: (merchantId: string) => `MER#KEYS#${merchantId}`,
  payment: (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' }),
  /**
   * gsi1 partitions of a merchant's payments, sorted by id (so by creation time), spread over
   * `merchantListSpread` partitions by payment id (`spreadPartition`): a busy merchant's every
   * payment would otherwise write one index partition.
   */
  merchantPayments: (merchantId: string) => `MER#PAYS#${merchantId}`,
  /** gsi2 partitions of a merchant's open authorizations, sorted by `<capture_before>#<id>`, spread likewise. */
  merchantAuthorizations: (merchantId: string) => `MER#AUTHS#${merchantId}`,
  /** gsi2 partitions of a merchant's captured, not yet settled payments, sorted by `<captured_at>#<id>`, spread likewise. */
  merchantUnsettled: (merchantId: string) => `MER#UNSETTLED#${merchantId}`,
  refund: (id: string) => ({ pk: `RE#${id}`, sk: 'RE' }),
  settlement: (id: string) => ({ pk: `STL#${id}`, sk: 'STL' }),
  /** gsi1 partition of a merchant's settlements, sorted by id (so by the day they settle). */
  merchantSettlements: (merchantId: string) => `MER#STLS#${merchantId}`,
  dispute: (id: string) => ({ pk: `DP#${id}`, sk: 'DP' }),
  /** gsi1 partition of a merchant's disputes, sorted by id. */
  merchantDisputes: (merchantId: string) => `MER#DPS#${merchantId}`,
  /** gsi2 partition of a merchant's open disputes, sorted by `<evidence_due_by>#<id>`. */
  merchantOpenDisputes: (merchantId: string) => `MER#DPOPEN#${merchantId}`,
} as const;

/** Every partition key and index partition the payments module writes (`*` is one id; `MER#ALL` is gsi2's every-merchant index). */
export const paymentsKeyPatterns = [
  'MER#*',
  'MER#ALL',
  'MER#OWNER#*',
  'APIKEY#*',
  'MER#KEYS#*',
  'PAY#*',
  'MER#PAYS#*',
  'MER#PAYS#*#*',
  'MER#AUTHS#*',
  'MER#AUTHS#*#*',
  'MER#UNSETTLED#*',
  'MER#UNSETTLED#*#*',
  'RE#*',
  'STL#*',
  'MER#STLS#*',
  'DP#*',
  'MER#DPS#*',
  'MER#DPOPEN#*',
] as const satisfies readonly KeyPattern[];

/**
 * Index partitions a merchant's payment lists are spread over: at 2,000 payment cycles/s for one
 * merchant, each takes ~500 writes/s, half of what one DynamoDB index partition takes.
 */
export const merchantListSpread = 8;

/** A stored currency code, typed as one (the ledger's accounts are keyed by it). */
export const storedCurrencySchema = z.custom<Currency>(
  (value) => typeof value === 'string' && isCurrency(value),
  { error: 'expected a supported currency code' },
);

/** One page of a merchant's records, as the list routes answer it. */
export interface RecordPage<T> {
  data: T[];
  next_cursor: string | undefined;
}

/** What a list route asks for: a page size and the `next_cursor` of the previous page. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** A merchant's index partition, newest first, one page of records. */
export async function newestFirst<T>(
  store: Store,
  query: Pick<Query, 'index' | 'partition'>,
  page: PageRequest,
  parse: (item: Item) => T,
): Promise<RecordPage<T>> {
  const result = await store.query({
    ...query,
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(parse), next_cursor: result.cursor };
}

/**
 * Every item a query finds, page by page, each page read once the caller has gone through the
 * one before: a caller that moves items out of the partition as it goes (expiry, closing) reads
 * the partition as it now is.
 */
export async function* everyItem(store: Store, query: Omit<Query, 'cursor'>): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}
