import { describe, expect, it } from 'vitest';
import { testCards as apiTestCards } from '../api/catalog.gen.ts';
import { testCards } from './test-cards.ts';

describe('test cards', () => {
  it('lists every card of the API document, with a readable outcome', () => {
    expect(testCards.map((card) => card.number)).toEqual(apiTestCards.map((card) => card.number));
    expect(testCards.find((card) => card.number === '4000000000009995')).toEqual({
      number: '4000000000009995',
      outcome: 'Insufficient funds',
      result: 'Declined: insufficient funds.',
      declineCode: 'insufficient_funds',
    });
    expect(testCards.find((card) => card.number === '4242424242424242')).toMatchObject({
      outcome: 'Success',
      declineCode: null,
    });
  });
});
