import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { derivedId, newId } from '../kernel/ids.ts';
import { createTransfers, ensureSystemAccount, systemAccountId } from '../ledger/index.ts';
import type { EventPattern } from '../platform/event-pattern.ts';
import { explainBalanceRefusal } from './balance.ts';
import { paymentEvent, paymentsSource } from './events.ts';
import {
  merchantAccountId,
  ownedBy,
  sandboxNow,
  type MerchantRecord,
  type PaymentsDeps,
} from './merchants.ts';
import { disputeFee, disputeResponseWindowMs, paymentCodes, type Dispute } from './model.ts';
import { getPaymentRecord, requireMerchantRecord, type MerchantActor, type Respond } from './service.ts';
import {
  disputeClose,
  disputeEvidenceSet,
  disputePut,
  dueOpenDisputes,
  merchantDisputesPage,
  readDispute,
  type DisputeRecord,
} from './store/disputes.ts';
import type { PageRequest, RecordPage } from './store/keys.ts';
import {
  paymentDisputeSet,
  paymentDisputeStatusSet,
  readPayment,
  type PaymentRecord,
} from './store/payments.ts';
import { testCards } from './test-cards.ts';

/**
 * Disputes (chargebacks) in the sandbox. Opening one withdraws what the payment still holds
 * (captured − refunded) from where its funds sit (pending before settlement, available after)
 * into the merchant's `disputes` account, and charges `disputeFee` from the merchant's `fees`
 * account to the platform's fees account (the merchant's `fees` account then shows the fee as owed,
 * and the next settlement recovers it from the payout). A payment has at most one dispute (its id derives from the
 * payment) and, once disputed, can no longer be refunded; settlement leaves the disputed amount out.
 *
 * Outcome: `accept` loses at once (funds go to the card network); at `evidence_due_by` (7 sandbox
 * days) a dispute with evidence (`under_review`) is won — the amount returns to the merchant's
 * available balance, the fee is kept — and one without (`needs_response`) is lost. Every move is a
 * ledger transaction with the dispute's conditional status change, so it happens once.
 */

function isLostRace(error: unknown): boolean {
  return isAppError(error) && error.code === 'conflict';
}

/** A succeeded payment not disputed yet that still holds something (captured − refunded). */
function isDisputable(payment: PaymentRecord): boolean {
  return (
    payment.status === 'succeeded' && !payment.dispute && payment.amount_captured > payment.amount_refunded
  );
}

/**
 * Opens a dispute on a succeeded payment (the dispute test card does so at capture; the
 * test-helpers route does so on demand). 409 when the payment is not succeeded, already disputed
 * or fully refunded; 402 `balance_insufficient` when a settled payment's amount would take the
 * available balance below its negative floor.
 */
export async function openDispute(
  deps: PaymentsDeps,
  actor: MerchantActor,
  paymentId: string,
  reason = 'fraudulent',
  respond?: Respond<Dispute>,
): Promise<Dispute> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const payment = await getPaymentRecord(deps, merchant.id, paymentId).catch((error: unknown) => {
    throw isAppError(error) && error.code === 'not_found'
      ? new AppError('not_found', `no payment ${paymentId}`, { param: 'payment' })
      : error;
  });
  const amount = payment.amount_captured - payment.amount_refunded;
  if (!isDisputable(payment)) {
    throw new AppError(
      'invalid_state_transition',
      payment.dispute
        ? `payment ${payment.id} is already disputed`
        : // Only a succeeded payment was refunded: one never captured holds nothing for another reason.
          `cannot dispute a payment that is ${payment.status}${payment.status === 'succeeded' ? ' and fully refunded' : ''}`,
      { details: { status: payment.status } },
    );
  }
  const now = sandboxNow(deps, merchant);
  const dispute: DisputeRecord = {
    id: derivedId('dispute', now, payment.id),
    object: 'dispute',
    merchant: merchant.id,
    payment: payment.id,
    amount,
    fee: disputeFee,
    currency: payment.currency,
    reason,
    status: 'needs_response',
    evidence: null,
    evidence_due_by: isoTime(now + disputeResponseWindowMs),
    created_at: isoTime(now),
    closed_at: null,
  };
  const currency = payment.currency;
  await ensureSystemAccount(deps, 'fees', currency);
  const metadata = { dispute: dispute.id, payment: payment.id, merchant: merchant.id };
  try {
    await createTransfers(
      deps,
      [
        {
          id: newId('transfer', deps.clock.now()),
          debit_account_id: merchantAccountId(
            merchant.id,
            payment.settlement ? 'available' : 'pending',
            currency,
          ),
          credit_account_id: merchantAccountId(merchant.id, 'disputes', currency),
          amount,
          currency,
          code: paymentCodes.dispute,
          metadata,
        },
        {
          id: newId('transfer', deps.clock.now()),
          debit_account_id: merchantAccountId(merchant.id, 'fees', currency),
          credit_account_id: systemAccountId('fees', currency),
          amount: disputeFee,
          currency,
          code: paymentCodes.disputeFee,
          metadata,
        },
      ],
      {
        event: paymentEvent('dispute.created', actor, dispute),
        operations: () => [
          disputePut(dispute),
          paymentDisputeSet(payment, dispute),
          ...(respond?.(dispute) ?? []),
        ],
      },
    );
  } catch (error) {
    if (isLostRace(error))
      throw new AppError(
        'invalid_state_transition',
        `payment ${payment.id} changed while the dispute was opened`,
        { details: { status: payment.status } },
      );
    throw await explainBalanceRefusal(deps, error, merchant.id, currency, `disputing ${amount}`);
  }
  return dispute;
}

