import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  perMessage,
  type BatchHandler,
  type ConsumeOptions,
  type Queue,
  type ReceivedMessage,
  type TransactionalQueue,
} from './queue.ts';
import { TransactionCanceledError, type Store } from './store.ts';
import { rejectionOf } from './store-contract.ts';

/** The queue names a `QueueUnderTest` must serve; each test starts with both empty. */
export const contractQueues = ['jobs', 'other'] as const;
export type ContractQueue = (typeof contractQueues)[number];

export interface QueueUnderTest {
  queue: Queue;
  /** Where producers enqueue inside their own store transaction, when the adapter offers it. */
  transactional?: { queue: TransactionalQueue; store: Store };
  /** The adapter's clock, ms since the epoch (`sentAt` is read from it). */
  now(): number;
  /**
   * Hands every message due now to its consumer and records the outcomes, round after round,
   * until a round finds nothing due: what the runtime's poller or SQS event source does.
   */
  deliver(): Promise<void>;
  /** Lets `seconds` pass: a manual clock moved, or real time waited for a real server. */
  wait(seconds: number): Promise<void>;
  /**
   * A consumer of `queue` takes the messages due now and dies before settling them (a crashed
   * process, a Lambda that timed out): nothing acknowledges or fails them.
   */
  abandon(queue: ContractQueue): Promise<void>;
  /** The ids of the messages `queue` has dead-lettered, sorted. */
  deadLetters(queue: ContractQueue): Promise<string[]>;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `Queue` adapter must show, as one vitest suite: at-least-once delivery with
 * receive counts, delays, visibility timeouts after a consumer dies, retries after the delay a
 * failure names (or the consumer's default, or the visibility timeout), partial batch failures,
 * batch sizes and dead-lettering after `maxReceives`; and for a `TransactionalQueue`, messages
 * that commit or fail with the producer's transaction. Each test gets fresh, empty queues from
 * `makeQueue`. Delays are whole seconds and short, since a real server is waited for in real time.
 * That a message is still held back is checked only while the adapter's clock says its hold has
 * not run out (see `deliverWhileHeld`), so a slow machine cannot fail the suite; on a manual clock,
 * which stands still while the test works, every such check runs.
 *
 * @example
 * runQueueContract('StoreQueue', async () => storeQueueUnderTest());
 */
export function runQueueContract(name: string, makeQueue: () => Promise<QueueUnderTest>): void {
  describe(`Queue contract: ${name}`, () => {
    let subject: QueueUnderTest;
    beforeEach(async () => {
      subject = await makeQueue();
    });
    afterEach(async () => {
      await subject.cleanup?.();
    });

    /** Consumes `queue` with a per-message handler, recording every delivery. */
    function consume(
      queue: ContractQueue,
      options: ConsumeOptions,
      outcome: (message: ReceivedMessage) => ReturnType<Parameters<typeof perMessage>[0]> = async () => {},
    ) {
      const seen: ReceivedMessage[] = [];
      subject.queue.consume(
        queue,
        perMessage(async (message) => {
          seen.push(message);
          return outcome(message);
        }),
        options,
      );
      return {
        seen,
        receipts: () => seen.map((message) => `${message.id}#${message.receiveCount}`).toSorted(),
      };
    }

    /**
     * Delivers, then expects `receipts()` to equal `expected` — a message still held back — if the
     * delivery ended before `heldUntil` (ms on the adapter's clock, read before the hold began, so
     * never later than its true end). Past it the message may rightly have been handed out, and the
     * check would prove nothing: with real time that happens when a loaded machine is slow, so the
     * check is left out rather than failed. A manual clock does not move while delivering.
     */
    async function deliverWhileHeld(heldUntil: number, receipts: () => string[], expected: string[]) {
      await subject.deliver();
      if (subject.now() < heldUntil) expect(receipts()).toEqual(expected);
    }

    it('delivers each message with its id, body, receive count and send time, and never again once acknowledged', async () => {
      const { seen } = consume('jobs', { visibilityTimeoutSeconds: 1 });
      const before = subject.now();
      await subject.queue.send('jobs', {
        id: 'm1',
        body: { delivery_id: 'del_1', nested: { list: [1, 'two', null, true] } },
      });
      await subject.queue.send('jobs', { id: 'm2', body: 'plain text' });
      const after = subject.now();
      await subject.deliver();

      expect(seen.toSorted((a, b) => a.id.localeCompare(b.id))).toEqual([
        {
          id: 'm1',
          queue: 'jobs',
          body: { delivery_id: 'del_1', nested: { list: [1, 'two', null, true] } },
          receiveCount: 1,
          sentAt: expect.any(Number),
        },
        { id: 'm2', queue: 'jobs', body: 'plain text', receiveCount: 1, sentAt: expect.any(Number) },
      ]);
      for (const message of seen) {
        expect(message.sentAt).toBeGreaterThanOrEqual(before);
        expect(message.sentAt).toBeLessThanOrEqual(after);
      }
      await subject.wait(1);
      await subject.deliver();
      expect(seen).toHaveLength(2);
      expect(await subject.deadLetters('jobs')).toEqual([]);
    });

    it('hands a message only to the consumer of its own queue', async () => {
      const jobs = consume('jobs', {});
      const other = consume('other', {});
      await subject.queue.send('other', { id: 'o1', body: {} });
      await subject.deliver();
      expect(jobs.seen).toEqual([]);
      expect(other.receipts()).toEqual(['o1#1']);
    });

    // Each hold below is checked by the delivery right as it begins (a last round that finds nothing
    // due, well within the hold even with real time), one second before it ends (exact on a manual
    // clock) and once it has ended.

    it('holds a delayed message until its delay has passed', async () => {
      const { receipts } = consume('jobs', {});
      const delaySeconds = 3;
      const heldUntil = subject.now() + delaySeconds * 1000;
      await subject.queue.send('jobs', { id: 'later', body: {}, delaySeconds });
      await subject.queue.send('jobs', { id: 'now', body: {} });
      await deliverWhileHeld(heldUntil, receipts, ['now#1']);
      await subject.wait(delaySeconds - 1);
      await deliverWhileHeld(heldUntil, receipts, ['now#1']);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['later#1', 'now#1']);
    });

    it('hands a message out again, counting the receive, once a consumer that died holding it has timed out', async () => {
      const visibilityTimeoutSeconds = 3;
      const { receipts } = consume('jobs', { visibilityTimeoutSeconds });
      await subject.queue.send('jobs', { id: 'm', body: {} });
      const heldUntil = subject.now() + visibilityTimeoutSeconds * 1000;
      await subject.abandon('jobs');
      await deliverWhileHeld(heldUntil, receipts, []);
      await subject.wait(visibilityTimeoutSeconds - 1);
      await deliverWhileHeld(heldUntil, receipts, []);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['m#2']);
    });

    it('retries a failed message after the delay the failure names', async () => {
      const retryAfterSeconds = 3;
      const { receipts } = consume('jobs', { visibilityTimeoutSeconds: 60 }, async (message) =>
        message.receiveCount === 1 ? { retryAfterSeconds } : undefined,
      );
      await subject.queue.send('jobs', { id: 'm', body: {} });
      const heldUntil = subject.now() + retryAfterSeconds * 1000;
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(retryAfterSeconds - 1);
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['m#1', 'm#2']);
      await subject.wait(retryAfterSeconds);
      await subject.deliver();
      expect(receipts()).toEqual(['m#1', 'm#2']);
    });

    it('retries a failure that names no delay after the consumer’s default delay for its receive count', async () => {
      const { receipts } = consume(
        'jobs',
        { visibilityTimeoutSeconds: 60, retryAfterSeconds: (receiveCount) => receiveCount * 3 },
        async (message) => {
          if (message.receiveCount === 1) throw new Error('provider down');
        },
      );
      await subject.queue.send('jobs', { id: 'm', body: {} });
      const heldUntil = subject.now() + 3 * 1000;
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(2);
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['m#1', 'm#2']);
    });

