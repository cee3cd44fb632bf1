import { Client } from '@paypal/paypal-server-sdk';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { startPayPalSandbox, type PayPalSandbox } from './paypal-sandbox.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import {
  isTechnicalFailure,
  type AuthorizeInput,
  type ConnectorContext,
} from '../server/src/hub/connectors/connector.ts';
import { paypalConnector } from '../server/src/hub/connectors/paypal.ts';
import { cardMethod, createHubTestApp, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * The PayPal connector (`hub/connectors/paypal.ts`) beyond the connector contract and hub-paypal's
 * happy paths (issue 23's mutation testing): what it sends PayPal (the test card, its expiry, the
 * intent, the key of every write, a final capture), captures, voids and refunds in the order's
 * currency and answered once for a retried key, refusals of an order without the payment asked
 * for, how each of PayPal's failures reads, and the webhook's refusals. PayPal is the local
 * PayPal-compatible server (test/paypal-sandbox.ts).
 */

let sandbox: PayPalSandbox;
beforeAll(async () => {
  sandbox = await startPayPalSandbox();
});
afterAll(() => sandbox.stop());

const context = (): ConnectorContext => ({
  merchantId: 'mer_test',
  ownerId: 'usr_test',
  connectorId: 'mca_test',
  credentials: sandbox.credentials,
});
const connector = (timeoutMs = 5_000) => paypalConnector({ endpoint: sandbox.url, timeoutMs });
const card = (number = '4242424242424242', exp_month = 12) => ({
  type: 'card' as const,
  card: { number, exp_month, exp_year: 2030, cvc: '123' },
});
const input = (fields: Partial<AuthorizeInput> = {}): AuthorizeInput => {
  const id = randomUUID();
  return {
    amount: 2_500,
    currency: 'USD',
    payment_method: card(),
    capture: false,
    idempotency_key: `att_${id}`,
    intent: `pi_${id}`,
    ...fields,
  };
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
/** The requests received since `from` (an index into the sandbox's log). */
const sentSince = (from: number) => sandbox.requests().slice(from);

describe('the paypal connector: what it sends', () => {
  it("sends PayPal's test card with the expiry as YYYY-MM, the amount in the currency, the intent as custom id, under the attempt's key", async () => {
    const from = sandbox.requests().length;
    const request = input({ payment_method: card('5555555555554444', 3), currency: 'EUR', amount: 1_234 });
    const held = await connector().authorize(context(), request);
    expect(held).toEqual({
      status: 'authorized',
      reference: held.reference,
      amount_captured: 0,
      decline_code: null,
    });
    expect(held.reference).not.toBe('');
    const [created] = sentSince(from);
    expect(created).toMatchObject({
      method: 'POST',
      path: '/v2/checkout/orders',
      requestId: request.idempotency_key,
      prefer: 'return=representation',
      body: {
        intent: 'AUTHORIZE',
        purchase_units: [
          {
            reference_id: 'default',
            custom_id: request.intent,
            amount: { currency_code: 'EUR', value: '12.34' },
          },
        ],
        payment_source: {
          card: { number: '2223000048400011', expiry: '2030-03', security_code: '123', name: 'Sluice Test' },
        },
      },
    });
    expect(sandbox.order(held.reference)?.purchase_units[0]).toMatchObject({ custom_id: request.intent });
  });

  it('sends no card PayPal has no test card for, nor a payment method that is not a card, and finds nothing for them', async () => {
    const from = sandbox.requests().length;
    const notTestCard = input({ payment_method: card('4111111111111111') });
    const wallet = input({ payment_method: { type: 'wallet', wallet: { user: 'usr_payer' } } });
    for (const request of [notTestCard, wallet]) {
      expect(await connector().authorize(context(), request)).toEqual({
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: 'invalid_payment_method',
      });
      expect(await connector().lookup(context(), request)).toBeUndefined();
    }
    expect(sentSince(from)).toEqual([]);
  });

  it("looks an attempt up by replaying its create under its key: PayPal's first order, not a second", async () => {
    const request = input({ capture: true });
    const paid = await connector().authorize(context(), request);
    const orders = sandbox.orderCount();
    expect(await connector().lookup(context(), request)).toEqual(paid);
    expect(sandbox.orderCount()).toBe(orders);
  });
});

describe('the paypal connector: capture, void, refund', () => {
  it('captures the whole authorization as the final capture when no amount is given, and answers a retry under the same key with the same capture', async () => {
    const held = await connector().authorize(context(), input({ amount: 3_300 }));
    const from = sandbox.requests().length;
    const key = `${held.reference}:capture`;
    const captured = await connector().capture(context(), held.reference, undefined, key);
    expect(captured).toEqual({
      status: 'captured',
      reference: held.reference,
      amount_captured: 3_300,
      decline_code: null,
    });
    expect(await connector().capture(context(), held.reference, undefined, key)).toEqual(captured);
    const captures = sentSince(from).filter((sent) => sent.path.endsWith('/capture'));
    expect(captures).toHaveLength(2);
    for (const sent of captures) {
      expect(sent.requestId).toBe(key);
      expect(sent.body).toEqual({ final_capture: true });
    }
    expect(sandbox.order(held.reference)?.purchase_units[0]!.payments.captures).toHaveLength(1);
  });

  it("captures part of an authorization in the order's currency, as the final capture", async () => {
    const held = await connector().authorize(context(), input({ amount: 5_000, currency: 'JPY' }));
    const from = sandbox.requests().length;
    expect(
      await connector().capture(context(), held.reference, 3_000, `${held.reference}:capture`),
    ).toMatchObject({
      status: 'captured',
      amount_captured: 3_000,
    });
    const [sent] = sentSince(from).filter((request) => request.path.endsWith('/capture'));
    expect(sent!.body).toEqual({ final_capture: true, amount: { currency_code: 'JPY', value: '3000' } });
  });

  it("answers a retried void under the same key as voided; voiding or capturing a sale is the caller's mistake", async () => {
    const held = await connector().authorize(context(), input());
    const key = `${held.reference}:void`;
    const voided = await connector().void(context(), held.reference, key);
    expect(voided).toEqual({
      status: 'voided',
      reference: held.reference,
      amount_captured: 0,
      decline_code: null,
    });
    expect(await connector().void(context(), held.reference, key)).toEqual(voided);
    expect(
      sandbox
        .requests()
        .filter((sent) => sent.path.endsWith('/void'))
        .slice(-2)
        .map((sent) => sent.requestId),
    ).toEqual([key, key]);

    const sale = await connector().authorize(context(), input({ capture: true }));
    for (const call of [
      connector().void(context(), sale.reference, `${sale.reference}:void`),
      connector().capture(context(), sale.reference, undefined, `${sale.reference}:capture`),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'invalid_request',
        message: `paypal order ${sale.reference} has no authorization`,
      });
    }
  });

  it("refunds the amount asked in the order's currency under its key, once for a retried key; refunding an order never captured is the caller's mistake", async () => {
    const paid = await connector().authorize(
      context(),
      input({ capture: true, amount: 900, currency: 'JPY' }),
    );
    const from = sandbox.requests().length;
    const key = `${paid.reference}:refund:1`;
    const refund = await connector().refund(context(), paid.reference, 200, key);
    expect(refund).toEqual({ reference: expect.stringMatching(/^R/), amount: 200 });
    expect(await connector().refund(context(), paid.reference, 200, key)).toEqual(refund);
    const refunds = sentSince(from).filter((sent) => sent.path.endsWith('/refund'));
    expect(refunds.map((sent) => [sent.requestId, sent.body])).toEqual([
      [key, { amount: { currency_code: 'JPY', value: '200' } }],
      [key, { amount: { currency_code: 'JPY', value: '200' } }],
    ]);
    expect(sandbox.order(paid.reference)?.purchase_units[0]!.payments.refunds).toHaveLength(1);
    expect(await connector().status(context(), paid.reference)).toMatchObject({
      status: 'captured',
      amount_captured: 900,
    });

    const held = await connector().authorize(context(), input());
    const error = await failure(
      connector().refund(context(), held.reference, 100, `${held.reference}:refund:1`),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      message: `paypal order ${held.reference} has no capture`,
    });
  });
});

