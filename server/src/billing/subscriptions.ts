import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { getCustomer, getPaymentMethod, getPlan, getSettings } from './catalog.ts';
import {
  assertChangeable,
  chargeClaimed,
  claim,
  emptyCounts,
  ended,
  finalizeInvoice,
  nextDue,
  stopRetries,
  type RespondWith,
} from './charging.ts';
import type { BillingDeps, MerchantContext } from './deps.ts';
import { billingEvent } from './events.ts';
import { billingIds } from './ids.ts';
import type { CreateSubscription, InvoiceLine, UpdateSubscription } from './model.ts';
import { daysToMs, periodAt, remainingShare, type Period } from './periods.ts';
import {
  billingMerchantPut,
  customerCreditAdd,
  readInvoice,
  readSubscription,
  subscriptionPut,
  toSubscription,
  type PlanRecord,
  type SubscriptionRecord,
} from './store.ts';

/** Subscriptions: start (with a trial or a first invoice charged now), change plan or method, cancel. */

export async function getSubscriptionRecord(
  deps: BillingDeps,
  merchantId: string,
  id: string,
): Promise<SubscriptionRecord> {
  const record = await readSubscription(deps.store, id);
  if (!record || record.merchant !== merchantId) throw new AppError('not_found', `no subscription ${id}`);
  return record;
}

const withNextAction = (record: SubscriptionRecord): SubscriptionRecord => {
  const next_due_at = nextDue(record);
  return { ...record, next_due_at, next_action_at: next_due_at === null ? null : isoTime(next_due_at) };
};

/** The customer's payment method, refused (400 on `param`) when it is another customer's. */
async function methodOf(deps: BillingDeps, merchantId: string, customerId: string, id: string) {
  const method = await getPaymentMethod(deps, merchantId, id, 'payment_method');
  if (method.customer !== customerId)
    throw new AppError('invalid_request', `payment method ${id} belongs to another customer`, {
      param: 'payment_method',
    });
  return method;
}

export async function createSubscription(
  deps: BillingDeps,
  ctx: MerchantContext,
  input: CreateSubscription,
  respond?: RespondWith,
): Promise<SubscriptionRecord> {
  const customer = await getCustomer(deps, ctx.merchantId, input.customer, 'customer');
  const plan = await getPlan(deps, ctx.merchantId, input.plan, 'plan');
  const method = await methodOf(deps, ctx.merchantId, customer.id, input.payment_method);
  const trialDays = input.trial_days ?? plan.trial_period_days ?? 0;
  const onExhausted =
    input.on_retries_exhausted ?? (await getSettings(deps, ctx.merchantId)).on_retries_exhausted;
  const at = ctx.now;
  const times = { now: deps.clock.now(), sandbox: isoTime(at) };
  const trialEnd = trialDays > 0 ? at + daysToMs(trialDays) : null;
  const first: Period =
    trialEnd !== null ? { start: at, end: trialEnd } : periodAt(at, plan.interval, plan.interval_count, 0);
  let record: SubscriptionRecord = {
    id: billingIds.newId('subscription', deps.clock.now()),
    object: 'subscription',
    merchant: ctx.merchantId,
    customer: customer.id,
    plan: plan.id,
    payment_method: method.id,
    status: trialEnd !== null ? 'trialing' : 'active',
    currency: plan.currency,
    current_period_start: isoTime(first.start),
    current_period_end: isoTime(first.end),
    trial_end: trialEnd === null ? null : isoTime(trialEnd),
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    on_retries_exhausted: onExhausted,
    latest_invoice: null,
    next_action_at: null,
    status_history: [
      { status: trialEnd !== null ? 'trialing' : 'active', at: isoTime(at), reason: 'created' },
    ],
    metadata: input.metadata ?? {},
    created_at: isoTime(at),
    // Periods count from the trial's end, or from now; the trial is period -1.
    anchor: trialEnd ?? at,
    period_index: trialEnd !== null ? -1 : 0,
    next_due_at: null,
    charging: null,
    dunning: [],
    version: 0,
  };
  record = withNextAction(record);
  const created = [
    billingMerchantPut(ctx.merchantId),
    billingEvent('subscription.created', ctx, toSubscription(record), times),
  ];
  if (trialEnd !== null) {
    const stored = { ...record, version: 1 };
    await deps.store.transact([subscriptionPut(stored, null), ...created, ...(respond?.(stored) ?? [])]);
    return stored;
  }
  const { invoice, writes } = await finalizeInvoice(
    deps,
    ctx,
    record,
    planLines(plan, first),
    'subscription_create',
    at,
  );
  const claimed = claim({ ...record, latest_invoice: invoice.id }, invoice.id, deps.clock.now());
  try {
    await deps.store.transact([subscriptionPut(claimed, null), ...writes, ...created]);
  } catch (error) {
    // The one condition a new subscription's first write can lose: the customer's credit, which
    // another invoice used meanwhile. Nothing is written; a retry sees the credit left.
    if (!isTransactionCanceled(error)) throw error;
    throw new AppError(
      'conflict',
      `the credit of customer ${customer.id} changed while this request was made; retry`,
      { cause: error },
    );
  }
  return (await chargeClaimed(deps, ctx, claimed, invoice, at, emptyCounts(), respond)).subscription;
}

