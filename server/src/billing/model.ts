import { z } from '@hono/zod-openapi';
import { amountSchema, currencySchema, displayTextSchema } from '../http/schemas.ts';
import { cardInputSchema, testCards } from '../payments/index.ts';
import { intervals, maxTrialDays, retryScheduleDays } from './periods.ts';
import { exhaustedActions } from './billing-model.ts';

// A subscription, an invoice, the test clock and billing's events' data live in billing-model.ts.
export {
  billingReasons,
  exhaustedActions,
  invoiceAttemptSchema,
  invoiceLineSchema,
  invoiceSchema,
  invoiceStatuses,
  subscriptionSchema,
  subscriptionStatuses,
  testClockSchema,
  testClockStatuses,
  type BillingEventData,
  type ExhaustedAction,
  type Invoice,
  type InvoiceAttempt,
  type InvoiceLine,
  type InvoiceStatus,
  type Subscription,
  type SubscriptionStatus,
  type TestClock,
} from './billing-model.ts';

/** Billing's API objects and request bodies: zod schemas that validate and feed the OpenAPI document. */

const nameSchema = displayTextSchema(200);
const metadataSchema = z
  .record(z.string().max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 50, { error: 'metadata holds at most 50 keys' })
  .optional();
const trialDaysSchema = z
  .number({ error: 'trial days must be a whole number of days' })
  .int({ error: 'trial days must be a whole number of days' })
  .min(0, { error: 'trial days cannot be negative' })
  .max(maxTrialDays, { error: `a trial lasts at most ${maxTrialDays} days (two years)` });

// Plans

/** The longest billing interval Stripe allows, one year, in each unit. */
const maxIntervalCount = { day: 365, week: 52, month: 12, year: 1 } as const;

export const createPlanSchema = z
  .object({
    name: nameSchema.min(1, { error: 'name is required' }),
    amount: amountSchema,
    currency: currencySchema,
    interval: z.enum(intervals, { error: `interval must be one of ${intervals.join(', ')}` }),
    interval_count: z
      .number({ error: 'interval_count must be a whole number from 1 to 365' })
      .int({ error: 'interval_count must be a whole number from 1 to 365' })
      .min(1, { error: 'interval_count must be a whole number from 1 to 365' })
      .max(365, { error: 'interval_count must be a whole number from 1 to 365' })
      .default(1),
    trial_period_days: trialDaysSchema.optional(),
    metadata: metadataSchema,
  })
  .strict()
  .refine((plan) => plan.interval_count <= maxIntervalCount[plan.interval], {
    error:
      'interval_count: a plan bills at least once a year (at most 365 days, 52 weeks, 12 months or 1 year)',
    path: ['interval_count'],
  })
  .openapi('CreatePlan', {
    example: { name: 'Pro', amount: 2900, currency: 'USD', interval: 'month', interval_count: 1 },
  });
export type CreatePlan = z.infer<typeof createPlanSchema>;

