import { beforeEach, describe, expect, it } from 'vitest';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import type { MerchantApi, TestMerchant } from '../server/src/payments/test-support.ts';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// What approvals-gates.test.ts leaves open in hub/approval-gates.ts (SQLite only): the summaries
// an approver reads, an approved update (not a delete), a held refund of what is left, the result
// an executed refund records, and a refund with nothing left refused before anyone is asked.

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
let approver: TestUser;

const as = (user: TestUser) => (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });

beforeEach(async () => {
  t = createHubTestApp();
  ({ merchant, api } = await setUpHubMerchant(t, ['sandbox_card']));
  const email = `approver-${Math.random().toString(36).slice(2, 10)}@example.com`;
  await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role: 'approver' },
  });
  approver = await t.signUp('approver', email);
});

/** A captured payment intent of `amount` USD through the sandbox card connector. */
async function capturedIntent(amount: number): Promise<string> {
  const intent = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
  });
  expect(intent.status, intent.text).toBe(201);
  expect(intent.json.amount_captured).toBe(amount);
  return intent.json.id as string;
}

describe('connector changes held for approval', () => {
  it('names each change in its summary, and makes an approved update to the connector named, with its settings', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 });
    const [sandbox] = (await api('GET', '/v1/connectors')).json.data as Array<{ id: string; name: string }>;
    const created = await api('POST', '/v1/connectors', {
      provider: 'stripe',
      credentials: stripeCredentials,
    });
    expect(created.status).toBe(202);
    expect(created.json.summary).toBe('Connect stripe');
    const updated = await api('PATCH', `/v1/connectors/${sandbox!.id}`, { name: 'Renamed by approval' });
    expect(updated.status).toBe(202);
    expect(updated.json.summary).toBe(`Change connector ${sandbox!.id}`);
    const deleted = await api('DELETE', `/v1/connectors/${sandbox!.id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.json.summary).toBe(`Remove connector ${sandbox!.id}`);
    // Nothing changed while they wait.
    expect((await api('GET', `/v1/connectors/${sandbox!.id}`)).json.name).toBe(sandbox!.name);

    const approved = await as(approver)('POST', `/v1/approvals/${updated.json.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({
      status: 'executed',
      result: { op: 'update', connector: sandbox!.id },
    });
    // Updated, not removed: the connector is there under its new name.
    const after = await api('GET', `/v1/connectors/${sandbox!.id}`);
    expect(after.status).toBe(200);
    expect(after.json.name).toBe('Renamed by approval');
    expect((await api('GET', '/v1/connectors')).json.data).toHaveLength(1);
  });
});

describe('payment-intent refunds held for approval', () => {
  it('holds a refund of what is left when no amount is given, and records the intent refunded as the result', async () => {
    const id = await capturedIntent(4000);
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 1 });
    // At the threshold: refunded at once.
    expect((await api('POST', `/v1/payment-intents/${id}/refunds`, { amount: 1000 })).status).toBe(200);
    const held = await api('POST', `/v1/payment-intents/${id}/refunds`);
    expect(held.status, held.text).toBe(202);
    expect(held.json).toMatchObject({
      action: 'refund',
      amount: 3000,
      currency: 'USD',
      summary: `Refund of 30.00 USD on ${id}`,
      params: { payment_intent: id, amount: 3000 },
    });
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.amount_refunded).toBe(1000);

    const approved = await as(approver)('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ status: 'executed', result: { payment_intent: id } });
    // The stored request says the same as the answer.
    expect((await api('GET', `/v1/approvals/${held.json.id}`)).json).toMatchObject({
      status: 'executed',
      result: { payment_intent: id },
    });
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.amount_refunded).toBe(4000);
    await expectBooksBalanced(t.store);
  });

  it('refuses a refund of an intent with nothing left before asking anyone, under a policy without threshold', async () => {
    const id = await capturedIntent(2500);
    await api('PUT', '/v1/approval-policies', { action: 'refund', approvals: 1 });
    const held = await api('POST', `/v1/payment-intents/${id}/refunds`);
    expect(held.status).toBe(202);
    expect(held.json.amount).toBe(2500);
    expect((await as(approver)('POST', `/v1/approvals/${held.json.id}/approve`)).json.status).toBe(
      'executed',
    );
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.amount_refunded).toBe(2500);

    const again = await api('POST', `/v1/payment-intents/${id}/refunds`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('invalid_state_transition');
    expect((await api('GET', '/v1/approvals')).json.data).toHaveLength(1);
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.amount_refunded).toBe(2500);
    await expectBooksBalanced(t.store);
  });
});
