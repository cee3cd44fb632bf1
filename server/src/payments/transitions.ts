import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { createTransfers } from '../ledger/index.ts';
import { closeDueDisputes, openScriptedDisputeAfterCapture } from './disputes.ts';
import { paymentEvent, type PaymentEventType } from './events.ts';
import {
  advanceMerchantClock,
  allMerchants,
  sandboxNow,
  type MerchantRecord,
  type PaymentsDeps,
} from './merchants.ts';
import type { Payment } from './model.ts';
import { settleMerchant } from './settlement.ts';
import {
  getPaymentRecord,
  isAuthorizationDue,
  requireMerchantRecord,
  toPayment,
  type MerchantActor,
  type Respond,
} from './service.ts';
import { dueAuthorizationIds, paymentTransition, type PaymentRecord } from './store/payments.ts';

/**
 * The moves of an authorization: capture (posts the hold, at most once), void and expiry (release
 * it). Each commits the ledger movement and the payment's conditional status change together,
 * so however many run at once, one wins and the rest answer 409.
 */

/** A refusal by the ledger or by the payment's condition means another change got there first. */
function isLostRace(error: unknown): boolean {
  return isAppError(error) && (error.code === 'conflict' || error.code === 'transfer_not_pending');
}

async function stateError(
  deps: PaymentsDeps,
  merchantId: string,
  paymentId: string,
  action: string,
): Promise<AppError> {
  const current = await getPaymentRecord(deps, merchantId, paymentId);
  if (current.cancellation_reason === 'expired')
    return new AppError('payment_expired', `cannot ${action} a payment whose authorization expired`, {
      details: { status: current.status },
    });
  return new AppError('invalid_state_transition', `cannot ${action} a payment that is ${current.status}`, {
    details: { status: current.status },
  });
}

function assertCapturable(payment: PaymentRecord, action: string): void {
  if (payment.status !== 'requires_capture' || !payment.hold_id) {
    if (payment.cancellation_reason === 'expired')
      throw new AppError('payment_expired', `cannot ${action} a payment whose authorization expired`, {
        details: { status: payment.status },
      });
    throw new AppError('invalid_state_transition', `cannot ${action} a payment that is ${payment.status}`, {
      details: { status: payment.status },
    });
  }
}

/** Expires the authorization first if its deadline passed: then the caller gets 409 `payment_expired`. */
async function refuseIfExpired(
  deps: PaymentsDeps,
  merchant: MerchantRecord,
  payment: PaymentRecord,
  action: string,
): Promise<void> {
  if (!isAuthorizationDue(payment, sandboxNow(deps, merchant))) return;
  try {
    await releaseHold(deps, payment, 'expired');
  } catch (error) {
    if (isLostRace(error)) throw await stateError(deps, merchant.id, payment.id, action);
    throw error;
  }
  throw new AppError(
    'payment_expired',
    `cannot ${action} a payment whose authorization expired at ${payment.capture_before}`,
    { details: { status: 'canceled' } },
  );
}

/** Captures `amount` (default: all) of an authorization; the rest of the hold is released. */
export async function capturePayment(
  deps: PaymentsDeps,
  actor: MerchantActor,
  paymentId: string,
  amount: number | undefined,
  respond?: Respond<Payment>,
): Promise<Payment> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const payment = await getPaymentRecord(deps, merchant.id, paymentId);
  assertCapturable(payment, 'capture');
  await refuseIfExpired(deps, merchant, payment, 'capture');
  const captured = amount ?? payment.amount_capturable;
  if (captured > payment.amount_capturable) {
    throw new AppError(
      'amount_too_large',
      `cannot capture ${captured}: at most ${payment.amount_capturable} is capturable`,
      { param: 'amount' },
    );
  }
  const next: PaymentRecord = {
    ...payment,
    status: 'succeeded',
    amount_captured: captured,
    amount_capturable: 0,
    updated_at: isoTime(sandboxNow(deps, merchant)),
  };
  const json = toPayment(next);
  try {
    await createTransfers(
      deps,
      [
        {
          kind: 'post_pending',
          id: newId('transfer', deps.clock.now()),
          pending_id: payment.hold_id!,
          amount: captured,
        },
      ],
      {
        event: paymentEvent('payment.captured', actor, json),
        operations: () => [paymentTransition(next, 'requires_capture'), ...(respond?.(json) ?? [])],
      },
    );
  } catch (error) {
    if (isLostRace(error)) throw await stateError(deps, merchant.id, paymentId, 'capture');
    throw error;
  }
  if (payment.sandbox_outcome === 'dispute') await openScriptedDisputeAfterCapture(deps, actor, payment.id);
  return json;
}

