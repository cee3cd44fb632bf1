import { isoTime, type Clock } from '../kernel/clock.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { DeliveryFailure, EventBus } from './bus.ts';
import { createJsonLogger, type Logger } from './logger.ts';
import {
  defaultEventRetentionSeconds,
  dispatchedEventFields,
  isOutboxItem,
  outboxPendingPartition,
  outboxRetryPrefix,
} from './outbox.ts';
import { isTransactionCanceled, type Item, type Store, type WriteOperation } from './store.ts';

/** The `gsi1` partition of events parked after too many failed attempts. */
export const outboxFailedPartition = 'OUTBOX#FAILED';

export interface OutboxDispatcherOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  logger?: Logger;
  /** New events, and separately due retries, read per round. Default 100. */
  batchSize?: number;
  /** Pause between rounds that found nothing to do. Default 50 ms. */
  pollIntervalMs?: number;
  /** Attempts before an event is parked in `OUTBOX#FAILED`. Default 10. */
  maxAttempts?: number;
  /** Delay before the next attempt, after `attempts` failed ones. Default 1 s doubling to 5 min. */
  retryDelayMs?: (attempts: number) => number;
  /** How long an event is kept once dispatched (its `expires_at`). Default 30 days (`Config.eventRetentionSeconds`). */
  eventRetentionSeconds?: number;
}

/** What one round (or a whole `drain`) did. */
export interface DispatchSummary {
  /** Events handed to the bus. */
  attempted: number;
  /** Events every matching subscriber has now received; they left the pending index. */
  dispatched: number;
  /** Events with a failed subscriber that will be retried. */
  retrying: number;
  /** Events that used up their attempts and were moved to `OUTBOX#FAILED`. */
  parked: number;
}

/** Outbox attributes the dispatcher keeps on the event's item. */
interface DeliveryState {
  attempts: number;
  deliveredTo: string[];
}

const maxDrainRounds = 1000;
const maxErrorLength = 1000;

export function defaultRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000);
}

