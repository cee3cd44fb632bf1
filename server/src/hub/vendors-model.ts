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

// A vendor, a split group, a vendor payout and their events' data live in vendor-event-model.ts
// (light, for the dashboard).
export {
  splitGroupSchema,
  splitLineSchema,
  splitStatuses,
  vendorBalanceSchema,
  vendorPayoutSchema,
  vendorSchema,
  type SplitGroup,
  type SplitGroupEventObject,
  type SplitLine,
  type SplitStatus,
  type Vendor,
  type VendorEventData,
  type VendorPayout,
} from './vendor-event-model.ts';

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
