import { z } from '@hono/zod-openapi';

/**
 * A payout and its events: the shapes the API returns and events carry. Apart from `model.ts`
 * (whose create schema takes the hub's bank account input, and with it the hub), so the dashboard
 * can import these types alone (type-only) and its build checks the events it reads.
 */

/** Where a payout goes: the merchant owner's Sluice wallet, or their bank by ACH credit. */
export const payoutDestinations = ['wallet', 'ach'] as const;
export type PayoutDestination = (typeof payoutDestinations)[number];

/**
 * A payout's life: to a wallet it is `paid` at once; by ACH it is `in_transit` until it settles
 * two business days later (`paid`), or `returned` when the bank sends it back (R01, R02, R03 …),
 * its amount back in the available balance.
 */
export const payoutStatuses = ['in_transit', 'paid', 'returned'] as const;

export const payoutSchema = z
  .object({
    id: z.string().openapi({ example: 'po_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('payout'),
    merchant: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    destination: z.enum(payoutDestinations),
    /** For `ach`: where it went (never the account number) and the entry's trace number. */
    bank_account: z
      .object({
        routing_number: z.string(),
        last4: z.string(),
        account_holder_name: z.string(),
        trace_number: z.string(),
      })
      .nullable()
      .default(null),
    description: z.string().nullable(),
    status: z.enum(payoutStatuses),
    /** For `ach`: the business day it settles (T+2 on the ACH calendar). */
    arrival_date: z.string().nullable().default(null),
    /** For a returned ACH payout: the bank's return reason code (R01, R02, R03 …). */
    return_code: z.string().nullable().default(null),
    /** The approval request it was made under, if its policy asked for one. */
    approval: z.string().nullable(),
    transfer: z.string(),
    created_at: z.string(),
  })
  .openapi('Payout');
export type Payout = z.output<typeof payoutSchema>;

/**
 * What each payout event carries as `data`: the payout as the API returns it after the change; for
 * `payout.failed` (an approved payout that could not be made, no payout written) what the approval
 * asked for and why it failed. Webhooks deliver them to the merchant, realtime pushes them to its
 * owner (`{ id, type, time, data }`). The dashboard reads these types (type-only imports), so
 * renaming an event type or a field here breaks its build and its tests' fixtures.
 */
export interface PayoutEventData {
  'payout.created': { object: Payout };
  /** To a wallet at once (after `payout.created`); by ACH when the credit settles. */
  'payout.paid': { object: Payout };
  'payout.failed': PayoutFailure;
  /** An ACH credit the bank sent back: `return_code` set, the amount back in the balance. */
  'payout.returned': { object: Payout };
}
export type PayoutEventType = keyof PayoutEventData;

/** The data of `payout.failed`: its subject is the approval request, not a payout. */
export interface PayoutFailure {
  approval: string;
  amount: number | null;
  currency: string | null;
  destination: PayoutDestination | null;
  error: { code: string; message: string };
}