/** How often the dispute card's dispute is opened again after losing a race, before it is left for later. */
const scriptedDisputeAttempts = 5;

/**
 * Opens the dispute the dispute test card scripts; a payment already disputed (or no longer
 * disputable: refunded in full meanwhile) is left alone. An open that lost a race to another
 * change of the payment (a settlement, a partial refund) is tried again on the payment as it
 * now is. Any other failure is thrown, for the caller to retry later: the balance too low for it
 * (402 `balance_insufficient`), a busy store, races lost `scriptedDisputeAttempts` times.
 */
export async function openScriptedDispute(
  deps: PaymentsDeps,
  actor: MerchantActor,
  paymentId: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await openDispute(deps, actor, paymentId, 'fraudulent');
      return;
    } catch (error) {
      if (!(isAppError(error) && error.code === 'invalid_state_transition')) throw error;
      if (!isDisputable(await getPaymentRecord(deps, actor.merchantId, paymentId))) return;
      if (attempt >= scriptedDisputeAttempts) throw error;
    }
  }
}

/**
 * After a dispute card's capture committed: opens its dispute at once where it can, so the payment
 * reads disputed as soon as the capture answers. Its failure must not turn the committed capture
 * into an error (a settlement landing in between can leave the available balance too low for the
 * dispute's debit; the store can be busy): then `disputeCardCaptured`'s subscriber opens it from
 * the capture's `payment.captured` event, as a real chargeback arrives after the charge, retried
 * by the outbox until it can.
 */
export async function openScriptedDisputeAfterCapture(
  deps: PaymentsDeps,
  actor: MerchantActor,
  paymentId: string,
): Promise<void> {
  await openScriptedDispute(deps, actor, paymentId).catch(() => {
    // Left to the subscriber (above): the capture stands.
  });
}

/**
 * The `payment.captured` events of dispute test cards (by the last 4 the event's card shows; the
 * handler reads the payment to tell the test card from another card ending the same).
 */
export const disputeCardCaptured: EventPattern = {
  source: [paymentsSource],
  type: ['payment.captured'],
  data: {
    object: {
      card: { last4: testCards.filter((c) => c.outcome === 'dispute').map((c) => c.number.slice(-4)) },
    },
  },
};

/**
 * The bus subscriber of `disputeCardCaptured`: opens the dispute card's dispute the capture did
 * not (usually it did, and this reads the payment and stops). Idempotent without a dedupe record:
 * a payment has at most one dispute, by the payment's condition. Throws what `openScriptedDispute`
 * throws, so the outbox delivers the event again later.
 *
 * @example bus.subscribe('payments.dispute-card', disputeCardCaptured, disputeOnCapture(deps))
 */
export function disputeOnCapture(deps: PaymentsDeps): (event: EventEnvelope) => Promise<void> {
  return async (event) => {
    const payment = await readPayment(deps.store, event.subject);
    if (payment?.sandbox_outcome !== 'dispute' || !isDisputable(payment)) return;
    const merchant = await requireMerchantRecord(deps, payment.merchant);
    await openScriptedDispute(deps, { merchantId: merchant.id, ownerId: merchant.owner }, payment.id);
  };
}

export async function getDispute(
  deps: PaymentsDeps,
  merchantId: string,
  disputeId: string,
): Promise<DisputeRecord> {
  return ownedBy(await readDispute(deps.store, disputeId), merchantId, 'dispute', disputeId);
}

