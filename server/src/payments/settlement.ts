import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { derivedId, newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import {
  createTransfers,
  ensureSystemAccount,
  getAccount,
  systemAccountId,
  type TransferRequest,
} from '../ledger/index.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import { paymentEvent } from './events.ts';
import {
  allMerchants,
  getMerchantRecord,
  merchantAccountId,
  ownedBy,
  sandboxNow,
  type MerchantRecord,
  type PaymentsDeps,
} from './merchants.ts';
import {
  paymentCodes,
  settlementBatchSize,
  settlementFeeFor,
  type Settlement,
  type SettlementLine,
} from './model.ts';
import type { PageRequest, RecordPage } from './store/keys.ts';
import { paymentSettle, unsettledPaymentsBefore, type UnsettledPayment } from './store/payments.ts';
import { merchantSettlementsPage, readSettlement, settlementPut } from './store/settlements.ts';

/**
 * Settlement T+1. Payments captured on sandbox UTC day D settle once the merchant's test clock
 * reaches the next UTC midnight (the start of D+1). Each batch of at most `settlementBatchSize`
 * payments of one merchant, currency and day is its own settlement, committed in ONE ledger
 * transaction: net funds pending → available, fees pending → the platform's fees account, the
 * settlement record, each payment's conditional "settled" update and `payout.settled`.
 *
 * Dispute fees are charged when a dispute opens, to the merchant's `fees` account, which then
 * shows what the merchant owes. Like a Stripe payout, the next settlement recovers what is owed
 * before paying out: up to its net, pending → `fees` (`dispute_fees` on the settlement), so the
 * payout is gross − fees − dispute_fees and the fees account returns towards zero. Merchants'
 * fees accounts refuse credits beyond their debits, so two runs cannot recover one fee twice.
 *
 * Idempotent: a settlement's id derives from merchant, currency, day and the first payment of its
 * batch, and every payment update holds only while the payment is unsettled and its refunded
 * amount is the one the batch was computed from; so a re-run (or a concurrent run) settles
 * nothing twice: it either finds nothing due or loses the race and reads again.
 */

const dayMs = 24 * 3600 * 1000;

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / dayMs) * dayMs;
}

/** The UTC day of `ms` as YYYY-MM-DD. */
function utcDay(ms: number): string {
  return isoTime(startOfUtcDay(ms)).slice(0, 10);
}

/** A payment due to settle, with the sandbox UTC day it was captured on (YYYY-MM-DD). */
type DuePayment = UnsettledPayment & { day: string };

/** The oldest captured, unsettled payments of days that ended on the merchant's test clock. */
async function dueUnsettled(
  deps: PaymentsDeps,
  merchant: MerchantRecord,
  limit: number,
): Promise<DuePayment[]> {
  const cutoff = startOfUtcDay(sandboxNow(deps, merchant));
  const unsettled = await unsettledPaymentsBefore(deps.store, merchant.id, cutoff, limit);
  // Times are compared as times: the day is the capture's UTC midnight, not a prefix of its text.
  return unsettled.flatMap((payment) => {
    const capturedAt = Date.parse(payment.captured_at);
    return capturedAt < cutoff ? [{ ...payment, day: utcDay(capturedAt) }] : [];
  });
}

/** Whether the merchant has captures of an ended sandbox day still to settle. */
export async function hasSettlementDue(deps: PaymentsDeps, merchant: MerchantRecord): Promise<boolean> {
  return (await dueUnsettled(deps, merchant, 1)).length > 0;
}

/** What a payment settles: captured, less refunds and what a dispute opened before settlement withdrew (the dispute holds that). */
function settledAmount(p: UnsettledPayment): number {
  return p.amount_captured - p.amount_refunded - (p.amount_disputed ?? 0);
}

/**
 * The batch's payout, amount by amount (money to the merchant positive), in the order a Stripe
 * payout lists its balance transactions: per payment its charge, the refunds and the dispute hold
 * taken before settlement and its processing fee; then the dispute fees withheld. They sum to the
 * net by construction, since gross, fees and net are sums of the same amounts.
 */