export const planSchema = z
  .object({
    id: z.string().openapi({ example: 'plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('plan'),
    name: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    interval: z.enum(intervals),
    interval_count: z.number().int(),
    trial_period_days: z.number().int().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
  })
  .openapi('Plan');
export type Plan = z.infer<typeof planSchema>;

// Customers

export const createCustomerSchema = z
  .object({
    name: nameSchema.optional(),
    email: z.email({ error: 'email must be an email address' }).max(254).optional(),
    metadata: metadataSchema,
  })
  .strict()
  .openapi('CreateCustomer', { example: { name: 'Jane Doe', email: 'jane@example.com' } });
export type CreateCustomer = z.infer<typeof createCustomerSchema>;

export const customerSchema = z
  .object({
    id: z.string().openapi({ example: 'cus_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('customer'),
    name: z.string().nullable(),
    email: z.string().nullable(),
    /** Credit owed to the customer per currency (unused time of a downgrade or a cancel), used by its next invoices. */
    credit_balance: z.record(z.string(), z.number().int()),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
  })
  .openapi('Customer');
export type Customer = z.infer<typeof customerSchema>;

// Payment methods

/** What a saved sandbox card does when charged: the outcome of the test card it was saved from. */
export const testBehaviours = [...new Set(testCards.map((card) => card.outcome))] as const;
export const testBehaviourSchema = z.enum(testBehaviours as [string, ...string[]]).openapi({
  description:
    'Sandbox only: how charges of this saved card answer (`success`, or a decline such as `insufficient_funds`). Set from the test card it was saved from; change it to see dunning happen.',
});

const routingNumberSchema = z.string().refine(isAbaRoutingNumber, {
  error: 'routing_number must be a 9-digit ABA routing number with a valid check digit',
});

export const createPaymentMethodSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('card'), card: cardInputSchema }).strict(),
    z
      .object({ type: z.literal('wallet'), wallet: z.object({ user: z.string().min(1).max(200) }).strict() })
      .strict(),
    z
      .object({
        type: z.literal('ach_debit'),
        ach_debit: z
          .object({
            routing_number: routingNumberSchema,
            account_number: z
              .string()
              .regex(/^\d{4,17}$/, { error: 'account_number must be 4 to 17 digits' }),
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
        mandate: z
          .object({
            accepted_at: z.iso.datetime({ error: 'mandate.accepted_at must be an ISO 8601 time' }),
            ip_address: z.string().max(45).optional(),
          })
          .strict()
          .openapi({
            description:
              'The debit authorization the customer gave (NACHA requires one for recurring debits).',
          }),
      })
      .strict(),
  ])
  .openapi('CreateBillingPaymentMethod', {
    example: {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    },
  });
export type CreatePaymentMethod = z.infer<typeof createPaymentMethodSchema>;

export const updatePaymentMethodSchema = z
  .object({ test_behaviour: testBehaviourSchema })
  .strict()
  .openapi('UpdateBillingPaymentMethod', { example: { test_behaviour: 'insufficient_funds' } });

export const paymentMethodSchema = z
  .object({
    id: z.string().openapi({ example: 'pm_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('payment_method'),
    customer: z.string(),
    type: z.enum(['card', 'wallet', 'ach_debit']),
    card: z
      .object({
        brand: z.string(),
        last4: z.string(),
        exp_month: z.number().int(),
        exp_year: z.number().int(),
        test_behaviour: testBehaviourSchema,
      })
      .nullable(),
    wallet: z.object({ user: z.string() }).nullable(),
    ach_debit: z
      .object({
        routing_number: z.string(),
        last4: z.string(),
        account_type: z.string(),
        mandate: z.object({ accepted_at: z.string(), ip_address: z.string().nullable() }),
      })
      .nullable(),
    created_at: z.string(),
  })
  .openapi('BillingPaymentMethod');
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

// Subscriptions

export const createSubscriptionSchema = z
  .object({
    customer: z.string().min(1).max(64),
    plan: z.string().min(1).max(64),
    payment_method: z.string().min(1).max(64),
    trial_days: trialDaysSchema.optional(),
    on_retries_exhausted: z.enum(exhaustedActions).optional().openapi({
      description:
        'After the last retry of a failed charge: `cancel` the subscription (default) or mark it `unpaid` (billing goes on; a later paid invoice makes it active again).',
    }),
    metadata: metadataSchema,
  })
  .strict()
  .openapi('CreateSubscription', {
    example: {
      customer: 'cus_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
      plan: 'plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
      payment_method: 'pm_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
    },
  });
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const updateSubscriptionSchema = z
  .object({
    plan: z.string().min(1).max(64).optional().openapi({
      description:
        'Change plan now: the unused time of the current plan is credited and the new plan charged for the rest of the period, to the second. Refused (409 `invalid_state_transition`) while the current period is not paid up: an invoice still open, in dunning, `unpaid` or its charge pending. Pay it first, or cancel.',
    }),
    payment_method: z.string().min(1).max(64).optional(),
    on_retries_exhausted: z.enum(exhaustedActions).optional(),
  })
  .strict()
  .openapi('UpdateSubscription', { example: { plan: 'plan_01JD3S8Q4X9Z2K7M5N6P8R0T1V' } });
export type UpdateSubscription = z.infer<typeof updateSubscriptionSchema>;

export const cancelSubscriptionSchema = z
  .object({
    at_period_end: z.boolean().default(false).openapi({
      description:
        '`true`: keep it to the end of the period already paid; `false`: end it now, crediting the unused time.',
    }),
  })
  .strict()
  .openapi('CancelSubscription', { example: { at_period_end: true } });

export const invoicePdfSchema = z
  .object({
    url: z.string().openapi({ description: 'A short-lived download URL of the PDF.' }),
    expires_at: z.string(),
    bytes: z.number().int(),
  })
  .openapi('InvoicePdf');

// Clock and settings

export const advanceBillingClockSchema = z
  .object({
    seconds: z
      .number()
      .int({ error: 'seconds must be a whole number' })
      .positive({ error: 'seconds must be positive' })
      .max(10 * 366 * 86_400, { error: 'seconds must be at most ten years' }),
  })
  .strict()
  .openapi('AdvanceBillingClock', { example: { seconds: 31_536_000 } });

export const billingSettingsSchema = z
  .object({
    object: z.literal('billing_settings'),
    retry_schedule_days: z.array(z.number().int()),
    on_retries_exhausted: z.enum(exhaustedActions),
  })
  .openapi('BillingSettings');
export const updateBillingSettingsSchema = z
  .object({ on_retries_exhausted: z.enum(exhaustedActions) })
  .strict()
  .openapi('UpdateBillingSettings', { example: { on_retries_exhausted: 'unpaid' } });
export const publishedRetrySchedule = [...retryScheduleDays];

/** ABA routing number: nine digits whose weighted sum (3, 7, 1 …) is a multiple of 10. */
export function isAbaRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return [...value].reduce((sum, digit, i) => sum + Number(digit) * weights[i]!, 0) % 10 === 0;
}
