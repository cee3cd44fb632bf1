import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { perMessage, type ReceivedMessage } from '../../platform/queue.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreQueue } from './store-queue.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function setup(store = new SqliteStore(':memory:'), clock = new ManualClock()) {
  return { store, clock, queue: new StoreQueue({ store, clock, logger: silentLogger, pollIntervalMs: 5 }) };
}

describe('StoreQueue', () => {
  it('delivers each message and deletes it once acknowledged', async () => {
    const { queue, store } = setup();
    const seen: ReceivedMessage[] = [];
    queue.consume(
      'jobs',
      perMessage(async (message) => {
        seen.push(message);
      }),
    );
    await queue.send('jobs', { id: 'm1', body: { n: 1 } });
    await queue.send('jobs', { id: 'm2', body: { n: 2 } });
    await queue.drain();
    expect(seen.map((m) => [m.id, m.body, m.receiveCount])).toEqual([
      ['m1', { n: 1 }, 1],
      ['m2', { n: 2 }, 1],
    ]);
    expect(await store.get({ pk: 'QUEUE#jobs#m1', sk: 'MSG' })).toBeUndefined();
    await store.close();
  });

  it('refuses a second message with the same id', async () => {
    const { queue, store } = setup();
    await queue.send('jobs', { id: 'm1', body: 1 });
    await expect(queue.send('jobs', { id: 'm1', body: 2 })).rejects.toThrow();
    await store.close();
  });

  it('holds a delayed message until its delay has passed', async () => {
    const { queue, clock, store } = setup();
    const seen: string[] = [];
    queue.consume(
      'jobs',
      perMessage(async (message) => {
        seen.push(message.id);
      }),
    );
    await queue.send('jobs', { id: 'later', body: null, delaySeconds: 30 });
    await queue.drain();
    expect(seen).toEqual([]);
    clock.advance(30_000);
    await queue.drain();
    expect(seen).toEqual(['later']);
    await store.close();
  });

  it('redelivers a failed message with a growing receive count, after its retry delay', async () => {
    const { queue, clock, store } = setup();
    const counts: number[] = [];
    queue.consume(
      'jobs',
      perMessage(async (message) => {
        counts.push(message.receiveCount);
        if (message.receiveCount < 3) return { retryAfterSeconds: 10 };
      }),
      { maxReceives: 5 },
    );
    await queue.send('jobs', { id: 'm', body: null });
    await queue.drain();
    expect(counts).toEqual([1]);
    clock.advance(9_999);
    await queue.drain();
    expect(counts).toEqual([1]);
    clock.advance(1);
    await queue.drain();
    clock.advance(10_000);
    await queue.drain();
    expect(counts).toEqual([1, 2, 3]);
    expect(await store.get({ pk: 'QUEUE#jobs#m', sk: 'MSG' })).toBeUndefined();
    await store.close();
  });

  it('dead-letters a message after maxReceives failures and can redrive it', async () => {
    const { queue, clock, store } = setup();
    let calls = 0;
    let succeed = false;
    queue.consume(
      'jobs',
      perMessage(async () => {
        calls++;
        if (!succeed) throw new Error('boom');
      }),
      { maxReceives: 3, retryAfterSeconds: () => 1 },
    );
    await queue.send('jobs', { id: 'm', body: null });
    for (let i = 0; i < 5; i++) {
      await queue.drain();
      clock.advance(1000);
    }
    expect(calls).toBe(3);
    const dead = await queue.listDead('jobs');
    expect(dead.items.map((item) => [item.message_id, item.receive_count, item.last_error])).toEqual([
      ['m', 3, 'boom'],
    ]);
    succeed = true;
    expect(await queue.redrive('jobs', 'm')).toBe(true);
    await queue.drain();
    expect(calls).toBe(4);
    expect((await queue.listDead('jobs')).items).toEqual([]);
    await store.close();
  });

  it('redelivers a message whose consumer never settled it once the visibility timeout passes', async () => {
    const { queue, clock, store } = setup();
    const counts: number[] = [];
    let hang = true;
    queue.consume(
      'jobs',
      async (messages) => {
        counts.push(...messages.map((m) => m.receiveCount));
        if (hang) throw new Error('crash'); // the outcome is recorded as a failure with the default retry: the visibility timeout
        return { failures: [] };
      },
      { visibilityTimeoutSeconds: 30 },
    );
    await queue.send('jobs', { id: 'm', body: null });
    await queue.drain();
    hang = false;
    clock.advance(29_000);
    await queue.drain();
    expect(counts).toEqual([1]);
    clock.advance(1_000);
    await queue.drain();
    expect(counts).toEqual([1, 2]);
    await store.close();
  });

  it('retries only the failed messages of a batch', async () => {
    const { queue, clock, store } = setup();
    const seen: string[] = [];
    let first = true;
    queue.consume('jobs', async (messages) => {
      seen.push(...messages.map((m) => m.id));
      const failures = first ? [{ id: 'b', retryAfterSeconds: 1 }] : [];
      first = false;
      return { failures };
    });
    for (const id of ['a', 'b', 'c']) await queue.send('jobs', { id, body: null });
    await queue.drain();
    clock.advance(1000);
    await queue.drain();
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
    await store.close();
  });

  it('enqueues in the same transaction as the producer writes', async () => {
    const { queue, store } = setup();
    const seen: unknown[] = [];
    queue.consume(
      'jobs',
      perMessage(async (message) => {
        seen.push(message.body);
      }),
    );
    await store.transact([
      { type: 'put', item: { pk: 'ORDER#1', sk: 'ORDER' } },
      queue.sendOperation('jobs', { id: 'order-1', body: { order: 1 } }),
    ]);
    await expect(
      store.transact([
        { type: 'put', item: { pk: 'ORDER#1', sk: 'ORDER' }, condition: { attributeNotExists: 'pk' } },
        queue.sendOperation('jobs', { id: 'order-1-again', body: {} }),
      ]),
    ).rejects.toThrow();
    await queue.drain();
    expect(seen).toEqual([{ order: 1 }]);
    await store.close();
  });

  it('loses nothing across a restart on the same SQLite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-queue-'));
    dirs.push(dir);
    const path = join(dir, 'q.db');
    const clock = new ManualClock();
    const first = setup(new SqliteStore(path), clock);
    for (let i = 0; i < 20; i++)
      await first.queue.send('jobs', { id: `m${String(i).padStart(2, '0')}`, body: i, delaySeconds: i % 2 });
    let processed = 0;
    first.queue.consume(
      'jobs',
      async (messages) => {
        processed += messages.length;
        return {
          failures: messages
            .filter((m) => Number(m.body) % 3 === 0)
            .map((m) => ({ id: m.id, retryAfterSeconds: 5 })),
        };
      },
      { batchSize: 4 },
    );
    await first.queue.pollOnce();
    expect(processed).toBe(4);
    await first.store.close();

    const second = setup(new SqliteStore(path), clock);
    const seen = new Set<unknown>();
    second.queue.consume(
      'jobs',
      perMessage(async (message) => {
        seen.add(message.body);
      }),
    );
    clock.advance(5_000);
    await second.queue.drain();
    // Every message the first process did not acknowledge arrives: the failed ones and the untouched ones.
    const acknowledged = [0, 2, 4, 6].filter((n) => n % 3 !== 0);
    for (let i = 0; i < 20; i++) if (!acknowledged.includes(i)) expect(seen.has(i)).toBe(true);
    await second.store.close();
  });

  it('never hands one message to two concurrent consumers', async () => {
    const store = new SqliteStore(':memory:');
    const clock = new ManualClock();
    const consumers = [0, 1, 2].map(
      () => new StoreQueue({ store, clock, logger: silentLogger, pollIntervalMs: 1 }),
    );
    const active = new Set<string>();
    const handled: string[] = [];
    let overlaps = 0;
    for (const consumer of consumers) {
      consumer.consume(
        'jobs',
        perMessage(async (message) => {
          if (active.has(message.id)) overlaps++;
          active.add(message.id);
          await new Promise((resolve) => setTimeout(resolve, 2));
          active.delete(message.id);
          handled.push(message.id);
        }),
        { batchSize: 3 },
      );
    }
    for (let i = 0; i < 60; i++) await consumers[0]!.send('jobs', { id: `m${i}`, body: i });
    await Promise.all(consumers.map((consumer) => consumer.drain()));
    expect(overlaps).toBe(0);
    expect(handled.length).toBe(60);
    expect(new Set(handled).size).toBe(60);
    await store.close();
  });

  it('polls in the background between start and stop', async () => {
    const { queue, store } = setup();
    const seen: string[] = [];
    queue.consume(
      'jobs',
      perMessage(async (message) => {
        seen.push(message.id);
      }),
    );
    queue.start();
    await queue.send('jobs', { id: 'bg', body: null });
    await expect.poll(() => seen, { timeout: 2000 }).toEqual(['bg']);
    await queue.stop();
    await store.close();
  });
});
