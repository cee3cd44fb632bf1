import { z } from 'zod';
import { isoTime } from '../../kernel/clock.ts';
import {
  queryMerged,
  readItem,
  spreadPartition,
  spreadPartitions,
  type Item,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import {
  disputeStatuses,
  paymentSchema,
  type Dispute,
  type DisputeStatus,
  type PaymentStatus,
} from '../model.ts';
import { testCardOutcomes } from '../test-cards.ts';
import {
  merchantListSpread,
  paymentKeys,
  storedCurrencySchema,
  type PageRequest,
  type RecordPage,
} from './keys.ts';

/** Fields the API computes from the stored ones (`toPayment`), never stored. */
const derivedPaymentFields = {
  display_status: true,
  capturable: true,
  refundable_amount: true,
  available_actions: true,
} as const;

/**
 * A payment item `PAY#<id>` / `PAY`: in gsi1 under its merchant by id; while an authorization, in
 * gsi2 `MER#AUTHS#<merchant>` by deadline; once captured and until settled, in gsi2
 * `MER#UNSETTLED#<merchant>` by capture time.
 */
const paymentItemSchema = z.object({
  // The payment as the API shows it (a field added there needs a default here, for items stored before it) …
  ...paymentSchema.omit(derivedPaymentFields).shape,
  currency: storedCurrencySchema,
  /** Absent on payments disputed before it was stored (migration 2 sets it). */
  dispute_status: z.enum(disputeStatuses).nullable().default(null),
  /** Absent until settled: settlement and refunds condition on it. */
  settlement: z.string().nullable().default(null),
  /** Absent until disputed: settlement, refunds and disputes condition on it. */
  dispute: z.string().nullable().default(null),
  // … and what only the sandbox needs.
  /** The merchant's owner: the audience of the payment's events. */
  owner: z.string(),
  /** The ledger hold of an authorization. */
  hold_id: z.string().nullable(),
  /** A test card's scripted outcome (`dispute` marks a payment to be disputed at capture). */
  sandbox_outcome: z.enum(testCardOutcomes).nullable(),
  /** What a dispute opened before settlement withdrew; absent otherwise. */
  amount_disputed: z.number().int().optional(),
});

/** A payment as stored: the API object plus what only the sandbox needs. */
export type PaymentRecord = z.output<typeof paymentItemSchema>;

export function paymentFromItem(item: Item): PaymentRecord {
  return paymentItemSchema.parse(item);
}

/** A new payment; it is created once. */
export function paymentPut(payment: PaymentRecord): WriteOperation {
  // `settlement` and `dispute` are absent until set: settlement, refunds and disputes condition on their existence.
  const { settlement: _unsettled, dispute: _undisputed, ...stored } = payment;
  return {
    type: 'put',
    item: {
      ...paymentKeys.payment(payment.id),
      entity: 'payment',
      ...stored,
      gsi1pk: spreadPartition(paymentKeys.merchantPayments(payment.merchant), payment.id, merchantListSpread),
      gsi1sk: payment.id,
      ...(payment.status === 'requires_capture' ? authorizationIndex(payment) : {}),
      ...(payment.status === 'succeeded' ? unsettledIndex(payment) : {}),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Open authorizations sit in the merchant's gsi2 partition by deadline, for the expiry sweep. */
function authorizationIndex(payment: PaymentRecord) {
  return {
    gsi2pk: spreadPartition(
      paymentKeys.merchantAuthorizations(payment.merchant),
      payment.id,
      merchantListSpread,
    ),
    gsi2sk: `${payment.capture_before}#${payment.id}`,
  };
}

/** Captured payments sit in the merchant's gsi2 unsettled partition by capture time until settled. */
function unsettledIndex(payment: PaymentRecord) {
  return {
    gsi2pk: spreadPartition(paymentKeys.merchantUnsettled(payment.merchant), payment.id, merchantListSpread),
    gsi2sk: `${payment.updated_at}#${payment.id}`,
  };
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
    ...(next.status !== 'requires_capture' && next.status !== 'succeeded'
      ? { remove: ['gsi2pk', 'gsi2sk'] }
      : {}),
    condition: { compare: ['status', '=', from] },
  };
}

/**
 * Adds a refund to the payment only while the total stays within what was captured: the
 * condition, not the read before it, is what keeps concurrent refunds from exceeding it.
 */
export function paymentRefundAdd(payment: PaymentRecord, amount: number, at: string): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.payment(payment.id),
    add: { amount_refunded: amount },
    set: { updated_at: at },
    condition: {
      all: [
        { compare: ['status', '=', 'succeeded'] },
        { compare: ['amount_refunded', '<=', payment.amount_captured - amount] },
        payment.settlement ? { attributeExists: 'settlement' } : { attributeNotExists: 'settlement' },
        { attributeNotExists: 'dispute' },
      ],
    },
  };
}

/** Marks the payment disputed only while it is as read: unrefunded further, settled or not as it was. */
export function paymentDisputeSet(
  payment: PaymentRecord,
  dispute: Pick<Dispute, 'id' | 'amount'>,
): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.payment(payment.id),
    set: {
      dispute: dispute.id,
      dispute_status: 'needs_response',
      ...(payment.settlement ? {} : { amount_disputed: dispute.amount }),
    },
    condition: {
      all: [
        { attributeNotExists: 'dispute' },
        { compare: ['status', '=', 'succeeded'] },
        { compare: ['amount_refunded', '=', payment.amount_refunded] },
        payment.settlement ? { attributeExists: 'settlement' } : { attributeNotExists: 'settlement' },
      ],
    },
  };
}

