import { describe, expect, it } from 'vitest';
import {
  asMember,
  createTestMerchant,
  joinMerchant,
  paymentBody,
  pendingEvents,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expireDueApprovals } from '../server/src/approvals/service.ts';
import { bothStores } from './both-stores.ts';
import { expectBooksBalanced } from './invariants.ts';

const day = 24 * 3600;

/** A payout to the merchant's business bank account by ACH credit. */
const toBank = {
  destination: 'ach',
  bank_account: {
    routing_number: '231380104',
    account_number: '000123456789',
    account_holder_name: 'Acme Coffee LLC',
  },
};

/**
 * A merchant whose captures of $100 settled into its available balance (less fees), with an
 * `ach` connector for payouts to its bank.
 */
async function fundedMerchant(t: TestApp): Promise<{ merchant: TestMerchant; available: number }> {
  const merchant = await createTestMerchant(t);
  const api = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme Coffee', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(ach.status, ach.text).toBe(201);
  expect((await api('POST', '/v1/payments', paymentBody({ amount: 10_000 }))).status).toBe(201);
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * day })).status).toBe(200);
  const balance = await api('GET', '/v1/balance');
  const available = balance.json.balances[0].available as number;
  expect(available).toBeGreaterThan(0);
  return { merchant, available };
}

const join = joinMerchant;

