import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates, type TLSSocket } from 'node:tls';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ManualClock } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { eventKey } from '../platform/outbox.ts';
import type { OutgoingMessage } from '../platform/queue.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { handleDeliveryMessage } from './delivery.ts';
import { EndpointGate } from './endpoint-gate.ts';
import { deliveryQueueName, deliveryScheduleMs } from './model.ts';
import { readDelivery } from './store.ts';
import { buildWebhooks, startHangingServer } from './test-support.ts';

/**
 * One delivery attempt's cases mutation testing found unpinned (docs/testing.md): what the worker
 * returns to the queue, logs and records for success, retry, a deleted endpoint and a 3xx; the
 * request it sends; the response snippet of an answer that never ends; a timeout and a refused
 * connection backing the endpoint off; a message not yet due, and one deferred while its POST is
 * still open. Real HTTP on loopback, the webhooks harness, a manual clock.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
}

/** A receiver on 127.0.0.1 whose answer to each request is `answer(res, n)` (n from 1). */
async function receiver(answer: (res: ServerResponse, n: number) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => answer(res, seen.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

/** The harness with one endpoint at `url` and one event fanned out to it: its pending delivery. */
async function oneDelivery(url: string, store?: Store) {
  const webhooks = buildWebhooks(store ? { store } : {});
  const sent: OutgoingMessage[] = [];
  const queue = webhooks.deps.queue;
  const deps = {
    ...webhooks.deps,
    // The real queue, its sends recorded: a deferral is a fresh message.
    queue: Object.assign(Object.create(queue) as typeof queue, {
      sendOperation: (name: string, message: OutgoingMessage) => {
        sent.push(message);
        return queue.sendOperation(name, message);
      },
    }),
  };
  const endpoint = await webhooks.call('POST', '/v1/webhook-endpoints', { url, events: ['*'] });
  expect(endpoint.status).toBe(201);
  const event = captured(webhooks.clock);
  await webhooks.emit([event]);
  const listed = await webhooks.call('GET', `/v1/events/${event.id}/deliveries`);
  const deliveryId: string = listed.body.data[0].id;
  const gate = new EndpointGate({ now: () => webhooks.clock.now(), random: () => 0.5 });
  const handle = () =>
    handleDeliveryMessage(
      deps,
      {
        id: 'msg_1',
        queue: deliveryQueueName,
        body: { delivery_id: deliveryId },
        receiveCount: 1,
        sentAt: 0,
      },
      gate,
    );
  const delivery = async () =>
    (await webhooks.call('GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`)).body.data[0];
  const logs = () => webhooks.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    ...webhooks,
    deps,
    sent,
    gate,
    handle,
    delivery,
    logs,
    deliveryId,
    eventId: event.id,
    endpointId: endpoint.body.id as string,
  };
}

function captured(clock: ManualClock) {
  return createEvent({
    type: 'payment.captured',
    source: 'payments',
    subject: 'pay_1',
    data: { object: { id: 'pay_1', object: 'payment', amount: 1000 } },
    merchant: 'mer_A',
    now: clock.now(),
  });
}

describe('one delivery attempt', () => {
  it('POSTs JSON as Sluice-Webhooks/1, signed', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle } = await oneDelivery(target.url);
    await handle();
    expect(target.seen).toHaveLength(1);
    expect(target.seen[0]!.method).toBe('POST');
    expect(target.seen[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Sluice-Webhooks/1',
    });
    expect(target.seen[0]!.headers['sluice-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('tells the queue when to retry a failure, says it is not due before then, and logs each outcome', async () => {
    const target = await receiver((res, n) => {
      res.statusCode = n === 1 ? 500 : 200;
      res.end();
    });
    const { handle, delivery, logs, clock, deliveryId } = await oneDelivery(target.url);
    const start = clock.now();
    // random 0.5: the first delay is the schedule's 60 s exactly.
    expect(await handle()).toEqual({ retryAfterSeconds: 60, error: 'HTTP 500' });
    expect(await delivery()).toMatchObject({
      status: 'pending',
      next_attempt_at: new Date(start + 60_000).toISOString(),
    });
    expect(logs().at(-1)).toMatchObject({
      level: 'info',
      message: 'webhook attempt failed, will retry',
      delivery_id: deliveryId,
      attempt: 1,
      response_status: 500,
      retry_in_seconds: 60,
    });
    clock.advance(30_000);
    expect(await handle()).toEqual({ retryAfterSeconds: 30, error: 'not due yet' });
    expect(target.seen).toHaveLength(1);
    clock.advance(30_000);
    expect(await handle()).toBeUndefined();
    expect(await delivery()).toMatchObject({ status: 'succeeded', next_attempt_at: null, attempt_count: 2 });
    expect(logs().at(-1)).toMatchObject({ level: 'info', message: 'webhook delivered', attempt: 2 });
  });

  it('takes a redirect (3xx) as a failure to retry', async () => {
    const target = await receiver((res) => {
      res.statusCode = 300;
      res.end();
    });
    const { handle, delivery } = await oneDelivery(target.url);
    expect(await handle()).toEqual({ retryAfterSeconds: 60, error: 'HTTP 300' });
    expect((await delivery()).status).toBe('pending');
  });

  it('ends a delivery whose endpoint was deleted in one attempt, without a URL, and logs it dead', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, delivery, logs, call, endpointId, store, gate } = await oneDelivery(target.url);
    const before = await delivery();
    expect((await call('DELETE', `/v1/webhook-endpoints/${endpointId}`)).status).toBeLessThan(300);
    expect(await handle()).toBeUndefined();
    expect(target.seen).toHaveLength(0);
    const after = logs().at(-1);
    expect(after).toMatchObject({
      level: 'warn',
      message: 'webhook delivery dead after its last attempt',
      delivery_id: before.id,
      error: 'endpoint deleted',
    });
    expect((await readDelivery(store, before.id))!.attempts).toMatchObject([
      { url: '', error: 'endpoint deleted' },
    ]);
    // Nothing was asked of the endpoint, so nothing counts against it.
    expect(gate.admit(endpointId, 'del_next', 10_000)).toEqual({ isAdmitted: true });
  });

  it('keeps the first 500 bytes of an answer that never ends, without waiting for its end', async () => {
    const target = await receiver((res) => {
      res.writeHead(200);
      res.write('a'.repeat(300));
      setTimeout(() => res.write('b'.repeat(200)), 20); // exactly 500, and the answer stays open
    });
    const { handle, delivery } = await oneDelivery(target.url);
    expect(await handle()).toBeUndefined();
    const { attempts } = await delivery();
    expect(attempts[0]).toMatchObject({ response_status: 200, error: null });
    expect(attempts[0].response_body).toBe(`${'a'.repeat(300)}${'b'.repeat(200)}`);
  });

  it('backs an endpoint off after a refused connection, not after an answer', async () => {
    const listening = await receiver((res) => res.end());
    const answering = await oneDelivery(listening.url);
    await answering.handle();
    expect(answering.gate.admit(answering.endpointId, 'del_next', 10_000)).toEqual({ isAdmitted: true });

    // A port nobody listens on: the connection is refused at once.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = await oneDelivery(`http://127.0.0.1:${port}/hook`);
    const outcome = await refused.handle();
    expect(outcome).toMatchObject({ retryAfterSeconds: 60, error: expect.stringContaining('ECONNREFUSED') });
    expect(refused.gate.admit(refused.endpointId, 'del_next', 10_000)).toMatchObject({ isAdmitted: false });
  });

  it('times an answer out after 10 s, and backs the endpoint off', async () => {
    const hanging = await startHangingServer();
    cleanups.push(hanging.close);
    const { handle, delivery, gate, endpointId } = await oneDelivery(`${hanging.url}/slow`);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const attempt = handle();
    while (hanging.requests() === 0) await new Promise((resolve) => setImmediate(resolve));
    // Connected: past the 3 s connect timeout, still waiting for the answer.
    await vi.advanceTimersByTimeAsync(9_999);
    expect(hanging.openNow()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expectGaveUpSlow(await attempt, delivery, gate, endpointId, 'timed out after 10000 ms');
  });

  it('defers a delivery whose POST is still open: a fresh message when that POST has timed out', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, gate, sent, endpointId, deliveryId } = await oneDelivery(target.url);
    gate.admit(endpointId, deliveryId, 10_000); // another worker's POST of it, open for 10 s more
    expect(await handle()).toBeUndefined();
    expect(target.seen).toHaveLength(0);
    const deferred = sent.filter((message) => message.id.startsWith(`${deliveryId}.`));
    expect(deferred).toMatchObject([{ body: { delivery_id: deliveryId }, delaySeconds: 11 }]);
  });
  it('takes a retry back up to half a second early as due', async () => {
    const target = await receiver((res) => {
      res.statusCode = 500;
      res.end();
    });
    const { handle, clock } = await oneDelivery(target.url);
    const start = clock.now();
    await handle();
    clock.set(start + 60_000 - 501);
    expect(await handle()).toEqual({ retryAfterSeconds: 1, error: 'not due yet' });
    clock.set(start + 60_000 - 500);
    await handle();
    expect(target.seen).toHaveLength(2);
  });

  it('records the latency it measured, no more than the attempt took', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, delivery } = await oneDelivery(target.url);
    const before = performance.now();
    await handle();
    const took = performance.now() - before;
    const { latency_ms } = (await delivery()).attempts[0];
    expect(latency_ms).toBeGreaterThanOrEqual(0);
    expect(latency_ms).toBeLessThanOrEqual(Math.ceil(took));
  });

  it('records an attempt once when two workers make it at the same time; the other returns quietly', async () => {
    const target = await receiver((res) => {
      res.statusCode = 500;
      res.end();
    });
    const { deps, delivery, deliveryId } = await oneDelivery(target.url);
    const message = {
      id: 'msg_1',
      queue: deliveryQueueName,
      body: { delivery_id: deliveryId },
      receiveCount: 1,
      sentAt: 0,
    };
    const outcomes = await Promise.all([
      handleDeliveryMessage(deps, message, new EndpointGate()),
      handleDeliveryMessage(deps, message, new EndpointGate()),
    ]);
    expect(target.seen).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(await delivery()).toMatchObject({ status: 'pending', attempt_count: 1 });
  });

  it('lets a delivery its backed-off endpoint held back die when the schedule has run out, and logs it', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, delivery, logs, gate, clock, endpointId, deliveryId, sent } = await oneDelivery(
      target.url,
    );
    const backOff = () => {
      gate.admit(endpointId, 'del_other', 10_000);
      gate.release(endpointId, 'del_other', 'unresponsive');
    };
    clock.advance(deliveryScheduleMs);
    backOff();
    expect(await handle()).toBeUndefined(); // exactly at the schedule's end: deferred, still alive
    expect((await delivery()).status).toBe('pending');
    expect(sent.filter((message) => message.id.startsWith(`${deliveryId}.`))).toHaveLength(1);
    clock.advance(1);
    expect(await handle()).toBeUndefined();
    expect(target.seen).toHaveLength(0);
    expect(await delivery()).toMatchObject({ status: 'dead', attempt_count: 1 });
    expect(logs().at(-1)).toMatchObject({
      level: 'warn',
      message: 'webhook delivery dead: its endpoint never answered within the schedule',
      delivery_id: deliveryId,
      endpoint_id: endpointId,
    });
  });
});

