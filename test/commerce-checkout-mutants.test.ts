import { afterEach, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * The refusals of a checkout (`commerce/checkout.ts` `startCheckout`) as issue 23's mutation run
 * found them unpinned: what each says, the param at fault and the details it carries, and that
 * none of them makes an order or touches stock.
 */

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let keys = 0;
const key = () => ({
  'idempotency-key': `checkout-mutants-${++keys}-${Math.random().toString(36).slice(2)}`,
});
const wallet = { shipping_address: shippingAddress, payment_method: { type: 'wallet' } };

async function checkout(token: string, body: unknown, headers: Record<string, string> = key()) {
  return t!.call('POST', '/v1/checkout', { token, headers, body });
}

async function expectNoOrder(token: string) {
  expect((await t!.call('GET', '/v1/orders', { token })).json.data).toEqual([]);
}

describe('checkout refusals (mutation cases)', () => {
  it('refuses an empty cart and a checkout without an Idempotency-Key, saying why', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const buyer = await t.signUp('Ann');
    const empty = await checkout(buyer.token, wallet);
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: 'cart_empty', message: 'Your cart is empty.' });
    await t.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity: 1 } });
    const noKey = await checkout(buyer.token, wallet, {});
    expect(noKey.status).toBe(400);
    expect(noKey.json.error).toMatchObject({
      code: 'invalid_request',
      message: 'A checkout needs an Idempotency-Key header.',
      param: 'Idempotency-Key',
    });
    await expectNoOrder(buyer.token);
  });

  it('refuses a cart whose prices changed or whose product is gone with cart_changed, the total and the lines', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const buyer = await t.signUp('Ann');
    for (const product of [mug, bowl])
      await t.call('POST', '/v1/cart/items', {
        token: buyer.token,
        body: { product_id: product.id, quantity: 1 },
      });

    // Unchanged prices, but a total the buyer did not see: refused with the total.
    const wrongTotal = await checkout(buyer.token, { ...wallet, expected_total: 1999 });
    expect(wrongTotal.status).toBe(409);
    expect(wrongTotal.json.error).toMatchObject({
      code: 'cart_changed',
      message: 'Prices changed since your cart was shown: the total is now 2000.',
      param: 'expected_total',
      total: 2000,
      lines: [],
    });

    await t.call('PATCH', `/v1/products/${mug.id}`, { token: admin, body: { price: 1500 } });
    const changed = await checkout(buyer.token, wallet);
    expect(changed.status).toBe(409);
    expect(changed.json.error).toMatchObject({
      code: 'cart_changed',
      message: 'Prices changed since your cart was shown: the total is now 2300.',
      param: 'expected_total',
      total: 2300,
      lines: [{ product_id: mug.id, status: 'price_changed', unit_price: 1500 }],
    });
    expect(changed.json.error.lines).toHaveLength(1);

    await t.call('DELETE', `/v1/products/${bowl.id}`, { token: admin });
    const gone = await checkout(buyer.token, { ...wallet, expected_total: 1500 });
    expect(gone.status).toBe(409);
    expect(gone.json.error).toMatchObject({
      code: 'cart_changed',
      message: 'A product in your cart is no longer sold; remove it first.',
      param: 'cart',
    });
    expect(
      gone.json.error.lines.map((line: { product_id: string; status: string }) => [
        line.product_id,
        line.status,
      ]),
    ).toEqual([
      [mug.id, 'price_changed'],
      [bowl.id, 'unavailable'],
    ]);
    await expectNoOrder(buyer.token);
    expect((await t.call('GET', `/v1/products/${mug.id}`)).json.stock).toBe(3);

    // The new total confirmed, without the gone product: accepted.
    await t.call('DELETE', `/v1/cart/items/${bowl.id}`, { token: buyer.token });
    const accepted = await checkout(buyer.token, { ...wallet, expected_total: 1500 });
    expect(accepted.status).toBe(202);
    expect((await t.waitForOrder(buyer.token, accepted.json.id)).status).toBe('paid');
    await expectBooksBalanced(t.platform.store);
  });

  it('keeps coins for coin-priced carts and the wallet or a card for the rest, naming payment_method', async () => {
    t = await commerceTestPlatform();
    const sticker = await t.createProduct({ name: 'Sticker', price: 30, currency: 'COIN', stock: 5 });
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const coinBuyer = await t.signUp('Ann');
    await t.call('POST', '/v1/cart/items', {
      token: coinBuyer.token,
      body: { product_id: sticker.id, quantity: 1 },
    });
    const byWallet = await checkout(coinBuyer.token, wallet);
    expect(byWallet.status).toBe(400);
    expect(byWallet.json.error).toMatchObject({
      code: 'invalid_request',
      message: 'Reward items are paid with coins: use payment_method {type: "coins"}.',
      param: 'payment_method',
    });
    const usdBuyer = await t.signUp('Bob');
    await t.call('POST', '/v1/cart/items', {
      token: usdBuyer.token,
      body: { product_id: mug.id, quantity: 1 },
    });
    const byCoins = await checkout(usdBuyer.token, { ...wallet, payment_method: { type: 'coins' } });
    expect(byCoins.status).toBe(400);
    expect(byCoins.json.error).toMatchObject({
      code: 'invalid_request',
      message: 'This cart is priced in USD: pay with the wallet or a card.',
      param: 'payment_method',
    });
    for (const buyer of [coinBuyer, usdBuyer]) await expectNoOrder(buyer.token);
  });
});
