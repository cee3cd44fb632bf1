/** The sandbox's test cards (docs/test-cards.md, server/src/payments/test-cards.ts). */
export interface TestCard {
  number: string;
  outcome: string;
  result: string;
}

export const testCards: readonly TestCard[] = [
  { number: '4242424242424242', outcome: 'Success', result: 'succeeded (requires_capture with capture off)' },
  { number: '4000000000000002', outcome: 'Generic decline', result: 'declined: generic_decline' },
  { number: '4000000000009995', outcome: 'Insufficient funds', result: 'declined: insufficient_funds' },
  { number: '4000000000009987', outcome: 'Lost card', result: 'declined: lost_card' },
  { number: '4000000000009979', outcome: 'Stolen card', result: 'declined: stolen_card' },
  { number: '4000000000000069', outcome: 'Expired card', result: 'declined: expired_card' },
  { number: '4000000000000127', outcome: 'Incorrect CVC', result: 'declined: incorrect_cvc' },
  { number: '4000000000000119', outcome: 'Processing error', result: 'declined: processing_error' },
  { number: '4100000000000019', outcome: 'Fraudulent', result: 'declined: fraudulent' },
  { number: '4000000000000259', outcome: 'Disputed after success', result: 'succeeded; a dispute opens once captured' },
  { number: '4000000000004954', outcome: 'Requires review', result: 'requires_capture with review, even with capture on' },
];

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