/** Voids an authorization: the whole hold is released. */
export async function voidPayment(
  deps: PaymentsDeps,
  actor: MerchantActor,
  paymentId: string,
  respond?: Respond<Payment>,
): Promise<Payment> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const payment = await getPaymentRecord(deps, merchant.id, paymentId);
  assertCapturable(payment, 'void');
  await refuseIfExpired(deps, merchant, payment, 'void');
  try {
    return await releaseHold(deps, payment, 'requested_by_merchant', respond);
  } catch (error) {
    if (isLostRace(error)) throw await stateError(deps, merchant.id, paymentId, 'void');
    throw error;
  }
}

/** Voids the hold and cancels the payment, for a void (`requested_by_merchant`) or an expiry. */
async function releaseHold(
  deps: PaymentsDeps,
  payment: PaymentRecord,
  reason: 'expired' | 'requested_by_merchant',
  respond?: Respond<Payment>,
): Promise<Payment> {
  const merchant = await requireMerchantRecord(deps, payment.merchant);
  const at = isoTime(sandboxNow(deps, merchant));
  const next: PaymentRecord = {
    ...payment,
    status: 'canceled',
    amount_capturable: 0,
    canceled_at: at,
    cancellation_reason: reason,
    updated_at: at,
  };
  const json = toPayment(next);
  const type: PaymentEventType = reason === 'expired' ? 'payment.expired' : 'payment.voided';
  await createTransfers(
    deps,
    [
      {
        kind: 'void_pending',
        id: newId('transfer', deps.clock.now()),
        pending_id: payment.hold_id!,
        metadata: { payment: payment.id, reason },
      },
    ],
    {
      event: paymentEvent(type, { merchantId: payment.merchant, ownerId: payment.owner }, json),
      operations: () => [paymentTransition(next, 'requires_capture'), ...(respond?.(json) ?? [])],
    },
  );
  return json;
}

/**
 * Expires the merchant's authorizations whose `capture_before` has passed on its test clock:
 * each hold is voided, the payment canceled (`cancellation_reason: 'expired'`) and
 * `payment.expired` emitted. Safe to run concurrently with captures and with itself: an
 * authorization resolves once. Returns the ids this call expired.
 */
export async function expireDueAuthorizations(
  deps: PaymentsDeps,
  merchant: MerchantRecord,
): Promise<string[]> {
  const expired: string[] = [];
  const now = sandboxNow(deps, merchant);
  for await (const paymentId of dueAuthorizationIds(deps.store, merchant.id, now)) {
    const payment = await getPaymentRecord(deps, merchant.id, paymentId);
    if (!isAuthorizationDue(payment, now) || !payment.hold_id) continue;
    try {
      await releaseHold(deps, payment, 'expired');
      expired.push(payment.id);
    } catch (error) {
      if (!isLostRace(error)) throw error;
    }
  }
  return expired;
}

/**
 * Expires due authorizations of every merchant, by each merchant's own test clock. The local
 * runtime runs it periodically so authorizations lapse in real time too.
 *
 * @example setInterval(() => void expireAuthorizations({ store, clock }), 60_000);
 */
export async function expireAuthorizations(deps: PaymentsDeps): Promise<number> {
  let count = 0;
  for await (const merchant of allMerchants(deps))
    count += (await expireDueAuthorizations(deps, merchant)).length;
  return count;
}

/** Settles one merchant's ended sandbox days and returns the new settlements' ids. */
export type SettleMerchantRun = (merchantId: string) => Promise<string[]>;

/**
 * Moves the merchant's test clock forward and fires what fell due before returning: expiries,
 * dispute deadlines, then settlement of every sandbox day that ended; a dispute won returns
 * funds to available, so it goes first. `settle` is how: the local runtime runs the settlement
 * state machine for the merchant; by default (AWS, where a Standard workflow cannot be awaited
 * inside a request) the workflow's settlement step is called directly.
 */
export async function advanceClock(
  deps: PaymentsDeps,
  merchantId: string,
  seconds: number,
  settle: SettleMerchantRun = async (id) => (await settleMerchant(deps, id)).map((s) => s.id),
): Promise<{
  sandbox_time: string;
  expired_payments: string[];
  settlements: string[];
  closed_disputes: string[];
}> {
  const merchant = await advanceMerchantClock(deps, merchantId, seconds);
  const expired = await expireDueAuthorizations(deps, merchant);
  const closedDisputes = await closeDueDisputes(deps, merchant);
  const settlements = await settle(merchant.id);
  return {
    sandbox_time: isoTime(sandboxNow(deps, merchant)),
    expired_payments: expired,
    settlements,
    closed_disputes: closedDisputes,
  };
}
