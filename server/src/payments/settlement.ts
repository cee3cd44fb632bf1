import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { derivedId, newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, ensureSystemAccount, getAccount, systemAccountId, type TransferRequest } from '../ledger/index.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { Item, WriteOperation } from '../platform/store.ts';
import { paymentEvent } from './events.ts';
import { paymentKeys } from './keys.ts';
import { allMerchants, getMerchantRecord, merchantAccountId, sandboxNow, type MerchantRecord, type PaymentsDeps } from './merchants.ts';
import { paymentCodes, settlementBatchSize, settlementFeeFor, type Settlement } from './model.ts';

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

interface UnsettledPayment {
  id: string;
  owner: string;
  currency: Currency;
  amount_captured: number;
  amount_refunded: number;
  /** Withdrawn by a dispute opened before settlement: not settled (the dispute holds it). */
  amount_disputed: number;
  isDisputed: boolean;
  /** The sandbox UTC day it was captured on, YYYY-MM-DD. */
  day: string;
}

function toUnsettled(item: Item): UnsettledPayment {
  const capturedAt = (item.gsi2sk as string).split('#')[0]!;
  return {
    id: item.id as string,
    owner: item.owner as string,
    currency: item.currency as Currency,
    amount_captured: item.amount_captured as number,
    amount_refunded: item.amount_refunded as number,
    amount_disputed: (item.amount_disputed as number | undefined) ?? 0,
    isDisputed: typeof item.dispute === 'string',
    day: capturedAt.slice(0, 10),
  };
}

export function toSettlement(item: Item): Settlement {
  return {
    id: item.id as string,
    object: 'settlement',
    merchant: item.merchant as string,
    currency: item.currency as string,
    settlement_date: item.settlement_date as string,
    gross: item.gross as number,
    fees: item.fees as number,
    dispute_fees: (item.dispute_fees as number | undefined) ?? 0,
    net: item.net as number,
    payments: item.payments as string[],
    created_at: item.created_at as string,
  };
}

/** The oldest captured, unsettled payments of days that ended on the merchant's test clock. */
async function dueUnsettled(deps: PaymentsDeps, merchant: MerchantRecord, limit: number): Promise<UnsettledPayment[]> {
  const cutoff = startOfUtcDay(sandboxNow(deps, merchant));
  const page = await deps.store.query({ index: 'gsi2', partition: paymentKeys.merchantUnsettled(merchant.id), sort: { op: '<', value: isoTime(cutoff) }, limit });
  return page.items.map(toUnsettled);
}

/** Whether the merchant has captures of an ended sandbox day still to settle. */
export async function hasSettlementDue(deps: PaymentsDeps, merchant: MerchantRecord): Promise<boolean> {
  return (await dueUnsettled(deps, merchant, 1)).length > 0;
}

/** What a payment settles: captured, less refunds and what a dispute withdrew. */
function settledAmount(p: UnsettledPayment): number {
  return p.amount_captured - p.amount_refunded - p.amount_disputed;
}

/** A settled payment's writes: only while still unsettled, refunded and disputed as the batch assumed. */
function settledUpdate(payment: UnsettledPayment, settlementId: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.payment(payment.id),
    set: { settlement: settlementId, settled_at: at },
    remove: ['gsi2pk', 'gsi2sk'],
    condition: {
      all: [
        { attributeNotExists: 'settlement' },
        { compare: ['status', '=', 'succeeded'] },
        { compare: ['amount_refunded', '=', payment.amount_refunded] },
        payment.isDisputed ? { compare: ['amount_disputed', '=', payment.amount_disputed] } : { attributeNotExists: 'dispute' },
      ],
    },
  };
}

