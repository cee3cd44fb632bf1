import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../../../test/app-harness.ts';
import { createTestMerchant, tearDownApp } from './test-support.ts';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => tearDownApp(t));

async function createMerchant(owner: TestUser, name = 'Shop') {
  return t.call('POST', '/v1/merchants', { token: owner.token, body: { name } });
}

async function createKey(merchant: { id: string; owner: TestUser }) {
  return t.call('POST', `/v1/merchants/${merchant.id}/api-keys`, { token: merchant.owner.token, body: {} });
}

async function merchantIds(owner: TestUser): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&starting_after=${encodeURIComponent(cursor)}` : '?limit=100';
    const page = await t.call('GET', `/v1/merchants${query}`, { token: owner.token });
    expect(page.status).toBe(200);
    ids.push(...page.json.data.map((m: { id: string }) => m.id));
    cursor = page.json.next_cursor;
  } while (cursor);
  return ids;
}

describe('merchant list pages', () => {
  it('pages GET /v1/merchants with limit and starting_after, oldest first; no parameters gives the first page', async () => {
    const owner = await t.signUp('owner');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createMerchant(owner, `Shop ${i}`)).json.id);

    const all = await t.call('GET', '/v1/merchants', { token: owner.token });
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ data: expect.any(Array), has_more: false, next_cursor: null });
    expect(all.json.data.map((m: { id: string }) => m.id)).toEqual(created);

    const first = await t.call('GET', '/v1/merchants?limit=2', { token: owner.token });
    expect(first.json.data.map((m: { id: string }) => m.id)).toEqual(created.slice(0, 2));
    expect(first.json.has_more).toBe(true);
    const second = await t.call(
      'GET',
      `/v1/merchants?limit=2&starting_after=${encodeURIComponent(first.json.next_cursor)}`,
      { token: owner.token },
    );
    expect(second.json.data.map((m: { id: string }) => m.id)).toEqual(created.slice(2, 4));
    const third = await t.call(
      'GET',
      `/v1/merchants?limit=2&starting_after=${encodeURIComponent(second.json.next_cursor)}`,
      { token: owner.token },
    );
    expect(third.json).toMatchObject({ has_more: false, next_cursor: null });
    expect(third.json.data.map((m: { id: string }) => m.id)).toEqual(created.slice(4));
  });

  it("refuses a bad limit or another user's cursor with 400 naming the field", async () => {
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    for (let i = 0; i < 2; i++) await createMerchant(alice);
    const aliceCursor = (await t.call('GET', '/v1/merchants?limit=1', { token: alice.token })).json
      .next_cursor;

    const badLimit = await t.call('GET', '/v1/merchants?limit=0', { token: alice.token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error.param).toBe('limit');
    const stolen = await t.call('GET', `/v1/merchants?starting_after=${encodeURIComponent(aliceCursor)}`, {
      token: bob.token,
    });
    expect(stolen.status).toBe(400);
    expect(stolen.json.error.param).toBe('starting_after');
  });
});

describe('merchant and API key limits', () => {
  it('caps a user at 20 merchants: concurrent creations past it get 409 limit_reached and create nothing', async () => {
    const owner = await t.signUp('owner');
    for (let i = 0; i < 17; i++) expect((await createMerchant(owner)).status).toBe(201);

    const racing = await Promise.all(Array.from({ length: 6 }, () => createMerchant(owner)));

    expect(racing.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(3);
    for (const r of refused)
      expect(r.json.error).toMatchObject({ code: 'limit_reached', type: 'conflict_error' });
    expect(refused[0]!.status).toBe(409);
    expect(await merchantIds(owner)).toHaveLength(20);
    // Another user has their own allowance.
    expect((await createMerchant(await t.signUp('other'))).status).toBe(201);
  });

  it('counts the merchants a user made before the counter existed', async () => {
    const owner = await t.signUp('owner');
    for (let i = 0; i < 3; i++) await createMerchant(owner);
    // A data dir from before the cap: the merchants exist, their counter does not.
    await t.store.transact([{ type: 'delete', key: { pk: `MER#OWNER#${owner.id}`, sk: 'COUNT' } }]);

    for (let i = 0; i < 17; i++) expect((await createMerchant(owner)).status).toBe(201);
    expect((await createMerchant(owner)).status).toBe(409);
    expect(await merchantIds(owner)).toHaveLength(20);
  });

  it('caps a merchant at 20 active API keys, concurrently too; a revoked key frees its place', async () => {
    const merchant = await createTestMerchant(t); // holds one key
    for (let i = 0; i < 16; i++) expect((await createKey(merchant)).status).toBe(201);

    const racing = await Promise.all(Array.from({ length: 6 }, () => createKey(merchant)));

    expect(racing.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual([409, 409, 409]);
    expect(refused[0]!.json.error.code).toBe('limit_reached');
    const listKeys = () =>
      t.call('GET', `/v1/merchants/${merchant.id}/api-keys`, { token: merchant.owner.token });
    expect((await listKeys()).json.data).toHaveLength(20);

    // Revoking twice (concurrently) frees one place, not two.
    const revoke = () =>
      t.call('DELETE', `/v1/merchants/${merchant.id}/api-keys/${merchant.key.id}`, {
        token: merchant.owner.token,
      });
    expect((await Promise.all([revoke(), revoke()])).map((r) => r.status)).toEqual([200, 200]);
    expect((await createKey(merchant)).status).toBe(201);
    expect((await createKey(merchant)).status).toBe(409);
  });
});
