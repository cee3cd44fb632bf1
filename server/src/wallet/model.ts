import { z } from '@hono/zod-openapi';
import { amountSchema, currencySchema, displayTextSchema } from '../http/schemas.ts';

const noteSchema = displayTextSchema(280).optional().openapi({ example: 'Dinner 🍜' });

export const sendMoneySchema = z
  .object({
    to: z
      .string()
      .min(1, { error: 'to is required: an email or a user id' })
      .max(320)
      .openapi({ example: 'bob@example.com' }),
    amount: amountSchema,
    currency: currencySchema,
    note: noteSchema,
  })
  .strict()
  .openapi('SendMoney');
export type SendMoney = z.infer<typeof sendMoneySchema>;

/**
 * A person on the other end of a wallet transfer or request: the name and email they had when
 * it was made (what Venmo shows too), stored with the item so reads need no directory lookups.
 */
export const walletPartySchema = z
  .object({
    id: z.string().openapi({ example: 'usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    name: z.string().openapi({ example: 'Bob Lee' }),
    email: z.string().openapi({ example: 'bob@example.com' }),
  })
  .openapi('WalletParty', {
    description: 'A user as the parties of a transfer or request see them: id, name and email, nothing else.',
  });
export type WalletParty = z.infer<typeof walletPartySchema>;

const partyField = (of: string) =>
  walletPartySchema.nullable().openapi({
    description: `The user behind \`${of}\`; null for Sluice itself (the sign-up bonus) or a user who no longer exists.`,
  });

export const walletTransferSchema = z
  .object({
    id: z.string().openapi({ example: 'tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    from: z.string().openapi({ description: "The sender's user id (`system` for the sign-up bonus)." }),
    to: z.string().openapi({ description: "The recipient's user id." }),
    from_user: partyField('from'),
    to_user: partyField('to'),
    amount: z.number().int(),
    currency: z.string(),
    note: z.string().nullable(),
    status: z.enum(['succeeded']),
    created_at: z.string(),
  })
  .openapi('WalletTransfer');
export type WalletTransfer = z.infer<typeof walletTransferSchema>;

export const paymentRequestStatuses = ['pending', 'paid', 'declined', 'canceled'] as const;
export type PaymentRequestStatus = (typeof paymentRequestStatuses)[number];

export const createPaymentRequestSchema = z
  .object({
    from: z
      .string()
      .min(1, { error: "from is required: the payer's email or user id" })
      .max(320)
      .openapi({ example: 'alice@example.com' }),
    amount: amountSchema,
    currency: currencySchema,
    note: noteSchema,
  })
  .strict()
  .openapi('CreatePaymentRequest');
export type CreatePaymentRequest = z.infer<typeof createPaymentRequestSchema>;

export const paymentRequestSchema = z
  .object({
    id: z.string().openapi({ example: 'preq_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    requester: z.string().openapi({ description: 'The user id of who asks for the money.' }),
    payer: z.string().openapi({ description: 'The user id of who is asked to pay.' }),
    requester_user: partyField('requester'),
    payer_user: partyField('payer'),
    amount: z.number().int(),
    currency: z.string(),
    note: z.string().nullable(),
    status: z.enum(paymentRequestStatuses),
    transfer_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('PaymentRequest');
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

/**
 * What each wallet event carries as `data`, which realtime pushes to the event's audience as is
 * (`{ id, type, time, data }`). The dashboard reads these types (type-only imports), so renaming
 * an event type or a field here breaks its build instead of silently ending its toasts.
 */
export interface WalletEventData {
  'wallet.transfer.created': { transfer: WalletTransfer };
  'wallet.balance.changed': { reason: string; transfer: WalletTransfer };
  'payment_request.created': { payment_request: PaymentRequest };
  'payment_request.paid': { payment_request: PaymentRequest };
  'payment_request.declined': { payment_request: PaymentRequest };
  'payment_request.canceled': { payment_request: PaymentRequest };
}
export type WalletEventType = keyof WalletEventData;

export const balanceSchema = z
  .object({
    currency: z.string(),
    available: z.number().int(),
    pending: z.number().int(),
    posted: z.number().int(),
  })
  .openapi('Balance');

export const activityEntrySchema = z
  .object({
    id: z.string(),
    transfer_id: z.string(),
    type: z.string().openapi({ description: 'p2p, payment_request, signup_bonus …' }),
    direction: z.enum(['debit', 'credit']),
    amount: z.number().int(),
    currency: z.string(),
    counterparty: z
      .string()
      .nullable()
      .openapi({ description: "The other user's id; null for Sluice itself (the sign-up bonus)." }),
    counterparty_user: partyField('counterparty'),
    note: z.string().nullable(),
    status: z.enum(['pending', 'completed']).openapi({
      description:
        '`pending`: money on hold (a shop order being paid, say); once taken it shows as a `completed` entry of its own, and the hold no longer shows; a hold released takes nothing and shows no more.',
    }),
    created_at: z.string(),
  })
  .openapi('ActivityEntry');
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

/** Ledger codes of wallet transfers. */
export const walletCodes = {
  p2p: 'p2p',
  paymentRequest: 'payment_request',
  signupBonus: 'signup_bonus',
  /** Issuance funding the promotions account the bonuses are paid from. */
  promotionsBudget: 'promotions_budget',
} as const;
