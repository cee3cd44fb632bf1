import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) as authenticator apps expect it: SHA-1, 6 digits, 30-second steps, through the
 * otpauth library. A code is accepted for the current step and one step either side (clock
 * drift); the caller records the step it matched and refuses that step or an earlier one again,
 * so a code observed once cannot be replayed within its window.
 */
const period = 30;
const digits = 6;
const window = 1;

function totpOf(secret: string, account = '', issuer = 'Sluice'): TOTP {
  return new TOTP({
    issuer,
    label: account,
    algorithm: 'SHA1',
    digits,
    period,
    secret: Secret.fromBase32(secret),
  });
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app scans (as a QR code) to add the account. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totpOf(secret, account, issuer).toString();
}

/**
 * The time step `code` is valid for at `now` (ms), within the drift window, or undefined.
 *
 * @example const step = matchTotp(secret, '123456', clock.now()); // refuse when step <= last used
 */
export function matchTotp(secret: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / period) + delta;
}

/** The code for `now` (ms): for tests, and the e2e test's own authenticator. */
export function totpCode(secret: string, now: number): string {
  return totpOf(secret).generate({ timestamp: now });
}
