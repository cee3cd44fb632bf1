import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../platform/store.ts';
import {
  splitLineSchema,
  splitStatuses,
  vendorPayoutSchema,
  type SplitGroup,
  type VendorPayout,
} from './vendors-model.ts';

/**
 * The vendors' stored layout, spelled here only: vendors (listed per merchant), each payment
 * intent's split group (with the reversals its refunds made, and a place in the settlement index
 * while its shares wait to settle), each vendor's split payments, and vendor payouts.
 */
export const vendorKeys = {
  vendor: (id: string) => ({ pk: `HUB#VENDOR#${id}`, sk: 'VENDOR' }),
  /** gsi1 partition of a merchant's vendors, by id (so by creation). */
  merchantVendors: (merchantId: string) => `HUB#MERVENDORS#${merchantId}`,
  split: (intentId: string) => ({ pk: `HUB#SPLIT#${intentId}`, sk: 'SPLIT' }),
  /** gsi2 partition of every split group transferred but not yet settled, by `<settle_on>#<intent>`. */
  splitsDue: 'HUB#SPLITDUE',
  /** A vendor's split payments, by intent id (so by creation). */
  vendorSplit: (vendorId: string, intentId: string) => ({ pk: `HUB#VENDORSPLITS#${vendorId}`, sk: intentId }),
  vendorSplits: (vendorId: string) => `HUB#VENDORSPLITS#${vendorId}`,
  payout: (id: string) => ({ pk: `HUB#VPAYOUT#${id}`, sk: 'VPAYOUT' }),
  /** gsi1 partition of a vendor's payouts, by id. */
  vendorPayouts: (vendorId: string) => `HUB#VENDORPAYOUTS#${vendorId}`,
} as const;

export const vendorKeyPatterns = [
  'HUB#VENDOR#*',
  'HUB#MERVENDORS#*',
  'HUB#SPLIT#*',
  'HUB#SPLITDUE',
  'HUB#VENDORSPLITS#*',
  'HUB#VPAYOUT#*',
  'HUB#VENDORPAYOUTS#*',
] as const satisfies readonly KeyPattern[];

// Vendors

const vendorItemSchema = z.object({
  id: z.string(),
  merchant: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  currency: z.string(),
  created_at: z.string(),
});
export type VendorRecord = z.output<typeof vendorItemSchema>;
const vendorFromItem = (item: Item): VendorRecord => vendorItemSchema.parse(item);
export const readVendor = (store: Store, id: string) =>
  readItem(store, vendorKeys.vendor(id), vendorFromItem);

