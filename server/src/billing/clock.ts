import { isoTime } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { AppError } from '../kernel/errors.ts';
import { outboxPut } from '../platform/outbox.ts';
import { perMessage, type BatchHandler, type ConsumeOptions } from '../platform/queue.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { emptyCounts } from './charging.ts';
import { advanceTowards, withRunLease } from './cycle.ts';
import { merchantContext, type BillingDeps } from './deps.ts';
import { billingSource } from './events.ts';
import { billingIds } from './ids.ts';
import type { BillingEventData, TestClock } from './model.ts';
import { clockPut, readClock, toClock, type ClockRecord } from './store.ts';

/**
 * Advance-clock in the background, as Stripe's test clocks: the request records where the clock
 * goes and answers 202 with it `advancing`; a queue consumer runs the renewals and retries due on
 * the way in batches of at most {@link batchMs} each (so no call nears API Gateway's 30 s or a
 * function's timeout, over any number of subscriptions), then marks it `ready`. Each batch:
 *
 * - holds the merchant's run lease (the scheduled run leaves the merchant alone meanwhile);
 * - goes on from where the merchant's sandbox clock and due index stand, so a crashed batch is
 *   simply run again when its message comes back (each action is conditional on the
 *   subscription's version; only the crashed batch's counts are lost);
 * - commits its progress over the clock version its message names, with the next batch's
 *   message (or `test_clock.ready`) in the same transaction: a stale or duplicate message finds
 *   the version moved on and does nothing.
 *
 * The local runtime's queue poller picks the message up at once, so a small advance is ready in
 * moments; the API is the same on both runtimes.
 */

export const clockQueue = 'billing-clock-advances';
/** Wall time one batch may take: well inside the consumer function's 60 s timeout. */
const batchMs = 20_000;
/**
 * An advance that made no progress for this long is taken as stopped (its message dead-lettered
 * after ten receives): a new advance may replace it. Well past a crashed batch's redelivery.
 */
const stalledMs = 30 * 60_000;
/** A crashed batch's lease lapses after this long (the batch itself takes at most `batchMs`). */
const batchLeaseMs = 2 * 60_000;

export const clockConsumeOptions: ConsumeOptions = {
  batchSize: 1,
  visibilityTimeoutSeconds: 60,
  maxReceives: 10,
  retryAfterSeconds: () => 10,
};

export interface ClockMessage {
  merchant: string;
  /** The clock version the batch goes on from. */
  version: number;
}

function clockEvent(
  type: 'test_clock.advancing' | 'test_clock.ready',
  clock: ClockRecord,
  ownerId: string,
  now: number,
) {
  return outboxPut(
    createEvent({
      type,
      source: billingSource,
      subject: clock.id,
      merchant: clock.merchant,
      audience: [ownerId],
      data: {
        object: toClock(clock),
        sandbox_time: clock.frozen_time,
      } satisfies BillingEventData[typeof type],
      now,
    }),
  );
}

const batchMessage = (clock: ClockRecord): { id: string; body: ClockMessage } => ({
  id: `${clock.id}:${clock.version}`,
  body: { merchant: clock.merchant, version: clock.version },
});

/** The merchant's test clock: `ready` at its sandbox time when it has never been advanced. */
export async function getTestClock(deps: BillingDeps, merchantId: string): Promise<TestClock> {
  const clock = await readClock(deps.store, merchantId);
  if (clock) return toClock(clock);
  const { now } = await merchantContext(deps, merchantId);
  return {
    object: 'test_clock',
    id: billingIds.newId('testClock', deps.clock.now()),
    status: 'ready',
    frozen_time: isoTime(now),
    target_time: isoTime(now),
    ...emptyCounts(),
    batches: 0,
    started_at: null,
    completed_at: null,
  };
}

/**
 * Starts moving the merchant's sandbox clock `seconds` ahead: records the target, enqueues the
 * first batch and emits `test_clock.advancing`, in one transaction. 409 (`details.reason:
 * clock_advancing`) while an advance is still under way.
 */
