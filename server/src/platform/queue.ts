import type { WriteOperation } from './store.ts';

/**
 * The Queue port: durable work queues with SQS semantics, so an SQS adapter can implement it.
 *
 * - At-least-once: a message is handed to a consumer, hidden for `visibilityTimeoutSeconds`, and
 *   handed out again if the consumer neither acknowledged nor failed it in that time. Handlers
 *   must therefore be idempotent (key their effects by message id or by the body's own id).
 * - Each delivery carries `receiveCount` (1 on the first delivery), SQS's
 *   `ApproximateReceiveCount`.
 * - `delaySeconds` hides a new message for that long (SQS caps it at 900 s).
 * - A failed message becomes visible again after `retryAfterSeconds` (SQS:
 *   `ChangeMessageVisibility`, capped at 12 h) or the consumer's default.
 * - A message received `maxReceives` times without success moves to the queue's dead-letter list
 *   (SQS: a redrive policy with `maxReceiveCount`).
 * - Handlers receive batches and report partial failures (SQS: `batchItemFailures`).
 *
 * Adapters: `StoreQueue` (runtime/local, kept in the Store) and `SqsQueue` (runtime/aws).
 */
export interface Queue extends DeadLetterQueue {
  /**
   * Enqueues one message. `id` must be unique within the queue: sending an id again is refused
   * by the local adapter (SQS FIFO would drop it as a duplicate), so producers can retry safely.
   *
   * @example
   * await queue.send('webhook-deliveries', { id: deliveryId, body: { delivery_id: deliveryId } });
   */
  send(queue: string, message: OutgoingMessage): Promise<void>;
  /**
   * Registers `handler` as the consumer of `queue`. Runtimes poll (locally) or map an event
   * source (SQS → Lambda) onto it; at most one consumer per queue.
   *
   * @example
   * queue.consume('webhook-deliveries', perMessage(async (message) => deliver(message.body)), { maxReceives: 16 });
   */
  consume(queue: string, handler: BatchHandler, options?: ConsumeOptions): void;
}

/**
 * The dead letters of each queue, for operators: list, inspect, and redrive (move back to the
 * queue with a fresh receive count, to be consumed as a new message).
 *
 * Known gap on SQS: a dead-letter queue has no listing, only receives, so `listDeadLetters` there
 * is a sample of up to `limit` messages without a cursor, and `readDeadLetter` /
 * `redriveDeadLetter` look through at most a bounded number of receives; `redriveDeadLetters`
 * moves everything (as SQS's own DLQ redrive does).
 *
 * @example
 * const { messages } = await queue.listDeadLetters('webhook-deliveries', { limit: 50 });
 * await queue.redriveDeadLetter('webhook-deliveries', messages[0].id);
 */
export interface DeadLetterQueue {
  listDeadLetters(queue: string, options?: { limit?: number; cursor?: string }): Promise<DeadLetterPage>;
  /** The dead letter `id` of `queue`; undefined when it is not dead-lettered (or is gone). */
  readDeadLetter(queue: string, id: string): Promise<DeadLetter | undefined>;
  /** Moves it back to its queue with a fresh receive count. False when it is not dead-lettered. */
  redriveDeadLetter(queue: string, id: string): Promise<boolean>;
  /** Moves up to `limit` (default `maxRedriveBatch`) back to the queue; resolves to how many. */
  redriveDeadLetters(queue: string, options?: { limit?: number }): Promise<number>;
}

/** The most dead letters one `redriveDeadLetters` call moves; call again for more. */
export const maxRedriveBatch = 1000;

/** A message a queue gave up on, as an operator sees it. */
export interface DeadLetter {
  id: string;
  queue: string;
  body: unknown;
  /** Receives before it was dead-lettered. */
  receiveCount: number;
  /** When it was first sent, ms since the epoch. */
  sentAt: number;
  /** When it was dead-lettered, ms since the epoch; null where the adapter cannot tell (SQS). */
  deadAt: number | null;
  /** The last failure its consumer reported; null where the adapter does not keep it (SQS). */
  lastError: string | null;
}

export interface DeadLetterPage {
  messages: DeadLetter[];
  /** Present when more may follow; pass it back as `cursor`. */
  cursor?: string;
}

/**
 * Enqueues in the caller's store transaction, so a delivery record and its message commit
 * together (`StoreQueue.sendOperation`). `SqsQueue` writes the message to the table and its stream relays it to SQS, keeping the
 * same all-or-nothing.
 */
export interface TransactionalQueue {
  sendOperation(queue: string, message: OutgoingMessage): WriteOperation;
}

export interface OutgoingMessage {
  id: string;
  /** JSON-shaped. */
  body: unknown;
  /** Hide the message for this long before its first delivery. Default 0. */
  delaySeconds?: number;
}

export interface ReceivedMessage {
  id: string;
  queue: string;
  body: unknown;
  /** How many times this message has been handed out, this time included (1 on the first). */
  receiveCount: number;
  /** When it was first sent, ms since the epoch. */
  sentAt: number;
}

/** One message of a batch that failed; it becomes visible again after `retryAfterSeconds`. */
export interface MessageFailure {
  id: string;
  retryAfterSeconds?: number;
  error?: string;
}

export interface BatchResult {
  /** The messages to retry; every other message of the batch is acknowledged (deleted). */
  failures: MessageFailure[];
}

/** A handler that throws fails the whole batch. */
export type BatchHandler = (messages: ReceivedMessage[]) => Promise<BatchResult>;

export interface ConsumeOptions {
  /** Messages handed to one handler call. Default 10 (SQS's maximum). */
  batchSize?: number;
  /** How long a received message stays hidden from other consumers. Default 60 s. */
  visibilityTimeoutSeconds?: number;
  /** Receives before a message is dead-lettered. Default 5. */
  maxReceives?: number;
  /** Delay before the retry of a failure that names none. Default: the visibility timeout. */
  retryAfterSeconds?: (receiveCount: number) => number;
}

export const defaultConsumeOptions = {
  batchSize: 10,
  visibilityTimeoutSeconds: 60,
  maxReceives: 5,
} as const;

/** What a message handler may return: nothing (success) or when to try again. */
export type MessageOutcome = void | { retryAfterSeconds?: number; error?: string };

/**
 * Turns a per-message handler into a batch handler with partial failures: each message is
 * handled concurrently; one that throws, or returns `{ retryAfterSeconds }`, is retried alone.
 *
 * @example
 * queue.consume('emails', perMessage(async (message) => sendEmail(message.body)));
 */
export function perMessage(handler: (message: ReceivedMessage) => Promise<MessageOutcome>): BatchHandler {
  return async (messages) => {
    const outcomes = await Promise.allSettled(messages.map((message) => handler(message)));
    const failures: MessageFailure[] = [];
    outcomes.forEach((outcome, index) => {
      const id = messages[index]!.id;
      if (outcome.status === 'rejected')
        failures.push({
          id,
          error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason),
        });
      else if (outcome.value) failures.push({ id, ...outcome.value });
    });
    return { failures };
  };
}
