import { z } from '@hono/zod-openapi';
import type { VendorEventData } from './vendor-event-model.ts';

/**
 * A payment intent and its events: the shape the API returns and the hub's `payment_intent.*`
 * events carry. Apart from `model.ts` (whose request bodies take the payments module's card input,
 * and with it the server), so the dashboard can import these types alone (type-only) and its
 * build checks the events it reads.
 */

/**
 * The providers the hub routes to. Each is one adapter behind `Connector`; a merchant configures
 * one connector per provider (`POST /v1/connectors`).
 */
export const providers = ['sandbox_card', 'wallet', 'stripe', 'paypal', 'ach'] as const;
export type Provider = (typeof providers)[number];

/** The decline codes every connector maps its provider's codes onto. */
export const declineCodes = [
  'generic_decline',
  'insufficient_funds',
  'lost_card',
  'stolen_card',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraudulent',
  'invalid_payment_method',
] as const;
export type DeclineCode = (typeof declineCodes)[number];

export const providerSchema = z.enum(providers, {
  error: `provider must be one of ${providers.join(', ')}`,
});
export const cardBrands = ['visa', 'mastercard', 'amex', 'discover', 'unknown'] as const;
export type CardBrand = (typeof cardBrands)[number];
export const methodTypes = ['card', 'wallet', 'bank_account'] as const;

export const intentStatuses = [
  'processing',
  'requires_action',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type IntentStatus = (typeof intentStatuses)[number];

/**
 * An attempt's outcome; `reconciled`: timed out (or cut off by a crash), found done at the
 * provider, and undone there; `unreconciled`: timed out, and the provider could not be asked what
 * the call did: the hub asks again every minute from five minutes after the call
 * (`hub.reconcile-attempts`) and then records `reconciled`, `failed` (the call never got there)
 * or `interrupted`; `interrupted`: cut off by a crash at a provider the hub cannot ask
 * by the attempt's key (PayPal), or through a connector deleted longer ago than it is kept
 * (`deletedConnectorRetentionMs`): the key (the attempt's id, sent as the provider's idempotency
 * key) is what to look for there.
 */
export const attemptStatuses = [
  'authorized',
  'captured',
  'pending',
  'declined',
  'failed',
  'skipped',
  'reconciled',
  'unreconciled',
  'interrupted',
] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/** The hub's one vocabulary of technical errors, whatever the provider. */
export const attemptErrorCodes = [
  'provider_timeout',
  'provider_error',
  'provider_unreachable',
  'circuit_open',
  'card_declined',
  'bank_returned',
  'interrupted',
] as const;
export type AttemptErrorCode = (typeof attemptErrorCodes)[number];

export const attemptSchema = z.object({
  id: z.string(),
  connector: z.string(),
  provider: providerSchema,
  status: z.enum(attemptStatuses),
  error_code: z.enum(attemptErrorCodes).nullable(),
  decline_code: z.enum(declineCodes).nullable(),
  provider_reference: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const intentRefundSchema = z.object({
  id: z.string(),
  amount: z.number().int(),
  provider_reference: z.string(),
  created_at: z.string(),
});

export const intentDisputeSchema = z.object({
  id: z.string(),
  provider_reference: z.string(),
  amount: z.number().int(),
  reason: z.string(),
  status: z.string(),
  created_at: z.string(),
});

export const intentSchema = z
  .object({
    id: z.string().openapi({ example: 'pi_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('payment_intent'),
    merchant: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    capture: z.boolean(),
    status: z.enum(intentStatuses),
    payment_method: z.object({
      type: z.enum(methodTypes),
      card: z.object({ brand: z.enum(cardBrands), last4: z.string() }).nullable(),
      wallet: z.object({ user: z.string() }).nullable(),
      bank_account: z.object({ routing_number: z.string(), last4: z.string() }).nullable().default(null),
    }),
    routed_to: z.array(providerSchema),
    connector: z.string().nullable(),
    provider: providerSchema.nullable(),
    provider_reference: z.string().nullable(),
    amount_captured: z.number().int(),
    amount_refunded: z.number().int(),
    last_error: z
      .object({
        code: z.enum(attemptErrorCodes),
        decline_code: z.enum(declineCodes).nullable(),
        /** An ACH return's reason (R01, R02, R03 …). */
        return_code: z.string().nullable().default(null),
      })
      .nullable(),
    attempts: z.array(attemptSchema),
    refunds: z.array(intentRefundSchema),
    dispute: intentDisputeSchema.nullable(),
    /** Vendors' shares (`GET /v1/payment-intents/{id}/splits` tells where they stand). */
    splits: z.array(z.object({ vendor: z.string(), amount: z.number().int() })).default([]),
    description: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('PaymentIntent');
export type Intent = z.infer<typeof intentSchema>;

/**
 * What each of the hub's `payment_intent.*` events carries as data: the intent as it is after the
 * change, or for `attempt_failed` the intent's id and the attempt that failed (the hub goes on
 * with the next provider), and for `attempt_reconciled` the intent's id and a timed-out attempt
 * the reconciliation job settled later (`reconciled`: undone at the provider; `failed`: the call
 * never got there; `interrupted`: look for it there by its key).
 */
export interface IntentEventData {
  'payment_intent.succeeded': { object: Intent };
  'payment_intent.requires_capture': { object: Intent };
  /** A wallet payment waiting on its payer (who is told too). */
  'payment_intent.requires_action': { object: Intent };
  /** An ACH debit submitted, settling. */
  'payment_intent.processing': { object: Intent };
  'payment_intent.payment_failed': { object: Intent };
  'payment_intent.canceled': { object: Intent };
  'payment_intent.refunded': { object: Intent };
  'payment_intent.disputed': { object: Intent };
  'payment_intent.attempt_failed': { object: { id: string; attempt: Attempt } };
  'payment_intent.attempt_reconciled': { object: { id: string; attempt: Attempt } };
}
export type HubIntentEventType = keyof IntentEventData;
/** The events whose object is the intent itself. */
export type IntentEventType = Exclude<
  HubIntentEventType,
  'payment_intent.attempt_failed' | 'payment_intent.attempt_reconciled'
>;

/**
 * The connector a circuit breaker event is about: named, not the whole `Connector` (no `object`
 * field, no breaker state: the event's type says which way it moved).
 */
export interface BreakerEventConnector {
  id: string;
  provider: Provider;
  name: string;
}

/**
 * What a connector's circuit breaker events carry: opened after too many failures in its window
 * (or a failed probe), closed after an answered probe.
 */
export interface ConnectorEventData {
  'connector.circuit_opened': { object: BreakerEventConnector };
  'connector.circuit_closed': { object: BreakerEventConnector };
}

/**
 * Every hub event's data, by type: its payment intents', its connectors' circuit breakers' and its
 * vendors' (`VendorEventData`, in vendor-event-model.ts). The hub's publishers are checked
 * against it (`hubEvent`, the vendor ledger events), and the dashboard reads it (type-only).
 */
export interface HubEventData extends IntentEventData, ConnectorEventData, VendorEventData {}
