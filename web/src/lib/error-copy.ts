/**
 * What the dashboard says for an API error a user can cause: a sentence that says what happened
 * and what to do next, by the error's stable `code` (and for card declines its `decline_code`,
 * for a few codes the field at fault). Codes not listed show the server's own message, as a
 * sentence.
 */
export interface ErrorFacts {
  status: number;
  code: string;
  param: string | undefined;
  message: string;
  details: Record<string, unknown>;
}

const declines: Record<string, string> = {
  generic_decline: 'The card was declined. Ask the customer for another card.',
  insufficient_funds: 'The card has insufficient funds. Ask the customer for another card.',
  lost_card: 'The card was reported lost. Ask the customer for another card.',
  stolen_card: 'The card was reported stolen. Ask the customer for another card.',
  expired_card: 'The card has expired. Check the expiry date or use another card.',
  incorrect_cvc: 'The security code (CVC) is wrong. Check it and try again.',
  processing_error: 'The card could not be processed. Try again in a moment.',
  fraudulent: 'The payment was blocked as likely fraud. Use another card.',
};

const byCode: Record<string, string | ((facts: ErrorFacts) => string)> = {
  insufficient_funds: 'The balance is too low for this amount. Enter a smaller amount, or add money first.',
  balance_insufficient: 'The balance is too low for this amount. Enter a smaller amount, or add money first.',
  card_declined: (facts) =>
    declines[String(facts.details.decline_code)] ?? 'The card was declined. Try another card.',
  invalid_card: (facts) =>
    facts.param === 'card.number'
      ? 'That card number is not valid. Check the digits, or use a test card from the table.'
      : facts.param === 'card.exp_month' || facts.param === 'card.exp_year'
        ? 'That expiry date is not valid. Use a month from 1 to 12 and a year not in the past.'
        : facts.param === 'card.cvc'
          ? 'That security code is not valid. Use 3 digits (4 for American Express).'
          : 'Check the card number, expiry date and security code.',
  not_found: (facts) =>
    facts.param === 'to' || facts.param === 'from' || facts.param === 'payer'
      ? 'Nobody with that email uses Sluice. Check the spelling, or ask them to sign up first.'
      : 'We could not find that. It may have been deleted, or it belongs to another account.',
  self_transfer: 'You cannot send money to yourself. Enter someone else’s email.',
  forbidden: (facts) =>
    /admin/i.test(facts.message)
      ? 'This needs the admin group. Ask an admin to add you, then sign in again.'
      : 'Your account is not allowed to do this. Ask the account’s owner for access.',
  mfa_required: 'Admin pages need two-step sign-in. Turn it on under Security, then sign in again.',
  email_not_verified: 'Verify your email first: enter the code we sent you under Security.',
  rate_limited: (facts) => {
    const seconds = Number(facts.details.retry_after);
    return Number.isFinite(seconds) && seconds > 0
      ? `Too many attempts. Wait ${seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again.`
      : 'Too many attempts. Wait a minute and try again.';
  },
  invalid_credentials: 'That email and password do not match. Try again, or reset your password.',
  email_taken: 'An account with this email already exists. Sign in instead, or reset your password.',
  weak_password: 'Choose a longer, less common password (at least 10 characters).',
  invalid_code: 'That code is not right. Check the latest email or your authenticator app and try again.',
  code_expired: 'That code has expired. Ask for a new one and try again.',
  unauthenticated: 'Your session has ended. Sign in again.',
  invalid_token: 'Your session has ended. Sign in again.',
  token_expired: 'Your session has ended. Sign in again.',
  invalid_api_key: 'That API key is not valid or was revoked. Create a new key under API keys.',
  idempotency_key_in_progress: 'This is still being processed. Wait a moment, then refresh.',
  idempotency_key_reused:
    'This repeats an earlier request with different details. Start again from a fresh form.',
  amount_too_large: 'That amount is too large. Enter a smaller amount.',
  amount_exceeds_capacity: 'That is more than is left on this payment. Enter a smaller amount.',
  amount_exceeds_pending: 'That is more than is left on this payment. Enter a smaller amount.',
  payment_expired: 'This authorization has expired and can no longer be captured. Create a new payment.',
  endpoint_limit_reached:
    'This merchant has as many webhook endpoints as allowed. Delete one you no longer use.',
  redelivery_limit_reached: 'This event was redelivered too often. Wait a while before trying again.',
  event_expired: 'This event is too old to redeliver. Only recent events can be sent again.',
  out_of_stock: 'That item is out of stock. Remove it from your cart or lower the quantity.',
  cart_empty: 'Your cart is empty. Add something from the shop first.',
  cart_changed: 'Prices or stock changed while you were checking out. Review your cart and try again.',
  reward_out_of_stock: 'That reward is out of stock. Choose another one.',
  route_not_found: 'This page asked for something Sluice does not have. Go back and try again.',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  service_unavailable: 'Sluice is busy right now. Try again in a moment.',
};

/** `amount: must be positive` → `Amount: must be positive.` */
export function asSentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return 'Something went wrong. Try again.';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** The sentence the dashboard shows for an API error. */
export function humanError(facts: ErrorFacts): string {
  const copy = byCode[facts.code];
  if (typeof copy === 'function') return copy(facts);
  if (copy) return copy;
  return asSentence(facts.message);
}
