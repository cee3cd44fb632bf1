import { describe, expect, it, vi } from 'vitest';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { InProcessBus } from './bus.ts';
import { runEventBusContract } from './bus-contract.ts';
import { InvalidEventPatternError } from './event-pattern.ts';

function anEvent(
  type = 'transfer.created',
  data: Record<string, unknown> = { amount: 1500, currency: 'USD' },
): EventEnvelope {
  return createEvent({ type, source: 'sluice.test', subject: 'tr_test', data, now: Date.UTC(2026, 0, 1) });
}

describe('InProcessBus', () => {
  it('calls every subscriber whose pattern matches, and only those', async () => {
    const bus = new InProcessBus();
    const transfers = vi.fn(async () => {});
    const payments = vi.fn(async () => {});
    const usd = vi.fn(async () => {});
    bus.subscribe('transfers', { type: ['transfer.created'] }, transfers);
    bus.subscribe('payments', { type: [{ prefix: 'payment.' }] }, payments);
    bus.subscribe('usd', { data: { currency: ['USD'] } }, usd);

    const transfer = anEvent();
    const payment = anEvent('payment.captured', { currency: 'EUR' });
    const { deliveries } = await bus.publish([transfer, payment]);

    expect(transfers).toHaveBeenCalledExactlyOnceWith(transfer);
    expect(payments).toHaveBeenCalledExactlyOnceWith(payment);
    expect(usd).toHaveBeenCalledExactlyOnceWith(transfer);
    expect(deliveries).toEqual([
      { eventId: transfer.id, delivered: ['transfers', 'usd'], failed: [] },
      { eventId: payment.id, delivered: ['payments'], failed: [] },
    ]);
  });

  it('reports a failing handler per event and subscriber without failing the others', async () => {
    const bus = new InProcessBus();
    const boom = new Error('webhook endpoint down');
    bus.subscribe('webhooks', { type: ['transfer.created'] }, async () => {
      throw boom;
    });
    bus.subscribe('realtime', { type: ['transfer.created'] }, async () => {});

    const event = anEvent();
    const { deliveries } = await bus.publish([event]);

    expect(deliveries).toEqual([
      { eventId: event.id, delivered: ['realtime'], failed: [{ subscriber: 'webhooks', error: boom }] },
    ]);
  });

  it('catches a handler that throws synchronously', async () => {
    const bus = new InProcessBus();
    bus.subscribe('sync', { type: ['transfer.created'] }, (() => {
      throw new Error('sync');
    }) as never);
    const { deliveries } = await bus.publish([anEvent()]);
    expect(deliveries[0]!.failed).toHaveLength(1);
  });

  it('skips the subscribers an earlier attempt already delivered to', async () => {
    const bus = new InProcessBus();
    const a = vi.fn(async () => {});
    const b = vi.fn(async () => {});
    bus.subscribe('a', { type: ['transfer.created'] }, a);
    bus.subscribe('b', { type: ['transfer.created'] }, b);

    const event = anEvent();
    const { deliveries } = await bus.publish([event], { skip: new Map([[event.id, ['a']]]) });

    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledOnce();
    expect(deliveries[0]!.delivered).toEqual(['b']);
  });

  it('gives the handlers a read-only copy of the event: one that changes it fails, and nobody sees the change', async () => {
    const bus = new InProcessBus();
    const seen: unknown[] = [];
    bus.subscribe('mutator', { type: ['transfer.created'] }, async (event) => {
      event.data.amount = 0;
    });
    bus.subscribe('reader', { type: ['transfer.created'] }, async (event) => {
      seen.push(event.data.amount);
    });
    const event = anEvent();
    const { deliveries } = await bus.publish([event]);
    expect(seen).toEqual([1500]);
    expect(event.data.amount).toBe(1500);
    expect(Object.isFrozen(event)).toBe(false);
    expect(deliveries[0]!.delivered).toEqual(['reader']);
    expect(deliveries[0]!.failed.map((f) => f.subscriber)).toEqual(['mutator']);
    expect(deliveries[0]!.failed[0]!.error).toBeInstanceOf(TypeError);
  });

  it('fails a handler that runs past the timeout', async () => {
    const bus = new InProcessBus({ handlerTimeoutMs: 20 });
    bus.subscribe('stuck', { type: ['transfer.created'] }, () => new Promise(() => {}));
    const { deliveries } = await bus.publish([anEvent()]);
    expect(deliveries[0]!.failed[0]!.error).toBeInstanceOf(Error);
    expect(String(deliveries[0]!.failed[0]!.error)).toMatch(/timed out/);
  });

  it('runs the deliveries of one batch at once, starting them in event order', async () => {
    // The first event's handler waits for the second's to start: one after the other, it would time out.
    const bus = new InProcessBus({ handlerTimeoutMs: 1000 });
    const started: string[] = [];
    let secondStarted!: () => void;
    const second = new Promise<void>((resolve) => (secondStarted = resolve));
    bus.subscribe('waits', { type: ['transfer.created'] }, async (event) => {
      started.push(String(event.data.n));
      if (event.data.n === 1) await second;
      else secondStarted();
    });
    const events = [anEvent('transfer.created', { n: 1 }), anEvent('transfer.created', { n: 2 })];
    const { deliveries } = await bus.publish(events);
    expect(started).toEqual(['1', '2']);
    expect(deliveries).toEqual(
      events.map((event) => ({ eventId: event.id, delivered: ['waits'], failed: [] })),
    );
  });

  it('reports an event nobody subscribes to as delivered to no one', async () => {
    const bus = new InProcessBus();
    const event = anEvent('nobody.cares');
    expect(await bus.publish([event])).toEqual({
      deliveries: [{ eventId: event.id, delivered: [], failed: [] }],
    });
  });

  it('refuses a malformed pattern and a duplicate name at subscribe time', () => {
    const bus = new InProcessBus();
    expect(() => bus.subscribe('bad', { type: [] }, async () => {})).toThrow(InvalidEventPatternError);
    bus.subscribe('once', { type: ['a'] }, async () => {});
    expect(() => bus.subscribe('once', { type: ['b'] }, async () => {})).toThrow(/already exists/);
  });
});

runEventBusContract('InProcessBus', async () => ({ bus: new InProcessBus() }));
