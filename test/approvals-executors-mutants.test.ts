import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalsModule } from '../server/src/approvals/index.ts';
import {
  decideApproval,
  expireDueApprovals,
  expireOne,
  requestApproval,
} from '../server/src/approvals/service.ts';
import {
  asMember as actingMember,
  createTestMerchant,
  joinMerchant,
  paymentBody,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { approvalKeys } from '../server/src/approvals/store.ts';
import { payoutsModule } from '../server/src/payouts/index.ts';
import type { QueryPage, Store, WriteOperation } from '../server/src/platform/store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { createTestApp, moduleDepsFor, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// What the mutation runs of the approval executors (approvals/service.ts's deciding and
// executing, payouts/index.ts's `payout` executor) found no test for. SQLite only; the books are
// checked balanced after each test.

const day = 24 * 3600;
const toBank = {
  destination: 'ach',
  bank_account: {
    routing_number: '231380104',
    account_number: '000123456789',
    account_holder_name: 'Acme Coffee LLC',
  },
};

type Interleaving = {
  /** Run once just before the first transaction that writes the approval request `id`. */
  before?: { id: string; run: () => Promise<void> };
  /** What queries of the pending requests' index answer instead (an index that lags). */
  laggingPending?: QueryPage;
};

/**
 * The real SQLite store with what a test arms: another writer getting in first, or the pending
 * requests' index lagging behind the items (as DynamoDB's global secondary indexes may).
 */
function interleavingStore(inner: Store): Store & Interleaving {
  const pkOf = (op: WriteOperation) => (op.type === 'put' ? op.item.pk : op.key.pk);
  const store: Store & Interleaving = {
    get: (key) => inner.get(key),
    query: async (query) =>
      store.laggingPending && query.partition === approvalKeys.pending
        ? store.laggingPending
        : inner.query(query),
    close: () => inner.close(),
    ...(inner.consistentIndexes !== undefined ? { consistentIndexes: inner.consistentIndexes } : {}),
    async transact(operations) {
      const before = store.before;
      if (before && operations.some((op) => pkOf(op) === `APV#${before.id}`)) {
        delete store.before;
        await before.run();
      }
      return inner.transact(operations);
    },
  };
  return store;
}

let store: ReturnType<typeof interleavingStore>;
let t: TestApp;
let merchant: TestMerchant;
/** The merchant's available USD after its $100 capture settled (less fees). */
let available: number;

type Call = (method: string, path: string, body?: unknown) => ReturnType<TestApp['call']>;

const asMember = (user: TestUser): Call => actingMember(t, merchant, user);
const join = (role: string): Promise<TestUser> => joinMerchant(t, merchant, role);

/** `user` signed in again: access tokens are short-lived, and these tests wait days. */
async function login(user: TestUser): Promise<TestUser> {
  const response = await t.call('POST', '/v1/auth/login', {
    body: { email: user.email, password: 'correct horse battery' },
  });
  expect(response.status, response.text).toBe(200);
  return { ...user, token: response.json.access_token as string };
}

/** The merchant's available USD, read with its API key (which does not expire). */
const availableNow = async () =>
  (await t.call('GET', '/v1/balance', { token: merchant.key.secret })).json.balances[0].available as number;

/** Gives a member of the merchant another role, as the owner does. */
async function setRole(user: TestUser, role: string): Promise<void> {
  const owner = asMember(merchant.owner);
  const members = (await owner('GET', `/v1/merchants/${merchant.id}/members`)).json.data as Array<{
    id: string;
    email: string;
  }>;
  const member = members.find((m) => m.email === user.email)!;
  const changed = await t.call('PATCH', `/v1/merchants/${merchant.id}/members/${member.id}`, {
    token: merchant.owner.token,
    body: { role },
  });
  expect(changed.status, changed.text).toBe(200);
}

beforeEach(async () => {
  store = interleavingStore(new SqliteStore(':memory:'));
  t = createTestApp({ store });
  merchant = await createTestMerchant(t);
  const api: Call = (method, path, body) =>
    t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme Coffee', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(ach.status, ach.text).toBe(201);
  expect((await api('POST', '/v1/payments', paymentBody({ amount: 10_000 }))).status).toBe(201);
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * day })).status).toBe(200);
  available = await availableNow();
  expect(available).toBeGreaterThan(0);
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

