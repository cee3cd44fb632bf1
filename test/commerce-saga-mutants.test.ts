import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { balanceOf, getAccount, listHistory } from '../server/src/ledger/index.ts';
import {
  checkoutTasks,
  retryCompensation,
  shopAccountId,
  undoPayment,
  type CommerceHooks,
  type SagaDeps,
  type SagaState,
} from '../server/src/commerce/saga.ts';
import { productKey, readOrder, readShopMerchant, shopMerchantPut } from '../server/src/commerce/store.ts';
import { isoTime } from '../server/src/kernel/clock.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { createMerchant, getMerchantRecord } from '../server/src/payments/index.ts';
import { maxMerchantsPerUser } from '../server/src/payments/model.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { Store, WriteOperation } from '../server/src/platform/store.ts';
import {
  adminEmail,
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';
import { capturingLogger } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * The money steps of the checkout saga (`commerce/saga.ts`: capture, and the refund or void of a
 * failed checkout) in the cases issue 23's mutation run found unpinned: what the refund of a
 * wallet order books, the void of a card authorization that lapsed while the void kept failing
 * (and an undo racing it), a void refused for another reason, and two failed orders' undos.
 */

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const card = {
  type: 'card',
  card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
};

async function buyAndWait(platform: CommerceTestPlatform, price: number, payment: unknown, currency = 'USD') {
  const product = await platform.createProduct({ name: 'Vase', price, stock: 2, currency });
  const buyer = await platform.signUp('Buyer');
  const added = await platform.call('POST', '/v1/cart/items', {
    token: buyer.token,
    body: { product_id: product.id, quantity: 1 },
  });
  expect(added.status).toBe(200);
  const started = await platform.call('POST', '/v1/checkout', {
    token: buyer.token,
    headers: { 'idempotency-key': `saga-mutants-${Math.random().toString(36).slice(2)}` },
    body: { shipping_address: shippingAddress, payment_method: payment },
  });
  expect(started.status).toBe(202);
  return { product, buyer, order: await settledOrder(platform, started.json.id) };
}

/**
 * The order as stored once the saga left `processing`: read from the store, not over HTTP, so a
 * test may move the clock past the buyer's token meanwhile.
 */
function settledOrder(platform: CommerceTestPlatform, id: string) {
  return platform.afterWorkflows(async () => {
    const order = await readOrder(platform.platform.store, id);
    return order && order.status !== 'processing' ? order : undefined;
  }, `order ${id} is still processing`);
}

describe('checkout saga money steps (mutation cases)', () => {
  it('refunds a captured wallet order from the shop account to the wallet, marked with the order', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === 'Notify' } });
    const { buyer, order } = await buyAndWait(t, 4200, { type: 'wallet' });
    expect(order).toMatchObject({ status: 'failed', payment_status: 'refunded', total: 4200 });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });

    const history = await listHistory(t.platform.store, walletAccountId(buyer.id, 'USD'), { limit: 50 });
    const refunds = history.entries.filter((entry) => entry.code === 'commerce_refund');
    expect(refunds).toEqual([
      expect.objectContaining({
        direction: 'credit',
        amount: 4200,
        currency: 'USD',
        counterparty_account_id: shopAccountId('USD'),
        metadata: { order: order.id },
      }),
    ]);
    const shop = await getAccount(t.platform, shopAccountId('USD'));
    expect(shop && balanceOf(shop)).toMatchObject({ available: 0, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('captures a wallet order: the hold is posted to the shop account', { timeout: 120_000 }, async () => {
    t = await commerceTestPlatform();
    const { buyer, order } = await buyAndWait(t, 3100, { type: 'wallet' });
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 3100, pending: 0 });
    const shop = await getAccount(t.platform, shopAccountId('USD'));
    expect(shop && balanceOf(shop)).toMatchObject({ available: 3100, pending: 0 });
    expect(shop).toMatchObject({ code: 'shop_sales', owner: 'commerce', currency: 'USD' });
    // The hold names the order; its post is the hold's id with `_post`.
    const history = await listHistory(t.platform.store, walletAccountId(buyer.id, 'USD'), { limit: 50 });
    const held = history.entries.filter((entry) => entry.code === 'commerce_order');
    expect(held).toEqual([
      expect.objectContaining({
        kind: 'post_pending',
        amount: 3100,
        transfer_id: `tr_${order.id}_hold_post`,
      }),
      expect.objectContaining({
        kind: 'pending',
        transfer_id: `tr_${order.id}_hold`,
        counterparty_account_id: shopAccountId('USD'),
        metadata: { order: order.id },
      }),
    ]);
    await expectBooksBalanced(t.platform.store);
  });

  it('voids a card order whose authorization lapsed while its void kept failing: the order ends voided, nothing charged', {
    timeout: 120_000,
  }, async () => {
    let isVoidBroken = true;
    t = await commerceTestPlatform({
      hooks: { failTask: (task) => task === 'Capture' || (task === 'Refund' && isVoidBroken) },
    });
    const { product, buyer, order } = await buyAndWait(t, 5600, card);
    expect(order).toMatchObject({ status: 'failed', needs_attention: true, payment_status: 'authorized' });
    const stale = (await readOrder(t.platform.store, order.id))!;

    // Eight days on, the authorization has lapsed; the retried void meets `payment_expired`.
    t.clock.advance(8 * 86_400_000);
    isVoidBroken = false;
    for (let round = 0; round < 3; round++) {
      await t.platform.queue.drain();
      t.clock.advance(3600_000);
    }
    const after = await t.call('GET', `/v1/orders/${order.id}`, { token: await t.logIn(buyer.email) });
    expect(after.json).toMatchObject({ status: 'failed', needs_attention: false, payment_status: 'voided' });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);

    const admin = await t.logIn('admin@example.com'); // the cached admin token expired meanwhile
    const shop = (await t.call('GET', '/v1/merchants', { token: admin })).json.data.find(
      (merchant: { name: string }) => merchant.name === 'Sluice Shop',
    );
    const payment = await t.call('GET', `/v1/payments/${order.payment_id}`, {
      token: admin,
      headers: { 'sluice-merchant': shop.id },
    });
    expect(payment.json).toMatchObject({ status: 'canceled', amount_refunded: 0 });

    // An undo racing it (its order read while still authorized) finds the order voided: it writes
    // nothing more and says voided.
    expect(await undoPayment(sagaDeps(t), stale, undefined)).toEqual({ payment_status: 'voided' });
    const events = await t.call('GET', '/v1/events?type=order.updated&limit=100', {
      token: admin,
      headers: { 'sluice-merchant': shop.id },
    });
    expect(events.status).toBe(200);
    const voided = events.json.data.filter(
      (event: { data: { order: { id: string }; step?: string } }) =>
        event.data.order.id === order.id && event.data.step === 'voided',
    );
    expect(voided).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('does not take a void refused for another reason than a lapse for done: the shop captured it meanwhile, the order is dead-lettered still authorized', {
    timeout: 120_000,
  }, async () => {
    let isCaptured = false;
    t = await commerceTestPlatform({
      hooks: {
        failTask: (task) => task === 'Capture',
        // Before the first void, the shop's merchant captures the payment through the payments API.
        beforeTask: async (task, orderId) => {
          if (task !== 'Refund' || isCaptured) return;
          isCaptured = true;
          const record = (await readOrder(t!.platform.store, orderId))!;
          const captured = await t!.call(
            'POST',
            `/v1/payments/${record.payment_id}/capture`,
            await asShop(t!),
          );
          expect(captured.status).toBe(200);
        },
      },
    });
    const { buyer, order } = await buyAndWait(t, 4700, card);
    expect(isCaptured).toBe(true);
    expect(order).toMatchObject({ status: 'failed', needs_attention: true, payment_status: 'authorized' });
    const deadLetters = await t.call('GET', '/v1/admin/commerce/dead-letters', {
      token: await t.adminToken(),
    });
    expect(deadLetters.json.data).toEqual([
      expect.objectContaining({
        order_id: order.id,
        status: 'open',
        error: expect.stringMatching(/^AppError: /),
      }),
    ]);
    const payment = await t.call('GET', `/v1/payments/${order.payment_id}`, await asShop(t));
    expect(payment.json).toMatchObject({
      status: 'succeeded',
      amount_captured: 4700,
      description: `Sluice Shop order ${order.id}`,
      metadata: { order: order.id },
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails a card order whose card is gone (the in-request authorization failed) as payment_method_unavailable, declined, nothing charged', {
    timeout: 120_000,
  }, async () => {
    let authorizations = 0;
    // The checkout request's own authorization throws; the saga's finds the card dropped since.
    t = await commerceTestPlatform({
      hooks: { failTask: (task) => task === 'Authorize' && ++authorizations === 1 },
    });
    const { product, order } = await buyAndWait(t, 3300, card);
    expect(authorizations).toBeGreaterThan(1);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_method_unavailable',
      decline_code: null,
      payment_status: 'declined',
      payment_id: null,
      // The decline ends the forward steps: the order is never placed (Capture never tried).
      placed: false,
    });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    const payments = await t.call('GET', '/v1/payments', await asShop(t));
    expect(payments.json.data).toEqual([]);
    await expectBooksBalanced(t.platform.store);
  });

  it('does not record a decline over an order a compensation took meanwhile: the first failure reason stays', {
    timeout: 120_000,
  }, async () => {
    let authorizations = 0;
    t = await commerceTestPlatform({
      hooks: {
        failTask: (task) => task === 'Authorize' && authorizations === 1,
        // The saga's authorization (the second) finds the card gone, but the order is given up
        // first, as when its reservation ran out.
        beforeTask: async (task, orderId) => {
          if (task !== 'Authorize' || ++authorizations !== 2) return;
          await checkoutTasks(sagaDeps(t!)).Refund({ order_id: orderId, reason: 'reservation_expired' });
        },
      },
    });
    const { order } = await buyAndWait(t, 3300, card);
    expect(authorizations).toBe(2);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      payment_status: 'none',
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails a card order whose authorization lapsed before its capture as capture_failed, nothing charged', {
    timeout: 120_000,
  }, async () => {
    let isLapsed = false;
    t = await commerceTestPlatform({
      hooks: {
        // A reservation that outlasts the authorization, so that only the capture fails.
        reservationMs: 30 * 86_400_000,
        beforeTask: async (task) => {
          if (task !== 'Capture' || isLapsed) return;
          isLapsed = true;
          t!.clock.advance(8 * 86_400_000);
        },
      },
    });
    const { product, order } = await buyAndWait(t, 2900, card);
    expect(isLapsed).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'capture_failed',
      needs_attention: false,
      payment_status: 'voided',
    });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    const payment = await t.call('GET', `/v1/payments/${order.payment_id}`, await asShop(t));
    expect(payment.json).toMatchObject({ status: 'canceled', amount_captured: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('answers a step run again on a finished order from the order: paid stays paid, declined stays declined', {
    timeout: 120_000,
  }, async () => {
    let failNextAuthorization = false;
    t = await commerceTestPlatform({
      hooks: {
        failTask: (task) => {
          if (task !== 'Authorize' || !failNextAuthorization) return false;
          failNextAuthorization = false;
          return true;
        },
      },
    });
    const tasks = checkoutTasks(sagaDeps(t));
    const { order: paid } = await buyAndWait(t, 1800, card);
    expect(paid).toMatchObject({ status: 'paid', payment_status: 'captured' });
    // A workflow resumed on a paid order (a crash after the capture) takes nothing twice.
    expect(await tasks.Authorize({ order_id: paid.id })).toEqual({
      ok: true,
      reason: null,
      decline_code: null,
    });
    expect(await tasks.Capture({ order_id: paid.id })).toEqual({ captured: true });

    // A card order the saga declined (the request's authorization failed, the card is gone since).
    failNextAuthorization = true;
    const { order: declined } = await buyAndWait(t, 1900, card);
    expect(declined).toMatchObject({ status: 'failed', payment_status: 'declined' });
    expect(await tasks.Authorize({ order_id: declined.id })).toEqual({
      ok: false,
      reason: 'payment_method_unavailable',
      decline_code: null,
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('retries an authorization the store was too busy for, instead of declining it (the order is paid)', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isBusy = busyOnce(t.platform.store, setsPayment('authorized'));
    const { buyer, order } = await buyAndWait(t, 2100, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 2100, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('takes an authorization whose write landed though the store answered an error for done (the order is paid)', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isLost = busyOnce(t.platform.store, setsPayment('authorized'), { landed: true });
    const { buyer, order } = await buyAndWait(t, 2300, { type: 'wallet' });
    expect(isLost()).toBe(true);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured', failure_reason: null });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 2300, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('writes a decline the store was too busy for on the retry: the order ends declined, not only failed', {
    timeout: 120_000,
  }, async () => {
    let authorizations = 0;
    // The checkout request's own authorization throws; the saga's finds the card dropped since.
    t = await commerceTestPlatform({
      hooks: { failTask: (task) => task === 'Authorize' && ++authorizations === 1 },
    });
    const isBusy = busyOnce(t.platform.store, setsPayment('declined'));
    const { order } = await buyAndWait(t, 3400, card);
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_method_unavailable',
      payment_status: 'declined',
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('does not capture an order a compensation took between its read and its capture: the hold is voided, never posted', {
    timeout: 120_000,
  }, async () => {
    // Once Capture has read the order, a compensation starts (its reservation ran out, say)
    // and its void fails for now: the order is compensating, the hold still pending.
    const taking = await platformRunningOnce('Capture', compensationWhoseRefundFails);
    t = taking.platform;
    const { buyer, order } = await buyAndWait(t, 2700, { type: 'wallet' });
    expect(taking.ran()).toBeDefined();
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      payment_status: 'voided',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    const history = await listHistory(t.platform.store, walletAccountId(buyer.id, 'USD'), { limit: 50 });
    const held = history.entries.filter((entry) => entry.code === 'commerce_order');
    expect(held.map((entry) => entry.kind)).toEqual(['void_pending', 'pending']);
    await expectBooksBalanced(t.platform.store);
  });

  it('does not hold a wallet order a compensation took between Authorize’s read and its write: no hold, nothing to void', {
    timeout: 120_000,
  }, async () => {
    // Once Authorize has read the order, a compensation starts (its reservation ran out, say)
    // and finds no payment to undo yet.
    const taking = await platformRunningOnce('Authorize', (platform, orderId) =>
      checkoutTasks(sagaDeps(platform)).Refund({ order_id: orderId, reason: 'reservation_expired' }),
    );
    t = taking.platform;
    const { buyer, order } = await buyAndWait(t, 2600, { type: 'wallet' });
    expect(taking.ran()?.result).toEqual({ payment_status: 'none' });
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      payment_status: 'none',
      hold_id: null,
    });
    expect(await stepsOf(t, order.id, 'order.updated')).not.toContain('authorized');
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    const history = await listHistory(t.platform.store, walletAccountId(buyer.id, 'USD'), { limit: 50 });
    expect(history.entries.filter((entry) => entry.code === 'commerce_order')).toEqual([]);
    await expectBooksBalanced(t.platform.store);
  });

  it('runs a forward step at the very end of the reservation, and gives it up a millisecond later', {
    timeout: 120_000,
  }, async () => {
    let lateBy = 0;
    t = await commerceTestPlatform({
      hooks: {
        // CreateOrder has passed its check: Capture's finds the clock at or past the reservation's end.
        beforeTask: async (task, orderId) => {
          if (task !== 'CreateOrder') return;
          const { reservation_until } = (await readOrder(t!.platform.store, orderId))!;
          t!.clock.set(reservation_until + lateBy);
        },
      },
    });
    const { order: onTime } = await buyAndWait(t, 1100, { type: 'wallet' });
    expect(onTime).toMatchObject({ status: 'paid', payment_status: 'captured' });
    lateBy = 1;
    const { product, order: late } = await buyAndWait(t, 1200, { type: 'wallet' });
    expect(late).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      payment_status: 'voided',
    });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('emails the buyer what was bought and the total, or why the order failed with any decline code', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const { buyer, order: paid } = await buyAndWait(t, 4200, { type: 'wallet' });
    expect(await mailTo(t, buyer.email, paid.id)).toEqual({
      subject: `Your Sluice Shop order ${paid.id} is confirmed`,
      text: [`Thank you for your order ${paid.id}.`, '', '1 × Vase — 42.00 USD', '', 'Total: 42.00 USD'].join(
        '\n',
      ),
    });
    const declinedCard = { type: 'card', card: { ...card.card, number: '4000000000000002' } };
    const { buyer: declinedBuyer, order: declined } = await buyAndWait(t, 1300, declinedCard);
    const { buyer: poorBuyer, order: unpaid } = await buyAndWait(t, 700, { type: 'wallet' }, 'EUR');
    for (const [email, order, why] of [
      [declinedBuyer.email, declined, 'payment_declined: generic_decline'],
      [poorBuyer.email, unpaid, 'insufficient_funds'],
    ] as const)
      expect(await mailTo(t, email, order.id)).toEqual({
        subject: `Your Sluice Shop order ${order.id} could not be completed`,
        text: `Your order ${order.id} could not be completed (${why}).\nNothing was charged: any hold on your payment was released.`,
      });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order whose failure email could not be sent, and logs that', {
    timeout: 120_000,
  }, async () => {
    const logger = capturingLogger();
    t = await commerceTestPlatform({ logger, hooks: { failTask: (task) => task === 'Capture' } });
    const notifier = t.platform.notifier;
    const send = notifier.sendEmail.bind(notifier);
    notifier.sendEmail = async (message) =>
      message.subject.includes('could not be completed')
        ? Promise.reject(new Error('mail is down'))
        : send(message);
    const { buyer, order } = await buyAndWait(t, 1600, { type: 'wallet' });
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'capture_failed',
      payment_status: 'voided',
    });
    expect(logger.lines).toContainEqual([
      'order failure email not sent',
      { order: order.id, error: 'Error: mail is down' },
    ]);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('dead-letters an order with the failed step’s error, or a default one, cut to 2,000 characters, keeping the first failure reason', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const tasks = checkoutTasks(sagaDeps(t));
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push((await buyAndWait(t, 900 + i, { type: 'wallet' })).order);
    const [first, second, third] = orders.map((order) => order.id) as [string, string, string];
    await tasks.DeadLetter({ order_id: first, reason: 'refund_failed' });
    await tasks.DeadLetter({ order_id: second, error: { Error: 'States.Timeout', Cause: 'x'.repeat(3000) } });
    await tasks.DeadLetter({
      order_id: third,
      reason: 'refund_failed',
      error: { Cause: 'the void timed out' },
    });
    const entries = (await t.call('GET', '/v1/admin/commerce/dead-letters', { token: await t.adminToken() }))
      .json.data;
    const errorOf = (id: string) =>
      entries.find((entry: { order_id: string }) => entry.order_id === id)?.error;
    expect(errorOf(first)).toBe('Error: the compensation failed');
    expect(errorOf(second)).toBe(`States.Timeout: ${'x'.repeat(2000 - 'States.Timeout: '.length)}`);
    expect(errorOf(third)).toBe('Error: the void timed out');
    const stored = await Promise.all(orders.map((order) => readOrder(t!.platform.store, order.id)));
    expect(stored.map((order) => [order!.status, order!.needs_attention, order!.failure_reason])).toEqual([
      ['failed', true, 'refund_failed'],
      ['failed', true, 'checkout_failed'],
      ['failed', true, 'refund_failed'],
    ]);
    await expectBooksBalanced(t.platform.store);
  });

  it('makes the shop’s merchant as commerce when the admin owns as many merchants as allowed, and again after a failed attempt', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const owner = (await t.platform.identity.findUserByEmail(adminEmail))!.id;
    for (let i = 0; i < maxMerchantsPerUser; i++)
      await createMerchant({ store: t.platform.store, clock: t.clock }, owner, { name: `Store ${i}` });
    // The first attempt's record of the shop's merchant meets a busy store: that checkout is
    // answered 503, and the next one makes the merchant again instead of repeating the failure.
    const isBusy = busyOnce(t.platform.store, (operations) =>
      operations.some((operation) => operation.type === 'put' && operation.item.pk === 'COMMERCE#SHOP'),
    );
    const checkout = await cartCheckout(t, 800);
    const refused = await checkout('saga-mutants-shop-1');
    expect([refused.status, refused.json.error.code]).toEqual([503, 'service_unavailable']);
    expect(isBusy()).toBe(true);
    const started = await checkout('saga-mutants-shop-2');
    expect(started.status).toBe(202);
    expect(await settledOrder(t, started.json.id)).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
    });
    const shop = await readShopMerchant(t.platform.store);
    expect(shop?.ownerId).toBe('commerce');
    expect((await getMerchantRecord(t.platform, shop!.merchantId))?.name).toBe('Sluice Shop');
    const owned = (await t.call('GET', '/v1/merchants?limit=100', { token: admin })).json.data;
    expect(owned.map((merchant: { name: string }) => merchant.name)).not.toContain('Sluice Shop');
    await expectBooksBalanced(t.platform.store);
  });

  it('does not make the shop’s merchant as commerce when making it for the admin failed otherwise: that checkout is answered 503, the next makes it for the admin', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const owner = (await t.platform.identity.findUserByEmail(adminEmail))!.id;
    const isBusy = busyOnce(t.platform.store, (operations) =>
      operations.some(
        (operation) =>
          operation.type === 'put' &&
          operation.item.entity === 'merchant' &&
          operation.item.name === 'Sluice Shop',
      ),
    );
    const checkout = await cartCheckout(t, 900);
    const refused = await checkout('saga-mutants-shop-busy-1');
    expect([refused.status, refused.json.error.code]).toEqual([503, 'service_unavailable']);
    expect(isBusy()).toBe(true);
    const started = await checkout('saga-mutants-shop-busy-2');
    expect(started.status).toBe(202);
    expect(await settledOrder(t, started.json.id)).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
    });
    expect((await readShopMerchant(t.platform.store))?.ownerId).toBe(owner);
    const owned = (await t.call('GET', '/v1/merchants?limit=100', { token: admin })).json.data;
    expect(owned.map((merchant: { name: string }) => merchant.name)).toEqual(['Sluice Shop']);
    await expectBooksBalanced(t.platform.store);
  });

  it('takes the shop’s merchant another process recorded first when its own record loses that race: the checkout pays as that merchant', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    await t.adminToken();
    // Just before this process records the merchant it made, another records its own.
    const { store } = t.platform;
    const transact = store.transact.bind(store);
    let winner: string | undefined;
    store.transact = async (operations) => {
      if (operations.some((operation) => operation.type === 'put' && operation.item.pk === 'COMMERCE#SHOP')) {
        store.transact = transact;
        const other = await createMerchant(t!.platform, 'commerce', { name: 'Sluice Shop' });
        await transact([shopMerchantPut({ merchantId: other.id, ownerId: 'commerce' })]);
        winner = other.id;
      }
      return transact(operations);
    };
    const checkout = await cartCheckout(t, 1000);
    const started = await checkout('saga-mutants-shop-race');
    expect(started.status).toBe(202);
    expect(winner).toBeDefined();
    expect(await settledOrder(t, started.json.id)).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
      shop_merchant: winner,
    });
    expect(await readShopMerchant(store)).toEqual({ merchantId: winner, ownerId: 'commerce' });
    await expectBooksBalanced(t.platform.store);
  });

  it('takes a reservation another run made meanwhile for done: the stock is taken once, the order paid', {
    timeout: 120_000,
  }, async () => {
    // Once Reserve has read the order, another run of it reserves the stock first.
    const racing = await racingItself('Reserve');
    t = racing.platform;
    const { product, order } = await buyAndWait(t, 1400, { type: 'wallet' });
    expect(racing.ran()?.result).toMatchObject({ ok: true });
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order whose product was deleted after the checkout as product_unavailable, even with another line out of stock: nothing reserved, nothing held', {
    timeout: 120_000,
  }, async () => {
    // Once Reserve has read the order, an admin takes one product off the catalog and sets the
    // other's stock to 0: a gone product is named over a short one.
    const changing = await platformRunningOnce('Reserve', async (platform, orderId) => {
      const token = await platform.adminToken();
      const [gone, short] = (await readOrder(platform.platform.store, orderId))!.lines;
      const deleted = await platform.call('DELETE', `/v1/products/${gone!.product_id}`, { token });
      const emptied = await platform.call('PATCH', `/v1/products/${short!.product_id}`, {
        token,
        body: { stock: 0 },
      });
      return [deleted.status, emptied.status];
    });
    t = changing.platform;
    const vase = await t.createProduct({ name: 'Vase', price: 1300, stock: 2 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 400, stock: 1 });
    const buyer = await t.signUp('Buyer');
    for (const product of [vase, bowl]) {
      const added = await t.call('POST', '/v1/cart/items', {
        token: buyer.token,
        body: { product_id: product.id, quantity: 1 },
      });
      expect(added.status).toBe(200);
    }
    const started = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: { 'idempotency-key': 'saga-mutants-gone' },
      body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
    });
    expect(started.status).toBe(202);
    const order = await settledOrder(t, started.json.id);
    expect(changing.ran()).toEqual({ result: [200, 200] });
    expect(order.lines.map((line) => line.product_id)).toEqual([vase.id, bowl.id]);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'product_unavailable',
      reservation: 'none',
      payment_status: 'none',
    });
    expect(await t.platform.store.get(productKey(vase.id))).toMatchObject({ stock: 2 });
    expect(await t.platform.store.get(productKey(bowl.id))).toMatchObject({ stock: 0 });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses a task input without an order id, and an order that does not exist', async () => {
    t = await commerceTestPlatform();
    const tasks = checkoutTasks(sagaDeps(t));
    expect(() => tasks.Reserve(undefined)).toThrow(/^the task input names no order_id$/);
    expect(() => tasks.Reserve({ order_id: 7 })).toThrow(/^the task input names no order_id$/);
    await expect(tasks.Notify({ order_id: 'ord_missing' })).rejects.toThrow(/^no order ord_missing$/);
  });

  it('fails a wallet order in a currency the buyer has no wallet in as insufficient_funds', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const { buyer, order } = await buyAndWait(t, 700, { type: 'wallet' }, 'EUR');
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'insufficient_funds',
      payment_status: 'declined',
      placed: false,
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('tells the shop each step of a card order that pays', { timeout: 120_000 }, async () => {
    t = await commerceTestPlatform();
    const { order } = await buyAndWait(t, 2500, card);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured' });
    const events = await t.call('GET', '/v1/events?type=order.updated&limit=100', await asShop(t));
    const steps = events.json.data
      .filter((event: { data: { order: { id: string } } }) => event.data.order.id === order.id)
      .map((event: { data: { step: string } }) => event.data.step)
      .sort();
    expect(steps).toEqual(['authorized', 'captured', 'placed', 'reserved']);
    await expectBooksBalanced(t.platform.store);
  });

  it('voids or refunds each of two failed wallet orders with its own transfer', {
    timeout: 120_000,
  }, async () => {
    let failing: 'Capture' | 'Notify' = 'Capture';
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === failing } });
    const orders = [];
    for (const step of ['Capture', 'Capture', 'Notify', 'Notify'] as const) {
      failing = step;
      orders.push(await buyAndWait(t, 1500, { type: 'wallet' }));
    }
    expect(orders.map(({ order }) => [order.status, order.needs_attention, order.payment_status])).toEqual([
      ['failed', false, 'voided'],
      ['failed', false, 'voided'],
      ['failed', false, 'refunded'],
      ['failed', false, 'refunded'],
    ]);
    for (const { buyer } of orders)
      expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    const shop = await getAccount(t.platform, shopAccountId('USD'));
    expect(shop && balanceOf(shop)).toMatchObject({ available: 0, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });
});

