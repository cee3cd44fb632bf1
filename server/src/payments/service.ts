import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, systemAccountId, type TransferRequest } from '../ledger/index.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { Item, WriteOperation } from '../platform/store.ts';
import { checkCard, tokenizeCard } from './cards.ts';
import { openScriptedDispute } from './disputes.ts';
import { paymentEvent } from './events.ts';
import { paymentKeys } from './keys.ts';
import { ensureMerchantAccounts, getMerchantRecord, merchantAccountId, sandboxNow, type MerchantRecord, type PaymentsDeps } from './merchants.ts';
import { authorizationLifetimeMs, paymentCodes, type CreatePayment, type Payment, type PaymentStatus } from './model.ts';
import { findTestCard, type TestCardOutcome } from './test-cards.ts';

/** Who is acting: the merchant, and the user who owns it (the audience of its events). */
export interface MerchantActor {
  merchantId: string;
  ownerId: string;
}

/** Extra writes for the same transaction, given the result (the idempotency record). */
export type Respond<T> = (result: T) => WriteOperation[];

/** A payment as stored: the API object plus what only the sandbox needs. */
export interface PaymentRecord extends Payment {
  owner: string;
  /** The ledger hold of an authorization. */
  hold_id: string | null;
  /** A test card's scripted outcome (`dispute` marks a payment a dispute module will open). */
  sandbox_outcome: TestCardOutcome | null;
  /** The settlement that paid it out (`stl_…`); null until then. */
  settlement: string | null;
  /** Its dispute (`dp_…`), if one was opened; a disputed payment can no longer be refunded. */
  dispute: string | null;
}

const paymentFields = [
  'id', 'object', 'merchant', 'status', 'amount', 'amount_capturable', 'amount_captured', 'amount_refunded', 'currency', 'card', 'capture_before',
  'review', 'description', 'metadata', 'failure_code', 'decline_code', 'failure_message', 'canceled_at', 'cancellation_reason', 'settlement', 'dispute',
  'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof Payment>;

export function toPayment(record: PaymentRecord | Item): Payment {
  return Object.fromEntries(paymentFields.map((field) => [field, record[field] ?? null])) as unknown as Payment;
}

function toPaymentRecord(item: Item): PaymentRecord {
  return { ...toPayment(item), owner: item.owner as string, hold_id: (item.hold_id as string | null) ?? null, sandbox_outcome: (item.sandbox_outcome as TestCardOutcome | null) ?? null, settlement: (item.settlement as string | null | undefined) ?? null, dispute: (item.dispute as string | null | undefined) ?? null };
}

function paymentPut(payment: PaymentRecord): WriteOperation {
  // `settlement` and `dispute` are absent until set: settlement, refunds and disputes condition on their existence.
  const { settlement: _unsettled, dispute: _undisputed, ...stored } = payment;
  return {
    type: 'put',
    item: {
      ...paymentKeys.payment(payment.id),
      entity: 'payment',
      ...stored,
      gsi1pk: paymentKeys.merchantPayments(payment.merchant),
      gsi1sk: payment.id,
      ...(payment.status === 'requires_capture' ? authorizationIndex(payment) : {}),
      ...(payment.status === 'succeeded' ? unsettledIndex(payment) : {}),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Open authorizations sit in the merchant's gsi2 partition by deadline, for the expiry sweep. */
function authorizationIndex(payment: PaymentRecord) {
  return { gsi2pk: paymentKeys.merchantAuthorizations(payment.merchant), gsi2sk: `${payment.capture_before}#${payment.id}` };
}

/** Captured payments sit in the merchant's gsi2 unsettled partition by capture time until settled. */
function unsettledIndex(payment: PaymentRecord) {
  return { gsi2pk: paymentKeys.merchantUnsettled(payment.merchant), gsi2sk: `${payment.updated_at}#${payment.id}` };
}

/**
 * The conditional write of a state change: it commits only while the payment is still `from`,
 * in the same transaction as the ledger movement, so concurrent captures, voids and expiries
 * resolve one authorization once.
 */
export function paymentTransition(next: PaymentRecord, from: PaymentStatus): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.payment(next.id),
    set: {
      status: next.status,
      amount_capturable: next.amount_capturable,
      amount_captured: next.amount_captured,
      canceled_at: next.canceled_at,
      cancellation_reason: next.cancellation_reason,
      updated_at: next.updated_at,
      // A capture moves the payment from the authorization index to the unsettled one.
      ...(next.status === 'succeeded' ? unsettledIndex(next) : {}),
    },
    ...(next.status !== 'requires_capture' && next.status !== 'succeeded' ? { remove: ['gsi2pk', 'gsi2sk'] } : {}),
    condition: { compare: ['status', '=', from] },
  };
}

/** The 402 a declined payment answers with; the failed payment is stored first. */
export function declineError(payment: Payment): AppError {
  return new AppError('card_declined', payment.failure_message ?? 'the card was declined', { details: { decline_code: payment.decline_code, payment_id: payment.id } });
}

const declineMessages: Record<string, string> = {
  generic_decline: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  lost_card: 'The card was declined (reported lost).',
  stolen_card: 'The card was declined (reported stolen).',
  expired_card: 'The card has expired.',
  incorrect_cvc: 'The card\'s security code is incorrect.',
  processing_error: 'An error occurred while processing the card. Try again.',
  fraudulent: 'The payment was blocked as fraudulent.',
};

/** The merchant acting, as stored (its test clock): it exists, since authentication found it. */
export async function requireMerchantRecord(deps: PaymentsDeps, merchantId: string): Promise<MerchantRecord> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  return merchant;
}

/**
 * Charges a card: checks it, then authorizes (a ledger hold from the card network to the
 * merchant's pending account) and, with `capture` (the default), captures at once (a posted
 * transfer instead). Test cards script declines: the failed payment is stored, `payment.failed`
 * emitted, and a 402 `card_declined` thrown naming `decline_code` and `payment_id`.
 */
export async function createPayment(deps: PaymentsDeps, actor: MerchantActor, input: CreatePayment, respond?: Respond<Payment>): Promise<Payment> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const now = sandboxNow(deps, merchant);
  const checked = checkCard(input.card, now);
  const card = await tokenizeCard(deps.store, checked);
  const testCard = findTestCard(checked.number);
  const currency = input.currency as Currency;
  const id = newId('payment', deps.clock.now());
  const base: PaymentRecord = {
    id, object: 'payment', merchant: merchant.id, owner: actor.ownerId, status: 'failed', amount: input.amount, amount_capturable: 0, amount_captured: 0, amount_refunded: 0,
    currency, card, capture_before: null, review: testCard?.outcome === 'review', description: input.description ?? null, metadata: input.metadata ?? {},
    failure_code: null, decline_code: null, failure_message: null, canceled_at: null, cancellation_reason: null, created_at: isoTime(now), updated_at: isoTime(now),
    hold_id: null, sandbox_outcome: testCard ? testCard.outcome : null, settlement: null, dispute: null,
  };

  if (testCard?.declineCode) {
    const failed: PaymentRecord = { ...base, failure_code: 'card_declined', decline_code: testCard.declineCode, failure_message: declineMessages[testCard.declineCode] ?? 'The card was declined.' };
    const event = createEvent({ ...paymentEvent('payment.failed', actor, toPayment(failed)), now: deps.clock.now() });
    await deps.store.transact([paymentPut(failed), outboxPut(event), ...(respond?.(toPayment(failed)) ?? [])]);
    throw declineError(toPayment(failed));
  }

  await ensureMerchantAccounts(deps, merchant.id, currency);
  const isCaptured = input.capture && testCard?.outcome !== 'review';
  const transferId = newId('transfer', deps.clock.now());
  const payment: PaymentRecord = isCaptured
    ? { ...base, status: 'succeeded', amount_captured: input.amount }
    : { ...base, status: 'requires_capture', amount_capturable: input.amount, capture_before: isoTime(now + authorizationLifetimeMs), hold_id: transferId };
  const request: TransferRequest = {
    kind: isCaptured ? 'posted' : 'pending',
    id: transferId,
    debit_account_id: systemAccountId('card_network', currency),
    credit_account_id: merchantAccountId(merchant.id, 'pending', currency),
    amount: input.amount,
    currency,
    code: paymentCodes.charge,
    metadata: { payment: id, merchant: merchant.id },
  };
  const json = toPayment(payment);
  // A captured charge reports both steps; the authorization's event is minted first so it sorts first.
  const authorized = isCaptured ? [outboxPut(createEvent({ ...paymentEvent('payment.authorized', actor, { ...json, status: 'requires_capture', amount_capturable: json.amount, amount_captured: 0 }), now: deps.clock.now() }))] : [];
  await createTransfers(deps, [request], {
    event: paymentEvent(isCaptured ? 'payment.captured' : 'payment.authorized', actor, json),
    operations: () => [paymentPut(payment), ...authorized, ...(respond?.(json) ?? [])],
  });
  // The dispute card succeeds, then its cardholder disputes it at once (a separate transaction, as a real chargeback arrives later).
  if (isCaptured && testCard?.outcome === 'dispute') await openScriptedDispute(deps, actor, id);
  return json;
}