describe('an approved payout', () => {
  it('records the payout it made as the result, in the answer and in the stored request', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const approver = await join('approver');
    const requested = await owner('POST', '/v1/payouts', { amount: 2_500, currency: 'USD', ...toBank });
    expect(requested.status, requested.text).toBe(202);
    const approved = await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    const [payout] = (await owner('GET', '/v1/payouts')).json.data;
    expect(payout).toMatchObject({ amount: 2_500, approval: requested.json.id });
    expect(approved.json).toMatchObject({ status: 'executed', result: { payout: payout.id } });
    expect((await owner('GET', `/v1/approvals/${requested.json.id}`)).json).toMatchObject({
      status: 'executed',
      result: { payout: payout.id },
    });
    expect(await availableNow()).toBe(available - 2_500);
  });
});

describe('deciding a request', () => {
  it('ends a request expired when it is decided at the very moment it expires, naming its status', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const approver = await join('approver');
    const requested = await owner('POST', '/v1/payouts', { amount: 2_500, currency: 'USD', ...toBank });
    expect(requested.status).toBe(202);
    t.clock.advance(Date.parse(requested.json.expires_at) - t.clock.now());
    const late = await asMember(await login(approver))('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({
      code: 'approval_closed',
      message: 'The request is expired.',
      status: 'expired',
    });
    const later = asMember(await login(merchant.owner));
    expect((await later('GET', `/v1/approvals/${requested.json.id}`)).json.status).toBe('expired');
    expect((await later('GET', '/v1/payouts')).json.data).toEqual([]);
    expect(await availableNow()).toBe(available);
  });

  it('refuses a decision by an API key in the service too, and the requester deciding their own request', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    // An admin asks, and is an approver by the time they decide.
    const asker = await join('admin');
    const requested = await asMember(asker)('POST', '/v1/payouts', {
      amount: 2_500,
      currency: 'USD',
      ...toBank,
    });
    expect(requested.status).toBe(202);
    await setRole(asker, 'approver');
    // The routes stop an API key before the service; the service does not rely on it.
    const deps = moduleDepsFor(t, [approvalsModule, payoutsModule]);
    const byKey = {
      kind: 'merchant',
      merchantId: merchant.id,
      apiKeyId: 'key_test',
      ownerId: merchant.owner.id,
      role: 'owner',
      userId: undefined,
    } as const;
    await expect(decideApproval(deps, byKey, requested.json.id, 'approve', undefined)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'approvals are decided by team members, not API keys',
    });
    const own = await asMember(asker)('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(own.status).toBe(403);
    expect(own.json.error).toMatchObject({
      code: 'self_approval',
      message: 'You cannot approve or reject your own request.',
    });
    expect((await owner('GET', `/v1/approvals/${requested.json.id}`)).json).toMatchObject({
      status: 'pending',
      approvals: 0,
    });
    expect(await availableNow()).toBe(available);
  });

  it('counts an approver once, telling them they already decided', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 2 });
    const approver = await join('approver');
    const requested = await owner('POST', '/v1/payouts', { amount: 2_500, currency: 'USD', ...toBank });
    expect(
      (await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`)).json,
    ).toMatchObject({
      status: 'pending',
      approvals: 1,
    });
    const twice = await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatchObject({
      code: 'already_decided',
      message: 'You already decided this request.',
    });
    expect((await owner('GET', `/v1/approvals/${requested.json.id}`)).json.approvals).toBe(1);
    expect(await availableNow()).toBe(available);
  });

  it('executes again, on the balance as it then is, when a payout of the same balance lands between its read and its write', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', threshold: 1_000, approvals: 1 });
    const approver = await join('approver');
    const requested = await owner('POST', '/v1/payouts', { amount: 2_500, currency: 'USD', ...toBank });
    expect(requested.status).toBe(202);
    // Below the threshold: paid at once, bumping the merchant's payout sequence the approved
    // payout read. Its write then fails that condition (the ledger's `conflict`): a lost race.
    let direct: Awaited<ReturnType<TestApp['call']>> | undefined;
    store.before = {
      id: requested.json.id,
      run: async () => {
        direct = await t.call('POST', '/v1/payouts', {
          token: merchant.key.secret,
          body: { amount: 1_000, currency: 'USD', ...toBank },
        });
      },
    };
    const approved = await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`);
    expect(direct?.status, direct?.text).toBe(201);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.status).toBe('executed');
    const payouts = (await owner('GET', '/v1/payouts')).json.data as Array<{
      amount: number;
      approval: string;
    }>;
    expect(payouts.map((p) => [p.amount, p.approval]).sort()).toEqual([
      [1_000, null],
      [2_500, requested.json.id],
    ]);
    expect(await availableNow()).toBe(available - 3_500);
  });

  it('names the executor it lacks, and leaves the request pending, when no module registered it', async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const approver = await join('approver');
    // The approvers' first call makes them a member.
    expect((await asMember(approver)('GET', '/v1/approvals')).status).toBe(200);
    const deps = moduleDepsFor(t, [approvalsModule, payoutsModule]);
    const requested = await requestApproval(deps, {
      merchantId: merchant.id,
      ownerId: merchant.owner.id,
      action: 'payout',
      executor: 'unregistered_executor',
      amount: 2_500,
      currency: 'USD',
      params: {},
      summary: 'A payout no module carries out',
      requestedBy: { user: null, email: null, api_key: 'key_test', role: 'owner' },
    });
    const asApprover = {
      kind: 'merchant',
      merchantId: merchant.id,
      apiKeyId: undefined,
      ownerId: merchant.owner.id,
      role: 'approver',
      userId: approver.id,
      email: approver.email,
    } as const;
    await expect(decideApproval(deps, asApprover, requested!.id, 'approve', undefined)).rejects.toThrow(
      'no approval executor registered for unregistered_executor',
    );
    expect((await owner('GET', `/v1/approvals/${requested!.id}`)).json).toMatchObject({
      status: 'pending',
      approvals: 0,
    });
    expect(await availableNow()).toBe(available);
  });
});