describe('checkout saga lost races and refused writes (mutation cases)', () => {
  it('places an order whose placing the store was too busy for on the retry: placed, then paid', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isBusy = busyOnce(t.platform.store, setsOrder({ placed: true }));
    const { buyer, order } = await buyAndWait(t, 1700, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured', placed: true });
    expect(await stepsOf(t, order.id, 'order.updated')).toContain('placed');
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 1700, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order the store refuses to place on every attempt as order_creation_failed: the hold voided, the stock back', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isBusy = busyOnce(t.platform.store, setsOrder({ placed: true }), {
      times: attemptsOf('CreateOrder'),
    });
    const { product, buyer, order } = await buyAndWait(t, 1800, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'order_creation_failed',
      placed: false,
      payment_status: 'voided',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('completes an order whose completion the store was too busy for on the retry: paid, not refunded', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isBusy = busyOnce(t.platform.store, setsOrder({ status: 'paid' }));
    const { buyer, order } = await buyAndWait(t, 1900, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured', notified: true });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 1900, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('does not complete an order a compensation took between Notify’s read and its write: the capture is refunded, the stock back', {
    timeout: 120_000,
  }, async () => {
    // Once Notify has read the order, a compensation starts (its reservation ran out, say)
    // and its refund fails for now: the order is compensating, the money still captured.
    const taking = await platformRunningOnce('Notify', compensationWhoseRefundFails);
    t = taking.platform;
    const { product, buyer, order } = await buyAndWait(t, 2200, { type: 'wallet' });
    expect(taking.ran()).toBeDefined();
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      payment_status: 'refunded',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('carries on a compensation another run began between its read and its write: the hold is voided, the first reason kept', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === 'Capture' } });
    // The Refund after the failed capture has read the order; before it marks it compensating,
    // another run of the compensation (its reservation ran out, say) marks it and releases the stock.
    const isRaced = raceOnce(t.platform.store, beginsCompensation, (orderId) =>
      checkoutTasks(sagaDeps(t!)).Release({ order_id: orderId, reason: 'reservation_expired' }),
    );
    const { product, buyer, order } = await buyAndWait(t, 2400, { type: 'wallet' });
    expect(isRaced()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      needs_attention: false,
      payment_status: 'voided',
    });
    expect(
      (await stepsOf(t, order.id, 'order.updated')).filter((step) => step === 'compensating'),
    ).toHaveLength(1);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('dead-letters an order whose compensation the store refuses to begin on every attempt; the queue’s retry voids the hold', {
    timeout: 120_000,
  }, async () => {
    const logger = capturingLogger();
    t = await commerceTestPlatform({ logger, hooks: { failTask: (task) => task === 'Capture' } });
    const isBusy = busyOnce(t.platform.store, beginsCompensation, { times: attemptsOf('Refund') });
    const { product, buyer, order } = await buyAndWait(t, 2600, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'capture_failed',
      needs_attention: true,
      payment_status: 'authorized',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 2600, pending: 2600 });
    expect(logger.lines).toContainEqual([
      'checkout compensation dead-lettered',
      { order: order.id, error: 'AppError: the store is busy' },
    ]);
    expect(await deadLetterOf(t, order.id)).toMatchObject({ status: 'open', resolved_at: null });
    await expectBooksBalanced(t.platform.store);

    await t.platform.queue.drain();
    expect(await readOrder(t.platform.store, order.id)).toMatchObject({
      status: 'failed',
      needs_attention: false,
      payment_status: 'voided',
      reservation: 'released',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    const resolved = await deadLetterOf(t, order.id);
    expect(resolved).toMatchObject({ status: 'resolved', resolved_at: isoTime(t.clock.now()) });

    // The message delivered again (at least once) finds nothing left to do: no second compensated event.
    t.clock.advance(60_000);
    await retryCompensation(sagaDeps(t), order.id);
    expect(await deadLetterOf(t, order.id)).toEqual(resolved);
    expect(
      (await stepsOf(t, order.id, 'order.updated')).filter((step) => step === 'compensated'),
    ).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('puts a reservation back once when two releases race: the stock is back by the order, one released event', {
    timeout: 120_000,
  }, async () => {
    // Once Release has read the order, another run of it puts the stock back first.
    const racing = await racingItself('Release', { failTask: (task) => task === 'Capture' });
    t = racing.platform;
    const { product, buyer, order } = await buyAndWait(t, 2800, { type: 'wallet' });
    expect(racing.ran()).toEqual({ result: { reservation: 'released' } });
    expect(order).toMatchObject({ status: 'failed', reservation: 'released', payment_status: 'voided' });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    expect((await stepsOf(t, order.id, 'order.updated')).filter((step) => step === 'released')).toHaveLength(
      1,
    );
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('puts back a reservation whose release the store was too busy for on the retry', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === 'Capture' } });
    const isBusy = busyOnce(t.platform.store, setsOrder({ reservation: 'released' }));
    const { product, buyer, order } = await buyAndWait(t, 3000, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({ status: 'failed', reservation: 'released', needs_attention: false });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order once when two MarkFailed runs race: one order.failed event', {
    timeout: 120_000,
  }, async () => {
    // Once MarkFailed has read the order, another run of it fails the order first.
    const racing = await racingItself('MarkFailed', { failTask: (task) => task === 'Capture' });
    t = racing.platform;
    const { buyer, order } = await buyAndWait(t, 3200, { type: 'wallet' });
    expect(racing.ran()).toEqual({ result: { status: 'failed' } });
    expect(order).toMatchObject({ status: 'failed', failure_reason: 'capture_failed' });
    expect(await stepsOf(t, order.id, 'order.failed')).toHaveLength(1);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order whose failing the store was too busy for on the retry', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === 'Capture' } });
    const isBusy = busyOnce(t.platform.store, setsOrder({ status: 'failed' }));
    const { buyer, order } = await buyAndWait(t, 3400, { type: 'wallet' });
    expect(isBusy()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'capture_failed',
      payment_status: 'voided',
    });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });

  it('leaves a finished order alone when a step runs on it again: nothing undone, no second email', {
    timeout: 120_000,
  }, async () => {
    let isCaptureBroken = true;
    t = await commerceTestPlatform({ hooks: { failTask: (task) => task === 'Capture' && isCaptureBroken } });
    const tasks = checkoutTasks(sagaDeps(t));
    const { buyer, order: failed } = await buyAndWait(t, 3600, { type: 'wallet' });
    expect(failed).toMatchObject({ status: 'failed', payment_status: 'voided' });
    // A failed order: a forward step aborts, also one it had done (Reserve: the stock was
    // reserved, and put back since); MarkFailed answers from the order, the buyer told once.
    for (const step of ['Reserve', 'CreateOrder', 'Capture'] as const)
      await expect(tasks[step]({ order_id: failed.id })).rejects.toThrow(
        `order ${failed.id} is compensating`,
      );
    expect(await tasks.MarkFailed({ order_id: failed.id })).toEqual({ status: 'failed' });
    expect(await t.shopMail(buyer.email)).toEqual([
      `Your Sluice Shop order ${failed.id} could not be completed`,
    ]);

    // A paid order: the forward steps answer done, the compensation's steps skip it.
    isCaptureBroken = false;
    const { product, buyer: payer, order: paid } = await buyAndWait(t, 3700, { type: 'wallet' });
    expect(paid).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect(await tasks.CreateOrder({ order_id: paid.id })).toEqual({ placed: true });
    expect(await tasks.Notify({ order_id: paid.id })).toEqual({ notified: true });
    for (const step of ['Refund', 'Release', 'MarkFailed'] as const)
      expect(await tasks[step]({ order_id: paid.id, reason: 'checkout_failed' })).toEqual({ skipped: true });
    expect(await readOrder(t.platform.store, paid.id)).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
      reservation: 'reserved',
      compensating: false,
    });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(1);
    expect(await t.shopMail(payer.email)).toEqual([`Your Sluice Shop order ${paid.id} is confirmed`]);
    expect(await t.wallet(payer.id)).toEqual({ available: signupBonus - 3700, pending: 0 });

    // Shipped since: the forward steps still answer done (Notify does not take it for one given up).
    const shipped = await t.call('POST', `/v1/admin/orders/${paid.id}/ship`, { token: await t.adminToken() });
    expect(shipped.json.status).toBe('shipped');
    expect(await tasks.CreateOrder({ order_id: paid.id })).toEqual({ placed: true });
    expect(await tasks.Notify({ order_id: paid.id })).toEqual({ notified: true });
    expect(await readOrder(t.platform.store, paid.id)).toMatchObject({
      status: 'shipped',
      compensating: false,
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('does not place an order a compensation took between CreateOrder’s read and its write: no placed step, the hold voided', {
    timeout: 120_000,
  }, async () => {
    // Once CreateOrder has read the order, a compensation (its reservation ran out, say)
    // marks it and puts the stock back.
    const taking = await platformRunningOnce('CreateOrder', (platform, orderId) =>
      checkoutTasks(sagaDeps(platform)).Release({ order_id: orderId, reason: 'reservation_expired' }),
    );
    t = taking.platform;
    const { product, buyer, order } = await buyAndWait(t, 2000, { type: 'wallet' });
    expect(taking.ran()?.result).toEqual({ reservation: 'released' });
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'reservation_expired',
      placed: false,
      payment_status: 'voided',
    });
    expect(await stepsOf(t, order.id, 'order.updated')).not.toContain('placed');
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    await expectBooksBalanced(t.platform.store);
  });

  it('keeps a declined order’s decline code when a compensation given none (an Authorize that failed) begins it first', {
    timeout: 120_000,
  }, async () => {
    t = await commerceTestPlatform();
    const isRaced = raceOnce(t.platform.store, beginsCompensation, (orderId) =>
      checkoutTasks(sagaDeps(t!)).Refund({ order_id: orderId, reason: 'authorization_failed' }),
    );
    const declinedCard = { type: 'card', card: { ...card.card, number: '4000000000000002' } };
    const { order } = await buyAndWait(t, 2100, declinedCard);
    expect(isRaced()).toBe(true);
    expect(order).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_declined',
      decline_code: 'generic_decline',
      payment_status: 'declined',
    });
    await expectBooksBalanced(t.platform.store);
  });
});

