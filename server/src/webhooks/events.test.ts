import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../kernel/clock.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import { dispatchedEventFields, eventKey } from '../platform/outbox.ts';
import { publicEvent } from './events.ts';
import { hasFanOutMarker, legacyEventPut, readLegacyEvent, readOutboxEvent } from './store.ts';
import { buildWebhooks, startReceiver } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function merchantEvent(clock: ManualClock, type = 'payment.captured', merchant = 'mer_A') {
  clock.advance(1);
  return createEvent({
    type,
    source: 'payments',
    subject: 'pay_1',
    data: { object: { id: 'pay_1', object: 'payment' } },
    merchant,
    now: clock.now(),
  });
}

/** A merchant event as the fan-out recorded it before the outbox item became the record. */
function legacyRecord(event: EventEnvelope) {
  return legacyEventPut({ kind: 'webhook_event', merchant: event.merchant!, event: publicEvent(event) });
}

describe('merchant events', () => {
  it('lists an event from its outbox record; an event no endpoint wants writes nothing more', async () => {
    const { emit, call, store, clock } = buildWebhooks();
    // An endpoint that came and went leaves the count at 0: nothing to fan out to.
    const gone = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/x',
      events: ['*'],
    });
    expect((await call('DELETE', `/v1/webhook-endpoints/${gone.body.id}`)).status).toBe(200);
    const event = merchantEvent(clock);
    await emit([event]);
    await emit([event]);

    expect((await call('GET', '/v1/events')).body.data).toEqual([publicEvent(event)]);
    expect((await call('GET', `/v1/events/${event.id}`)).body).toEqual(publicEvent(event));
    // Only the outbox item: no second copy, no fan-out marker.
    expect(await readOutboxEvent(store, event.id)).toEqual(event);
    expect(await readLegacyEvent(store, event.id)).toBeUndefined();
    expect(await hasFanOutMarker(store, event.id)).toBe(false);
  });

  it('answers event_expired for an event past its retention, before and after TTL deletes it', async () => {
    const { emit, call, store, clock } = buildWebhooks();
    const event = merchantEvent(clock);
    await emit([event]);
    // Delivered: the dispatcher starts its retention (30 days by default).
    await store.transact([
      { type: 'update', key: eventKey(event.id), set: dispatchedEventFields(clock.now()) },
    ]);
    clock.advance(30 * 24 * 3600 * 1000 - 1000);
    expect((await call('GET', `/v1/events/${event.id}`)).status).toBe(200);

    clock.advance(2000);
    const expectExpired = async () => {
      const shown = await call('GET', `/v1/events/${event.id}`);
      expect([shown.status, shown.body.error.code]).toEqual([404, 'event_expired']);
      const redelivered = await call('POST', `/v1/events/${event.id}/redeliver`, {});
      expect([redelivered.status, redelivered.body.error.code]).toEqual([404, 'event_expired']);
      expect((await call('GET', '/v1/events')).body.data).toEqual([]);
    };
    // Still stored (TTL deletes lazily), then deleted: the same answer.
    expect(await store.get(eventKey(event.id))).toBeDefined();
    await expectExpired();
    await store.transact([{ type: 'delete', key: eventKey(event.id) }]);
    await expectExpired();
    // An id within the retention that names nothing is still plainly not found.
    const unknown = await call('GET', `/v1/events/${newId('event', clock.now())}`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
  });

  it("pages a type filter through the merchant's events, a bounded read at a time", async () => {
    const { emit, call, clock } = buildWebhooks();
    const refunds = [
      merchantEvent(clock, 'refund.succeeded'),
      merchantEvent(clock, 'refund.succeeded'),
      merchantEvent(clock, 'refund.succeeded'),
    ];
    await emit(refunds);
    const captures = Array.from({ length: 1100 }, () => merchantEvent(clock));
    await emit(captures);
    await emit([merchantEvent(clock, 'refund.succeeded', 'mer_B')]);

    // The 1,100 newer captures fill the first read: a short page, and a cursor to go on from.
    const first = await call('GET', '/v1/events?type=refund.succeeded&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([]);
    expect(first.body.has_more).toBe(true);
    const second = await call(
      'GET',
      `/v1/events?type=refund.succeeded&limit=2&starting_after=${first.body.next_cursor}`,
    );
    expect(second.body.data.map((e: { id: string }) => e.id)).toEqual([refunds[2]!.id, refunds[1]!.id]);
    expect(second.body.has_more).toBe(true);
    const third = await call(
      'GET',
      `/v1/events?type=refund.succeeded&limit=2&starting_after=${second.body.next_cursor}`,
    );
    expect(third.body.data.map((e: { id: string }) => e.id)).toEqual([refunds[0]!.id]);
    expect(third.body).toMatchObject({ has_more: false, next_cursor: null });

    // Unfiltered pages are full, newest first, and end.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the page freely
      const page: { body: Record<string, any> } = await call(
        'GET',
        `/v1/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...refunds, ...captures].map((e) => e.id).reverse());
  });

  it('keeps to a created range, alone, with a type and across pages', async () => {
    const { emit, call, clock } = buildWebhooks();
    // Ids take the latest time minted in the process, wall-clock ids included: start ahead of it.
    clock.set(Math.ceil(Date.now() / 1000) * 1000 + 86_400_000);
    const second = (event: EventEnvelope) => Math.floor(Date.parse(event.time) / 1000);
    const events: EventEnvelope[] = [];
    for (let i = 0; i < 6; i++) {
      events.push(merchantEvent(clock, i % 2 === 0 ? 'payment.captured' : 'refund.succeeded'));
      clock.advance(60_000);
    }
    await emit(events);
    const ids = (body: Record<string, unknown>) => (body.data as Array<{ id: string }>).map((e) => e.id);
    const t = events.map(second);

    expect(ids((await call('GET', `/v1/events?created[gte]=${t[2]}&created[lte]=${t[4]}`)).body)).toEqual([
      events[4]!.id,
      events[3]!.id,
      events[2]!.id,
    ]);
    expect(ids((await call('GET', `/v1/events?created[gt]=${t[2]}&created[lt]=${t[4]}`)).body)).toEqual([
      events[3]!.id,
    ]);
    expect(ids((await call('GET', `/v1/events?created[gte]=${t[1]}&type=payment.captured`)).body)).toEqual([
      events[4]!.id,
      events[2]!.id,
    ]);
    expect(ids((await call('GET', `/v1/events?created[lt]=${t[0]}`)).body)).toEqual([]);
    expect(ids((await call('GET', `/v1/events?created[gte]=${t[4]}&created[lte]=${t[1]}`)).body)).toEqual([]);

    const first = await call('GET', `/v1/events?created[lte]=${t[4]}&created[gte]=${t[1]}&limit=2`);
    expect(ids(first.body)).toEqual([events[4]!.id, events[3]!.id]);
    const next = await call(
      'GET',
      `/v1/events?created[lte]=${t[4]}&created[gte]=${t[1]}&limit=2&starting_after=${first.body.next_cursor}`,
    );
    expect(ids(next.body)).toEqual([events[2]!.id, events[1]!.id]);
    expect(next.body.has_more).toBe(false);

    const bad = await call('GET', '/v1/events?created[gte]=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', param: 'created[gte]' });
  });

  it('still lists, shows and delivers events recorded the old way, merged in order with new ones', async () => {
    const { emit, call, store, clock, queue } = buildWebhooks();
    const receiver = await startReceiver(clock);
    cleanups.push(receiver.close);
    const old = [merchantEvent(clock), merchantEvent(clock, 'refund.succeeded')];
    // Written as the earlier fan-out did: its own record, the outbox item already dispatched.
    for (const event of old)
      await store.transact([
        legacyRecord(event),
        { type: 'put', item: { ...eventKey(event.id), kind: 'event', event } },
      ]);
    await store.transact([legacyRecord(merchantEvent(clock, 'payment.captured', 'mer_B'))]);
    const fresh = merchantEvent(clock);
    await emit([fresh]);

    const listed = await call('GET', '/v1/events?limit=2');
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([fresh.id, old[1]!.id]);
    const rest = await call('GET', `/v1/events?limit=2&starting_after=${listed.body.next_cursor}`);
    expect(rest.body.data.map((e: { id: string }) => e.id)).toEqual([old[0]!.id]);
    expect(rest.body.has_more).toBe(false);
    expect((await call('GET', '/v1/events?type=refund.succeeded')).body.data).toEqual([publicEvent(old[1]!)]);
    expect((await call('GET', `/v1/events/${old[0]!.id}`)).body).toEqual(publicEvent(old[0]!));
    expect((await call('GET', `/v1/events/${old[0]!.id}`, undefined, 'mer_B')).status).toBe(404);

    const endpoint = await call('POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['*'] });
    receiver.secrets.push(endpoint.body.secret);
    expect((await call('POST', `/v1/events/${old[0]!.id}/redeliver`, {})).status).toBe(202);
    await queue.drain();
    expect(receiver.received.map((r) => JSON.parse(r.body))).toEqual([publicEvent(old[0]!)]);
  });
});
