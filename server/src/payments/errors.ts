import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * The sandbox's own error codes. `limit_reached` (409): the user already owns as many merchants,
 * or the merchant holds as many active API keys, as allowed; the request is fine, the state is
 * full, and it succeeds once a place is freed (a key revoked).
 */
export const paymentsErrors = defineErrors({
  limit_reached: { status: 409, type: errorTypes.conflict },
});
