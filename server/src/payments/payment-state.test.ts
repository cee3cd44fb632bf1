import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { paymentBody, setUpMerchantApp, tearDownApp, type MerchantApi } from './test-support.ts';

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => ({ t, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function payment(id: string) {
  const response = await api('GET', `/v1/payments/${id}`);
  expect(response.status).toBe(200);
  return response.json;
}

describe('what a payment says it is and what may be done to it', () => {
  it('follows a partial capture, a partial refund and a lost dispute, offering only the legal actions', async () => {
    const authorized = await api('POST', '/v1/payments', paymentBody({ amount: 2_500, capture: false }));
    expect(authorized.json).toMatchObject({
      status: 'requires_capture',
      display_status: 'requires_capture',
      capturable: true,
      refundable_amount: 0,
      available_actions: ['capture', 'void'],
    });
    const id = authorized.json.id;

    expect((await api('POST', `/v1/payments/${id}/capture`, { amount: 2_000 })).status).toBe(200);
    expect(await payment(id)).toMatchObject({
      status: 'succeeded',
      display_status: 'succeeded',
      amount_captured: 2_000,
      capturable: false,
      refundable_amount: 2_000,
      available_actions: ['refund', 'dispute'],
    });

    expect((await api('POST', '/v1/refunds', { payment: id, amount: 500 })).status).toBe(201);
    expect(await payment(id)).toMatchObject({
      status: 'succeeded',
      display_status: 'partially_refunded',
      amount_refunded: 500,
      refundable_amount: 1_500,
    });

    const dispute = await api('POST', '/v1/test-helpers/disputes', { payment: id });
    expect(dispute.status).toBe(201);
    expect(await payment(id)).toMatchObject({
      display_status: 'disputed',
      dispute_status: 'needs_response',
      refundable_amount: 0,
      available_actions: [],
    });
    // What the page no longer offers, the server refuses.
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 100 })).status).toBe(409);

    const evidence = await api('POST', `/v1/disputes/${dispute.json.id}/evidence`, { text: 'receipt' });
    expect(evidence.status).toBe(200);
    expect((await payment(id)).dispute_status).toBe('under_review');
    // Seven sandbox days later the dispute with evidence is won.
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * 24 * 3600 });
    expect(await payment(id)).toMatchObject({ display_status: 'dispute_won', dispute_status: 'won' });
  });

  it('says refunded once everything captured went back, and lost when a dispute is accepted', async () => {
    const refunded = await api('POST', '/v1/payments', paymentBody({ amount: 1_000 }));
    expect((await api('POST', '/v1/refunds', { payment: refunded.json.id })).status).toBe(201);
    expect(await payment(refunded.json.id)).toMatchObject({
      display_status: 'refunded',
      refundable_amount: 0,
      available_actions: [],
    });

    const disputed = await api('POST', '/v1/payments', paymentBody({ amount: 1_000 }));
    const dispute = await api('POST', '/v1/test-helpers/disputes', { payment: disputed.json.id });
    expect((await api('POST', `/v1/disputes/${dispute.json.id}/accept`)).status).toBe(200);
    expect(await payment(disputed.json.id)).toMatchObject({
      display_status: 'dispute_lost',
      dispute_status: 'lost',
    });

    const voided = await api('POST', '/v1/payments', paymentBody({ amount: 1_000, capture: false }));
    await api('POST', `/v1/payments/${voided.json.id}/void`);
    expect(await payment(voided.json.id)).toMatchObject({
      display_status: 'canceled',
      available_actions: [],
    });

    const expiring = await api('POST', '/v1/payments', paymentBody({ amount: 1_000, capture: false }));
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * 24 * 3600 });
    expect(await payment(expiring.json.id)).toMatchObject({ display_status: 'expired', capturable: false });
  });
});
