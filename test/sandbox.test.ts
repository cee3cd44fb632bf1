import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../server/src/webhooks/index.ts';
import { audit, call, signUp, startServer, type ServerProcess } from './server-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

// The sandbox through the real server process: a merchant's payment reaches its webhook receiver,
// signed, through the outbox, the bus, the fan-out and the durable delivery queue.
describe('payments sandbox with webhooks, end to end', () => {
  let server: ServerProcess;
  let receiver: WebhookReceiver | undefined;
  const logFile = join(tmpdir(), `sluice-sandbox-${process.pid}.log`);

  beforeAll(async () => {
    server = await startServer({ adminEmails: ['ops@example.com'], stdoutFile: logFile });
    receiver = await startWebhookReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await server?.dispose();
    await rm(logFile, { force: true });
  });

  it("delivers signed payment events to the merchant's endpoint and keeps the books balanced", {
    timeout: 60_000,
  }, async () => {
    const owner = await signUp(server.url, { name: 'owner' });
    const merchant = await call(server.url, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: 'Acme' },
    });
    expect(merchant.status).toBe(201);
    const key = await call(server.url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
      token: owner.token,
      body: { name: 'server' },
    });
    expect(key.json.secret).toMatch(/^sk_test_/);
    const secretKey: string = key.json.secret;
    const received = receiver!.received;
    const url = `${receiver!.url}/hooks`;
    const endpoint = await call(server.url, 'POST', '/v1/webhook-endpoints', {
      token: secretKey,
      body: { url, events: ['payment.captured', 'refund.succeeded'] },
    });
    expect(endpoint.status).toBe(201);
    const whsec: string = endpoint.json.secret;

    const card = {
      number: '4242424242424242',
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 2,
      cvc: '123',
    };
    const payment = await call(server.url, 'POST', '/v1/payments', {
      token: secretKey,
      body: { amount: 2500, currency: 'USD', card, capture: false },
      headers: { 'Idempotency-Key': 'order-1' },
    });
    expect(payment.status).toBe(201);
    expect(payment.json.status).toBe('requires_capture');
    const captured = await call(server.url, 'POST', `/v1/payments/${payment.json.id}/capture`, {
      token: secretKey,
      body: { amount: 2000 },
    });
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 2000 });
    const refund = await call(server.url, 'POST', '/v1/refunds', {
      token: secretKey,
      body: { payment: payment.json.id, amount: 500 },
    });
    expect(refund.status).toBe(201);
    const declined = await call(server.url, 'POST', '/v1/payments', {
      token: secretKey,
      body: { amount: 100, currency: 'USD', card: { ...card, number: '4000000000000002' } },
    });
    expect(declined.status).toBe(402);

    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBe(2);
    const types = received.map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual(['payment.captured', 'refund.succeeded']);
    for (const delivery of received)
      expect(verifySignature(delivery.body, delivery.signature, whsec)).toBe(true);
    expect(received.map((r) => r.body).join('')).not.toContain('4242424242424242');

    const events = await call(server.url, 'GET', '/v1/events', { token: secretKey });
    expect(events.status).toBe(200);

    // advance-clock in the running server settles through the settlement state machine (the ASL
    // file run in process, as the daily schedule runs it): captured 2,000 less the 500 refunded.
    const advanced = await call(server.url, 'POST', '/v1/test-helpers/advance-clock', {
      token: secretKey,
      body: { seconds: 2 * 86_400 },
    });
    expect(advanced.status).toBe(200);
    expect(advanced.json.settlements).toHaveLength(1);
    const settlement = await call(server.url, 'GET', `/v1/settlements/${advanced.json.settlements[0]}`, {
      token: secretKey,
    });
    expect(settlement.json).toMatchObject({ object: 'settlement', gross: 1500, payments: [payment.json.id] });
    expect(settlement.json.net).toBe(1500 - settlement.json.fees);
    const balance = await call(server.url, 'GET', '/v1/balance', { token: secretKey });
    expect(balance.json.balances).toEqual([
      expect.objectContaining({ currency: 'USD', available: settlement.json.net, pending: 0 }),
    ]);
    const again = await call(server.url, 'POST', '/v1/test-helpers/advance-clock', {
      token: secretKey,
      body: { seconds: 2 * 86_400 },
    });
    expect(again.json.settlements).toEqual([]);
    const runs = (await readFile(logFile, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"workflow ran"'))
      .map((line) => JSON.parse(line));
    expect(runs.map((run) => [run.workflow, run.input, run.output])).toEqual([
      [
        'settlement',
        { merchant: merchant.json.id },
        { settled: [{ merchant: merchant.json.id, settlements: advanced.json.settlements }] },
      ],
      ['settlement', { merchant: merchant.json.id }, { settled: [] }],
    ]);

    const admin = await signUp(server.url, { name: 'ops', email: 'ops@example.com' });
    const report = await audit(server.url, admin.token);
    expect(report.balanced, JSON.stringify(report)).toBe(true);
  });

  it("enforces each API key's rate limit in the running server, with RateLimit headers and 429 Retry-After", {
    timeout: 30_000,
  }, async () => {
    const owner = await signUp(server.url, { name: 'limited' });
    const merchant = await call(server.url, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: 'Tiny' },
    });
    const newKey = async () =>
      (
        await call(server.url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
          token: owner.token,
          body: { rate_limit_per_minute: 2 },
        })
      ).json.secret as string;
    // The server's windows follow its real clock, minute by minute, so how many requests pass
    // before the first 429 depends on where a minute boundary falls: the exact counts are pinned
    // on a manual clock in server/src/payments/merchants.test.ts. Here, whatever the time: with
    // 2 a minute, a 429 comes within 5 requests (at most one boundary falls among requests a few
    // milliseconds apart), right after an answer that said nothing was left.
    const key = await newKey();
    const answers = [];
    for (let i = 0; i < 5 && answers.at(-1)?.status !== 429; i++)
      answers.push(await call(server.url, 'GET', '/v1/balance', { token: key }));
    const limited = answers.at(-1)!;
    expect(answers.map((a) => a.status)).toContain(429);
    expect(answers.slice(0, -1).every((a) => a.status === 200)).toBe(true);
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(answers.at(-2)!.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.json.error.code).toBe('rate_limited');
    expect(limited.headers.get('ratelimit-limit')).toBe('2');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Limits are per key: another key of the merchant still has its own budget.
    expect((await call(server.url, 'GET', '/v1/balance', { token: await newKey() })).status).toBe(200);
  });

  it('leaves no full card number or CVC in the data dir or the logs', { timeout: 30_000 }, async () => {
    const files = await readdir(server.dataDir, { recursive: true });
    expect(files.length).toBeGreaterThan(0);
    const needles = ['4242424242424242', '4000000000000002', '"cvc"', 'cvc=123'];
    for (const file of files) {
      const path = join(server.dataDir, file);
      if (!(await stat(path)).isFile()) continue;
      const content = (await readFile(path)).toString('latin1');
      for (const needle of needles) expect(content.includes(needle), `${needle} in ${file}`).toBe(false);
    }
    // The whole stdout log (a file), and the tail of stderr the helper keeps.
    const log = `${await readFile(logFile, 'utf8')}\n${server.output().stderr}`;
    expect(log).toContain('listening');
    for (const needle of needles) expect(log).not.toContain(needle);
  });
});