/** A request the receiver holds open until the test answers it. */
interface HeldRequest {
  answer: (status: number, body: string) => void;
}

/** A receiver that holds every request until the test answers it: a POST that outlasts the hold. */
async function holdingReceiver() {
  const held: HeldRequest[] = [];
  const target = await receiver((res) => {
    held.push({ answer: (status, body) => res.writeHead(status).end(body) });
  });
  return { ...target, held };
}

/** Turns of the event loop until `condition` holds (what the test waits for does happen: no timing). */
/**
 * An attempt that got no answer in time: retried in a minute, recorded with `error` and no status,
 * and its endpoint held back from the next delivery.
 */
async function expectGaveUpSlow(
  outcome: unknown,
  delivery: () => Promise<{ attempts: unknown[] }>,
  gate: EndpointGate,
  endpointId: string,
  error: string,
): Promise<void> {
  expect(outcome).toEqual({ retryAfterSeconds: 60, error });
  expect((await delivery()).attempts[0]).toMatchObject({ response_status: null, error });
  expect(gate.admit(endpointId, 'del_next', 10_000)).toMatchObject({ isAdmitted: false });
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The real SQLite store, its writes made to fail on demand as a full disk would (not a lost race:
 * not a `TransactionCanceledError`). `failed` resolves once a write was refused.
 */
function storeFailingWrites(failsWrite: (operations: WriteOperation[]) => boolean) {
  const inner = new SqliteStore(':memory:');
  let isFailing = false;
  let refused: () => void = () => {};
  const failed = new Promise<void>((resolve) => (refused = resolve));
  const store: Store = {
    consistentIndexes: inner.consistentIndexes,
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    transact: (operations) => {
      if (!isFailing || !failsWrite(operations)) return inner.transact(operations);
      refused();
      return Promise.reject(new Error('disk I/O error'));
    },
    close: () => inner.close(),
  };
  return { store, failed, failFromNow: () => (isFailing = true) };
}

/** A write that records a delivery attempt (or a give-up). */
const isAttemptRecord = (operations: WriteOperation[]) =>
  operations.some((operation) => operation.type === 'update' && operation.set?.attempt_count !== undefined);

/**
 * A TCP listener whose connections are never accepted: it listens (backlog 1) on a worker thread
 * whose event loop is then blocked, and two connections fill its accept queue, so the kernel drops
 * the next SYN and that connect stays pending (Linux keeps backlog + 1 connections waiting).
 */
async function unacceptingListener() {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(workerData, 0, 0);
     });`,
    { eval: true, workerData: release },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers: Socket[] = [];
  cleanups.push(async () => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(release, 0, 1);
    Atomics.notify(release, 0);
    await worker.terminate();
  });
  for (let n = 0; n < 2; n++) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
  }
  return { url: `http://127.0.0.1:${port}/hook` };
}

