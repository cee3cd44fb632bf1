import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { isoTime, type Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import {
  maxRedriveBatch,
  type BatchHandler,
  type ConsumeOptions,
  type DeadLetter,
  type DeadLetterPage,
  type MessageFailure,
  type OutgoingMessage,
  type Queue,
  type ReceivedMessage,
} from '../../platform/queue.ts';
import type { Item, WriteOperation } from '../../platform/store.ts';
import type { TransactionalQueue } from '../../platform/queue.ts';

/** SQS refuses a `DelaySeconds` above 15 minutes. */
export const maxSqsDelaySeconds = 900;
/** SQS refuses a visibility timeout above 12 hours. */
export const maxSqsVisibilitySeconds = 43_200;
/** Receives of 10 a dead-letter lookup makes at most: SQS has no lookup by id, so it looks through. */
const maxDeadLetterScanReceives = 20;
/** How long a dead letter looked through is hidden from the next receive of the same scan. */
const scanVisibilitySeconds = 30;

/** How long a queued-message item is kept after it was written (DynamoDB TTL): its id stays taken that long. */
export const queuedMessageRetentionSeconds = 7 * 24 * 3600;

export interface SqsQueueOptions {
  client: SQSClient;
  /** Queue-port queue name → SQS queue URL (`SLUICE_QUEUE_URLS`). */
  queueUrls: Record<string, string>;
  clock: Clock;
  logger: Logger;
}

/** What `sendOperation` writes: a message waiting in the table for the stream dispatcher to relay. */
export interface QueuedMessageItem extends Item {
  kind: 'queued-message';
  queue: string;
  message: OutgoingMessage;
  /** When the producer's transaction wrote it, ms since the epoch; the message's `sent_at`. */
  written_at: number;
  expires_at: number;
}

/** The JSON body of every SQS message this adapter sends. */
interface WireMessage {
  id: string;
  body: unknown;
  sent_at: number;
}

interface Consumer {
  handler: BatchHandler;
  options: ConsumeOptions;
}

/**
 * The gsi1 partition of queued messages not yet relayed to SQS, by time written: the stream
 * dispatcher takes them out once sent, and the sweeper relays what the stream left behind.
 */
export const queuedPendingPartition = 'QUEUED#PENDING';

export function queuedMessageKey(queue: string, id: string) {
  return { pk: `QUEUED#${queue}#${id}`, sk: 'MSG' };
}

/**
 * True for an item `sendOperation` wrote: the DynamoDB-stream dispatcher relays these to SQS.
 *
 * @example
 * if (record.eventName === 'INSERT' && isQueuedMessageItem(item)) await queue.relay(item);
 */
export function isQueuedMessageItem(item: Item): item is QueuedMessageItem {
  const message = item.message as Partial<OutgoingMessage> | undefined;
  return (
    item.kind === 'queued-message' &&
    typeof item.queue === 'string' &&
    typeof item.written_at === 'number' &&
    typeof message === 'object' &&
    message !== null &&
    typeof message.id === 'string' &&
    message.id !== ''
  );
}

/**
 * The Queue port on SQS standard queues, consumed by Lambda through an SQS event source with
 * `ReportBatchItemFailures`.
 *
 * - `send` is a `SendMessage`; SQS standard queues cannot refuse a repeated id, so a producer
 *   that needs the port's "an id is enqueued once" uses `sendOperation` instead.
 * - `sendOperation` writes the message as a table item in the producer's own transaction (with
 *   the same refusal of a repeated id as the local `StoreQueue`); the stream dispatcher then calls
 *   `relay`, which sends it. Delivery is at-least-once end to end: consumers dedupe by message id.
 * - `handleSqsRecords` is the Lambda side: it turns records into `ReceivedMessage`s, runs the
 *   registered handler and answers with `batchItemFailures`. A failure's `retryAfterSeconds`
 *   becomes a `ChangeMessageVisibility`, so the retry waits that long; receives and the
 *   dead-letter queue are SQS's (`maxReceiveCount` in the redrive policy).
 *
 * @example
 * const queue = new SqsQueue({ client: new SQSClient({}), queueUrls, clock: systemClock, logger });
 * registerDeliveryWorker(queue, deps);
 * export const handler = (event: SQSEvent) => queue.handleSqsRecords('webhook-deliveries', event.Records);
 */
export class SqsQueue implements Queue, TransactionalQueue {
  readonly #client: SQSClient;
  readonly #queueUrls: Record<string, string>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #consumers = new Map<string, Consumer>();
  /** Each queue's dead-letter queue URL, from its redrive policy, looked up once. */
  readonly #deadLetterUrls = new Map<string, Promise<string | undefined>>();

  constructor(options: SqsQueueOptions) {
    this.#client = options.client;
    this.#queueUrls = options.queueUrls;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  async send(queue: string, message: OutgoingMessage): Promise<void> {
    const queueUrl = this.#urlOf(queue);
    checkMessage(message);
    await this.#sendToSqs(queueUrl, message, this.#clock.now(), message.delaySeconds ?? 0);
  }

  /** The write that enqueues `message` with the producer's transaction; refused (condition) if the id is queued already. */
  sendOperation(queue: string, message: OutgoingMessage): WriteOperation {
    this.#urlOf(queue);
    checkMessage(message);
    const now = this.#clock.now();
    const stored: OutgoingMessage = { id: message.id, body: message.body };
    if (message.delaySeconds !== undefined && message.delaySeconds > 0)
      stored.delaySeconds = message.delaySeconds;
    const item: QueuedMessageItem = {
      ...queuedMessageKey(queue, message.id),
      kind: 'queued-message',
      queue,
      message: stored,
      written_at: now,
      expires_at: Math.ceil(now / 1000) + queuedMessageRetentionSeconds,
      gsi1pk: queuedPendingPartition,
      gsi1sk: `${isoTime(now)}#${queue}#${message.id}`,
    };
    return { type: 'put', item, condition: { attributeNotExists: 'pk' } };
  }

  /**
   * Sends a queued-message item (from the table's stream) to its SQS queue. Only the delay still
   * outstanding is applied: the time the item waited in the stream counts against it.
   */
  async relay(item: Item): Promise<void> {
    if (!isQueuedMessageItem(item)) throw new Error(`not a queued message: ${item.pk} / ${item.sk}`);
    const queueUrl = this.#urlOf(item.queue);
    const now = this.#clock.now();
    const elapsedSeconds = Math.max(0, (now - item.written_at) / 1000);
    const remaining = (item.message.delaySeconds ?? 0) - elapsedSeconds;
    await this.#sendToSqs(queueUrl, item.message, item.written_at, remaining);
  }

  consume(queue: string, handler: BatchHandler, options: ConsumeOptions = {}): void {
    if (this.#consumers.has(queue)) throw new Error(`queue "${queue}" already has a consumer`);
    this.#consumers.set(queue, { handler, options });
  }

  /**
   * Runs the consumer of `queue` on one Lambda batch. Returns the SQS message ids to retry; every
   * other record is deleted by the event source. A malformed record is a failure of its own
   * (SQS dead-letters it after `maxReceiveCount`); a handler that throws fails the whole batch.
   */
  async handleSqsRecords(queue: string, records: SQSRecord[]): Promise<SQSBatchResponse> {
    const consumer = this.#consumers.get(queue);
    if (!consumer) throw new Error(`queue "${queue}" has no consumer`);
    const queueUrl = this.#urlOf(queue);
    const failed = new Map<SQSRecord, MessageFailure | undefined>();
    const recordsById = new Map<string, SQSRecord[]>();
    const messages: ReceivedMessage[] = [];

    for (const record of records) {
      const wire = parseWireMessage(record.body);
      if (!wire) {
        this.#logger.error('malformed queue message', { queue, sqs_message_id: record.messageId });
        failed.set(record, undefined);
        continue;
      }
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
      messages.push({
        id: wire.id,
        queue,
        body: wire.body,
        receiveCount: Number.isInteger(receiveCount) && receiveCount > 0 ? receiveCount : 1,
        sentAt: wire.sent_at,
      });
      recordsById.set(wire.id, [...(recordsById.get(wire.id) ?? []), record]);
    }

    if (messages.length > 0) {
      try {
        const result = await consumer.handler(messages);
        for (const failure of result.failures) {
          for (const record of recordsById.get(failure.id) ?? []) failed.set(record, failure);
        }
      } catch (error) {
        this.#logger.error('queue batch handler threw; the whole batch is retried', {
          queue,
          error: describeError(error),
        });
        return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) };
      }
    }

    await Promise.all(
      [...failed].map(([record, failure]) => {
        const delay = failure ? this.#retryDelay(consumer, failure, record) : undefined;
        return delay === undefined ? undefined : this.#delayRetry(queueUrl, record, delay);
      }),
    );
    return {
      batchItemFailures: records
        .filter((record) => failed.has(record))
        .map((record) => ({ itemIdentifier: record.messageId })),
    };
  }

  /** A sample of up to `limit` (at most 100) dead letters: SQS cannot list a queue, only receive from it. */
  async listDeadLetters(queue: string, options: { limit?: number } = {}): Promise<DeadLetterPage> {
    const deadLetterUrl = await this.#deadLetterUrlOf(queue);
    if (!deadLetterUrl) return { messages: [] };
    const limit = Math.min(Math.max(1, options.limit ?? 100), 100);
    const seen = new Map<string, DeadLetter>();
    const hidden: Message[] = [];
    try {
      for (let round = 0; round < maxDeadLetterScanReceives && seen.size < limit; round++) {
        const messages = await this.#receive(deadLetterUrl, Math.min(10, limit - seen.size));
        if (messages.length === 0) break;
        hidden.push(...messages);
        for (const message of messages) seen.set(message.MessageId!, deadLetterOf(queue, message));
      }
    } finally {
      await this.#release(deadLetterUrl, hidden);
    }
    return { messages: [...seen.values()] };
  }

  async readDeadLetter(queue: string, id: string): Promise<DeadLetter | undefined> {
    const deadLetterUrl = await this.#deadLetterUrlOf(queue);
    if (!deadLetterUrl) return undefined;
    const { found, hidden } = await this.#findDeadLetter(deadLetterUrl, id);
    await this.#release(deadLetterUrl, hidden);
    return found ? deadLetterOf(queue, found) : undefined;
  }

  async redriveDeadLetter(queue: string, id: string): Promise<boolean> {
    const deadLetterUrl = await this.#deadLetterUrlOf(queue);
    if (!deadLetterUrl) return false;
    const { found, hidden } = await this.#findDeadLetter(deadLetterUrl, id);
    try {
      if (!found) return false;
      await this.#moveBack(queue, deadLetterUrl, found);
      return true;
    } finally {
      await this.#release(
        deadLetterUrl,
        hidden.filter((message) => message !== found),
      );
    }
  }

  async redriveDeadLetters(queue: string, options: { limit?: number } = {}): Promise<number> {
    const deadLetterUrl = await this.#deadLetterUrlOf(queue);
    if (!deadLetterUrl) return 0;
    let left = Math.min(Math.max(0, options.limit ?? maxRedriveBatch), maxRedriveBatch);
    let moved = 0;
    while (left > 0) {
      const messages = await this.#receive(deadLetterUrl, Math.min(10, left));
      if (messages.length === 0) break;
      for (const message of messages) await this.#moveBack(queue, deadLetterUrl, message);
      moved += messages.length;
      left -= messages.length;
    }
    return moved;
  }

  /** Sends the dead letter's body to its queue as a new message (a fresh receive count), then deletes it from the DLQ. */
  async #moveBack(queue: string, deadLetterUrl: string, message: Message): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#urlOf(queue), MessageBody: message.Body! }),
    );
    await this.#client.send(
      new DeleteMessageCommand({ QueueUrl: deadLetterUrl, ReceiptHandle: message.ReceiptHandle! }),
    );
  }

  /** Looks through the DLQ for the message with port id `id`; what it received stays hidden until released. */
  async #findDeadLetter(
    deadLetterUrl: string,
    id: string,
  ): Promise<{ found: Message | undefined; hidden: Message[] }> {
    const hidden: Message[] = [];
    for (let round = 0; round < maxDeadLetterScanReceives; round++) {
      const messages = await this.#receive(deadLetterUrl, 10);
      if (messages.length === 0) break;
      hidden.push(...messages);
      const found = messages.find((message) => parseWireMessage(message.Body ?? '')?.id === id);
      if (found) return { found, hidden };
    }
    return { found: undefined, hidden };
  }

  #receive(queueUrl: string, maxMessages: number): Promise<Message[]> {
    return this.#client
      .send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: maxMessages,
          VisibilityTimeout: scanVisibilitySeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      )
      .then((output) => output.Messages ?? []);
  }

  /** Makes messages a scan hid visible again at once. */
  async #release(queueUrl: string, messages: Message[]): Promise<void> {
    await Promise.all(
      messages.map((message) =>
        this.#client
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle!,
              VisibilityTimeout: 0,
            }),
          )
          .catch(() => undefined),
      ),
    );
  }

  /** The queue's dead-letter queue, from the redrive policy the CDK app gave it; undefined without one (nothing is ever dead-lettered). */
  #deadLetterUrlOf(queue: string): Promise<string | undefined> {
    const queueUrl = this.#urlOf(queue);
    let url = this.#deadLetterUrls.get(queue);
    if (!url) {
      url = (async () => {
        const attributes = await this.#client.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
        );
        const policy = attributes.Attributes?.RedrivePolicy;
        const arn = policy
          ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
          : undefined;
        // arn:aws:sqs:<region>:<account>:<name>
        const parts = arn?.split(':') ?? [];
        if (parts.length < 6) return undefined;
        const output = await this.#client.send(
          new GetQueueUrlCommand({ QueueName: parts[5], QueueOwnerAWSAccountId: parts[4] }),
        );
        return output.QueueUrl!;
      })();
      // Only a URL is kept: a policy may be given to the queue later.
      const forget = () => void this.#deadLetterUrls.delete(queue);
      url.then((found) => (found ? undefined : forget()), forget);
      this.#deadLetterUrls.set(queue, url);
    }
    return url;
  }

  #retryDelay(consumer: Consumer, failure: MessageFailure, record: SQSRecord): number | undefined {
    if (failure.retryAfterSeconds !== undefined) return failure.retryAfterSeconds;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || 1;
    // Without either, the message reappears when the queue's visibility timeout runs out.
    return consumer.options.retryAfterSeconds?.(receiveCount);
  }

  /** Hides a failed message for `seconds`; if that fails it reappears after the queue's visibility timeout anyway. */
  async #delayRetry(queueUrl: string, record: SQSRecord, seconds: number): Promise<void> {
    const visibility = Math.min(maxSqsVisibilitySeconds, Math.max(0, Math.ceil(seconds)));
    try {
      await this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: visibility,
        }),
      );
    } catch (error) {
      this.#logger.warn('could not delay a queue retry', {
        sqs_message_id: record.messageId,
        error: describeError(error),
      });
    }
  }

  async #sendToSqs(
    queueUrl: string,
    message: OutgoingMessage,
    sentAt: number,
    delaySeconds: number,
  ): Promise<void> {
    const wire: WireMessage = { id: message.id, body: message.body, sent_at: sentAt };
    const delay = Math.min(maxSqsDelaySeconds, Math.max(0, Math.ceil(delaySeconds)));
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(wire),
        ...(delay > 0 ? { DelaySeconds: delay } : {}),
      }),
    );
  }

  #urlOf(queue: string): string {
    const url = Object.hasOwn(this.#queueUrls, queue) ? this.#queueUrls[queue] : undefined;
    if (!url) throw new Error(`unknown queue "${queue}"`);
    return url;
  }
}

function checkMessage(message: OutgoingMessage): void {
  if (typeof message.id !== 'string' || message.id === '') throw new Error('a message needs an id');
}

function parseWireMessage(text: string): WireMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, body, sent_at: sentAt } = value as Partial<WireMessage>;
  if (typeof id !== 'string' || id === '' || typeof sentAt !== 'number' || !Number.isFinite(sentAt))
    return undefined;
  return { id, body, sent_at: sentAt };
}

function deadLetterOf(queue: string, message: Message): DeadLetter {
  const wire = parseWireMessage(message.Body ?? '');
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    id: wire?.id ?? message.MessageId!,
    queue,
    body: wire ? wire.body : (message.Body ?? null),
    receiveCount: Number.isInteger(receiveCount) ? receiveCount : 0,
    sentAt: wire?.sent_at ?? Number(message.Attributes?.SentTimestamp ?? 0),
    deadAt: null,
    lastError: null,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
