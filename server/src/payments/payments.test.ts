import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { merchantPaymentsPage } from './store/payments.ts';
import { testCards } from './test-cards.ts';
import {
  asMerchant,
  card,
  createTestMerchant,
  paymentBody,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';
import { storedItems } from '../../../test/stored-items.ts';

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
let storePath = '';
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function balance(): Promise<{ available: number; pending: number } | undefined> {
  const response = await api('GET', '/v1/balance');
  expect(response.status).toBe(200);
  return response.json.balances.find((b: { currency: string }) => b.currency === 'USD');
}

async function authorize(amount = 1000): Promise<string> {
  const response = await api('POST', '/v1/payments', paymentBody({ amount, capture: false }));
  expect(response.status).toBe(201);
  expect(response.json.status).toBe('requires_capture');
  return response.json.id;
}

describe('payments: charging cards', () => {
  it("charges and captures by default, crediting the merchant's pending balance", async () => {
    const response = await api(
      'POST',
      '/v1/payments',
      paymentBody({ amount: 2500, description: 'latte', metadata: { order: '42' } }),
    );
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      object: 'payment',
      status: 'succeeded',
      amount: 2500,
      amount_capturable: 0,
      amount_captured: 2500,
      amount_refunded: 0,
      currency: 'USD',
      card: { brand: 'visa', last4: '4242', exp_month: 12 },
      description: 'latte',
      metadata: { order: '42' },
      capture_before: null,
    });
    expect(response.json.id).toMatch(/^pay_/);
    expect(response.json.card.fingerprint).toMatch(/^[\w-]{16}$/);
    expect(await balance()).toEqual({
      currency: 'USD',
      available: 0,
      pending: 2500,
      negative_balance_limit: 10_000,
    });
    expect((await api('GET', `/v1/payments/${response.json.id}`)).json).toEqual(response.json);
  });

  it('gives the same card the same fingerprint and another card another', async () => {
    const a = await api('POST', '/v1/payments', paymentBody());
    const b = await api(
      'POST',
      '/v1/payments',
      paymentBody({ card: card('4242 4242 4242 4242', { cvc: '999' }) }),
    );
    const c = await api('POST', '/v1/payments', paymentBody({ card: card('5555555555554444') }));
    expect(a.json.card.fingerprint).toBe(b.json.card.fingerprint);
    expect(c.json.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    expect(c.json.card.fingerprint).not.toBe(a.json.card.fingerprint);
  });

  it('answers every test card with its scripted outcome', async () => {
    for (const testCard of testCards) {
      const response = await api('POST', '/v1/payments', paymentBody({ card: card(testCard.number) }));
      if (testCard.declineCode) {
        expect(response.status, testCard.number).toBe(402);
        expect(response.json.error).toMatchObject({
          code: 'card_declined',
          type: 'card_error',
          decline_code: testCard.declineCode,
        });
        const failed = await api('GET', `/v1/payments/${response.json.error.payment_id}`);
        expect(failed.json).toMatchObject({
          status: 'failed',
          failure_code: 'card_declined',
          decline_code: testCard.declineCode,
          amount_captured: 0,
        });
      } else if (testCard.outcome === 'review') {
        expect(response.status).toBe(201);
        expect(response.json).toMatchObject({
          status: 'requires_capture',
          review: true,
          amount_capturable: 1000,
        });
      } else {
        expect(response.status, testCard.number).toBe(201);
        expect(response.json.status).toBe('succeeded');
      }
    }
    const stored = await merchantPaymentsPage(t.store, merchant.id, { limit: 100 });
    expect(stored.data.filter((payment) => payment.sandbox_outcome === 'dispute')).toHaveLength(1);
    // 4242…, the dispute card: captured (the dispute card's amount then withdrawn by its dispute); the review card: held only.
    expect(await balance()).toEqual({
      currency: 'USD',
      available: 0,
      pending: 1000,
      negative_balance_limit: 10_000,
    });
  });

  it('lets any other valid number succeed, amex with a 4-digit CVC', async () => {
    const amex = await api(
      'POST',
      '/v1/payments',
      paymentBody({ card: card('378282246310005', { cvc: '1234' }) }),
    );
    expect(amex.status).toBe(201);
    expect(amex.json.card.brand).toBe('amex');
    const discover = await api('POST', '/v1/payments', paymentBody({ card: card('6011111111111117') }));
    expect(discover.json.card.brand).toBe('discover');
  });

  it('refuses invalid cards with 400 naming the field and never echoing the number', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [card('4242424242424241'), 'card.number'],
      [card('424242424242'), 'card.number'],
      [card('9999999999999995'), 'card.number'],
      [card('4242abcd42424242'), 'card.number'],
      [card('4242424242424242', { exp_month: 13 }), 'card.exp_month'],
      [card('4242424242424242', { exp_month: 0 }), 'card.exp_month'],
      [card('4242424242424242', { exp_year: 2020 }), 'card.exp_year'],
      [card('4242424242424242', { cvc: '12' }), 'card.cvc'],
      [card('378282246310005', { cvc: '123' }), 'card.cvc'],
    ];
    for (const [input, param] of cases) {
      const response = await api('POST', '/v1/payments', paymentBody({ card: input }));
      expect(response.status, JSON.stringify(param)).toBe(400);
      expect(response.json.error.param).toBe(param);
      expect(response.text).not.toContain(String(input.number).slice(0, 12));
    }
    const missing = await api('POST', '/v1/payments', {
      amount: 100,
      currency: 'USD',
      card: { number: '4242424242424242', exp_month: 1, exp_year: new Date().getUTCFullYear() + 1 },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.param).toBe('card.cvc');
    const badAmount = await api('POST', '/v1/payments', paymentBody({ amount: 10.5 }));
    expect(badAmount.json.error.param).toBe('amount');
  });

  it('never stores the full card number or the CVC anywhere', async () => {
    await t.store.close();
    storePath = join(mkdtempSync(join(tmpdir(), 'sluice-pay-')), 'store.db');
    ({ t, merchant, api } = await setUpMerchantApp(createTestApp({ store: new SqliteStore(storePath) })));
    for (const testCard of testCards)
      await api('POST', '/v1/payments', paymentBody({ card: card(testCard.number, { cvc: '737' }) }));
    const rows = await allRows();
    expect(rows.length).toBeGreaterThan(20);
    for (const testCard of testCards) expect(rows.join('\n')).not.toContain(testCard.number);
    // No `cvc` attribute anywhere (the decline code `incorrect_cvc` is fine).
    expect(rows.filter((row) => /(?<!incorrect_)cvc/.test(row))).toEqual([]);
  });

  it("lists payments newest first, paginated and filtered by status, and hides other merchants' objects", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api('POST', '/v1/payments', paymentBody({ amount: 100 + i }))).json.id);
    ids.push(await authorize());
    const first = await api('GET', '/v1/payments?limit=2');
    expect(first.json.data.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[2]]);
    expect(first.json.has_more).toBe(true);
    const second = await api('GET', `/v1/payments?limit=2&starting_after=${first.json.next_cursor}`);
    expect(second.json.data.map((p: { id: string }) => p.id)).toEqual([ids[1], ids[0]]);
    const held = await api('GET', '/v1/payments?status=requires_capture');
    expect(held.json.data.map((p: { id: string }) => p.id)).toEqual([ids[3]]);

    const other = asMerchant(t, await createTestMerchant(t));
    expect((await other('GET', `/v1/payments/${ids[0]}`)).status).toBe(404);
    expect((await other('POST', `/v1/payments/${ids[3]}/capture`)).status).toBe(404);
    expect((await other('POST', `/v1/payments/${ids[3]}/void`)).status).toBe(404);
    expect((await other('POST', '/v1/refunds', { payment: ids[0] })).status).toBe(404);
    expect((await other('GET', '/v1/payments')).json.data).toEqual([]);
    const refund = await api('POST', '/v1/refunds', { payment: ids[0], amount: 10 });
    expect((await other('GET', `/v1/refunds/${refund.json.id}`)).status).toBe(404);
    expect((await api('GET', `/v1/refunds/${refund.json.id}`)).json).toEqual(refund.json);
  });
});

/** Every row the store holds: the app runs on a SQLite file here, read back with a second connection. */
async function allRows(): Promise<string[]> {
  return storedItems(storePath).map((item) => JSON.stringify(item));
}
