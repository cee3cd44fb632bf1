import { randomBytes } from 'node:crypto';
import { isoTime, type Clock } from '../../kernel/clock.ts';
import { createJsonLogger, type Logger } from '../../platform/logger.ts';
import {
  defaultConsumeOptions,
  maxRedriveBatch,
  type BatchHandler,
  type ConsumeOptions,
  type DeadLetter,
  type DeadLetterPage,
  type OutgoingMessage,
  type Queue,
  type ReceivedMessage,
} from '../../platform/queue.ts';
import {
  isTransactionCanceled,
  type Condition,
  type Item,
  type QueryPage,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';

/**
 * The Queue port kept in the Store, so queued work survives a restart and can be enqueued in the
 * same transaction as the producer's own writes (`sendOperation`).
 *
 * Layout: one item per message, `pk = QUEUE#<queue>#<id>`, `sk = MSG`. A waiting message sits in
 * the `gsi1` partition `QUEUE#<queue>#READY` sorted by the time it becomes visible (zero-padded
 * ms, then the id); a dead one in `QUEUE#<queue>#DEAD`. Receiving is a conditional update that
 * moves `visible_at` past the visibility timeout and stamps a lease token, so of two pollers only
 * one gets a message; ack deletes and failure reschedules only while that lease is still held.
 */
export interface StoreQueueOptions {
  store: Store;
  clock: Clock;
  logger?: Logger;
  /** Pause between rounds that found nothing due. Default 100 ms. */
  pollIntervalMs?: number;
}

interface Consumer {
  queue: string;
  handler: BatchHandler;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  maxReceives: number;
  retryAfterSeconds: (receiveCount: number) => number;
}

interface Lease {
  message: ReceivedMessage;
  token: string;
}

const maxDrainRounds = 10_000;
const maxErrorLength = 1000;

export function queueMessageKey(queue: string, id: string) {
  return { pk: `QUEUE#${queue}#${id}`, sk: 'MSG' };
}
export function readyPartition(queue: string): string {
  return `QUEUE#${queue}#READY`;
}
export function deadPartition(queue: string): string {
  return `QUEUE#${queue}#DEAD`;
}
function dueSortKey(visibleAt: number, id: string): string {
  return `${String(Math.max(0, Math.floor(visibleAt))).padStart(15, '0')}#${id}`;
}

/**
 * @example
 * const queue = new StoreQueue({ store, clock: systemClock });
 * queue.consume('emails', perMessage(sendEmail), { maxReceives: 5 });
 * queue.start();
 * await store.transact([...myWrites, queue.sendOperation('emails', { id, body })]);
 * // on shutdown
 * await queue.stop();
 */
export class StoreQueue implements Queue {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number;
  readonly #consumers = new Map<string, Consumer>();
  #tail: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #isStopping = false;
  #wake: (() => void) | undefined;

  constructor(options: StoreQueueOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger ?? createJsonLogger();
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  async send(queue: string, message: OutgoingMessage): Promise<void> {
    await this.#store.transact([this.sendOperation(queue, message)]);
    this.#wake?.();
  }

  /** The write that enqueues `message`; add it to the producer's transaction. Refused if the id is queued already. */
  sendOperation(queue: string, message: OutgoingMessage): WriteOperation {
    if (queue === '' || queue.includes('#')) throw new Error(`invalid queue name "${queue}"`);
    if (message.id === '') throw new Error('a message needs an id');
    const now = this.#clock.now();
    const visibleAt = now + Math.max(0, message.delaySeconds ?? 0) * 1000;
    return {
      type: 'put',
      item: {
        ...queueMessageKey(queue, message.id),
        gsi1pk: readyPartition(queue),
        gsi1sk: dueSortKey(visibleAt, message.id),
        kind: 'queue_message',
        queue,
        message_id: message.id,
        body: message.body as never,
        sent_at: now,
        visible_at: visibleAt,
        receive_count: 0,
      },
      condition: { attributeNotExists: 'pk' },
    };
  }

  consume(queue: string, handler: BatchHandler, options: ConsumeOptions = {}): void {
    if (this.#consumers.has(queue)) throw new Error(`queue "${queue}" already has a consumer`);
    const visibilityTimeoutSeconds =
      options.visibilityTimeoutSeconds ?? defaultConsumeOptions.visibilityTimeoutSeconds;
    this.#consumers.set(queue, {
      queue,
      handler,
      batchSize: options.batchSize ?? defaultConsumeOptions.batchSize,
      visibilityTimeoutSeconds,
      maxReceives: options.maxReceives ?? defaultConsumeOptions.maxReceives,
      retryAfterSeconds: options.retryAfterSeconds ?? (() => visibilityTimeoutSeconds),
    });
  }

  /** One round over every consumer: receives due messages, runs the handlers, records outcomes. Returns messages handled. */
  pollOnce(): Promise<number> {
    const round = this.#tail.then(() => this.#round());
    this.#tail = round.catch(() => undefined);
    return round;
  }

  /** Runs rounds until one finds nothing due. Messages delayed into the future stay: advance the clock and drain again. */
  async drain(): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxDrainRounds; round++) {
      const handled = await this.pollOnce();
      total += handled;
      if (handled === 0) return total;
    }
    throw new Error(`queues still had due messages after ${maxDrainRounds} rounds`);
  }

  start(): void {
    if (this.#loop) return;
    this.#isStopping = false;
    this.#loop = this.#run();
  }

  /** Stops polling once the round in flight has finished and been recorded. */
  async stop(): Promise<void> {
    this.#isStopping = true;
    this.#wake?.();
    const loop = this.#loop;
    await loop;
    if (this.#loop === loop) this.#loop = undefined;
  }

  /** Dead-lettered messages of `queue`, oldest first. */
  async listDead(queue: string, options: { limit?: number; cursor?: string } = {}): Promise<QueryPage> {
    return this.#store.query({
      index: 'gsi1',
      partition: deadPartition(queue),
      limit: options.limit ?? 100,
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
  }

  /** Moves a dead message back to the queue with a fresh receive count. False when it is not dead. */
  async redrive(queue: string, id: string): Promise<boolean> {
    const now = this.#clock.now();
    try {
      await this.#store.transact([
        {
          type: 'update',
          key: queueMessageKey(queue, id),
          set: {
            gsi1pk: readyPartition(queue),
            gsi1sk: dueSortKey(now, id),
            visible_at: now,
            receive_count: 0,
          },
          remove: ['dead_at'],
          condition: { compare: ['gsi1pk', '=', deadPartition(queue)] },
        },
      ]);
      this.#wake?.();
      return true;
    } catch (error) {
      if (isTransactionCanceled(error)) return false;
      throw error;
    }
  }

  async listDeadLetters(
    queue: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<DeadLetterPage> {
    const page = await this.listDead(queue, {
      limit: Math.min(Math.max(1, options.limit ?? 100), 1000),
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
    return {
      messages: page.items.map((item) => deadLetterOf(queue, item)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  }

  async readDeadLetter(queue: string, id: string): Promise<DeadLetter | undefined> {
    if (queue === '' || queue.includes('#') || id === '') return undefined;
    const item = await this.#store.get(queueMessageKey(queue, id));
    return item?.gsi1pk === deadPartition(queue) ? deadLetterOf(queue, item) : undefined;
  }

  redriveDeadLetter(queue: string, id: string): Promise<boolean> {
    if (queue === '' || queue.includes('#') || id === '') return Promise.resolve(false);
    return this.redrive(queue, id);
  }

  async redriveDeadLetters(queue: string, options: { limit?: number } = {}): Promise<number> {
    let left = Math.min(Math.max(0, options.limit ?? maxRedriveBatch), maxRedriveBatch);
    let moved = 0;
    while (left > 0) {
      // Always the first page: what was redriven has left the dead partition.
      const page = await this.listDead(queue, { limit: Math.min(left, 100) });
      if (page.items.length === 0) break;
      const outcomes = await Promise.all(
        page.items.map((item) => this.redrive(queue, String(item.message_id))),
      );
      const count = outcomes.filter(Boolean).length;
      moved += count;
      left -= page.items.length;
      if (count === 0) break;
    }
    return moved;
  }

  async #run(): Promise<void> {
    while (!this.#isStopping) {
      let handled = 0;
      try {
        handled = await this.pollOnce();
      } catch (error) {
        this.#logger.error('queue poll round failed', { error: describeError(error) });
      }
      if (!this.#isStopping && handled === 0) await this.#pause();
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

  async #round(): Promise<number> {
    const counts = await Promise.all(
      [...this.#consumers.values()].map((consumer) => this.#consume(consumer)),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async #consume(consumer: Consumer): Promise<number> {
    const now = this.#clock.now();
    const page = await this.#store.query({
      index: 'gsi1',
      partition: readyPartition(consumer.queue),
      sort: { op: '<=', value: dueSortKey(now, '~') },
      limit: consumer.batchSize,
    });
    const leases = (await Promise.all(page.items.map((found) => this.#lease(consumer, found, now)))).filter(
      (lease) => lease !== undefined,
    );
    if (leases.length === 0) return page.items.length > 0 ? 1 : 0;

    let failures: Map<string, { retryAfterSeconds?: number; error?: string }>;
    try {
      const result = await consumer.handler(leases.map((lease) => structuredClone(lease.message)));
      failures = new Map(result.failures.map((failure) => [failure.id, failure]));
    } catch (error) {
      failures = new Map(leases.map((lease) => [lease.message.id, { error: describeError(error) }]));
    }
    await Promise.all(
      leases.map((lease) => {
        const failure = failures.get(lease.message.id);
        return failure ? this.#fail(consumer, lease, failure) : this.#ack(consumer, lease);
      }),
    );
    return leases.length;
  }

  /** Takes one message for this consumer, or returns undefined when someone else has it (or it just died). */
  async #lease(consumer: Consumer, found: Item, now: number): Promise<Lease | undefined> {
    // Act on the item as it is now: the index may lag behind it.
    const item = await this.#store.get({ pk: found.pk, sk: found.sk });
    if (
      !item ||
      item.gsi1pk !== readyPartition(consumer.queue) ||
      typeof item.visible_at !== 'number' ||
      item.visible_at > now
    )
      return undefined;
    const receiveCount = typeof item.receive_count === 'number' ? item.receive_count : 0;
    const whileAsFound: Condition = {
      all: [
        { compare: ['visible_at', '=', item.visible_at] },
        { compare: ['gsi1pk', '=', readyPartition(consumer.queue)] },
      ],
    };
    const id = String(item.message_id);
    try {
      if (receiveCount >= consumer.maxReceives) {
        // Received maxReceives times and never settled (its consumers crashed or timed out): dead, as SQS would.
        await this.#store.transact([
          this.#deadUpdate(
            consumer.queue,
            id,
            now,
            'visibility timeout expired on the last receive',
            whileAsFound,
          ),
        ]);
        this.#logger.error('queue message dead-lettered', {
          queue: consumer.queue,
          message_id: id,
          receive_count: receiveCount,
        });
        return undefined;
      }
      const token = randomBytes(12).toString('hex');
      const visibleAt = now + consumer.visibilityTimeoutSeconds * 1000;
      await this.#store.transact([
        {
          type: 'update',
          key: { pk: item.pk, sk: item.sk },
          set: { visible_at: visibleAt, gsi1sk: dueSortKey(visibleAt, id), lease: token },
          add: { receive_count: 1 },
          condition: whileAsFound,
        },
      ]);
      return {
        token,
        message: {
          id,
          queue: consumer.queue,
          body: item.body,
          receiveCount: receiveCount + 1,
          sentAt: Number(item.sent_at),
        },
      };
    } catch (error) {
      if (isTransactionCanceled(error)) return undefined;
      throw error;
    }
  }

  async #ack(consumer: Consumer, lease: Lease): Promise<void> {
    await this.#settle(
      [
        {
          type: 'delete',
          key: queueMessageKey(consumer.queue, lease.message.id),
          condition: { compare: ['lease', '=', lease.token] },
        },
      ],
      lease,
    );
  }

  async #fail(
    consumer: Consumer,
    lease: Lease,
    failure: { retryAfterSeconds?: number; error?: string },
  ): Promise<void> {
    const now = this.#clock.now();
    const id = lease.message.id;
    const error = (failure.error ?? 'handler reported a failure').slice(0, maxErrorLength);
    const held: Condition = { compare: ['lease', '=', lease.token] };
    if (lease.message.receiveCount >= consumer.maxReceives) {
      await this.#settle([this.#deadUpdate(consumer.queue, id, now, error, held)], lease);
      this.#logger.error('queue message dead-lettered', {
        queue: consumer.queue,
        message_id: id,
        receive_count: lease.message.receiveCount,
        error,
      });
      return;
    }
    const delaySeconds = Math.max(
      0,
      failure.retryAfterSeconds ?? consumer.retryAfterSeconds(lease.message.receiveCount),
    );
    const visibleAt = now + delaySeconds * 1000;
    await this.#settle(
      [
        {
          type: 'update',
          key: queueMessageKey(consumer.queue, id),
          set: { visible_at: visibleAt, gsi1sk: dueSortKey(visibleAt, id), last_error: error },
          remove: ['lease'],
          condition: held,
        },
      ],
      lease,
    );
  }

  #deadUpdate(queue: string, id: string, now: number, error: string, condition: Condition): WriteOperation {
    return {
      type: 'update',
      key: queueMessageKey(queue, id),
      set: {
        gsi1pk: deadPartition(queue),
        gsi1sk: dueSortKey(now, id),
        dead_at: isoTime(now),
        last_error: error.slice(0, maxErrorLength),
      },
      remove: ['lease'],
      condition,
    };
  }

  /** Writes an outcome while the lease holds; a lost lease (it timed out and someone else has the message) is left alone. */
  async #settle(operations: WriteOperation[], lease: Lease): Promise<void> {
    try {
      await this.#store.transact(operations);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      this.#logger.warn('queue lease lost before the outcome was recorded', {
        queue: lease.message.queue,
        message_id: lease.message.id,
      });
    }
  }
}

function deadLetterOf(queue: string, item: Item): DeadLetter {
  const deadAt = typeof item.dead_at === 'string' ? Date.parse(item.dead_at) : Number.NaN;
  return {
    id: String(item.message_id),
    queue,
    body: item.body,
    receiveCount: typeof item.receive_count === 'number' ? item.receive_count : 0,
    sentAt: Number(item.sent_at),
    deadAt: Number.isFinite(deadAt) ? deadAt : null,
    lastError: typeof item.last_error === 'string' ? item.last_error : null,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