function planLines(plan: PlanRecord, period: Period): InvoiceLine[] {
  return [
    {
      description: `${plan.name} (${isoTime(period.start).slice(0, 10)} – ${isoTime(period.end).slice(0, 10)})`,
      amount: plan.amount,
      plan: plan.id,
      proration: false,
      period: { start: isoTime(period.start), end: isoTime(period.end) },
    },
  ];
}

/**
 * The invoice lines of a plan change at `at`: the unused time of the old plan credited and the new
 * plan charged for the rest of the period, both to the second. A plan of another interval starts a
 * new period at `at` instead (the whole new period charged, the old one's unused time credited).
 */
export function prorationLines(
  from: PlanRecord,
  to: PlanRecord,
  period: Period,
  at: number,
): { lines: InvoiceLine[]; period: Period; restarted: boolean } {
  const changeAt = Math.floor(at / 1000) * 1000;
  const sameCycle = from.interval === to.interval && from.interval_count === to.interval_count;
  const next = sameCycle ? period : periodAt(changeAt, to.interval, to.interval_count, 0);
  const credit = remainingShare(from.amount, period, changeAt);
  const charge = sameCycle ? remainingShare(to.amount, period, changeAt) : to.amount;
  const span = (p: Period) => ({ start: isoTime(Math.max(changeAt, p.start)), end: isoTime(p.end) });
  return {
    restarted: !sameCycle,
    period: next,
    lines: [
      {
        description: `Unused time on ${from.name} after ${isoTime(changeAt)}`,
        amount: -credit,
        plan: from.id,
        proration: true,
        period: span(period),
      },
      {
        description: sameCycle
          ? `Remaining time on ${to.name} after ${isoTime(changeAt)}`
          : `${to.name} from ${isoTime(changeAt)}`,
        amount: charge,
        plan: to.id,
        proration: sameCycle,
        period: span(next),
      },
    ],
  };
}

/**
 * Changes the plan, the payment method or what follows the last retry. A plan change bills the
 * rest of the period prorated to the second (a trial's bills nothing), and is refused (409
 * `invalid_state_transition`, nothing written) while the current period is not paid up.
 */
export async function updateSubscription(
  deps: BillingDeps,
  ctx: MerchantContext,
  id: string,
  input: UpdateSubscription,
  respond?: RespondWith,
): Promise<SubscriptionRecord> {
  const record = await getSubscriptionRecord(deps, ctx.merchantId, id);
  assertChangeable(record);
  const method = input.payment_method
    ? await methodOf(deps, ctx.merchantId, record.customer, input.payment_method)
    : undefined;
  const to =
    input.plan && input.plan !== record.plan
      ? await getPlan(deps, ctx.merchantId, input.plan, 'plan')
      : undefined;
  if (to && to.currency !== record.currency)
    throw new AppError(
      'currency_mismatch',
      `plan ${to.id} is in ${to.currency}; the subscription bills in ${record.currency}`,
      {
        param: 'plan',
      },
    );
  const times = { now: deps.clock.now(), sandbox: isoTime(ctx.now) };
  let changed: SubscriptionRecord = {
    ...record,
    ...(method ? { payment_method: method.id } : {}),
    ...(input.on_retries_exhausted ? { on_retries_exhausted: input.on_retries_exhausted } : {}),
  };
  if (!to || record.status === 'trialing') {
    // No plan change, or one during a trial (nothing was paid to prorate).
    changed = withNextAction({ ...changed, ...(to ? { plan: to.id } : {}), version: record.version + 1 });
    await commitChange(deps, record.id, [
      subscriptionPut(changed, record.version),
      billingEvent('subscription.updated', ctx, toSubscription(changed), times),
      ...(respond?.(changed) ?? []),
    ]);
    return changed;
  }
  // The old plan's unused time is credited (or netted against the new charge): a period not paid
  // up has none, and a cancel afterwards would leave the customer that credit with nothing paid.
  const { isPaidUp, owed } = await paidUpState(deps, record);
  if (!isPaidUp)
    throw new AppError(
      'invalid_state_transition',
      `subscription ${record.id} has not paid its current period${owed === null ? '' : ` (invoice ${owed} is open)`}; change the plan once it is paid, or cancel instead`,
      { param: 'plan', details: { status: record.status, invoice: owed } },
    );
  const from = (await getPlan(deps, ctx.merchantId, record.plan))!;
  const period = {
    start: Date.parse(record.current_period_start),
    end: Date.parse(record.current_period_end),
  };
  const change = prorationLines(from, to, period, ctx.now);
  changed = {
    ...changed,
    plan: to.id,
    ...(change.restarted
      ? {
          anchor: change.period.start,
          period_index: 0,
          current_period_start: isoTime(change.period.start),
          current_period_end: isoTime(change.period.end),
        }
      : {}),
  };
  changed = withNextAction(changed);
  const { invoice, writes } = await finalizeInvoice(
    deps,
    ctx,
    changed,
    change.lines,
    'subscription_update',
    ctx.now,
  );
  const claimed = claim({ ...changed, latest_invoice: invoice.id }, invoice.id, deps.clock.now());
  await commitChange(deps, record.id, [
    subscriptionPut(claimed, record.version),
    ...writes,
    billingEvent('subscription.updated', ctx, toSubscription(claimed), times, { previous_plan: from.id }),
  ]);
  return (await chargeClaimed(deps, ctx, claimed, invoice, ctx.now, emptyCounts(), respond)).subscription;
}