function settlementLines(batch: DuePayment[], disputeFees: number): SettlementLine[] {
  const lines: SettlementLine[] = [];
  for (const p of batch) {
    const of = (type: SettlementLine['type'], amount: number, dispute: string | null = null) =>
      lines.push({ type, payment: p.id, dispute, amount });
    of('charge', p.amount_captured);
    if (p.amount_refunded > 0) of('refund', -p.amount_refunded);
    if ((p.amount_disputed ?? 0) > 0) of('dispute_hold', -(p.amount_disputed ?? 0), p.dispute);
    const fee = settlementFeeFor(settledAmount(p));
    if (fee > 0) of('processing_fee', -fee);
  }
  if (disputeFees > 0)
    lines.push({ type: 'dispute_fee_recovery', payment: null, dispute: null, amount: -disputeFees });
  return lines;
}

/** Commits one batch; false when a concurrent change (refund, another run) got there first. */
async function settleBatch(
  deps: PaymentsDeps,
  merchant: MerchantRecord,
  batch: DuePayment[],
): Promise<Settlement | undefined> {
  const { currency, day } = batch[0]!;
  const gross = batch.reduce((sum, p) => sum + settledAmount(p), 0);
  const fees = batch.reduce((sum, p) => sum + settlementFeeFor(settledAmount(p)), 0);
  const at = isoTime(sandboxNow(deps, merchant));
  const disputeFees = Math.min(await feesOwed(deps, merchant.id, currency), Math.max(0, gross - fees));
  const lines = settlementLines(batch, disputeFees);
  const settlement: Settlement = {
    id: derivedId(
      'settlement',
      startOfUtcDay(Date.parse(batch[0]!.captured_at)),
      `${merchant.id}:${currency}:${day}:${batch[0]!.id}`,
    ),
    object: 'settlement',
    merchant: merchant.id,
    currency,
    settlement_date: day,
    gross,
    fees,
    dispute_fees: disputeFees,
    net: gross - fees - disputeFees,
    captured: batch.reduce((sum, p) => sum + p.amount_captured, 0),
    refunded: batch.reduce((sum, p) => sum + p.amount_refunded, 0),
    disputed: batch.reduce((sum, p) => sum + (p.amount_disputed ?? 0), 0),
    lines,
    payments: batch.map((p) => p.id),
    created_at: at,
  };
  const operations: WriteOperation[] = [
    settlementPut(settlement),
    ...batch.map((p) => paymentSettle(p, settlement.id, at)),
  ];
  const pending = merchantAccountId(merchant.id, 'pending', currency);
  const metadata = { settlement: settlement.id, merchant: merchant.id };
  const transfers: TransferRequest[] = [];
  if (settlement.net > 0) {
    transfers.push({
      id: newId('transfer', deps.clock.now()),
      debit_account_id: pending,
      credit_account_id: merchantAccountId(merchant.id, 'available', currency),
      amount: settlement.net,
      currency,
      code: paymentCodes.settlement,
      metadata,
    });
  }
  if (fees > 0) {
    await ensureSystemAccount(deps, 'fees', currency);
    transfers.push({
      id: newId('transfer', deps.clock.now()),
      debit_account_id: pending,
      credit_account_id: systemAccountId('fees', currency),
      amount: fees,
      currency,
      code: paymentCodes.settlementFee,
      metadata,
    });
  }
  if (disputeFees > 0) {
    transfers.push({
      id: newId('transfer', deps.clock.now()),
      debit_account_id: pending,
      credit_account_id: merchantAccountId(merchant.id, 'fees', currency),
      amount: disputeFees,
      currency,
      code: paymentCodes.feesRecovered,
      metadata,
    });
  }
  const event = paymentEvent(
    'payout.settled',
    { merchantId: merchant.id, ownerId: merchant.owner },
    settlement,
  );
  try {
    if (transfers.length > 0) {
      await createTransfers(deps, transfers, { event, operations: () => operations });
    } else {
      // Everything in the batch was refunded before settlement: nothing moves, but it is settled.
      await deps.store.transact([...operations, outboxPut(createEvent({ ...event, now: deps.clock.now() }))]);
    }
    return settlement;
  } catch (error) {
    if (isLostRace(error, merchantAccountId(merchant.id, 'fees', currency))) return undefined;
    throw error;
  }
}

