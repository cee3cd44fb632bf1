import { z } from '@hono/zod-openapi';
import { amountSchema, currencySchema, displayTextSchema, paginationQuerySchema } from '../http/schemas.ts';
import { currencies, currencyExponents } from '../kernel/money.ts';
import { testCards } from './test-cards.ts';

/** Requests per minute an API key gets unless it was created with its own limit. */
export const defaultRateLimitPerMinute = 100;

/** How many merchants one user may own (Stripe-like: a handful of accounts per person). */
export const maxMerchantsPerUser = 20;
/** How many unrevoked API keys one merchant may hold at once; a revoked key frees its place. */
export const maxActiveApiKeysPerMerchant = 20;

/** How long an authorization holds funds, in sandbox time (as card networks do, roughly). */
export const authorizationLifetimeMs = 7 * 24 * 3600 * 1000;

/**
 * The merchant's ledger accounts, one set per currency, opened on first use. `credit_line` funds
 * the negative-balance floor: it is opened before `available`, which it credits once with the
 * floor (see `balance.ts`).
 */
export const merchantAccountPurposes = ['pending', 'credit_line', 'available', 'fees', 'disputes'] as const;
export type MerchantAccountPurpose = (typeof merchantAccountPurposes)[number];

/** Ledger codes of sandbox transfers. */
export const paymentCodes = {
  charge: 'card_payment',
  refund: 'card_refund',
  settlement: 'settlement',
  settlementFee: 'settlement_fee',
  dispute: 'dispute',
  disputeFee: 'dispute_fee',
  disputeWon: 'dispute_won',
  disputeLost: 'dispute_lost',
  feesRecovered: 'fees_recovered',
  balanceFloor: 'balance_floor',
} as const;

/**
 * How far below zero a merchant's available balance may go (Stripe-like) through refunds and
 * dispute debits, in major units of the currency: the floor is −100 USD, −100 EUR, −100 JPY …
 * Later settlements credit the balance first, so a negative balance is recovered from them.
 */
export const negativeBalanceLimitMajorUnits = 100;

export const createMerchantSchema = z
  .object({
    name: displayTextSchema(200).min(1, { error: 'name is required' }).openapi({ example: 'Acme Coffee' }),
  })
  .strict()
  .openapi('CreateMerchant');
export type CreateMerchant = z.infer<typeof createMerchantSchema>;

