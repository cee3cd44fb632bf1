import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isoTime } from '../server/src/kernel/clock.ts';
import {
  asMember as actingMember,
  createTestMerchant,
  joinMerchant,
  paymentBody,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// What the mutation run of approvals/service.ts:1-114 (the policies' create/read/replace, the
// actors recorded on requests and decisions) found no test for. SQLite only; the books are checked
// balanced after each test.

const day = 24 * 3600;
const toBank = {
  destination: 'ach',
  bank_account: {
    routing_number: '231380104',
    account_number: '000123456789',
    account_holder_name: 'Acme Coffee LLC',
  },
};

let t: TestApp;
let merchant: TestMerchant;
/** The merchant's available USD after its $100 capture settled (less fees). */
let available: number;

type Call = (method: string, path: string, body?: unknown) => ReturnType<TestApp['call']>;

/** The merchant's API key (it acts as the owner). */
const api: Call = (method, path, body) =>
  t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });

const asMember = (user: TestUser): Call => actingMember(t, merchant, user);
const join = (role: string): Promise<TestUser> => joinMerchant(t, merchant, role);

const availableNow = async () => (await api('GET', '/v1/balance')).json.balances[0].available as number;

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme Coffee', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(ach.status, ach.text).toBe(201);
  expect((await api('POST', '/v1/payments', paymentBody({ amount: 10_000 }))).status).toBe(201);
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * day })).status).toBe(200);
  available = await availableNow();
  expect(available).toBeGreaterThan(2_000);
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

describe('approval policies', () => {
  it('answers the policy it stored, lists each action once, and replaces an action on a second put', async () => {
    const payout = await api('PUT', '/v1/approval-policies', {
      action: 'payout',
      threshold: 1_000,
      approvals: 2,
    });
    expect(payout.status, payout.text).toBe(200);
    expect(payout.json).toEqual({
      object: 'approval_policy',
      action: 'payout',
      threshold: 1_000,
      approvals: 2,
      updated_at: isoTime(t.clock.now()),
    });
    const refund = await api('PUT', '/v1/approval-policies', { action: 'refund', approvals: 1 });
    expect(refund.json).toEqual({
      object: 'approval_policy',
      action: 'refund',
      threshold: null,
      approvals: 1,
      updated_at: isoTime(t.clock.now()),
    });
    t.clock.advance(60_000);
    const replaced = await api('PUT', '/v1/approval-policies', {
      action: 'payout',
      threshold: null,
      approvals: 1,
    });
    expect(replaced.json).toMatchObject({
      threshold: null,
      approvals: 1,
      updated_at: isoTime(t.clock.now()),
    });
    const listed = await api('GET', '/v1/approval-policies');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json).toEqual({
      data: expect.any(Array),
      has_more: false,
      next_cursor: null,
    });
    expect(
      [...listed.json.data].sort((a: { action: string }, b: { action: string }) =>
        a.action.localeCompare(b.action),
      ),
    ).toEqual([replaced.json, refund.json]);
    // Another merchant has none.
    const other = await createTestMerchant(t);
    expect((await t.call('GET', '/v1/approval-policies', { token: other.key.secret })).json.data).toEqual([]);
  });

  it('holds a payout above the stored threshold and makes one at it at once', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'payout', threshold: 1_000, approvals: 1 });
    const atThreshold = await api('POST', '/v1/payouts', { amount: 1_000, currency: 'USD', ...toBank });
    expect(atThreshold.status, atThreshold.text).toBe(201);
    expect(await availableNow()).toBe(available - 1_000);
    const above = await api('POST', '/v1/payouts', { amount: 1_001, currency: 'USD', ...toBank });
    expect(above.status, above.text).toBe(202);
    expect(above.json).toMatchObject({ status: 'pending', amount: 1_001, approvals_required: 1 });
    expect(await availableNow()).toBe(available - 1_000);
  });
});

describe('who asked and who decided', () => {
  it('records an API key as the requester by its id, with no user or email', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const requested = await api('POST', '/v1/payouts', { amount: 2_000, currency: 'USD', ...toBank });
    expect(requested.status, requested.text).toBe(202);
    const byKey = { user: null, email: null, api_key: merchant.key.id, role: 'owner' };
    expect(requested.json.requested_by).toEqual(byKey);
    const stored = (await api('GET', `/v1/approvals/${requested.json.id}`)).json;
    expect(stored.requested_by).toEqual(byKey);
    expect(stored.steps[0]).toMatchObject({ type: 'requested', actor: byKey });
    expect(await availableNow()).toBe(available);
  });

  it('records a member as the requester and an approver as the decider, by user and email, with no key', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const admin = await join('admin');
    const approver = await join('approver');
    const requested = await asMember(admin)('POST', '/v1/payouts', {
      amount: 2_000,
      currency: 'USD',
      ...toBank,
    });
    expect(requested.status, requested.text).toBe(202);
    const byAdmin = { user: admin.id, email: admin.email, api_key: null, role: 'admin' };
    expect(requested.json.requested_by).toEqual(byAdmin);
    const approved = await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`, {
      note: 'Checked the invoice',
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.status).toBe('executed');
    expect(approved.json.steps.slice(0, 2)).toEqual([
      { type: 'requested', actor: byAdmin, at: requested.json.created_at, note: null },
      {
        type: 'approved',
        actor: { user: approver.id, email: approver.email, api_key: null, role: 'approver' },
        at: isoTime(t.clock.now()),
        note: 'Checked the invoice',
      },
    ]);
    expect(await availableNow()).toBe(available - 2_000);
  });
});