/**
 * Whether the current period is paid up and, if not, the open invoice it owes. Only an active
 * subscription's can be (a trial's was never billed; a `past_due` or `unpaid` one owes an
 * invoice), and only once its latest invoice is no longer open: while it is, its charge is pending
 * (a wallet payer deciding, an ACH debit settling) and may yet be rejected. Only a paid-up period's
 * unused time is worth anything to the customer: a cancel credits it, a plan change prorates it.
 */
async function paidUpState(
  deps: BillingDeps,
  record: SubscriptionRecord,
): Promise<{ isPaidUp: boolean; owed: string | null }> {
  const latest = record.latest_invoice ? await readInvoice(deps.store, record.latest_invoice) : null;
  const isLatestOpen = latest?.status === 'open';
  return {
    isPaidUp: record.status === 'active' && !isLatestOpen,
    owed: isLatestOpen ? record.latest_invoice : (record.dunning[0]?.invoice ?? null),
  };
}

/**
 * Cancels at the period's end (it renews no more), or now: it ends at once, retries stop, and
 * the unused time of a paid-up period is credited to the customer, to the second.
 */
export async function cancelSubscription(
  deps: BillingDeps,
  ctx: MerchantContext,
  id: string,
  atPeriodEnd: boolean,
  respond?: RespondWith,
): Promise<SubscriptionRecord> {
  const record = await getSubscriptionRecord(deps, ctx.merchantId, id);
  assertChangeable(record);
  const times = { now: deps.clock.now(), sandbox: isoTime(ctx.now) };
  let writes: WriteOperation[];
  let next: SubscriptionRecord;
  if (atPeriodEnd) {
    next = {
      ...record,
      cancel_at_period_end: true,
      canceled_at: isoTime(ctx.now),
      version: record.version + 1,
    };
    writes = [billingEvent('subscription.updated', ctx, toSubscription(next), times)];
  } else {
    const plan = (await getPlan(deps, ctx.merchantId, record.plan))!;
    const period = {
      start: Date.parse(record.current_period_start),
      end: Date.parse(record.current_period_end),
    };
    const { isPaidUp } = await paidUpState(deps, record);
    const credit = isPaidUp ? remainingShare(plan.amount, period, ctx.now) : 0;
    next = { ...ended(record, ctx.now, 'canceled now'), version: record.version + 1 };
    writes = [
      ...(credit > 0 ? [customerCreditAdd(record.customer, record.currency, credit)] : []),
      ...(await stopRetries(deps, record)),
      billingEvent('subscription.canceled', ctx, toSubscription(next), times, { proration_credit: credit }),
    ];
  }
  await commitChange(deps, record.id, [
    subscriptionPut(next, record.version),
    ...writes,
    ...(respond?.(next) ?? []),
  ]);
  return next;
}

/**
 * Commits a change made to the subscription as read at its version. Another change, or a charge,
 * that committed first refuses it: nothing is written, and the caller is told to read it again
 * (409), not that Sluice failed.
 */
export async function commitChange(
  deps: BillingDeps,
  id: string,
  operations: WriteOperation[],
): Promise<void> {
  try {
    await deps.store.transact(operations);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    throw new AppError(
      'conflict',
      `subscription ${id} changed while this request was made; read it again and retry`,
      {
        cause: error,
      },
    );
  }
}
