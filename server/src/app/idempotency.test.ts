import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { paymentBody, setUpMerchantApp, tearDownApp } from '../payments/test-support.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { storedItems } from '../../../test/stored-items.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { idempotencyRecordKey } from '../http/idempotency.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An app on a store in a file, and every stored item's text, to scan for plaintext secrets. */
function fileBackedApp(): { t: TestApp; storedText: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-idem-'));
  const path = join(dir, 'store.db');
  const t = createTestApp({ store: new SqliteStore(path) });
  cleanups.push(async () => {
    await tearDownApp(t);
    rmSync(dir, { recursive: true, force: true });
  });
  const storedText = () =>
    storedItems(path)
      .map((item) => `${item.pk} ${item.sk} ${JSON.stringify(item)}`)
      .join('\n');
  return { t, storedText };
}

const key = (value: string) => ({ 'Idempotency-Key': value });

describe('idempotency keys on merchant routes', () => {
  it("share one scope across the merchant's API keys and its dashboard", async () => {
    const { t, merchant, api } = await setUpMerchantApp();
    cleanups.push(() => tearDownApp(t));
    const second = await t.call('POST', `/v1/merchants/${merchant.id}/api-keys`, {
      token: merchant.owner.token,
      body: { name: 'second' },
    });
    expect(second.status).toBe(201);

    const first = await api('POST', '/v1/payments', paymentBody(), key('order-shared'));
    const viaSecondKey = await t.call('POST', '/v1/payments', {
      token: second.json.secret,
      body: paymentBody(),
      headers: key('order-shared'),
    });
    const viaDashboard = await t.call('POST', '/v1/payments', {
      token: merchant.owner.token,
      body: paymentBody(),
      headers: { ...key('order-shared'), 'Sluice-Merchant': merchant.id },
    });

    expect(first.status).toBe(201);
    for (const replay of [viaSecondKey, viaDashboard]) {
      expect(replay.status).toBe(201);
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(replay.json.id).toBe(first.json.id);
    }
    const payments = await api('GET', '/v1/payments?limit=100');
    expect(payments.json.data).toHaveLength(1);
  });

  it('keeps two merchants apart under the same key', async () => {
    const { t, api } = await setUpMerchantApp();
    cleanups.push(() => tearDownApp(t));
    const other = await setUpMerchantApp(t);
    const a = await api('POST', '/v1/payments', paymentBody(), key('order-x'));
    const b = await other.api('POST', '/v1/payments', paymentBody(), key('order-x'));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('Idempotent-Replayed')).toBeNull();
    expect(b.json.id).not.toBe(a.json.id);
  });
});

describe('secrets in idempotent responses and in the store', () => {
  it('replays an API key creation without its secret, and never stores the secret', async () => {
    const { t, storedText } = fileBackedApp();
    const owner = await t.signUp('owner');
    const merchant = await t.call('POST', '/v1/merchants', { token: owner.token, body: { name: 'Acme' } });
    const create = () =>
      t.call('POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
        token: owner.token,
        body: { name: 'server' },
        headers: key('key-1'),
      });
    const first = await create();
    expect(first.status).toBe(201);
    expect(first.json.secret).toMatch(/^sk_test_/);

    const replay = await create();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.headers.get('Idempotent-Redacted')).toBe('secret');
    expect(replay.json.id).toBe(first.json.id);
    expect(replay.json.secret).toBeNull();
    expect(replay.text).not.toContain(first.json.secret);

    const stored = storedText();
    expect(stored).toContain(first.json.id);
    expect(stored).not.toContain(first.json.secret);
    expect(stored).not.toContain(first.json.secret.slice('sk_test_'.length));
  });

  it('replays a webhook endpoint creation and a secret rotation without the whsec_ secret', async () => {
    const { t, storedText } = fileBackedApp();
    const { api } = await setUpMerchantApp(t);
    const body = { url: 'http://127.0.0.1:9/hooks', events: ['payment.captured'] };
    const created = await api('POST', '/v1/webhook-endpoints', body, key('we-1'));
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_/);
    const createReplay = await api('POST', '/v1/webhook-endpoints', body, key('we-1'));
    expect(createReplay.status).toBe(201);
    expect(createReplay.headers.get('Idempotent-Redacted')).toBe('secret');
    expect(createReplay.json.secret).toBeNull();

    const rotatePath = `/v1/webhook-endpoints/${created.json.id}/rotate-secret`;
    const rotated = await api('POST', rotatePath, {}, key('rotate-1'));
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    const rotateReplay = await api('POST', rotatePath, {}, key('rotate-1'));
    expect(rotateReplay.status).toBe(200);
    expect(rotateReplay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(rotateReplay.json.secret).toBeNull();

    const idempotencyRecords = storedText()
      .split('\n')
      .filter((row) => row.startsWith('IDEM#'));
    expect(idempotencyRecords.length).toBeGreaterThanOrEqual(2);
    for (const row of idempotencyRecords) {
      expect(row).not.toContain(created.json.secret);
      expect(row).not.toContain(rotated.json.secret);
    }
  });

  it('stores refresh tokens only hashed', async () => {
    const { t, storedText } = fileBackedApp();
    const user = await t.signUp('someone');
    const refreshed = await t.call('POST', '/v1/auth/refresh', {
      body: { refresh_token: user.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    const stored = storedText();
    expect(stored).toContain(user.id);
    for (const token of [user.refresh_token, refreshed.json.refresh_token as string]) {
      expect(token.length).toBeGreaterThan(20);
      expect(stored).not.toContain(token);
    }
  });
});

describe('records of money routes, kept as a reference to their event', () => {
  it('stores a keyed transfer’s and payment’s response once (in the event), and replays them as answered', async () => {
    const { t, merchant, api } = await setUpMerchantApp();
    cleanups.push(() => tearDownApp(t));
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    const transfer = () =>
      t.call('POST', '/v1/transfers', {
        token: alice.token,
        body: { to: bob.id, amount: 250, currency: 'USD' },
        headers: key('transfer-1'),
      });
    const authorize = () =>
      api('POST', '/v1/payments', { ...paymentBody(), capture: false }, key('authorize-1'));
    const sent = await transfer();
    expect(sent.status).toBe(201);
    const authorized = await authorize();
    expect(authorized.status).toBe(201);
    const capture = () => api('POST', `/v1/payments/${authorized.json.id}/capture`, {}, key('capture-1'));
    const captured = await capture();
    expect(captured.status).toBe(200);

    const records = await Promise.all([
      t.store.get(idempotencyRecordKey(`user:${alice.id}`, 'transfer-1')),
      t.store.get(idempotencyRecordKey(`merchant:${merchant.id}`, 'authorize-1')),
      t.store.get(idempotencyRecordKey(`merchant:${merchant.id}`, 'capture-1')),
    ]);
    for (const record of records) {
      expect(record).toBeDefined();
      expect(record).not.toHaveProperty('response');
      // Known by its key, complete as written; when it was written is its expiry less the retention.
      for (const name of ['entity', 'created_at', 'state']) expect(record).not.toHaveProperty(name);
      expect(record?.ref).toMatch(/^evt_\w+\.\w+$/);
    }

    for (const [replay, first] of [
      [await transfer(), sent],
      [await capture(), captured],
      // The authorization replays as it was answered, not as the payment is now (captured).
      [await authorize(), authorized],
    ] as const) {
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(replay.text).toBe(first.text);
    }
    expect(authorized.json.status).toBe('requires_capture');
    await expectBooksBalanced(t.store);
  });
});
