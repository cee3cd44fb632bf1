import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.ts';
import { asSentence, errorBody } from './errors.ts';

describe('error messages', () => {
  it('reads as a sentence: a capital first letter and a full stop', () => {
    expect(asSentence('insufficient funds for this transfer')).toBe('Insufficient funds for this transfer.');
    expect(asSentence('this action needs the admin group')).toBe('This action needs the admin group.');
    expect(asSentence('Already a sentence.')).toBe('Already a sentence.');
    expect(asSentence('is it?')).toBe('Is it?');
  });

  it('keeps a leading field path or id as it is', () => {
    expect(asSentence('card.exp_year: the card has expired')).toBe('card.exp_year: the card has expired.');
    expect(asSentence('mer_1 has no such key')).toBe('mer_1 has no such key.');
  });

  it('is what an error body carries', () => {
    const body = errorBody(
      new AppError('self_transfer', 'you cannot send money to yourself', { param: 'to' }),
      'req_1',
    );
    expect(body.error).toMatchObject({
      code: 'self_transfer',
      message: 'You cannot send money to yourself.',
      param: 'to',
      request_id: 'req_1',
    });
  });
});