/**
 * Mirrors its dispute's status on the payment (in the dispute change's transaction), so a payment
 * shows its dispute's outcome without a second read.
 */
export function paymentDisputeStatusSet(paymentId: string, status: DisputeStatus): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.payment(paymentId),
    set: { dispute_status: status },
    condition: { attributeExists: 'dispute' },
  };
}

/** Settles the payment, out of the unsettled index: only while still unsettled, refunded and disputed as the batch assumed. */
export function paymentSettle(payment: PaymentRecord, settlementId: string, at: string): WriteOperation {
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
        payment.dispute !== null
          ? { compare: ['amount_disputed', '=', payment.amount_disputed ?? 0] }
          : { attributeNotExists: 'dispute' },
      ],
    },
  };
}

export function readPayment(store: Store, paymentId: string): Promise<PaymentRecord | undefined> {
  return readItem(store, paymentKeys.payment(paymentId), paymentFromItem);
}

/** A page of the merchant's payments, newest first. */
export async function merchantPaymentsPage(
  store: Store,
  merchantId: string,
  page: PageRequest,
): Promise<RecordPage<PaymentRecord>> {
  const result = await queryMerged(store, {
    sources: spreadSources('gsi1', paymentKeys.merchantPayments(merchantId)),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(paymentFromItem), next_cursor: result.cursor };
}

/** Every partition of a spread merchant list (and the unspread one older code wrote). */
function spreadSources(index: 'gsi1' | 'gsi2', base: string) {
  return spreadPartitions(base, merchantListSpread).map((partition) => ({ index, partition }));
}

const indexEntrySchema = z.object({ id: z.string() });

/**
 * Ids of the merchant's authorizations whose deadline is at or before `now` (ms), soonest first.
 * An index can lag on DynamoDB: read each payment before acting on it.
 */
export async function* dueAuthorizationIds(
  store: Store,
  merchantId: string,
  now: number,
): AsyncGenerator<string> {
  // Sort keys are `<capture_before ISO>#<id>`: everything before the next millisecond is due.
  const sources = spreadSources('gsi2', paymentKeys.merchantAuthorizations(merchantId));
  let cursor: string | undefined;
  do {
    const page = await queryMerged(store, {
      sources,
      direction: 'asc',
      before: isoTime(now + 1),
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) yield indexEntrySchema.parse(item).id;
    cursor = page.cursor;
  } while (cursor);
}

/** A captured, unsettled payment, with the sandbox time it was captured at (from its index entry). */
export type UnsettledPayment = PaymentRecord & { captured_at: string };

const unsettledEntrySchema = z.object({ gsi2sk: z.string() });

/** The merchant's oldest captured, unsettled payments captured before `before` (ms), at most `limit`. */
export async function unsettledPaymentsBefore(
  store: Store,
  merchantId: string,
  before: number,
  limit: number,
): Promise<UnsettledPayment[]> {
  const page = await queryMerged(store, {
    sources: spreadSources('gsi2', paymentKeys.merchantUnsettled(merchantId)),
    direction: 'asc',
    before: isoTime(before),
    limit,
  });
  return page.items.map((item) => ({
    ...paymentFromItem(item),
    captured_at: unsettledEntrySchema.parse(item).gsi2sk.split('#')[0]!,
  }));
}
