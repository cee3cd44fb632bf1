import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import type { WriteOperation } from '../platform/store.ts';
import { createRefund } from './refunds.ts';
import {
  card,
  failNextRead,
  failNextWrite,
  interleave,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
  createPayment,
} from './test-support.ts';

/**
 * What a refused refund says, and what a refund leaves in the merchant's balance history
 * (`refunds.ts`), pinned where the mutation run of issue 23 found a mutant surviving: the
 * payment's conditional update refused those refunds too, but as a bare `conflict`.
 */

const dayMs = 24 * 3600 * 1000;

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function charge(extra: Record<string, unknown> = {}): Promise<string> {
  return createPayment(api, { amount: 1_000, ...extra });
}

/** Moves the merchant's clock just past the next sandbox UTC midnight: today's captures settle. */
async function settleToday(): Promise<void> {
  const sandbox = Date.parse(
    (await t.call('GET', `/v1/merchants/${merchant.id}`, { token: merchant.owner.token })).json.sandbox_time,
  );
  const seconds = Math.ceil((Math.floor(sandbox / dayMs) * dayMs + dayMs - sandbox) / 1000) + 1;
  const advanced = await api('POST', '/v1/test-helpers/advance-clock', { seconds });
  expect(advanced.status).toBe(200);
  expect(advanced.json.settlements).toHaveLength(1);
}

describe('refunds: refusals name the reason', () => {
  it('refuses a refund of a payment that is not succeeded with 409, naming its status', async () => {
    const held = await charge({ capture: false });
    const refused = await api('POST', '/v1/refunds', { payment: held });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      status: 'requires_capture',
    });
    expect(refused.json.error.message).toMatch(/^Cannot refund a payment that is requires_capture/);
  });

  it('refuses a refund of a disputed payment as such, naming the dispute, and moves nothing', async () => {
    const id = await charge();
    const dispute = await api('POST', '/v1/test-helpers/disputes', { payment: id });
    expect(dispute.status).toBe(201);
    const before = (await api('GET', '/v1/balance')).json;

    const refused = await api('POST', '/v1/refunds', { payment: id, amount: 100 });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', dispute: dispute.json.id });
    expect(refused.json.error.message).toMatch(
      new RegExp(`^Cannot refund a disputed payment \\(${dispute.json.id}\\)`),
    );
    expect((await api('GET', '/v1/balance')).json).toEqual(before);
  });

  it('refuses a refund of a fully refunded payment with 400 amount_too_large, saying so', async () => {
    const id = await charge();
    expect((await api('POST', '/v1/refunds', { payment: id })).status).toBe(201);
    // No amount: "the rest", which is nothing.
    const again = await api('POST', '/v1/refunds', { payment: id });
    expect(again.status).toBe(400);
    expect(again.json.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    expect(again.json.error.message).toMatch(/^The payment is already fully refunded/);
    const more = await api('POST', '/v1/refunds', { payment: id, amount: 1 });
    expect(more.json.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
  });

  it('says how much is left when a refund asks for more', async () => {
    const id = await charge();
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 400 })).status).toBe(201);
    const refused = await api('POST', '/v1/refunds', { payment: id, amount: 601 });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    expect(refused.json.error.message).toMatch(/^Cannot refund 601: at most 600 is left to refund/);
  });

  it('names the refund it refuses beyond the balance floor', async () => {
    const id = await charge({ amount: 400_000 });
    await settleToday();
    const refused = await api('POST', '/v1/refunds', { payment: id });
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe('balance_insufficient');
    expect(refused.json.error.message).toMatch(/^Refunding 400000 would take your available balance/);
  });

  it('refuses, called directly (as an approved refund is), an unknown payment with 404 naming the field', async () => {
    const actor = { merchantId: merchant.id, ownerId: merchant.owner.id };
    await expect(createRefund(t, actor, { payment: 'pay_nope' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no payment pay_nope',
      param: 'payment',
    });
  });

  it('answers an unknown refund id with 404 naming it', async () => {
    const missing = await api('GET', '/v1/refunds/re_nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', param: 'id' });
    expect(missing.json.error.message).toMatch(/^No refund re_nope/);
  });
});

describe('refunds: the balance history', () => {
  it("lists a settled payment's refund with the refund and the payment it came from", async () => {
    const id = await charge({ card: card('5555555555554444') });
    await settleToday();
    const refund = await api('POST', '/v1/refunds', { payment: id, amount: 250 });
    expect(refund.status).toBe(201);
    const history = await api('GET', '/v1/balance/transactions');
    expect(history.status).toBe(200);
    expect(history.json.data[0]).toMatchObject({
      type: 'refund',
      amount: -250,
      source: refund.json.id,
      payment: id,
      created_at: refund.json.created_at,
      sandbox_time: true,
    });
  });
});

describe('refunds: lost races and failed store calls', () => {
  const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });
  const paymentKey = (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' });
  /** The transaction that books a refund: it puts the refund item. */
  const booksRefund = (operations: WriteOperation[]) =>
    operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('RE#'));

  it('judges again after each lost race, and gives up with 409 conflict after six in a row', async () => {
    const id = await charge();
    // A refund of the rest, each attempt overtaken by another refund of 10: the rest it read is
    // then too much, so the payment's conditional update refuses it.
    const racing = interleave(
      t,
      booksRefund,
      () => createRefund(t, actor(), { payment: id, amount: 10 }),
      10,
    );
    await expect(createRefund(t, actor(), { payment: id })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(racing.count).toBe(6);
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(60);
  });

  it('refunds after losing a race, judged against the new total', async () => {
    const id = await charge();
    const racing = interleave(t, booksRefund, () => createRefund(t, actor(), { payment: id, amount: 950 }));
    const refused = await api('POST', '/v1/refunds', { payment: id, amount: 100 });
    expect(racing.count).toBe(1);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/^Cannot refund 100: at most 50 is left to refund/);
    expect((await api('POST', '/v1/refunds', { payment: id })).json.amount).toBe(50);
  });

  it('passes on a failed read of the payment instead of calling it unknown', async () => {
    const id = await charge();
    failNextRead(t, paymentKey(id));
    await expect(createRefund(t, actor(), { payment: id })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(0);
  });

  it('passes on a failed write of the refund instead of trying it again', async () => {
    const id = await charge();
    failNextWrite(t, booksRefund);
    await expect(createRefund(t, actor(), { payment: id })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(0);
  });
});