describe.each(bothStores('sluice-approvals'))('approvals and payouts (%s)', (_name, open) => {
  it('executes a payout once when 20 approvers approve at once under a 2-approval policy', {
    timeout: 120_000,
  }, async () => {
    const t = createTestApp({ store: await open() });
    const { merchant, available } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    const policy = await owner('PUT', '/v1/approval-policies', {
      action: 'payout',
      threshold: 100,
      approvals: 2,
    });
    expect(policy.status).toBe(200);
    const requested = await owner('POST', '/v1/payouts', {
      amount: available,
      currency: 'USD',
      ...toBank,
    });
    expect(requested.status).toBe(202);
    expect(requested.json).toMatchObject({ status: 'pending', approvals_required: 2 });
    const approvers = await Promise.all(Array.from({ length: 20 }, () => join(t, merchant, 'approver')));
    // Each approver joins the team on first use; then all approve at once.
    for (const approver of approvers)
      expect((await asMember(t, merchant, approver)('GET', '/v1/approvals')).status).toBe(200);
    const answers = await Promise.all(
      approvers.map((approver) =>
        asMember(t, merchant, approver)('POST', `/v1/approvals/${requested.json.id}/approve`),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(18);
    const final = await owner('GET', `/v1/approvals/${requested.json.id}`);
    expect(final.json.status).toBe('executed');
    expect(final.json.steps.map((s: { type: string }) => s.type)).toEqual([
      'requested',
      'approved',
      'approved',
      'executed',
    ]);
    const payouts = await owner('GET', '/v1/payouts');
    expect(payouts.json.data).toHaveLength(1);
    expect(payouts.json.data[0]).toMatchObject({ amount: available, approval: requested.json.id });
    expect((await owner('GET', '/v1/balance')).json.balances[0].available).toBe(0);
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('refuses self-approval (403), a second approval by one approver (409), and an API key', async () => {
    const t = createTestApp({ store: await open() });
    const { merchant, available } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 2 });
    const approver = await join(t, merchant, 'approver');
    const admin = await join(t, merchant, 'admin');
    const requested = await asMember(t, merchant, admin)('POST', '/v1/payouts', {
      amount: 100,
      currency: 'USD',
      ...toBank,
    });
    expect(requested.status).toBe(202);
    const id = requested.json.id;
    // The admin is no approver: the permission table stops them before their own request is judged.
    expect((await asMember(t, merchant, admin)('POST', `/v1/approvals/${id}/approve`)).status).toBe(403);
    const byKey = await t.call('POST', `/v1/approvals/${id}/approve`, { token: merchant.key.secret });
    expect(byKey.status).toBe(403);
    const first = await asMember(t, merchant, approver)('POST', `/v1/approvals/${id}/approve`);
    expect(first.status).toBe(200);
    const twice = await asMember(t, merchant, approver)('POST', `/v1/approvals/${id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('already_decided');
    // An approver who asks cannot approve their own request.
    await owner('PUT', '/v1/approval-policies', { action: 'refund', approvals: 1 });
    const self = await join(t, merchant, 'approver');
    await t.call(
      'PATCH',
      `/v1/merchants/${merchant.id}/members/${(await owner('GET', `/v1/merchants/${merchant.id}/members`)).json.data.find((m: { email: string }) => m.email === self.email).id}`,
      {
        token: merchant.owner.token,
        body: { role: 'admin' },
      },
    );
    const ownRequest = await asMember(t, merchant, self)('POST', '/v1/payouts', {
      amount: 100,
      currency: 'USD',
      ...toBank,
    });
    expect(ownRequest.status).toBe(202);
    await t.call(
      'PATCH',
      `/v1/merchants/${merchant.id}/members/${(await owner('GET', `/v1/merchants/${merchant.id}/members`)).json.data.find((m: { email: string }) => m.email === self.email).id}`,
      {
        token: merchant.owner.token,
        body: { role: 'approver' },
      },
    );
    const selfApproval = await asMember(
      t,
      merchant,
      self,
    )('POST', `/v1/approvals/${ownRequest.json.id}/approve`);
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.json.error.code).toBe('self_approval');
    expect((await owner('GET', '/v1/payouts')).json.data).toHaveLength(0);
    expect((await owner('GET', '/v1/balance')).json.balances[0].available).toBe(available);
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('refuses a payout above the available balance and writes nothing; pays once below it', async () => {
    const t = createTestApp({ store: await open() });
    const { merchant, available } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    const above = await owner('POST', '/v1/payouts', {
      amount: available + 1,
      currency: 'USD',
      ...toBank,
    });
    expect(above.status).toBe(402);
    expect(above.json.error).toMatchObject({ code: 'insufficient_funds', param: 'amount' });
    expect((await owner('GET', '/v1/payouts')).json.data).toHaveLength(0);
    expect((await owner('GET', '/v1/approvals')).json.data).toHaveLength(0);
    // Two payouts of the whole balance at once: one is paid, the other refused.
    const both = await Promise.all(
      [0, 1].map(() => owner('POST', '/v1/payouts', { amount: available, currency: 'USD', ...toBank })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 402]);
    expect((await owner('GET', '/v1/balance')).json.balances[0].available).toBe(0);
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('ends a request on rejection or expiry, and then nothing executes', async () => {
    const t = createTestApp({ store: await open() });
    const { merchant, available } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const approver = await join(t, merchant, 'approver');
    const rejected = await owner('POST', '/v1/payouts', { amount: 100, currency: 'USD', ...toBank });
    const no = await asMember(t, merchant, approver)('POST', `/v1/approvals/${rejected.json.id}/reject`, {
      note: 'no',
    });
    expect(no.json.status).toBe('rejected');
    const expiring = await owner('POST', '/v1/payouts', { amount: 100, currency: 'USD', ...toBank });
    t.clock.advance(73 * 3600 * 1000);
    // Access tokens are short-lived: sign in again after the wait.
    const login = async (user: TestUser) => {
      const response = await t.call('POST', '/v1/auth/login', {
        body: { email: user.email, password: 'correct horse battery' },
      });
      return { ...user, token: response.json.access_token as string };
    };
    const fresh = await login(approver);
    const late = await asMember(t, merchant, fresh)('POST', `/v1/approvals/${expiring.json.id}/approve`);
    expect(late.status).toBe(409);
    const later = asMember(t, merchant, await login(merchant.owner));
    expect((await later('GET', `/v1/approvals/${expiring.json.id}`)).json.status).toBe('expired');
    expect((await later('GET', '/v1/payouts')).json.data).toHaveLength(0);
    expect((await later('GET', '/v1/balance')).json.balances[0].available).toBe(available);
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('ends an approved payout failed, with payout.failed, when the balance fell before the last approval', async () => {
    const t = createTestApp({ store: await open() });
    const { merchant, available } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const approver = await join(t, merchant, 'approver');
    const requested = await owner('POST', '/v1/payouts', {
      amount: available,
      currency: 'USD',
      ...toBank,
    });
    expect(requested.status).toBe(202);
    // A refund of the settled payment takes from the available balance meanwhile.
    const payment = (await owner('GET', '/v1/payments')).json.data[0];
    expect((await owner('POST', '/v1/refunds', { payment: payment.id, amount: 2000 })).status).toBe(201);
    const approved = await asMember(
      t,
      merchant,
      approver,
    )('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('failed');
    expect(approved.json.result.error.code).toBe('insufficient_funds');
    expect(approved.json.steps.map((s: { type: string }) => s.type)).toEqual([
      'requested',
      'approved',
      'failed',
    ]);
    expect((await owner('GET', '/v1/payouts')).json.data).toHaveLength(0);
    const failed = (await pendingEvents(t)).filter((e) => e.type === 'payout.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.subject).toBe(requested.json.id);
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('expires undecided requests from the job once their 72 hours pass, and only them', async () => {
    const t = createTestApp({ store: await open() });
    const { merchant } = await fundedMerchant(t);
    const owner = asMember(t, merchant, merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const old = await owner('POST', '/v1/payouts', { amount: 100, currency: 'USD', ...toBank });
    t.clock.advance(48 * 3600 * 1000);
    // The owner's access token has expired by now; the API key asks instead.
    const recent = await t.call('POST', '/v1/payouts', {
      token: merchant.key.secret,
      body: { amount: 100, currency: 'USD', ...toBank },
    });
    expect(recent.status).toBe(202);
    const deps = { store: t.store, clock: t.clock };
    expect(await expireDueApprovals(deps)).toBe(0);
    t.clock.advance(25 * 3600 * 1000);
    expect(await expireDueApprovals(deps)).toBe(1);
    expect(await expireDueApprovals(deps)).toBe(0);
    const key = (path: string) => t.call('GET', path, { token: merchant.key.secret });
    const expired = (await key(`/v1/approvals/${old.json.id}`)).json;
    expect(expired.status).toBe('expired');
    expect(expired.steps.at(-1)).toMatchObject({ type: 'expired', actor: null });
    expect((await key(`/v1/approvals/${recent.json.id}`)).json.status).toBe('pending');
    await expectBooksBalanced(t.store);
    await t.store.close();
  });
});
