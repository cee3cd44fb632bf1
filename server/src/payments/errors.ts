import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * The sandbox's own error codes. `limit_reached` (409): the user already owns as many merchants,
 * or the merchant holds as many active API keys, as allowed; the request is fine, the state is
 * full, and it succeeds once a place is freed (a key revoked). `balance_insufficient` (402): a
 * refund or dispute debit would take the merchant's available balance below its negative-balance
 * floor; nothing is written, and it succeeds once a settlement adds funds.
 */
export const paymentsErrors = defineErrors({
  limit_reached: { status: 409, type: errorTypes.conflict },
  balance_insufficient: { status: 402, type: errorTypes.invalid_request },
});
