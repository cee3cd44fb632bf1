import {
  createSluice,
  SluiceAuthenticationError,
  SluiceCardError,
  SluiceConflictError,
  SluiceInvalidRequestError,
  SluiceNotFoundError,
  SluiceRateLimitError,
  webhooks,
  type RetryNotice,
} from '@sluice/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../server/src/webhooks/signature.ts';
import { expectStoredBooksBalanced } from './invariants.ts';
import { newKey, newMerchant, startFaultProxy, type TestMerchant } from './sdk-fixtures.ts';
import { mapLimit, startServer, type ServerProcess } from './server-process.ts';

const card = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };
const charge = { amount: 1500, currency: 'USD' as const, card };

/** A client that records its retries and does not really wait (no timed tests): the delays are asserted instead. */
function recordingClient(baseUrl: string, apiKey: string, maxRetries = 3) {
  const retries: RetryNotice[] = [];
  const sluice = createSluice({
    baseUrl,
    apiKey,
    maxRetries,
    sleep: async () => {},
    onRetry: (notice) => retries.push(notice),
  });
  return { sluice, retries };
}

describe('@sluice/sdk against the real server', () => {
  let server: ServerProcess;
  let merchant: TestMerchant;
  beforeAll(async () => {
    server = await startServer();
    merchant = await newMerchant(server.url, { rateLimitPerMinute: 100_000 });
  });
  afterAll(async () => {
    if (!server) return;
    // Every charge, retried or not, moved money once: the books still balance.
    await server.kill();
    await expectStoredBooksBalanced(server.dataDir);
    await server.dispose();
  });

  it('retries a POST whose answer was lost after the server committed, with the same key: one charge, not two', async () => {
    let dropped = false;
    const proxy = await startFaultProxy(server.url, (method, path) => {
      if (method === 'POST' && path === '/v1/payments' && !dropped) {
        dropped = true;
        return { kind: 'drop-response' };
      }
      return { kind: 'pass' };
    });
    try {
      const { sluice, retries } = recordingClient(proxy.url, merchant.key);
      const before = await sluice.get('/v1/payments', { params: { query: { limit: 100 } } });
      const payment = await sluice.post('/v1/payments', { body: { ...charge, description: 'retried once' } });
      expect(payment.status).toBe('succeeded');

      const posts = proxy.seen.filter((request) => request.method === 'POST');
      expect(posts).toHaveLength(2);
      expect(posts.every((request) => request.forwarded)).toBe(true);
      expect(posts[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(posts[1]!.idempotencyKey).toBe(posts[0]!.idempotencyKey);
      expect(retries).toEqual([
        expect.objectContaining({
          attempt: 1,
          reason: 'network',
          status: 0,
          idempotencyKey: posts[0]!.idempotencyKey,
        }),
      ]);

      const after = await sluice.get('/v1/payments', { params: { query: { limit: 100 } } });
      const made = after.data.filter((p) => !before.data.some((old) => old.id === p.id));
      expect(made.map((p) => p.id)).toEqual([payment.id]);
      const balance = await sluice.get('/v1/balance');
      expect(JSON.stringify(balance)).toContain('USD');
    } finally {
      await proxy.close();
    }
  });

  it('gives a new key to each separate POST, and keeps a key the caller chose', async () => {
    const proxy = await startFaultProxy(server.url, () => ({ kind: 'pass' }));
    try {
      const { sluice } = recordingClient(proxy.url, merchant.key);
      const first = await sluice.post('/v1/payments', { body: charge });
      const second = await sluice.post('/v1/payments', { body: charge });
      expect(first.id).not.toBe(second.id);
      const replay = await sluice.post('/v1/payments', {
        body: charge,
        params: { header: { 'idempotency-key': 'order-6735' } },
      });
      const again = await sluice.post('/v1/payments', {
        body: charge,
        params: { header: { 'idempotency-key': 'order-6735' } },
      });
      expect(again.id).toBe(replay.id);
      const keys = proxy.seen.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey);
      expect(new Set(keys.slice(0, 2)).size).toBe(2);
      expect(keys.slice(2)).toEqual(['order-6735', 'order-6735']);
    } finally {
      await proxy.close();
    }
  });

  it('retries 409 idempotency_key_in_progress and 5xx with backoff, then succeeds once', async () => {
    const faults = [
      {
        status: 409,
        body: {
          error: { type: 'idempotency_error', code: 'idempotency_key_in_progress', message: 'in flight' },
        },
      },
      {
        status: 503,
        body: { error: { type: 'api_error', code: 'service_unavailable', message: 'try again' } },
      },
    ];
    const proxy = await startFaultProxy(server.url, (method) => {
      const fault = method === 'POST' ? faults.shift() : undefined;
      return fault ? { kind: 'answer', ...fault } : { kind: 'pass' };
    });
    try {
      const { sluice, retries } = recordingClient(proxy.url, merchant.key);
      const payment = await sluice.post('/v1/payments', { body: charge });
      expect(payment.object).toBe('payment');
      expect(retries.map((r) => [r.reason, r.status])).toEqual([
        ['in_progress', 409],
        ['server_error', 503],
      ]);
      // Exponential with jitter: the second step is drawn from [250, 500] ms, the first from [125, 250].
      expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(125);
      expect(retries[0]!.delayMs).toBeLessThanOrEqual(250);
      expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(250);
      expect(retries[1]!.delayMs).toBeLessThanOrEqual(500);
      const keys = new Set(proxy.seen.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey));
      expect(keys.size).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('does not retry a refusal: a key reused with another body (422), a 409 conflict', async () => {
    const { sluice, retries } = recordingClient(server.url, merchant.key);
    const header = { 'idempotency-key': `reuse-${Date.now()}` };
    await sluice.post('/v1/payments', { body: charge, params: { header } });
    const reused = await sluice
      .post('/v1/payments', { body: { ...charge, amount: 999 }, params: { header } })
      .catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(SluiceInvalidRequestError);
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });

    const conflict = { error: { type: 'conflict_error', code: 'conflict', message: 'changed meanwhile' } };
    const proxy = await startFaultProxy(server.url, () => ({ kind: 'answer', status: 409, body: conflict }));
    try {
      const viaProxy = recordingClient(proxy.url, merchant.key);
      const error = await viaProxy.sluice.post('/v1/payments', { body: charge }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SluiceConflictError);
      expect(error).toMatchObject({ status: 409, code: 'conflict', message: 'changed meanwhile' });
      expect(proxy.seen).toHaveLength(1);
      expect(viaProxy.retries).toEqual([]);
    } finally {
      await proxy.close();
    }
    expect(retries).toEqual([]);
  });

  it('honours Retry-After on the server’s own 429, then throws a typed rate-limit error', async () => {
    const slowKey = await newKey(server.url, merchant.owner, merchant.merchantId, 2);
    const { sluice, retries } = recordingClient(server.url, slowKey, 2);
    await sluice.get('/v1/balance');
    await sluice.get('/v1/balance');
    const error = await sluice.get('/v1/balance').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceRateLimitError);
    const limited = error as SluiceRateLimitError;
    expect(limited.code).toBe('rate_limited');
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(retries).toHaveLength(2);
    for (const retry of retries) {
      expect(retry.reason).toBe('rate_limited');
      expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
      expect(retry.delayMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('walks a list of 250 payments page by page with for await', async () => {
    const shop = await newMerchant(server.url, { name: 'Pager', rateLimitPerMinute: 100_000 });
    const sluice = createSluice({ baseUrl: server.url, apiKey: shop.key });
    const made = new Array<string>(250);
    await mapLimit(250, 8, async (index) => {
      made[index] = (await sluice.post('/v1/payments', { body: { ...charge, amount: 100 + index } })).id;
    });
    const proxy = await startFaultProxy(server.url, () => ({ kind: 'pass' }));
    try {
      const paged = createSluice({ baseUrl: proxy.url, apiKey: shop.key });
      const seen: string[] = [];
      for await (const payment of paged.list('/v1/payments', { params: { query: { limit: 100 } } })) {
        seen.push(payment.id);
      }
      expect(seen).toHaveLength(250);
      expect(new Set(seen)).toEqual(new Set(made));
      // Newest first, as the API pages them, and three requests for 250 at 100 a page.
      expect(seen).toEqual([...seen].sort().reverse());
      expect(proxy.seen.filter((r) => r.path.startsWith('/v1/payments'))).toHaveLength(3);
      expect(proxy.seen[1]!.path).toContain('starting_after=');
    } finally {
      await proxy.close();
    }
    const captured: string[] = [];
    for await (const payment of sluice.list('/v1/payments', {
      params: { query: { limit: 7, status: 'succeeded' } },
    }))
      captured.push(payment.status);
    expect(captured).toHaveLength(250);
    expect(new Set(captured)).toEqual(new Set(['succeeded']));
  });

  it('throws typed errors carrying code, param and request_id', async () => {
    const sluice = createSluice({ baseUrl: server.url, apiKey: merchant.key });
    const invalid = await sluice
      .post('/v1/payments', { body: { ...charge, amount: -5 } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(SluiceInvalidRequestError);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', param: 'amount' });
    expect((invalid as SluiceInvalidRequestError).requestId).toMatch(/^req_/);

    const missing = await sluice
      .get('/v1/payments/{id}', { params: { path: { id: 'pay_nope' } } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SluiceNotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const declined = await sluice
      .post('/v1/payments', { body: { ...charge, card: { ...card, number: '4000000000000002' } } })
      .catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(SluiceCardError);
    expect(declined).toMatchObject({ status: 402, code: 'card_declined', declineCode: 'generic_decline' });

    const stranger = createSluice({ baseUrl: server.url, apiKey: 'sk_test_not_a_real_key' });
    const refused = await stranger.get('/v1/balance').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SluiceAuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('acts for a merchant with the owner’s token and Sluice-Merchant', async () => {
    const sluice = createSluice({
      baseUrl: server.url,
      token: async () => merchant.owner.token,
      merchant: merchant.merchantId,
    });
    const payment = await sluice.post('/v1/payments', { body: charge });
    const fetched = await sluice.get('/v1/payments/{id}', { params: { path: { id: payment.id } } });
    expect(fetched.id).toBe(payment.id);
    const other = createSluice({
      baseUrl: server.url,
      token: merchant.owner.token,
      merchant: 'mer_someone_else',
    });
    await expect(other.get('/v1/balance')).rejects.toMatchObject({ status: 404, param: 'Sluice-Merchant' });
  });
});

describe('webhooks.verify (WebCrypto), on the server signature tests’ cases', () => {
  // The server's own signer makes every header: the SDK must agree with it byte for byte.
  const body = '{"id":"evt_1","type":"payment.captured"}';
  const t = 1_767_225_600;

  it('verifies a signature made with the same secret and timestamp', async () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(await webhooks.verify(body, header, 'whsec_a', 300, t)).toBe(true);
    expect(await webhooks.signPayload(body, ['whsec_a'], t)).toBe(header);
  });

  it('refuses another secret, a changed body and a malformed header', async () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(await webhooks.verify(body, header, 'whsec_b', 300, t)).toBe(false);
    expect(await webhooks.verify(`${body} `, header, 'whsec_a', 300, t)).toBe(false);
    expect(await webhooks.verify(body, 'v1=abc', 'whsec_a', 300, t)).toBe(false);
    expect(await webhooks.verify(body, '', 'whsec_a', 300, t)).toBe(false);
    expect(await webhooks.verify(body, undefined, 'whsec_a', 300, t)).toBe(false);
    expect(await webhooks.verify(body, header.replace(/v1=../, 'v1=zz'), 'whsec_a', 300, t)).toBe(false);
  });

  it('refuses a timestamp more than the tolerance away, in either direction', async () => {
    const header = signPayload(body, ['whsec_a'], t);
    expect(await webhooks.verify(body, header, 'whsec_a', 300, t + 300)).toBe(true);
    expect(await webhooks.verify(body, header, 'whsec_a', 300, t + 301)).toBe(false);
    expect(await webhooks.verify(body, header, 'whsec_a', 300, t - 301)).toBe(false);
  });

  it('carries one v1 per secret during a rotation, each verifying with its own secret', async () => {
    const header = signPayload(body, ['whsec_new', 'whsec_old'], t);
    expect(await webhooks.verify(body, header, 'whsec_new', 300, t)).toBe(true);
    expect(await webhooks.verify(body, header, 'whsec_old', 300, t)).toBe(true);
    expect(await webhooks.verify(body, header, 'whsec_other', 300, t)).toBe(false);
  });

  it('cannot be replayed with a new timestamp', async () => {
    const header = signPayload(body, ['whsec_a'], t);
    const replayed = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(await webhooks.verify(body, replayed, 'whsec_a', 300, t + 1000)).toBe(false);
  });

  it('verifies against the clock by default', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await webhooks.verify(body, signPayload(body, ['whsec_a'], now), 'whsec_a')).toBe(true);
    expect(await webhooks.verify(body, signPayload(body, ['whsec_a'], now - 3600), 'whsec_a')).toBe(false);
  });
});
