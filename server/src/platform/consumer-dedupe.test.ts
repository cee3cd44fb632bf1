import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { InProcessBus } from './bus.ts';
import {
  applyOnce,
  dedupeKey,
  dedupePut,
  defaultDedupeTtlSeconds,
  isDuplicateDelivery,
} from './consumer-dedupe.ts';
import { outboxPut } from './outbox.ts';
import { OutboxDispatcher } from './outbox-dispatcher.ts';
import { silentLogger } from './logger.ts';
import { TransactionCanceledError, type WriteOperation } from './store.ts';

let store: SqliteStore;
let clock: ManualClock;

beforeEach(() => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock();
});

afterEach(async () => {
  await store.close();
});

const walletKey = { pk: 'WALLET#usr_alice', sk: 'WALLET' };

function transferCreated(): EventEnvelope {
  return createEvent({
    type: 'transfer.created',
    source: 'sluice.ledger',
    subject: 'tr_test',
    data: { to: 'usr_alice' },
    now: clock.now(),
  });
}

function awardCoin(): WriteOperation[] {
  return [{ type: 'update', key: walletKey, add: { coins: 1 } }];
}

async function coins(): Promise<unknown> {
  return (await store.get(walletKey))?.coins;
}

describe('applyOnce', () => {
  it('applies the effect on first delivery and records the event for the consumer', async () => {
    const event = transferCreated();
    const outcome = await applyOnce(store, {
      consumer: 'coins.award',
      eventId: event.id,
      effect: awardCoin(),
      now: clock.now(),
    });

    expect(outcome).toBe('applied');
    expect(await coins()).toBe(1);
    expect(await store.get(dedupeKey('coins.award', event.id))).toMatchObject({
      pk: `DEDUPE#coins.award#${event.id}`,
      consumer: 'coins.award',
      event_id: event.id,
      processed_at: '2026-01-01T00:00:00.000Z',
      expires_at: Date.UTC(2026, 0, 1) / 1000 + defaultDedupeTtlSeconds,
    });
  });

  it('makes a second delivery of the same event a no-op', async () => {
    const event = transferCreated();
    const input = { consumer: 'coins.award', eventId: event.id, effect: awardCoin(), now: clock.now() };
    await applyOnce(store, input);
    clock.advance(60_000);

    expect(await applyOnce(store, { ...input, now: clock.now() })).toBe('duplicate');
    expect(await coins()).toBe(1);
  });

  it('treats a dedupe record past its expires_at as absent, even before TTL deletes it', async () => {
    const event = transferCreated();
    const input = { consumer: 'coins.award', eventId: event.id, effect: awardCoin(), ttlSeconds: 60 };
    await applyOnce(store, { ...input, now: clock.now() });
    clock.advance(59_000);
    expect(await applyOnce(store, { ...input, now: clock.now() })).toBe('duplicate');
    clock.advance(1_000);
    // Still stored, but expired: the delivery is as new as once the record is swept.
    expect(await store.get(dedupeKey('coins.award', event.id))).toBeDefined();
    expect(await applyOnce(store, { ...input, now: clock.now() })).toBe('applied');
    expect(await coins()).toBe(2);
    expect(await applyOnce(store, { ...input, now: clock.now() })).toBe('duplicate');
  });

  it('keeps consumers apart: each applies its own effect once', async () => {
    const event = transferCreated();
    await applyOnce(store, {
      consumer: 'coins.award',
      eventId: event.id,
      effect: awardCoin(),
      now: clock.now(),
    });
    expect(
      await applyOnce(store, {
        consumer: 'coins.bonus',
        eventId: event.id,
        effect: awardCoin(),
        now: clock.now(),
      }),
    ).toBe('applied');
    expect(await coins()).toBe(2);
  });

  it('rethrows a failed condition of the effect itself and records nothing', async () => {
    const event = transferCreated();
    const effect: WriteOperation[] = [
      { type: 'update', key: walletKey, add: { coins: -5 }, condition: { compare: ['coins', '>=', 5] } },
    ];

    await expect(
      applyOnce(store, { consumer: 'coins.spend', eventId: event.id, effect, now: clock.now() }),
    ).rejects.toBeInstanceOf(TransactionCanceledError);
    expect(await store.get(dedupeKey('coins.spend', event.id))).toBeUndefined();
  });

  it('records an event with no store effect', async () => {
    const event = transferCreated();
    expect(
      await applyOnce(store, { consumer: 'notify', eventId: event.id, effect: [], now: clock.now() }),
    ).toBe('applied');
    expect(
      await applyOnce(store, { consumer: 'notify', eventId: event.id, effect: [], now: clock.now() }),
    ).toBe('duplicate');
  });

  it('refuses consumer names that could collide in the key', () => {
    expect(() => dedupeKey('coins#award', 'evt_1')).toThrow(/free of "#"/);
    expect(() => dedupeKey('', 'evt_1')).toThrow();
  });

  it('lets a consumer build its own transaction with dedupePut', async () => {
    const event = transferCreated();
    const operations = () => [
      dedupePut({ consumer: 'custom', eventId: event.id, now: clock.now() }),
      ...awardCoin(),
    ];
    await store.transact(operations());
    const error = await store.transact(operations()).catch((e: unknown) => e);
    expect(isDuplicateDelivery(error)).toBe(true);
    expect(isDuplicateDelivery(new Error('other'))).toBe(false);
  });

  it('makes the re-delivery after a dispatcher crash harmless', async () => {
    const bus = new InProcessBus();
    const handler = vi.fn((event: EventEnvelope) =>
      applyOnce(store, { consumer: 'coins.award', eventId: event.id, effect: awardCoin(), now: clock.now() }),
    );
    bus.subscribe('coins.award', { type: ['transfer.created'] }, async (event) => {
      await handler(event);
    });
    const dispatcher = new OutboxDispatcher({ store, bus, clock, logger: silentLogger });
    await dispatcher.open();
    await dispatcher.watch(store).transact([outboxPut(transferCreated())]);
    // The handler commits, then the process dies before the dispatcher's checkpoint passes the event.
    await dispatcher.drain();

    // The next start replays the events since the checkpoint: the same event again.
    await new OutboxDispatcher({ store, bus, clock, logger: silentLogger }).drain();

    expect(handler).toHaveBeenCalledTimes(2);
    expect(await handler.mock.results[1]!.value).toBe('duplicate');
    expect(await coins()).toBe(1);
  });
});
