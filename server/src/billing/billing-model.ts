import { z } from '@hono/zod-openapi';

/**
 * A subscription, an invoice and the test clock: the shapes the API returns and billing's events
 * (`invoice.*`, `subscription.*`, `test_clock.*`) carry. Apart from `model.ts` (whose request
 * bodies take the payments module's card input, and with it the server), so the dashboard can
 * import these types alone (type-only) and its build checks the events it reads.
 */

export const exhaustedActions = ['cancel', 'unpaid'] as const;
export type ExhaustedAction = (typeof exhaustedActions)[number];

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'unpaid', 'canceled'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const subscriptionSchema = z
  .object({
    id: z.string().openapi({ example: 'sub_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('subscription'),
    customer: z.string(),
    plan: z.string(),
    payment_method: z.string(),
    status: z.enum(subscriptionStatuses),
    currency: z.string(),
    current_period_start: z.string(),
    current_period_end: z.string(),
    trial_end: z.string().nullable(),
    cancel_at_period_end: z.boolean(),
    canceled_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    on_retries_exhausted: z.enum(exhaustedActions),
    latest_invoice: z.string().nullable(),
    /** When the sandbox clock next does something to it: a renewal or a retry. */
    next_action_at: z.string().nullable(),
    /** Its statuses over time, newest last (the last 50). */
    status_history: z.array(
      z.object({ status: z.enum(subscriptionStatuses), at: z.string(), reason: z.string() }),
    ),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
  })
  .openapi('Subscription');
export type Subscription = z.infer<typeof subscriptionSchema>;

// Invoices

export const invoiceStatuses = ['open', 'paid', 'uncollectible', 'void'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];
export const billingReasons = ['subscription_create', 'subscription_cycle', 'subscription_update'] as const;

export const invoiceLineSchema = z.object({
  description: z.string(),
  amount: z.number().int().openapi({ description: 'Negative for a credit.' }),
  plan: z.string().nullable(),
  proration: z.boolean(),
  period: z.object({ start: z.string(), end: z.string() }),
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

export const invoiceAttemptSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  payment_intent: z.string().nullable(),
  status: z.enum(['succeeded', 'failed', 'pending']),
  error_code: z.string().nullable(),
  decline_code: z.string().nullable(),
});
export type InvoiceAttempt = z.infer<typeof invoiceAttemptSchema>;

export const invoiceSchema = z
  .object({
    id: z.string().openapi({ example: 'in_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('invoice'),
    customer: z.string(),
    subscription: z.string(),
    status: z.enum(invoiceStatuses),
    billing_reason: z.enum(billingReasons),
    currency: z.string(),
    lines: z.array(invoiceLineSchema),
    subtotal: z.number().int(),
    credit_applied: z.number().int(),
    amount_due: z.number().int(),
    amount_paid: z.number().int(),
    period_start: z.string(),
    period_end: z.string(),
    attempt_count: z.number().int(),
    attempts: z.array(invoiceAttemptSchema),
    next_payment_attempt: z.string().nullable(),
    created_at: z.string(),
    finalized_at: z.string(),
    paid_at: z.string().nullable(),
  })
  .openapi('Invoice');
export type Invoice = z.infer<typeof invoiceSchema>;

/** `advancing` while the cycles up to `target_time` run (in the background), then `ready`. */
export const testClockStatuses = ['advancing', 'ready'] as const;

/**
 * The merchant's billing test clock, as Stripe's test clocks: an advance answers at once with
 * `status: advancing`; the renewals and retries due run in bounded batches behind it, moving
 * `frozen_time` (the sandbox time reached) towards `target_time`, and it turns `ready`. The
 * counts are the latest advance's.
 */
export const testClockSchema = z
  .object({
    object: z.literal('test_clock'),
    id: z.string().openapi({ example: 'clk_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    status: z.enum(testClockStatuses),
    frozen_time: z.string().openapi({ description: 'The sandbox time reached.' }),
    target_time: z.string().openapi({ description: 'Where the latest advance goes (or went).' }),
    invoices_finalized: z.number().int(),
    charges_succeeded: z.number().int(),
    charges_failed: z.number().int(),
    subscriptions_canceled: z.number().int(),
    /** Batches the latest advance ran in so far. */
    batches: z.number().int(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi('TestClock');
export type TestClock = z.infer<typeof testClockSchema>;

/** What every billing event carries besides its object: when it happened on the sandbox clock. */
interface BillingData<T> {
  object: T;
  sandbox_time: string;
}

/** What each of billing's events carries as data (billingEvent, and the test clock's clockEvent). */
export interface BillingEventData {
  'invoice.created': BillingData<Invoice>;
  'invoice.finalized': BillingData<Invoice>;
  'invoice.paid': BillingData<Invoice>;
  'invoice.payment_failed': BillingData<Invoice>;
  'invoice.marked_uncollectible': BillingData<Invoice>;
  'subscription.created': BillingData<Subscription>;
  /** A status change (`previous_status`), a plan change (`previous_plan`), or a cancel undone or scheduled. */
  'subscription.updated': BillingData<Subscription> & {
    previous_status?: SubscriptionStatus;
    previous_plan?: string;
  };
  /** Ended by dunning (`previous_status`), or canceled now (`proration_credit`: the unused time credited). */
  'subscription.canceled': BillingData<Subscription> & {
    previous_status?: SubscriptionStatus;
    proration_credit?: number;
  };
  'test_clock.advancing': BillingData<TestClock>;
  'test_clock.ready': BillingData<TestClock>;
}
