import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../kernel/events.ts';
import type { ManualClock } from '../kernel/clock.ts';
import { handleDeliveryMessage } from './delivery.ts';
import { EndpointGate, maxOpenPerSlowEndpoint } from './endpoint-gate.ts';
import { defaultDeliveryHoldMs, retryDelaysSeconds } from './model.ts';
import { buildWebhooks, startHangingServer, startReceiver } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function captured(clock: ManualClock, merchant: string, n: number) {
  return createEvent({
    type: 'payment.captured',
    source: 'payments',
    subject: `pay_${n}`,
    data: { object: { id: `pay_${n}`, object: 'payment', amount: 1000 } },
    merchant,
    now: clock.now(),
  });
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('webhook delivery isolation', () => {
  it("delivers a healthy merchant's event while another merchant's 16 hanging endpoints are still pending", async () => {
    const webhooks = buildWebhooks();
    const { call, emit, queue, clock } = webhooks;
    webhooks.deps.deliveryHoldMs = defaultDeliveryHoldMs;
    const hanging = await startHangingServer();
    const healthy = await startReceiver(clock);
    cleanups.push(healthy.close, hanging.close, () => queue.stop());

    for (let n = 0; n < 16; n++) {
      const created = await call(
        'POST',
        '/v1/webhook-endpoints',
        { url: `${hanging.url}/h${n}`, events: ['*'] },
        'mer_X',
      );
      expect(created.status).toBe(201);
    }
    const endpoint = await call(
      'POST',
      '/v1/webhook-endpoints',
      { url: healthy.url, events: ['*'] },
      'mer_H',
    );
    healthy.secrets.push(endpoint.body.secret);

    // 100 attacker events (1,600 deliveries to hanging endpoints) queued ahead of the healthy one.
    for (let n = 0; n < 100; n++) await emit([captured(clock, 'mer_X', n)]);
    const event = captured(clock, 'mer_H', 1000);
    await emit([event]);
    queue.start();

    // The hanging requests time out after deliveryTimeoutMs; until the first one does, nothing of
    // the attacker's is recorded. Wait for the healthy delivery or for that, whichever is first.
    const attackerAttempts = async () => {
      const listed = await call('GET', '/v1/webhook-endpoints', undefined, 'mer_X');
      let attempts = 0;
      for (const ep of listed.body.data as Array<{ id: string }>) {
        const page = await call(
          'GET',
          `/v1/webhook-endpoints/${ep.id}/deliveries?limit=100`,
          undefined,
          'mer_X',
        );
        for (const delivery of page.body.data as Array<{ attempt_count: number }>)
          attempts += delivery.attempt_count;
      }
      return attempts;
    };
    await until(async () => healthy.received.length > 0 || (await attackerAttempts()) > 0);

    expect(healthy.received.map((r) => JSON.parse(r.body).id)).toEqual([event.id]);
    expect(await attackerAttempts()).toBe(0); // every hanging request still open or not yet made
    expect(hanging.openNow()).toBeGreaterThan(0);
    // One request per endpoint per event: once an endpoint is known slow it gets no more than this.
    expect(hanging.maxOpenOnOnePath()).toBeLessThanOrEqual(maxOpenPerSlowEndpoint);
    // The receiver has it; the delivery's record follows its answer (a moment later under load).
    const deliveryOf = async () =>
      (await call('GET', `/v1/events/${event.id}/deliveries`, undefined, 'mer_H')).body.data[0];
    await until(async () => (await deliveryOf()).status !== 'pending');
    expect(await deliveryOf()).toMatchObject({ status: 'succeeded', attempt_count: 1 });
  });

  it('records a POST that outlasts the hold in the background, and retires its message without using up receives', async () => {
    const webhooks = buildWebhooks();
    const { call, emit, queue, clock } = webhooks;
    webhooks.deps.deliveryHoldMs = 20;
    const slow = await startReceiver(clock, () => 200, 1000);
    cleanups.push(slow.close);
    const endpoint = await call('POST', '/v1/webhook-endpoints', { url: slow.url, events: ['*'] });
    slow.secrets.push(endpoint.body.secret);
    const events = [captured(clock, 'mer_A', 1), captured(clock, 'mer_A', 2)];
    await emit(events);

    await queue.drain(); // answers the queue while both POSTs still run
    const status = async () =>
      Promise.all(
        events.map(
          async (event) => (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data[0].status,
        ),
      );
    expect(await status()).toEqual(['pending', 'pending']);
    await until(async () => (await status()).every((s) => s === 'succeeded'));
    expect(slow.received).toHaveLength(2);

    // The messages that replaced them come back after the POST timeout, find the work done and go.
    clock.advance(60_000);
    await queue.drain();
    expect(await queue.listDead('webhook-deliveries')).toMatchObject({ items: [] });
    expect(await queue.drain()).toBe(0);
    expect(slow.requests()).toBe(2);
    const [delivery] = (await call('GET', `/v1/events/${events[0]!.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1 });
  });

  it('lets a delivery held back by its unresponsive endpoint die once its whole schedule has passed', async () => {
    const webhooks = buildWebhooks();
    const { call, emit, clock, deps } = webhooks;
    const endpoint = await call('POST', '/v1/webhook-endpoints', {
      url: 'http://127.0.0.1:9/h',
      events: ['*'],
    });
    const event = captured(clock, 'mer_A', 1);
    await emit([event]);
    const [pending] = (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data;
    // The endpoint keeps failing to answer: every try finds it backing off.
    const gate = new EndpointGate({ now: () => 0 });
    gate.admit(endpoint.body.id, 'del_other', 10_000);
    gate.release(endpoint.body.id, 'del_other', 'unresponsive');
    const message = {
      id: pending.id,
      queue: 'webhook-deliveries',
      body: { delivery_id: pending.id },
      receiveCount: 1,
      sentAt: clock.now(),
    };

    expect(await handleDeliveryMessage(deps, message, gate)).toBeUndefined(); // deferred
    expect((await call('GET', `/v1/events/${event.id}/deliveries`)).body.data[0].status).toBe('pending');
    clock.advance(retryDelaysSeconds.reduce((sum, s) => sum + s, 0) * 1000 + 1000);
    expect(await handleDeliveryMessage(deps, message, gate)).toBeUndefined();
    const [dead] = (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data;
    expect(dead).toMatchObject({ status: 'dead', attempt_count: 1, next_attempt_at: null });
    expect(dead.attempts[0].error).toMatch(/not attempted/);
  });
});
