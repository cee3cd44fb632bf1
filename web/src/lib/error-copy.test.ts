import { describe, expect, it } from 'vitest';
import { asSentence, humanError } from './error-copy.ts';

const facts = (code: string, extra: Partial<Parameters<typeof humanError>[0]> = {}) => ({
  status: 400,
  code,
  param: undefined,
  message: 'raw server text',
  details: {},
  ...extra,
});

describe('humanError', () => {
  it('says what happened and what to do for errors a user causes', () => {
    expect(humanError(facts('insufficient_funds', { status: 402 }))).toBe(
      'The balance is too low for this amount. Enter a smaller amount, or add money first.',
    );
    expect(
      humanError(facts('forbidden', { status: 403, message: 'this action needs the admin group' })),
    ).toBe('This needs the admin group. Ask an admin to add you, then sign in again.');
    expect(humanError(facts('not_found', { status: 404, param: 'to' }))).toMatch(
      /^Nobody with that email uses Sluice/,
    );
    expect(humanError(facts('not_found', { status: 404, message: 'no merchant mer_1' }))).toMatch(
      /^We could not find that\./,
    );
  });

  it('names a card decline by its decline code, and a rate limit by its wait', () => {
    expect(
      humanError(facts('card_declined', { status: 402, details: { decline_code: 'expired_card' } })),
    ).toBe('The card has expired. Check the expiry date or use another card.');
    expect(
      humanError(facts('card_declined', { status: 402, details: { decline_code: 'something_new' } })),
    ).toBe('The card was declined. Try another card.');
    expect(humanError(facts('rate_limited', { status: 429, details: { retry_after: 42 } }))).toBe(
      'Too many attempts. Wait 42 seconds and try again.',
    );
    expect(humanError(facts('rate_limited', { status: 429, details: { retry_after: 600 } }))).toBe(
      'Too many attempts. Wait 10 minutes and try again.',
    );
  });

  it("shows an unknown code's server message as a sentence", () => {
    expect(humanError(facts('brand_new_code', { message: 'amount: must be positive' }))).toBe(
      'Amount: must be positive.',
    );
    expect(asSentence('already done!')).toBe('Already done!');
    expect(asSentence('  ')).toBe('Something went wrong. Try again.');
  });
});