describe('the paypal connector: reading an order', () => {
  // PayPal's states the sandbox does not make are written into its stored order, as PayPal would
  // report them.
  const stored = (reference: string) => sandbox.order(reference)!.purchase_units[0]!;

  it('reads a capture PayPal reports FAILED as declined, by its processor code or generically', async () => {
    const sale = await connector().authorize(context(), input({ capture: true }));
    const capture = stored(sale.reference).payments.captures![0]!;
    Object.assign(capture, {
      status: 'FAILED',
      processor_response: { avs_code: 'A', cvv_code: 'M', response_code: '5120' },
    });
    expect(await connector().status(context(), sale.reference)).toEqual({
      status: 'declined',
      reference: sale.reference,
      amount_captured: 0,
      decline_code: 'insufficient_funds',
    });
    delete capture.processor_response;
    expect(await connector().status(context(), sale.reference)).toMatchObject({
      status: 'declined',
      decline_code: 'generic_decline',
    });
  });

  it('counts no refund PayPal reports FAILED or CANCELLED', async () => {
    const sale = await connector().authorize(context(), input({ capture: true, amount: 2_500 }));
    for (const status of ['FAILED', 'CANCELLED'] as const) {
      stored(sale.reference).payments.refunds = [
        {
          id: `R-${status}`,
          status: status as 'COMPLETED',
          amount: { currency_code: 'USD', value: '25.00' },
          create_time: '2026-01-15T12:00:00Z',
          update_time: '2026-01-15T12:00:00Z',
        },
      ];
      expect(await connector().status(context(), sale.reference)).toMatchObject({
        status: 'captured',
        amount_captured: 2_500,
      });
    }
  });

  it('reads an order waiting for the payer as pending, and one with neither authorization nor capture as processing', async () => {
    const held = await connector().authorize(context(), input());
    const order = sandbox.order(held.reference)!;
    delete order.purchase_units[0]!.payments.authorizations;
    Object.assign(order, { status: 'PAYER_ACTION_REQUIRED' });
    expect(await connector().status(context(), held.reference)).toEqual({
      status: 'pending',
      reference: held.reference,
      amount_captured: 0,
      decline_code: null,
    });
    Object.assign(order, { status: 'APPROVED' });
    expect(await connector().status(context(), held.reference)).toMatchObject({ status: 'processing' });
  });

  it('takes an order in a currency the hub does not know for a technical failure', async () => {
    const held = await connector().authorize(context(), input());
    stored(held.reference).amount = { currency_code: 'XTS', value: '25.00' };
    const error = await failure(connector().status(context(), held.reference));
    expect(isTechnicalFailure(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server_error', message: 'paypal answered an order in XTS' });
    delete (stored(held.reference) as { amount?: unknown }).amount;
    expect(await failure(connector().status(context(), held.reference))).toMatchObject({
      kind: 'server_error',
      message: 'paypal answered an order in ',
    });
  });
});

describe("the paypal connector: PayPal's failures", () => {
  it.each([
    // The SDK parses no error body for these: the issue reads UNKNOWN.
    [500, 'paypal answered 500 (UNKNOWN)'],
    [503, 'paypal answered 503 (UNKNOWN)'],
    [429, 'paypal answered 429 (UNKNOWN)'],
  ])('takes a %s for a technical failure, which the hub fails over on', async (status, message) => {
    sandbox.failNext(1, status);
    const error = await failure(connector().authorize(context(), input()));
    expect(isTechnicalFailure(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server_error', message });
  });

  it("takes a 403 for the connector's credentials, and any other refusal for the caller's mistake with PayPal's issue and debug id", async () => {
    sandbox.failNext(1, 403);
    expect(await failure(connector().authorize(context(), input()))).toMatchObject({
      code: 'invalid_request',
      message: 'paypal refused the connector credentials',
      param: 'credentials.client_id',
    });
    sandbox.failNext(1, 400);
    const refused = await failure(connector().authorize(context(), input()));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'invalid_request',
      message: 'paypal refused the request: INVALID_REQUEST',
      details: { provider_code: 'INVALID_REQUEST', debug_id: 'fixture' },
    });
  });

  it('takes a PayPal where nothing listens for a network failure', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = paypalConnector({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 5_000 });
    const error = await failure(closed.authorize(context(), input()));
    expect(isTechnicalFailure(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'network', message: 'paypal could not be reached' });
    // What went wrong is kept for the logs.
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('takes an endpoint written with a trailing slash', async () => {
    const slashed = paypalConnector({ endpoint: `${sandbox.url}/`, timeoutMs: 5_000 });
    expect(await slashed.authorize(context(), input())).toMatchObject({ status: 'authorized' });
  });
});

describe('the paypal connector: how long a call may take', () => {
  /** What the SDK's HTTP client hands its adapter for each request (axios's request config). */
  type AdapterRequest = { timeout?: number };
  /** The timeout the SDK gives each request of one authorization by a connector with `options`. */
  const requestTimeouts = async (options: { timeoutMs?: number }) => {
    const seen: unknown[] = [];
    const recording = paypalConnector({
      endpoint: sandbox.url,
      ...options,
      // The connector's adapter (the redirect to the sandbox), wrapped to see each request go by.
      createClient: (config) => {
        const adapter = config.unstable_httpClientOptions.adapter as (request: AdapterRequest) => unknown;
        return new Client({
          ...config,
          unstable_httpClientOptions: {
            adapter: (request: AdapterRequest) => {
              seen.push(request.timeout);
              return adapter(request);
            },
          },
        });
      },
    });
    expect((await recording.authorize(context(), input())).status).toBe('authorized');
    return seen;
  };

  it('gives each PayPal request 10 s unless the connector is given a timeout, and that timeout when it is', async () => {
    // The OAuth token, then the order.
    expect(await requestTimeouts({})).toEqual([10_000, 10_000]);
    expect(await requestTimeouts({ timeoutMs: 1_234 })).toEqual([1_234, 1_234]);
  });
});

describe('the paypal connector: credentials', () => {
  it("keeps each merchant's PayPal app apart in one connector: another's wrong secret is refused, not served by the first's client", async () => {
    const shared = connector();
    expect(await shared.authorize(context(), input())).toMatchObject({ status: 'authorized' });
    const other = {
      ...context(),
      credentials: { ...sandbox.credentials, client_secret: 'EotherSecret0000' },
    };
    expect(await failure(shared.authorize(other, input()))).toMatchObject({
      code: 'invalid_request',
      param: 'credentials.client_id',
    });
  });

  it('takes a live app too, and words each refusal of a field', () => {
    const live = { ...sandbox.credentials, environment: 'live' };
    expect(connector().parseCredentials(live)).toEqual(live);
    const refusal = (raw: Record<string, unknown>) => {
      try {
        connector().parseCredentials(raw);
      } catch (error) {
        return { message: (error as AppError).message, param: (error as AppError).param };
      }
      return undefined;
    };
    expect(refusal({ ...sandbox.credentials, secret: 'x' })).toEqual({
      message: 'paypal credentials take client_id, client_secret, webhook_id, environment, not secret',
      param: 'credentials.secret',
    });
    expect(refusal({ ...sandbox.credentials, client_secret: 'short' })).toEqual({
      message:
        'credentials.client_secret must be the client secret of your PayPal REST app (8-200 letters, digits, _ or -)',
      param: 'credentials.client_secret',
    });
    expect(refusal({ ...sandbox.credentials, environment: 'production' })).toEqual({
      message: 'credentials.environment must be sandbox or live',
      param: 'credentials.environment',
    });
  });

  it('refuses credentials that are not an object, naming them', () => {
    for (const raw of [null, 'AclientId0000', ['AclientId0000'], 42])
      expect(() => connector().parseCredentials(raw)).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          message: 'paypal needs credentials {client_id, client_secret, webhook_id, environment?}',
          param: 'credentials',
        }),
      );
  });
});

