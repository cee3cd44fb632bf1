import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { InProcessBus } from './bus.ts';
import { keyMatchesPattern, platformKeyPatterns } from './keys.ts';
import type { Logger } from './logger.ts';
import {
  eventKey,
  outboxBacklog,
  outboxBucket,
  outboxBucketCount,
  outboxCheckpointKey,
  outboxEventsBetween,
  outboxPendingPartition,
  outboxPut,
  outboxRetryPrefix,
} from './outbox.ts';
import {
  outboxFailedPartition,
  OutboxDispatcher,
  outboxRetrySortKey,
  type OutboxDispatcherOptions,
} from './outbox-dispatcher.ts';
import type { Item, Store, WriteOperation } from './store.ts';

let store: SqliteStore;
let clock: ManualClock;
let bus: InProcessBus;
let logger: Record<keyof Logger, Mock<Logger['info']>>;
/** What the dispatcher itself wrote, transaction by transaction. */
let dispatcherWrites: WriteOperation[][];

beforeEach(() => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock();
  bus = new InProcessBus();
  logger = { info: vi.fn<Logger['info']>(), warn: vi.fn<Logger['warn']>(), error: vi.fn<Logger['error']>() };
  dispatcherWrites = [];
});

afterEach(async () => {
  await store.close();
});

/** A dispatcher on `store` whose own writes are recorded, and the store the app writes through. */
function outboxOf(options: Partial<OutboxDispatcherOptions> = {}) {
  const own: Store = {
    get: (key) => store.get(key),
    query: (query) => store.query(query),
    transact: async (operations) => {
      dispatcherWrites.push(operations);
      return store.transact(operations);
    },
    close: async () => {},
    consistentIndexes: true,
  };
  const dispatcher = new OutboxDispatcher({ store: own, bus, clock, logger, ...options });
  return { dispatcher, app: dispatcher.watch(store) };
}

function transferCreated(data: Record<string, unknown> = { amount: 1500, currency: 'USD' }): EventEnvelope {
  return createEvent({
    type: 'transfer.created',
    source: 'sluice.ledger',
    subject: 'tr_test',
    data,
    now: clock.now(),
  });
}

/** Writes `event` the way services do: in the same transaction as the change it reports. */
async function commitWithEvent(app: Store, event: EventEnvelope) {
  await app.transact([
    { type: 'put', item: { pk: `TR#${event.id}`, sk: 'TR', amount: 1500 } },
    outboxPut(event),
  ]);
}

async function outboxItem(event: EventEnvelope) {
  return (await store.get(eventKey(event.id)))!;
}

async function retryRecord(event: EventEnvelope) {
  return store.get({ pk: eventKey(event.id).pk, sk: outboxRetrySortKey });
}

async function retryIds(): Promise<string[]> {
  const { items } = await store.query({
    index: 'gsi1',
    partition: outboxPendingPartition,
    sort: { op: 'begins_with', value: outboxRetryPrefix },
  });
  return items.map((item) => (item.event as EventEnvelope).id);
}

/** The writes the dispatcher made other than its checkpoint. */
function eventWrites(): WriteOperation[] {
  return dispatcherWrites.flat().filter((op) => {
    const key = op.type === 'put' ? op.item : op.key;
    return key.pk !== outboxCheckpointKey.pk;
  });
}

/** A handler that fails its first `failures` calls, then succeeds. */
function flaky(failures: number) {
  let calls = 0;
  return vi.fn(async () => {
    calls += 1;
    if (calls <= failures) throw new Error(`failure ${calls}`);
  });
}

