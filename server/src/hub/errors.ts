import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * The hub's own codes. `unknown_connector` (400): routing names a provider the merchant has no
 * connector for. `no_route` (422): no rule matches the payment and there is no default.
 * `method_not_supported` (422): none of the providers chosen takes the payment method.
 * `connector_exists` (409): the merchant already has a connector for that provider.
 * `providers_unavailable` (503): every provider routed to failed technically (or was skipped by
 * its open circuit breaker); the intent records each attempt and nothing was charged.
 * `provider_unavailable` (503): the provider that holds the intent did not answer a capture, cancel
 * or refund (a timeout, a 5xx, no connection); the intent is as it was, and a retry is safe, as
 * the call carries the same key towards the provider.
 * `refund_in_progress` (409): the intent's next refund was begun for another amount (by a
 * concurrent call, or one cut off before its answer was stored); the error's `amount` names it, and a
 * refund of that amount completes it.
 */
export const hubErrors = defineErrors({
  unknown_connector: { status: 400, type: errorTypes.invalid_request },
  no_route: { status: 422, type: errorTypes.invalid_request },
  method_not_supported: { status: 422, type: errorTypes.invalid_request },
  connector_exists: { status: 409, type: errorTypes.conflict },
  providers_unavailable: { status: 503, type: errorTypes.api },
  provider_unavailable: { status: 503, type: errorTypes.api },
  refund_in_progress: { status: 409, type: errorTypes.conflict },
});

/** 409 `refund_in_progress`: the intent's next refund, under its key, was begun for `amount`. */
export function refundInProgress(intentId: string, amount: number) {
  return hubErrors.error(
    'refund_in_progress',
    `a refund of ${amount} on payment intent ${intentId} is under way; a refund of that amount completes it`,
    { details: { amount } },
  );
}