/** What the saga's tasks are given, from the platform (as the commerce module builds it). */
function sagaDeps(platform: CommerceTestPlatform): SagaDeps {
  return {
    store: platform.platform.store,
    clock: platform.clock,
    logger: silentLogger,
    notifier: platform.platform.notifier,
    queue: platform.platform.queue,
    hooks: {},
    shopOwner: async () => undefined,
  };
}

/**
 * Makes the store answer the first transaction that `matches` (the first `times` ones) with what
 * DynamoDB's store throws when one is still refused after its retries (`service_unavailable`);
 * with `landed`, the transaction is written first, as when the answer of a write that went
 * through is lost. Returns whether that has happened (as many times as asked).
 */
function busyOnce(
  store: Store,
  matches: (operations: WriteOperation[]) => boolean,
  { landed = false, times = 1 } = {},
): () => boolean {
  let refused = 0;
  const transact = store.transact.bind(store);
  store.transact = async (operations) => {
    if (!matches(operations)) return transact(operations);
    refused += 1;
    if (refused === times) store.transact = transact;
    if (landed) await transact(operations);
    throw new AppError('service_unavailable', 'the store is busy');
  };
  return () => refused === times;
}

/** A buyer with one product (stock 2) in the cart; returns a card checkout of it by Idempotency-Key. */
async function cartCheckout(platform: CommerceTestPlatform, price: number) {
  const product = await platform.createProduct({ name: 'Vase', price, stock: 2 });
  const buyer = await platform.signUp('Buyer');
  const added = await platform.call('POST', '/v1/cart/items', {
    token: buyer.token,
    body: { product_id: product.id, quantity: 1 },
  });
  expect(added.status).toBe(200);
  return (key: string) =>
    platform.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: { 'idempotency-key': key },
      body: { shipping_address: shippingAddress, payment_method: card },
    });
}

