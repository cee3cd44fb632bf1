import { afterEach, describe, expect, it } from 'vitest';
import { listHistory } from '../server/src/ledger/index.ts';
import type { SagaState } from '../server/src/commerce/saga.ts';
import {
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let keys = 0;
const newKey = () => `checkout-${++keys}-${Math.random().toString(36).slice(2)}`;

async function checkout(
  platform: CommerceTestPlatform,
  token: string,
  options: { key?: string; payment?: unknown } = {},
) {
  return platform.call('POST', '/v1/checkout', {
    token,
    headers: { 'idempotency-key': options.key ?? newKey() },
    body: { shipping_address: shippingAddress, payment_method: options.payment ?? { type: 'wallet' } },
  });
}

async function buyerWithCart(platform: CommerceTestPlatform, productId: string, quantity = 1) {
  const buyer = await platform.signUp('Buyer');
  const added = await platform.call('POST', '/v1/cart/items', {
    token: buyer.token,
    body: { product_id: productId, quantity },
  });
  if (added.status !== 200) throw new Error(`add to cart: ${added.status} ${JSON.stringify(added.json)}`);
  return buyer;
}

async function stockOf(platform: CommerceTestPlatform, productId: string): Promise<number> {
  return (await platform.call('GET', `/v1/products/${productId}`)).json.stock;
}

describe('the checkout saga under concurrency', () => {
  it('sells exactly the 10 in stock to 50 concurrent checkouts: 10 paid, 40 failed out_of_stock, stock 0, failed buyers untouched', {
    timeout: 180_000,
  }, async () => {
    t = await commerceTestPlatform();
    const product = await t.createProduct({ name: 'Limited print', price: 3000, stock: 10 });
    const buyers: Array<{ id: string; email: string; token: string }> = [];
    for (let i = 0; i < 50; i++) buyers.push(await buyerWithCart(t, product.id));

    const started = await Promise.all(buyers.map((buyer) => checkout(t!, buyer.token)));
    expect(started.map((response) => response.status)).toEqual(buyers.map(() => 202));
    const orders = await Promise.all(
      started.map((response, index) => t!.waitForOrder(buyers[index]!.token, response.json.id)),
    );

    const paid = orders.filter((order) => order.status === 'paid');
    const failed = orders.filter((order) => order.status === 'failed');
    expect(paid).toHaveLength(10);
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((order) => order.failure_reason))).toEqual(new Set(['out_of_stock']));
    expect(await stockOf(t, product.id)).toBe(0);
    for (const [index, order] of orders.entries()) {
      const wallet = await t.wallet(buyers[index]!.id);
      expect(wallet).toEqual(
        order.status === 'paid'
          ? { available: signupBonus - 3000, pending: 0 }
          : { available: signupBonus, pending: 0 },
      );
    }
    // A failed buyer's wallet never saw a hold: out of stock is found before any payment.
    const failedBuyer = buyers[orders.indexOf(failed[0])]!;
    const history = await listHistory(t.platform.store, walletAccountId(failedBuyer.id, 'USD'), {
      limit: 50,
    });
    expect(history.entries.filter((entry) => entry.code.startsWith('commerce'))).toEqual([]);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('compensation', () => {
  const faults: Array<[SagaState, string]> = [
    ['Authorize', 'authorization_failed'],
    ['CreateOrder', 'order_creation_failed'],
    ['Capture', 'capture_failed'],
    ['Notify', 'notification_failed'],
  ];
  for (const [state, reason] of faults) {
    it(`undoes everything when ${state} keeps failing: stock, balance and holds as before`, async () => {
      const calls: string[] = [];
      t = await commerceTestPlatform({
        hooks: {
          failTask: (task) => {
            calls.push(task);
            return task === state;
          },
        },
      });
      const product = await t.createProduct({ name: 'Lamp', price: 4500, stock: 3 });
      const buyer = await buyerWithCart(t, product.id, 2);
      const started = await checkout(t, buyer.token);
      expect(started.status).toBe(202);
      const order = await t.waitForOrder(buyer.token, started.json.id);

      expect(order).toMatchObject({ status: 'failed', failure_reason: reason, needs_attention: false });
      // Step Functions' Retry: the failing step ran three times before the Catch.
      expect(calls.filter((task) => task === state)).toHaveLength(3);
      expect(await stockOf(t, product.id)).toBe(3);
      expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
      expect(order.payment_status).toBe(
        state === 'Authorize' ? 'none' : state === 'Notify' ? 'refunded' : 'voided',
      );
      expect(await t.shopMail(buyer.email)).toEqual([
        `Your Sluice Shop order ${order.id} could not be completed`,
      ]);
      await expectBooksBalanced(t.platform.store);
    });
  }

  it('voids a card authorization, refunds a card capture, and refunds a canceled card order, through the payments sandbox', async () => {
    let failing: SagaState = 'Capture';
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === failing } });
    const product = await t.createProduct({ name: 'Rug', price: 7000, stock: 2 });
    const card = {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    };
    const buyer = await buyerWithCart(t, product.id);
    const voided = await t.waitForOrder(
      buyer.token,
      (await checkout(t, buyer.token, { payment: card })).json.id,
    );
    expect(voided).toMatchObject({
      status: 'failed',
      failure_reason: 'capture_failed',
      payment_status: 'voided',
    });

    // The failed order left the cart as it was: the same cart, checked out again.
    failing = 'Notify';
    const refunded = await t.waitForOrder(
      buyer.token,
      (await checkout(t, buyer.token, { payment: card })).json.id,
    );
    expect(refunded).toMatchObject({
      status: 'failed',
      failure_reason: 'notification_failed',
      payment_status: 'refunded',
    });
    expect(await stockOf(t, product.id)).toBe(2);

    // The sandbox agrees: one payment canceled, the other refunded in full.
    const admin = await t.adminToken();
    const shop = (await t.call('GET', '/v1/merchants', { token: admin })).json.data.find(
      (merchant: { name: string }) => merchant.name === 'Sluice Shop',
    );
    const payments = await t.call('GET', '/v1/payments', {
      token: admin,
      headers: { 'sluice-merchant': shop.id },
    });
    const byId = new Map(
      payments.json.data.map((payment: { id: string; status: string; amount_refunded: number }) => [
        payment.id,
        payment,
      ]),
    );
    expect(byId.get(voided.payment_id)).toMatchObject({ status: 'canceled' });
    expect(byId.get(refunded.payment_id)).toMatchObject({ status: 'succeeded', amount_refunded: 7000 });

    // A paid card order an admin cancels is refunded in the sandbox too, and restocked.
    failing = 'DeadLetter'; // fails nothing on the way to paid
    const paid = await t.waitForOrder(
      buyer.token,
      (await checkout(t, buyer.token, { payment: card })).json.id,
    );
    expect(paid.status).toBe('paid');
    expect(await stockOf(t, product.id)).toBe(1);
    const canceled = await t.call('POST', `/v1/admin/orders/${paid.id}/cancel`, { token: admin });
    expect(canceled.json).toMatchObject({ status: 'canceled', payment_status: 'refunded' });
    const after = await t.call('GET', '/v1/payments', {
      token: admin,
      headers: { 'sluice-merchant': shop.id },
    });
    expect(after.json.data.find((payment: { id: string }) => payment.id === paid.payment_id)).toMatchObject({
      amount_refunded: 7000,
    });
    expect(await stockOf(t, product.id)).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('sends a refund that fails 3 times to the dead-letter queue and the admin view; the queue retries it once fixed', async () => {
    let refundAttempts = 0;
    let isRefundBroken = true;
    t = await commerceTestPlatform({
      hooks: {
        failTask: (task) => {
          if (task === 'Refund') refundAttempts += 1;
          return task === 'Notify' || (task === 'Refund' && isRefundBroken);
        },
      },
    });
    const product = await t.createProduct({ name: 'Chair', price: 9900, stock: 4 });
    const buyer = await buyerWithCart(t, product.id);
    const started = await checkout(t, buyer.token);
    const order = await t.waitForOrder(buyer.token, started.json.id);

    expect(refundAttempts).toBe(3);
    expect(order).toMatchObject({ status: 'failed', needs_attention: true, payment_status: 'captured' });
    const admin = await t.adminToken();
    const letters = await t.call('GET', '/v1/admin/commerce/dead-letters', { token: admin });
    expect(letters.status).toBe(200);
    expect(letters.json.data).toMatchObject([
      { order_id: order.id, status: 'open', error: expect.stringContaining('injected fault in Refund') },
    ]);
    expect((await t.call('GET', '/v1/admin/commerce/dead-letters', { token: buyer.token })).status).toBe(403);
    // Still charged: nothing was swallowed, and the books still balance.
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 9900, pending: 0 });
    await expectBooksBalanced(t.platform.store);

    // The compensation queue retries; while the refund stays broken it lands in the queue's DLQ.
    for (let round = 0; round < 6; round++) {
      await t.platform.queue.drain();
      t.clock.advance(3600_000);
    }
    const dead = await t.platform.queue.listDead('commerce-compensations');
    expect(dead.items).toHaveLength(1);

    // Fixed: redriven from the DLQ, the retry refunds, restocks and resolves the admin entry.
    isRefundBroken = false;
    expect(await t.platform.queue.redrive('commerce-compensations', String(dead.items[0]!.message_id))).toBe(
      true,
    );
    await t.platform.queue.drain();
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect(await stockOf(t, product.id)).toBe(4);
    const after = await t.call('GET', `/v1/orders/${order.id}`, { token: await t.logIn(buyer.email) });
    expect(after.json).toMatchObject({
      status: 'failed',
      needs_attention: false,
      payment_status: 'refunded',
    });
    const resolved = await t.call('GET', '/v1/admin/commerce/dead-letters', {
      token: await t.logIn('admin@example.com'),
    });
    expect(resolved.json.data).toMatchObject([{ order_id: order.id, status: 'resolved' }]);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('idempotency', () => {
  it('answers a retried checkout (same Idempotency-Key) with the same order: one order, one charge', async () => {
    t = await commerceTestPlatform();
    const product = await t.createProduct({ name: 'Pen', price: 500, stock: 10 });
    const buyer = await buyerWithCart(t, product.id, 2);
    const key = newKey();
    const first = await checkout(t, buyer.token, { key });
    const again = await checkout(t, buyer.token, { key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await t.waitForOrder(buyer.token, first.json.id);
    const afterwards = await checkout(t, buyer.token, { key });
    expect(afterwards.json.id).toBe(first.json.id);

    const orders = await t.call('GET', '/v1/orders', { token: buyer.token });
    expect(orders.json.data).toHaveLength(1);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 1000, pending: 0 });
    expect(await stockOf(t, product.id)).toBe(8);
    await expectBooksBalanced(t.platform.store);
  });

  it('does nothing twice when a finished order’s workflow runs again', async () => {
    t = await commerceTestPlatform();
    const product = await t.createProduct({ name: 'Book', price: 1800, stock: 5 });
    const buyer = await buyerWithCart(t, product.id);
    const started = await checkout(t, buyer.token);
    const order = await t.waitForOrder(buyer.token, started.json.id);
    expect(order.status).toBe('paid');
    const history = async () =>
      (await listHistory(t!.platform.store, walletAccountId(buyer.id, 'USD'), { limit: 50 })).entries.length;
    const entries = await history();

    await t.platform.runWorkflow('checkout', { order_id: order.id });
    await t.platform.runWorkflow('checkout', { order_id: order.id });

    expect(await history()).toBe(entries);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 1800, pending: 0 });
    expect(await stockOf(t, product.id)).toBe(4);
    expect(await t.shopMail(buyer.email)).toHaveLength(1);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { token: buyer.token })).json).toMatchObject({
      status: 'paid',
      updated_at: order.updated_at,
    });
    await expectBooksBalanced(t.platform.store);
  });
});