describe('the paypal connector: webhooks', () => {
  const event = { id: 'WH-1', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: { id: 'C1' } };

  it('refuses a webhook missing any transmission header, naming it, without asking PayPal', async () => {
    const signed = sandbox.webhook(event);
    const from = sandbox.requests().length;
    for (const name of [
      'paypal-transmission-id',
      'paypal-transmission-time',
      'paypal-transmission-sig',
      'paypal-cert-url',
      'paypal-auth-algo',
    ]) {
      const { [name]: _, ...headers } = signed.headers;
      await expect(connector().parseWebhook(context(), { ...signed, headers })).rejects.toMatchObject({
        code: 'invalid_request',
        message: `the ${name} header is missing`,
        param: name,
      });
    }
    expect(sentSince(from)).toEqual([]);
  });

  it('refuses a body that is not JSON or not a PayPal event, naming the body', async () => {
    for (const [body, message] of [
      ['{not json', 'the webhook body is not JSON'],
      ['{"id":"WH-1"}', 'the webhook body is not a PayPal event'],
      ['{"event_type":"X"}', 'the webhook body is not a PayPal event'],
      ['{"id":1,"event_type":"X"}', 'the webhook body is not a PayPal event'],
      ['null', 'the webhook body is not a PayPal event'],
    ] as const) {
      const signed = { ...sandbox.webhook(event), body };
      await expect(connector().parseWebhook(context(), signed)).rejects.toMatchObject({
        code: 'invalid_request',
        message,
        param: 'body',
      });
    }
  });

  it('verifies with PayPal under a bearer token, and takes a verify endpoint that fails for a technical failure', async () => {
    const signed = sandbox.webhook(event);
    const from = sandbox.requests().length;
    expect(await connector().parseWebhook(context(), signed)).toEqual(event);
    const forged = { ...signed, body: signed.body.replace('C1', 'C2') };
    await expect(connector().parseWebhook(context(), forged)).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'the PayPal webhook signature does not verify',
      param: 'paypal-transmission-sig',
    });
    const [verify] = sentSince(from).filter(
      (sent) => sent.path === '/v1/notifications/verify-webhook-signature',
    );
    expect(verify).toMatchObject({
      method: 'POST',
      path: '/v1/notifications/verify-webhook-signature',
      body: {
        auth_algo: 'SHA256withRSA',
        cert_url: signed.headers['paypal-cert-url'],
        transmission_id: signed.headers['paypal-transmission-id'],
        transmission_sig: signed.headers['paypal-transmission-sig'],
        transmission_time: signed.headers['paypal-transmission-time'],
        webhook_id: sandbox.credentials.webhook_id,
        webhook_event: event,
      },
    });
    for (const [mode, message] of [
      ['error', 'paypal answered 503'],
      [500, 'paypal answered 500'],
    ] as const) {
      sandbox.failNext(1, mode);
      const error = await failure(connector().parseWebhook(context(), signed));
      expect(isTechnicalFailure(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'server_error', message });
    }
  });

  it('takes a verify endpoint that never answers for a timeout, as it does a payment call', async () => {
    const signed = sandbox.webhook(event);
    sandbox.failNext(1, 'hang');
    const hung = await failure(connector(300).parseWebhook(context(), signed));
    expect(isTechnicalFailure(hung)).toBe(true);
    expect(hung).toMatchObject({ kind: 'timeout', message: 'paypal could not be reached' });
    expect((hung as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });
});

