import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../kernel/events.ts';
import { buildWebhooks, startReceiver } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("an endpoint's delivery log and health", () => {
  it('lists deliveries newest first whatever their status, pages by id, and reports health', async () => {
    const { call, emit, queue, clock } = buildWebhooks();
    // The first request fails (a 503, retried later); the rest succeed.
    const receiver = await startReceiver(clock, (n) => (n === 1 ? 503 : 200));
    cleanups.push(receiver.close);
    const created = await call('POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['*'] });
    const endpoint = created.body as { id: string; secret: string };
    receiver.secrets.push(endpoint.secret);

    const fresh = await call('GET', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(fresh.body.health).toEqual({
      last_success_at: null,
      failure_rate: null,
      attempts: 0,
      pending: 0,
      dead: 0,
    });

    const events = [];
    for (let n = 0; n < 3; n++) {
      clock.advance(1000);
      const event = createEvent({
        type: 'payment.captured',
        source: 'payments',
        subject: `pay_${n}`,
        data: { object: { id: `pay_${n}`, object: 'payment', amount: 1000 + n } },
        merchant: 'mer_A',
        now: clock.now(),
      });
      events.push(event);
      await emit([event]);
      await queue.drain();
    }
    // The oldest failed once and waits to retry; the two newer succeeded.
    const log = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(log.body.data.map((d: { event: string }) => d.event)).toEqual(events.map((e) => e.id).reverse());
    expect(log.body.data.map((d: { status: string }) => d.status)).toEqual([
      'succeeded',
      'succeeded',
      'pending',
    ]);
    expect(log.body.data[2]).toMatchObject({ attempt_count: 1, next_attempt_at: expect.any(String) });

    // A test delivery goes to the top, and stays there once it succeeds.
    const test = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, {});
    expect(test.status).toBe(202);
    const queued = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(queued.body.data[0].id).toBe(test.body.delivery.id);
    await queue.drain();
    const delivered = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(delivered.body.data[0]).toMatchObject({ id: test.body.delivery.id, status: 'succeeded' });

    // Paging: two at a time, by the last id, covers all four once.
    const first = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2`);
    expect(first.body).toMatchObject({ has_more: true });
    const second = await call(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2&starting_after=${first.body.next_cursor}`,
    );
    expect([...first.body.data, ...second.body.data].map((d: { id: string }) => d.id)).toEqual(
      delivered.body.data.map((d: { id: string }) => d.id),
    );
    expect(second.body.has_more).toBe(false);

    // Health: 1 failed attempt of 4, the last success the test delivery's.
    const listed = await call('GET', '/v1/webhook-endpoints');
    const health = listed.body.data[0].health;
    expect(health).toMatchObject({ failure_rate: 0.25, attempts: 4, pending: 1, dead: 0 });
    expect(health.last_success_at).toBe(delivered.body.data[0].attempts[0].at);
  });
});
