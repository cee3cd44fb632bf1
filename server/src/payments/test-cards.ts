/**
 * The sandbox's test cards. Stripe's numbers for every outcome Stripe defines, so integrators'
 * existing tests carry over; any other valid number succeeds. docs/test-cards.md is the same
 * table for people.
 */
export const testCardOutcomes = [
  'success',
  'generic_decline',
  'insufficient_funds',
  'lost_card',
  'stolen_card',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraudulent',
  'dispute',
  'review',
] as const;
export type TestCardOutcome = (typeof testCardOutcomes)[number];

export interface TestCard {
  number: string;
  outcome: TestCardOutcome;
  /** For declines: the `decline_code` the 402 carries and the failed payment records. */
  declineCode?: string;
  description: string;
}

export const testCards: readonly TestCard[] = [
  { number: '4242424242424242', outcome: 'success', description: 'Succeeds.' },
  {
    number: '4000000000000002',
    outcome: 'generic_decline',
    declineCode: 'generic_decline',
    description: 'Declined: generic decline.',
  },
  {
    number: '4000000000009995',
    outcome: 'insufficient_funds',
    declineCode: 'insufficient_funds',
    description: 'Declined: insufficient funds.',
  },
  {
    number: '4000000000009987',
    outcome: 'lost_card',
    declineCode: 'lost_card',
    description: 'Declined: lost card.',
  },
  {
    number: '4000000000009979',
    outcome: 'stolen_card',
    declineCode: 'stolen_card',
    description: 'Declined: stolen card.',
  },
  {
    number: '4000000000000069',
    outcome: 'expired_card',
    declineCode: 'expired_card',
    description: 'Declined: expired card (whatever expiry date is sent).',
  },
  {
    number: '4000000000000127',
    outcome: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    description: 'Declined: incorrect CVC.',
  },
  {
    number: '4000000000000119',
    outcome: 'processing_error',
    declineCode: 'processing_error',
    description: 'Declined: processing error.',
  },
  {
    number: '4100000000000019',
    outcome: 'fraudulent',
    declineCode: 'fraudulent',
    description: 'Declined: blocked as fraudulent.',
  },
  {
    number: '4000000000000259',
    outcome: 'dispute',
    description: 'Succeeds; the payment is marked to be disputed (the dispute module opens it).',
  },
  {
    number: '4000000000004954',
    outcome: 'review',
    description: 'Authorizes and is held for review: status requires_capture even with capture=true.',
  },
];

const byNumber = new Map(testCards.map((card) => [card.number, card]));

/** The test card with this number, or undefined: an ordinary card that succeeds. */
export function findTestCard(number: string): TestCard | undefined {
  return byNumber.get(number);
}
