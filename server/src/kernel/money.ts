/**
 * Money is an integer count of a currency's minor units. No floating point is used to hold or
 * compute an amount: decimal strings are parsed digit by digit and formatted the same way.
 */

/** ISO 4217 minor-unit exponents, plus `COIN` (exponent 0) for rewards. */
export const currencyExponents = {
  AED: 2,
  ARS: 2,
  AUD: 2,
  BDT: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KRW: 0,
  KWD: 3,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  UGX: 0,
  USD: 2,
  VND: 0,
  XAF: 0,
  XOF: 0,
  ZAR: 2,
  COIN: 0,
} as const;

export type Currency = keyof typeof currencyExponents;

export const currencies = Object.keys(currencyExponents) as Currency[];

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(currencyExponents, code);
}

export function exponentOf(currency: Currency): number {
  return currencyExponents[currency];
}

/** The largest amount the platform accepts: safe-integer arithmetic stays exact far beyond it. */
export const maxAmount = 100_000_000_000_000; // 10^14 minor units

/** True when `amount` is a positive integer number of minor units within bounds. */
export function isValidAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0 && amount <= maxAmount;
}

/**
 * Parses a decimal string such as "12.34" into minor units, exactly.
 * Returns undefined when the string has more fraction digits than the currency allows.
 *
 * @example parseDecimal('12.3', 'USD') // 1230
 */
export function parseDecimal(text: string, currency: Currency): number | undefined {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return undefined;
  const exponent = exponentOf(currency);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Formats minor units as a decimal string with the currency's exponent, exactly.
 *
 * @example formatDecimal(1230, 'USD') // "12.30"
 */
export function formatDecimal(amount: number, currency: Currency): string {
  const exponent = exponentOf(currency);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
