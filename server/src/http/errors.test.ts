import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../kernel/errors.ts';
import { asSentence, errorBody, validationError } from './errors.ts';

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

describe('validation errors', () => {
  const schema = z.object({
    interval: z.enum(['day', 'week'], { error: 'interval must be one of day, week' }),
    card: z.object({ exp_year: z.number({ error: 'a four-digit year' }) }),
  });
  const errorOf = (input: unknown) => {
    const result = schema.safeParse(input);
    if (result.success) throw new Error('expected a refusal');
    return validationError(result.error, 'json');
  };

  it('names the field once: a message that starts with it is not prefixed again', () => {
    const error = errorOf({ interval: 'fortnight', card: { exp_year: 2030 } });
    expect([error.param, error.message]).toEqual(['interval', 'interval must be one of day, week']);
  });

  it('prefixes a message that does not name its field with the field path', () => {
    const error = errorOf({ interval: 'day', card: { exp_year: 'soon' } });
    expect([error.param, error.message]).toEqual(['card.exp_year', 'card.exp_year: a four-digit year']);
  });
});