/** Commits one batch; false when a concurrent change (refund, another run) got there first. */
async function settleBatch(deps: PaymentsDeps, merchant: MerchantRecord, batch: UnsettledPayment[]): Promise<Settlement | undefined> {
  const { currency, day } = batch[0]!;
  const gross = batch.reduce((sum, p) => sum + settledAmount(p), 0);
  const fees = batch.reduce((sum, p) => sum + settlementFeeFor(settledAmount(p)), 0);
  const at = isoTime(sandboxNow(deps, merchant));
  const disputeFees = Math.min(await feesOwed(deps, merchant.id, currency), Math.max(0, gross - fees));
  const settlement: Settlement = {
    id: derivedId('settlement', Date.parse(`${day}T00:00:00.000Z`), `${merchant.id}:${currency}:${day}:${batch[0]!.id}`),
    object: 'settlement',
    merchant: merchant.id,
    currency,
    settlement_date: day,
    gross,
    fees,
    dispute_fees: disputeFees,
    net: gross - fees - disputeFees,
    payments: batch.map((p) => p.id),
    created_at: at,
  };
  const operations: WriteOperation[] = [
    {
      type: 'put',
      item: { ...paymentKeys.settlement(settlement.id), entity: 'settlement', ...settlement, gsi1pk: paymentKeys.merchantSettlements(merchant.id), gsi1sk: settlement.id },
      condition: { attributeNotExists: 'pk' },
    },
    ...batch.map((p) => settledUpdate(p, settlement.id, at)),
  ];
  const pending = merchantAccountId(merchant.id, 'pending', currency);
  const metadata = { settlement: settlement.id, merchant: merchant.id };
  const transfers: TransferRequest[] = [];
  if (settlement.net > 0) {
    transfers.push({ id: newId('transfer', deps.clock.now()), debit_account_id: pending, credit_account_id: merchantAccountId(merchant.id, 'available', currency), amount: settlement.net, currency, code: paymentCodes.settlement, metadata });
  }
  if (fees > 0) {
    await ensureSystemAccount(deps, 'fees', currency);
    transfers.push({ id: newId('transfer', deps.clock.now()), debit_account_id: pending, credit_account_id: systemAccountId('fees', currency), amount: fees, currency, code: paymentCodes.settlementFee, metadata });
  }
  if (disputeFees > 0) {
    transfers.push({ id: newId('transfer', deps.clock.now()), debit_account_id: pending, credit_account_id: merchantAccountId(merchant.id, 'fees', currency), amount: disputeFees, currency, code: paymentCodes.feesRecovered, metadata });
  }
  const event = paymentEvent('payout.settled', { merchantId: merchant.id, ownerId: merchant.owner }, settlement);
  try {
    if (transfers.length > 0) {
      await createTransfers(deps, transfers, { event, operations: () => operations });
    } else {
      // Everything in the batch was refunded before settlement: nothing moves, but it is settled.
      await deps.store.transact([...operations, outboxPut(createEvent({ ...event, now: deps.clock.now() }))]);
    }
    return settlement;
  } catch (error) {
    if ((isAppError(error) && error.code === 'conflict') || (error instanceof Error && error.name === 'TransactionCanceledError')) return undefined;
    throw error;
  }
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
  for (let lost = 0; lost < 10;) {
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
    if (merchant && await hasSettlementDue(deps, merchant)) due.push(merchant.id);
    return due;
  }
  for await (const merchant of allMerchants(deps)) if (await hasSettlementDue(deps, merchant)) due.push(merchant.id);
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

export async function getSettlement(deps: PaymentsDeps, merchantId: string, settlementId: string): Promise<Settlement> {
  const item = await deps.store.get(paymentKeys.settlement(settlementId));
  if (!item || item.merchant !== merchantId) throw new AppError('not_found', `no settlement ${settlementId}`, { param: 'id' });
  return toSettlement(item);
}

/** The merchant's settlements, newest first. */
export async function listSettlements(deps: PaymentsDeps, merchantId: string, options: { limit: number; cursor?: string }): Promise<{ data: Settlement[]; next_cursor: string | undefined }> {
  const page = await deps.store.query({ index: 'gsi1', partition: paymentKeys.merchantSettlements(merchantId), direction: 'desc', limit: options.limit, ...(options.cursor ? { cursor: options.cursor } : {}) });
  return { data: page.items.map(toSettlement), next_cursor: page.cursor };
}