/** The shop's email to `email` about the order: its subject and text. */
async function mailTo(platform: CommerceTestPlatform, email: string, orderId: string) {
  const { items } = await platform.platform.notifier.list(email, { limit: 100 });
  const found = items.find((item) => item.channel === 'email' && item.subject.includes(orderId));
  return found?.channel === 'email' ? { subject: found.subject, text: found.text } : undefined;
}

/** Matches a transaction that sets an order's payment status to `status`. */
function setsPayment(status: string) {
  return (operations: WriteOperation[]) =>
    operations.some((operation) => operation.type === 'update' && operation.set?.payment_status === status);
}

/** Request options of the admin acting as the shop's merchant (which the admin owns). */
async function asShop(platform: CommerceTestPlatform) {
  await platform.adminToken(); // signed up once; a fresh token in case the clock moved past it
  const token = await platform.logIn(adminEmail);
  const merchants = (await platform.call('GET', '/v1/merchants', { token })).json.data;
  const shop = merchants.find((merchant: { name: string }) => merchant.name === 'Sluice Shop');
  return { token, headers: { 'sluice-merchant': shop.id } };
}

/** How many times the checkout workflow runs a Task before its Catch (`checkout.asl.json`'s Retry). */
function attemptsOf(state: SagaState): number {
  const definition = JSON.parse(
    readFileSync(new URL('../server/src/workflows/checkout.asl.json', import.meta.url), 'utf8'),
  );
  return 1 + definition.States[state].Retry[0].MaxAttempts;
}

