import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import { parseDecimal, type Currency } from '../kernel/money.ts';
import { createTransfers, systemAccountId, type TransferRequest } from '../ledger/index.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { checkCard, tokenizeCard } from './cards.ts';
import { openScriptedDisputeAfterCapture } from './disputes.ts';
import { paymentEvent } from './events.ts';
import {
  ensureMerchantAccounts,
  getMerchantRecord,
  merchantAccountId,
  ownedBy,
  sandboxNow,
  type MerchantRecord,
  type PaymentsDeps,
} from './merchants.ts';
import {
  authorizationLifetimeMs,
  paymentCodes,
  type CreatePayment,
  type Payment,
  type PaymentAction,
  type PaymentDisplayStatus,
  type PaymentListQuery,
} from './model.ts';
import { merchantPaymentsPage, paymentPut, readPayment, type PaymentRecord } from './store/payments.ts';
import { findTestCard } from './test-cards.ts';

/** Who is acting: the merchant, and the user who owns it (the audience of its events). */
export interface MerchantActor {
  merchantId: string;
  ownerId: string;
}

/** Extra writes for the same transaction, given the result (the idempotency record). */
export type Respond<T> = (result: T) => WriteOperation[];

/** The payment as the API shows it, in the documented field order. */
export function toPayment(p: PaymentRecord): Payment {
  return {
    id: p.id,
    object: 'payment',
    merchant: p.merchant,
    status: p.status,
    amount: p.amount,
    amount_capturable: p.amount_capturable,
    amount_captured: p.amount_captured,
    amount_refunded: p.amount_refunded,
    currency: p.currency,
    card: p.card,
    capture_before: p.capture_before,
    review: p.review,
    description: p.description,
    metadata: p.metadata,
    failure_code: p.failure_code,
    decline_code: p.decline_code,
    failure_message: p.failure_message,
    canceled_at: p.canceled_at,
    cancellation_reason: p.cancellation_reason,
    settlement: p.settlement,
    dispute: p.dispute,
    dispute_status: p.dispute ? (p.dispute_status ?? 'needs_response') : null,
    display_status: displayStatusOf(p),
    capturable: p.status === 'requires_capture',
    refundable_amount: refundableAmountOf(p),
    available_actions: actionsOf(p),
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

/** What a refund may take now: the rest of what was captured, unless it is disputed (refused, 409). */
function refundableAmountOf(p: PaymentRecord): number {
  return p.status === 'succeeded' && !p.dispute ? p.amount_captured - p.amount_refunded : 0;
}

/** The payment's status refined by what followed: the dispute's outcome first, then refunds. */
function displayStatusOf(p: PaymentRecord): PaymentDisplayStatus {
  if (p.status === 'canceled') return p.cancellation_reason === 'expired' ? 'expired' : 'canceled';
  if (p.status !== 'succeeded') return p.status;
  if (p.dispute) {
    if (p.dispute_status === 'won') return 'dispute_won';
    if (p.dispute_status === 'lost') return 'dispute_lost';
    return 'disputed';
  }
  if (p.amount_refunded > 0)
    return p.amount_refunded >= p.amount_captured ? 'refunded' : 'partially_refunded';
  return 'succeeded';
}

/** The actions `capturePayment`, `voidPayment`, `createRefund` and `openDispute` accept now. */
function actionsOf(p: PaymentRecord): PaymentAction[] {
  if (p.status === 'requires_capture') return ['capture', 'void'];
  if (p.status !== 'succeeded' || p.dispute || p.amount_refunded >= p.amount_captured) return [];
  return ['refund', 'dispute'];
}

/** The 402 a declined payment answers with; the failed payment is stored first. */
export function declineError(payment: Payment): AppError {
  return new AppError('card_declined', payment.failure_message ?? 'the card was declined', {
    details: { decline_code: payment.decline_code, payment_id: payment.id },
  });
}

const declineMessages: Record<string, string> = {
  generic_decline: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  lost_card: 'The card was declined (reported lost).',
  stolen_card: 'The card was declined (reported stolen).',
  expired_card: 'The card has expired.',
  incorrect_cvc: "The card's security code is incorrect.",
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
export async function createPayment(
  deps: PaymentsDeps,
  actor: MerchantActor,
  input: CreatePayment,
  respond?: Respond<Payment>,
): Promise<Payment> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const now = sandboxNow(deps, merchant);
  const checked = checkCard(input.card, now);
  const card = await tokenizeCard(deps.store, checked);
  const testCard = findTestCard(checked.number);
  const currency = input.currency as Currency;
  const id = newId('payment', deps.clock.now());
  const base: PaymentRecord = {
    id,
    object: 'payment',
    merchant: merchant.id,
    owner: actor.ownerId,
    status: 'failed',
    amount: input.amount,
    amount_capturable: 0,
    amount_captured: 0,
    amount_refunded: 0,
    currency,
    card,
    capture_before: null,
    review: testCard?.outcome === 'review',
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    failure_code: null,
    decline_code: null,
    failure_message: null,
    canceled_at: null,
    cancellation_reason: null,
    created_at: isoTime(now),
    updated_at: isoTime(now),
    hold_id: null,
    sandbox_outcome: testCard ? testCard.outcome : null,
    settlement: null,
    dispute: null,
    dispute_status: null,
  };

  if (testCard?.declineCode) {
    const failed: PaymentRecord = {
      ...base,
      failure_code: 'card_declined',
      decline_code: testCard.declineCode,
      failure_message: declineMessages[testCard.declineCode] ?? 'The card was declined.',
    };
    const event = createEvent({
      ...paymentEvent('payment.failed', actor, toPayment(failed)),
      now: deps.clock.now(),
    });
    try {
      await deps.store.transact([
        paymentPut(failed),
        outboxPut(event),
        ...(respond?.(toPayment(failed)) ?? []),
      ]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // A request with this Idempotency-Key committed first (the key is taken): the idempotency
      // middleware answers with its response. A conflict, not an error of ours to log.
      throw new AppError('conflict', 'a request with this Idempotency-Key was answered first');
    }
    throw declineError(toPayment(failed));
  }

  await ensureMerchantAccounts(deps, merchant.id, currency);
  const isCaptured = input.capture && testCard?.outcome !== 'review';
  const transferId = newId('transfer', deps.clock.now());
  const payment: PaymentRecord = isCaptured
    ? { ...base, status: 'succeeded', amount_captured: input.amount }
    : {
        ...base,
        status: 'requires_capture',
        amount_capturable: input.amount,
        capture_before: isoTime(now + authorizationLifetimeMs),
        hold_id: transferId,
      };
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
  const authorized = isCaptured
    ? [
        outboxPut(
          createEvent({
            ...paymentEvent('payment.authorized', actor, {
              ...json,
              status: 'requires_capture',
              amount_capturable: json.amount,
              amount_captured: 0,
            }),
            now: deps.clock.now(),
          }),
        ),
      ]
    : [];
  await createTransfers(deps, [request], {
    event: paymentEvent(isCaptured ? 'payment.captured' : 'payment.authorized', actor, json),
    operations: () => [paymentPut(payment), ...authorized, ...(respond?.(json) ?? [])],
  });
  // The dispute card succeeds, then its cardholder disputes it at once (a separate transaction, as a real chargeback arrives later).
  if (isCaptured && testCard?.outcome === 'dispute') await openScriptedDisputeAfterCapture(deps, actor, id);
  return json;
}

export async function getPaymentRecord(
  deps: PaymentsDeps,
  merchantId: string,
  paymentId: string,
): Promise<PaymentRecord> {
  return ownedBy(await readPayment(deps.store, paymentId), merchantId, 'payment', paymentId);
}

export async function getPayment(
  deps: PaymentsDeps,
  merchantId: string,
  paymentId: string,
): Promise<Payment> {
  return toPayment(await getPaymentRecord(deps, merchantId, paymentId));
}

/** How many payments one list request reads at most while filtering: a rare match ends the page early, with a cursor. */
const maxScannedPerList = 1_000;

/** The filters of the payments list (see `paymentListQuerySchema`). */
export type PaymentFilters = Pick<
  PaymentListQuery,
  'status' | 'display_status' | 'q' | 'created_gte' | 'created_lt'
>;

/** Whether the payment passes every filter given. */
export function matchesFilters(payment: Payment, filters: PaymentFilters): boolean {
  if (filters.status && payment.status !== filters.status) return false;
  if (filters.display_status && payment.display_status !== filters.display_status) return false;
  const created = Date.parse(payment.created_at);
  if (filters.created_gte && created < Date.parse(filters.created_gte)) return false;
  if (filters.created_lt && created >= Date.parse(filters.created_lt)) return false;
  if (filters.q) {
    const q = filters.q.toLowerCase();
    const amount = parseDecimal(filters.q.replace(/^[$€£¥]/, ''), payment.currency as Currency);
    return (
      payment.id.toLowerCase().includes(q) ||
      (payment.description ?? '').toLowerCase().includes(q) ||
      amount === payment.amount
    );
  }
  return true;
}

/** The merchant's payments, newest first, those passing `filters` only. */
export async function listPayments(
  deps: PaymentsDeps,
  merchantId: string,
  options: { limit: number; cursor?: string } & PaymentFilters,
): Promise<{ data: Payment[]; next_cursor: string | undefined }> {
  const data: Payment[] = [];
  let next = options.cursor;
  let scanned = 0;
  do {
    const page = await merchantPaymentsPage(deps.store, merchantId, {
      limit: options.limit - data.length,
      ...(next ? { cursor: next } : {}),
    });
    scanned += page.data.length;
    for (const record of page.data) {
      const payment = toPayment(record);
      if (matchesFilters(payment, options)) data.push(payment);
    }
    next = page.next_cursor;
  } while (next && data.length < options.limit && scanned < maxScannedPerList);
  return { data, next_cursor: next };
}

/** Whether the authorization's deadline has passed on the merchant's test clock. */
export function isAuthorizationDue(
  payment: Pick<Payment, 'status' | 'capture_before'>,
  now: number,
): boolean {
  return (
    payment.status === 'requires_capture' &&
    payment.capture_before !== null &&
    Date.parse(payment.capture_before) <= now
  );
}