describe('reading a request', () => {
  it("answers 404 for another merchant's request, naming it, and lets no one of that merchant decide it", async () => {
    const owner = asMember(merchant.owner);
    await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
    const requested = await owner('POST', '/v1/payouts', { amount: 2_500, currency: 'USD', ...toBank });
    expect(requested.status).toBe(202);
    const other = await createTestMerchant(t);
    const theirs = await t.call('GET', `/v1/approvals/${requested.json.id}`, { token: other.key.secret });
    expect(theirs.status).toBe(404);
    expect(theirs.json.error).toMatchObject({
      code: 'not_found',
      message: `No approval request ${requested.json.id}.`,
      param: 'id',
    });
    // Their approver, deciding by the id, finds nothing either.
    const approver = await join('approver');
    const asTheirApprover = {
      kind: 'merchant',
      merchantId: other.id,
      apiKeyId: undefined,
      ownerId: other.owner.id,
      role: 'approver',
      userId: approver.id,
      email: approver.email,
    } as const;
    const deps = moduleDepsFor(t, [approvalsModule, payoutsModule]);
    await expect(
      decideApproval(deps, asTheirApprover, requested.json.id, 'approve', undefined),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await owner('GET', `/v1/approvals/${requested.json.id}`)).json).toMatchObject({
      status: 'pending',
      approvals: 0,
    });
    expect((await owner('GET', '/v1/payouts')).json.data).toEqual([]);
    expect(await availableNow()).toBe(available);
  });
});

