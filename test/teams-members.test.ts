import { beforeEach, describe, expect, it } from 'vitest';
import { createTestMerchant, paymentBody, type TestMerchant } from '../server/src/payments/test-support.ts';
import { createMerchant } from '../server/src/payments/index.ts';
import { ownersBecomeMembers } from '../server/src/payments/members.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: TestApp;
let merchant: TestMerchant;

/** Invites a fresh user with `role` and returns them, signed up with the invited email. */
async function member(role: string): Promise<TestUser & { member_id: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role },
  });
  expect(invited.status, invited.text).toBe(201);
  return { ...(await t.signUp(role, email)), member_id: invited.json.id };
}

const as = (user: TestUser) => (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
});

describe('teams', () => {
  it('makes the creator an owner member and mails an invitation', async () => {
    const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: merchant.owner.token,
      body: { email: 'Bea@Example.com', role: 'developer' },
    });
    expect(invited.status).toBe(201);
    expect(invited.json).toMatchObject({ email: 'bea@example.com', role: 'developer', status: 'invited' });
    const list = await t.call('GET', `/v1/merchants/${merchant.id}/members`, { token: merchant.owner.token });
    expect(list.json.data.map((m: { role: string; status: string }) => [m.role, m.status]).sort()).toEqual([
      ['developer', 'invited'],
      ['owner', 'active'],
    ]);
    const mail = await t.mailbox.list('bea@example.com');
    expect(mail.items[0]).toMatchObject({ channel: 'email' });
    expect(mail.items[0] && 'subject' in mail.items[0] ? mail.items[0].subject : '').toContain('invited');
  });

  it('lets a member act with their role: a viewer reads but cannot refund or charge', async () => {
    const payment = await t.call('POST', '/v1/payments', { token: merchant.key.secret, body: paymentBody() });
    expect(payment.status).toBe(201);
    const viewer = await member('viewer');
    const api = as(viewer);
    expect((await api('GET', '/v1/payments')).status).toBe(200);
    const refund = await api('POST', '/v1/refunds', { payment: payment.json.id });
    expect(refund.status).toBe(403);
    expect(refund.json.error).toMatchObject({ code: 'forbidden' });
    expect((await api('POST', '/v1/payments', paymentBody())).status).toBe(403);
    const after = await t.call('GET', `/v1/payments/${payment.json.id}`, { token: merchant.key.secret });
    expect(after.json.amount_refunded).toBe(0);
    await expectBooksBalanced(t.store);
  });

  it('lets a developer charge but not refund, and an admin refund', async () => {
    const developer = await member('developer');
    const payment = await as(developer)('POST', '/v1/payments', paymentBody());
    expect(payment.status).toBe(201);
    expect((await as(developer)('POST', '/v1/refunds', { payment: payment.json.id })).status).toBe(403);
    const admin = await member('admin');
    expect((await as(admin)('POST', '/v1/refunds', { payment: payment.json.id })).status).toBe(201);
    await expectBooksBalanced(t.store);
  });

  it('refuses a role that does not exist, naming the field, and stores nothing', async () => {
    const response = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: merchant.owner.token,
      body: { email: 'x@example.com', role: 'superuser' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('role');
    const list = await t.call('GET', `/v1/merchants/${merchant.id}/members`, { token: merchant.owner.token });
    expect(list.json.data).toHaveLength(1);
  });

  it('never removes or demotes the last owner, and lets a second owner go', async () => {
    const list = await t.call('GET', `/v1/merchants/${merchant.id}/members`, { token: merchant.owner.token });
    const ownerId = list.json.data[0].id;
    const path = `/v1/merchants/${merchant.id}/members/${ownerId}`;
    const removed = await t.call('DELETE', path, { token: merchant.owner.token });
    expect(removed.status).toBe(409);
    const demoted = await t.call('PATCH', path, { token: merchant.owner.token, body: { role: 'viewer' } });
    expect(demoted.status).toBe(409);
    const second = await member('owner');
    // The second owner joins on first use, then the first may go.
    expect((await as(second)('GET', '/v1/balance')).status).toBe(200);
    expect((await t.call('DELETE', path, { token: second.token })).status).toBe(200);
    expect((await as(merchant.owner)('GET', '/v1/balance')).status).toBe(404);
  });

  it('keeps non-members out and lets only owners and admins manage the team', async () => {
    const stranger = await t.signUp('stranger');
    expect((await as(stranger)('GET', '/v1/payments')).status).toBe(404);
    expect(
      (await t.call('GET', `/v1/merchants/${merchant.id}/members`, { token: stranger.token })).status,
    ).toBe(404);
    const developer = await member('developer');
    const invite = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: developer.token,
      body: { email: 'y@example.com', role: 'viewer' },
    });
    expect(invite.status).toBe(403);
    const admin = await member('admin');
    const grantOwner = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: admin.token,
      body: { email: 'z@example.com', role: 'owner' },
    });
    expect(grantOwner.status).toBe(403);
  });

  it('lists the teams a member joined among their merchants', async () => {
    const approver = await member('approver');
    const mine = await t.call('GET', '/v1/merchants', { token: approver.token });
    expect(mine.json.data.map((m: { id: string }) => m.id)).toEqual([merchant.id]);
    expect((await t.call('GET', `/v1/merchants/${merchant.id}`, { token: approver.token })).status).toBe(200);
  });

  it('pages owned and joined merchants together, oldest first, each once and within the limit', async () => {
    const approver = await member('approver');
    // Two merchants of the approver's own, made after the team it joined.
    const owned: string[] = [];
    for (const name of ['Own One', 'Own Two']) {
      const created = await t.call('POST', '/v1/merchants', { token: approver.token, body: { name } });
      expect(created.status, created.text).toBe(201);
      owned.push(created.json.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const query: string = cursor ? `?limit=2&starting_after=${cursor}` : '?limit=2';
      const page = await t.call('GET', `/v1/merchants${query}`, { token: approver.token });
      expect(page.status).toBe(200);
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.data.map((m: { id: string }) => m.id));
      cursor = page.json.next_cursor;
      expect(page.json.has_more).toBe(cursor !== null);
      if (!cursor) break;
    }
    expect(seen).toEqual([merchant.id, ...owned]);
  });

  it('makes the owners of merchants from before teams owner members, once (migration 3)', async () => {
    const owner = await t.signUp('legacy');
    // Created as code from before teams did: no member, no owner count.
    const legacy = await createMerchant(t, owner.id, { name: 'Old Shop' });
    const headers = { 'sluice-merchant': legacy.id };
    expect((await t.call('GET', '/v1/balance', { token: owner.token, headers })).status).toBe(200);
    const deps = { store: t.store, clock: t.clock, identity: t.identity, logger: silentLogger };
    expect(await ownersBecomeMembers(deps)).toBeGreaterThan(0);
    const members = await t.call('GET', `/v1/merchants/${legacy.id}/members`, { token: owner.token });
    expect(members.json.data).toMatchObject([{ email: owner.email, role: 'owner', status: 'active' }]);
    expect(await ownersBecomeMembers(deps)).toBe(0);
    // The owner count now guards the last owner.
    const removed = await t.call('DELETE', `/v1/merchants/${legacy.id}/members/${members.json.data[0].id}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(409);
  });

  it('lets owners and admins manage API keys, any member list them, and a removed owner none', async () => {
    const keys = `/v1/merchants/${merchant.id}/api-keys`;
    const admin = await member('admin');
    const developer = await member('developer');
    expect((await t.call('POST', keys, { token: admin.token, body: { name: 'ci' } })).status).toBe(201);
    expect((await t.call('POST', keys, { token: developer.token, body: { name: 'mine' } })).status).toBe(403);
    expect((await t.call('GET', keys, { token: developer.token })).json.data).toHaveLength(2);
    const owner2 = await member('owner');
    expect((await as(owner2)('GET', '/v1/balance')).status).toBe(200);
    const team = await t.call('GET', `/v1/merchants/${merchant.id}/members`, { token: owner2.token });
    const creator = team.json.data.find((m: { email: string }) => m.email === merchant.owner.email);
    const path = `/v1/merchants/${merchant.id}/members/${creator.id}`;
    expect((await t.call('DELETE', path, { token: owner2.token })).status).toBe(200);
    expect((await t.call('POST', keys, { token: merchant.owner.token, body: {} })).status).toBe(404);
  });
});
