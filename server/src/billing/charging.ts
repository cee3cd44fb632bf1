import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { createIntent, type CreateIntent, type HubActor, type Intent } from '../hub/index.ts';
import type { WriteOperation } from '../platform/store.ts';
import { chargeableMethod, getPaymentMethod } from './catalog.ts';
import type { BillingDeps, MerchantContext } from './deps.ts';
import { billingEvent } from './events.ts';
import { billingIds } from './ids.ts';
import type { InvoiceLine, SubscriptionStatus } from './model.ts';
import { retryAt } from './periods.ts';
import {
  customerCreditAdd,
  invoicePut,
  readCustomer,
  readInvoice,
  subscriptionPut,
  toInvoice,
  toSubscription,
  type InvoiceRecord,
  type SubscriptionRecord,
} from './store.ts';

/**
 * Finalizing and charging invoices: the one path every charge takes (a renewal, a retry, a plan
 * change, a first invoice, a manual pay). A charge goes through the hub's routing as a payment
 * intent; the invoice's and the subscription's new state commit in the intent's own final
 * transaction (its `respond` writes), so a charge is never recorded without its outcome or the
 * reverse. Before charging, the subscription is claimed (`charging`, a version bump), so no other
 * runner charges it meanwhile.
 */

/** Extra writes for the final transaction, given the subscription as it ends (an idempotency record). */
export type RespondWith = (subscription: SubscriptionRecord) => WriteOperation[];

export interface Charged {
  subscription: SubscriptionRecord;
  invoice: InvoiceRecord;
}

/** What one charge did, for a run's counts. */
export interface RunCounts {
  invoices_finalized: number;
  charges_succeeded: number;
  charges_failed: number;
  subscriptions_canceled: number;
}
export const emptyCounts = (): RunCounts => ({
  invoices_finalized: 0,
  charges_succeeded: 0,
  charges_failed: 0,
  subscriptions_canceled: 0,
});

export interface Outcome {
  kind: 'succeeded' | 'failed' | 'pending';
  intent: string | null;
  error_code: string | null;
  decline_code: string | null;
}

export function outcomeOf(intent: Pick<Intent, 'id' | 'status' | 'last_error'>): Outcome {
  const kind =
    intent.status === 'succeeded'
      ? 'succeeded'
      : intent.status === 'failed' || intent.status === 'canceled'
        ? 'failed'
        : 'pending';
  return {
    kind,
    intent: intent.id,
    error_code: intent.last_error?.code ?? null,
    decline_code: intent.last_error?.decline_code ?? null,
  };
}

const historyLimit = 50;

/** The subscription with `status` from `at` on, its history kept to the last 50 changes. */
export function withStatus(
  record: SubscriptionRecord,
  status: SubscriptionStatus,
  at: number,
  reason: string,
): SubscriptionRecord {
  if (record.status === status) return record;
  return {
    ...record,
    status,
    status_history: [...record.status_history, { status, at: isoTime(at), reason }].slice(-historyLimit),
  };
}

/** The next renewal or retry, whichever comes first; null once it has ended. */
export function nextDue(record: SubscriptionRecord): number | null {
  if (record.status === 'canceled') return null;
  return Math.min(
    Date.parse(record.current_period_end),
    ...record.dunning.flatMap((d) => (d.next_at === null ? [] : [d.next_at])),
  );
}

/** The subscription ended at `at`: no renewals, no retries. */
export function ended(record: SubscriptionRecord, at: number, reason: string): SubscriptionRecord {
  return {
    ...withStatus(record, 'canceled', at, reason),
    canceled_at: record.canceled_at ?? isoTime(at),
    ended_at: isoTime(at),
    dunning: [],
    next_due_at: null,
    next_action_at: null,
  };
}

/** Writes that stop the retries of `record`'s invoices in dunning (its subscription ended). */
export async function stopRetries(deps: BillingDeps, record: SubscriptionRecord): Promise<WriteOperation[]> {
  const writes: WriteOperation[] = [];
  for (const dunning of record.dunning) {
    const invoice = await readInvoice(deps.store, dunning.invoice);
    if (invoice && invoice.next_payment_attempt !== null)
      writes.push(
        invoicePut({ ...invoice, next_payment_attempt: null, version: invoice.version + 1 }, invoice.version),
      );
  }
  return writes;
}

/**
 * What stops the retries of the subscription's other invoices in dunning, for {@link settle} to
 * write if charging `invoiceId` ends it (its retries exhausted into a cancel).
 */
export const othersRetriesStopped = (deps: BillingDeps, record: SubscriptionRecord, invoiceId: string) =>
  stopRetries(deps, { ...record, dunning: record.dunning.filter((d) => d.invoice !== invoiceId) });

/** Events for a subscription that changed from `before` to `after`. */
export function subscriptionEvents(
  actor: HubActor,
  before: SubscriptionRecord,
  after: SubscriptionRecord,
  times: { now: number; sandbox: string },
): WriteOperation[] {
  if (before.status === after.status) return [];
  const type: 'subscription.canceled' | 'subscription.updated' =
    after.status === 'canceled' ? 'subscription.canceled' : 'subscription.updated';
  return [billingEvent(type, actor, toSubscription(after), times, { previous_status: before.status })];
}

