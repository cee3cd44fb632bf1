// Values of the Sluice API the dashboard needs at run time.
// GENERATED from the API's OpenAPI document by `npm run generate:api` (web/scripts/generate-api-types.ts).
// Do not edit: change the server's schemas and run the command again.

import type { components } from './schema.gen.ts';

/** The event types a webhook endpoint can subscribe to (`CreateWebhookEndpoint.events`; `*` means all). */
export const webhookEventTypes = [
  "payment.authorized",
  "payment.captured",
  "payment.voided",
  "payment.failed",
  "payment.expired",
  "refund.succeeded",
  "payout.settled",
  "dispute.created",
  "dispute.closed",
  "order.created",
  "order.updated",
  "order.paid",
  "order.failed",
  "order.shipped",
  "order.delivered",
  "order.canceled",
  "order.refunded",
  "payment_intent.succeeded",
  "payment_intent.requires_capture",
  "payment_intent.requires_action",
  "payment_intent.processing",
  "payment_intent.payment_failed",
  "payment_intent.canceled",
  "payment_intent.refunded",
  "payment_intent.disputed",
  "payment_intent.attempt_failed",
  "payment_intent.attempt_reconciled",
  "connector.circuit_opened",
  "connector.circuit_closed",
  "vendor.created",
  "vendor.split_transferred",
  "vendor.split_reversed",
  "vendor.split_settled",
  "vendor.payout.paid",
  "approval.requested",
  "approval.approved",
  "approval.rejected",
  "approval.expired",
  "approval.executed",
  "approval.failed",
  "payout.created",
  "payout.paid",
  "payout.failed",
  "payout.returned",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.marked_uncollectible",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "test_clock.advancing",
  "test_clock.ready"
] as const satisfies readonly Exclude<components['schemas']['CreateWebhookEndpoint']['events'][number], '*'>[];

/** Every `Payment.status`. */
export const paymentStatuses = [
  "requires_capture",
  "succeeded",
  "canceled",
  "failed"
] as const satisfies readonly components['schemas']['Payment']['status'][];

/** Every `Dispute.status`. */
export const disputeStatuses = [
  "needs_response",
  "under_review",
  "won",
  "lost"
] as const satisfies readonly components['schemas']['Dispute']['status'][];

/** The reasons a test dispute can be opened with (`OpenDispute.reason`). */
export const disputeReasons = [
  "fraudulent",
  "product_not_received",
  "duplicate",
  "general"
] as const satisfies readonly NonNullable<components['schemas']['OpenDispute']['reason']>[];

/** Minor-unit exponents of the currencies the API takes (`Currency`, `x-exponents`): USD 2, JPY 0. */
export const currencyExponents = {
  "AED": 2,
  "ARS": 2,
  "AUD": 2,
  "BDT": 2,
  "BGN": 2,
  "BHD": 3,
  "BRL": 2,
  "CAD": 2,
  "CHF": 2,
  "CLP": 0,
  "CNY": 2,
  "COP": 2,
  "CZK": 2,
  "DKK": 2,
  "EGP": 2,
  "EUR": 2,
  "GBP": 2,
  "HKD": 2,
  "HUF": 2,
  "IDR": 2,
  "ILS": 2,
  "INR": 2,
  "ISK": 0,
  "JOD": 3,
  "JPY": 0,
  "KES": 2,
  "KRW": 0,
  "KWD": 3,
  "MAD": 2,
  "MXN": 2,
  "MYR": 2,
  "NGN": 2,
  "NOK": 2,
  "NZD": 2,
  "OMR": 3,
  "PEN": 2,
  "PHP": 2,
  "PKR": 2,
  "PLN": 2,
  "QAR": 2,
  "RON": 2,
  "SAR": 2,
  "SEK": 2,
  "SGD": 2,
  "THB": 2,
  "TND": 3,
  "TRY": 2,
  "TWD": 2,
  "UAH": 2,
  "UGX": 0,
  "USD": 2,
  "VND": 0,
  "XAF": 0,
  "XOF": 0,
  "ZAR": 2
} as const satisfies Record<components['schemas']['Currency'], number>;

/** The sandbox's test card numbers and their outcomes (`CardInput.number`, `x-test-cards`); any other valid number succeeds. */
export const testCards = [
  {
    "number": "4242424242424242",
    "outcome": "success",
    "decline_code": null,
    "description": "Succeeds."
  },
  {
    "number": "4000000000000002",
    "outcome": "generic_decline",
    "decline_code": "generic_decline",
    "description": "Declined: generic decline."
  },
  {
    "number": "4000000000009995",
    "outcome": "insufficient_funds",
    "decline_code": "insufficient_funds",
    "description": "Declined: insufficient funds."
  },
  {
    "number": "4000000000009987",
    "outcome": "lost_card",
    "decline_code": "lost_card",
    "description": "Declined: lost card."
  },
  {
    "number": "4000000000009979",
    "outcome": "stolen_card",
    "decline_code": "stolen_card",
    "description": "Declined: stolen card."
  },
  {
    "number": "4000000000000069",
    "outcome": "expired_card",
    "decline_code": "expired_card",
    "description": "Declined: expired card (whatever expiry date is sent)."
  },
  {
    "number": "4000000000000127",
    "outcome": "incorrect_cvc",
    "decline_code": "incorrect_cvc",
    "description": "Declined: incorrect CVC."
  },
  {
    "number": "4000000000000119",
    "outcome": "processing_error",
    "decline_code": "processing_error",
    "description": "Declined: processing error."
  },
  {
    "number": "4100000000000019",
    "outcome": "fraudulent",
    "decline_code": "fraudulent",
    "description": "Declined: blocked as fraudulent."
  },
  {
    "number": "4000000000000259",
    "outcome": "dispute",
    "decline_code": null,
    "description": "Succeeds; the payment is marked to be disputed (the dispute module opens it)."
  },
  {
    "number": "4000000000004954",
    "outcome": "review",
    "decline_code": null,
    "description": "Authorizes and is held for review: status requires_capture even with capture=true."
  }
] as const satisfies readonly { number: string; outcome: string; decline_code: string | null; description: string }[];

/** The largest amount the API takes, in minor units (`CreatePayment.amount`, `maximum`). */
export const maxAmount = 100000000000000;

/** The longest dispute evidence text (`DisputeEvidence.text`, `maxLength`). */
export const disputeEvidenceMaxLength = 20000;
