import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

let t: TestApp;
let api: MerchantApi;
let connectors: Record<string, string>;
beforeEach(async () => {
  t = createHubTestApp();
  ({ api, connectors } = await setUpHubMerchant(t, ['sandbox_card']));
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const pay = (fields: Record<string, unknown> = {}) =>
  api('POST', '/v1/payment-intents', {
    amount: 1000,
    currency: 'USD',
    payment_method: cardMethod(),
    ...fields,
  });

describe('connectors', () => {
  it('refuses an unknown provider, naming the field', async () => {
    const response = await api('POST', '/v1/connectors', { provider: 'venmo' });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'provider' });
  });

  it('refuses credentials in the wrong shape, and stores nothing', async () => {
    for (const [credentials, param] of [
      [undefined, 'credentials'],
      [
        { secret_key: 'pk_test_publishablekey000', webhook_secret: 'whsec_abcdefgh12345' },
        'credentials.secret_key',
      ],
      [{ secret_key: stripeCredentials.secret_key }, 'credentials.webhook_secret'],
      [{ ...stripeCredentials, password: 'x' }, 'credentials.password'],
    ] as const) {
      const response = await api('POST', '/v1/connectors', {
        provider: 'stripe',
        ...(credentials ? { credentials } : {}),
      });
      expect(response.status, JSON.stringify(credentials)).toBe(400);
      expect(response.json.error.param).toBe(param);
    }
    expect(
      (await api('GET', '/v1/connectors')).json.data.map((c: { provider: string }) => c.provider),
    ).toEqual(['sandbox_card']);
  });

  it('never returns or stores credentials in clear', async () => {
    const created = await api('POST', '/v1/connectors', {
      provider: 'stripe',
      credentials: stripeCredentials,
    });
    expect(created.status).toBe(201);
    expect(created.json.has_credentials).toBe(true);
    const shown = [
      created.text,
      (await api('GET', `/v1/connectors/${created.json.id}`)).text,
      (await api('GET', '/v1/connectors')).text,
    ];
    for (const text of shown) {
      expect(text).not.toContain(stripeCredentials.secret_key);
      expect(text).not.toContain(stripeCredentials.webhook_secret);
    }
    const stored = JSON.stringify(await t.store.get({ pk: `HUB#CONN#${created.json.id}`, sk: 'CONN' }));
    expect(stored).not.toContain('sk_test_');
    expect(stored).not.toContain('whsec_');
  });

  it('keeps one connector per provider', async () => {
    const again = await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('connector_exists');
  });

  it("hides another merchant's connectors, faults and intents (404)", async () => {
    const paid = await pay();
    const other = await setUpHubMerchant(t, []);
    expect((await other.api('GET', `/v1/connectors/${connectors.sandbox_card}`)).status).toBe(404);
    expect(
      (await other.api('PATCH', `/v1/connectors/${connectors.sandbox_card}`, { disabled: true })).status,
    ).toBe(404);
    expect(
      (
        await other.api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
          mode: 'error',
        })
      ).status,
    ).toBe(404);
    expect((await other.api('GET', `/v1/payment-intents/${paid.json.id}`)).status).toBe(404);
    expect((await other.api('POST', `/v1/payment-intents/${paid.json.id}/refunds`)).status).toBe(404);
    expect((await other.api('GET', '/v1/payment-intents')).json.data).toEqual([]);
  });

  it('needs an API key', async () => {
    expect((await t.call('GET', '/v1/connectors')).status).toBe(401);
    expect((await t.call('POST', '/v1/payment-intents', { body: {} })).status).toBe(401);
  });
});