export const merchantSchema = z
  .object({
    id: z.string().openapi({ example: 'mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    name: z.string(),
    owner: z.string(),
    sandbox_time: z.string().openapi({
      description: "The merchant's test clock: real time plus the offset moved by advance-clock.",
    }),
    created_at: z.string(),
  })
  .openapi('Merchant');
export type Merchant = z.infer<typeof merchantSchema>;

export const createApiKeySchema = z
  .object({
    name: z.string().trim().max(200).optional().openapi({ example: 'checkout server' }),
    rate_limit_per_minute: z.number().int().min(1).max(100_000).optional().openapi({ example: 100 }),
  })
  .strict()
  .openapi('CreateApiKey');
export type CreateApiKey = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    merchant: z.string(),
    name: z.string().nullable(),
    last4: z.string().openapi({ description: 'The last four characters of the secret, to tell keys apart.' }),
    rate_limit_per_minute: z.number().int(),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey');
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema
  .extend({
    secret: z.string().nullable().openapi({
      example: 'sk_test_…',
      description:
        'Shown only in this response; stored hashed. null on an idempotent replay (Idempotent-Redacted: secret).',
    }),
  })
  .openapi('CreatedApiKey');
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const cardInputSchema = z
  .object({
    number: z
      .string({ error: 'card.number must be a string of digits' })
      .min(1, { error: 'card.number is required' })
      .max(40, { error: 'card.number is too long' })
      .openapi({
        example: '4242424242424242',
        // The test card table, published in the document so clients (the dashboard) read it
        // instead of copying it: web/src/api/catalog.gen.ts is generated from it.
        'x-test-cards': testCards.map((card) => ({
          number: card.number,
          outcome: card.outcome,
          decline_code: card.declineCode ?? null,
          description: card.description,
        })),
      }),
    exp_month: z
      .number({ error: 'card.exp_month must be an integer' })
      .int({ error: 'card.exp_month must be an integer' }),
    exp_year: z
      .number({ error: 'card.exp_year must be an integer' })
      .int({ error: 'card.exp_year must be an integer' }),
    cvc: z.string({ error: 'card.cvc must be a string of digits' }).max(8, { error: 'card.cvc is too long' }),
  })
  .strict()
  .openapi('CardInput');
export type CardInput = z.infer<typeof cardInputSchema>;

const metadataSchema = z
  .record(z.string().max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 50, { error: 'metadata holds at most 50 keys' })
  .openapi({ example: { order_id: '6735' } });

/**
 * The currencies a payment can be made in, named in the document with each one's minor-unit
 * exponent (`x-exponents`) so clients (the dashboard) read the table instead of copying it.
 * Documentation only: validation is `currencySchema`'s.
 */
const apiCurrencies = currencies.filter((code) => code !== 'COIN');
const paymentCurrencySchema = currencySchema.openapi('Currency', {
  enum: apiCurrencies,
  'x-exponents': Object.fromEntries(apiCurrencies.map((code) => [code, currencyExponents[code]])),
});

export const createPaymentSchema = z
  .object({
    amount: amountSchema,
    currency: paymentCurrencySchema,
    card: cardInputSchema,
    capture: z.boolean().default(true),
    description: z.string().max(1000).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi('CreatePayment');
export type CreatePayment = z.infer<typeof createPaymentSchema>;

export const capturePaymentSchema = z
  .object({
    amount: amountSchema
      .optional()
      .openapi({ description: 'At most amount_capturable; the rest of the hold is released.' }),
  })
  .strict()
  .openapi('CapturePayment');

export const cardBrands = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay'] as const;
export type CardBrand = (typeof cardBrands)[number];

export const cardSchema = z
  .object({
    brand: z.enum(cardBrands),
    last4: z.string(),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
    fingerprint: z
      .string()
      .openapi({ description: 'Same card number, same fingerprint, within this installation.' }),
  })
  .openapi('Card');
export type Card = z.infer<typeof cardSchema>;

export const paymentStatuses = ['requires_capture', 'succeeded', 'canceled', 'failed'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const disputeStatuses = ['needs_response', 'under_review', 'won', 'lost'] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];

/**
 * What happened to a payment, for people: `status` keeps the four API states integrations
 * branch on, and this one says what followed a success (refunds, a dispute and its outcome).
 */
export const paymentDisplayStatuses = [
  'requires_capture',
  'succeeded',
  'partially_refunded',
  'refunded',
  'disputed',
  'dispute_won',
  'dispute_lost',
  'canceled',
  'expired',
  'failed',
] as const;
export type PaymentDisplayStatus = (typeof paymentDisplayStatuses)[number];

/** What may be done to a payment now; the server refuses the others (409). */
export const paymentActions = ['capture', 'void', 'refund', 'dispute'] as const;
export type PaymentAction = (typeof paymentActions)[number];

export const paymentSchema = z
  .object({
    id: z.string().openapi({ example: 'pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('payment'),
    merchant: z.string(),
    status: z.enum(paymentStatuses),
    amount: z.number().int(),
    amount_capturable: z.number().int(),
    amount_captured: z.number().int(),
    amount_refunded: z.number().int(),
    currency: z.string(),
    card: cardSchema,
    capture_before: z
      .string()
      .nullable()
      .openapi({ description: 'Sandbox time after which an uncaptured authorization expires.' }),
    review: z.boolean().openapi({ description: 'Flagged for manual review: never captured automatically.' }),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    failure_code: z.string().nullable(),
    decline_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    canceled_at: z.string().nullable(),
    cancellation_reason: z.enum(['expired', 'requested_by_merchant']).nullable(),
    settlement: z
      .string()
      .nullable()
      .openapi({ description: 'The settlement that paid it out (`stl_…`); null until then.' }),
    dispute: z.string().nullable().openapi({
      description: 'Its dispute (`dp_…`), once one is opened; a disputed payment can no longer be refunded.',
    }),
    dispute_status: z
      .enum(disputeStatuses)
      .nullable()
      .openapi({ description: "Its dispute's status (`won`/`lost` once closed); null when undisputed." }),
    display_status: z.enum(paymentDisplayStatuses).openapi({
      description:
        'What happened to it, for people: `status` refined by refunds (`partially_refunded`, `refunded`), a dispute (`disputed`, `dispute_won`, `dispute_lost`) and expiry (`expired`).',
      example: 'partially_refunded',
    }),
    capturable: z
      .boolean()
      .openapi({ description: 'Whether a capture would be accepted now (an open authorization).' }),
    refundable_amount: z.number().int().openapi({
      description:
        'The most a refund may take now: captured − refunded, or 0 when it cannot be refunded (not succeeded, or disputed).',
    }),
    available_actions: z.array(z.enum(paymentActions)).openapi({
      description: 'The actions the API accepts on it now (`dispute` through the test helper).',
      example: ['refund', 'dispute'],
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Payment');
export type Payment = z.infer<typeof paymentSchema>;

const sandboxTimeQuery = (description: string) =>
  z
    .string()
    .refine((text) => !Number.isNaN(Date.parse(text)), { error: 'must be an ISO 8601 date or time' })
    .optional()
    .openapi({ description, example: '2026-01-01' });

/** The payments list's filters: any combination, all must hold. */
export const paymentListQuerySchema = paginationQuerySchema.extend({
  status: z.enum(paymentStatuses).optional(),
  display_status: z.enum(paymentDisplayStatuses).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({
    description:
      'Search: part of the id or the description (any case), or an amount in major units (`25`, `25.00`).',
    example: '25.00',
  }),
  created_gte: sandboxTimeQuery('Created at or after this sandbox time.'),
  created_lt: sandboxTimeQuery('Created before this sandbox time.'),
});
export type PaymentListQuery = z.infer<typeof paymentListQuerySchema>;

export const createRefundSchema = z
  .object({
    payment: z.string().min(1).max(200).openapi({ example: 'pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    amount: amountSchema
      .optional()
      .openapi({ description: 'Defaults to everything captured and not yet refunded.' }),
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  })
  .strict()
  .openapi('CreateRefund');
export type CreateRefund = z.infer<typeof createRefundSchema>;

export const refundSchema = z
  .object({
    id: z.string().openapi({ example: 're_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('refund'),
    merchant: z.string(),
    payment: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string().nullable(),
    status: z.literal('succeeded'),
    created_at: z.string(),
  })
  .openapi('Refund');
export type Refund = z.infer<typeof refundSchema>;

export const merchantBalanceSchema = z
  .object({
    balances: z.array(
      z.object({
        currency: z.string(),
        available: z.number().int().openapi({
          description:
            'Settled funds; negative (down to −negative_balance_limit) when refunds or disputes took more than it held, recovered from later settlements.',
        }),
        pending: z.number().int().openapi({ description: 'Captured funds, less refunds, not yet settled.' }),
        negative_balance_limit: z.number().int().openapi({
          description: 'How far below zero refunds and dispute debits may take `available`, in minor units.',
          example: 10_000,
        }),
      }),
    ),
  })
  .openapi('MerchantBalance');
export type MerchantBalance = z.infer<typeof merchantBalanceSchema>;

export const balanceTransactionTypes = [
  'settlement',
  'refund',
  'dispute',
  'dispute_won',
  'payout',
  'adjustment',
] as const;
export type BalanceTransactionType = (typeof balanceTransactionTypes)[number];

/** One change of the merchant's available balance, like a Stripe balance transaction. */
export const balanceTransactionSchema = z
  .object({
    id: z.string().openapi({
      description: 'The ledger transfer that made the change.',
      example: 'tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
    }),
    object: z.literal('balance_transaction'),
    type: z.enum(balanceTransactionTypes).openapi({
      description:
        '`settlement` (a payout of captured funds), `refund` (of a settled payment), `dispute` (withdrawn from a settled payment), `dispute_won` (returned), `payout` (paid out to a wallet or bank), `adjustment` (anything else, named by `code`).',
    }),
    code: z.string().openapi({ description: "The ledger transfer's code (`settlement`, `card_refund` …)." }),
    currency: z.string(),
    amount: z
      .number()
      .int()
      .openapi({ description: 'Gross, signed: what the source added or took before fees.' }),
    fee: z
      .number()
      .int()
      .openapi({ description: 'Fees taken from it (processing and dispute fees withheld).' }),
    net: z.number().int().openapi({ description: 'amount − fee: what the available balance changed by.' }),
    balance_after: z.number().int().openapi({ description: 'The available balance right after it.' }),
    source: z.string().nullable().openapi({
      description:
        "The object that caused it (`stl_…`, `re_…`, `dp_…`, a payout `po_…`, a bank debit's `pi_…`); null for a change no object names.",
    }),
    payment: z.string().nullable(),
    created_at: z.string().openapi({
      description: "Sandbox time (the merchant's test clock) when `sandbox_time` is true, else real time.",
    }),
    sandbox_time: z.boolean(),
  })
  .openapi('BalanceTransaction');
export type BalanceTransaction = z.infer<typeof balanceTransactionSchema>;

export const advanceClockSchema = z
  .object({
    seconds: z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 24 * 3600)
      .openapi({ example: 604_800 }),
  })
  .strict()
  .openapi('AdvanceClock');

export const advanceClockResultSchema = z
  .object({
    sandbox_time: z.string(),
    expired_payments: z.array(z.string()),
    settlements: z
      .array(z.string())
      .openapi({ description: 'Settlements the move fired (captures of sandbox days that ended).' }),
    closed_disputes: z
      .array(z.string())
      .openapi({ description: 'Disputes whose evidence deadline passed: won with evidence, lost without.' }),
  })
  .openapi('AdvanceClockResult');

/**
 * Processing fee per settled payment: 2.9% + 30 minor units of what the payment settles
 * (captured − refunded before settlement). The percentage rounds half up to a whole minor unit
 * (integer math: `(net * 29 + 500) / 1000`, floored), and the fee is capped at the net, so a
 * payment never settles below zero; a payment fully refunded before settlement pays no fee.
 */
export const settlementFee = { basisPointsTimesTen: 29, fixed: 30 } as const;

export function settlementFeeFor(net: number): number {
  if (net <= 0) return 0;
  return Math.min(
    net,
    Math.floor((net * settlementFee.basisPointsTimesTen + 500) / 1000) + settlementFee.fixed,
  );
}

/** Payments settle in batches of at most this many, one ledger transaction (and settlement) each. */
export const settlementBatchSize = 40;

export const settlementLineTypes = [
  'charge',
  'refund',
  'dispute_hold',
  'processing_fee',
  'dispute_fee_recovery',
] as const;
export type SettlementLineType = (typeof settlementLineTypes)[number];

/** One amount of a settlement, like one of a Stripe payout's balance transactions. */
export const settlementLineSchema = z
  .object({
    type: z.enum(settlementLineTypes).openapi({
      description:
        '`charge` (+ captured), `refund` (− refunded before settlement), `dispute_hold` (− withdrawn by a dispute), `processing_fee` (− 2.9% + 30), `dispute_fee_recovery` (− dispute fees owed, withheld from this payout).',
    }),
    payment: z.string().nullable(),
    dispute: z.string().nullable(),
    amount: z
      .number()
      .int()
      .openapi({ description: 'Signed: positive adds to the payout, negative takes from it.' }),
  })
  .openapi('SettlementLine');
export type SettlementLine = z.infer<typeof settlementLineSchema>;

export const settlementSchema = z
  .object({
    id: z.string().openapi({ example: 'stl_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('settlement'),
    merchant: z.string(),
    currency: z.string(),
    settlement_date: z.string().openapi({
      description: 'The sandbox UTC day (YYYY-MM-DD) whose captures it settles.',
      example: '2026-01-01',
    }),
    gross: z.number().int().openapi({ description: 'Captured less refunded, of its payments.' }),
    fees: z
      .number()
      .int()
      .openapi({ description: 'Processing fees of its payments (2.9% + 30 per payment).' }),
    dispute_fees: z
      .number()
      .int()
      .openapi({ description: 'Dispute fees charged since an earlier payout and recovered from this one.' }),
    net: z
      .number()
      .int()
      .openapi({ description: 'gross − fees − dispute_fees: moved from pending to available.' }),
    captured: z.number().int().openapi({ description: 'What its payments captured.' }),
    refunded: z.number().int().openapi({ description: 'What its payments refunded before it.' }),
    disputed: z.number().int().openapi({
      description: 'What disputes opened before it withdrew (held in the disputes, not paid out).',
    }),
    lines: z.array(settlementLineSchema).openapi({
      description:
        'Every amount that makes up the payout, signed (money to the merchant positive): they sum to `net`; charges less refunds and dispute holds sum to `gross`.',
    }),
    payments: z.array(z.string()),
    created_at: z.string(),
  })
  .openapi('Settlement');
export type Settlement = z.infer<typeof settlementSchema>;

/** What opening a dispute costs the merchant on top of the disputed amount, in minor units; kept even if won. */
export const disputeFee = 1500;

/** How long the merchant has to answer a dispute, in sandbox time. */
export const disputeResponseWindowMs = 7 * 24 * 3600 * 1000;

export const disputeSchema = z
  .object({
    id: z.string().openapi({ example: 'dp_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('dispute'),
    merchant: z.string(),
    payment: z.string(),
    amount: z
      .number()
      .int()
      .openapi({ description: 'Withdrawn from the merchant while the dispute is open.' }),
    fee: z
      .number()
      .int()
      .openapi({ description: 'The dispute fee, charged when opened and kept whatever the outcome.' }),
    currency: z.string(),
    reason: z.string(),
    status: z.enum(disputeStatuses),
    evidence: z.object({ text: z.string(), submitted_at: z.string() }).nullable(),
    evidence_due_by: z.string(),
    created_at: z.string(),
    closed_at: z.string().nullable(),
  })
  .openapi('Dispute');
export type Dispute = z.infer<typeof disputeSchema>;

/**
 * What each sandbox event carries as `data`: `{ object }`, the object as the API returns it after
 * the change. Webhooks deliver it to the merchant and realtime pushes it to the merchant's owner
 * as is (`{ id, type, time, data }`). The dashboard reads these types (type-only imports), so
 * renaming an event type or a field of its object here breaks its build and its tests' fixtures.
 */
export interface PaymentEventData {
  /** Also sent before `payment.captured` for a charge captured at once, as the authorized payment. */
  'payment.authorized': { object: Payment };
  'payment.captured': { object: Payment };
  'payment.voided': { object: Payment };
  'payment.failed': { object: Payment };
  'payment.expired': { object: Payment };
  'refund.succeeded': { object: Refund };
  'payout.settled': { object: Settlement };
  'dispute.created': { object: Dispute };
  'dispute.closed': { object: Dispute };
}
export type PaymentEventType = keyof PaymentEventData;

export const disputeEvidenceSchema = z
  .object({ text: z.string().trim().min(1, { error: 'text is required' }).max(20_000) })
  .strict()
  .openapi('DisputeEvidence');

export const openDisputeSchema = z
  .object({
    payment: z.string().min(1).max(200),
    reason: z.enum(['fraudulent', 'product_not_received', 'duplicate', 'general']).optional(),
  })
  .strict()
  .openapi('OpenDispute');
