import commonPasswords from 'fxa-common-password-list';
import { identityErrors } from './errors.ts';

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; the cap keeps one hash cheap for us. */
export const minPasswordLength = 8;
export const maxPasswordLength = 128;

/**
 * The password policy, the same for sign-up, reset and change (NIST SP 800-63B): a length
 * between `minPasswordLength` and `maxPasswordLength`, not one of the commonly used passwords
 * (Mozilla's list, shipped as a package), not the email or its local part. No composition rules
 * (a digit, a symbol…): they make passwords harder to remember, not to guess. Throws
 * `weak_password` naming `param`; the message never repeats the password.
 *
 * @example checkPasswordPolicy('correct horse battery', { email: 'ann@example.com', param: 'password' });
 */
export function checkPasswordPolicy(password: string, context: { email: string; param: string }): void {
  const length = [...password].length;
  const weak = (message: string) => identityErrors.error('weak_password', message, { param: context.param });
  if (length < minPasswordLength)
    throw weak(`the password must have at least ${minPasswordLength} characters`);
  if (length > maxPasswordLength)
    throw weak(`the password must have at most ${maxPasswordLength} characters`);
  const lower = password.toLowerCase();
  if (commonPasswords.test(password) || commonPasswords.test(lower))
    throw weak('this password is among the most commonly used ones; choose another');
  const email = context.email.trim().toLowerCase();
  const localPart = email.split('@')[0] ?? '';
  if (lower === email || (localPart.length >= 4 && lower === localPart))
    throw weak('the password must not be your email address');
}
