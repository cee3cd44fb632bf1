import { z } from '@hono/zod-openapi';
import { isRoutingNumber } from './ach/nacha.ts';

/**
 * The ways money leaves or enters through the hub that both payment intents and vendor payouts
 * take: a Sluice wallet (by its user), and a US bank account (an ABA routing number with a valid
 * check digit, the account number, the holder's name as NACHA allows it).
 */
export const walletMethodSchema = z
  .object({
    type: z.literal('wallet'),
    wallet: z.object({ user: z.string().min(1).max(200) }).strict(),
  })
  .strict();

export const bankAccountMethodSchema = z
  .object({
    type: z.literal('bank_account'),
    bank_account: z
      .object({
        routing_number: z.string().refine(isRoutingNumber, {
          error: 'routing_number must be a 9-digit ABA routing number with a valid check digit',
        }),
        account_number: z.string().regex(/^\d{4,17}$/, { error: 'account_number must be 4 to 17 digits' }),
        account_holder_name: z
          .string()
          .min(1)
          .max(22)
          .regex(/^[A-Za-z0-9 .,'&-]+$/, {
            error: "account_holder_name must be letters, digits and . , ' & -",
          }),
        account_type: z.enum(['checking', 'savings']).default('checking'),
      })
      .strict(),
  })
  .strict();