describe('outboxPut', () => {
  it('writes one item, in a time bucket of its minute spread over outboxBucketCount partitions, expiring after the retention', () => {
    const event = transferCreated();
    const put = outboxPut(event, { retentionSeconds: 3600 });
    expect(put).toMatchObject({
      type: 'put',
      item: {
        pk: `EVT#${event.id}`,
        sk: 'EVT',
        gsi1pk: expect.stringMatching(/^OUTBOX#202601010000#\d{1,2}$/),
        gsi1sk: event.id,
        expires_at: Date.UTC(2026, 0, 1) / 1000 + 3600,
      },
    });
    const partition = (put as { item: Item }).item.gsi1pk as string;
    expect(platformKeyPatterns.some((pattern) => keyMatchesPattern(partition, pattern))).toBe(true);

    // 6,400 events of one minute: every one of the 32 partitions takes about a 32nd.
    expect(outboxBucketCount).toBe(32);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6400; i++) {
      const bucket = outboxBucket(transferCreated());
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    expect(counts.size).toBe(32);
    expect(Math.max(...counts.values())).toBeLessThan(6400 / 32 + 60);
  });
});

describe('OutboxDispatcher', () => {
  it('publishes an event committed through watch() without writing anything for it', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('ledger.audit', { type: ['transfer.created'] }, handler);
    const { dispatcher, app } = outboxOf({ eventRetentionSeconds: 3600 });
    await dispatcher.open();
    const event = transferCreated();
    await commitWithEvent(app, event);

    const summary = await dispatcher.drain();

    expect(summary).toEqual({ attempted: 1, dispatched: 1, retrying: 0, parked: 0 });
    expect(handler).toHaveBeenCalledExactlyOnceWith(event);
    expect(eventWrites()).toEqual([]);
    // The item is as the transaction wrote it, with the configured retention stamped on.
    const item = await outboxItem(event);
    expect(item).toMatchObject({ event, gsi1pk: outboxBucket(event), gsi1sk: event.id });
    expect(item.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
    expect(item.dispatched_at).toBeUndefined();
    expect(await outboxEventsBetween(store, clock.now() - 60_000, clock.now())).toEqual([event]);
  });

  it('hands events over in commit order, and none of a transaction that failed', async () => {
    const handled: string[] = [];
    bus.subscribe('all', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const { dispatcher, app } = outboxOf();
    const first = transferCreated();
    const second = transferCreated();
    const refused = transferCreated();
    await commitWithEvent(app, second);
    await commitWithEvent(app, first);
    await expect(
      app.transact([
        { type: 'put', item: { pk: `TR#${second.id}`, sk: 'TR' }, condition: { attributeNotExists: 'pk' } },
        outboxPut(refused),
      ]),
    ).rejects.toThrow();

    await dispatcher.drain();

    expect(handled).toEqual([second.id, first.id]);
    expect(await store.get(eventKey(refused.id))).toBeUndefined();
  });

  it('hands over the events of a transaction that failed after committing (a lost answer)', async () => {
    const handled: string[] = [];
    bus.subscribe('all', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const { dispatcher } = outboxOf();
    const lostAnswer: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      close: async () => {},
      transact: async (operations) => {
        await store.transact(operations);
        throw new Error('connection reset');
      },
    };
    const app = dispatcher.watch(lostAnswer);
    const event = transferCreated();
    await expect(commitWithEvent(app, event)).rejects.toThrow('connection reset');

    await vi.waitFor(async () => expect((await dispatcher.drain()).attempted).toBe(1));
    expect(handled).toEqual([event.id]);
  });

  it('routes each event to the subscribers whose patterns match it', async () => {
    const usd = vi.fn(async () => {});
    const large = vi.fn(async () => {});
    const payments = vi.fn(async () => {});
    bus.subscribe('usd', { type: ['transfer.created'], data: { currency: ['USD'] } }, usd);
    bus.subscribe('large', { data: { amount: [{ numeric: ['>=', 100_000] }] } }, large);
    bus.subscribe('payments', { type: [{ prefix: 'payment.' }] }, payments);
    const { dispatcher, app } = outboxOf();
    const small = transferCreated({ amount: 500, currency: 'USD' });
    const big = transferCreated({ amount: 250_000, currency: 'EUR' });
    await commitWithEvent(app, small);
    await commitWithEvent(app, big);

    expect(await dispatcher.drain()).toMatchObject({ attempted: 2, dispatched: 2 });

    expect(usd.mock.calls).toEqual([[small]]);
    expect(large.mock.calls).toEqual([[big]]);
    expect(payments).not.toHaveBeenCalled();
  });

  it('retries only the subscriber that failed, from a retry record, once its backoff is due', async () => {
    const steady = vi.fn(async () => {});
    const webhooks = flaky(1);
    bus.subscribe('realtime', { type: ['transfer.created'] }, steady);
    bus.subscribe('webhooks', { type: ['transfer.created'] }, webhooks);
    const { dispatcher, app } = outboxOf();
    const event = transferCreated();
    await commitWithEvent(app, event);

    expect(await dispatcher.drain()).toEqual({ attempted: 1, dispatched: 0, retrying: 1, parked: 0 });
    expect(await retryRecord(event)).toMatchObject({
      event,
      attempts: 1,
      delivered_to: ['realtime'],
      failed_subscribers: ['webhooks'],
      last_error: 'webhooks: failure 1',
      next_attempt_at: '2026-01-01T00:00:01.000Z',
      gsi1pk: outboxPendingPartition,
    });
    expect((await retryRecord(event))!.expires_at).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'outbox delivery failed, will retry',
      expect.objectContaining({ event_id: event.id }),
    );

    clock.advance(999);
    expect(await dispatcher.drain()).toMatchObject({ attempted: 0 });
    expect(webhooks).toHaveBeenCalledTimes(1);

    clock.advance(1);
    expect(await dispatcher.drain()).toMatchObject({ attempted: 1, dispatched: 1 });
    expect(webhooks).toHaveBeenCalledTimes(2);
    expect(steady).toHaveBeenCalledTimes(1);
    // Delivered: the retry record goes; the event's record was never touched.
    expect(await retryRecord(event)).toBeUndefined();
    expect(await retryIds()).toEqual([]);
    expect((await outboxItem(event)).dispatched_at).toBeUndefined();
  });

  it('doubles the delay after each failed attempt', async () => {
    bus.subscribe('down', { type: ['transfer.created'] }, flaky(Number.POSITIVE_INFINITY));
    const { dispatcher, app } = outboxOf();
    const event = transferCreated();
    await commitWithEvent(app, event);
    const start = clock.now();

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await dispatcher.drain();
      const due = Date.parse(String((await retryRecord(event))!.next_attempt_at));
      delays.push(due - clock.now());
      clock.set(due);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(clock.now() - start).toBe(15_000);
  });

  it('parks an event in OUTBOX#FAILED after the last attempt, kept by its record past the retention', async () => {
    const fine = vi.fn(async () => {});
    const broken = flaky(Number.POSITIVE_INFINITY);
    bus.subscribe('fine', { type: ['transfer.created'] }, fine);
    bus.subscribe('broken', { type: ['transfer.created'] }, broken);
    const { dispatcher, app } = outboxOf({ maxAttempts: 3, retryDelayMs: () => 0 });
    const event = transferCreated();
    await commitWithEvent(app, event);

    const summary = await dispatcher.drain();

    expect(summary).toEqual({ attempted: 3, dispatched: 0, retrying: 2, parked: 1 });
    expect(broken).toHaveBeenCalledTimes(3);
    expect(fine).toHaveBeenCalledTimes(1);
    expect(await retryIds()).toEqual([]);
    const { items: parked } = await store.query({ index: 'gsi1', partition: outboxFailedPartition });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      event,
      gsi1sk: event.id,
      attempts: 3,
      delivered_to: ['fine'],
      failed_subscribers: ['broken'],
      last_error: 'broken: failure 3',
    });
    expect(parked[0]!.next_attempt_at).toBeUndefined();
    expect(parked[0]!.expires_at).toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      'outbox event parked after its last attempt',
      expect.objectContaining({ event_id: event.id, attempts: 3 }),
    );
  });

  it('does not let events waiting for a retry hold back new ones', async () => {
    const failing = new Set<string>();
    const handled: string[] = [];
    bus.subscribe('picky', { type: ['transfer.created'] }, async (event) => {
      if (failing.has(event.id)) throw new Error('not yet');
      handled.push(event.id);
    });
    const { dispatcher, app } = outboxOf({ batchSize: 2 });
    const old = [transferCreated(), transferCreated(), transferCreated()];
    for (const event of old) {
      failing.add(event.id);
      await commitWithEvent(app, event);
    }
    await dispatcher.drain();
    expect(await retryIds()).toHaveLength(3);

    const fresh = transferCreated();
    await commitWithEvent(app, fresh);
    expect(await dispatcher.dispatchOnce()).toMatchObject({ attempted: 1, dispatched: 1 });
    expect(handled).toEqual([fresh.id]);
  });

  it('reports its lag: the age of the oldest event not yet delivered, handed over or waiting for a retry', async () => {
    const { dispatcher, app } = outboxOf({ retryDelayMs: () => 60_000 });
    expect(await outboxBacklog(app, clock.now())).toEqual({ oldest_pending_at: null, lag_seconds: 0 });
    let failing = true;
    bus.subscribe('flaky', { type: ['transfer.created'] }, async () => {
      if (failing) throw new Error('down');
    });
    const first = transferCreated();
    await commitWithEvent(app, first);
    clock.advance(5_000);
    const second = transferCreated();
    await commitWithEvent(app, second);
    clock.advance(2_500);
    expect(await outboxBacklog(app, clock.now())).toEqual({
      oldest_pending_at: first.time,
      lag_seconds: 7.5,
    });

    // Both fail and wait for a retry: the older one still sets the lag, ahead of a newer event.
    expect(await dispatcher.dispatchOnce()).toMatchObject({ retrying: 2 });
    const third = transferCreated();
    await commitWithEvent(app, third);
    expect(await outboxBacklog(app, clock.now())).toEqual({
      oldest_pending_at: first.time,
      lag_seconds: 7.5,
    });
    // Read from the store alone (another process, the checkpoint and retry records): the same.
    expect(await outboxBacklog(store, clock.now())).toMatchObject({ oldest_pending_at: first.time });

    failing = false;
    clock.advance(60_000);
    await dispatcher.drain();
    expect(await outboxBacklog(app, clock.now())).toEqual({ oldest_pending_at: null, lag_seconds: 0 });
  });

  it('does not deliver twice when rounds are requested at the same time', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('once', { type: ['transfer.created'] }, handler);
    const { dispatcher, app } = outboxOf();
    await commitWithEvent(app, transferCreated());

    await Promise.all([dispatcher.dispatchOnce(), dispatcher.dispatchOnce(), dispatcher.drain()]);

    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('writes one checkpoint a second while events flow, behind the oldest unfinished event', async () => {
    bus.subscribe('any', { type: ['transfer.created'] }, async () => {});
    const { dispatcher, app } = outboxOf({ checkpointIntervalMs: 1000, replayMarginMs: 60_000 });
    await dispatcher.open();
    const checkpoints = () =>
      dispatcherWrites.filter((t) =>
        t.some((op) => op.type === 'put' && op.item.pk === outboxCheckpointKey.pk),
      );
    expect(checkpoints()).toHaveLength(1);

    for (let i = 0; i < 50; i++) {
      await commitWithEvent(app, transferCreated());
      await dispatcher.drain();
      clock.advance(100);
    }
    // 5 s of events: one checkpoint a second, not one a round.
    expect(checkpoints().length).toBeGreaterThanOrEqual(5);
    expect(checkpoints().length).toBeLessThanOrEqual(6);
    expect((await store.get(outboxCheckpointKey))!.before_ms).toBeLessThanOrEqual(clock.now() - 60_000);

    // A transaction still committing holds the checkpoint back to its event's time.
    let commit!: () => void;
    const slow: Store = {
      ...store,
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      close: async () => {},
      transact: async (operations) => {
        await new Promise<void>((resolve) => (commit = resolve));
        return store.transact(operations);
      },
    };
    const slowApp = dispatcher.watch(slow);
    const held = transferCreated();
    const committing = commitWithEvent(slowApp, held);
    clock.advance(120_000);
    await dispatcher.drain();
    expect((await store.get(outboxCheckpointKey))!.before_ms).toBeLessThanOrEqual(
      Date.parse(held.time) - 60_000,
    );
    commit();
    await committing;
    await dispatcher.drain();
    clock.advance(1000);
    await dispatcher.drain();
    expect((await store.get(outboxCheckpointKey))!.before_ms).toBe(clock.now() - 60_000);
  });

  it('after a crash, replays the events since the checkpoint: nothing committed is lost', async () => {
    const handled: string[] = [];
    bus.subscribe('consumer', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const before = outboxOf({ replayMarginMs: 60_000 });
    await before.dispatcher.open();
    const old = transferCreated();
    await commitWithEvent(before.app, old);
    await before.dispatcher.drain();
    clock.advance(120_000);
    await before.dispatcher.stop(); // writes the checkpoint: now − 60 s, past `old`

    // The next run: one event published, one committed but never handed to the bus, then it dies.
    const run = outboxOf({ replayMarginMs: 60_000 });
    await run.dispatcher.open();
    const published = transferCreated();
    await commitWithEvent(run.app, published);
    await run.dispatcher.drain();
    clock.advance(500);
    const unpublished = transferCreated();
    await commitWithEvent(run.app, unpublished);
    expect(handled).toEqual([old.id, published.id]);

    const restarted = outboxOf({ replayMarginMs: 60_000 });
    await restarted.dispatcher.open();
    expect(await restarted.dispatcher.drain()).toMatchObject({ attempted: 2, dispatched: 2 });
    // At least once: the published one again (consumers dedupe by id), and the lost one; not `old`.
    expect(handled).toEqual([old.id, published.id, published.id, unpublished.id]);
    expect(logger.warn).toHaveBeenCalledWith(
      'outbox events replayed from the time buckets after the checkpoint',
      expect.objectContaining({ events: 2 }),
    );
  });

  it('drains, once, the events older releases left in OUTBOX#PENDING, with their logic', async () => {
    const handled: string[] = [];
    bus.subscribe('consumer', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    // As older releases wrote them: pending by id, and one waiting for a retry of one subscriber.
    const fresh = transferCreated();
    const retrying = transferCreated();
    const legacyPut = (event: EventEnvelope, extra: Record<string, unknown>): WriteOperation => ({
      type: 'put',
      item: { ...eventKey(event.id), kind: 'event', event, gsi1pk: outboxPendingPartition, ...extra },
    });
    await store.transact([
      legacyPut(fresh, { gsi1sk: fresh.id }),
      legacyPut(retrying, {
        gsi1sk: `${outboxRetryPrefix}2026-01-01T00:00:00.000Z#${retrying.id}`,
        attempts: 1,
        delivered_to: ['other'],
      }),
    ]);
    const { dispatcher } = outboxOf({ eventRetentionSeconds: 3600 });

    expect(await dispatcher.drain()).toMatchObject({ attempted: 2, dispatched: 2 });
    expect(handled.sort()).toEqual([fresh.id, retrying.id].sort());
    for (const event of [fresh, retrying]) {
      const item = await outboxItem(event);
      expect(item).toMatchObject({ dispatched_at: expect.any(String) });
      expect(item.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
      expect(item.gsi1pk).toBeUndefined();
    }
    const { items } = await store.query({ index: 'gsi1', partition: outboxPendingPartition });
    expect(items).toEqual([]);
    // Once drained, later rounds no longer read it.
    const query = vi.spyOn(store, 'query');
    await dispatcher.drain();
    expect(query.mock.calls.filter(([q]) => q.sort?.op === '<')).toEqual([]);
  });

  it('does not re-deliver a retry a lagging index still lists as due', async () => {
    const handler = flaky(1);
    bus.subscribe('once', { type: ['transfer.created'] }, handler);
    // A store whose indexes can lag, as DynamoDB's do: the same SQLite store without the promise.
    const lagging: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      transact: (operations) => store.transact(operations),
      close: async () => {},
    };
    const dispatcher = new OutboxDispatcher({ store: lagging, bus, clock, logger, retryDelayMs: () => 0 });
    const laggingApp = dispatcher.watch(store);
    await commitWithEvent(laggingApp, transferCreated());
    await dispatcher.dispatchOnce();
    const stale = await store.query({ index: 'gsi1', partition: outboxPendingPartition });
    expect(stale.items).toHaveLength(1);
    await dispatcher.drain();
    expect(handler).toHaveBeenCalledTimes(2);

    vi.spyOn(store, 'query').mockResolvedValue(stale);
    expect(await dispatcher.dispatchOnce()).toMatchObject({ attempted: 0 });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('dispatches in the background as soon as a transaction commits, and stops cleanly', async () => {
    const handled: string[] = [];
    bus.subscribe('bg', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const { dispatcher, app } = outboxOf({ pollIntervalMs: 60_000 });
    dispatcher.start();

    const event = transferCreated();
    await commitWithEvent(app, event);
    await vi.waitFor(() => expect(handled).toEqual([event.id]), { timeout: 2000, interval: 5 });

    await dispatcher.stop();
    expect(await outboxBacklog(app, clock.now())).toEqual({ oldest_pending_at: null, lag_seconds: 0 });
  });

  it('stop() waits for the batch in flight, and leaves what came later to the next start', async () => {
    // Fake timers from the start, so the poll pause of a loop that outlived stop() would be
    // driven below instead of waited for in real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let isStarted = false;
      const order: string[] = [];
      bus.subscribe('slow', { type: ['transfer.created'] }, async (event) => {
        isStarted = true;
        await gate;
        order.push(event.id);
      });
      const { dispatcher, app } = outboxOf();
      const event = transferCreated();
      await commitWithEvent(app, event);
      dispatcher.start();
      await vi.waitFor(() => expect(isStarted).toBe(true), { timeout: 2000, interval: 5 });

      // Chained before the gate opens: a stop() that did not wait for the handler would settle first.
      const stopping = dispatcher.stop().then(() => order.push('stopped'));
      release();
      await stopping;
      expect(order).toEqual([event.id, 'stopped']);

      const later = transferCreated();
      await commitWithEvent(app, later);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(order).toEqual([event.id, 'stopped']);
      expect(await outboxBacklog(app, clock.now())).toMatchObject({ oldest_pending_at: later.time });

      const next = outboxOf();
      await next.dispatcher.drain();
      expect(order).toEqual([event.id, 'stopped', event.id, later.id]);
    } finally {
      vi.useRealTimers();
    }
  });
});