/**
 * A new finalized invoice of `lines`, using the customer's credit in its currency first. Returns
 * the invoice and the writes that create it (with the credit's use and its two events).
 */
export async function finalizeInvoice(
  deps: BillingDeps,
  ctx: MerchantContext,
  subscription: SubscriptionRecord,
  lines: InvoiceLine[],
  reason: InvoiceRecord['billing_reason'],
  at: number,
): Promise<{ invoice: InvoiceRecord; writes: WriteOperation[] }> {
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const customer = await readCustomer(deps.store, subscription.customer);
  const credit = customer?.credit_balance[subscription.currency] ?? 0;
  const creditApplied = subtotal > 0 ? Math.min(credit, subtotal) : 0;
  const period = lines.find((line) => !line.proration)?.period ?? lines[0]!.period;
  const invoice: InvoiceRecord = {
    id: billingIds.newId('invoice', deps.clock.now()),
    object: 'invoice',
    merchant: ctx.merchantId,
    customer: subscription.customer,
    subscription: subscription.id,
    status: 'open',
    billing_reason: reason,
    currency: subscription.currency,
    lines,
    subtotal,
    credit_applied: creditApplied,
    amount_due: Math.max(subtotal - creditApplied, 0),
    amount_paid: 0,
    period_start: period.start,
    period_end: period.end,
    attempt_count: 0,
    attempts: [],
    next_payment_attempt: null,
    created_at: isoTime(at),
    finalized_at: isoTime(at),
    paid_at: null,
    version: 1,
  };
  const times = { now: deps.clock.now(), sandbox: isoTime(at) };
  const shown = toInvoice(invoice);
  return {
    invoice,
    writes: [
      invoicePut(invoice, null),
      ...(creditApplied > 0
        ? [customerCreditAdd(subscription.customer, subscription.currency, -creditApplied)]
        : []),
      // A credit line (a downgrade) becomes the customer's credit for later invoices.
      ...(subtotal < 0 ? [customerCreditAdd(subscription.customer, subscription.currency, -subtotal)] : []),
      billingEvent('invoice.created', ctx, shown, times),
      billingEvent('invoice.finalized', ctx, shown, times),
    ],
  };
}

/** The claimed subscription: charging `invoice`, its version moved on so concurrent changes lose. */
export function claim(record: SubscriptionRecord, invoiceId: string, now: number): SubscriptionRecord {
  return { ...record, charging: { invoice: invoiceId, since: now }, version: record.version + 1 };
}

