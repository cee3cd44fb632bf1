import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { maxDeliveryAttempts, retryDelaySeconds, retryDelaysSeconds } from './model.ts';
import { buildWebhooks, startReceiver } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(respond?: (n: number) => number, options: Parameters<typeof buildWebhooks>[0] = {}) {
  const webhooks = buildWebhooks(options);
  const receiver = await startReceiver(webhooks.clock, respond);
  cleanups.push(receiver.close);
  return { ...webhooks, receiver };
}

async function register(
  call: ReturnType<typeof buildWebhooks>['call'],
  url: string,
  events: string[] = ['*'],
  merchant = 'mer_A',
) {
  const { status, body } = await call('POST', '/v1/webhook-endpoints', { url, events }, merchant);
  expect(status).toBe(201);
  return body as { id: string; secret: string };
}

function paymentEvent(clock: ManualClock, type = 'payment.captured', merchant = 'mer_A') {
  return createEvent({
    type,
    source: 'payments',
    subject: 'pay_1',
    data: { object: { id: 'pay_1', object: 'payment', amount: 1000 } },
    merchant,
    now: clock.now(),
  });
}

describe('webhook retry schedule', () => {
  it('is the published one: 13 attempts over about 3 days, each delay within ±10 % jitter', () => {
    // Pinned by hand, not read from the code under test: a changed schedule must change this test.
    expect([...retryDelaysSeconds]).toEqual([
      60, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000, 18_000,
    ]);
    expect(maxDeliveryAttempts).toBe(13);
    expect(retryDelaysSeconds.reduce((sum, s) => sum + s, 0)).toBe(261_360); // 72.6 h
    expect(retryDelaySeconds(1, () => 0)).toBe(54);
    expect(retryDelaySeconds(1, () => 0.5)).toBe(60);
    expect(retryDelaySeconds(1, () => 0.999_999)).toBe(66);
    expect(retryDelaySeconds(4, () => 0.25)).toBe(6840);
    expect(retryDelaySeconds(12, () => 1)).toBe(19_800);
    // Past the schedule's end: its last delay.
    expect(retryDelaySeconds(40, () => 0.5)).toBe(18_000);
  });
});