describe('routing', () => {
  it('refuses a provider listed twice as bad input, naming where', async () => {
    const response = await api('PUT', '/v1/routing', {
      rules: [],
      default: ['sandbox_card', 'sandbox_card'],
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'default.1' });
  });

  it('refuses a provider without a connector, naming it', async () => {
    const response = await api('PUT', '/v1/routing', {
      rules: [{ match: { currency: 'EUR' }, providers: ['sandbox_card', 'stripe'] }],
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'unknown_connector', param: 'rules.0.providers.1' });
    expect((await api('GET', '/v1/routing')).json).toMatchObject({
      rules: [],
      default: [],
      updated_at: null,
    });
  });

  it('refuses a rule that matches nothing', async () => {
    const response = await api('PUT', '/v1/routing', {
      rules: [{ match: { amount_gte: 5000, amount_lt: 5000 }, providers: ['sandbox_card'] }],
    });
    expect(response.status).toBe(422);
    expect(response.json.error).toMatchObject({ code: 'no_route', param: 'rules.0.match.amount_lt' });
  });

  it('refuses a rule for a method none of its providers takes', async () => {
    const response = await api('PUT', '/v1/routing', {
      rules: [{ match: { method: 'wallet' }, providers: ['sandbox_card'] }],
    });
    expect(response.status).toBe(422);
    expect(response.json.error).toMatchObject({ code: 'method_not_supported', param: 'rules.0.providers' });
  });

  it('routes by currency, amount and brand, and answers 422 for a payment no rule takes', async () => {
    const set = await api('PUT', '/v1/routing', {
      rules: [
        { match: { currency: 'USD', amount_lt: 10_000, card_brand: 'visa' }, providers: ['sandbox_card'] },
      ],
    });
    expect(set.status).toBe(200);
    expect((await pay()).json).toMatchObject({ status: 'succeeded', routed_to: ['sandbox_card'] });
    for (const fields of [
      { currency: 'EUR' },
      { amount: 10_000 },
      { payment_method: cardMethod('5555555555554444') },
    ]) {
      const refused = await pay(fields);
      expect(refused.status, JSON.stringify(fields)).toBe(422);
      expect(refused.json.error.code).toBe('no_route');
    }
    expect((await api('GET', '/v1/payment-intents')).json.data).toHaveLength(1);
  });

  it('refuses a wallet payment when no routed provider takes wallets', async () => {
    const response = await pay({ payment_method: { type: 'wallet', wallet: { user: 'usr_x' } } });
    expect(response.status).toBe(422);
    expect(response.json.error).toMatchObject({ code: 'method_not_supported', param: 'payment_method.type' });
  });
});

describe('payment intents', () => {
  it('replays a retried create with the same Idempotency-Key: one charge', async () => {
    const body = { amount: 1200, currency: 'USD', payment_method: cardMethod() };
    const first = await api('POST', '/v1/payment-intents', body, { 'idempotency-key': 'order-1' });
    const again = await api('POST', '/v1/payment-intents', body, { 'idempotency-key': 'order-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.id).toBe(first.json.id);
    expect((await api('GET', '/v1/payments')).json.data).toHaveLength(1);
  });

  it('never shows the card number, only brand and last four', async () => {
    const paid = await pay();
    expect(paid.json.payment_method).toEqual({
      type: 'card',
      card: { brand: 'visa', last4: '4242' },
      wallet: null,
      bank_account: null,
    });
    expect(paid.text).not.toContain('4242424242424242');
  });

  it('refuses bad amounts and methods with the field at fault, creating nothing', async () => {
    for (const [fields, param] of [
      [{ amount: 10.5 }, 'amount'],
      [{ currency: 'usd' }, 'currency'],
      [{ payment_method: { type: 'cash' } }, 'payment_method.type'],
    ] as const) {
      const response = await pay(fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.json.error.param).toBe(param);
    }
    expect((await api('GET', '/v1/payment-intents')).json.data).toEqual([]);
  });

  it('captures and refunds a sandbox_card intent through the payments module, the ledger balanced', async () => {
    const authorized = await pay({ capture: false });
    expect(authorized.json.status).toBe('requires_capture');
    const captured = await api('POST', `/v1/payment-intents/${authorized.json.id}/capture`);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 1000 });
    const refunded = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`);
    expect(refunded.json).toMatchObject({ amount_refunded: 1000 });
    const payment = await api('GET', `/v1/payments/${authorized.json.provider_reference}`);
    expect(payment.json).toMatchObject({ amount_captured: 1000, amount_refunded: 1000 });
    const again = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`);
    expect(again.status).toBe(409);
  });

  it('refuses a fault of the wrong shape', async () => {
    const response = await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'error',
      rate: 2,
    });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('rate');
  });
});
