import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { startStripeProxy, type StripeProxy } from './stripe-proxy.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import {
  isTechnicalFailure,
  type AuthorizeInput,
  type ConnectorContext,
} from '../server/src/hub/connectors/connector.ts';
import { stripeConnector } from '../server/src/hub/connectors/stripe.ts';
import {
  cardMethod,
  createHubTestApp,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * The Stripe connector (`hub/connectors/stripe.ts`) beyond the connector contract and hub-stripe's
 * happy paths (issue 23's mutation testing): what it sends Stripe (amount, currency, metadata, the
 * key of every write), each test card's decline, how each kind of Stripe failure reads (a technical
 * failure the hub fails over on, or the caller's or the connector's mistake), retried captures,
 * voids and refunds answered once, and `find`'s search for an attempt's charge. Stripe is
 * stripe-stateful-mock behind a proxy that records the SDK's requests and can answer in its place.
 */

let mock: Awaited<ReturnType<typeof startStripeMock>>;
let proxy: StripeProxy;
let stripe: Stripe;
beforeAll(async () => {
  mock = await startStripeMock();
  proxy = await startStripeProxy(mock.stripe);
  stripe = new Stripe(stripeCredentials.secret_key, { ...mock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(async () => {
  await proxy.stop();
  await mock.stop();
});
beforeEach(() => proxy.reset());

const ctx: ConnectorContext = {
  merchantId: 'mer_test',
  ownerId: 'usr_test',
  connectorId: 'mca_test',
  credentials: stripeCredentials,
};
const connector = (timeoutMs = 5_000) => stripeConnector({ endpoint: proxy.endpoint, timeoutMs });
const card = (number = '4242424242424242') => ({
  type: 'card' as const,
  card: { number, exp_month: 12, exp_year: 2030, cvc: '123' },
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
const stripeError = (status: number, type: string, fields: Record<string, unknown> = {}) => ({
  status,
  body: { error: { type, message: `scripted ${type}`, ...fields } },
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the stripe connector: what it sends', () => {
  it("charges the amount in the currency in lower case, naming the intent and the attempt, under the attempt's key", async () => {
    const request = input({ amount: 1_234, currency: 'EUR' });
    const held = await connector().authorize(ctx, request);
    expect(held).toEqual({
      status: 'authorized',
      reference: expect.stringMatching(/^ch_/),
      amount_captured: 0,
      decline_code: null,
      disputed: false,
    });
    const [sent] = proxy.requests;
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/v1/charges',
      idempotencyKey: request.idempotency_key,
    });
    expect(sent!.form.get('currency')).toBe('eur');
    expect(sent!.form.get('source')).toBe('tok_visa');
    const charge = await stripe.charges.retrieve(held.reference);
    expect(charge).toMatchObject({
      amount: 1_234,
      currency: 'eur',
      captured: false,
      metadata: { payment_intent: request.intent, attempt: request.idempotency_key },
    });
  });

  it('sends no card Stripe has no test token for, nor a payment method that is not a card, and finds nothing for them', async () => {
    const notTestCard = input({ payment_method: card('4111111111111111'), capture: true });
    const wallet = input({ payment_method: { type: 'wallet', wallet: { user: 'usr_payer' } } });
    for (const request of [notTestCard, wallet]) {
      expect(await connector().authorize(ctx, request)).toEqual({
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: 'invalid_payment_method',
      });
      expect(await connector().lookup(ctx, request)).toBeUndefined();
    }
    expect(proxy.requests).toEqual([]);
  });

  it("looks an attempt up by replaying its create under its key: Stripe's first charge, not a second", async () => {
    const request = input({ capture: true });
    const paid = await connector().authorize(ctx, request);
    const found = await connector().lookup(ctx, request);
    expect(found).toEqual({ ...paid, status: 'captured', amount_captured: 2_500 });
    expect(proxy.requests.map((sent) => sent.idempotencyKey)).toEqual([
      request.idempotency_key,
      request.idempotency_key,
    ]);
  });
});

describe('the stripe connector: declines', () => {
  it.each([
    ['4000000000000002', 'generic_decline', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds', 'generic_decline'],
    ['4100000000000019', 'fraudulent', 'generic_decline'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000119', 'processing_error', 'processing_error'],
  ])(
    'answers test card %s as a decline (%s) naming the failed charge, which reads declined later (%s)',
    async (number, code, later) => {
      const declined = await connector().authorize(
        ctx,
        input({ payment_method: card(number), capture: true }),
      );
      expect(declined).toEqual({
        status: 'declined',
        reference: expect.stringMatching(/^ch_/),
        amount_captured: 0,
        decline_code: code,
      });
      // The later read goes by the charge's outcome (the mock's reasons: merchant_blacklist for
      // fraud, generic_decline for insufficient funds), mapped onto the one vocabulary. (Its
      // amount_captured is left out: the mock marks a failed sale captured, Stripe does not.)
      expect(await connector().status(ctx, declined.reference)).toMatchObject({
        status: 'declined',
        reference: declined.reference,
        decline_code: later,
      });
    },
  );

  it('answers a card error that names no charge and no code as a generic decline with no reference', async () => {
    proxy.answerNext(stripeError(402, 'card_error'));
    expect(await connector().authorize(ctx, input())).toEqual({
      status: 'declined',
      reference: '',
      amount_captured: 0,
      decline_code: 'generic_decline',
    });
  });
});

describe('the stripe connector: capture, void, refund', () => {
  it('captures the whole authorization when no amount is given, and answers a retry under the same key with the same capture', async () => {
    const held = await connector().authorize(ctx, input({ amount: 3_300 }));
    const key = `${held.reference}:capture`;
    const captured = await connector().capture(ctx, held.reference, undefined, key);
    expect(captured).toEqual({
      status: 'captured',
      reference: held.reference,
      amount_captured: 3_300,
      decline_code: null,
      disputed: false,
    });
    expect(await connector().capture(ctx, held.reference, undefined, key)).toEqual(captured);
    expect(proxy.requests.at(-1)).toMatchObject({ idempotencyKey: key });
    expect(proxy.requests.at(-1)!.form.has('amount')).toBe(false);
    expect(await stripe.charges.retrieve(held.reference)).toMatchObject({
      amount_captured: 3_300,
      amount_refunded: 0,
    });
  });

  it('voids by refunding the whole uncaptured charge under its key, and answers a retry under the same key as voided', async () => {
    const held = await connector().authorize(ctx, input());
    const key = `${held.reference}:void`;
    const voided = await connector().void(ctx, held.reference, key);
    expect(voided).toEqual({
      status: 'voided',
      reference: held.reference,
      amount_captured: 0,
      decline_code: null,
      disputed: false,
    });
    expect(await connector().void(ctx, held.reference, key)).toEqual(voided);
    const refunds = proxy.requests.filter((sent) => sent.path === '/v1/refunds');
    expect(refunds.map((sent) => [sent.idempotencyKey, sent.form.get('charge')])).toEqual([
      [key, held.reference],
      [key, held.reference],
    ]);
    expect((await stripe.refunds.list({ charge: held.reference })).data).toHaveLength(1);
  });

  it('passes on a void Stripe could not do, and a void of a charge already voided under another key', async () => {
    const held = await connector().authorize(ctx, input());
    proxy.answerNext(stripeError(500, 'api_error'));
    const outage = await failure(connector().void(ctx, held.reference, `${held.reference}:void`));
    expect(isTechnicalFailure(outage) && outage.kind).toBe('server_error');
    // Only the refund was tried: the charge is still held.
    expect(await stripe.charges.retrieve(held.reference)).toMatchObject({ refunded: false, captured: false });

    await connector().void(ctx, held.reference, `${held.reference}:void`);
    const again = await failure(connector().void(ctx, held.reference, `${held.reference}:void-2`));
    expect(again).toBeInstanceOf(AppError);
    expect(again).toMatchObject({
      code: 'invalid_request',
      details: { provider_code: 'charge_already_refunded' },
    });
  });

  it('refunds the amount asked under its key, once for a retried key, and refuses more than is left', async () => {
    const paid = await connector().authorize(ctx, input({ capture: true, amount: 2_500 }));
    const first = await connector().refund(ctx, paid.reference, 1_000, `${paid.reference}:r1`);
    expect(first).toEqual({ reference: expect.stringMatching(/^re_/), amount: 1_000 });
    expect(await connector().refund(ctx, paid.reference, 1_000, `${paid.reference}:r1`)).toEqual(first);
    const sent = proxy.requests.filter((request) => request.path === '/v1/refunds');
    expect(sent.map((request) => [request.idempotencyKey, request.form.get('amount')])).toEqual([
      [`${paid.reference}:r1`, '1000'],
      [`${paid.reference}:r1`, '1000'],
    ]);
    expect(await stripe.charges.retrieve(paid.reference)).toMatchObject({ amount_refunded: 1_000 });

    const tooMuch = await failure(connector().refund(ctx, paid.reference, 1_501, `${paid.reference}:r2`));
    expect(tooMuch).toBeInstanceOf(AppError);
    expect(tooMuch).toMatchObject({ code: 'invalid_request', details: { provider_code: null } });
    expect((tooMuch as AppError).message).toBe('stripe refused the request: StripeInvalidRequestError');

    proxy.answerNext(stripeError(503, 'api_error'));
    const outage = await failure(connector().refund(ctx, paid.reference, 1_500, `${paid.reference}:r3`));
    expect(isTechnicalFailure(outage) && outage.kind).toBe('server_error');
    expect(await stripe.charges.retrieve(paid.reference)).toMatchObject({ amount_refunded: 1_000 });
  });

  it('refuses a refund Stripe refused as a card error (a 4xx the hub passes on), nothing refunded', async () => {
    const paid = await connector().authorize(ctx, input({ capture: true }));
    proxy.answerNext(stripeError(402, 'card_error', { code: 'card_declined' }));
    const refused = await failure(connector().refund(ctx, paid.reference, 500, `${paid.reference}:r1`));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'invalid_request', details: { provider_code: 'card_declined' } });
    expect((refused as AppError).message).toBe('stripe refused the refund: card_declined');
    expect(await stripe.charges.retrieve(paid.reference)).toMatchObject({ amount_refunded: 0 });
  });
});

describe("the stripe connector: Stripe's failures", () => {
  it.each([
    ['a 500', stripeError(500, 'api_error'), 'stripe answered 500'],
    ['a 429', stripeError(429, 'rate_limit_error'), 'stripe answered 429'],
    [
      'a 400 naming a rate limit',
      stripeError(400, 'invalid_request_error', { code: 'rate_limit' }),
      'stripe answered 400',
    ],
    ['a 503 whatever its type', stripeError(503, 'invalid_request_error'), 'stripe answered 503'],
    ['an answer that is not JSON', { status: 200, body: '<html>' }, 'stripe answered an error'],
  ])('takes %s for a technical failure, which the hub fails over on', async (_name, answer, message) => {
    proxy.answerNext(answer);
    const error = await failure(connector().authorize(ctx, input()));
    expect(isTechnicalFailure(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server_error', message });
  });

  it("takes a refused key (401) and a forbidden one (403) for the connector's credentials, naming the field", async () => {
    const live = { ...ctx, credentials: { ...stripeCredentials, secret_key: 'sk_live_0000000000000000hub' } };
    const refused = await failure(connector().authorize(live, input()));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'invalid_request',
      message: 'stripe refused the connector credentials',
      param: 'credentials.secret_key',
    });
    expect(JSON.stringify(refused)).not.toContain('sk_live_0000000000000000hub');
    proxy.answerNext(stripeError(403, 'invalid_request_error'));
    expect(await failure(connector().authorize(ctx, input()))).toMatchObject({
      code: 'invalid_request',
      param: 'credentials.secret_key',
    });
  });

  it("takes any other refusal for the caller's mistake, with Stripe's code", async () => {
    proxy.answerNext(stripeError(400, 'invalid_request_error', { code: 'amount_too_small' }));
    const error = await failure(connector().authorize(ctx, input()));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      message: 'stripe refused the request: amount_too_small',
      details: { provider_code: 'amount_too_small' },
    });
  });

  it("takes a 409 (the key's first request still under way at Stripe) for an outcome not known yet, as a timeout, on every call", async () => {
    // Stripe answers so while a request with the same Idempotency-Key runs: failing over blind
    // could charge twice, so the hub asks by the key as after a timeout (and later if it must).
    const inUse = stripeError(409, 'idempotency_error', {
      message: 'There is currently another in-progress request using this Stable-Idempotency-Key',
    });
    for (const call of [
      () => connector().authorize(ctx, input()),
      () => connector().capture(ctx, 'ch_any', undefined, 'pi_any:capture'),
      () => connector().refund(ctx, 'ch_any', 100, 'pi_any:refund:1'),
    ]) {
      proxy.answerNext(inUse);
      const error = await failure(call());
      expect(isTechnicalFailure(error) && error.kind).toBe('timeout');
      expect(error).toMatchObject({ message: 'stripe is still processing a request with this key' });
    }
  });

  it('takes a Stripe that never answers for a timeout, and one where nothing listens for a network failure', async () => {
    proxy.answerNext('hang');
    const hung = await failure(connector(300).authorize(ctx, input()));
    expect(isTechnicalFailure(hung) && hung.kind).toBe('timeout');

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = stripeConnector({ endpoint: { host: '127.0.0.1', port, protocol: 'http' } });
    const down = await failure(closed.authorize(ctx, input()));
    expect(isTechnicalFailure(down) && down.kind).toBe('network');
    expect(down).toMatchObject({ message: 'stripe could not be reached' });
  });

  it('does not retry a call itself: one request per call, whatever Stripe answered', async () => {
    proxy.answerNext(stripeError(500, 'api_error'));
    await failure(connector().authorize(ctx, input()));
    proxy.answerNext(stripeError(429, 'rate_limit_error'));
    await failure(connector().status(ctx, 'ch_missing'));
    expect(proxy.requests).toHaveLength(2);
  });
});

describe('the stripe connector: how long a call may take', () => {
  /** The timeout the SDK gives each request of one authorization by a connector with `options`. */
  const requestTimeouts = async (options: { timeoutMs?: number }) => {
    const seen: number[] = [];
    const http = Stripe.createNodeHttpClient();
    // The SDK hands each request's timeout to its HTTP client: Node's, wrapped.
    const recorder: Stripe.HttpClient = Object.assign(Object.create(http) as Stripe.HttpClient, {
      makeRequest: (...request: Parameters<Stripe.HttpClient['makeRequest']>) => {
        seen.push(request[7]);
        return http.makeRequest(...request);
      },
    });
    const recording = stripeConnector({
      endpoint: proxy.endpoint,
      ...options,
      createClient: (key, config) => new Stripe(key, { ...config, httpClient: recorder }),
    });
    expect((await recording.authorize(ctx, input())).status).toBe('authorized');
    return seen;
  };

  it('gives each Stripe request 10 s unless the connector is given a timeout, and that timeout when it is', async () => {
    expect(await requestTimeouts({})).toEqual([10_000]);
    expect(await requestTimeouts({ timeoutMs: 1_234 })).toEqual([1_234]);
  });
});

describe('the stripe connector: reading a charge', () => {
  it('reads a pending charge as pending, and a captured one without amount_captured (older API versions) by its amount', async () => {
    const held = await connector().authorize(ctx, input({ amount: 4_100 }));
    proxy.rewrite(`/v1/charges/${held.reference}`, (charge) => ({ ...charge, status: 'pending' }));
    expect(await connector().status(ctx, held.reference)).toMatchObject({
      status: 'pending',
      amount_captured: 0,
    });
    proxy.reset();

    const paid = await connector().authorize(ctx, input({ amount: 4_100, capture: true }));
    proxy.rewrite(`/v1/charges/${paid.reference}`, ({ amount_captured: _, ...charge }) => charge);
    expect(await connector().status(ctx, paid.reference)).toMatchObject({
      status: 'captured',
      amount_captured: 4_100,
    });
  });

  it('reads a partly captured charge by what was captured, and a refunded capture as refunded', async () => {
    const held = await connector().authorize(ctx, input({ amount: 4_000 }));
    await connector().capture(ctx, held.reference, 3_000, `${held.reference}:capture`);
    // Stripe counts the 1,000 released at the capture as refunded: the charge is not refunded yet.
    expect(await connector().status(ctx, held.reference)).toMatchObject({
      status: 'captured',
      amount_captured: 3_000,
    });
    await connector().refund(ctx, held.reference, 3_000, `${held.reference}:refund`);
    expect(await connector().status(ctx, held.reference)).toMatchObject({
      status: 'refunded',
      amount_captured: 3_000,
    });
  });

  it('reads a charge the card holder disputed as disputed', async () => {
    const paid = await connector().authorize(
      ctx,
      input({ payment_method: card('4000000000000259'), capture: true }),
    );
    expect(paid).toMatchObject({ status: 'captured', disputed: false });
    // The mock opens the dispute on a timer after the charge: wait for it.
    await vi.waitFor(
      async () => {
        expect(await connector().status(ctx, paid.reference)).toMatchObject({
          status: 'captured',
          disputed: true,
        });
      },
      { timeout: 10_000, interval: 20 },
    );
  });
});

describe("the stripe connector: finding an attempt's charge", () => {
  it('finds the charge whose metadata names the attempt, among others, in the window around its start', async () => {
    const mine = input({ capture: true, amount: 5_100 });
    const paid = await connector().authorize(ctx, mine);
    await connector().authorize(ctx, input({ capture: true }));
    await connector().authorize(ctx, input());
    proxy.reset();
    // Wherever it is in the list: here last of its page, after every other charge of the mock.
    proxy.rewrite('/v1/charges', (page) => ({ ...page, data: [...(page.data as unknown[])].reverse() }));
    const startedAt = Date.UTC(2026, 0, 15, 12, 0, 0, 999);
    const found = await connector().find?.(ctx, {
      idempotency_key: mine.idempotency_key,
      intent: mine.intent,
      started_at: startedAt,
    });
    expect(found).toEqual({
      status: 'captured',
      reference: paid.reference,
      amount_captured: 5_100,
      decline_code: null,
      disputed: false,
    });
    const [listed] = proxy.requests;
    const seconds = Math.floor(startedAt / 1000);
    expect(listed!.path).toBe('/v1/charges');
    expect(Object.fromEntries(listed!.query)).toEqual({
      'created[gte]': String(seconds - 300),
      'created[lte]': String(seconds + 900),
      limit: '100',
    });
  });

  it('reads at most 1,000 charges of the window, a page of 100 at a time', async () => {
    const mine = input({ capture: true });
    const paid = await connector().authorize(ctx, mine);
    const charge = await stripe.charges.retrieve(paid.reference);
    proxy.reset();
    // A window of 1,001 charges, the attempt's the last: other charges fill the first ten pages.
    proxy.serve('/v1/charges', (request) => {
      const page = Number(request.query.get('starting_after')?.replace('ch_other_', '') ?? '0') / 100;
      const data =
        page < 10
          ? Array.from({ length: 100 }, (_, index) => ({
              ...charge,
              id: `ch_other_${page * 100 + index + 1}`,
              metadata: { attempt: `att_other_${index}` },
            }))
          : [charge];
      return { status: 200, body: { object: 'list', url: '/v1/charges', has_more: page < 10, data } };
    });
    const attempt = { idempotency_key: mine.idempotency_key, intent: mine.intent, started_at: 0 };
    expect(await connector().find?.(ctx, attempt)).toBeUndefined();
    expect(proxy.requests).toHaveLength(10);
  });

  it('finds nothing for an attempt no charge names, and passes on a listing Stripe could not answer', async () => {
    await connector().authorize(ctx, input());
    const attempt = { idempotency_key: `att_${randomUUID()}`, intent: 'pi_none', started_at: 0 };
    expect(await connector().find?.(ctx, attempt)).toBeUndefined();
    proxy.answerNext(stripeError(500, 'api_error'));
    const outage = await failure(connector().find!(ctx, attempt));
    expect(isTechnicalFailure(outage) && outage.kind).toBe('server_error');
  });
});

describe('the stripe connector: credentials and webhooks', () => {
  it('checks credentials: a secret key, a webhook secret, nothing else', () => {
    const parse = (raw: unknown) => {
      try {
        return connector().parseCredentials(raw);
      } catch (error) {
        expect(error).toMatchObject({ code: 'validation_failed' });
        return (error as AppError).param;
      }
    };
    expect(parse(stripeCredentials)).toEqual(stripeCredentials);
    expect(parse({ ...stripeCredentials, secret_key: 'rk_live_abcdefgh' })).toEqual({
      ...stripeCredentials,
      secret_key: 'rk_live_abcdefgh',
    });
    expect(parse(null)).toBe('credentials');
    expect(parse('sk_test_abcdefgh')).toBe('credentials');
    expect(parse({ ...stripeCredentials, publishable_key: 'pk_test_abcdefgh' })).toBe(
      'credentials.publishable_key',
    );
    for (const secret_key of [
      undefined,
      42,
      'pk_test_abcdefgh',
      'sk_test_abc',
      'sk_test_abcdefgh!',
      ' sk_test_abcdefgh',
    ])
      expect(parse({ ...stripeCredentials, secret_key })).toBe('credentials.secret_key');
    for (const webhook_secret of [undefined, 42, 'whsec_abc', 'whsec_abcdefgh!', 'xwhsec_abcdefgh'])
      expect(parse({ ...stripeCredentials, webhook_secret })).toBe('credentials.webhook_secret');
  });

  it('refuses a webhook whose signature does not verify, and passes on a signed body that is not JSON', () => {
    const verify = (payload: string, secret: string) =>
      connector().parseWebhook(ctx, payload, stripe.webhooks.generateTestHeaderString({ payload, secret }));
    expect(() => verify('{"id":"evt_1","object":"event"}', 'whsec_notthemerchantsecret00')).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: 'the Stripe-Signature does not verify',
        param: 'Stripe-Signature',
      }),
    );
    // The signature is the merchant's: a broken body is no forgery, so no 400 naming the signature.
    let error: unknown;
    try {
      verify('{not json', stripeCredentials.webhook_secret);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it('words each refusal of the credentials', () => {
    const message = (raw: unknown) => {
      try {
        connector().parseCredentials(raw);
      } catch (error) {
        return (error as AppError).message;
      }
      return undefined;
    };
    expect(message(null)).toBe('stripe needs credentials {secret_key, webhook_secret}');
    expect(message({ ...stripeCredentials, account: 'acct_1' })).toBe(
      'stripe credentials take secret_key and webhook_secret, not account',
    );
    expect(message({ ...stripeCredentials, secret_key: 'pk_test_abcdefgh' })).toBe(
      'credentials.secret_key must be a Stripe secret key (sk_test_… or sk_live_…)',
    );
    expect(message({ ...stripeCredentials, webhook_secret: 'whsec_abc' })).toBe(
      'credentials.webhook_secret must be a Stripe webhook signing secret (whsec_…)',
    );
  });

  it('refuses to call Stripe without a secret key, or to verify a webhook without a webhook secret', async () => {
    const bare = { ...ctx, credentials: {} };
    const error = await failure(connector().authorize(bare, input()));
    expect(error).toMatchObject({
      code: 'invalid_request',
      message: 'the stripe connector has no secret_key',
      param: 'credentials.secret_key',
    });
    expect(() =>
      connector().parseWebhook(
        { ...ctx, credentials: { secret_key: stripeCredentials.secret_key } },
        '{}',
        't=1,v1=0',
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: 'the stripe connector has no webhook_secret',
      }),
    );
    expect(proxy.requests).toEqual([]);
  });
});

describe('through the hub', () => {
  let t: TestApp;
  let api: MerchantApi;
  beforeEach(async () => {
    t = createHubTestApp({ stripe: proxy.endpoint });
    ({ api } = await setUpHubMerchant(t, ['stripe']));
    await api('PUT', '/v1/routing', {
      rules: [{ match: { currency: 'USD' }, providers: ['stripe'] }],
      default: [],
    });
  });
  afterEach(async () => {
    await expectBooksBalanced(t.store);
    await t.store.close();
  });

  it('captures the whole authorization when the capture names no amount', async () => {
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
    expect(await stripe.charges.retrieve(authorized.json.provider_reference)).toMatchObject({
      captured: true,
      amount_captured: 6_000,
    });
  });
});
