import { z } from '@hono/zod-openapi';

/**
 * A vendor, a payment intent's split group and a vendor payout: the shapes the API returns and
 * the hub's `vendor.*` events carry. Apart from `vendors-model.ts` (whose ids, errors and request
 * bodies take the kernel's and the ACH module's code), so the dashboard can import these types
 * alone (type-only) and its build checks the events it reads.
 */

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

/** A split group as its events carry it: with `id`, its payment intent's (the events' subject). */
export type SplitGroupEventObject = SplitGroup & { id: string };

/**
 * What each of the hub's `vendor.*` events carries as data: the vendor when created, the payment's
 * split group after its shares moved (transferred when the payment succeeded, reversed by a
 * refund, settled to the vendors), the payout when paid. Part of `HubEventData`.
 */
export interface VendorEventData {
  'vendor.created': { object: Vendor };
  'vendor.split_transferred': { object: SplitGroupEventObject };
  'vendor.split_reversed': { object: SplitGroupEventObject };
  'vendor.split_settled': { object: SplitGroupEventObject };
  'vendor.payout.paid': { object: VendorPayout };
}
