import { z } from '@hono/zod-openapi';
import { defineErrors, errorTypes } from '../kernel/errors.ts';
import { defineIds } from '../kernel/ids.ts';
import { amountSchema, currencySchema, displayTextSchema } from '../http/schemas.ts';
import { bankAccountMethodSchema, walletMethodSchema } from './method-schemas.ts';

/**
 * Vendors: the connected accounts of a merchant that sells for many vendors (Stripe Connect's
 * connected accounts with destination charges). Each vendor has a `pending` and an `available`
 * ledger account in its currency; a payment intent's `splits` move each vendor's share into its
 * `pending` account when the payment succeeds, the platform fee (the rest) staying with the
 * merchant; vendor settlement makes it `available`, and payouts pay it out from there.
 */

export const vendorIds = defineIds({ vendor: 'ven', vendorPayout: 'vpo' });

/**
 * `unknown_vendor` (400): a split names no vendor of this merchant (another merchant's vendors are
 * not told apart from missing ones). `splits_exceed_amount` (400): the splits add up to more than
 * the payment. `split_currency_mismatch` (400): a vendor holds another currency than the payment.
 * `splits_not_supported` (422): none of the providers routed to keeps the funds in Sluice's books
 * (Stripe holds its own), so nothing could move to the vendors.
 */
export const vendorErrors = defineErrors({
  unknown_vendor: { status: 400, type: errorTypes.invalid_request },
  splits_exceed_amount: { status: 400, type: errorTypes.invalid_request },
  split_currency_mismatch: { status: 400, type: errorTypes.invalid_request },
  splits_not_supported: { status: 422, type: errorTypes.invalid_request },
});

/** At most this many vendors share one payment: its linked transfer stays far under 100 items. */
export const maxSplits = 10;

export const vendorAccountPurposes = ['pending', 'available'] as const;
export type VendorAccountPurpose = (typeof vendorAccountPurposes)[number];

/** The ledger codes of the vendor transfers. */
export const vendorLedgerCodes = {
  split: 'hub_vendor_split',
  reversal: 'hub_vendor_reversal',
  settlement: 'hub_vendor_settlement',
  /** The merchant's available funds giving back to its pending account the card shares paid out ahead. */
  settlementCover: 'hub_vendor_settlement_cover',
  payout: 'hub_vendor_payout',
} as const;

export const createVendorSchema = z
  .object({
    name: displayTextSchema(100).min(1).openapi({ example: 'Blue Bottle Roasters' }),
    email: z.email().max(254).optional().openapi({ example: 'payouts@bluebottle.example' }),
    currency: currencySchema.default('USD').openapi({
      description: 'The currency its balance is kept in: splits of payments in other currencies are refused.',
    }),
  })
  .strict()
  .openapi('CreateVendor');
export type CreateVendor = z.infer<typeof createVendorSchema>;

export const vendorBalanceSchema = z.object({
  currency: z.string(),
  /** Shares of payments not yet settled to the vendor. */
  pending: z.number().int(),
  /** What can be paid out now. */
  available: z.number().int(),
});

export const vendorSchema = z
  .object({
    id: z.string().openapi({ example: 'ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('vendor'),
    merchant: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    currency: z.string(),
    balances: z.array(vendorBalanceSchema),
    created_at: z.string(),
  })
  .openapi('Vendor');
export type Vendor = z.infer<typeof vendorSchema>;

/** One vendor's share of a payment intent. */
export const splitInputSchema = z
  .object({
    vendor: z.string().min(1).max(100).openapi({ example: 'ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    amount: amountSchema,
  })
  .strict()
  .openapi('Split');
export const splitsInputSchema = z
  .array(splitInputSchema)
  .min(1)
  .max(maxSplits)
  .refine((splits) => new Set(splits.map((s) => s.vendor)).size === splits.length, {
    error: 'each vendor may appear once',
  })
  .openapi({
    description:
      'Shares of the payment for your vendors (at most 10, adding up to at most the amount): moved to them in one linked ledger transfer when the payment succeeds; the rest is your platform fee.',
  });
export type SplitInput = z.infer<typeof splitInputSchema>;

export const splitStatuses = ['awaiting_payment', 'transferred', 'settled'] as const;
export type SplitStatus = (typeof splitStatuses)[number];

export const splitLineSchema = z.object({
  vendor: z.string(),
  amount: z.number().int(),
  /** What refunds took back from this share (reversed from the vendor plus any shortfall). */
  reversed: z.number().int(),
  /** The part of `reversed` the vendor could not cover (already paid out): the merchant bore it. */
  shortfall: z.number().int(),
});
export type SplitLine = z.infer<typeof splitLineSchema>;

/** A payment intent's division among vendors, as the API shows it. */
export const splitGroupSchema = z
  .object({
    object: z.literal('split_group'),
    payment_intent: z.string(),
    merchant: z.string(),
    currency: z.string(),
    status: z.enum(splitStatuses),
    lines: z.array(splitLineSchema),
    /** What the merchant kept: the payment less the vendors' shares. */
    platform_fee: z.number().int(),
    /** What refunds took from the platform fee. */
    platform_refunded: z.number().int(),
    transferred_at: z.string().nullable(),
    settled_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('SplitGroup');
export type SplitGroup = z.infer<typeof splitGroupSchema>;

export const vendorPayoutDestinationSchema = z
  .discriminatedUnion('type', [walletMethodSchema, bankAccountMethodSchema])
  .openapi('VendorPayoutDestination');
export type VendorPayoutDestination = z.infer<typeof vendorPayoutDestinationSchema>;

export const createVendorPayoutSchema = z
  .object({
    amount: amountSchema,
    currency: currencySchema,
    destination: vendorPayoutDestinationSchema,
  })
  .strict()
  .openapi('CreateVendorPayout');
export type CreateVendorPayout = z.infer<typeof createVendorPayoutSchema>;

export const vendorPayoutSchema = z
  .object({
    id: z.string().openapi({ example: 'vpo_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('vendor_payout'),
    vendor: z.string(),
    merchant: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.literal('paid'),
    destination: z.object({
      type: z.enum(['wallet', 'bank_account']),
      wallet: z.object({ user: z.string() }).nullable(),
      /** An ACH credit in the merchant's NACHA file of the day: never the full account number. */
      bank_account: z
        .object({ routing_number: z.string(), last4: z.string(), trace_number: z.string() })
        .nullable(),
    }),
    created_at: z.string(),
  })
  .openapi('VendorPayout');
export type VendorPayout = z.infer<typeof vendorPayoutSchema>;

/**
 * Divides `total` among `weights` in proportion, in whole minor units, by largest remainder
 * (Hamilton): each gets the floor of its exact share, then the units left over go one each to
 * the largest fractional remainders (ties to the earlier weight). The parts add up to `total`
 * exactly, and none exceeds its weight when `total` ≤ the weights' sum. Integer arithmetic only:
 * the products are bigints, so no amount the ledger holds loses a unit.
 *
 * @example apportion(100, [1, 1, 1]) // [34, 33, 33]
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const big = BigInt(total);
  const bigSum = BigInt(sum);
  const parts = weights.map((w) => {
    const product = big * BigInt(w);
    return { floor: Number(product / bigSum), remainder: product % bigSum };
  });
  let left = total - parts.reduce((a, p) => a + p.floor, 0);
  const order = parts
    .map((p, index) => ({ index, remainder: p.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const out = parts.map((p) => p.floor);
  for (const { index } of order) {
    if (left <= 0) break;
    out[index]! += 1;
    left -= 1;
  }
  return out;
}
