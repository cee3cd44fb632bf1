import { beforeEach, describe, expect, it } from 'vitest';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import { paymentBody, type MerchantApi, type TestMerchant } from '../server/src/payments/test-support.ts';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

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

describe('actions gated by approval policies', () => {
  it('holds a refund above the threshold for approval and makes it once approved', async () => {
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    expect(
      (await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 1 })).status,
    ).toBe(200);
    // At or below the threshold: refunded at once.
    expect((await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 1000 })).status).toBe(201);
    const held = await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 3000 });
    expect(held.status).toBe(202);
    expect(held.json).toMatchObject({ action: 'refund', amount: 3000, status: 'pending' });
    expect((await api('GET', `/v1/payments/${payment.json.id}`)).json.amount_refunded).toBe(1000);
    const approved = await as(approver)('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('executed');
    expect(approved.json.result.refund).toMatch(/^re_/);
    expect((await api('GET', `/v1/payments/${payment.json.id}`)).json.amount_refunded).toBe(4000);
    await expectBooksBalanced(t.store);
  });

  it('refuses a refund that could never be made before asking anyone', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'refund', approvals: 1 });
    const missing = await api('POST', '/v1/refunds', { payment: 'pay_missing' });
    expect(missing.status).toBe(404);
    expect((await api('GET', '/v1/approvals')).json.data).toHaveLength(0);
  });

  it('holds a payment-intent refund for approval and refunds through its provider once approved', async () => {
    const intent = await api('POST', '/v1/payment-intents', {
      amount: 4000,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(intent.status).toBe(201);
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 0, approvals: 1 });
    const held = await api('POST', `/v1/payment-intents/${intent.json.id}/refunds`, { amount: 1500 });
    expect(held.status).toBe(202);
    const approved = await as(approver)('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(approved.json.status).toBe('executed');
    expect((await api('GET', `/v1/payment-intents/${intent.json.id}`)).json.amount_refunded).toBe(1500);
    await expectBooksBalanced(t.store);
  });

  it('refuses at once, asking nobody, a payment-intent refund that could not be made', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 0, approvals: 1 });
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 4000,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    const held = await api('POST', '/v1/payment-intents', {
      amount: 4000,
      currency: 'USD',
      capture: false,
      payment_method: cardMethod(),
    });
    const tooMuch = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 4001 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error).toMatchObject({ code: 'validation_failed', param: 'amount' });
    const notCaptured = await api('POST', `/v1/payment-intents/${held.json.id}/refunds`, { amount: 100 });
    expect(notCaptured.status).toBe(409);
    expect(notCaptured.json.error.code).toBe('invalid_state_transition');
    expect((await api('GET', '/v1/approvals')).json.data).toEqual([]);
  });

  it('holds connector changes for approval, keeps credentials sealed, and applies them once approved', async () => {
    await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 });
    const held = await api('POST', '/v1/connectors', { provider: 'stripe', credentials: stripeCredentials });
    expect(held.status).toBe(202);
    expect(JSON.stringify(held.json)).not.toContain(stripeCredentials.secret_key);
    const shown = await as(approver)('GET', `/v1/approvals/${held.json.id}`);
    expect(JSON.stringify(shown.json)).not.toContain(stripeCredentials.secret_key);
    expect((await api('GET', '/v1/connectors')).json.data).toHaveLength(1);
    expect((await as(approver)('POST', `/v1/approvals/${held.json.id}/approve`)).json.status).toBe(
      'executed',
    );
    const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
      id: string;
      provider: string;
    }>;
    expect(connectors.map((c) => c.provider).sort()).toEqual(['sandbox_card', 'stripe']);
    const stripe = connectors.find((c) => c.provider === 'stripe')!;
    const rejectedDelete = await api('DELETE', `/v1/connectors/${stripe.id}`);
    expect(rejectedDelete.status).toBe(202);
    expect((await as(approver)('POST', `/v1/approvals/${rejectedDelete.json.id}/reject`)).json.status).toBe(
      'rejected',
    );
    expect((await api('GET', '/v1/connectors')).json.data).toHaveLength(2);
  });
});
