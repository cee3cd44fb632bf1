import { describe, expect, it } from 'vitest';
import { buildWebhooks } from './test-support.ts';

describe('webhook endpoint routes', () => {
  it('creates an endpoint and shows its secret only on creation', async () => {
    const { call } = buildWebhooks();
    const created = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/sluice',
      events: ['payment.captured', 'refund.succeeded'],
      description: 'main',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/sluice',
      events: ['payment.captured', 'refund.succeeded'],
      status: 'enabled',
      description: 'main',
    });
    expect(created.body.id).toMatch(/^we_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const fetched = await call('GET', `/v1/webhook-endpoints/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.secret).toBeUndefined();
    const list = await call('GET', '/v1/webhook-endpoints');
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    expect(list.body.data[0].secret).toBeUndefined();
  });

  it('refuses unknown event types', async () => {
    const { call } = buildWebhooks();
    const refused = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/',
      events: ['payment.exploded'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    const star = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/',
      events: ['*', 'payment.captured'],
    });
    expect(star.body.events).toEqual(['*']);
  });

  it.each([
    'http://127.0.0.1.nip.invalid/',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'https://internal.example.com/hook',
    'https://metadata.example.com/',
    'ftp://hooks.example.com/',
  ])('refuses %s with validation_failed on url', async (url) => {
    const { call } = buildWebhooks();
    const refused = await call('POST', '/v1/webhook-endpoints', { url, events: ['*'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', param: 'url' });
  });

  it('allows loopback (127.0.0.1, localhost) under the local loopback policy but refuses it under none', async () => {
    const local = buildWebhooks();
    expect(
      (
        await local.call('POST', '/v1/webhook-endpoints', {
          url: 'http://127.0.0.1:4000/hook',
          events: ['*'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await local.call('POST', '/v1/webhook-endpoints', {
          url: 'http://localhost:4000/hook',
          events: ['*'],
        })
      ).status,
    ).toBe(201);
    const strict = buildWebhooks();
    strict.deps.allowPrivate = 'none';
    for (const url of ['http://127.0.0.1:4000/hook', 'http://localhost:4000/hook']) {
      const refused = await strict.call('POST', '/v1/webhook-endpoints', { url, events: ['*'] });
      expect(refused.body.error).toMatchObject({ code: 'validation_failed', param: 'url' });
    }
  });

  it('updates url, events and status, checking a new url again', async () => {
    const { call } = buildWebhooks();
    const { body: endpoint } = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/a',
      events: ['*'],
    });
    const updated = await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
      url: 'https://hooks.example.com/b',
      events: ['payment.failed'],
      status: 'disabled',
    });
    expect(updated.body).toMatchObject({
      url: 'https://hooks.example.com/b',
      events: ['payment.failed'],
      status: 'disabled',
    });
    const refused = await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { url: 'http://10.0.0.1/' });
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', param: 'url' });
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body.url).toBe(
      'https://hooks.example.com/b',
    );
  });

  it('deletes an endpoint', async () => {
    const { call } = buildWebhooks();
    const { body: endpoint } = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/a',
      events: ['*'],
    });
    expect((await call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).body).toEqual({
      id: endpoint.id,
      object: 'webhook_endpoint',
      deleted: true,
    });
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it('rotates the secret, returning the new one', async () => {
    const { call } = buildWebhooks();
    const { body: endpoint } = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/a',
      events: ['*'],
    });
    const rotated = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      expires_in_seconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
  });

  it('limits a merchant to 16 endpoints', async () => {
    const { call } = buildWebhooks();
    for (let i = 0; i < 16; i++)
      expect(
        (
          await call('POST', '/v1/webhook-endpoints', {
            url: `https://hooks.example.com/${i}`,
            events: ['*'],
          })
        ).status,
      ).toBe(201);
    const refused = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/17',
      events: ['*'],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('endpoint_limit_reached');
  });
});

describe('webhook routes: security', () => {
  it("answers 404 for another merchant's endpoint, on every route", async () => {
    const { call } = buildWebhooks();
    const { body: endpoint } = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/a',
      events: ['*'],
    });
    const other = 'mer_B';
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`, undefined, other)).status).toBe(404);
    expect(
      (await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { status: 'disabled' }, other)).status,
    ).toBe(404);
    expect((await call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`, undefined, other)).status).toBe(404);
    expect((await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {}, other)).status).toBe(
      404,
    );
    expect((await call('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, undefined, other)).status).toBe(
      404,
    );
    expect(
      (await call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, undefined, other)).status,
    ).toBe(404);
    expect((await call('GET', '/v1/webhook-endpoints', undefined, other)).body.data).toEqual([]);
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).body.status).toBe('enabled');
  });
});
