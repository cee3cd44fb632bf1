import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEvent } from '../kernel/events.ts';
import type { ManualClock } from '../kernel/clock.ts';
import { handleDeliveryMessage } from './delivery.ts';
import { EndpointGate, maxOpenPerSlowEndpoint } from './endpoint-gate.ts';
import { defaultDeliveryHoldMs, maxQueueDelaySeconds, retryDelaysSeconds } from './model.ts';
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

/**
 * A POST timeout no run of these tests outlasts: a request to an endpoint that never answers stays
 * open until the test closes it, so what the test waits for does not race the timeout.
 */
const unendingTimeoutMs = 3_600_000;
/** Only a guard against a hang: what the tests wait for happens however slow the machine is. */
const hangGuard = { timeout: 90_000, interval: 20 };

describe('webhook delivery isolation', () => {
  it("delivers a healthy merchant's event while another merchant's 16 hanging endpoints are still pending", {
    timeout: 120_000,
  }, async () => {
    const webhooks = buildWebhooks();
    const { call, emit, queue, clock } = webhooks;
    webhooks.deps.deliveryHoldMs = defaultDeliveryHoldMs;
    // The hanging requests end only when the test closes their server: the healthy event gets
    // through only if the worker does not wait for them.
    webhooks.deps.deliveryTimeoutMs = unendingTimeoutMs;
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
    const deliveryOf = async () =>
      (await call('GET', `/v1/events/${event.id}/deliveries`, undefined, 'mer_H')).body.data[0];
    await vi.waitFor(async () => expect((await deliveryOf()).status).not.toBe('pending'), hangGuard);
    expect(await deliveryOf()).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(healthy.received.map((r) => JSON.parse(r.body).id)).toEqual([event.id]);
    // The attacker's events were queued first: each endpoint got its slow endpoint's share of
    // requests, which are open on the hanging server (once they have reached it), and none ended.
    await vi.waitFor(() => expect(hanging.openNow()).toBe(16 * maxOpenPerSlowEndpoint), hangGuard);
    expect(hanging.requests()).toBe(16 * maxOpenPerSlowEndpoint);
    expect(hanging.maxOpenOnOnePath()).toBe(maxOpenPerSlowEndpoint);
    expect(await attackerAttempts()).toBe(0);
  });

  it('records a POST that outlasts the hold in the background, and retires its message without using up receives', async () => {
    const webhooks = buildWebhooks();
    const { call, emit, queue, clock } = webhooks;
    webhooks.deps.deliveryHoldMs = 20;
    webhooks.deps.deliveryTimeoutMs = unendingTimeoutMs;
    // The receiver answers when the test says so: the hold has passed by then, however long it took.
    let answer = () => {};
    const slow = await startReceiver(clock, () => 200, new Promise<void>((resolve) => (answer = resolve)));
    cleanups.push(slow.close);
    const endpoint = await call('POST', '/v1/webhook-endpoints', { url: slow.url, events: ['*'] });
    slow.secrets.push(endpoint.body.secret);
    const events = [captured(clock, 'mer_A', 1), captured(clock, 'mer_A', 2)];
    await emit(events);

    await queue.drain(); // answers the queue while both POSTs wait for their answer
    const status = async () =>
      Promise.all(
        events.map(
          async (event) => (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data[0].status,
        ),
      );
    expect(await status()).toEqual(['pending', 'pending']);
    await vi.waitFor(() => expect(slow.requests()).toBe(2), hangGuard);
    answer();
    await vi.waitFor(async () => expect(await status()).toEqual(['succeeded', 'succeeded']), hangGuard);
    expect(slow.received).toHaveLength(2);

    // The messages that replaced them come back after the POST timeout (at most SQS's longest
    // delay later), find the work done and go.
    clock.advance(maxQueueDelaySeconds * 1000);
    await queue.drain();
    expect(await queue.listDead('webhook-deliveries')).toMatchObject({ items: [] });
    expect(await queue.drain()).toBe(0);
    expect(slow.requests()).toBe(2);
    const [delivery] = (await call('GET', `/v1/events/${events[0]!.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1 });
  });

  it('records a POST its endpoint never answers as timed out after the timeout the deps set', async () => {
    const webhooks = buildWebhooks();
    const { call, emit, queue, clock } = webhooks;
    webhooks.deps.deliveryTimeoutMs = 50;
    const hanging = await startHangingServer();
    cleanups.push(hanging.close);
    await call('POST', '/v1/webhook-endpoints', { url: `${hanging.url}/h`, events: ['*'] });
    const event = captured(clock, 'mer_A', 1);
    await emit([event]);

    // The harness's worker waits for each POST; this one only its timeout can end.
    await queue.drain();
    const [delivery] = (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect(delivery.attempts[0]).toMatchObject({ response_status: null, error: 'timed out after 50 ms' });
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
