import { afterEach, describe, expect, it } from 'vitest';
import { balanceOf, getAccount, listHistory } from '../server/src/ledger/index.ts';
import { shopAccountId } from '../server/src/commerce/saga.ts';
import {
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * The money steps of the checkout saga (`commerce/saga.ts`: capture, and the refund or void of a
 * failed checkout) in the cases issue 23's mutation run found unpinned: what the refund of a
 * wallet order books, and the void of a card authorization that lapsed while the void kept failing.
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

async function buyAndWait(platform: CommerceTestPlatform, price: number, payment: unknown) {
  const product = await platform.createProduct({ name: 'Vase', price, stock: 2 });
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
  return { product, buyer, order: await platform.waitForOrder(buyer.token, started.json.id) };
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
    await expectBooksBalanced(t.platform.store);
  });
});
