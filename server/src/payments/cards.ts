import { createHmac } from 'node:crypto';
import { AppError } from '../kernel/errors.ts';
import { installationSecret } from '../platform/installation-secret.ts';
import type { Store } from '../platform/store.ts';
import type { Card, CardBrand, CardInput } from './model.ts';

/**
 * Card checks and tokenization. The full number and the CVC live only in the request being
 * handled: nothing here stores, logs or puts them in an error message.
 */

interface BrandRule {
  brand: CardBrand;
  /** Issuer identification ranges: [low, high] over the first `digits` digits. */
  prefixes: Array<[low: number, high: number, digits: number]>;
  lengths: number[];
}

const brandRules: BrandRule[] = [
  {
    brand: 'amex',
    prefixes: [
      [34, 34, 2],
      [37, 37, 2],
    ],
    lengths: [15],
  },
  {
    brand: 'diners',
    prefixes: [
      [300, 305, 3],
      [36, 36, 2],
      [38, 39, 2],
    ],
    lengths: [14, 16, 17, 18, 19],
  },
  { brand: 'jcb', prefixes: [[3528, 3589, 4]], lengths: [16, 17, 18, 19] },
  {
    brand: 'mastercard',
    prefixes: [
      [51, 55, 2],
      [2221, 2720, 4],
    ],
    lengths: [16],
  },
  {
    brand: 'discover',
    prefixes: [
      [6011, 6011, 4],
      [644, 649, 3],
      [65, 65, 2],
    ],
    lengths: [16, 17, 18, 19],
  },
  { brand: 'unionpay', prefixes: [[62, 62, 2]], lengths: [16, 17, 18, 19] },
  { brand: 'visa', prefixes: [[4, 4, 1]], lengths: [13, 16, 19] },
];

/** True when the digits pass the Luhn (mod 10) check. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The brand whose issuer ranges hold `digits`, whatever its length. */
export function detectBrand(digits: string): CardBrand | undefined {
  return brandRules.find((rule) =>
    rule.prefixes.some(([low, high, size]) => {
      const head = Number(digits.slice(0, size));
      return digits.length >= size && head >= low && head <= high;
    }),
  )?.brand;
}

export interface CheckedCard {
  /** Digits only; still secret: never store or log it. */
  number: string;
  brand: CardBrand;
  exp_month: number;
  exp_year: number;
}

/**
 * Checks number (digits, brand, length, Luhn), expiry (not before the sandbox month) and CVC
 * (3 digits, 4 for amex). Refusals are 400 `invalid_card` naming the field, never its value.
 */
export function checkCard(card: CardInput, sandboxNow: number): CheckedCard {
  const number = card.number.replace(/[ -]/g, '');
  const invalidNumber = (message: string) => new AppError('invalid_card', message, { param: 'card.number' });
  if (!/^\d+$/.test(number)) throw invalidNumber('the card number must contain only digits');
  const brand = detectBrand(number);
  if (!brand) throw invalidNumber('the card number belongs to no supported card brand');
  if (!brandRules.find((rule) => rule.brand === brand)!.lengths.includes(number.length))
    throw invalidNumber(`the card number has the wrong length for a ${brand} card`);
  if (!passesLuhn(number)) throw invalidNumber('the card number is invalid (failed the check digit)');
  if (card.exp_month < 1 || card.exp_month > 12)
    throw new AppError('invalid_card', 'card.exp_month must be between 1 and 12', {
      param: 'card.exp_month',
    });
  const now = new Date(sandboxNow);
  if (card.exp_year < 1000 || card.exp_year > 9999)
    throw new AppError('invalid_card', 'card.exp_year must be a four-digit year', { param: 'card.exp_year' });
  const expired =
    card.exp_year < now.getUTCFullYear() ||
    (card.exp_year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1);
  if (expired) throw new AppError('invalid_card', 'the card has expired', { param: 'card.exp_year' });
  if (card.exp_year > now.getUTCFullYear() + 50)
    throw new AppError('invalid_card', 'card.exp_year is too far in the future', { param: 'card.exp_year' });
  const cvcLength = brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(card.cvc))
    throw new AppError('invalid_card', `card.cvc must be ${cvcLength} digits for a ${brand} card`, {
      param: 'card.cvc',
    });
  return { number, brand, exp_month: card.exp_month, exp_year: card.exp_year };
}

/** What the sandbox keeps of a card: brand, last four, expiry and an HMAC fingerprint. */
export async function tokenizeCard(store: Store, card: CheckedCard): Promise<Card> {
  const fingerprint = createHmac('sha256', await installationSecret(store))
    .update(card.number)
    .digest('base64url')
    .slice(0, 16);
  return {
    brand: card.brand,
    last4: card.number.slice(-4),
    exp_month: card.exp_month,
    exp_year: card.exp_year,
    fingerprint,
  };
}
