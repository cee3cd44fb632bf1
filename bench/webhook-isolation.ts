/**
 * `npm run bench:webhooks`: how long a healthy merchant's webhooks take to arrive while another
 * merchant has endpoints that accept TCP and never answer.
 *
 * The webhooks module on an in-memory store with the local queue (polling every 5 ms) and the
 * system clock. The attacker registers BENCH_HANGING endpoints on a server that reads each request
 * and never answers, then emits BENCH_ATTACKER_EVENTS events (one delivery per endpoint each).
 * The healthy merchant has one endpoint on a receiver that answers 200 at once, and emits
 * BENCH_HEALTHY_EVENTS events, one every BENCH_INTERVAL_MS, from the moment the queue starts.
 * Prints the healthy deliveries' latency (emit → the receiver has the request) p50/p95/max, how
 * many arrived within BENCH_MAX_WAIT_S, and the most requests ever open on one hanging endpoint.
 *
 *   BENCH_HANGING          hanging endpoints (default 16)
 *   BENCH_ATTACKER_EVENTS  attacker events (default 100)
 *   BENCH_HEALTHY_EVENTS   healthy merchant's events (default 40)
 *   BENCH_INTERVAL_MS      between the healthy events (default 250)
 *   BENCH_MAX_WAIT_S       give up on healthy deliveries after this long (default 60)
 *   BENCH_HOLD_MS          the worker's hold before it leaves a POST running (default the local
 *                          runtime's; `none` awaits every POST, as on AWS)
 *   BENCH_VERBOSE          also print each healthy event's latency, in order
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { createEvent } from '../server/src/kernel/events.ts';
import { defaultDeliveryHoldMs } from '../server/src/webhooks/model.ts';
import { buildWebhooks, startHangingServer } from '../server/src/webhooks/test-support.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const hangingCount = env('BENCH_HANGING', 16);
const attackerEvents = env('BENCH_ATTACKER_EVENTS', 100);
const healthyEvents = env('BENCH_HEALTHY_EVENTS', 40);
const intervalMs = env('BENCH_INTERVAL_MS', 250);
const maxWaitMs = env('BENCH_MAX_WAIT_S', 60) * 1000;

/** The system clock behind the test support's manual-clock type. */
class SystemTimeClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

const clock = new SystemTimeClock();
const { call, emit, queue, deps } = buildWebhooks({ clock });
// The local runtime's hold (the test support awaits every POST); BENCH_HOLD_MS=none awaits every POST.
deps.deliveryHoldMs =
  process.env.BENCH_HOLD_MS === 'none' ? null : env('BENCH_HOLD_MS', defaultDeliveryHoldMs);
const hanging = await startHangingServer();

const arrivals = new Map<string, number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id;
    if (!arrivals.has(id)) arrivals.set(id, performance.now());
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

for (let n = 0; n < hangingCount; n++)
  await call('POST', '/v1/webhook-endpoints', { url: `${hanging.url}/h${n}`, events: ['*'] }, 'mer_X');
await call('POST', '/v1/webhook-endpoints', { url: receiverUrl, events: ['*'] }, 'mer_H');

const event = (merchant: string, n: number) =>
  createEvent({
    type: 'payment.captured',
    source: 'payments',
    subject: `pay_${merchant}_${n}`,
    data: { object: { id: `pay_${merchant}_${n}`, object: 'payment', amount: 1000 } },
    merchant,
    now: clock.now(),
  });

for (let n = 0; n < attackerEvents; n++) await emit([event('mer_X', n)]);
queue.start();

const sentAt = new Map<string, number>();
const started = performance.now();
for (let n = 0; n < healthyEvents; n++) {
  const healthy = event('mer_H', n);
  sentAt.set(healthy.id, performance.now());
  await emit([healthy]);
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
while (arrivals.size < healthyEvents && performance.now() - started < maxWaitMs)
  await new Promise((resolve) => setTimeout(resolve, 50));

const latencies = [...sentAt]
  .map(([id, at]) => (arrivals.has(id) ? arrivals.get(id)! - at : Number.POSITIVE_INFINITY))
  .sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
const ms = (value: number) =>
  Number.isFinite(value) ? `${Math.round(value)} ms` : `> ${maxWaitMs / 1000} s`;
console.log(
  `healthy merchant, ${healthyEvents} events every ${intervalMs} ms, beside ${hangingCount} hanging endpoints × ${attackerEvents} events:`,
);
console.log(`  delivered ${arrivals.size}/${healthyEvents} within ${maxWaitMs / 1000} s`);
console.log(`  latency p50 ${ms(at(0.5))}, p95 ${ms(at(0.95))}, max ${ms(at(1))}`);
console.log(`  most requests open at once on one hanging endpoint: ${hanging.maxOpenOnOnePath()}`);
console.log(`  requests made to hanging endpoints: ${hanging.requests()}`);

if (process.env.BENCH_VERBOSE)
  console.log([...sentAt].map(([id, t]) => Math.round((arrivals.get(id) ?? Infinity) - t)).join(' '));
const stopping = queue.stop();
await hanging.close();
await stopping;
await new Promise<void>((resolve) => receiver.close(() => resolve()));
process.exit(0);
