import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { apiKeyCacheMs } from './api-keys.ts';
import { paymentKeys } from './store/keys.ts';
import { asMerchant, createTestMerchant, paymentBody, tearDownApp } from './test-support.ts';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => tearDownApp(t));

describe('merchants and API keys', () => {
  it("creates a merchant owned by the signed-in user and lists only the user's merchants", async () => {
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    const created = await t.call('POST', '/v1/merchants', { token: alice.token, body: { name: 'Acme' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Acme', owner: alice.id });
    expect(created.json.id).toMatch(/^mer_/);
    expect(
      (await t.call('GET', '/v1/merchants', { token: alice.token })).json.data.map(
        (m: { id: string }) => m.id,
      ),
    ).toEqual([created.json.id]);
    expect((await t.call('GET', '/v1/merchants', { token: bob.token })).json.data).toEqual([]);
    expect((await t.call('GET', `/v1/merchants/${created.json.id}`, { token: bob.token })).status).toBe(404);
  });

  it('opens a currency once: later payments in it read no record of it, and the books balance', async () => {
    const merchant = await createTestMerchant(t);
    const api = asMerchant(t, merchant);
    const currencyKey = paymentKeys.merchantCurrency(merchant.id, 'USD');
    let reads = 0;
    const get = t.store.get.bind(t.store);
    t.store.get = async (key) => {
      if (key.pk === currencyKey.pk && key.sk === currencyKey.sk) reads += 1;
      return get(key);
    };
    for (let i = 0; i < 3; i++)
      expect((await api('POST', '/v1/payments', paymentBody({ amount: 1000 + i }))).status).toBe(201);
    expect(reads).toBe(1);
    expect(await t.store.get(currencyKey)).toMatchObject({ currency: 'USD' });
    await expectBooksBalanced(t.store);
  });

  it("shows a key's secret only at creation and stores only its hash", async () => {
    const merchant = await createTestMerchant(t);
    expect(merchant.key.secret).toMatch(/^sk_test_/);
    const listed = await t.call('GET', `/v1/merchants/${merchant.id}/api-keys`, {
      token: merchant.owner.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.data[0]).toMatchObject({
      id: merchant.key.id,
      rate_limit_per_minute: 100,
      revoked_at: null,
    });
    expect(listed.text).not.toContain(merchant.key.secret);
    const rows = await t.store.query({ partition: `MER#${merchant.id}` });
    expect(JSON.stringify(rows)).not.toContain(merchant.key.secret);
  });

  it('lets only the owner create, list and revoke keys (others get 404)', async () => {
    const merchant = await createTestMerchant(t);
    const mallory = await t.signUp('mallory');
    expect(
      (await t.call('POST', `/v1/merchants/${merchant.id}/api-keys`, { token: mallory.token, body: {} }))
        .status,
    ).toBe(404);
    expect(
      (await t.call('GET', `/v1/merchants/${merchant.id}/api-keys`, { token: mallory.token })).status,
    ).toBe(404);
    expect(
      (
        await t.call('DELETE', `/v1/merchants/${merchant.id}/api-keys/${merchant.key.id}`, {
          token: mallory.token,
        })
      ).status,
    ).toBe(404);
    expect((await t.call('GET', '/v1/balance', { token: merchant.key.secret })).status).toBe(200);
  });

  it('refuses a revoked key at once with 401 invalid_api_key', async () => {
    const merchant = await createTestMerchant(t);
    const api = asMerchant(t, merchant);
    expect((await api('GET', '/v1/payments')).status).toBe(200);
    const revoked = await t.call('DELETE', `/v1/merchants/${merchant.id}/api-keys/${merchant.key.id}`, {
      token: merchant.owner.token,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked_at).not.toBeNull();
    const refused = await api('POST', '/v1/payments', paymentBody());
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('invalid_api_key');
  });

  it('takes a key revoked by another process on trust for apiKeyCacheMs at most, then refuses it', async () => {
    const merchant = await createTestMerchant(t);
    const api = asMerchant(t, merchant);
    expect((await api('GET', '/v1/payments')).status).toBe(200);
    // Another process (a Lambda) revokes it: this one learns only from the store.
    const hash = createHash('sha256').update(merchant.key.secret).digest('hex');
    const stored = await t.store.get(paymentKeys.apiKey(hash));
    expect(stored?.id).toBe(merchant.key.id);
    await t.store.transact([
      {
        type: 'update',
        key: paymentKeys.apiKey(hash),
        set: { revoked_at: new Date(t.clock.now()).toISOString() },
      },
    ]);
    expect((await api('GET', '/v1/payments')).status).toBe(200);
    t.clock.advance(apiKeyCacheMs);
    const refused = await api('GET', '/v1/payments');
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('invalid_api_key');
  });

  it('refuses unknown keys, missing credentials and a merchant API call with a bare user token', async () => {
    const merchant = await createTestMerchant(t);
    expect((await t.call('GET', '/v1/payments')).status).toBe(401);
    const unknown = await t.call('GET', '/v1/payments', { token: 'sk_test_nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe('invalid_api_key');
    expect((await t.call('GET', '/v1/payments', { token: merchant.owner.token })).status).toBe(400);
  });

  it('lets the owner act as the merchant with a token and Sluice-Merchant; nobody else', async () => {
    const merchant = await createTestMerchant(t);
    const mallory = await t.signUp('mallory');
    const owner = await t.call('POST', '/v1/payments', {
      token: merchant.owner.token,
      body: paymentBody(),
      headers: { 'Sluice-Merchant': merchant.id },
    });
    expect(owner.status).toBe(201);
    expect(owner.json.merchant).toBe(merchant.id);
    // The dashboard has a budget of its own, larger than an API key's default of 100 a minute.
    expect(owner.headers.get('RateLimit-Limit')).toBe('1000');
    const other = await t.call('GET', '/v1/payments', {
      token: mallory.token,
      headers: { 'Sluice-Merchant': merchant.id },
    });
    expect(other.status).toBe(404);
  });

  it('rate-limits per key with RateLimit headers and 429 Retry-After', async () => {
    const merchant = await createTestMerchant(t, { rate_limit_per_minute: 3 });
    const api = asMerchant(t, merchant);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api('GET', '/v1/balance');
      statuses.push(response.status);
      expect(response.headers.get('RateLimit-Limit')).toBe('3');
      expect(response.headers.get('RateLimit-Remaining')).toBe(String(2 - i));
      expect(Number(response.headers.get('RateLimit-Reset'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await api('GET', '/v1/balance');
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(limited.headers.get('RateLimit-Remaining')).toBe('0');
    // Another key of the same merchant has its own budget; the window resets.
    const second = await t.call('POST', `/v1/merchants/${merchant.id}/api-keys`, {
      token: merchant.owner.token,
      body: {},
    });
    expect((await t.call('GET', '/v1/balance', { token: second.json.secret })).status).toBe(200);
    t.clock.advance(60_000);
    expect((await api('GET', '/v1/balance')).status).toBe(200);
  });
});
