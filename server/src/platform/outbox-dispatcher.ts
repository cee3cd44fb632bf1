import { isoTime, type Clock } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { DeliveryFailure, EventBus } from './bus.ts';
import { createJsonLogger, type Logger } from './logger.ts';
import {
  defaultEventRetentionSeconds,
  dispatchedEventFields,
  eventKey,
  eventTime,
  isOutboxItem,
  outboxCheckpointKey,
  outboxEventsBetween,
  outboxEventsOf,
  outboxPendingPartition,
  outboxRetryPrefix,
  registerOutboxBacklog,
  withEventRetention,
} from './outbox.ts';
import { isTransactionCanceled, type Item, type Store, type WriteOperation } from './store.ts';

/** The `gsi1` partition of events parked after too many failed attempts. */
export const outboxFailedPartition = 'OUTBOX#FAILED';

/** The sort key of an event's retry record, next to its record (`EVT#<id>`). */
export const outboxRetrySortKey = 'RETRY';

export interface OutboxDispatcherOptions {
  /** The store itself, for the dispatcher's own reads and writes (retry records, checkpoint). */
  store: Store;
  bus: EventBus;
  clock: Clock;
  logger?: Logger;
  /** Events, and separately due retries, handled per round. Default 100. */
  batchSize?: number;
  /** Pause between rounds that found nothing to do. Default 50 ms. */
  pollIntervalMs?: number;
  /** Attempts before an event is parked in `OUTBOX#FAILED`. Default 10. */
  maxAttempts?: number;
  /** Delay before the next attempt, after `attempts` failed ones. Default 1 s doubling to 5 min. */
  retryDelayMs?: (attempts: number) => number;
  /** `Config.eventRetentionSeconds`: how long an event record is kept (its `expires_at`). Default 30 days. */
  eventRetentionSeconds?: number;
  /** Least time between two checkpoint writes while events flow. Default 1 s. */
  checkpointIntervalMs?: number;
  /**
   * How far below the oldest unfinished event's time the checkpoint stays: covers an event whose
   * id was minted before its transaction reached the store (a handler's reads between the two;
   * the time in the writer's queue is tracked exactly). Default 60 s.
   */
  replayMarginMs?: number;
}

/** What one round (or a whole `drain`) did. */
export interface DispatchSummary {
  /** Events handed to the bus. */
  attempted: number;
  /** Events every matching subscriber has now received. */
  dispatched: number;
  /** Events with a failed subscriber that will be retried (a retry record holds them). */
  retrying: number;
  /** Events that used up their attempts and were moved to `OUTBOX#FAILED`. */
  parked: number;
}

/** An event to publish, and the subscribers that already have it. */
interface Pending {
  event: EventEnvelope;
  deliveredTo: string[];
  /** Set once its outcome is recorded (nothing to write, or its retry record written). */
  recorded?: boolean;
}

/** Outbox attributes kept on a retry record (or an older release's pending event item). */
interface DeliveryState {
  attempts: number;
  deliveredTo: string[];
}

const maxDrainRounds = 1000;
/** How often a round reads the stored retry records when no retry of this process is due. */
const storedCheckIntervalMs = 1000;
/** A retry record, or an event item an older release left pending. */
type StoredEvent = Item & { kind: string; event: EventEnvelope };
const maxErrorLength = 1000;

export function defaultRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000);
}