describe('a POST that outlasts the hold', () => {
  it('is left running: the endpoint is slow, the message comes back when the POST has timed out, and a late answer keeps it slow', async () => {
    const target = await holdingReceiver();
    const { handle, deps, gate, sent, endpointId, deliveryId, delivery } = await oneDelivery(target.url);
    // The hold's timer and `performance.now()` are faked: the POST starts 1 s into that clock, is
    // open when the hold ends 1.5 s later, and is answered 1 s after that.
    deps.deliveryHoldMs = 1500;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(1000);
    const handled = handle();
    await until(() => target.held.length === 1);
    vi.advanceTimersByTime(1500);
    expect(await handled).toBeUndefined();
    expect(gate.isSlow(endpointId)).toBe(true);
    const deferred = sent.filter((message) => message.id.startsWith(`${deliveryId}.`));
    // The POST's 10 s timeout less the 1.5 s it has run, rounded up, plus 1.
    expect(deferred).toMatchObject([{ body: { delivery_id: deliveryId }, delaySeconds: 10 }]);

    vi.advanceTimersByTime(1000);
    target.held[0]!.answer(200, 'ok');
    await until(async () => (await delivery()).status === 'succeeded');
    expect(gate.isSlow(endpointId)).toBe(true);
  });

  it("holds the request slot, and sends the message that replaces it, for the deps' POST timeout", async () => {
    const hanging = await startHangingServer();
    cleanups.push(hanging.close);
    const { handle, deps, gate, sent, deliveryId } = await oneDelivery(`${hanging.url}/slow`);
    deps.deliveryHoldMs = 0;
    deps.deliveryTimeoutMs = 30_000;
    // `performance.now()` stands still: the POST has run no time when it is left running.
    vi.useFakeTimers({ toFake: ['performance'] });
    expect(await handle()).toBeUndefined();
    expect(gate.openRequestSeconds(deliveryId)).toBe(30); // the gate's clock is the test's
    const deferred = sent.filter((message) => message.id.startsWith(`${deliveryId}.`));
    expect(deferred).toMatchObject([{ body: { delivery_id: deliveryId }, delaySeconds: 31 }]);
  });

  it('keeps an endpoint that answered within the hold quick, and leaves no timer running', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, deps, gate, endpointId } = await oneDelivery(target.url);
    // The hold's timer and `performance.now()` are faked, and the POST starts 1 s into that clock
    // and takes no time on it: the answer always comes within the hold.
    deps.deliveryHoldMs = 1500;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(1000);
    expect(await handle()).toBeUndefined();
    expect(gate.isSlow(endpointId)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('still backs off an endpoint that refused the connection after the hold', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { handle, deps, gate, endpointId, delivery } = await oneDelivery(`http://127.0.0.1:${port}/hook`);
    deps.deliveryHoldMs = 0;
    await handle();
    await until(async () => (await delivery()).attempt_count === 1);
    expect((await delivery()).attempts[0].error).toContain('ECONNREFUSED');
    expect(gate.admit(endpointId, 'del_next', 10_000)).toMatchObject({ isAdmitted: false });
  });

  it('logs the attempt that finished in the background but could not be recorded', async () => {
    const target = await holdingReceiver();
    const failing = storeFailingWrites(isAttemptRecord);
    const { handle, deps, logs, deliveryId } = await oneDelivery(target.url, failing.store);
    deps.deliveryHoldMs = 0;
    failing.failFromNow();
    expect(await handle()).toBeUndefined();
    await until(() => target.held.length === 1);
    target.held[0]!.answer(200, 'ok');
    await failing.failed;
    // The failed write's rejection reaches the log within this turn's promise jobs.
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs().at(-1)).toMatchObject({
      level: 'error',
      message: 'webhook attempt failed to record',
      delivery_id: deliveryId,
      error: 'disk I/O error',
    });
  });
});