/** The saga's deps with `state`'s task failing (an injected fault) each time it runs. */
function failing(deps: SagaDeps, state: SagaState): SagaDeps {
  return { ...deps, hooks: { failTask: (step: SagaState) => step === state } };
}

/**
 * A competing run for `platformRunningOnce`: a compensation starts on the order (its reservation
 * ran out, say) and its refund fails for now, leaving the order compensating with its money
 * where it was.
 */
const compensationWhoseRefundFails = (platform: CommerceTestPlatform, orderId: string) =>
  expect(
    checkoutTasks(failing(sagaDeps(platform), 'Refund')).Refund({
      order_id: orderId,
      reason: 'reservation_expired',
    }),
  ).rejects.toThrow('injected fault in Refund');

/**
 * A commerce platform that runs `first` (given the order's id) once, when `task` first begins its
 * work (it has read the order), as another run or a compensation writing between that step's read
 * and its write would; `hooks` as in `CommerceHooks`. `ran()` holds what `first` returned,
 * undefined until it has run.
 */
async function platformRunningOnce(
  task: SagaState,
  first: (platform: CommerceTestPlatform, orderId: string) => Promise<unknown>,
  hooks: Omit<CommerceHooks, 'beforeTask'> = {},
): Promise<{ platform: CommerceTestPlatform; ran: () => { result: unknown } | undefined }> {
  let ran: { result: unknown } | undefined;
  const platform: CommerceTestPlatform = await commerceTestPlatform({
    hooks: {
      ...hooks,
      beforeTask: async (state, orderId) => {
        if (state !== task || ran) return;
        ran = { result: undefined };
        ran.result = await first(platform, orderId);
      },
    },
  });
  return { platform, ran: () => ran };
}

