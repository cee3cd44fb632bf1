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

  it('passes no empty number, and knows a brand from its issuer digits alone', () => {
    expect(passesLuhn('')).toBe(false);
    expect(detectBrand('4')).toBe('visa');
    expect(detectBrand('34')).toBe('amex');
    expect(detectBrand('')).toBeUndefined();
  });

  it('accepts every month of the year and every year up to 50 ahead, and says what is wrong beyond', () => {
    expect(checkCard({ ...valid, exp_month: 1, exp_year: 2027 }, now).exp_month).toBe(1);
    expect(checkCard({ ...valid, exp_month: 12 }, now)).toEqual({
      number: '4242424242424242',
      brand: 'visa',
      exp_month: 12,
      exp_year: 2026,
    });
    expect(checkCard({ ...valid, exp_year: 2076 }, now).exp_year).toBe(2076);
    const refusals: Array<[Partial<typeof valid>, string, string]> = [
      [{ exp_month: 0 }, 'card.exp_month', 'card.exp_month must be between 1 and 12'],
      [{ exp_month: 13 }, 'card.exp_month', 'card.exp_month must be between 1 and 12'],
      [{ exp_year: 999 }, 'card.exp_year', 'card.exp_year must be a four-digit year'],
      [{ exp_year: 1000 }, 'card.exp_year', 'the card has expired'],
      [{ exp_year: 10_000 }, 'card.exp_year', 'card.exp_year must be a four-digit year'],
      [{ exp_year: 9999 }, 'card.exp_year', 'card.exp_year is too far in the future'],
      [{ exp_year: 2077 }, 'card.exp_year', 'card.exp_year is too far in the future'],
      [{ exp_month: 5 }, 'card.exp_year', 'the card has expired'],
    ];
    for (const [input, param, message] of refusals)
      expect(refusal(input), JSON.stringify(input)).toMatchObject({ code: 'invalid_card', param, message });
  });

  it('says why a number or CVC is refused, naming the brand but never the number', () => {
    const refusals: Array<[Partial<typeof valid>, string, string]> = [
      [{ number: '4242abcd42424242' }, 'card.number', 'the card number must contain only digits'],
      [{ number: '4242424242424242x' }, 'card.number', 'the card number must contain only digits'],
      [{ number: 'x4242424242424242' }, 'card.number', 'the card number must contain only digits'],
      [{ number: '9999999999999995' }, 'card.number', 'the card number belongs to no supported card brand'],
      [{ number: '424242424242424' }, 'card.number', 'the card number has the wrong length for a visa card'],
      [{ number: '4242424242424241' }, 'card.number', 'the card number is invalid (failed the check digit)'],
      [{ cvc: '12' }, 'card.cvc', 'card.cvc must be 3 digits for a visa card'],
      [{ cvc: '1234' }, 'card.cvc', 'card.cvc must be 3 digits for a visa card'],
    ];
    for (const [input, param, message] of refusals)
      expect(refusal(input), JSON.stringify(input)).toMatchObject({ code: 'invalid_card', param, message });
    expect(refusal({ number: '378282246310005', cvc: '123' })).toMatchObject({
      param: 'card.cvc',
      message: expect.stringMatching(/^card\.cvc must be 4 digits for an? amex card$/),
    });
    expect(checkCard({ ...valid, number: '378282246310005', cvc: '1234' }, now).brand).toBe('amex');
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