    it('retries a failure after the visibility timeout when neither the failure nor the consumer names a delay', async () => {
      const visibilityTimeoutSeconds = 3;
      const { receipts } = consume('jobs', { visibilityTimeoutSeconds }, async (message) => {
        if (message.receiveCount === 1) throw new Error('provider down');
      });
      await subject.queue.send('jobs', { id: 'm', body: {} });
      const heldUntil = subject.now() + visibilityTimeoutSeconds * 1000;
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(visibilityTimeoutSeconds - 1);
      await deliverWhileHeld(heldUntil, receipts, ['m#1']);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['m#1', 'm#2']);
    });

    it('acknowledges the successes of a batch and retries only the messages it reports failed', async () => {
      const batches: string[][] = [];
      let isFirstCall = true;
      const handler: BatchHandler = async (messages) => {
        batches.push(messages.map((message) => `${message.id}#${message.receiveCount}`).toSorted());
        const failures = isFirstCall
          ? messages
              .filter((message) => message.id === 'b')
              .map((message) => ({ id: message.id, retryAfterSeconds: 1 }))
          : [];
        isFirstCall = false;
        return { failures };
      };
      subject.queue.consume('jobs', handler, { visibilityTimeoutSeconds: 60 });
      for (const id of ['a', 'b', 'c']) await subject.queue.send('jobs', { id, body: {} });
      await subject.deliver();
      expect(batches).toEqual([['a#1', 'b#1', 'c#1']]);
      await subject.wait(1);
      await subject.deliver();
      expect(batches).toEqual([['a#1', 'b#1', 'c#1'], ['b#2']]);
      expect(await subject.deadLetters('jobs')).toEqual([]);
    });

    it('retries every message of a batch whose handler throws', async () => {
      const batches: string[][] = [];
      subject.queue.consume(
        'jobs',
        async (messages) => {
          batches.push(messages.map((message) => `${message.id}#${message.receiveCount}`).toSorted());
          if (batches.length === 1) throw new Error('database down');
          return { failures: [] };
        },
        { visibilityTimeoutSeconds: 1 },
      );
      for (const id of ['a', 'b', 'c']) await subject.queue.send('jobs', { id, body: {} });
      await subject.deliver();
      await subject.wait(1);
      await subject.deliver();
      expect(batches).toEqual([
        ['a#1', 'b#1', 'c#1'],
        ['a#2', 'b#2', 'c#2'],
      ]);
    });

    it('hands a handler at most batchSize messages at a time', async () => {
      const sizes: number[] = [];
      const handled: string[] = [];
      subject.queue.consume(
        'jobs',
        async (messages) => {
          sizes.push(messages.length);
          handled.push(...messages.map((message) => message.id));
          return { failures: [] };
        },
        { batchSize: 2 },
      );
      for (const id of ['a', 'b', 'c', 'd', 'e']) await subject.queue.send('jobs', { id, body: {} });
      await subject.deliver();
      expect(handled.toSorted()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    });

    it('dead-letters a message that failed maxReceives times, and hands it out no more', async () => {
      const { receipts } = consume(
        'jobs',
        { visibilityTimeoutSeconds: 1, maxReceives: 2 },
        async (message) => {
          if (message.id === 'poison') throw new Error('always broken');
        },
      );
      await subject.queue.send('jobs', { id: 'poison', body: {} });
      await subject.queue.send('jobs', { id: 'fine', body: {} });
      for (let round = 0; round < 2; round++) {
        await subject.deliver();
        await subject.wait(1);
      }
      await subject.deliver();
      expect(receipts()).toEqual(['fine#1', 'poison#1', 'poison#2']);
      expect(await subject.deadLetters('jobs')).toEqual(['poison']);
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual(['fine#1', 'poison#1', 'poison#2']);
    });

    it('dead-letters a message whose consumers kept dying, once it has been received maxReceives times', async () => {
      const { receipts } = consume('jobs', { visibilityTimeoutSeconds: 1, maxReceives: 2 });
      await subject.queue.send('jobs', { id: 'm', body: {} });
      await subject.abandon('jobs');
      await subject.wait(1);
      await subject.abandon('jobs');
      await subject.wait(1);
      await subject.deliver();
      expect(receipts()).toEqual([]);
      expect(await subject.deadLetters('jobs')).toEqual(['m']);
    });

    describe('dead letters', () => {
      /** A consumer of `queue` that fails the ids in `broken` (until they are taken out) and records every delivery. */
      function consumeBreaking(queue: ContractQueue, broken: Set<string>) {
        return consume(queue, { visibilityTimeoutSeconds: 1, maxReceives: 1 }, async (message) => {
          if (broken.has(message.id)) throw new Error(`${message.id} is broken`);
        });
      }
      /** One failed receive, then the one that dead-letters it (SQS moves a message on the receive after its last). */
      async function failUntilDead(): Promise<void> {
        await subject.deliver();
        await subject.wait(1);
        await subject.deliver();
      }

      it('lists and shows a dead letter with its body; once fixed and redriven it is consumed once more, with a fresh receive count', async () => {
        const broken = new Set(['poison']);
        const { receipts } = consumeBreaking('jobs', broken);
        await subject.queue.send('jobs', { id: 'poison', body: { order: 7 } });
        await failUntilDead();
        expect(receipts()).toEqual(['poison#1']);

        const { messages } = await subject.queue.listDeadLetters('jobs');
        expect(messages.map((message) => [message.id, message.queue, message.body])).toEqual([
          ['poison', 'jobs', { order: 7 }],
        ]);
        const shown = await subject.queue.readDeadLetter('jobs', 'poison');
        expect(shown).toMatchObject({ id: 'poison', queue: 'jobs', body: { order: 7 } });
        expect(shown!.receiveCount).toBeGreaterThanOrEqual(1);
        expect(await subject.queue.readDeadLetter('jobs', 'unknown')).toBeUndefined();
        expect(await subject.queue.readDeadLetter('other', 'poison')).toBeUndefined();

        broken.delete('poison');
        expect(await subject.queue.redriveDeadLetter('jobs', 'poison')).toBe(true);
        await subject.deliver();
        expect(receipts()).toEqual(['poison#1', 'poison#1']);
        expect(await subject.deadLetters('jobs')).toEqual([]);
        expect(await subject.queue.redriveDeadLetter('jobs', 'poison')).toBe(false);
        await subject.wait(1);
        await subject.deliver();
        expect(receipts()).toEqual(['poison#1', 'poison#1']);
      });

      it('redrives every dead letter of one queue and leaves the other queue’s alone', async () => {
        const broken = new Set(['a', 'b', 'c']);
        const jobs = consumeBreaking('jobs', broken);
        consumeBreaking('other', broken);
        await subject.queue.send('jobs', { id: 'a', body: {} });
        await subject.queue.send('jobs', { id: 'b', body: {} });
        await subject.queue.send('other', { id: 'c', body: {} });
        await failUntilDead();
        expect(await subject.deadLetters('jobs')).toEqual(['a', 'b']);

        broken.clear();
        expect(await subject.queue.redriveDeadLetters('jobs')).toBe(2);
        await subject.deliver();
        expect(jobs.receipts()).toEqual(['a#1', 'a#1', 'b#1', 'b#1']);
        expect(await subject.deadLetters('jobs')).toEqual([]);
        expect(await subject.deadLetters('other')).toEqual(['c']);
        expect(await subject.queue.redriveDeadLetters('jobs')).toBe(0);
      });
    });

    describe('TransactionalQueue', () => {
      const transactional = () => {
        if (!subject.transactional)
          throw new Error(`${name} offers no TransactionalQueue: pass \`transactional\``);
        return subject.transactional;
      };

      it('enqueues a message with the producer’s own writes, delivered once committed', async () => {
        const { queue, store } = transactional();
        const { seen } = consume('jobs', {});
        await store.transact([
          { type: 'put', item: { pk: 'DELIVERY#d1', sk: 'D', status: 'pending' } },
          queue.sendOperation('jobs', { id: 'd1', body: { delivery_id: 'd1' } }),
        ]);
        await subject.deliver();
        expect(seen.map((message) => [message.id, message.body, message.receiveCount])).toEqual([
          ['d1', { delivery_id: 'd1' }, 1],
        ]);
        expect(await store.get({ pk: 'DELIVERY#d1', sk: 'D' })).toMatchObject({ status: 'pending' });
      });

      it('enqueues nothing when the producer’s transaction fails', async () => {
        const { queue, store } = transactional();
        const { seen } = consume('jobs', {});
        await store.transact([{ type: 'put', item: { pk: 'DELIVERY#d2', sk: 'D' } }]);
        const error = await rejectionOf(
          store.transact([
            { type: 'put', item: { pk: 'DELIVERY#d2', sk: 'D' }, condition: { attributeNotExists: 'pk' } },
            queue.sendOperation('jobs', { id: 'd2', body: {} }),
          ]),
        );
        expect(error).toBeInstanceOf(TransactionCanceledError);
        await subject.deliver();
        expect(seen).toEqual([]);
      });

      it('refuses a message id already queued, and the producer’s transaction with it', async () => {
        const { queue, store } = transactional();
        const { seen } = consume('jobs', {});
        await store.transact([queue.sendOperation('jobs', { id: 'd3', body: { first: true } })]);
        const error = await rejectionOf(
          store.transact([
            { type: 'put', item: { pk: 'OTHER#d3', sk: 'X' } },
            queue.sendOperation('jobs', { id: 'd3', body: { first: false } }),
          ]),
        );
        expect(error).toBeInstanceOf(TransactionCanceledError);
        expect((error as TransactionCanceledError).reasonAt(1)).toBeDefined();
        expect(await store.get({ pk: 'OTHER#d3', sk: 'X' })).toBeUndefined();
        await subject.deliver();
        expect(seen.map((message) => [message.id, message.body])).toEqual([['d3', { first: true }]]);
      });
    });
  });
}