/**
 * Moves events from the outbox to the bus. Each event stays in `OUTBOX#PENDING` until every
 * subscriber its pattern selects has handled it; the item records who already has it
 * (`delivered_to`), so a retry calls only the subscribers that failed. Delivery stays
 * at-least-once: a crash after a handler succeeds and before that is written re-delivers.
 *
 * @example
 * const dispatcher = new OutboxDispatcher({ store, bus, clock: systemClock });
 * dispatcher.start();
 * await store.transact([...changes, outboxPut(event)]);
 * dispatcher.notify();
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

  /** Rounds run one at a time, whoever asks: the loop, `drain` or a test. */
  #tail: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #isStopping = false;
  #isNotified = false;
  #wake: (() => void) | undefined;

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
  }

  /** Runs one round: publishes new events and due retries, then records the outcome of each. */
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

  /** Stops the loop once the round in flight has finished and been recorded. */
  async stop(): Promise<void> {
    this.#isStopping = true;
    this.#wake?.();
    const loop = this.#loop;
    await loop;
    if (this.#loop === loop) this.#loop = undefined;
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

  async #dispatchRound(): Promise<DispatchSummary> {
    const summary: DispatchSummary = { attempted: 0, dispatched: 0, retrying: 0, parked: 0 };
    const [dueRetries, fresh] = await Promise.all([
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
      this.#store.query({
        index: 'gsi1',
        partition: outboxPendingPartition,
        sort: { op: '<', value: outboxRetryPrefix },
        limit: this.#batchSize,
      }),
    ]);
    const found = [...dueRetries.items, ...fresh.items];
    // Index reads may lag (DynamoDB GSIs are eventually consistent): act on the item as it is now,
    // and only if it is still where the index showed it, so a lagging index does not re-deliver.
    // A store whose indexes never lag (SQLite) already returned the items as they are.
    const current = this.#store.consistentIndexes
      ? found
      : await Promise.all(found.map((item) => this.#store.get({ pk: item.pk, sk: item.sk })));
    const items = current.filter(
      (item, index): item is Item & { kind: 'event'; event: EventEnvelope } =>
        item !== undefined &&
        isOutboxItem(item) &&
        item.gsi1pk === outboxPendingPartition &&
        item.gsi1sk === found[index]!.gsi1sk,
    );
    if (items.length === 0) return summary;

    const states = new Map(items.map((item) => [item.event.id, deliveryState(item)]));
    const { deliveries } = await this.#bus.publish(
      items.map((item) => item.event),
      { skip: new Map([...states].map(([id, state]) => [id, state.deliveredTo])) },
    );
    summary.attempted = items.length;

    // Recorded concurrently: each is its own conditional write, and the store can commit them together.
    const outcomes = await Promise.all(
      deliveries.map((delivery, index) => {
        const item = items[index]!;
        return this.#record(
          item,
          item.event,
          states.get(delivery.eventId)!,
          delivery.delivered,
          delivery.failed,
        );
      }),
    );
    for (const outcome of outcomes) if (outcome) summary[outcome] += 1;
    return summary;
  }

  /** Writes the outcome of one attempt on the event's item; undefined when another dispatcher got there first. */
  async #record(
    item: Item,
    event: EventEnvelope,
    state: DeliveryState,
    delivered: string[],
    failed: DeliveryFailure[],
  ): Promise<'dispatched' | 'retrying' | 'parked' | undefined> {
    const now = this.#clock.now();
    const attempts = state.attempts + 1;
    const deliveredTo = [...new Set([...state.deliveredTo, ...delivered])];
    let update: Extract<WriteOperation, { type: 'update' }>;
    let outcome: 'dispatched' | 'retrying' | 'parked';
    if (failed.length === 0) {
      outcome = 'dispatched';
      update = {
        type: 'update',
        key: { pk: item.pk, sk: item.sk },
        // Delivered: from now on only kept for the record, for the retention period.
        set: {
          attempts,
          delivered_to: deliveredTo,
          ...dispatchedEventFields(now, this.#eventRetentionSeconds),
        },
        remove: ['gsi1pk', 'gsi1sk', 'next_attempt_at', 'failed_subscribers', 'last_error'],
      };
    } else {
      const failure = {
        attempts,
        delivered_to: deliveredTo,
        failed_subscribers: failed.map((f) => f.subscriber),
        last_error: failed
          .map((f) => `${f.subscriber}: ${describeError(f.error)}`)
          .join('; ')
          .slice(0, maxErrorLength),
      };
      const fields = {
        event_id: event.id,
        event_type: event.type,
        attempts,
        failed_subscribers: failure.failed_subscribers,
        error: failure.last_error,
      };
      if (attempts >= this.#maxAttempts) {
        outcome = 'parked';
        update = {
          type: 'update',
          key: { pk: item.pk, sk: item.sk },
          set: { ...failure, gsi1pk: outboxFailedPartition, gsi1sk: event.id, parked_at: isoTime(now) },
          remove: ['next_attempt_at'],
        };
        this.#logger.error('outbox event parked after its last attempt', fields);
      } else {
        outcome = 'retrying';
        const due = isoTime(now + Math.max(0, this.#retryDelayMs(attempts)));
        update = {
          type: 'update',
          key: { pk: item.pk, sk: item.sk },
          set: { ...failure, gsi1sk: `${outboxRetryPrefix}${due}#${event.id}`, next_attempt_at: due },
        };
        this.#logger.warn('outbox delivery failed, will retry', { ...fields, next_attempt_at: due });
      }
    }
    // Only while the item is where this round found it: never recreate or move it twice.
    update.condition = { compare: ['gsi1sk', '=', String(item.gsi1sk)] };
    try {
      await this.#store.transact([update]);
      return outcome;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      this.#logger.warn('outbox event changed during delivery, leaving it as found', { event_id: event.id });
      return undefined;
    }
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