/**
 * Moves events from the outbox to the bus, writing nothing for an event that every subscriber
 * took. The store wrapper `watch(store)` returns hands it each committed transaction's events,
 * in commit order; it publishes them from memory.
 *
 * - A failed subscriber: a retry record (`EVT#<id>` / `RETRY`, in `OUTBOX#PENDING` under
 *   `~retry#<due>#<id>`) holds the event and who already has it, so a retry calls only the
 *   subscribers that failed; after `maxAttempts` it is parked in `OUTBOX#FAILED`.
 * - A checkpoint item (`OUTBOX#CHECKPOINT`), written at most every `checkpointIntervalMs` while
 *   events flow (and about once a minute when idle, and on stop): a time before which every
 *   committed event has been handed to the bus (the oldest unfinished one's, minus
 *   `replayMarginMs`). On its first round a dispatcher replays the time buckets from there to
 *   now, so what a crash left unpublished goes out; and drains, once, what older releases left in
 *   `OUTBOX#PENDING`, with their logic.
 *
 * Delivery is at-least-once: after a crash, events published since the checkpoint are published
 * again; consumers dedupe by event id.
 *
 * @example
 * const dispatcher = new OutboxDispatcher({ store, bus, clock: systemClock });
 * await dispatcher.open();
 * const appStore = dispatcher.watch(store); // what the app writes through
 * dispatcher.start();
 * await appStore.transact([...changes, outboxPut(event)]);
 * // on shutdown
 * await dispatcher.stop();
 */
export class OutboxDispatcher {
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: (attempts: number) => number;
  readonly #eventRetentionSeconds: number;
  readonly #checkpointIntervalMs: number;
  readonly #replayMarginMs: number;

  /** Rounds run one at a time, whoever asks: the loop, `drain` or a test. */
  #tail: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #isStopping = false;
  #isNotified = false;
  #wake: (() => void) | undefined;

  /** Committed events not yet published, in commit order. */
  #queue: Pending[] = [];
  /** Transactions under way that carry events: the time of each one's oldest event. */
  readonly #inFlight = new Map<number, number>();
  #nextTicket = 0;
  /** The oldest event of the round being published, until its outcome is recorded. */
  #publishing: number | null = null;
  /** The checkpoint as last read or written (ms), and when it was written. */
  #checkpoint: number | undefined;
  #checkpointWrittenAt = 0;
  #hasProgressed = false;
  #opened: Promise<void> | undefined;
  #hasReplayed = false;
  #hasDrainedLegacy = false;
  /**
   * When the stored retry records are next worth a query (ms): a round reads them at most once a
   * second, or at once when a retry this process wrote falls due, instead of on every commit's
   * round (two queries per round were ~5% of the main thread under a payments load).
   */
  #storedCheckAfter = 0;

  constructor(options: OutboxDispatcherOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#logger = options.logger ?? createJsonLogger();
    this.#batchSize = options.batchSize ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
    this.#eventRetentionSeconds = options.eventRetentionSeconds ?? defaultEventRetentionSeconds;
    this.#checkpointIntervalMs = options.checkpointIntervalMs ?? 1000;
    this.#replayMarginMs = options.replayMarginMs ?? 60_000;
  }

