import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import {
  createPayment,
  createTestMerchant,
  asMerchant,
  failNextRead,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';

/**
 * The refund route's approval gate (`refund-approvals.ts`), pinned where the mutation run of
 * issue 23 found mutants surviving: the amount a refund of everything left is held at, the
 * refusals made before anyone is asked, and what the approved refund and its request keep.
 */

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

const paymentKey = (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' });

async function refundPolicy(threshold?: number): Promise<void> {
  const put = await api('PUT', '/v1/approval-policies', {
    action: 'refund',
    approvals: 1,
    ...(threshold !== undefined ? { threshold } : {}),
  });
  expect(put.status, put.text).toBe(200);
}

/** The merchant's API as a member with the approver role. */
async function approver(): Promise<MerchantApi> {
  const email = 'approver@example.com';
  const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role: 'approver' },
  });
  expect(invited.status, invited.text).toBe(201);
  const user = await t.signUp('approver', email);
  return (method: string, path: string, body?: unknown) =>
    t.call(method, path, {
      token: user.token,
      headers: { 'sluice-merchant': merchant.id },
      ...(body !== undefined ? { body } : {}),
    });
}

describe('refund approvals', () => {
  it('holds a refund of everything left at exactly what is left, and once approved refunds that with its reason and stores the request executed', async () => {
    const id = await createPayment(api, { amount: 5_000 });
    await refundPolicy(1_000);
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 1_000 })).status).toBe(201);
    const held = await api('POST', '/v1/refunds', { payment: id, reason: 'requested_by_customer' });
    expect(held.status, held.text).toBe(202);
    expect(held.json).toMatchObject({
      action: 'refund',
      status: 'pending',
      amount: 4_000,
      currency: 'USD',
      summary: `Refund of 40.00 USD on ${id}`,
      params: { payment: id, amount: 4_000, reason: 'requested_by_customer' },
    });
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(1_000);

    const approved = await (await approver())('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(approved.json).toMatchObject({
      status: 'executed',
      result: { refund: expect.stringMatching(/^re_/) },
    });
    const refund = await api('GET', `/v1/refunds/${approved.json.result.refund}`);
    expect(refund.json).toMatchObject({ payment: id, amount: 4_000, reason: 'requested_by_customer' });
    // The request as stored, not only as answered: executed, naming the refund.
    expect((await api('GET', `/v1/approvals/${held.json.id}`)).json).toMatchObject({
      status: 'executed',
      result: { refund: refund.json.id },
    });
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(5_000);
  });

  it('refuses at once, asking no one, a refund that could never be made', async () => {
    const authorized = await createPayment(api, { capture: false });
    const refunded = await createPayment(api, { amount: 1_000 });
    expect((await api('POST', '/v1/refunds', { payment: refunded })).status).toBe(201);
    const partly = await createPayment(api, { amount: 1_000 });
    const theirs = await createPayment(asMerchant(t, await createTestMerchant(t)));
    // Every amount needs approval from here on.
    await refundPolicy();

    for (const missing of ['pay_missing', theirs]) {
      const refused = await api('POST', '/v1/refunds', { payment: missing });
      expect(refused.status).toBe(404);
      expect(refused.json.error).toMatchObject({
        code: 'not_found',
        message: `No payment ${missing}.`,
        param: 'payment',
      });
    }
    const notCaptured = await api('POST', '/v1/refunds', { payment: authorized });
    expect([notCaptured.status, notCaptured.json.error.code]).toEqual([409, 'invalid_state_transition']);
    const again = await api('POST', '/v1/refunds', { payment: refunded });
    expect([again.status, again.json.error.message]).toEqual([400, 'The payment is already fully refunded.']);
    const above = await api('POST', '/v1/refunds', { payment: partly, amount: 1_001 });
    expect([above.status, above.json.error.code]).toEqual([400, 'amount_too_large']);

    expect((await api('GET', '/v1/approvals')).json.data).toEqual([]);
    // What is left is still held, not refused.
    expect((await api('POST', '/v1/refunds', { payment: partly, amount: 1_000 })).status).toBe(202);
  });

  it('refuses at once, asking no one, a refund of a disputed payment (its dispute never leaves it)', async () => {
    const id = await createPayment(api, { amount: 1_000 });
    const dispute = await api('POST', '/v1/test-helpers/disputes', { payment: id });
    expect(dispute.status, dispute.text).toBe(201);
    await refundPolicy();
    const refused = await api('POST', '/v1/refunds', { payment: id, amount: 100 });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', dispute: dispute.json.id });
    expect((await api('GET', '/v1/approvals')).json.data).toEqual([]);
  });

  it('passes on a failed read of the payment instead of calling it unknown, asking no one', async () => {
    const id = await createPayment(api);
    await refundPolicy();
    failNextRead(t, paymentKey(id));
    const failed = await api('POST', '/v1/refunds', { payment: id });
    expect(failed.status).toBe(500);
    expect((await api('GET', '/v1/approvals')).json.data).toEqual([]);
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(0);
  });
});
