import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.ts';
import { checkCard, detectBrand, passesLuhn } from './cards.ts';
import { testCards } from './test-cards.ts';

const now = Date.UTC(2026, 5, 15);
const valid = { number: '4242424242424242', exp_month: 6, exp_year: 2026, cvc: '123' };

function refusal(input: Partial<typeof valid>): AppError {
  try {
    checkCard({ ...valid, ...input }, now);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cards', () => {
  it('checks the Luhn digit', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('79927398713')).toBe(true);
  });

  it('detects brands from issuer ranges', () => {
    expect(detectBrand('4242424242424242')).toBe('visa');
    expect(detectBrand('5555555555554444')).toBe('mastercard');
    expect(detectBrand('2223003122003222')).toBe('mastercard');
    expect(detectBrand('378282246310005')).toBe('amex');
    expect(detectBrand('6011111111111117')).toBe('discover');
    expect(detectBrand('3056930009020004')).toBe('diners');
    expect(detectBrand('3566002020360505')).toBe('jcb');
    expect(detectBrand('6200000000000005')).toBe('unionpay');
    expect(detectBrand('9999999999999995')).toBeUndefined();
  });

  it('accepts every test card, spaces and dashes included', () => {
    for (const card of testCards)
      expect(checkCard({ ...valid, number: card.number }, now).brand).toBe('visa');
    expect(checkCard({ ...valid, number: '4242-4242 4242-4242' }, now).number).toBe('4242424242424242');
  });

  it('accepts the current month and refuses last month', () => {
    expect(checkCard({ ...valid, exp_month: 6, exp_year: 2026 }, now).exp_month).toBe(6);
    expect(refusal({ exp_month: 5, exp_year: 2026 }).param).toBe('card.exp_year');
    expect(refusal({ exp_year: 2025 }).param).toBe('card.exp_year');
  });

  it('refuses bad numbers, months and CVCs naming the field without echoing the number', () => {
    const cases: Array<[Partial<typeof valid>, string]> = [
      [{ number: '4242424242424241' }, 'card.number'],
      [{ number: '42424242424242424' }, 'card.number'],
      [{ number: '378282246310005' }, 'card.cvc'],
      [{ exp_month: 0 }, 'card.exp_month'],
      [{ exp_month: 13 }, 'card.exp_month'],
      [{ cvc: '1234' }, 'card.cvc'],
      [{ cvc: 'abc' }, 'card.cvc'],
    ];
    for (const [input, param] of cases) {
      const error = refusal(input);
      expect(error.code).toBe('invalid_card');
      expect(error.param).toBe(param);
      expect(error.message).not.toMatch(/\d{6,}/);
    }
  });
});
