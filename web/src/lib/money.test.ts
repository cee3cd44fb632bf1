import { describe, expect, it } from 'vitest';
import { currencyExponents } from '../api/catalog.gen.ts';
import {
  currencyExponent,
  formatAmount,
  maxAmountMinor,
  minorToDecimalString,
  parseAmount,
} from './money.ts';

describe('parseAmount', () => {
  it.each([
    ['12.3', 1230],
    ['12', 1200],
    ['12.30', 1230],
    ['0.01', 1],
    ['.5', 50],
    ['5.', 500],
    [' $7.25 ', 725],
    ['1,000.50', 100050],
    ['1,234,567.89', 123456789],
    ['007.10', 710],
    ['999,999,999,999.99', 99999999999999],
  ])('reads %j as %i minor units of USD, exactly', (input, minor) => {
    expect(parseAmount(input, 'USD')).toEqual({ ok: true, minor });
  });

  it('does not go through floats: 0.29 is 29, not 28.999…', () => {
    expect(parseAmount('0.29', 'USD')).toEqual({ ok: true, minor: 29 });
    expect(parseAmount('1.15', 'USD')).toEqual({ ok: true, minor: 115 });
  });

  it.each([
    ['0.001', /at most 2 decimals/],
    ['1,00', /commas/],
    ['1,0000', /commas/],
    ['12,5', /commas/],
    ['', /Enter an amount/],
    ['  ', /Enter an amount/],
    ['-5', /positive/],
    ['+5', /positive/],
    ['0', /greater than zero/],
    ['0.00', /greater than zero/],
    ['abc', /Enter a number/],
    ['1e3', /Enter a number/],
    ['.', /Enter a number/],
    ['1.2.3', /Enter a number/],
    ['1000000000000.01', /too large/],
  ])('refuses %j with a reason', (input, reason) => {
    const result = parseAmount(input, 'USD');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it("takes each currency's exponent from the API's table", () => {
    for (const [code, exponent] of Object.entries(currencyExponents))
      expect(currencyExponent(code), code).toBe(exponent);
    expect(currencyExponent('BHD')).toBe(3);
  });

  it('follows the currency exponent', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(parseAmount('500', 'JPY')).toEqual({ ok: true, minor: 500 });
    expect(parseAmount('500.5', 'JPY')).toMatchObject({ ok: false, error: 'JPY amounts have no decimals' });
    expect(parseAmount('1.234', 'KWD')).toEqual({ ok: true, minor: 1234 });
  });

  it('accepts the maximum and nothing above it', () => {
    expect(parseAmount('1,000,000,000,000.00', 'USD')).toEqual({ ok: true, minor: maxAmountMinor });
  });
});

describe('formatting', () => {
  it('turns minor units into an exact decimal string', () => {
    expect(minorToDecimalString(1250, 2)).toBe('12.50');
    expect(minorToDecimalString(5, 2)).toBe('0.05');
    expect(minorToDecimalString(-5, 2)).toBe('-0.05');
    expect(minorToDecimalString(500, 0)).toBe('500');
    expect(minorToDecimalString(9007199254740991, 2)).toBe('90071992547409.91');
  });

  it('formats per currency with Intl', () => {
    expect(formatAmount(1250, 'USD')).toBe('$12.50');
    expect(formatAmount(100050, 'USD')).toBe('$1,000.50');
    expect(formatAmount(500, 'JPY')).toBe('¥500');
    expect(formatAmount(9007199254740991, 'USD')).toBe('$90,071,992,547,409.91');
    expect(formatAmount(12, 'COIN')).toBe('0.12 COIN');
  });
});