  /**
   * The store the app writes through: each transaction's events stamped with the retention,
   * counted as in flight while it commits, then handed to this dispatcher in commit order.
   * `outboxBacklog(returned store, …)` asks this dispatcher for its backlog. `onClose` runs once
   * the store has closed; `prepare` rewrites each transaction after its events are stamped (the
   * runtime's `withResponsesByReference`).
   */
  watch(
    store: Store,
    options: { onClose?: () => void; prepare?: (operations: WriteOperation[]) => WriteOperation[] } = {},
  ): Store {
    const prepare = options.prepare ?? ((operations: WriteOperation[]) => operations);
    const watched: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      transact: async (operations) => {
        const stamped = prepare(withEventRetention(operations, this.#eventRetentionSeconds));
        const events = outboxEventsOf(stamped);
        if (events.length === 0) return store.transact(stamped);
        const ticket = this.#nextTicket++;
        this.#inFlight.set(ticket, Math.min(...events.map(eventTime)));
        try {
          await store.transact(stamped);
        } catch (error) {
          // Refused (a condition): nothing was written. Anything else may have committed.
          if (isTransactionCanceled(error)) this.#inFlight.delete(ticket);
          else void this.#settleDoubtful(store, ticket, events);
          throw error;
        }
        this.#inFlight.delete(ticket);
        // Reached only once committed, in the order the store acknowledged the commits.
        for (const event of events) this.#queue.push({ event, deliveredTo: [] });
        this.notify();
      },
      close: async () => {
        try {
          await store.close();
        } finally {
          options.onClose?.();
        }
      },
      ...(store.consistentIndexes !== undefined ? { consistentIndexes: store.consistentIndexes } : {}),
    };
    registerOutboxBacklog(watched, () => this.#oldestUnfinished(false));
    return watched;
  }

  /**
   * A transaction that failed without saying it wrote nothing (a timeout, a lost connection):
   * its events are handed over if their records exist. Until that is known the checkpoint stays
   * behind them; if it cannot be known, it stays there until the next start replays them.
   */
  async #settleDoubtful(store: Store, ticket: number, events: EventEnvelope[]): Promise<void> {
    try {
      const found = await Promise.all(events.map((event) => store.get(eventKey(event.id))));
      events.forEach((event, index) => {
        if (found[index]) this.#queue.push({ event, deliveredTo: [] });
      });
      this.#inFlight.delete(ticket);
      this.notify();
    } catch (error) {
      this.#logger.error('outbox events of a failed transaction left to the next start', {
        event_ids: events.map((event) => event.id),
        error: describeError(error),
      });
    }
  }

  /**
   * Reads the checkpoint, or writes the first one (now, less the margin) when there is none:
   * before the app commits anything through `watch`, so a crash in the first second still finds
   * its events replayed. The first round calls it too.
   */
  open(): Promise<void> {
    this.#opened ??= (async () => {
      const item = await this.#store.get(outboxCheckpointKey);
      const stored = typeof item?.before_ms === 'number' ? item.before_ms : undefined;
      this.#checkpointWrittenAt = this.#clock.now();
      if (stored !== undefined) {
        this.#checkpoint = stored;
        return;
      }
      await this.#writeCheckpoint(this.#clock.now() - this.#replayMarginMs);
    })();
    this.#opened.catch(() => (this.#opened = undefined));
    return this.#opened;
  }

  /** Runs one round: publishes handed-over events and due retries, then records failures. */
  dispatchOnce(): Promise<DispatchSummary> {
    const round = this.#tail.then(() => this.#dispatchRound());
    this.#tail = round.catch(() => undefined);
    return round;
  }

  /**
   * Runs rounds until one finds nothing due (events a handler publishes are included). Retries
   * scheduled in the future stay pending: advance the clock and drain again.
   */
  async drain(): Promise<DispatchSummary> {
    const total: DispatchSummary = { attempted: 0, dispatched: 0, retrying: 0, parked: 0 };
    for (let round = 0; round < maxDrainRounds; round++) {
      const summary = await this.dispatchOnce();
      total.attempted += summary.attempted;
      total.dispatched += summary.dispatched;
      total.retrying += summary.retrying;
      total.parked += summary.parked;
      if (summary.attempted === 0) return total;
    }
    throw new Error(`the outbox still had due events after ${maxDrainRounds} rounds`);
  }

  /**
   * Starts the background loop: a round, then a pause of `pollIntervalMs` when it found nothing.
   * Does nothing while the loop runs, including while a `stop()` is still finishing.
   */
  start(): void {
    if (this.#loop) return;
    this.#isStopping = false;
    this.#loop = this.#run();
  }

  /** Wakes the loop now, e.g. right after a transaction that wrote to the outbox. */
  notify(): void {
    this.#isNotified = true;
    this.#wake?.();
  }

  /**
   * Stops the loop once the round in flight has finished and been recorded, then writes the
   * checkpoint (events still unpublished stay after it, for the next start to replay).
   */
  async stop(): Promise<void> {
    this.#isStopping = true;
    this.#wake?.();
    const loop = this.#loop;
    await loop;
    if (this.#loop === loop) this.#loop = undefined;
    if (this.#opened === undefined) return;
    const final = this.#tail.then(() => this.#maybeWriteCheckpoint(true));
    this.#tail = final.catch(() => undefined);
    await final.catch((error: unknown) =>
      this.#logger.error('outbox checkpoint not written on stop', { error: describeError(error) }),
    );
  }

  async #run(): Promise<void> {
    while (!this.#isStopping) {
      this.#isNotified = false;
      let isBusy = false;
      try {
        isBusy = (await this.dispatchOnce()).attempted > 0;
      } catch (error) {
        this.#logger.error('outbox dispatch round failed', { error: describeError(error) });
      }
      if (!this.#isStopping && !isBusy && !this.#isNotified) await this.#pause();
    }
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#pollIntervalMs);
      this.#wake = done;
    });
  }

  /** The time of the oldest event committed (or, with `inFlight`, committing) and not yet finished. */
  #oldestUnfinished(inFlight: boolean): number | null {
    let oldest: number | null = this.#publishing;
    const consider = (time: number) => {
      if (Number.isFinite(time) && (oldest === null || time < oldest)) oldest = time;
    };
    for (const pending of this.#queue) consider(eventTime(pending.event));
    if (inFlight) for (const time of this.#inFlight.values()) consider(time);
    return oldest;
  }

  /** Replays the time buckets since the checkpoint: what a crash (or a stop) left unpublished. */
  async #replay(): Promise<void> {
    const now = this.#clock.now();
    // Past the retention an event is gone anyway (and the scan would be long).
    const from = Math.max(this.#checkpoint ?? now, now - this.#eventRetentionSeconds * 1000);
    const found = await outboxEventsBetween(this.#store, from, now + this.#replayMarginMs);
    const queued = new Set(this.#queue.map((pending) => pending.event.id));
    const replayed = found.filter((event) => !queued.has(event.id));
    this.#queue.unshift(...replayed.map((event) => ({ event, deliveredTo: [] })));
    if (replayed.length > 0)
      this.#logger.warn('outbox events replayed from the time buckets after the checkpoint', {
        since: isoTime(from),
        events: replayed.length,
      });
  }

  async #dispatchRound(): Promise<DispatchSummary> {
    await this.open();
    if (!this.#hasReplayed) {
      await this.#replay();
      this.#hasReplayed = true;
    }
    const summary: DispatchSummary = { attempted: 0, dispatched: 0, retrying: 0, parked: 0 };
    const now = this.#clock.now();
    let stored: StoredEvent[] = [];
    if (now >= this.#storedCheckAfter) {
      stored = await this.#storedDue();
      // A full batch may have more behind it: look again next round.
      this.#storedCheckAfter = stored.length >= this.#batchSize ? 0 : now + storedCheckIntervalMs;
    }
    const fresh = this.#queue.splice(0, this.#batchSize);
    if (stored.length === 0 && fresh.length === 0) {
      await this.#maybeWriteCheckpoint(false);
      return summary;
    }
    this.#publishing = fresh.length > 0 ? Math.min(...fresh.map((p) => eventTime(p.event))) : null;
    try {
      const states = stored.map(deliveryState);
      const skip = new Map<string, string[]>();
      stored.forEach((item, index) => skip.set(item.event.id, states[index]!.deliveredTo));
      for (const pending of fresh) skip.set(pending.event.id, pending.deliveredTo);
      const { deliveries } = await this.#bus.publish(
        [...stored.map((item) => item.event), ...fresh.map((pending) => pending.event)],
        { skip },
      );
      summary.attempted = deliveries.length;
      const outcomes = await Promise.all([
        ...stored.map((item, index) => {
          const delivery = deliveries[index]!;
          return this.#recordStored(item, states[index]!, delivery.delivered, delivery.failed);
        }),
        ...fresh.map((pending, index) => {
          const delivery = deliveries[stored.length + index]!;
          return this.#recordFresh(pending, delivery.delivered, delivery.failed);
        }),
      ]);
      for (const outcome of outcomes) if (outcome) summary[outcome] += 1;
      this.#hasProgressed = true;
    } catch (error) {
      // Nothing of this round is lost: what was not recorded goes back to the front of the queue.
      this.#queue.unshift(...fresh.filter((pending) => !pending.recorded));
      throw error;
    } finally {
      this.#publishing = null;
    }
    await this.#maybeWriteCheckpoint(false);
    return summary;
  }

  /** Due retry records, and (until there are none) events older releases left in `OUTBOX#PENDING`. */
  async #storedDue(): Promise<StoredEvent[]> {
    const [dueRetries, legacy] = await Promise.all([
      this.#store.query({
        index: 'gsi1',
        partition: outboxPendingPartition,
        sort: {
          op: 'between',
          low: outboxRetryPrefix,
          high: `${outboxRetryPrefix}${isoTime(this.#clock.now())}$`,
        },
        limit: this.#batchSize,
      }),
      this.#hasDrainedLegacy
        ? Promise.resolve({ items: [] as Item[] })
        : this.#store.query({
            index: 'gsi1',
            partition: outboxPendingPartition,
            sort: { op: '<', value: outboxRetryPrefix },
            limit: this.#batchSize,
          }),
    ]);
    if (legacy.items.length === 0) this.#hasDrainedLegacy = true;
    const found = [...dueRetries.items, ...legacy.items];
    // Index reads may lag (DynamoDB GSIs are eventually consistent): act on the item as it is now,
    // and only if it is still where the index showed it, so a lagging index does not re-deliver.
    const current = this.#store.consistentIndexes
      ? found
      : await Promise.all(found.map((item) => this.#store.get({ pk: item.pk, sk: item.sk })));
    return current.filter(
      (item, index): item is Item & { kind: string; event: EventEnvelope } =>
        item !== undefined &&
        typeof item.event === 'object' &&
        item.event !== null &&
        (isOutboxItem(item) || item.sk === outboxRetrySortKey) &&
        item.gsi1pk === outboxPendingPartition &&
        item.gsi1sk === found[index]!.gsi1sk,
    );
  }

  /** A handed-over event's outcome: nothing to write unless a subscriber failed. */
  async #recordFresh(
    pending: Pending,
    delivered: string[],
    failed: DeliveryFailure[],
  ): Promise<'dispatched' | 'retrying' | 'parked' | undefined> {
    if (failed.length === 0) {
      pending.recorded = true;
      return 'dispatched';
    }
    const { event } = pending;
    const now = this.#clock.now();
    const state = { attempts: 1, deliveredTo: [...new Set([...pending.deliveredTo, ...delivered])] };
    const outcome = state.attempts >= this.#maxAttempts ? 'parked' : 'retrying';
    try {
      await this.#store.transact([
        {
          type: 'put',
          item: {
            pk: eventKey(event.id).pk,
            sk: outboxRetrySortKey,
            kind: 'event_retry',
            event,
            ...this.#failureFields(event, state, failed, now),
          },
          // A replayed event may have one already: that record carries on.
          condition: { attributeNotExists: 'pk' },
        },
      ]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      this.#logger.warn('outbox event already has a retry record, leaving it as found', {
        event_id: event.id,
      });
    }
    pending.recorded = true;
    return outcome;
  }

  /** What a failed attempt writes on a retry record: who has it, the error, where it waits. */
  #failureFields(
    event: EventEnvelope,
    state: DeliveryState,
    failed: DeliveryFailure[],
    now: number,
  ): Record<string, unknown> {
    const failure = {
      attempts: state.attempts,
      delivered_to: state.deliveredTo,
      failed_subscribers: failed.map((f) => f.subscriber),
      last_error: failed
        .map((f) => `${f.subscriber}: ${describeError(f.error)}`)
        .join('; ')
        .slice(0, maxErrorLength),
    };
    const fields = {
      event_id: event.id,
      event_type: event.type,
      attempts: state.attempts,
      failed_subscribers: failure.failed_subscribers,
      error: failure.last_error,
    };
    if (state.attempts >= this.#maxAttempts) {
      this.#logger.error('outbox event parked after its last attempt', fields);
      return { ...failure, gsi1pk: outboxFailedPartition, gsi1sk: event.id, parked_at: isoTime(now) };
    }
    const dueAt = now + Math.max(0, this.#retryDelayMs(state.attempts));
    const due = isoTime(dueAt);
    this.#storedCheckAfter = Math.min(this.#storedCheckAfter, dueAt);
    this.#logger.warn('outbox delivery failed, will retry', { ...fields, next_attempt_at: due });
    return {
      ...failure,
      gsi1pk: outboxPendingPartition,
      gsi1sk: `${outboxRetryPrefix}${due}#${event.id}`,
      next_attempt_at: due,
    };
  }

  /**
   * The outcome of one attempt on a stored item: a retry record (deleted once delivered) or an
   * event item an older release left pending (marked dispatched as it did). Undefined when
   * another dispatcher got there first.
   */
  async #recordStored(
    item: Item & { event: EventEnvelope },
    state: DeliveryState,
    delivered: string[],
    failed: DeliveryFailure[],
  ): Promise<'dispatched' | 'retrying' | 'parked' | undefined> {
    const { event } = item;
    const now = this.#clock.now();
    const next = {
      attempts: state.attempts + 1,
      deliveredTo: [...new Set([...state.deliveredTo, ...delivered])],
    };
    const key = { pk: item.pk, sk: item.sk };
    const isRetryRecord = item.sk === outboxRetrySortKey;
    let operation: WriteOperation;
    let outcome: 'dispatched' | 'retrying' | 'parked';
    if (failed.length === 0) {
      outcome = 'dispatched';
      operation = isRetryRecord
        ? { type: 'delete', key }
        : {
            type: 'update',
            key,
            set: {
              attempts: next.attempts,
              delivered_to: next.deliveredTo,
              ...dispatchedEventFields(now, this.#eventRetentionSeconds),
            },
            remove: ['gsi1pk', 'gsi1sk', 'next_attempt_at', 'failed_subscribers', 'last_error'],
          };
    } else {
      outcome = next.attempts >= this.#maxAttempts ? 'parked' : 'retrying';
      const { gsi1pk, gsi1sk, next_attempt_at, ...set } = this.#failureFields(event, next, failed, now);
      operation = {
        type: 'update',
        key,
        set: { ...set, gsi1pk, gsi1sk, ...(next_attempt_at !== undefined ? { next_attempt_at } : {}) },
        ...(next_attempt_at === undefined ? { remove: ['next_attempt_at'] } : {}),
      };
    }
    // Only while the item is where this round found it: never recreate or move it twice.
    operation.condition = { compare: ['gsi1sk', '=', String(item.gsi1sk)] };
    try {
      await this.#store.transact([operation]);
      return outcome;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      this.#logger.warn('outbox event changed during delivery, leaving it as found', { event_id: event.id });
      return undefined;
    }
  }

  /**
   * Writes the checkpoint when it moved on and it is time: `checkpointIntervalMs` after the last
   * write once events have been published since, a minute after it when idle, or now (`force`).
   */
  async #maybeWriteCheckpoint(force: boolean): Promise<void> {
    const now = this.#clock.now();
    const oldest = this.#oldestUnfinished(true);
    const before = Math.min(now, oldest ?? now) - this.#replayMarginMs;
    if (this.#checkpoint !== undefined && before <= this.#checkpoint) return;
    const elapsed = now - this.#checkpointWrittenAt;
    const isDue = this.#hasProgressed
      ? elapsed >= this.#checkpointIntervalMs
      : elapsed >= 60 * this.#checkpointIntervalMs;
    if (!force && !isDue) return;
    await this.#writeCheckpoint(before, oldest);
  }

  async #writeCheckpoint(before: number, oldestPending: number | null = null): Promise<void> {
    const now = this.#clock.now();
    await this.#store.transact([
      {
        type: 'put',
        item: {
          ...outboxCheckpointKey,
          kind: 'outbox_checkpoint',
          before_ms: before,
          before: isoTime(before),
          oldest_pending_ms: oldestPending,
          written_at: isoTime(now),
        },
      },
    ]);
    this.#checkpoint = before;
    this.#checkpointWrittenAt = now;
    this.#hasProgressed = false;
  }
}

function deliveryState(item: Item): DeliveryState {
  const attempts = typeof item.attempts === 'number' ? item.attempts : 0;
  const deliveredTo = Array.isArray(item.delivered_to)
    ? item.delivered_to.filter((s): s is string => typeof s === 'string')
    : [];
  return { attempts, deliveredTo };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
