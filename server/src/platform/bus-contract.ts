import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import type { EventBus, EventDelivery, EventHandler } from './bus.ts';
import { InvalidEventPatternError } from './event-pattern.ts';

export interface EventBusUnderTest {
  bus: EventBus;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `EventBus` adapter must show, as one vitest suite: subscriptions match
 * EventBridge patterns against the envelope, every matching subscription gets the event as it was
 * published (and only those), one failing subscriber neither fails the publish nor the others,
 * and a retry that skips the subscribers already served reaches only the rest. Each test gets a
 * fresh bus with no subscriptions from `makeBus`.
 *
 * Order of completion is not part of the port (EventBridge promises none), so deliveries are
 * compared as sets of subscriber names.
 *
 * @example
 * runEventBusContract('InProcessBus', async () => ({ bus: new InProcessBus() }));
 */
export function runEventBusContract(name: string, makeBus: () => Promise<EventBusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ bus, cleanup } = await makeBus());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    /** Subscribes a handler that records what it was handed. */
    function recorder(subscription: string, pattern: Parameters<EventBus['subscribe']>[1]): EventEnvelope[] {
      const seen: EventEnvelope[] = [];
      bus.subscribe(subscription, pattern, async (event) => void seen.push(event));
      return seen;
    }

    it('delivers an event to every subscription whose pattern matches, and to no other', async () => {
      const transfers = recorder('transfers', { type: ['transfer.created'] });
      const payments = recorder('payments', { type: [{ prefix: 'payment.' }] });
      const usd = recorder('usd', { data: { currency: ['USD'] } });
      const fromWallet = recorder('wallet', { source: ['sluice.wallet'] });

      const transfer = anEvent({
        type: 'transfer.created',
        source: 'sluice.wallet',
        data: { amount: 1500, currency: 'USD' },
      });
      const payment = anEvent({
        type: 'payment.captured',
        source: 'sluice.payments',
        data: { amount: 900, currency: 'EUR' },
      });
      const { deliveries } = await bus.publish([transfer, payment]);

      expect(transfers).toEqual([transfer]);
      expect(payments).toEqual([payment]);
      expect(usd).toEqual([transfer]);
      expect(fromWallet).toEqual([transfer]);
      expect(normalized(deliveries)).toEqual([
        { eventId: transfer.id, delivered: ['transfers', 'usd', 'wallet'], failed: [] },
        { eventId: payment.id, delivered: ['payments'], failed: [] },
      ]);
    });

    it('matches nested data fields, numeric ranges, anything-but and exists as EventBridge does', async () => {
      const large = recorder('large', { data: { amount: [{ numeric: ['>=', 10_000] }] } });
      const notRefunds = recorder('not-refunds', { type: [{ 'anything-but': { prefix: 'refund.' } }] });
      const withAudience = recorder('with-audience', { audience: [{ exists: true }] });
      const nested = recorder('card-visa', { data: { card: { brand: ['visa'] } } });

      const big = anEvent({
        type: 'payment.captured',
        data: { amount: 25_000, card: { brand: 'visa' } },
        audience: ['usr_ann'],
      });
      const small = anEvent({ type: 'refund.created', data: { amount: 99, card: { brand: 'amex' } } });
      await bus.publish([big, small]);

      expect(large.map((event) => event.id)).toEqual([big.id]);
      expect(notRefunds.map((event) => event.id)).toEqual([big.id]);
      expect(withAudience.map((event) => event.id)).toEqual([big.id]);
      expect(nested.map((event) => event.id)).toEqual([big.id]);
    });

    it('hands a handler the envelope exactly as published, audience and merchant included', async () => {
      const seen = recorder('all', { type: [{ prefix: '' }] });
      const event = anEvent({
        type: 'payment.refunded',
        audience: ['usr_ann', 'usr_bob'],
        merchant: 'mer_1',
        data: { amount: 1, nested: { list: [1, 'two', null, true], empty: {} }, text: 'Zoë “quoted” ✓' },
      });
      await bus.publish([event]);
      expect(seen).toEqual([event]);
    });

    it('gives each handler its own copy: one changing the event changes nothing for another or for the publisher', async () => {
      const amounts: unknown[] = [];
      bus.subscribe('mutator', { type: ['transfer.created'] }, async (event) => {
        event.data.amount = 0;
      });
      bus.subscribe(
        'reader',
        { type: ['transfer.created'] },
        async (event) => void amounts.push(event.data.amount),
      );
      const event = anEvent({ data: { amount: 1500 } });
      await bus.publish([event]);
      expect(amounts).toEqual([1500]);
      expect(event.data.amount).toBe(1500);
    });

    it('reports a failing subscriber without failing the publish or the other subscribers', async () => {
      const boom = new Error('webhook endpoint down');
      bus.subscribe('webhooks', { type: ['transfer.created'] }, async () => {
        throw boom;
      });
      const realtime = recorder('realtime', { type: ['transfer.created'] });
      const event = anEvent();

      const { deliveries } = await bus.publish([event]);
      expect(realtime).toEqual([event]);
      expect(normalized(deliveries)).toEqual([
        { eventId: event.id, delivered: ['realtime'], failed: ['webhooks'] },
      ]);
      expect(deliveries[0]!.failed[0]!.error).toBe(boom);
    });

    it('retries only the subscribers an earlier attempt did not reach', async () => {
      let isDown = true;
      const attempts: string[] = [];
      bus.subscribe('flaky', { type: ['transfer.created'] }, async () => {
        attempts.push('flaky');
        if (isDown) throw new Error('down');
      });
      bus.subscribe('steady', { type: ['transfer.created'] }, async () => void attempts.push('steady'));
      const event = anEvent();

      const first = await bus.publish([event]);
      expect(normalized(first.deliveries)).toEqual([
        { eventId: event.id, delivered: ['steady'], failed: ['flaky'] },
      ]);
      isDown = false;
      const retry = await bus.publish([event], {
        skip: new Map([[event.id, first.deliveries[0]!.delivered]]),
      });
      expect(normalized(retry.deliveries)).toEqual([{ eventId: event.id, delivered: ['flaky'], failed: [] }]);
      expect(attempts.toSorted()).toEqual(['flaky', 'flaky', 'steady']);
    });

    it('delivers every event of a batch and reports them in the order given', async () => {
      const seen = recorder('transfers', { type: ['transfer.created'] });
      const events = [1, 2, 3, 4, 5].map((n) => anEvent({ data: { n } }));
      const { deliveries } = await bus.publish(events);
      expect(deliveries.map((delivery) => delivery.eventId)).toEqual(events.map((event) => event.id));
      expect(seen.map((event) => event.data.n).toSorted()).toEqual([1, 2, 3, 4, 5]);
    });

    it('reports an event no subscription matches as delivered to no one', async () => {
      const seen = recorder('transfers', { type: ['transfer.created'] });
      const event = anEvent({ type: 'nobody.cares' });
      expect(await bus.publish([event])).toEqual({
        deliveries: [{ eventId: event.id, delivered: [], failed: [] }],
      });
      expect(seen).toEqual([]);
    });

    it('refuses a malformed pattern and a second subscription under the same name', () => {
      const handler: EventHandler = async () => {};
      expect(() => bus.subscribe('empty-list', { type: [] }, handler)).toThrow(InvalidEventPatternError);
      expect(() => bus.subscribe('bad-operator', { type: [{ nonsense: 1 } as never] }, handler)).toThrow(
        InvalidEventPatternError,
      );
      bus.subscribe('once', { type: ['a'] }, handler);
      expect(() => bus.subscribe('once', { type: ['b'] }, handler)).toThrow(/already exists/);
    });
  });
}

let sequence = 0;
/** An envelope as the outbox writes it; `overrides` replaces whole fields. */
function anEvent(overrides: Partial<Omit<EventEnvelope, 'id' | 'time'>> = {}): EventEnvelope {
  sequence += 1;
  return {
    ...createEvent({
      type: 'transfer.created',
      source: 'sluice.wallet',
      subject: `tr_${sequence}`,
      data: { amount: 1500, currency: 'USD' },
      now: Date.UTC(2026, 0, 1, 0, 0, sequence),
    }),
    ...overrides,
  };
}

/** Deliveries with subscriber names sorted and failures by name: adapters promise no completion order. */
function normalized(deliveries: EventDelivery[]) {
  return deliveries.map((delivery) => ({
    eventId: delivery.eventId,
    delivered: delivery.delivered.toSorted(),
    failed: delivery.failed.map((failure) => failure.subscriber).toSorted(),
  }));
}