describe('expiring a request', () => {
  const deps = () => ({ store: t.store, clock: t.clock });
  /** A pending request for a payout, as the route records it, straight through the service. */
  const pending = async (summary = 'A payout') =>
    (await requestApproval(deps(), {
      merchantId: merchant.id,
      ownerId: merchant.owner.id,
      action: 'payout',
      amount: 2_500,
      currency: 'USD',
      params: { amount: 2_500, currency: 'USD', ...toBank },
      summary,
      requestedBy: { user: null, email: null, api_key: 'key_test', role: 'owner' },
    }))!;
  const stored = async (id: string) =>
    (await t.call('GET', `/v1/approvals/${id}`, { token: merchant.key.secret })).json;
  const hour = 3600 * 1000;

  beforeEach(async () => {
    await asMember(merchant.owner)('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 });
  });

  it('expires a pending request from exactly its expiry, not a moment before, saying why', async () => {
    const request = await pending();
    t.clock.advance(Date.parse(request.expires_at) - t.clock.now() - 1);
    expect(await expireOne(deps(), request.id)).toBe(false);
    expect((await stored(request.id)).status).toBe('pending');
    t.clock.advance(1);
    expect(await expireOne(deps(), request.id)).toBe(true);
    const expired = await stored(request.id);
    expect(expired.status).toBe('expired');
    expect(expired.steps.at(-1)).toEqual({
      type: 'expired',
      actor: null,
      at: request.expires_at,
      note: 'no decision within 72 hours',
    });
    expect(await expireOne(deps(), request.id)).toBe(false);
    expect(await expireOne(deps(), 'apr_missing')).toBe(false);
  });

  it('leaves a request executed before its expiry as it is when its timer fires later', async () => {
    const approver = await join('approver');
    const requested = await asMember(merchant.owner)('POST', '/v1/payouts', {
      amount: 2_500,
      currency: 'USD',
      ...toBank,
    });
    expect((await asMember(approver)('POST', `/v1/approvals/${requested.json.id}/approve`)).json.status).toBe(
      'executed',
    );
    t.clock.advance(73 * hour);
    // The workflow's Expire task calls expireOne whatever the request's status.
    expect(await expireOne(deps(), requested.json.id)).toBe(false);
    const executed = await stored(requested.json.id);
    expect(executed.status).toBe('executed');
    expect(executed.steps.map((s: { type: string }) => s.type)).toEqual([
      'requested',
      'approved',
      'executed',
    ]);
    expect(await availableNow()).toBe(available - 2_500);
  });

  it('expires a request once when two expiries race, the loser answering false; a store failure is passed on', async () => {
    const request = await pending();
    t.clock.advance(73 * hour);
    let winner: boolean | undefined;
    // The job and the request's own timer at once: the other lands between this one's read and write.
    store.before = {
      id: request.id,
      run: async () => {
        winner = await expireOne(deps(), request.id);
      },
    };
    expect(await expireOne(deps(), request.id)).toBe(false);
    expect(winner).toBe(true);
    const expired = await stored(request.id);
    expect(expired.steps.map((s: { type: string }) => s.type)).toEqual(['requested', 'expired']);

    const other = await pending('Another payout');
    t.clock.advance(73 * hour);
    store.before = {
      id: other.id,
      run: () => Promise.reject(new Error('the store is unavailable')),
    };
    await expect(expireOne(deps(), other.id)).rejects.toThrow('the store is unavailable');
    expect((await stored(other.id)).status).toBe('pending');
  });

  it('expires every due request from the job, past its first page of 100', async () => {
    const requests = [];
    for (let i = 0; i < 101; i += 1) requests.push(await pending(`Payout ${i}`));
    t.clock.advance(73 * hour);
    expect(await expireDueApprovals(deps())).toBe(101);
    expect(await expireDueApprovals(deps())).toBe(0);
    for (const request of [requests[0]!, requests[100]!])
      expect((await stored(request.id)).status).toBe('expired');
  });

  it('stops the job at a full page of due requests none of which it could expire (an index lagging behind)', async () => {
    for (let i = 0; i < 100; i += 1) await pending(`Payout ${i}`);
    t.clock.advance(73 * hour);
    const due = await t.store.query({ index: 'gsi2', partition: approvalKeys.pending, limit: 100 });
    expect(due.items).toHaveLength(100);
    expect(await expireDueApprovals(deps())).toBe(100);
    // The index still lists the 100 it expired: the job reads each again, expires none, and stops.
    store.laggingPending = due;
    expect(await expireDueApprovals(deps())).toBe(0);
  });
});
