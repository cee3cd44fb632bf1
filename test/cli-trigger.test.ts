import { createSluice } from '@sluice/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerAliases, triggers } from '../packages/cli/src/commands/trigger.ts';
import { expectStoredBooksBalanced } from './invariants.ts';
import { newMerchant, runCli, type TestMerchant } from './sdk-fixtures.ts';
import { makeTempDir, removeDir, startServer, type ServerProcess } from './server-process.ts';

interface Triggered {
  event: { id: string; type: string };
  objects: { object: string; id: string }[];
}

describe('sluice trigger, events and logs against a running server', () => {
  let server: ServerProcess;
  let shop: TestMerchant;
  let configDir: string;
  beforeAll(async () => {
    server = await startServer();
    shop = await newMerchant(server.url, { rateLimitPerMinute: 10_000 });
    configDir = await makeTempDir('sluice-cli-config-');
  });
  afterAll(async () => {
    if (configDir) await removeDir(configDir);
    if (!server) return;
    await server.kill();
    await expectStoredBooksBalanced(server.dataDir);
    await server.dispose();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '--api', server.url], { SLUICE_CONFIG_DIR: configDir, ...env });

  it('logs in: the key is checked, stored 0600 for that API, and used by later commands', async () => {
    const refused = await cli(['login', '--api-key', 'sk_test_wrong']).exited;
    expect(refused.code).toBe(3);
    const login = await cli(['login', '--api-key', shop.key, '--json']).exited;
    expect(login.code).toBe(0);
    const { config } = JSON.parse(login.stdout) as { config: string };
    const { stat, readFile } = await import('node:fs/promises');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(config, 'utf8'));
    expect(stored.profiles[server.url]).toEqual({ api_key: shop.key });
    expect(stored.default_api).toBe(server.url);
    // No --api-key from here on: the stored one is used.
    const listed = await cli(['events', 'list', '--json']).exited;
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      data: expect.any(Array),
      has_more: expect.any(Boolean),
    });
  });

  for (const type of Object.keys(triggers)) {
    it(`trigger ${type} creates what produces it and waits for the event`, async () => {
      const run = await cli(['trigger', type, '--api-key', shop.key, '--json']).exited;
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as Triggered;
      expect(result.event.type).toBe(type);
      const sluice = createSluice({ baseUrl: server.url, apiKey: shop.key });
      const event = await sluice.get('/v1/events/{id}', { params: { path: { id: result.event.id } } });
      expect(event.type).toBe(type);
      const subject = (event.data as { object?: { id?: string; payment?: string } }).object;
      const made = result.objects.map((object) => object.id);
      if (type !== 'payout.settled') expect(made).toContain(subject?.id);
    });
  }

  it('accepts the common aliases (payment.succeeded, payment.refunded, settlement)', async () => {
    expect(triggerAliases['payment.succeeded']).toBe('payment.captured');
    const run = await cli(['trigger', 'payment.succeeded', '--api-key', shop.key, '--json']).exited;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).event.type).toBe('payment.captured');
  });

  it('exits 2 for an unknown event, 3 without credentials, 5 when the API is unreachable', async () => {
    const unknown = await cli(['trigger', 'payment.teleported', '--api-key', shop.key]).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('supported: payment.captured');
    const fresh = await makeTempDir('sluice-cli-empty-');
    try {
      const anonymous = await runCli(['events', 'list', '--api', server.url], { SLUICE_CONFIG_DIR: fresh })
        .exited;
      expect(anonymous.code).toBe(3);
      expect(anonymous.stderr).toContain('sluice login');
    } finally {
      await removeDir(fresh);
    }
    const down = await runCli(['events', 'list', '--api', 'http://127.0.0.1:9', '--api-key', shop.key], {
      SLUICE_CONFIG_DIR: configDir,
    }).exited;
    expect(down.code).toBe(5);
    const invalid = await cli(['events', 'list', '--limit', '500', '--api-key', shop.key]).exited;
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toMatch(/400 validation_failed \(limit\)/);
  });

  it('resends an event to the merchant’s endpoints', async () => {
    const { startWebhookReceiver } = await import('./webhook-receiver.ts');
    const receiver = await startWebhookReceiver();
    try {
      const sluice = createSluice({ baseUrl: server.url, apiKey: shop.key });
      const endpoint = await sluice.post('/v1/webhook-endpoints', {
        body: { url: `${receiver.url}/resent`, events: ['*'] },
      });
      const page = await sluice.get('/v1/events', { params: { query: { limit: 1 } } });
      const id = page.data[0]!.id;
      const run = await cli(['events', 'resend', id, '--api-key', shop.key, '--json']).exited;
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).data).toEqual([
        expect.objectContaining({ event: id, endpoint: endpoint.id }),
      ]);
      await expect
        .poll(() => receiver.received.some((hook) => hook.body.includes(id)), { timeout: 15_000 })
        .toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
