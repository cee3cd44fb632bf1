import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isoTime } from '../kernel/clock.ts';
import { advanceClock } from '../payments/index.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import {
  chargeClaimed,
  claim,
  emptyCounts,
  ended,
  finalizeInvoice,
  nextDue,
  stopRetries,
  subscriptionEvents,
  withStatus,
  type RunCounts,
} from './charging.ts';
import { merchantContext, type BillingDeps, type MerchantContext } from './deps.ts';
import { periodAt } from './periods.ts';
import {
  billingMerchants,
  dueSubscriptionIds,
  nextDueAt,
  readInvoice,
  readPlan,
  readSubscription,
  runLeaseRelease,
  runLeaseTake,
  subscriptionPut,
  type SubscriptionRecord,
} from './store.ts';

/**
 * The billing cycle on the sandbox clock: each subscription's due actions (a renewal at its
 * period's end, a retry on the dunning schedule) run in time order, each at its own sandbox time,
 * however far the clock jumped. The due index is spread over partitions by subscription, so a run
 * over 10,000 subscriptions reads them in pages and writes no shared item.
 */

const maxStepsPerSubscription = 10_000;
const concurrency = 8;
const pageSize = 500;
/** How much later than a due action a stepped clock advance may run it (the card network's clock). */
const stepSlackMs = 3_600_000;

/** One due action of one subscription; false when there is none (or another runner holds it). */
async function step(
  deps: BillingDeps,
  ctx: MerchantContext,
  record: SubscriptionRecord,
  counts: RunCounts,
): Promise<boolean> {
  const at = record.next_due_at;
  if (at === null || at > ctx.now || record.charging) return false;
  const times = { now: deps.clock.now(), sandbox: isoTime(at) };
  const retry = record.dunning.find((d) => d.next_at === at);
  if (retry) {
    const invoice = await readInvoice(deps.store, retry.invoice);
    if (!invoice || invoice.status !== 'open') {
      const cleared = {
        ...record,
        dunning: record.dunning.filter((d) => d !== retry),
        version: record.version + 1,
      };
      const due = nextDue(cleared);
      await deps.store.transact([
        subscriptionPut(
          { ...cleared, next_due_at: due, next_action_at: due === null ? null : isoTime(due) },
          record.version,
        ),
      ]);
      return true;
    }
    const claimed = claim(record, invoice.id, deps.clock.now());
    await deps.store.transact([subscriptionPut(claimed, record.version)]);
    await chargeClaimed(deps, ctx, claimed, invoice, at, counts);
    return true;
  }
  if (record.cancel_at_period_end) {
    const done = { ...ended(record, at, 'canceled at period end'), version: record.version + 1 };
    counts.subscriptions_canceled += 1;
    await deps.store.transact([
      subscriptionPut(done, record.version),
      // An invoice still in dunning shows no retry once the subscription has ended.
      ...(await stopRetries(deps, record)),
      ...subscriptionEvents(ctx, record, done, times),
    ]);
    return true;
  }
  await renew(deps, ctx, record, at, counts);
  return true;
}

/** The next period: its invoice finalized at the period's start and charged. */
async function renew(
  deps: BillingDeps,
  ctx: MerchantContext,
  record: SubscriptionRecord,
  at: number,
  counts: RunCounts,
) {
  const plan = (await readPlan(deps.store, record.plan))!;
  const index = record.period_index + 1;
  const period = periodAt(record.anchor, plan.interval, plan.interval_count, index);
  const lines = [
    {
      description: `${plan.name} (${isoTime(period.start).slice(0, 10)} – ${isoTime(period.end).slice(0, 10)})`,
      amount: plan.amount,
      plan: plan.id,
      proration: false,
      period: { start: isoTime(period.start), end: isoTime(period.end) },
    },
  ];
  const renewed: SubscriptionRecord = withStatus(
    {
      ...record,
      period_index: index,
      current_period_start: isoTime(period.start),
      current_period_end: isoTime(period.end),
    },
    record.status === 'trialing' ? 'active' : record.status,
    at,
    'trial ended',
  );
  const { invoice, writes } = await finalizeInvoice(deps, ctx, renewed, lines, 'subscription_cycle', at);
  const claimed = claim({ ...renewed, latest_invoice: invoice.id }, invoice.id, deps.clock.now());
  const times = { now: deps.clock.now(), sandbox: isoTime(at) };
  await deps.store.transact([
    subscriptionPut(claimed, record.version),
    ...writes,
    ...subscriptionEvents(ctx, record, claimed, times),
  ]);
  counts.invoices_finalized += 1;
  await chargeClaimed(deps, ctx, claimed, invoice, at, counts);
}