describe('an attempt whose record cannot be written', () => {
  it('fails the message (the queue retries it) when the write fails for another reason than a lost race', async () => {
    const target = await receiver((res) => res.end('ok'));
    const failing = storeFailingWrites(isAttemptRecord);
    const { handle, delivery, logs } = await oneDelivery(target.url, failing.store);
    failing.failFromNow();
    await expect(handle()).rejects.toThrow('disk I/O error');
    expect(target.seen).toHaveLength(1);
    expect(await delivery()).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(logs().some((line) => line.message === 'webhook delivered')).toBe(false);
  });
});

describe('a give-up (the endpoint held back until the schedule ran out)', () => {
  /** The harness at the end of its delivery's schedule, the endpoint backing off in `gate`. */
  async function pastTheSchedule(store?: Store) {
    const target = await receiver((res) => res.end('ok'));
    const webhooks = await oneDelivery(target.url, store);
    webhooks.clock.advance(deliveryScheduleMs + 1);
    const backOff = (gate: EndpointGate) => {
      gate.admit(webhooks.endpointId, 'del_other', 10_000);
      gate.release(webhooks.endpointId, 'del_other', 'unresponsive');
    };
    backOff(webhooks.gate);
    return { ...webhooks, target, backOff };
  }

  it('records no URL for an endpoint deleted since', async () => {
    const { handle, call, endpointId, deliveryId, store, target } = await pastTheSchedule();
    expect((await call('DELETE', `/v1/webhook-endpoints/${endpointId}`)).status).toBeLessThan(300);
    expect(await handle()).toBeUndefined();
    expect(target.seen).toHaveLength(0);
    expect(await readDelivery(store, deliveryId)).toMatchObject({
      status: 'dead',
      attempts: [{ url: '', response_status: null }],
    });
  });

  it('is recorded once when two workers give up together; the other returns quietly', async () => {
    const { deps, backOff, deliveryId, store, logs } = await pastTheSchedule();
    const message = {
      id: 'msg_1',
      queue: deliveryQueueName,
      body: { delivery_id: deliveryId },
      receiveCount: 1,
      sentAt: 0,
    };
    const gates = [new EndpointGate(), new EndpointGate()];
    for (const gate of gates) backOff(gate);
    const outcomes = await Promise.all(gates.map((gate) => handleDeliveryMessage(deps, message, gate)));
    expect(outcomes).toEqual([undefined, undefined]);
    expect(await readDelivery(store, deliveryId)).toMatchObject({ status: 'dead', attempt_count: 1 });
    expect(logs().filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('fails the message when its record cannot be written for another reason than a lost race', async () => {
    const failing = storeFailingWrites(isAttemptRecord);
    const { handle, deliveryId, store, logs } = await pastTheSchedule(failing.store);
    failing.failFromNow();
    await expect(handle()).rejects.toThrow('disk I/O error');
    expect(await readDelivery(store, deliveryId)).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(logs().filter((line) => line.level === 'warn')).toHaveLength(0);
  });
});

describe('the edges of one POST', () => {
  it('ends a delivery whose event is gone, in one attempt, saying so', async () => {
    const target = await receiver((res) => res.end('ok'));
    const { handle, store, eventId, deliveryId } = await oneDelivery(target.url);
    await store.transact([{ type: 'delete', key: eventKey(eventId) }]);
    expect(await handle()).toBeUndefined();
    expect(target.seen).toHaveLength(0);
    expect(await readDelivery(store, deliveryId)).toMatchObject({
      status: 'dead',
      attempts: [{ error: 'event not found', url: target.url }],
    });
  });

  it('says only "url check failed" when the check breaks other than by refusing (a resolver that fails its contract)', async () => {
    const { handle, deps, delivery } = await oneDelivery('http://hooks.example.com/hook');
    deps.resolve = async () => null as never;
    expect(await handle()).toEqual({ retryAfterSeconds: 60, error: 'url check failed' });
    expect((await delivery()).attempts[0]).toMatchObject({
      response_status: null,
      error: 'url check failed',
    });
  });

  it('keeps what came of an answer whose connection broke mid-body', async () => {
    const target = await receiver((res) => {
      res.writeHead(200);
      res.write('partial', () => res.socket?.destroy());
    });
    const { handle, delivery } = await oneDelivery(target.url);
    expect(await handle()).toBeUndefined();
    expect((await delivery()).attempts[0]).toMatchObject({
      response_status: 200,
      response_body: 'partial',
      error: null,
    });
  });

  it('POSTs to an https endpoint over TLS, checking its certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-webhook-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    const server = createHttpsServer({ key: await readFile(join(dir, 'key.pem')), cert }, (req, res) => {
      req.resume();
      req.on('end', () => res.end(`tls ${(req.socket as TLSSocket).getProtocol()}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const { handle, delivery, clock } = await oneDelivery(url);

    // Not trusted: refused by the certificate check, retried in 60 s.
    await handle();
    expect((await delivery()).attempts[0].error).toMatch(/self-signed certificate/);
    clock.advance(60_000);

    // Trusted (as a CA-signed certificate would be): delivered over TLS.
    const trusted = getCACertificates('default');
    setDefaultCACertificates([...trusted, cert]);
    cleanups.push(() => setDefaultCACertificates(trusted));
    await handle();
    expect((await delivery()).attempts[1]).toMatchObject({
      response_status: 200,
      response_body: 'tls TLSv1.3',
    });
  });

  it('gives up connecting after 3 s, and backs the endpoint off', async () => {
    const listener = await unacceptingListener();
    const { handle, delivery, gate, endpointId } = await oneDelivery(listener.url);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const attempt = handle();
    // The POST is under way once its 10 s timer is set; its socket is handed over on the next tick.
    await until(() => vi.getTimerCount() > 0);
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(10_000);
    await expectGaveUpSlow(await attempt, delivery, gate, endpointId, 'could not connect within 3000 ms');
  });
});
