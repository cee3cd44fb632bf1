import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayPalSandbox, type PayPalSandbox } from '../../../../test/paypal-sandbox.ts';
import { AppError } from '../../kernel/errors.ts';
import { isTechnicalFailure, type ConnectorContext } from './connector.ts';
import { runConnectorContract } from './contract.ts';
import { paypalConnector } from './paypal.ts';

// The official PayPal SDK against a local PayPal-compatible server (test/paypal-sandbox.ts) that
// answers as PayPal's published Orders v2 examples and card-testing page say PayPal answers.
let sandbox: PayPalSandbox;
beforeAll(async () => {
  sandbox = await startPayPalSandbox();
});
afterAll(() => sandbox.stop());

const card = (number: string) => ({
  type: 'card' as const,
  card: { number, exp_month: 12, exp_year: 2030, cvc: '123' },
});
const context = (): ConnectorContext => ({
  merchantId: 'mer_test',
  ownerId: 'usr_test',
  connectorId: 'mca_test',
  credentials: sandbox.credentials,
});
let sequence = 0;
const sale = (number: string, fields: { amount?: number; capture?: boolean } = {}) => ({
  amount: fields.amount ?? 1999,
  currency: 'USD' as const,
  payment_method: card(number),
  capture: fields.capture ?? true,
  idempotency_key: `pp_test_${++sequence}`,
  intent: `pi_pp_${sequence}`,
});

runConnectorContract('paypal', async () => ({
  connector: paypalConnector({ endpoint: sandbox.url, timeoutMs: 2_000 }),
  ctx: context(),
  currency: 'USD',
  approved: card('4242424242424242'),
  declined: card('4000000000000002'),
}));

describe('paypal connector', () => {
  const connector = () => paypalConnector({ endpoint: sandbox.url, timeoutMs: 500 });

  it.each([
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
    ['4100000000000019', 'fraudulent'],
    ['4000000000000127', 'incorrect_cvc'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000119', 'generic_decline'],
  ])(
    "maps PayPal's processor response for test card %s to %s, on a sale and an authorization",
    async (number, code) => {
      for (const capture of [true, false]) {
        const answer = await connector().authorize(context(), sale(number, { capture }));
        expect(answer).toMatchObject({ status: 'declined', decline_code: code, amount_captured: 0 });
        expect(answer.reference).not.toBe('');
      }
    },
  );

  it('refuses a card that is not a test card without calling PayPal', async () => {
    const before = sandbox.orderCount();
    const answer = await connector().authorize(context(), sale('4111111111111111'));
    expect(answer).toMatchObject({
      status: 'declined',
      decline_code: 'invalid_payment_method',
      reference: '',
    });
    expect(sandbox.orderCount()).toBe(before);
  });

  it('reads a capture PayPal holds for review as processing, in minor units of a 0-decimal currency too', async () => {
    sandbox.holdCaptures(true);
    try {
      const answer = await connector().authorize(context(), { ...sale('4242424242424242'), amount: 1234 });
      expect(answer).toMatchObject({ status: 'processing', amount_captured: 1234 });
      const yen = await connector().authorize(context(), {
        ...sale('4242424242424242'),
        currency: 'JPY',
        amount: 500,
      });
      expect(yen).toMatchObject({ status: 'processing', amount_captured: 500 });
    } finally {
      sandbox.holdCaptures(false);
    }
  });

  it("turns a 503 and an unanswered call into technical failures, and a 422 into the caller's error", async () => {
    sandbox.failNext(1, 'error');
    const error = await connector()
      .authorize(context(), sale('4242424242424242'))
      .catch((e: unknown) => e);
    expect(isTechnicalFailure(error) && error.kind).toBe('server_error');
    sandbox.failNext(1, 'hang');
    const hung = await connector()
      .authorize(context(), sale('4242424242424242'))
      .catch((e: unknown) => e);
    expect(isTechnicalFailure(hung) && hung.kind).toBe('timeout');
    const paid = await connector().authorize(context(), sale('4242424242424242', { capture: false }));
    await connector().void(context(), paid.reference, `${paid.reference}:void`);
    const again = await connector()
      .capture(context(), paid.reference, 100, `${paid.reference}:capture`)
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AppError);
    expect((again as AppError).message).toContain('AUTHORIZATION_VOIDED');
  });

  it("says wrong credentials are the connector's, naming the field", async () => {
    const error = await connector()
      .authorize(
        { ...context(), credentials: { ...sandbox.credentials, client_secret: 'EwrongSecret0000' } },
        sale('4242424242424242'),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).param).toBe('credentials.client_id');
    expect(JSON.stringify(error)).not.toContain('EwrongSecret0000');
  });

  it('checks credentials: the three ids, sandbox or live, nothing else', () => {
    const parse = (raw: unknown) => {
      try {
        return connector().parseCredentials(raw);
      } catch (error) {
        return (error as AppError).param;
      }
    };
    expect(parse(sandbox.credentials)).toEqual(sandbox.credentials);
    expect(parse({ ...sandbox.credentials, environment: undefined })).toMatchObject({
      environment: 'sandbox',
    });
    expect(parse({ ...sandbox.credentials, environment: 'prod' })).toBe('credentials.environment');
    expect(parse({ ...sandbox.credentials, client_secret: 'x' })).toBe('credentials.client_secret');
    expect(parse({ ...sandbox.credentials, api_key: 'abcdefgh' })).toBe('credentials.api_key');
    expect(parse('secret')).toBe('credentials');
  });

  it('verifies a webhook only when PayPal signed it for this webhook id', async () => {
    const event = { id: 'WH-1', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: { id: 'C1' } };
    const signed = sandbox.webhook(event);
    expect(await connector().parseWebhook(context(), signed)).toMatchObject({ id: 'WH-1' });
    const tampered = { ...signed, body: signed.body.replace('C1', 'C2') };
    await expect(connector().parseWebhook(context(), tampered)).rejects.toMatchObject({
      param: 'paypal-transmission-sig',
    });
    const otherHook = { ...context(), credentials: { ...sandbox.credentials, webhook_id: 'WH-OTHER000' } };
    await expect(connector().parseWebhook(otherHook, signed)).rejects.toMatchObject({
      param: 'paypal-transmission-sig',
    });
    const { 'paypal-transmission-sig': _, ...unsigned } = signed.headers;
    await expect(connector().parseWebhook(context(), { ...signed, headers: unsigned })).rejects.toMatchObject(
      {
        param: 'paypal-transmission-sig',
      },
    );
  });
});