/** The invoice and subscription after a charge's outcome, and the writes (and counts) that record it. */
export function settle(
  deps: BillingDeps,
  ctx: MerchantContext,
  claimed: SubscriptionRecord,
  invoice: InvoiceRecord,
  outcome: Outcome,
  at: number,
  counts: RunCounts,
  othersStopped: WriteOperation[] = [],
): Charged & { writes: WriteOperation[] } {
  const when = isoTime(at);
  const times = { now: deps.clock.now(), sandbox: when };
  const charged = outcome.intent !== null || outcome.kind !== 'succeeded';
  let next: InvoiceRecord = {
    ...invoice,
    version: invoice.version + 1,
    ...(charged
      ? {
          attempt_count: invoice.attempt_count + 1,
          attempts: [
            ...invoice.attempts,
            {
              attempt: invoice.attempt_count + 1,
              at: when,
              payment_intent: outcome.intent,
              status: outcome.kind,
              error_code: outcome.error_code,
              decline_code: outcome.decline_code,
            },
          ],
        }
      : {}),
  };
  let sub: SubscriptionRecord = { ...claimed, charging: null, version: claimed.version + 1 };
  const events: WriteOperation[] = [];
  let stopped: WriteOperation[] = [];
  if (outcome.kind === 'succeeded') {
    counts.charges_succeeded += charged ? 1 : 0;
    next = {
      ...next,
      status: 'paid',
      amount_paid: next.amount_due,
      paid_at: when,
      next_payment_attempt: null,
    };
    sub = { ...sub, dunning: sub.dunning.filter((d) => d.invoice !== invoice.id) };
    if (sub.status !== 'canceled' && sub.status !== 'trialing' && sub.dunning.length === 0)
      sub = withStatus(sub, 'active', at, `invoice ${invoice.id} paid`);
    events.push(billingEvent('invoice.paid', ctx, toInvoice(next), times));
  } else if (outcome.kind === 'failed') {
    counts.charges_failed += 1;
    const existing = sub.dunning.find((d) => d.invoice === invoice.id);
    const retriesMade = existing ? existing.retries_made + 1 : 0;
    const firstFailed = existing?.first_failed_at ?? at;
    const retry = retryAt(firstFailed, retriesMade + 1);
    const others = sub.dunning.filter((d) => d.invoice !== invoice.id);
    events.push(
      billingEvent(
        'invoice.payment_failed',
        ctx,
        // An ended subscription's invoice is retried no more.
        toInvoice({
          ...next,
          next_payment_attempt: retry === null || sub.status === 'canceled' ? null : isoTime(retry),
        }),
        times,
      ),
    );
    if (sub.status === 'canceled') {
      next = { ...next, next_payment_attempt: null };
    } else if (retry !== null) {
      next = { ...next, next_payment_attempt: isoTime(retry) };
      sub = {
        ...sub,
        dunning: [
          ...others,
          { invoice: invoice.id, first_failed_at: firstFailed, retries_made: retriesMade, next_at: retry },
        ],
      };
      if (sub.status !== 'unpaid')
        sub = withStatus(sub, 'past_due', at, `invoice ${invoice.id} payment failed`);
    } else if (sub.on_retries_exhausted === 'cancel') {
      next = { ...next, status: 'uncollectible', next_payment_attempt: null };
      events.push(billingEvent('invoice.marked_uncollectible', ctx, toInvoice(next), times));
      sub = ended({ ...sub, dunning: others }, at, `retries of invoice ${invoice.id} exhausted`);
      stopped = othersStopped;
      counts.subscriptions_canceled += 1;
    } else {
      next = { ...next, next_payment_attempt: null };
      sub = withStatus(
        { ...sub, dunning: others },
        'unpaid',
        at,
        `retries of invoice ${invoice.id} exhausted`,
      );
    }
  } else {
    // A wallet payer has to approve, an ACH debit settles later: the invoice stays open meanwhile,
    // and the intent's outcome event settles it (`settlePendingCharge`). A retry's entry stays, for
    // the schedule to go on from if it fails, but is not due: the run would ask again and again.
    next = { ...next, next_payment_attempt: null };
    sub = {
      ...sub,
      dunning: sub.dunning.map((d) => (d.invoice === invoice.id ? { ...d, next_at: null } : d)),
    };
  }
  sub = { ...sub, latest_invoice: sub.latest_invoice ?? invoice.id };
  sub = { ...sub, next_due_at: nextDue(sub) };
  sub = { ...sub, next_action_at: sub.next_due_at === null ? null : isoTime(sub.next_due_at) };
  return {
    subscription: sub,
    invoice: next,
    writes: [
      invoicePut(next, invoice.version),
      subscriptionPut(sub, claimed.version),
      ...stopped,
      ...events,
      ...subscriptionEvents(ctx, claimed, sub, times),
    ],
  };
}

/**
 * Charges a finalized invoice of a claimed subscription at sandbox time `at` through the hub, and
 * records the outcome: paid; or failed, with the next retry on the published schedule, the
 * subscription `past_due`, and after the last retry `canceled` or `unpaid`.
 */
export async function chargeClaimed(
  deps: BillingDeps,
  ctx: MerchantContext,
  claimed: SubscriptionRecord,
  invoice: InvoiceRecord,
  at: number,
  counts: RunCounts,
  respond?: RespondWith,
): Promise<Charged> {
  const othersStopped = await othersRetriesStopped(deps, claimed, invoice.id);
  const commit = (outcome: Outcome) => {
    const result = settle(deps, ctx, claimed, invoice, outcome, at, counts, othersStopped);
    return { result, writes: [...result.writes, ...(respond?.(result.subscription) ?? [])] };
  };
  if (invoice.amount_due === 0) {
    const { result, writes } = commit({
      kind: 'succeeded',
      intent: null,
      error_code: null,
      decline_code: null,
    });
    await deps.store.transact(writes);
    return result;
  }
  let result: Charged | undefined;
  try {
    const method = await getPaymentMethod(deps, ctx.merchantId, claimed.payment_method);
    await createIntent(
      deps.hub,
      { merchantId: ctx.merchantId, ownerId: ctx.ownerId },
      {
        amount: invoice.amount_due,
        currency: invoice.currency as CreateIntent['currency'],
        payment_method: await chargeableMethod(deps, method),
        capture: true,
        description: `Invoice ${invoice.id}`,
      },
      (intent) => {
        const committed = commit(outcomeOf(intent));
        result = committed.result;
        return committed.writes;
      },
    );
    return result!;
  } catch (error) {
    // Refused before any provider was asked (no connector takes the method): a failed attempt.
    if (result || !isAppError(error) || error.status >= 500) throw error;
    const { result: refused, writes } = commit({
      kind: 'failed',
      intent: null,
      error_code: String(error.code),
      decline_code: null,
    });
    await deps.store.transact(writes);
    return refused;
  }
}

/** Refuses a change while a charge is in flight or after the end. */
export function assertChangeable(record: SubscriptionRecord): void {
  if (record.status === 'canceled')
    throw new AppError('invalid_state_transition', `subscription ${record.id} is canceled`, {
      details: { status: record.status },
    });
  if (record.charging)
    throw new AppError(
      'conflict',
      `subscription ${record.id} is being charged right now; try again in a moment`,
    );
}
