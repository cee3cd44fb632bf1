import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * The webhooks' own error codes, both 409: the request is well formed, the state is full.
 * `endpoint_limit_reached`: the merchant has `maxEndpointsPerMerchant` endpoints (delete one
 * first). `redelivery_limit_reached`: the event has been redelivered `maxRedeliveriesPerEvent`
 * times over (each endpoint sent to counts one).
 */
export const webhooksErrors = defineErrors({
  endpoint_limit_reached: { status: 409, type: errorTypes.conflict },
  redelivery_limit_reached: { status: 409, type: errorTypes.conflict },
  /** The event is older than the retention (`Config.eventRetentionSeconds`): its record is gone or going. */
  event_expired: { status: 404, type: errorTypes.not_found },
});