/** `platformRunningOnce` where the competing run is another run of the same task. */
function racingItself(
  task: 'Reserve' | 'Release' | 'MarkFailed',
  hooks: Omit<CommerceHooks, 'beforeTask'> = {},
) {
  return platformRunningOnce(
    task,
    (platform, orderId) => checkoutTasks(sagaDeps(platform))[task]({ order_id: orderId }),
    hooks,
  );
}

/**
 * Runs `first` (given the order's id) just before the first transaction that `matches` goes to the
 * store, as when another run of a step writes between this one's read and its write; then lets the
 * transaction through. Returns whether that has happened.
 */
function raceOnce(
  store: Store,
  matches: (operations: WriteOperation[]) => boolean,
  first: (orderId: string) => Promise<unknown>,
): () => boolean {
  let hasHappened = false;
  const transact = store.transact.bind(store);
  store.transact = async (operations) => {
    if (!matches(operations)) return transact(operations);
    store.transact = transact;
    hasHappened = true;
    const [orderPk] = operations.flatMap((operation) =>
      operation.type === 'update' && isOrderKey(operation.key) ? [operation.key.pk] : [],
    );
    await first(orderPk!.slice('ORDER#'.length));
    return transact(operations);
  };
  return () => hasHappened;
}

const isOrderKey = (key: { pk: string }) => key.pk.startsWith('ORDER#');