/** The merchant's disputes, newest first. */
export function listDisputes(
  deps: PaymentsDeps,
  merchantId: string,
  page: PageRequest,
): Promise<RecordPage<Dispute>> {
  return merchantDisputesPage(deps.store, merchantId, page);
}

function illegal(dispute: Dispute, action: string): AppError {
  return new AppError('invalid_state_transition', `cannot ${action} a dispute that is ${dispute.status}`, {
    details: { status: dispute.status },
  });
}

/** Submits evidence, once, while the dispute needs a response and before its deadline. */
export async function submitDisputeEvidence(
  deps: PaymentsDeps,
  actor: MerchantActor,
  disputeId: string,
  text: string,
): Promise<Dispute> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const dispute = await getDispute(deps, merchant.id, disputeId);
  const now = sandboxNow(deps, merchant);
  if (dispute.status !== 'needs_response') throw illegal(dispute, 'submit evidence for');
  if (Date.parse(dispute.evidence_due_by) <= now)
    throw new AppError('invalid_state_transition', `the evidence was due by ${dispute.evidence_due_by}`, {
      details: { status: dispute.status },
    });
  const next: DisputeRecord = {
    ...dispute,
    status: 'under_review',
    evidence: { text, submitted_at: isoTime(now) },
  };
  try {
    await deps.store.transact([
      disputeEvidenceSet(next),
      paymentDisputeStatusSet(dispute.payment, next.status),
    ]);
  } catch (error) {
    if (error instanceof Error && error.name === 'TransactionCanceledError')
      throw illegal(await getDispute(deps, merchant.id, disputeId), 'submit evidence for');
    throw error;
  }
  return next;
}

/** Accepts the dispute: lost at once. */
export async function acceptDispute(
  deps: PaymentsDeps,
  actor: MerchantActor,
  disputeId: string,
  respond?: Respond<Dispute>,
): Promise<Dispute> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  const dispute = await getDispute(deps, merchant.id, disputeId);
  if (dispute.status !== 'needs_response') throw illegal(dispute, 'accept');
  const closed = await closeDispute(deps, merchant, dispute, 'lost', respond);
  if (!closed) throw illegal(await getDispute(deps, merchant.id, disputeId), 'accept');
  return closed;
}

/**
 * Closes an open dispute as `outcome`, conditional on its status being the one read: won returns
 * the amount to available, lost sends it to the card network. Undefined when another change
 * closed or answered it first.
 */
async function closeDispute(
  deps: PaymentsDeps,
  merchant: MerchantRecord,
  dispute: DisputeRecord,
  outcome: 'won' | 'lost',
  respond?: Respond<Dispute>,
): Promise<Dispute | undefined> {
  const currency = dispute.currency;
  const closed: DisputeRecord = {
    ...dispute,
    status: outcome,
    closed_at: isoTime(sandboxNow(deps, merchant)),
  };
  try {
    await createTransfers(
      deps,
      [
        {
          id: newId('transfer', deps.clock.now()),
          debit_account_id: merchantAccountId(merchant.id, 'disputes', currency),
          credit_account_id:
            outcome === 'won'
              ? merchantAccountId(merchant.id, 'available', currency)
              : systemAccountId('card_network', currency),
          amount: dispute.amount,
          currency,
          code: outcome === 'won' ? paymentCodes.disputeWon : paymentCodes.disputeLost,
          metadata: { dispute: dispute.id, payment: dispute.payment, merchant: merchant.id },
        },
      ],
      {
        event: paymentEvent('dispute.closed', { merchantId: merchant.id, ownerId: merchant.owner }, closed),
        operations: () => [
          disputeClose(closed, dispute.status),
          paymentDisputeStatusSet(dispute.payment, outcome),
          ...(respond?.(closed) ?? []),
        ],
      },
    );
    return closed;
  } catch (error) {
    if (isLostRace(error)) return undefined;
    throw error;
  }
}

/**
 * Closes the merchant's disputes whose evidence deadline passed on its test clock: won with
 * evidence, lost without. Returns the ids this call closed.
 */
export async function closeDueDisputes(deps: PaymentsDeps, merchant: MerchantRecord): Promise<string[]> {
  const closed: string[] = [];
  const now = sandboxNow(deps, merchant);
  for await (const dispute of dueOpenDisputes(deps.store, merchant.id, now)) {
    if (dispute.status !== 'needs_response' && dispute.status !== 'under_review') continue;
    if (await closeDispute(deps, merchant, dispute, dispute.status === 'under_review' ? 'won' : 'lost'))
      closed.push(dispute.id);
  }
  return closed;
}
