/**
 * Money on the client: amounts travel as integers of minor units beside a currency code, and the
 * conversions to and from the decimal text a person reads or types are done on digit strings,
 * never with floating-point arithmetic.
 */

import { currencyExponents, maxAmount } from '../api/catalog.gen.ts';

/** The largest amount the API accepts (10^14 minor units), from its OpenAPI document. */
export const maxAmountMinor: number = maxAmount;

/** A currency the API takes (`Currency` in its OpenAPI document). */
export type Currency = keyof typeof currencyExponents;

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(currencyExponents, code);
}

/**
 * Digits after the decimal point of a currency (USD 2, JPY 0), from the API's table
 * (web/src/api/catalog.gen.ts); Intl's for a code the API does not take.
 */
export function currencyExponent(currency: string): number {
  if (isCurrency(currency)) return currencyExponents[currency];
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

export type ParseAmountResult = { ok: true; minor: number } | { ok: false; error: string };

/**
 * Parses what a person typed into integer minor units, exactly.
 *
 * Accepted: digits with an optional decimal point ("12", "12.3", ".5"), surrounding spaces, a
 * leading currency sign "$", and commas as thousands separators only when they group correctly
 * ("1,000.50"). Refused with a reason: more decimals than the currency has ("0.001" in USD),
 * misplaced commas ("1,00" — ambiguous with a decimal comma), signs, zero, and amounts above the
 * API's maximum.
 *
 * @example parseAmount('12.3', 'USD') // { ok: true, minor: 1230 }
 */
export function parseAmount(input: string, currency: string): ParseAmountResult {
  const exponent = currencyExponent(currency);
  let text = input.trim();
  if (text.startsWith('$')) text = text.slice(1).trim();
  if (text === '') return { ok: false, error: 'Enter an amount' };
  if (/^[-+]/.test(text)) return { ok: false, error: 'Enter a positive amount without a sign' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) {
    return {
      ok: false,
      error: /,/.test(text)
        ? 'Use commas only between groups of three digits, e.g. 1,000.50'
        : 'Enter a number, e.g. 12.50',
    };
  }
  const whole = (match[1] ?? '').replaceAll(',', '');
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return { ok: false, error: 'Enter a number, e.g. 12.50' };
  if (fraction.length > exponent) {
    return {
      ok: false,
      error:
        exponent === 0
          ? `${currency} amounts have no decimals`
          : `${currency} amounts have at most ${exponent} decimals`,
    };
  }
  const digits = `${whole}${fraction.padEnd(exponent, '0')}`.replace(/^0+(?=\d)/, '');
  if (/^0*$/.test(digits)) return { ok: false, error: 'Enter an amount greater than zero' };
  if (BigInt(digits) > BigInt(maxAmountMinor)) return { ok: false, error: 'That amount is too large' };
  return { ok: true, minor: Number(digits) };
}

/** The exact decimal string of an integer of minor units: 1230, 2 → "12.30"; -5, 2 → "-0.05". */
export function minorToDecimalString(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Formats integer minor units for display with Intl.NumberFormat, handing it the exact decimal
 * string (no division as a float): formatAmount(1250, 'USD') → "$12.50".
 */
export function formatAmount(minor: number, currency: string, locale = 'en-US'): string {
  const key = `${locale}|${currency}`;
  const decimal = minorToDecimalString(minor, currencyExponent(currency));
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // Not an ISO 4217 code (an internal unit such as COIN): show the number and the code.
      return `${decimal} ${currency}`;
    }
    formatters.set(key, formatter);
  }
  return formatter.format(decimal as Intl.StringNumericLiteral);
}