describe('webhook delivery', () => {
  it('delivers a merchant event, signed, to each subscribed endpoint and records it', async () => {
    const { call, emit, queue, clock, receiver } = await setup();
    const endpoint = await register(call, receiver.url, ['payment.captured']);
    receiver.secrets.push(endpoint.secret);
    await register(call, receiver.url.replace('/hook', '/other'), ['refund.succeeded']);
    const event = paymentEvent(clock);
    const result = await emit([event]);
    expect(result.deliveries[0]!.failed).toEqual([]);
    await emit([event]); // at-least-once: a redelivered event fans out once
    await emit([event, event]); // even twice in one batch, whose deliveries run at once
    await queue.drain();

    expect(receiver.received).toHaveLength(1);
    const sent = JSON.parse(receiver.received[0]!.body);
    expect(sent).toEqual({
      id: event.id,
      object: 'event',
      type: 'payment.captured',
      created: Math.floor(clock.now() / 1000),
      livemode: false,
      data: event.data,
    });
    expect(receiver.received[0]!.verifiedWith).toEqual([endpoint.secret]);

    const listed = await call('GET', '/v1/events');
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([event.id]);
    expect((await call('GET', `/v1/events?type=refund.succeeded`)).body.data).toEqual([]);
    expect((await call('GET', `/v1/events/${event.id}`)).body.id).toBe(event.id);
    const deliveries = await call('GET', `/v1/events/${event.id}/deliveries`);
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0]).toMatchObject({
      event: event.id,
      event_type: 'payment.captured',
      endpoint: endpoint.id,
      status: 'succeeded',
      attempt_count: 1,
    });
    expect(deliveries.body.data[0].attempts[0]).toMatchObject({
      attempt: 1,
      url: receiver.url,
      response_status: 200,
      response_body: 'ok',
      error: null,
    });
  });

  it('keeps events and deliveries to their merchant', async () => {
    const { call, emit, clock, receiver } = await setup();
    await register(call, receiver.url);
    const event = paymentEvent(clock);
    await emit([event]);
    expect((await call('GET', `/v1/events/${event.id}`, undefined, 'mer_B')).status).toBe(404);
    expect((await call('GET', `/v1/events/${event.id}/deliveries`, undefined, 'mer_B')).status).toBe(404);
    expect((await call('POST', `/v1/events/${event.id}/redeliver`, {}, 'mer_B')).status).toBe(404);
    expect((await call('GET', '/v1/events', undefined, 'mer_B')).body.data).toEqual([]);
  });

  it('retries a failing receiver on the published schedule until it recovers', async () => {
    const { call, emit, queue, clock, receiver } = await setup((n) => (n <= 3 ? 500 : 200));
    const endpoint = await register(call, receiver.url);
    receiver.secrets.push(endpoint.secret);
    const event = paymentEvent(clock);
    await emit([event]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await queue.drain();
      expect(receiver.requests()).toBe(attempt);
      clock.advance(retryDelaysSeconds[attempt - 1]! * 1000 - 1000);
      await queue.drain();
      expect(receiver.requests()).toBe(attempt); // not before its time
      clock.advance(1000);
    }
    await queue.drain();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 4 });
    expect(delivery.attempts.map((a: { response_status: number }) => a.response_status)).toEqual([
      500, 500, 500, 200,
    ]);
    expect(delivery.attempts[0].response_body).toHaveLength(500);
    expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('dead-letters after the last attempt; a redelivery then reaches the recovered receiver', async () => {
    let isUp = false;
    const { call, emit, queue, clock, receiver } = await setup(() => (isUp ? 200 : 503));
    const endpoint = await register(call, receiver.url);
    receiver.secrets.push(endpoint.secret);
    const event = paymentEvent(clock);
    await emit([event]);
    for (let attempt = 1; attempt <= maxDeliveryAttempts; attempt++) {
      await queue.drain();
      clock.advance((retryDelaysSeconds[attempt - 1] ?? 0) * 1000);
    }
    await queue.drain();
    expect(receiver.requests()).toBe(maxDeliveryAttempts);
    const dead = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=dead`);
    expect(dead.body.data).toHaveLength(1);
    expect(dead.body.data[0]).toMatchObject({
      event: event.id,
      status: 'dead',
      attempt_count: maxDeliveryAttempts,
      next_attempt_at: null,
    });
    expect(
      (await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=pending`)).body.data,
    ).toEqual([]);

    isUp = true;
    const redelivered = await call('POST', `/v1/events/${event.id}/redeliver`, { endpoint: endpoint.id });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.data).toHaveLength(1);
    await queue.drain();
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body).id).toBe(event.id);
    const succeeded = await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=succeeded`);
    expect(succeeded.body.data.map((d: { id: string }) => d.id)).toEqual([redelivered.body.data[0].id]);
    // Redelivery to every subscribed endpoint when none is named.
    const all = await call('POST', `/v1/events/${event.id}/redeliver`, {});
    expect(all.body.data).toHaveLength(1);
  });

  it('loses no pending delivery across a restart on the same SQLite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-webhooks-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const clock = new ManualClock();
    let isUp = false;
    const first = await setup(() => (isUp ? 200 : 500), { store: new SqliteStore(path), clock });
    const endpoints = [
      await register(first.call, first.receiver.url),
      await register(first.call, first.receiver.url),
    ];
    first.receiver.secrets.push(...endpoints.map((e) => e.secret));
    const events = [paymentEvent(clock), paymentEvent(clock, 'refund.succeeded')];
    await first.emit(events);
    await first.queue.drain();
    expect(first.receiver.requests()).toBe(4);
    await first.store.close();

    isUp = true;
    const second = buildWebhooks({ store: new SqliteStore(path), clock });
    cleanups.push(() => second.store.close());
    clock.advance(retryDelaysSeconds[0] * 1000);
    await second.queue.drain();
    expect(first.receiver.received).toHaveLength(4);
    const delivered = first.receiver.received
      .map((r) => `${JSON.parse(r.body).id}/${r.verifiedWith[0]}`)
      .sort();
    expect(delivered).toEqual(events.flatMap((e) => endpoints.map((ep) => `${e.id}/${ep.secret}`)).sort());
  });

  it('signs with both secrets during a rotation, and with the new one alone after it', async () => {
    const { call, emit, queue, clock, receiver } = await setup();
    const endpoint = await register(call, receiver.url);
    const rotated = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      expires_in_seconds: 3600,
    });
    receiver.secrets.push(endpoint.secret, rotated.body.secret);
    await emit([paymentEvent(clock)]);
    await queue.drain();
    expect(receiver.received[0]!.signature.match(/v1=/g)).toHaveLength(2);
    expect(receiver.received[0]!.verifiedWith.sort()).toEqual([endpoint.secret, rotated.body.secret].sort());

    clock.advance(3601 * 1000);
    await emit([paymentEvent(clock)]);
    await queue.drain();
    expect(receiver.received[1]!.signature.match(/v1=/g)).toHaveLength(1);
    expect(receiver.received[1]!.verifiedWith).toEqual([rotated.body.secret]);
  });

  it('keeps at most one previous secret however often the secret is rotated', async () => {
    const { call, emit, queue, clock, receiver } = await setup();
    const endpoint = await register(call, receiver.url);
    const secrets = [endpoint.secret];
    for (let rotation = 0; rotation < 300; rotation++) {
      const rotated = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
        expires_in_seconds: 3600,
      });
      expect(rotated.status).toBe(200);
      secrets.push(rotated.body.secret);
    }
    receiver.secrets.push(...secrets);
    await emit([paymentEvent(clock)]);
    await queue.drain();
    expect(receiver.received).toHaveLength(1);
    // The newest and the one before it: the header stays small (300 signatures would overflow 16 KB).
    expect(receiver.received[0]!.signature.match(/v1=/g)).toHaveLength(2);
    expect(receiver.received[0]!.verifiedWith.sort()).toEqual(secrets.slice(-2).sort());
  });

  it('sends a test event to the one endpoint asked', async () => {
    const { call, queue, receiver } = await setup();
    const endpoint = await register(call, receiver.url, ['payment.failed']);
    const other = await register(call, receiver.url.replace('/hook', '/other'));
    receiver.secrets.push(endpoint.secret, other.secret);
    const sent = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(sent.status).toBe(202);
    expect(sent.body.delivery).toMatchObject({
      event: sent.body.event.id,
      event_type: 'test.webhook',
      endpoint: endpoint.id,
      status: 'pending',
    });
    await queue.drain();
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: 'test.webhook',
      id: sent.body.event.id,
    });
    expect(receiver.received[0]!.verifiedWith).toEqual([endpoint.secret]);
  });

  it('does not send to a disabled endpoint, nor to one whose URL now resolves to a private address', async () => {
    const { call, emit, queue, clock, receiver, deps } = await setup();
    const endpoint = await register(call, receiver.url);
    receiver.secrets.push(endpoint.secret);
    const event = paymentEvent(clock);
    await emit([event]);
    deps.allowPrivate = 'none'; // as if the host had been rebound to an internal address since registration
    await queue.drain();
    expect(receiver.requests()).toBe(0);
    const [delivery] = (await call('GET', `/v1/events/${event.id}/deliveries`)).body.data;
    expect(delivery.attempts[0].error).toMatch(/^refused: /);

    deps.allowPrivate = 'loopback';
    await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { status: 'disabled' });
    await emit([paymentEvent(clock)]);
    await call('POST', `/v1/events/${event.id}/redeliver`, { endpoint: endpoint.id });
    await queue.drain();
    expect(receiver.requests()).toBe(0);
  });

  it('ends, in one attempt, a delivery whose endpoint was disabled before it went out', async () => {
    const { call, emit, queue, clock, receiver } = await setup();
    const endpoint = await register(call, receiver.url);
    const event = paymentEvent(clock);
    await emit([event]); // fanned out while enabled
    await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { status: 'disabled' });
    await queue.drain();
    const dead = {
      status: 'dead',
      attempt_count: 1,
      next_attempt_at: null,
      attempts: [expect.objectContaining({ error: 'endpoint disabled', response_status: null })],
    };
    expect((await call('GET', `/v1/events/${event.id}/deliveries`)).body.data).toEqual([
      expect.objectContaining(dead),
    ]);
    // Final: no retry however long the schedule runs, even once the endpoint is enabled again.
    await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { status: 'enabled' });
    for (const delay of retryDelaysSeconds) {
      clock.advance(delay * 1000 * 2);
      await queue.drain();
    }
    expect(receiver.requests()).toBe(0);
    expect((await call('GET', `/v1/events/${event.id}/deliveries`)).body.data).toEqual([
      expect.objectContaining(dead),
    ]);
  });

  it('never writes a secret to the logs', async () => {
    const { call, emit, queue, clock, receiver, logLines } = await setup((n) => (n === 1 ? 500 : 200));
    const endpoint = await register(call, receiver.url);
    const rotated = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {});
    receiver.secrets.push(rotated.body.secret);
    await emit([paymentEvent(clock)]);
    await queue.drain();
    clock.advance(retryDelaysSeconds[0] * 1000);
    await queue.drain();
    expect(receiver.received).toHaveLength(1);
    expect(logLines.length).toBeGreaterThan(3);
    for (const line of logLines) {
      expect(line).not.toContain(endpoint.secret);
      expect(line).not.toContain(rotated.body.secret);
      expect(line).not.toContain('whsec_');
    }
  });
});
