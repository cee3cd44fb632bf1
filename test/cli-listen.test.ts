import { createSluice } from '@sluice/sdk';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../server/src/webhooks/signature.ts';
import { expectStoredBooksBalanced } from './invariants.ts';
import { newMerchant, runCli, type TestMerchant } from './sdk-fixtures.ts';
import { makeTempDir, removeDir, startServer, type ServerProcess } from './server-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const card = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };

interface Forwarded {
  type: 'forwarded';
  event: { id: string; type: string };
  status: number | null;
  url: string;
}
interface Ready {
  type: 'ready';
  secret: string;
  merchant: string;
}

describe('sluice listen, against a running server', () => {
  let server: ServerProcess;
  let ann: TestMerchant;
  let bob: TestMerchant;
  let receiver: WebhookReceiver;
  let configDir: string;
  beforeAll(async () => {
    server = await startServer();
    [ann, bob] = await Promise.all([
      newMerchant(server.url, { name: 'Ann Shop', rateLimitPerMinute: 10_000 }),
      newMerchant(server.url, { name: 'Bob Shop', rateLimitPerMinute: 10_000 }),
    ]);
    receiver = await startWebhookReceiver();
    configDir = await makeTempDir('sluice-cli-config-');
  });
  afterAll(async () => {
    await receiver?.close();
    if (configDir) await removeDir(configDir);
    if (!server) return;
    await server.kill();
    await expectStoredBooksBalanced(server.dataDir);
    await server.dispose();
  });

  const listen = (merchant: TestMerchant, path: string, extra: string[] = []) =>
    runCli(
      [
        'listen',
        '--forward-to',
        `${receiver.url}${path}`,
        '--api',
        server.url,
        '--api-key',
        merchant.key,
        '--json',
        ...extra,
      ],
      { SLUICE_CONFIG_DIR: configDir },
    );

  it('forwards each event, signed with the session secret it printed, and prints the receiver’s status', async () => {
    const cli = listen(ann, '/ann');
    try {
      const ready = await cli.waitFor<Ready>((line) => line.type === 'ready');
      expect(ready.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
      expect(ready.merchant).toBe(ann.merchantId);

      const sluice = createSluice({ baseUrl: server.url, apiKey: ann.key });
      const payment = await sluice.post('/v1/payments', { body: { amount: 4200, currency: 'USD', card } });
      const forwarded = await cli.waitFor<Forwarded>(
        (line) => line.type === 'forwarded' && line.event.type === 'payment.captured',
      );
      expect(forwarded.status).toBe(200);

      // The payment's other event (payment.authorized) is forwarded too, in either order: the one
      // the CLI reported is found by its id.
      const delivered = receiver.received.find(
        (hook) => hook.path === '/ann' && hook.body.includes(forwarded.event.id),
      )!;
      expect(delivered).toBeDefined();
      // The receiver verifies it as it would a real webhook: same header, same scheme.
      expect(verifySignature(delivered.body, delivered.signature, ready.secret)).toBe(true);
      expect(verifySignature(delivered.body, delivered.signature, 'whsec_someone_else')).toBe(false);
      const event = JSON.parse(delivered.body);
      expect(event).toMatchObject({
        id: forwarded.event.id,
        object: 'event',
        type: 'payment.captured',
        livemode: false,
        data: { object: { id: payment.id, amount: 4200 } },
      });
      // The same event as GET /v1/events holds it.
      const stored = await sluice.get('/v1/events/{id}', { params: { path: { id: event.id } } });
      expect(stored).toEqual(event);
    } finally {
      const { code } = await cli.interrupt();
      expect(code).toBe(0);
    }
  });

  it('forwards only the --events asked for', async () => {
    const cli = listen(ann, '/refunds-only', ['--events', 'refund.*']);
    try {
      await cli.waitFor<Ready>((line) => line.type === 'ready');
      const sluice = createSluice({ baseUrl: server.url, apiKey: ann.key });
      const payment = await sluice.post('/v1/payments', { body: { amount: 900, currency: 'USD', card } });
      const refund = await sluice.post('/v1/refunds', { body: { payment: payment.id } });
      const forwarded = await cli.waitFor<Forwarded>((line) => line.type === 'forwarded');
      expect(forwarded.event.type).toBe('refund.succeeded');
      const bodies = receiver.received
        .filter((hook) => hook.path === '/refunds-only')
        .map((hook) => JSON.parse(hook.body));
      expect(bodies.map((body) => body.type)).toEqual(['refund.succeeded']);
      expect(bodies[0].data.object.id).toBe(refund.id);
    } finally {
      await cli.interrupt();
    }
  });

  it('prints a receiver that is down as ERR and keeps listening', async () => {
    const cli = listen(ann, '/x', []);
    const down = runCli(
      [
        'listen',
        '--forward-to',
        'http://127.0.0.1:9/hooks',
        '--api',
        server.url,
        '--api-key',
        ann.key,
        '--json',
      ],
      { SLUICE_CONFIG_DIR: configDir },
    );
    try {
      await down.waitFor<Ready>((line) => line.type === 'ready');
      await cli.waitFor<Ready>((line) => line.type === 'ready');
      const sluice = createSluice({ baseUrl: server.url, apiKey: ann.key });
      await sluice.post('/v1/payments', { body: { amount: 300, currency: 'USD', card } });
      const failed = await down.waitFor<Forwarded & { error: string }>((line) => line.type === 'forwarded');
      expect(failed.status).toBeNull();
      expect(failed.error).toBeTruthy();
      expect(down.child.exitCode).toBeNull();
    } finally {
      await Promise.all([cli.interrupt(), down.interrupt()]);
    }
  });

  it('never shows one merchant’s events or requests to another merchant’s stream', async () => {
    const annListen = listen(ann, '/iso-ann');
    const bobListen = listen(bob, '/iso-bob');
    const bobLogs = runCli(['logs', 'tail', '--api', server.url, '--api-key', bob.key, '--json'], {
      SLUICE_CONFIG_DIR: configDir,
    });
    // And straight on the socket, with Bob's key: everything the server pushes to it.
    const bobSocket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/realtime`, {
      headers: { authorization: `Bearer ${bob.key}` },
    });
    const bobRaw: { type: string; data: unknown }[] = [];
    bobSocket.on('message', (data) => bobRaw.push(JSON.parse(String(data))));
    try {
      await Promise.all(
        [annListen, bobListen, bobLogs].map((cli) => cli.waitFor<Ready>((line) => line.type === 'ready')),
      );
      await expect.poll(() => bobRaw.some((m) => m.type === 'ready')).toBe(true);
      expect(bobRaw.find((m) => m.type === 'ready')?.data).toMatchObject({ merchant_id: bob.merchantId });

      const annPayment = await createSluice({ baseUrl: server.url, apiKey: ann.key }).post('/v1/payments', {
        body: { amount: 1111, currency: 'USD', card },
      });
      await annListen.waitFor<Forwarded>(
        (line) => line.type === 'forwarded' && line.event.type === 'payment.captured',
      );
      // Bob's own payment comes after Ann's: once it arrives, Ann's would have too.
      const bobPayment = await createSluice({ baseUrl: server.url, apiKey: bob.key }).post('/v1/payments', {
        body: { amount: 2222, currency: 'USD', card },
      });
      await bobListen.waitFor<Forwarded>(
        (line) => line.type === 'forwarded' && line.event.type === 'payment.captured',
      );
      await bobLogs.waitFor<{ type: string; method: string; path: string }>(
        (line) => line.type === 'request' && line.method === 'POST' && line.path === '/v1/payments',
      );
      await expect.poll(() => bobRaw.filter((m) => m.type === 'event').length).toBeGreaterThan(0);

      const everythingBobSaw = [
        ...receiver.received.filter((hook) => hook.path === '/iso-bob').map((hook) => hook.body),
        ...bobLogs.lines,
        ...bobListen.lines,
        JSON.stringify(bobRaw),
      ].join('\n');
      expect(everythingBobSaw).toContain(bobPayment.id);
      expect(everythingBobSaw).not.toContain(annPayment.id);
      expect(everythingBobSaw).not.toContain(ann.merchantId);
      expect(
        receiver.received
          .filter((hook) => hook.path === '/iso-ann')
          .map((hook) => hook.body)
          .join(),
      ).not.toContain(bobPayment.id);
    } finally {
      bobSocket.close();
      await Promise.all([annListen.interrupt(), bobListen.interrupt(), bobLogs.interrupt()]);
    }
  });

  it('refuses a stream for a bad key, or for a merchant the token’s user does not own (exit 3)', async () => {
    const badKey = runCli(
      ['listen', '--forward-to', receiver.url, '--api', server.url, '--api-key', 'sk_test_nope'],
      {
        SLUICE_CONFIG_DIR: configDir,
      },
    );
    expect((await badKey.exited).code).toBe(3);

    const sockets = await Promise.all(
      [
        { authorization: `Bearer ${ann.owner.token}`, 'sluice-merchant': bob.merchantId },
        { authorization: `Bearer ${ann.owner.token}`, 'sluice-merchant': ann.merchantId },
      ].map(
        (headers) =>
          new Promise<number | string>((resolve) => {
            const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/realtime`, { headers });
            socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
            socket.on('message', (data) => {
              resolve(JSON.parse(String(data)).data.merchant_id);
              socket.close();
            });
          }),
      ),
    );
    // Bob's merchant is not Ann's: the same answer as the API's (404); her own opens.
    expect(sockets).toEqual([404, ann.merchantId]);
  });
});