export function vendorPut(vendor: VendorRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...vendorKeys.vendor(vendor.id),
      ...vendor,
      gsi1pk: vendorKeys.merchantVendors(vendor.merchant),
      gsi1sk: vendor.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export async function merchantVendorsPage(
  store: Store,
  merchantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: VendorRecord[]; next_cursor: string | undefined }> {
  const result = await store.query({
    index: 'gsi1',
    partition: vendorKeys.merchantVendors(merchantId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(vendorFromItem), next_cursor: result.cursor };
}

// Split groups

/** What one refund took back: per line, from which vendor account, and what the platform fee bore. */
const reversalSchema = z.object({
  /** The refund's key towards the provider (`<intent>:refund:<n>`): a retry finds its reversal. */
  key: z.string(),
  /** The refund it was made for (absent on reversals stored before it was recorded). */
  amount: z.number().int().optional(),
  lines: z.array(
    z.object({
      vendor: z.string(),
      /** Moved back from the vendor. */
      amount: z.number().int(),
      from: z.enum(['pending', 'available']),
      /** The share the vendor could not cover. */
      shortfall: z.number().int(),
    }),
  ),
  platform: z.number().int(),
  /** `undone`: the provider refused the refund, so the reversal was given back. */
  status: z.enum(['applied', 'undone']),
});
export type Reversal = z.output<typeof reversalSchema>;

const splitItemSchema = z.object({
  intent: z.string(),
  merchant: z.string(),
  /** The merchant's owner: the audience of the group's events. */
  owner: z.string(),
  currency: z.string(),
  status: z.enum(splitStatuses),
  /** The merchant account the shares came from (`pending` for card payments, which settle T+1). */
  source: z.enum(['pending', 'available']).nullable(),
  lines: z.array(splitLineSchema),
  platform_fee: z.number().int(),
  platform_refunded: z.number().int(),
  reversals: z.array(reversalSchema),
  /** The sandbox UTC day from which the shares settle to the vendors (YYYY-MM-DD). */
  settle_on: z.string().nullable(),
  transferred_at: z.string().nullable(),
  settled_at: z.string().nullable(),
  created_at: z.string(),
  /** Bumped on every write: updates condition on it. */
  version: z.number().int(),
});
export type SplitRecord = z.output<typeof splitItemSchema>;
const splitFromItem = (item: Item): SplitRecord => splitItemSchema.parse(item);
export const readSplit = (store: Store, intentId: string) =>
  readItem(store, vendorKeys.split(intentId), splitFromItem);

/** Writes the group: a new one (version 1) once, later ones over the version read. */
export function splitPut(split: SplitRecord): WriteOperation {
  const due = split.status === 'transferred' && split.settle_on !== null;
  return {
    type: 'put',
    item: {
      ...vendorKeys.split(split.intent),
      ...split,
      ...(due ? { gsi2pk: vendorKeys.splitsDue, gsi2sk: `${split.settle_on}#${split.intent}` } : {}),
    },
    condition:
      split.version === 1 ? { attributeNotExists: 'pk' } : { compare: ['version', '=', split.version - 1] },
  };
}

export function toSplitGroup(split: SplitRecord): SplitGroup {
  return {
    object: 'split_group',
    payment_intent: split.intent,
    merchant: split.merchant,
    currency: split.currency,
    status: split.status,
    lines: split.lines,
    platform_fee: split.platform_fee,
    platform_refunded: split.platform_refunded,
    transferred_at: split.transferred_at,
    settled_at: split.settled_at,
    created_at: split.created_at,
  };
}

/** Split groups due to settle on or before `day`, oldest first (a page). */
export async function splitsDue(store: Store, day: string, cursor?: string) {
  const page = await store.query({
    index: 'gsi2',
    partition: vendorKeys.splitsDue,
    sort: { op: '<', value: `${day}#~` },
    limit: 100,
    ...(cursor ? { cursor } : {}),
  });
  return { splits: page.items.map(splitFromItem), cursor: page.cursor };
}

export function vendorSplitPut(vendorId: string, intentId: string, amount: number): WriteOperation {
  return { type: 'put', item: { ...vendorKeys.vendorSplit(vendorId, intentId), intent: intentId, amount } };
}

/** A page of the intents a vendor has a share of, newest first. */
export async function vendorSplitIntents(
  store: Store,
  vendorId: string,
  page: { limit: number; cursor?: string },
): Promise<{ intents: string[]; next_cursor: string | undefined }> {
  const result = await store.query({
    partition: vendorKeys.vendorSplits(vendorId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return {
    intents: result.items.map((item) => z.object({ intent: z.string() }).parse(item).intent),
    next_cursor: result.cursor,
  };
}

// Payouts

const payoutItemSchema = vendorPayoutSchema.extend({
  /** The ledger transfer that paid it. */
  transfer: z.string(),
});
export type VendorPayoutRecord = z.output<typeof payoutItemSchema>;
const payoutFromItem = (item: Item): VendorPayoutRecord => payoutItemSchema.parse(item);

export function payoutPut(payout: VendorPayoutRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...vendorKeys.payout(payout.id),
      ...payout,
      gsi1pk: vendorKeys.vendorPayouts(payout.vendor),
      gsi1sk: payout.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function toVendorPayout(record: VendorPayoutRecord): VendorPayout {
  const { transfer: _transfer, ...payout } = record;
  return payout;
}

export async function vendorPayoutsPage(
  store: Store,
  vendorId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: VendorPayoutRecord[]; next_cursor: string | undefined }> {
  const result = await store.query({
    index: 'gsi1',
    partition: vendorKeys.vendorPayouts(vendorId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(payoutFromItem), next_cursor: result.cursor };
}