/** Every due action of one subscription up to the merchant's sandbox now, oldest first. */
async function catchUp(
  deps: BillingDeps,
  ctx: MerchantContext,
  id: string,
  counts: RunCounts,
): Promise<void> {
  for (let n = 0; n < maxStepsPerSubscription; n++) {
    const record = await readSubscription(deps.store, id);
    if (!record) return;
    try {
      if (!(await step(deps, ctx, record, counts))) return;
    } catch (error) {
      // Another runner (or an API change) moved it first: read it again and carry on from there.
      if (isTransactionCanceled(error)) continue;
      throw error;
    }
  }
}

/** Runs `run` over `items`, `size` at a time; none but the first starts after `deadline` (ms, wall time). True when all ran. */
async function inPool<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  let next = 0;
  const worker = async () => {
    // The first item runs whatever the deadline: each call makes progress.
    while (next < items.length && (next === 0 || Date.now() < deadline)) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return next >= items.length;
}

/**
 * Runs every subscription action of the merchant due by its sandbox clock. A subscription the
 * index still shows as due after its run (DynamoDB indexes lag) is not taken twice in one run.
 * With a `deadline` (ms, wall time) it stops taking subscriptions then, and says it is not done:
 * what is left stays in the due index for the next call.
 */
export async function runDue(
  deps: BillingDeps,
  merchantId: string,
  counts = emptyCounts(),
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ counts: RunCounts; done: boolean }> {
  const ctx = await merchantContext(deps, merchantId);
  const seen = new Set<string>();
  for (;;) {
    const fresh = (await dueSubscriptionIds(deps.store, merchantId, ctx.now, pageSize)).filter(
      (id) => !seen.has(id),
    );
    if (fresh.length === 0) return { counts, done: true };
    for (const id of fresh) seen.add(id);
    if (!(await inPool(fresh, concurrency, (id) => catchUp(deps, ctx, id, counts), deadline)))
      return { counts, done: false };
  }
}

// Long enough for the scheduled run over 10,000 subscriptions on a busy machine; a crashed holder blocks the schedule that long.
const leaseMs = 15 * 60_000;

/**
 * Runs `work` holding the merchant's run lease, so a clock advance and the schedule never charge
 * the same merchant's subscriptions side by side (each would skip what the other holds, and
 * return before it is done). `waitMs`: how long to wait for the lease; null when not taken.
 * `holdMs`: how long a crashed holder keeps it.
 */
export async function withRunLease<T>(
  deps: BillingDeps,
  merchantId: string,
  waitMs: number,
  work: () => Promise<T>,
  holdMs = leaseMs,
): Promise<T | null> {
  const holder = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await deps.store.transact([
        runLeaseTake(merchantId, holder, deps.clock.now(), deps.clock.now() + holdMs),
      ]);
      break;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      if (Date.now() >= deadline) return null;
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await deps.store.transact([runLeaseRelease(merchantId, holder)]).catch(() => undefined);
  }
}

/**
 * Moves the merchant's sandbox clock towards `target` (through the payments sandbox, so expiries,
 * disputes and settlement fire as they do for advance-clock) in steps that stop at each due
 * billing action, so each period's invoice and charge happen at their own sandbox time: a year
 * runs twelve monthly cycles, with the retries between them. Stops at `deadline` (ms, wall time)
 * between steps; a later call goes on from where the merchant's clock and due index stand, so a
 * crash loses nothing (every action is conditional on the subscription's version). Call it
 * holding the run lease.
 */
export async function advanceTowards(
  deps: BillingDeps,
  merchantId: string,
  target: number,
  counts: RunCounts,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ sandbox_time: number; done: boolean }> {
  let now = (await merchantContext(deps, merchantId)).now;
  for (;;) {
    const due = await nextDueAt(deps.store, merchantId);
    const stepTo = due === null || due > target ? target : Math.min(target, Math.max(due, now) + stepSlackMs);
    const move = Math.min(Math.ceil((stepTo - now) / 1000), Math.round((target - now) / 1000));
    if (move > 0) {
      await advanceClock(deps.payments, merchantId, move);
      now += move * 1000;
    }
    const run = await runDue(deps, merchantId, counts, deadline);
    if (run.done && now >= target) return { sandbox_time: now, done: true };
    if (Date.now() >= deadline) return { sandbox_time: now, done: false };
  }
}

/** The scheduled run: every billing merchant's due actions by its own sandbox clock. */
export async function runAllDue(deps: BillingDeps): Promise<RunCounts> {
  const counts = emptyCounts();
  for await (const merchantId of billingMerchants(deps.store)) {
    try {
      // Reads only, for a merchant with nothing due (most of them, most of the time).
      const { now } = await merchantContext(deps, merchantId);
      if ((await dueSubscriptionIds(deps.store, merchantId, now, 1)).length === 0) continue;
      // A merchant whose clock is being advanced is left to that call.
      await withRunLease(deps, merchantId, 0, () => runDue(deps, merchantId, counts));
    } catch (error) {
      deps.logger.error('billing run failed for a merchant', { merchant: merchantId, error: String(error) });
    }
  }
  return counts;
}