describe('through the hub', () => {
  let t: TestApp;
  let api: MerchantApi;
  beforeEach(async () => {
    t = createHubTestApp({ paypal: sandbox.url });
    ({ api } = await setUpHubMerchant(t, ['paypal'], { paypal: sandbox.credentials }));
    await api('PUT', '/v1/routing', { rules: [], default: ['paypal'] });
  });
  afterEach(async () => {
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('captures the whole authorization when the capture names no amount, and refunds the rest when the refund names none', async () => {
    const authorized = await api('POST', '/v1/payment-intents', {
      amount: 6_000,
      currency: 'USD',
      payment_method: cardMethod(),
      capture: false,
    });
    expect(authorized.status, authorized.text).toBe(201);
    const captured = await api('POST', `/v1/payment-intents/${authorized.json.id}/capture`);
    expect(captured.status, captured.text).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 6_000 });
    const refunded = await api('POST', `/v1/payment-intents/${authorized.json.id}/refunds`);
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.json).toMatchObject({ amount_refunded: 6_000 });
    const order = sandbox.order(authorized.json.provider_reference);
    expect(order?.purchase_units[0]!.payments.captures?.[0]).toMatchObject({
      amount: { currency_code: 'USD', value: '60.00' },
      status: 'REFUNDED',
    });
  });
});

describe('the paypal connector: which PayPal it calls', () => {
  it('calls the live API for a live app and the sandbox for a sandbox app, payments and webhook checks alike', async () => {
    const event = { id: 'WH-host', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: { id: 'C1' } };
    for (const [environment, host] of [
      ['sandbox', 'api-m.sandbox.paypal.com'],
      ['live', 'api-m.paypal.com'],
    ] as const) {
      const ctx = { ...context(), credentials: { ...sandbox.credentials, environment } };
      const from = sandbox.requests().length;
      expect((await connector().authorize(ctx, input())).status).toBe('authorized');
      expect(await connector().parseWebhook(ctx, sandbox.webhook(event))).toMatchObject({ id: 'WH-host' });
      const seen = sandbox.requests().slice(from);
      expect(seen.map((r) => r.path)).toContain('/v1/notifications/verify-webhook-signature');
      expect(new Set(seen.map((r) => r.forwardedHost))).toEqual(new Set([host]));
    }
  });
});
