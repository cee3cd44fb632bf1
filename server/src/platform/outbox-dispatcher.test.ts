import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { InProcessBus } from './bus.ts';
import type { Logger } from './logger.ts';
import { eventKey, outboxBacklog, outboxPendingPartition, outboxPut } from './outbox.ts';
import {
  outboxFailedPartition,
  OutboxDispatcher,
  type OutboxDispatcherOptions,
} from './outbox-dispatcher.ts';
import type { Store } from './store.ts';

let store: SqliteStore;
let clock: ManualClock;
let bus: InProcessBus;
let logger: Record<keyof Logger, Mock<Logger['info']>>;

beforeEach(() => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock();
  bus = new InProcessBus();
  logger = { info: vi.fn<Logger['info']>(), warn: vi.fn<Logger['warn']>(), error: vi.fn<Logger['error']>() };
});

afterEach(async () => {
  await store.close();
});

function dispatcher(options: Partial<OutboxDispatcherOptions> = {}) {
  return new OutboxDispatcher({ store, bus, clock, logger, ...options });
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
async function commitWithEvent(event: EventEnvelope) {
  await store.transact([
    { type: 'put', item: { pk: `TR#${event.id}`, sk: 'TR', amount: 1500 } },
    outboxPut(event),
  ]);
}

async function pendingIds(): Promise<string[]> {
  const { items } = await store.query({ index: 'gsi1', partition: outboxPendingPartition });
  return items.map((item) => (item.event as EventEnvelope).id);
}

async function outboxItem(event: EventEnvelope) {
  return (await store.get(eventKey(event.id)))!;
}

/** A handler that fails its first `failures` calls, then succeeds. */
function flaky(failures: number) {
  let calls = 0;
  return vi.fn(async () => {
    calls += 1;
    if (calls <= failures) throw new Error(`failure ${calls}`);
  });
}

describe('OutboxDispatcher', () => {
  it('publishes an event written in a transaction and takes it out of the pending index', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('ledger.audit', { type: ['transfer.created'] }, handler);
    const event = transferCreated();
    await commitWithEvent(event);

    const summary = await dispatcher().drain();

    expect(summary).toEqual({ attempted: 1, dispatched: 1, retrying: 0, parked: 0 });
    expect(handler).toHaveBeenCalledExactlyOnceWith(event);
    expect(await pendingIds()).toEqual([]);
    const item = await outboxItem(event);
    expect(item).toMatchObject({
      event,
      attempts: 1,
      delivered_to: ['ledger.audit'],
      dispatched_at: '2026-01-01T00:00:00.000Z',
    });
    expect(item.gsi1pk).toBeUndefined();
    expect(item.gsi1sk).toBeUndefined();
  });

  it('gives an event its expires_at only once it is dispatched, at the configured retention', async () => {
    bus.subscribe('flaky', { type: ['transfer.created'] }, flaky(1));
    const event = transferCreated();
    await commitWithEvent(event);
    const outbox = dispatcher({ retryDelayMs: () => 1000, eventRetentionSeconds: 3600 });

    await outbox.drain();
    // Waiting for its retry: still needed, so it never expires.
    expect((await outboxItem(event)).expires_at).toBeUndefined();
    clock.advance(1000);
    await outbox.drain();
    expect((await outboxItem(event)).expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
  });

  it('never gives a parked event an expiry: it waits for someone to look at it', async () => {
    bus.subscribe('broken', { type: ['transfer.created'] }, flaky(Number.POSITIVE_INFINITY));
    const event = transferCreated();
    await commitWithEvent(event);
    await dispatcher({ maxAttempts: 2, retryDelayMs: () => 0 }).drain();
    const item = await outboxItem(event);
    expect(item.gsi1pk).toBe(outboxFailedPartition);
    expect(item.expires_at).toBeUndefined();
  });

  it('routes each event to the subscribers whose patterns match it', async () => {
    const usd = vi.fn(async () => {});
    const large = vi.fn(async () => {});
    const payments = vi.fn(async () => {});
    bus.subscribe('usd', { type: ['transfer.created'], data: { currency: ['USD'] } }, usd);
    bus.subscribe('large', { data: { amount: [{ numeric: ['>=', 100_000] }] } }, large);
    bus.subscribe('payments', { type: [{ prefix: 'payment.' }] }, payments);
    const small = transferCreated({ amount: 500, currency: 'USD' });
    const big = transferCreated({ amount: 250_000, currency: 'EUR' });
    await commitWithEvent(small);
    await commitWithEvent(big);

    await dispatcher().drain();

    expect(usd.mock.calls).toEqual([[small]]);
    expect(large.mock.calls).toEqual([[big]]);
    expect(payments).not.toHaveBeenCalled();
    expect(await pendingIds()).toEqual([]);
  });

  it('marks an event no one subscribes to as dispatched', async () => {
    const event = transferCreated();
    await commitWithEvent(event);
    expect(await dispatcher().drain()).toMatchObject({ dispatched: 1 });
    expect(await outboxItem(event)).toMatchObject({ delivered_to: [], dispatched_at: expect.any(String) });
  });

  it('retries only the subscriber that failed, once its backoff is due', async () => {
    const steady = vi.fn(async () => {});
    const webhooks = flaky(1);
    bus.subscribe('realtime', { type: ['transfer.created'] }, steady);
    bus.subscribe('webhooks', { type: ['transfer.created'] }, webhooks);
    const event = transferCreated();
    await commitWithEvent(event);
    const outbox = dispatcher();

    expect(await outbox.drain()).toEqual({ attempted: 1, dispatched: 0, retrying: 1, parked: 0 });
    expect(await outboxItem(event)).toMatchObject({
      attempts: 1,
      delivered_to: ['realtime'],
      failed_subscribers: ['webhooks'],
      last_error: 'webhooks: failure 1',
      next_attempt_at: '2026-01-01T00:00:01.000Z',
      gsi1pk: outboxPendingPartition,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'outbox delivery failed, will retry',
      expect.objectContaining({ event_id: event.id }),
    );

    clock.advance(999);
    expect(await outbox.drain()).toMatchObject({ attempted: 0 });
    expect(webhooks).toHaveBeenCalledTimes(1);

    clock.advance(1);
    expect(await outbox.drain()).toMatchObject({ attempted: 1, dispatched: 1 });
    expect(webhooks).toHaveBeenCalledTimes(2);
    expect(steady).toHaveBeenCalledTimes(1);
    expect(await outboxItem(event)).toMatchObject({
      attempts: 2,
      delivered_to: ['realtime', 'webhooks'],
      dispatched_at: '2026-01-01T00:00:01.000Z',
    });
    expect((await outboxItem(event)).last_error).toBeUndefined();
    expect(await pendingIds()).toEqual([]);
  });

  it('doubles the delay after each failed attempt', async () => {
    bus.subscribe('down', { type: ['transfer.created'] }, flaky(Number.POSITIVE_INFINITY));
    const event = transferCreated();
    await commitWithEvent(event);
    const outbox = dispatcher();
    const start = clock.now();

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await outbox.drain();
      const due = Date.parse(String((await outboxItem(event)).next_attempt_at));
      delays.push(due - clock.now());
      clock.set(due);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(clock.now() - start).toBe(15_000);
  });

  it('parks an event in OUTBOX#FAILED after the last attempt and logs it', async () => {
    const fine = vi.fn(async () => {});
    const broken = flaky(Number.POSITIVE_INFINITY);
    bus.subscribe('fine', { type: ['transfer.created'] }, fine);
    bus.subscribe('broken', { type: ['transfer.created'] }, broken);
    const event = transferCreated();
    await commitWithEvent(event);

    const summary = await dispatcher({ maxAttempts: 3, retryDelayMs: () => 0 }).drain();

    expect(summary).toEqual({ attempted: 3, dispatched: 0, retrying: 2, parked: 1 });
    expect(broken).toHaveBeenCalledTimes(3);
    expect(fine).toHaveBeenCalledTimes(1);
    expect(await pendingIds()).toEqual([]);
    const { items: parked } = await store.query({ index: 'gsi1', partition: outboxFailedPartition });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      gsi1sk: event.id,
      attempts: 3,
      delivered_to: ['fine'],
      failed_subscribers: ['broken'],
      last_error: 'broken: failure 3',
    });
    expect(parked[0]!.next_attempt_at).toBeUndefined();
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
    const old = [transferCreated(), transferCreated(), transferCreated()];
    for (const event of old) {
      failing.add(event.id);
      await commitWithEvent(event);
    }
    const outbox = dispatcher({ batchSize: 2 });
    await outbox.drain();
    expect(await pendingIds()).toHaveLength(3);

    const fresh = transferCreated();
    await commitWithEvent(fresh);
    expect(await outbox.dispatchOnce()).toMatchObject({ attempted: 1, dispatched: 1 });
    expect(handled).toEqual([fresh.id]);
  });

  it('reports its lag: the age of the oldest event not yet delivered, new or waiting for a retry', async () => {
    expect(await outboxBacklog(store, clock.now())).toEqual({ oldest_pending_at: null, lag_seconds: 0 });
    let failing = true;
    bus.subscribe('flaky', { type: ['transfer.created'] }, async () => {
      if (failing) throw new Error('down');
    });
    const first = transferCreated();
    await commitWithEvent(first);
    clock.advance(5_000);
    const second = transferCreated();
    await commitWithEvent(second);
    clock.advance(2_500);
    expect(await outboxBacklog(store, clock.now())).toEqual({
      oldest_pending_at: first.time,
      lag_seconds: 7.5,
    });

    // Both fail and wait for a retry: the older one still sets the lag, ahead of a newer event.
    const outbox = dispatcher({ retryDelayMs: () => 60_000 });
    expect(await outbox.dispatchOnce()).toMatchObject({ retrying: 2 });
    const third = transferCreated();
    await commitWithEvent(third);
    expect(await outboxBacklog(store, clock.now())).toEqual({
      oldest_pending_at: first.time,
      lag_seconds: 7.5,
    });

    failing = false;
    clock.advance(60_000);
    await outbox.drain();
    expect(await outboxBacklog(store, clock.now())).toEqual({ oldest_pending_at: null, lag_seconds: 0 });
  });

  it('does not deliver twice when rounds are requested at the same time', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('once', { type: ['transfer.created'] }, handler);
    await commitWithEvent(transferCreated());
    const outbox = dispatcher();

    await Promise.all([outbox.dispatchOnce(), outbox.dispatchOnce(), outbox.drain()]);

    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('re-delivers after a crash between the handler and the delivery record', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('consumer', { type: ['transfer.created'] }, handler);
    const event = transferCreated();
    await commitWithEvent(event);
    const crash = new Error('process died');
    const transact = vi.spyOn(store, 'transact').mockRejectedValueOnce(crash);
    const outbox = dispatcher();

    await expect(outbox.dispatchOnce()).rejects.toBe(crash);
    transact.mockRestore();
    await outbox.drain();

    expect(handler).toHaveBeenCalledTimes(2);
    expect(await pendingIds()).toEqual([]);
  });

  it('does not re-deliver an event a lagging index still lists as pending', async () => {
    const handler = vi.fn(async () => {});
    bus.subscribe('once', { type: ['transfer.created'] }, handler);
    await commitWithEvent(transferCreated());
    const stale = await store.query({ index: 'gsi1', partition: outboxPendingPartition });
    // A store whose indexes can lag, as DynamoDB's do: the same SQLite store without the promise.
    const lagging: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      transact: (operations) => store.transact(operations),
      close: async () => {},
    };
    const outbox = dispatcher({ store: lagging });
    await outbox.drain();

    vi.spyOn(store, 'query').mockResolvedValue(stale);
    expect(await outbox.dispatchOnce()).toMatchObject({ attempted: 0 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('trusts a store whose indexes never lag, reading no item twice', async () => {
    bus.subscribe('once', { type: ['transfer.created'] }, async () => {});
    await commitWithEvent(transferCreated());
    const get = vi.spyOn(store, 'get');
    expect(await dispatcher().dispatchOnce()).toMatchObject({ attempted: 1, dispatched: 1 });
    expect(get).not.toHaveBeenCalled();
  });

  it('dispatches in the background after notify() and stops cleanly', async () => {
    const handled: string[] = [];
    bus.subscribe('bg', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const outbox = dispatcher({ pollIntervalMs: 60_000 });
    outbox.start();

    const event = transferCreated();
    await commitWithEvent(event);
    outbox.notify();
    await vi.waitFor(() => expect(handled).toEqual([event.id]), { timeout: 2000, interval: 5 });

    await outbox.stop();
    expect(await pendingIds()).toEqual([]);
  });

  it('polls on its own when nobody calls notify()', async () => {
    const handled: string[] = [];
    bus.subscribe('bg', { type: ['transfer.created'] }, async (event) => {
      handled.push(event.id);
    });
    const outbox = dispatcher({ pollIntervalMs: 10 });
    outbox.start();
    const event = transferCreated();
    await commitWithEvent(event);

    await vi.waitFor(() => expect(handled).toEqual([event.id]), { timeout: 2000, interval: 5 });
    await outbox.stop();
  });

  it('stop() waits for the batch in flight and records it', async () => {
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
      bus.subscribe('slow', { type: ['transfer.created'] }, async () => {
        isStarted = true;
        await gate;
        order.push('handled');
      });
      const event = transferCreated();
      await commitWithEvent(event);
      const outbox = dispatcher();
      outbox.start();
      await vi.waitFor(() => expect(isStarted).toBe(true), { timeout: 2000, interval: 5 });

      // Chained before the gate opens: a stop() that did not wait for the handler would settle first.
      const stopping = outbox.stop().then(() => order.push('stopped'));
      release();
      await stopping;
      expect(order).toEqual(['handled', 'stopped']);
      expect(await outboxItem(event)).toMatchObject({
        delivered_to: ['slow'],
        dispatched_at: expect.any(String),
      });

      const later = transferCreated();
      await commitWithEvent(later);
      outbox.notify();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await pendingIds()).toEqual([later.id]);
    } finally {
      vi.useRealTimers();
    }
  });
});
