import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import {
  card,
  paymentBody,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from '../payments/test-support.ts';

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

/** A payment body written by hand, so numbers keep the exact text under test. */
function rawPayment(amountText: string, extra = ''): string {
  return `{"amount":${amountText},"currency":"USD","card":${JSON.stringify(card())}${extra}}`;
}

const post = (path: string, raw: string, headers: Record<string, string> = {}) =>
  t.call('POST', path, { token: merchant.key.secret, raw, headers });

async function paymentCount(): Promise<number> {
  return (await api('GET', '/v1/payments?limit=100')).json.data.length;
}

describe('request errors: status codes', () => {
  it('answers a body that is not JSON by its content type with 415', async () => {
    const response = await post('/v1/payments', JSON.stringify(paymentBody()), {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(415);
    expect(response.json.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'unsupported_media_type',
      param: 'Content-Type',
    });
    expect(await paymentCount()).toBe(0);
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const response = await t.call('DELETE', '/v1/payments', { token: merchant.key.secret });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, POST');
    expect(response.json.error.code).toBe('method_not_allowed');
    const withId = await t.call('PUT', '/v1/payments/pay_123', { token: merchant.key.secret });
    expect(withId.status).toBe(405);
    expect(withId.headers.get('Allow')).toBe('GET');
    const unknown = await t.call('GET', '/v1/payments/pay_123/no-such-thing', { token: merchant.key.secret });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('route_not_found');
    // A trailing slash is another path, not a wrong method: 404, saying which path was meant.
    const slashed = await t.call('GET', '/v1/payments/', { token: merchant.key.secret });
    expect(slashed.status).toBe(404);
    expect(slashed.json.error).toMatchObject({
      code: 'route_not_found',
      message: expect.stringContaining('did you mean /v1/payments, without the trailing slash'),
    });
  });

  it('refuses a wallet overdraft as a request error, not a card error', async () => {
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    const response = await t.call('POST', '/v1/transfers', {
      token: alice.token,
      body: { to: bob.id, amount: 1_000_000, currency: 'USD' },
    });
    expect(response.status).toBe(402);
    expect(response.json.error.code).toBe('insufficient_funds');
    expect(response.json.error.type).not.toBe('card_error');
    expect(response.json.error.type).toBe('invalid_request_error');
    await expectBooksBalanced(t.store);
  });
});

describe('request errors: JSON bodies and query strings', () => {
  it('reads an empty JSON body as no body: an optional body is taken, a needed one names the field missing', async () => {
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 2500, capture: false }));
    expect(payment.status, payment.text).toBe(201);
    for (const raw of ['', '  \n']) {
      const captured = await post(`/v1/payments/${payment.json.id}/capture`, raw, {
        'content-type': 'application/json',
      });
      if (raw === '') {
        expect(captured.status, captured.text).toBe(200);
        expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 2500 });
      } else expect(captured.json.error).toMatchObject({ code: 'invalid_state_transition' });
      const needed = await post('/v1/payments', raw, { 'content-type': 'application/json' });
      expect(needed.status).toBe(400);
      expect(needed.json.error).toMatchObject({ code: 'validation_failed', param: 'amount' });
    }
    expect(await paymentCount()).toBe(1);
    await expectBooksBalanced(t.store);
  });

  it('refuses a __proto__ key in metadata instead of dropping it', async () => {
    const response = await post('/v1/payments', rawPayment('1000', ',"metadata":{"__proto__":{"x":"1"}}'));
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'metadata.__proto__' });
    expect(await paymentCount()).toBe(0);
  });

  it('refuses text with an unpaired surrogate, naming the field, instead of storing it for others to read', async () => {
    const response = await post('/v1/payments', rawPayment('1000', ',"description":"bad \\ud800 text"'));
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'description' });
    expect(response.json.error.message).toMatch(/unpaired surrogate/);
    // A pair is one character, and welcome.
    expect(
      (await post('/v1/payments', rawPayment('1000', ',"description":"ok \\ud83d\\ude00"'))).status,
    ).toBe(201);
    expect(await paymentCount()).toBe(1);
  });

  it('refuses a body that is not UTF-8 rather than replacing its bytes', async () => {
    const latin1 = Uint8Array.from(Buffer.from(rawPayment('1000', ',"description":"caf\u00e9"'), 'latin1'));
    const response = await t.app.request('/v1/payments', {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.key.secret}`, 'content-type': 'application/json' },
      body: latin1,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: 'invalid_json',
      message: expect.stringMatching(/UTF-8/),
    });
    expect(await paymentCount()).toBe(0);
  });

  it('names an unknown field, nested ones by their path', async () => {
    const top = await post('/v1/payments', rawPayment('1000', ',"colour":"red"'));
    expect(top.status).toBe(400);
    expect(top.json.error).toMatchObject({ code: 'validation_failed', param: 'colour' });
    const nested = await api('POST', '/v1/payments', { ...paymentBody(), card: { ...card(), pin: '1234' } });
    expect(nested.status).toBe(400);
    expect(nested.json.error).toMatchObject({ code: 'validation_failed', param: 'card.pin' });
    expect(await paymentCount()).toBe(0);
  });

  it('says that limit must be given once rather than "received NaN"', async () => {
    const response = await api('GET', '/v1/payments?limit=1&limit=2');
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('limit');
    expect(response.json.error.message).not.toMatch(/NaN/);
    expect(response.json.error.message).toMatch(/limit/i);
  });

  it('calls an amount beyond the safe integers too large, not a fraction', async () => {
    const response = await post('/v1/payments', rawPayment('9007199254740993'));
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('amount');
    expect(response.json.error.message).toMatch(/at most/);
    expect(response.json.error.message).not.toMatch(/fraction/);
    expect(await paymentCount()).toBe(0);
  });

  it('refuses a number whose JSON text is not exactly an integer, though it parses as one', async () => {
    const response = await post('/v1/payments', rawPayment('1.0000000000000001'));
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'amount' });
    expect(await paymentCount()).toBe(0);
  });

  it('accepts an integer written with a zero fraction or an exponent', async () => {
    expect((await post('/v1/payments', rawPayment('1000.0'))).status).toBe(201);
    expect((await post('/v1/payments', rawPayment('1e3'))).status).toBe(201);
    expect(await paymentCount()).toBe(2);
  });
});