export async function getPaymentRecord(deps: PaymentsDeps, merchantId: string, paymentId: string): Promise<PaymentRecord> {
  const item = await deps.store.get(paymentKeys.payment(paymentId));
  if (!item || item.merchant !== merchantId) throw new AppError('not_found', `no payment ${paymentId}`, { param: 'id' });
  return toPaymentRecord(item);
}

export async function getPayment(deps: PaymentsDeps, merchantId: string, paymentId: string): Promise<Payment> {
  return toPayment(await getPaymentRecord(deps, merchantId, paymentId));
}

/** The merchant's payments, newest first, optionally of one status. */
export async function listPayments(
  deps: PaymentsDeps,
  merchantId: string,
  options: { limit: number; cursor?: string; status?: PaymentStatus },
): Promise<{ data: Payment[]; next_cursor: string | undefined }> {
  const data: Payment[] = [];
  let next = options.cursor;
  do {
    const page = await deps.store.query({ index: 'gsi1', partition: paymentKeys.merchantPayments(merchantId), direction: 'desc', limit: options.limit - data.length, ...(next ? { cursor: next } : {}) });
    for (const item of page.items) if (!options.status || item.status === options.status) data.push(toPayment(item));
    next = page.cursor;
  } while (next && data.length < options.limit);
  return { data, next_cursor: next };
}

/** Whether the authorization's deadline has passed on the merchant's test clock. */
export function isAuthorizationDue(payment: Pick<Payment, 'status' | 'capture_before'>, now: number): boolean {
  return payment.status === 'requires_capture' && payment.capture_before !== null && Date.parse(payment.capture_before) <= now;
}