export async function startClockAdvance(
  deps: BillingDeps,
  merchantId: string,
  seconds: number,
): Promise<TestClock> {
  const ctx = await merchantContext(deps, merchantId);
  const read = await readClock(deps.store, merchantId);
  // An advance whose batches stopped (a message dead-lettered) may be started over after a while.
  if (read?.status === 'advancing' && deps.clock.now() - read.progressed_at < stalledMs)
    throw new AppError('conflict', 'the test clock is still advancing: wait until it is ready', {
      details: { reason: 'clock_advancing', target_time: read.target_time },
    });
  const now = deps.clock.now();
  const clock: ClockRecord = {
    object: 'test_clock',
    id: read?.id ?? billingIds.newId('testClock', now),
    merchant: merchantId,
    status: 'advancing',
    frozen_time: isoTime(ctx.now),
    target_time: isoTime(ctx.now + seconds * 1000),
    ...emptyCounts(),
    batches: 0,
    started_at: isoTime(now),
    completed_at: null,
    version: (read?.version ?? 0) + 1,
    progressed_at: now,
  };
  try {
    await deps.store.transact([
      clockPut(clock),
      deps.queue.sendOperation(clockQueue, batchMessage(clock)),
      clockEvent('test_clock.advancing', clock, ctx.ownerId, now),
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    throw new AppError('conflict', 'another advance of the test clock started first', {
      details: { reason: 'clock_advancing' },
    });
  }
  return toClock(clock);
}

/**
 * One batch of an advance (the queue message's): runs what is due towards the target for up to
 * `batchMs`, then records the progress with the next batch's message, or the clock `ready`.
 * Returns when to retry if the run lease is held (the schedule is running the merchant).
 */
export async function runClockBatch(
  deps: BillingDeps,
  message: ClockMessage,
  budgetMs = batchMs,
): Promise<{ retryAfterSeconds: number } | undefined> {
  const read = await readClock(deps.store, message.merchant);
  if (!read || read.status !== 'advancing' || read.version !== message.version) return undefined;
  const outcome = await withRunLease(
    deps,
    read.merchant,
    5_000,
    async () => {
      const counts = emptyCounts();
      const reached = await advanceTowards(
        deps,
        read.merchant,
        Date.parse(read.target_time),
        counts,
        Date.now() + budgetMs,
      );
      return { counts, reached };
    },
    batchLeaseMs,
  );
  if (!outcome) return { retryAfterSeconds: 10 };
  const { counts, reached } = outcome;
  const now = deps.clock.now();
  const next: ClockRecord = {
    ...read,
    status: reached.done ? 'ready' : 'advancing',
    frozen_time: isoTime(reached.sandbox_time),
    invoices_finalized: read.invoices_finalized + counts.invoices_finalized,
    charges_succeeded: read.charges_succeeded + counts.charges_succeeded,
    charges_failed: read.charges_failed + counts.charges_failed,
    subscriptions_canceled: read.subscriptions_canceled + counts.subscriptions_canceled,
    batches: read.batches + 1,
    completed_at: reached.done ? isoTime(now) : null,
    version: read.version + 1,
    progressed_at: now,
  };
  const { ownerId } = await merchantContext(deps, read.merchant);
  const then: WriteOperation = reached.done
    ? clockEvent('test_clock.ready', next, ownerId, now)
    : deps.queue.sendOperation(clockQueue, batchMessage(next));
  try {
    await deps.store.transact([clockPut(next), then]);
  } catch (error) {
    // A duplicate delivery of this batch recorded it first: nothing more to do.
    if (!isTransactionCanceled(error)) throw error;
  }
  return undefined;
}

/** The queue consumer of clock batches; a message that is not one is dropped. */
export function clockConsumer(deps: BillingDeps): BatchHandler {
  return perMessage(async (message) => {
    const body = message.body as Partial<ClockMessage> | undefined;
    if (typeof body?.merchant !== 'string' || typeof body.version !== 'number') return;
    return runClockBatch(deps, { merchant: body.merchant, version: body.version });
  });
}
