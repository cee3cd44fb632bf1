import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { createAccount, createTransfers } from './index.ts';

/**
 * The ledger's admin routes over HTTP: the audit, its sums as JSON numbers, and spreading an
 * account over shard items (admins only; the count only grows).
 */
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await expectBooksBalanced(app.store);
    await app.store.close();
  }
});

async function withAdmin() {
  const t = createTestApp();
  apps.push(t);
  const admin = await t.signUp('admin', 'admin@example.com');
  const user = await t.signUp('ann');
  const deps = { store: t.store, clock: t.clock };
  for (const id of ['acc_x', 'acc_y'])
    await createAccount(deps, { id, currency: 'EUR', owner: id, code: 'test' });
  await createTransfers(deps, [
    {
      id: 'tr_route',
      debit_account_id: 'acc_x',
      credit_account_id: 'acc_y',
      amount: 1234,
      currency: 'EUR',
      code: 'test',
    },
  ]);
  return { t, admin, user };
}

describe('GET /v1/admin/audit', () => {
  it('reports each currency balanced, its sums as numbers', async () => {
    const { t, admin } = await withAdmin();
    const response = await t.call('GET', '/v1/admin/audit', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.json.balanced).toBe(true);
    const eur = response.json.currencies.find((c: { currency: string }) => c.currency === 'EUR');
    expect(eur).toMatchObject({
      accounts: 2,
      debits_posted: 1234,
      credits_posted: 1234,
      debits_pending: 0,
      credits_pending: 0,
      balanced: true,
    });
  });
});

describe('POST /v1/admin/ledger/accounts/{id}/shards', () => {
  it("spreads an account, never shrinks it, and answers with the account's count", async () => {
    const { t, admin } = await withAdmin();
    const path = '/v1/admin/ledger/accounts/acc_y/shards';
    const grown = await t.call('POST', path, { token: admin.token, body: { shards: 4 } });
    expect([grown.status, grown.json]).toEqual([200, { account_id: 'acc_y', shards: 4 }]);
    const kept = await t.call('POST', path, { token: admin.token, body: { shards: 2 } });
    expect(kept.json).toEqual({ account_id: 'acc_y', shards: 4 });
    expect((await t.store.query({ partition: 'ACC#acc_y' })).items).toHaveLength(4);
  });

  it('refuses a bad count (400 on shards), an unknown account (404) and a non-admin (403)', async () => {
    const { t, admin, user } = await withAdmin();
    const bad = await t.call('POST', '/v1/admin/ledger/accounts/acc_y/shards', {
      token: admin.token,
      body: { shards: 97 },
    });
    expect([bad.status, bad.json.error.param]).toEqual([400, 'shards']);
    const missing = await t.call('POST', '/v1/admin/ledger/accounts/acc_none/shards', {
      token: admin.token,
      body: { shards: 2 },
    });
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
    const user403 = await t.call('POST', '/v1/admin/ledger/accounts/acc_y/shards', {
      token: user.token,
      body: { shards: 2 },
    });
    expect(user403.status).toBe(403);
    expect((await t.store.query({ partition: 'ACC#acc_y' })).items).toHaveLength(1);
  });
});
