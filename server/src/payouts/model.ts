import { z } from '@hono/zod-openapi';
import { bankAccountMethodSchema } from '../hub/index.ts';
import { amountSchema, currencySchema } from '../http/schemas.ts';
import { payoutDestinations } from './payout-model.ts';

export {
  payoutDestinations,
  payoutSchema,
  payoutStatuses,
  type Payout,
  type PayoutDestination,
  type PayoutEventData,
  type PayoutEventType,
  type PayoutFailure,
} from './payout-model.ts';

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
