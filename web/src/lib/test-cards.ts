import { testCards as apiTestCards } from '../api/catalog.gen.ts';

/** A sandbox test card as the test payment page lists it. */
export interface TestCard {
  number: string;
  /** The outcome, readable: "Insufficient funds". */
  outcome: string;
  /** What happens, as the API describes it. */
  result: string;
  /** For declines: the `decline_code` the 402 carries. */
  declineCode: string | null;
}

/** How the page names each outcome; an outcome the API adds without a label here fails to compile. */
const outcomeLabels = {
  success: 'Success',
  generic_decline: 'Generic decline',
  insufficient_funds: 'Insufficient funds',
  lost_card: 'Lost card',
  stolen_card: 'Stolen card',
  expired_card: 'Expired card',
  incorrect_cvc: 'Incorrect CVC',
  processing_error: 'Processing error',
  fraudulent: 'Fraudulent',
  dispute: 'Disputed after success',
  review: 'Requires review',
} as const satisfies Record<(typeof apiTestCards)[number]['outcome'], string>;

/** The sandbox's test cards, from the API's OpenAPI document (`CardInput.number`, `x-test-cards`). */
export const testCards: readonly TestCard[] = apiTestCards.map((card) => ({
  number: card.number,
  outcome: outcomeLabels[card.outcome],
  result: card.description,
  declineCode: card.decline_code,
}));

/** "4242424242424242" → "4242 4242 4242 4242". */
export function groupCardNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Luhn check on the digits of a card number. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}
