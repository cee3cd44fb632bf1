import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { AuthorizeInput, ConnectorContext } from '../server/src/hub/connectors/connector.ts';
import { sandboxCardConnector } from '../server/src/hub/connectors/sandbox-card.ts';
import { getPayment } from '../server/src/payments/index.ts';
import {
  asMerchant,
  card,
  createTestMerchant,
  type MerchantApi,
} from '../server/src/payments/test-support.ts';

/**
 * The sandbox card connector (`hub/connectors/sandbox-card.ts`), called as the hub calls it: how
 * each state of a sandbox payment reads as the hub's, declines and refused cards answered as values
 * and everything else passed on, and a retried attempt or refund found by its key, never made twice.
 */

let t: TestApp;
let api: MerchantApi;
let ctx: ConnectorContext;
let connector: ReturnType<typeof sandboxCardConnector>;
let sequence = 0;
beforeEach(async () => {
  t = createTestApp();
  const merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  api = asMerchant(t, merchant);
  connector = sandboxCardConnector({ store: t.store, clock: t.clock });
  ctx = { merchantId: merchant.id, ownerId: merchant.owner.id, connectorId: 'mca_test', credentials: {} };
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const input = (fields: Partial<AuthorizeInput> = {}): AuthorizeInput => ({
  amount: 2_500,
  currency: 'USD',
  payment_method: { type: 'card', card: card() },
  capture: false,
  idempotency_key: `key_${++sequence}`,
  intent: `pi_test_${sequence}`,
  ...fields,
});

describe('the sandbox card connector: states', () => {
  it('reads a hold as authorized, its capture as captured, a full refund as refunded', async () => {
    const request = input();
    const held = await connector.authorize(ctx, request);
    expect(held).toEqual({
      status: 'authorized',
      reference: expect.stringMatching(/^pay_/),
      amount_captured: 0,
      decline_code: null,
      disputed: false,
    });
    // The payment names the intent it was made for.
    expect((await getPayment(t, ctx.merchantId, held.reference)).metadata).toEqual({
      payment_intent: request.intent,
    });
    expect(await connector.capture(ctx, held.reference, 2_000, 'c')).toMatchObject({
      status: 'captured',
      amount_captured: 2_000,
    });
    await connector.refund(ctx, held.reference, 1_999, 'r1');
    expect(await connector.status(ctx, held.reference)).toMatchObject({ status: 'captured' });
    await connector.refund(ctx, held.reference, 1, 'r2');
    expect(await connector.status(ctx, held.reference)).toMatchObject({
      status: 'refunded',
      amount_captured: 2_000,
      decline_code: null,
    });
  });

  it('reads a void as voided', async () => {
    const held = await connector.authorize(ctx, input());
    expect(await connector.void(ctx, held.reference, 'v')).toEqual({
      status: 'voided',
      reference: held.reference,
      amount_captured: 0,
      decline_code: null,
      disputed: false,
    });
  });

  it('reads a disputed payment as disputed', async () => {
    const sale = await connector.authorize(ctx, input({ capture: true }));
    expect((await api('POST', '/v1/test-helpers/disputes', { payment: sale.reference })).status).toBe(201);
    expect(await connector.status(ctx, sale.reference)).toMatchObject({ status: 'captured', disputed: true });
  });
});

describe('the sandbox card connector: declines and refusals', () => {
  it('answers a decline with the declined payment and its code, and reads that payment as declined', async () => {
    const declined = await connector.authorize(
      ctx,
      input({ payment_method: { type: 'card', card: card('4000000000009987') } }),
    );
    expect(declined).toEqual({
      status: 'declined',
      reference: expect.stringMatching(/^pay_/),
      amount_captured: 0,
      decline_code: 'lost_card',
    });
    expect(await connector.status(ctx, declined.reference)).toEqual({
      status: 'declined',
      reference: declined.reference,
      amount_captured: 0,
      decline_code: 'lost_card',
      disputed: false,
    });
  });

  it('answers a refused card as declined: invalid payment method', async () => {
    expect(
      await connector.authorize(
        ctx,
        input({ payment_method: { type: 'card', card: card('4242424242424241') } }),
      ),
    ).toEqual({
      status: 'declined',
      reference: '',
      amount_captured: 0,
      decline_code: 'invalid_payment_method',
    });
  });

  it('passes on any other refusal, and refuses anything but a card or credentials', async () => {
    await expect(connector.authorize({ ...ctx, merchantId: 'mer_nobody' }, input())).rejects.toMatchObject({
      code: 'not_found',
    });
    const wallet = { type: 'wallet' as const, wallet: { user: 'usr_x' } };
    await expect(connector.authorize(ctx, input({ payment_method: wallet }))).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'sandbox_card takes cards only',
      param: 'payment_method',
    });
    expect(connector.parseCredentials(undefined)).toBeNull();
    expect(connector.parseCredentials({})).toBeNull();
    for (const raw of [{ key: 'x' }, null, 'secret', '', 5])
      expect(() => connector.parseCredentials(raw)).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          message: 'sandbox_card takes no credentials',
          param: 'credentials',
        }),
      );
  });
});

describe('the sandbox card connector: keys', () => {
  it('finds an attempt by its key, and answers a refund retried with its key without refunding again', async () => {
    const request = input({ capture: true });
    const sale = await connector.authorize(ctx, request);
    expect(await connector.authorize(ctx, request)).toEqual(sale);
    expect(await connector.lookup(ctx, request)).toEqual(sale);
    expect(await connector.find?.(ctx, { idempotency_key: request.idempotency_key } as never)).toEqual(sale);
    expect(await connector.lookup(ctx, input())).toBeUndefined();

    const refund = await connector.refund(ctx, sale.reference, 1_000, 'refund-key');
    expect(refund).toEqual({ reference: expect.stringMatching(/^re_/), amount: 1_000 });
    expect(await connector.refund(ctx, sale.reference, 1_000, 'refund-key')).toEqual(refund);
    expect((await getPayment(t, ctx.merchantId, sale.reference)).amount_refunded).toBe(1_000);
  });
});