/** Matches a transaction that sets each of `changes` on an order. */
function setsOrder(changes: Record<string, unknown>) {
  return (operations: WriteOperation[]) =>
    operations.some(
      (operation) =>
        operation.type === 'update' &&
        isOrderKey(operation.key) &&
        Object.entries(changes).every(([name, value]) => operation.set?.[name] === value),
    );
}

/** Matches the transaction that begins an order's compensation (not DeadLetter's, which also fails it). */
function beginsCompensation(operations: WriteOperation[]) {
  return setsOrder({ compensating: true, status: undefined })(operations);
}

/** The steps (or, for other types, one entry each) of the shop's `type` events about the order. */
async function stepsOf(platform: CommerceTestPlatform, orderId: string, type: string): Promise<string[]> {
  const events = await platform.call('GET', `/v1/events?type=${type}&limit=100`, await asShop(platform));
  expect(events.status).toBe(200);
  return events.json.data
    .filter((event: { data: { order: { id: string } } }) => event.data.order.id === orderId)
    .map((event: { data: { step?: string } }) => event.data.step ?? type);
}

/** The admins' dead-letter entry of the order, if it has one. */
async function deadLetterOf(platform: CommerceTestPlatform, orderId: string) {
  const entries = await platform.call('GET', '/v1/admin/commerce/dead-letters', {
    token: await platform.adminToken(),
  });
  return entries.json.data.find((entry: { order_id: string }) => entry.order_id === orderId);
}
