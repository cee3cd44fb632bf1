import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * Identity's own error codes:
 * - `email_not_verified` (403): the action moves money out or opens a merchant, and the caller
 *   has not verified their email yet (`POST /v1/auth/verify-email`);
 * - `invalid_code` (400): a verification, reset or two-factor code that is wrong, used already,
 *   replayed within its window, or was never issued;
 * - `code_expired` (400): the code was right but is past its lifetime; ask for a new one;
 * - `weak_password` (400): too short, too long, a common password, or the email itself;
 * - `mfa_already_enabled` / `mfa_not_enabled` (409): the two-factor state does not allow the step.
 */
export const identityErrors = defineErrors({
  email_not_verified: { status: 403, type: errorTypes.permission },
  invalid_code: { status: 400, type: errorTypes.invalid_request },
  code_expired: { status: 400, type: errorTypes.invalid_request },
  weak_password: { status: 400, type: errorTypes.invalid_request },
  mfa_already_enabled: { status: 409, type: errorTypes.conflict },
  mfa_not_enabled: { status: 409, type: errorTypes.conflict },
});

/**
 * Refuses an action that moves money out (or opens a merchant) for a user whose email is not
 * verified, with 403 `email_not_verified`. A user record without the flag (a directory that does
 * not track it) passes.
 *
 * @example requireVerifiedEmail(await users.getUser(userId));
 */
export function requireVerifiedEmail(user: { email_verified?: boolean } | undefined): void {
  if (user?.email_verified === false)
    throw identityErrors.error(
      'email_not_verified',
      'verify your email first: use the code we mailed you (POST /v1/auth/verify-email)',
    );
}