/**
 * Whether a batch's write failed because another change got there first: a payment's condition
 * (`conflict`; the store's own cancellation when no money moves), or the merchant's fees account
 * refusing a recovery another run already made (the fees owed were read before it committed; the
 * ledger names that refusal before the payments' conditions).
 */
function isLostRace(error: unknown, feesAccountId: string): boolean {
  if (isAppError(error))
    return (
      error.code === 'conflict' ||
      (error.code === 'insufficient_funds' && error.details?.account_id === feesAccountId)
    );
  return error instanceof Error && error.name === 'TransactionCanceledError';
}

/** What the merchant owes in fees charged outside settlement (dispute fees): its fees account's debit balance. */
async function feesOwed(deps: PaymentsDeps, merchantId: string, currency: Currency): Promise<number> {
  const account = await getAccount(deps, merchantAccountId(merchantId, 'fees', currency));
  return account ? Math.max(0, account.debits_posted - account.credits_posted) : 0;
}

/**
 * Settles every capture of the merchant's ended sandbox days, batch by batch, and returns the
 * settlements this call made (none on a re-run).
 *
 * @example await settleMerchant(deps, 'mer_…') // [{ id: 'stl_…', net: 9541, … }]
 */
export async function settleMerchant(deps: PaymentsDeps, merchantId: string): Promise<Settlement[]> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  const made: Settlement[] = [];
  // Each round settles (or loses the race for) the oldest batch; the bound stops a livelock.
  for (let lost = 0; lost < 10; ) {
    const due = await dueUnsettled(deps, merchant, settlementBatchSize);
    if (due.length === 0) break;
    const { currency, day } = due[0]!;
    const batch = due.filter((p) => p.currency === currency && p.day === day);
    const settlement = await settleBatch(deps, merchant, batch);
    if (settlement) made.push(settlement);
    else lost += 1;
  }
  return made;
}

/** Ids of the merchants with captures to settle: one merchant when named, else all of them. */
export async function listMerchantsDue(deps: PaymentsDeps, merchantId?: string): Promise<string[]> {
  const due: string[] = [];
  if (merchantId) {
    const merchant = await getMerchantRecord(deps, merchantId);
    if (merchant && (await hasSettlementDue(deps, merchant))) due.push(merchant.id);
    return due;
  }
  for await (const merchant of allMerchants(deps))
    if (await hasSettlementDue(deps, merchant)) due.push(merchant.id);
  return due;
}

/**
 * The settlement workflow's Task handlers, by Task state name in `workflows/settlement.asl.json`:
 * the local runtime runs them through aws-local-stepfunctions, a Lambda would wrap the same ones.
 */
export function settlementTasks(deps: PaymentsDeps) {
  return {
    ListMerchantsDue: async (input: unknown) => {
      const merchant = (input as { merchant?: unknown } | null)?.merchant;
      return { merchants: await listMerchantsDue(deps, typeof merchant === 'string' ? merchant : undefined) };
    },
    SettleMerchant: async (input: unknown) => {
      const merchant = (input as { merchant: string }).merchant;
      return { merchant, settlements: (await settleMerchant(deps, merchant)).map((s) => s.id) };
    },
  };
}

export async function getSettlement(
  deps: PaymentsDeps,
  merchantId: string,
  settlementId: string,
): Promise<Settlement> {
  return ownedBy(await readSettlement(deps.store, settlementId), merchantId, 'settlement', settlementId);
}

/** The merchant's settlements, newest first. */
export function listSettlements(
  deps: PaymentsDeps,
  merchantId: string,
  page: PageRequest,
): Promise<RecordPage<Settlement>> {
  return merchantSettlementsPage(deps.store, merchantId, page);
}
