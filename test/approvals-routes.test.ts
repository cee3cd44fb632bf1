import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  joinMerchant,
  paymentBody,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// The decision routes' optional body (approvals/routes.ts reads it only when one was sent; the
// mutation run of the file made no mutant of that read, so it is pinned here): a body that is
// not a JSON object with at most a note is refused and decides nothing; a note is trimmed and
// recorded. SQLite; the books are checked balanced after each test.

let t: TestApp;
let merchant: TestMerchant;
let approver: TestUser;
/** A refund of $30 held for approval. */
let held: string;

const api = (method: string, path: string, body?: unknown) =>
  t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });

/** Rejects the held refund as the approver with this raw body and content type. */
const reject = (raw: string, contentType = 'application/json') =>
  t.call('POST', `/v1/approvals/${held}/reject`, {
    token: approver.token,
    headers: { 'sluice-merchant': merchant.id, 'content-type': contentType },
    raw,
  });

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
  const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
  expect(payment.status, payment.text).toBe(201);
  expect((await api('PUT', '/v1/approval-policies', { action: 'refund', approvals: 1 })).status).toBe(200);
  const refund = await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 3000 });
  expect(refund.status, refund.text).toBe(202);
  held = refund.json.id;
  approver = await joinMerchant(t, merchant, 'approver');
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

describe('deciding a request over HTTP', () => {
  it('refuses a body that is not a JSON object holding at most a note, and decides nothing', async () => {
    const refused: Array<[raw: string, contentType: string, status: number, code: string]> = [
      ['note=No invoice', 'text/plain', 415, 'unsupported_media_type'],
      ['{"note":', 'application/json', 400, 'invalid_json'],
      ['null', 'application/json', 400, 'validation_failed'],
      ['["No invoice"]', 'application/json', 400, 'validation_failed'],
      ['{"note":5}', 'application/json', 400, 'validation_failed'],
      ['{"note":"No invoice","reason":"x"}', 'application/json', 400, 'validation_failed'],
    ];
    for (const [raw, contentType, status, code] of refused) {
      const response = await reject(raw, contentType);
      expect({ raw, status: response.status, code: response.json.error.code }).toEqual({ raw, status, code });
    }
    const request = (await api('GET', `/v1/approvals/${held}`)).json;
    expect(request).toMatchObject({ status: 'pending', approvals: 0 });
    expect(request.steps).toHaveLength(1);
  });

  it('records a note sent, trimmed, with the decision', async () => {
    const rejected = await reject(JSON.stringify({ note: '  No invoice attached  ' }));
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json.status).toBe('rejected');
    expect(rejected.json.steps[1]).toMatchObject({ type: 'rejected', note: 'No invoice attached' });
    expect((await api('GET', `/v1/approvals/${held}`)).json).toEqual(rejected.json);
  });

  it('decides with no body, recording no note', async () => {
    const rejected = await t.call('POST', `/v1/approvals/${held}/reject`, {
      token: approver.token,
      headers: { 'sluice-merchant': merchant.id },
    });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json.steps[1]).toMatchObject({ type: 'rejected', note: null });
  });
});

describe('ending a policy', () => {
  const asMember = (user: TestUser) => (method: string, path: string, body?: unknown) =>
    t.call(method, path, {
      token: user.token,
      headers: { 'sluice-merchant': merchant.id },
      ...(body !== undefined ? { body } : {}),
    });

  it('ends a policy so its action acts at once again, keeps the requests made under it, and says when there is none', async () => {
    const developer = await joinMerchant(t, merchant, 'developer');
    expect((await asMember(developer)('DELETE', '/v1/approval-policies/refund')).status).toBe(403);
    const ended = await api('DELETE', '/v1/approval-policies/refund');
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json).toEqual({ object: 'approval_policy', action: 'refund', deleted: true });
    expect((await api('GET', '/v1/approval-policies')).json.data).toEqual([]);
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    expect((await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 3000 })).status).toBe(201);
    // The request made under the policy is still there to decide.
    expect((await api('GET', `/v1/approvals/${held}`)).json.status).toBe('pending');
    const again = await api('DELETE', '/v1/approval-policies/refund');
    expect(again.status).toBe(404);
    expect(again.json.error).toMatchObject({ code: 'not_found', param: 'action' });
    const unknown = await api('DELETE', '/v1/approval-policies/transfers');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'validation_failed', param: 'action' });
  });

  it('refuses a threshold on connector changes, which carry no amount, and stores nothing', async () => {
    const refused = await api('PUT', '/v1/approval-policies', {
      action: 'connector_change',
      threshold: 1000,
      approvals: 1,
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'validation_failed', param: 'threshold' });
    const actions = (await api('GET', '/v1/approval-policies')).json.data.map(
      (p: { action: string }) => p.action,
    );
    expect(actions).toEqual(['refund']);
  });
});
