import { z } from '@hono/zod-openapi';
import { bankAccountMethodSchema } from '../hub/index.ts';
import { amountSchema, currencySchema } from '../http/schemas.ts';

/** Where a payout goes: the merchant owner's Sluice wallet, or their bank by ACH credit. */
export const payoutDestinations = ['wallet', 'ach'] as const;

/**
 * A payout's life: to a wallet it is `paid` at once; by ACH it is `in_transit` until it settles
 * two business days later (`paid`), or `returned` when the bank sends it back (R01, R02, R03 …),
 * its amount back in the available balance.
 */
export const payoutStatuses = ['in_transit', 'paid', 'returned'] as const;

export const createPayoutSchema = z
  .object({
    amount: amountSchema.openapi({ example: 5000 }),
    currency: currencySchema.openapi({ example: 'USD' }),
    destination: z
      .enum(payoutDestinations, { error: 'destination must be wallet or ach' })
      .openapi({ example: 'wallet' }),
    /** For `ach`: the business's bank account (its number is sealed at once, shown by its last 4). */
    bank_account: bankAccountMethodSchema.shape.bank_account.optional().openapi({
      example: {
        routing_number: '231380104',
        account_number: '000123456789',
        account_holder_name: 'Acme Coffee LLC',
        account_type: 'checking',
      },
    }),
    description: z.string().trim().max(200).optional().openapi({ example: 'Weekly payout' }),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.destination === 'ach' && !input.bank_account)
      ctx.addIssue({ code: 'custom', path: ['bank_account'], message: 'an ach payout needs bank_account' });
    if (input.destination === 'wallet' && input.bank_account)
      ctx.addIssue({
        code: 'custom',
        path: ['bank_account'],
        message: 'bank_account is for ach payouts only',
      });
  })
  .openapi('CreatePayout');
export type CreatePayout = z.output<typeof createPayoutSchema>;

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
