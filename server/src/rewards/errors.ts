import { defineErrors, errorTypes } from '../kernel/errors.ts';

/** The rewards module's own error codes (beyond the kernel's `not_found`, `insufficient_funds` …). */
export const rewardsErrors = defineErrors({
  /** The reward has none left, or is no longer offered. */
  reward_out_of_stock: { status: 409, type: errorTypes.conflict },
  /** A second like of the same post by the same user. */
  post_already_liked: { status: 409, type: errorTypes.conflict },
  /** An unlike of a post the user does not like. */
  post_not_liked: { status: 409, type: errorTypes.conflict },
  /** A post naming an `image_key` with nothing uploaded at it (yet): upload first, then post. */
  image_not_uploaded: { status: 400, type: errorTypes.invalid_request },
});
