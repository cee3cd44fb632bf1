import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger, createTestApp, type TestApp } from '../../../test/app-harness.ts';
import {
  card,
  paymentBody,
  pendingEvents,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';
import { idempotencyRecordKey } from '../http/idempotency.ts';

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

const key = (value: string) => ({ 'Idempotency-Key': value });

async function paymentCount(): Promise<number> {
  return (await api('GET', '/v1/payments?limit=100')).json.data.length;
}

describe('payments: idempotency', () => {
  it('replays a create with the identical body and Idempotent-Replayed: true', async () => {
    const first = await api('POST', '/v1/payments', paymentBody(), key('order-1'));
    const second = await api('POST', '/v1/payments', paymentBody(), key('order-1'));
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await paymentCount()).toBe(1);
  });

  it('refuses the same key with another body with 422', async () => {
    await api('POST', '/v1/payments', paymentBody(), key('order-2'));
    const reused = await api('POST', '/v1/payments', paymentBody({ amount: 999 }), key('order-2'));
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
    expect(await paymentCount()).toBe(1);
  });

  it('creates one payment from 20 concurrent requests with one key, and answers it to all 20', async () => {
    // The key is held in the authorization's own transaction: twins run, one commits, and the
    // others answer its payment rather than 409 in progress.
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api('POST', '/v1/payments', paymentBody(), key('order-3'))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
    expect(new Set(responses.map((r) => r.json.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(19);
    expect(await paymentCount()).toBe(1);
  });

  it('captures once from 20 concurrent captures with one key', async () => {
    const payment = await api('POST', '/v1/payments', paymentBody({ capture: false }), key('order-5'));
    const captures = await Promise.all(
      Array.from({ length: 20 }, () =>
        api('POST', `/v1/payments/${payment.json.id}/capture`, {}, key('capture-5')),
      ),
    );
    expect(captures.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(captures.every((r) => r.json.status === 'succeeded' && r.json.amount_captured === 1000)).toBe(
      true,
    );
  });

  it("scopes keys per merchant: the same key under the merchant's second API key replays", async () => {
    const second = await t.call('POST', `/v1/merchants/${merchant.id}/api-keys`, {
      token: merchant.owner.token,
      body: {},
    });
    const a = await api('POST', '/v1/payments', paymentBody(), key('order-4'));
    const b = await t.call('POST', '/v1/payments', {
      token: second.json.secret,
      body: paymentBody(),
      headers: key('order-4'),
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('Idempotent-Replayed')).toBe('true');
    expect(b.json.id).toBe(a.json.id);
    expect(await paymentCount()).toBe(1);
  });

  it('replays a decline as the same 402 naming the same failed payment', async () => {
    const body = paymentBody({ card: card('4000000000009995') });
    const first = await api('POST', '/v1/payments', body, key('order-5'));
    const second = await api('POST', '/v1/payments', body, key('order-5'));
    expect(first.status).toBe(402);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(second.status).toBe(402);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.json.error.payment_id).toBe(first.json.error.payment_id);
    expect(await paymentCount()).toBe(1);
  });

  it('replays a decline without logging an error: a client retrying is no fault of ours', async () => {
    const logger = capturingLogger();
    const logged = await setUpMerchantApp(createTestApp({ logger }));
    try {
      const body = paymentBody({ card: card('4000000000000002') });
      for (let i = 0; i < 3; i++) {
        const answer = await logged.api('POST', '/v1/payments', body, key('order-declined'));
        expect(answer.status).toBe(402);
      }
      expect(logger.lines.filter(([message]) => message === 'unhandled error')).toEqual([]);
    } finally {
      await tearDownApp(logged.t);
    }
  });

  it('replays a capture and a refund instead of refusing or repeating them', async () => {
    const id = (await api('POST', '/v1/payments', paymentBody({ capture: false }))).json.id;
    const capture = await api('POST', `/v1/payments/${id}/capture`, { amount: 800 }, key('cap-1'));
    const captureAgain = await api('POST', `/v1/payments/${id}/capture`, { amount: 800 }, key('cap-1'));
    expect(captureAgain.status).toBe(200);
    expect(captureAgain.text).toBe(capture.text);
    const refund = await api('POST', '/v1/refunds', { payment: id, amount: 500 }, key('ref-1'));
    const refundAgain = await api('POST', '/v1/refunds', { payment: id, amount: 500 }, key('ref-1'));
    expect(refundAgain.json.id).toBe(refund.json.id);
    expect((await api('GET', `/v1/payments/${id}`)).json.amount_refunded).toBe(500);
  });
});

describe('payments: idempotency for the dashboard and card data', () => {
  it("scopes a token caller's keys to the merchant named in Sluice-Merchant", async () => {
    const headers = { 'Sluice-Merchant': merchant.id, ...key('dash-1') };
    const first = await t.call('POST', '/v1/payments', {
      token: merchant.owner.token,
      body: paymentBody(),
      headers,
    });
    const replay = await t.call('POST', '/v1/payments', {
      token: merchant.owner.token,
      body: paymentBody(),
      headers,
    });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.json.id).toBe(first.json.id);
    // The merchant's API keys share the dashboard's scope.
    expect((await api('POST', '/v1/payments', paymentBody(), key('dash-1'))).json.id).toBe(first.json.id);
  });

  it('keeps no plain hash of a request body that carries a card number', async () => {
    const body = paymentBody();
    await api('POST', '/v1/payments', body, key('order-6'));
    const item = await t.store.get(idempotencyRecordKey(`merchant:${merchant.id}`, 'order-6'));
    expect(item?.fp).toBeDefined();
    expect(item!.fp).not.toBe(
      createHash('sha256')
        .update(`POST /v1/payments\n${JSON.stringify(body)}`)
        .digest('hex'),
    );
  });
});

describe('payments: events', () => {
  it('records payment and refund events for the merchant and its owner, in the same transactions', async () => {
    const id = (await api('POST', '/v1/payments', paymentBody({ capture: false }))).json.id;
    await api('POST', `/v1/payments/${id}/capture`);
    await api('POST', '/v1/refunds', { payment: id, amount: 100 });
    const voided = (await api('POST', '/v1/payments', paymentBody({ capture: false }))).json.id;
    await api('POST', `/v1/payments/${voided}/void`);
    await api('POST', '/v1/payments', paymentBody({ card: card('4000000000000002') }));
    await api('POST', '/v1/payments', paymentBody());
    const events = (await pendingEvents(t)).filter((event) => event.merchant === merchant.id);
    expect(events.map((event) => event.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'refund.succeeded',
      'payment.authorized',
      'payment.voided',
      'payment.failed',
      'payment.authorized',
      'payment.captured',
    ]);
    for (const event of events) expect(event.audience).toEqual([merchant.owner.id]);
    expect(events[1]!.data.object).toMatchObject({ id, status: 'succeeded' });
  });
});
