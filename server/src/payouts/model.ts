import { z } from '@hono/zod-openapi';
import { amountSchema, currencySchema } from '../http/schemas.ts';

/** Where a payout goes: the merchant owner's Sluice wallet, or their bank by ACH credit. */
export const payoutDestinations = ['wallet', 'ach'] as const;

export const createPayoutSchema = z
  .object({
    amount: amountSchema.openapi({ example: 5000 }),
    currency: currencySchema.openapi({ example: 'USD' }),
    destination: z
      .enum(payoutDestinations, { error: 'destination must be wallet or ach' })
      .openapi({ example: 'wallet' }),
    description: z.string().trim().max(200).optional().openapi({ example: 'Weekly payout' }),
  })
  .strict()
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
    description: z.string().nullable(),
    status: z.literal('paid'),
    /** The approval request it was made under, if its policy asked for one. */
    approval: z.string().nullable(),
    transfer: z.string(),
    created_at: z.string(),
  })
  .openapi('Payout');
export type Payout = z.output<typeof payoutSchema>;
