import { afterEach, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { cartLinePut } from '../server/src/commerce/store.ts';
import { maxAmount } from '../server/src/kernel/money.ts';
import { interleave } from '../server/src/payments/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { expectBooksBalanced } from './invariants.ts';

// A cart under concurrent changes, and totals no payment can take. Found by a probe on
// 2026-12-06: two adds racing put a USD and a EUR product in one cart, charged as USD; a cart
// total above 2^53 was checked out and then broke every order list and the recovery job; a
// finished checkout emptied lines the buyer had added to since.

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  if (t) await expectBooksBalanced(t.platform.store);
  await t?.close();
  t = undefined;
});

let keys = 0;
const idempotencyKey = () => ({ 'idempotency-key': `cart-race-${++keys}-${Math.random()}` });
/** A wallet checkout of the buyer's cart, with a fresh Idempotency-Key. */
const checkout = (token: string) =>
  t!.call('POST', '/v1/checkout', {
    token,
    headers: idempotencyKey(),
    body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
  });

describe('the cart under concurrent changes', () => {
  it('keeps one currency when adds of products in two currencies race', async () => {
    t = await commerceTestPlatform();
    const dollars = await t.createProduct({ name: 'Mug', price: 1000, stock: 5 });
    const euros = await t.createProduct({ name: 'Tasse', price: 700, currency: 'EUR', stock: 5 });
    const buyer = await t.signUp('Ann');
    const add = (product: string) =>
      t!.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: product, quantity: 1 } });
    // The euro add runs whole after the dollar add has checked the (empty) cart, before it writes.
    let competing: Awaited<ReturnType<typeof add>> | undefined;
    const raced = interleave(
      t.platform,
      (operations: WriteOperation[]) =>
        operations.some((o) => o.type === 'put' && o.item.product_id === dollars.id),
      async () => {
        competing = await add(euros.id);
      },
    );
    const first = await add(dollars.id);
    expect(raced.count).toBe(1);
    expect(competing!.status, JSON.stringify(competing!.json)).toBe(200);
    expect(first.status, JSON.stringify(first.json)).toBe(422);
    expect(first.json.error).toMatchObject({ code: 'currency_mismatch', param: 'product_id' });
    const cart = (await t.call('GET', '/v1/cart', { token: buyer.token })).json;
    expect(cart.lines.map((l: { product_id: string }) => l.product_id)).toEqual([euros.id]);
    expect(cart).toMatchObject({ currency: 'EUR', total: 700 });
  });

  it('refuses to check out a cart that mixes currencies, and changes nothing', async () => {
    t = await commerceTestPlatform();
    const dollars = await t.createProduct({ name: 'Mug', price: 1000, stock: 5 });
    const euros = await t.createProduct({ name: 'Tasse', price: 700, currency: 'EUR', stock: 5 });
    const buyer = await t.signUp('Ann');
    // A cart as concurrent adds could leave one before they were serialized.
    const line = (product_id: string, price: number) =>
      cartLinePut(buyer.id, {
        product_id,
        quantity: 1,
        price_when_added: price,
        added_at: new Date().toISOString(),
      });
    await t.platform.store.transact([line(dollars.id, 1000), line(euros.id, 700)]);
    const started = await checkout(buyer.token);
    expect(started.status, JSON.stringify(started.json)).toBe(422);
    expect(started.json.error).toMatchObject({ code: 'currency_mismatch', param: 'cart' });
    expect((await t.call('GET', '/v1/orders', { token: buyer.token })).json.data).toEqual([]);
    expect((await t.call('GET', `/v1/products/${dollars.id}`)).json.stock).toBe(5);
  });

  it('refuses a cart total above what one payment can take, when adding and when checking out', async () => {
    t = await commerceTestPlatform();
    const dear = await t.createProduct({ name: 'Island', price: maxAmount, stock: 100 });
    const cheap = await t.createProduct({ name: 'Pin', price: 1, stock: 100 });
    const buyer = await t.signUp('Ann');
    const add = (product_id: string, quantity: number) =>
      t!.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id, quantity } });
    expect((await add(dear.id, 1)).status).toBe(200);
    for (const [product, quantity] of [
      [dear.id, 90],
      [cheap.id, 1],
    ] as const) {
      const refused = await add(product, quantity);
      expect(refused.status, JSON.stringify(refused.json)).toBe(400);
      expect(refused.json.error).toMatchObject({ code: 'invalid_request', param: 'quantity' });
    }
    const setTooMany = await t.call('PATCH', `/v1/cart/items/${dear.id}`, {
      token: buyer.token,
      body: { quantity: 2 },
    });
    expect(setTooMany.status, JSON.stringify(setTooMany.json)).toBe(400);
    expect((await t.call('GET', '/v1/cart', { token: buyer.token })).json).toMatchObject({
      total: maxAmount,
      item_count: 1,
    });
    // A line written before the limit (or whose price rose since) is refused at checkout.
    await t.platform.store.transact([
      cartLinePut(buyer.id, {
        product_id: cheap.id,
        quantity: 1,
        price_when_added: 1,
        added_at: new Date().toISOString(),
      }),
    ]);
    const started = await checkout(buyer.token);
    expect(started.status, JSON.stringify(started.json)).toBe(400);
    expect(started.json.error).toMatchObject({ code: 'invalid_request', param: 'cart' });
    expect((await t.call('GET', '/v1/orders', { token: buyer.token })).json.data).toEqual([]);
  });

  it('keeps an add that read the cart before a paid order took its units out', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1000, stock: 10 });
    const buyer = await t.signUp('Ann');
    const add = (quantity: number) =>
      t!.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity } });
    expect((await add(1)).status).toBe(200);
    // Four more are added; the add has read the cart (one mug) when the order of that mug is
    // placed and paid, before the add writes.
    const raced = interleave(
      t.platform,
      (operations: WriteOperation[]) => operations.some((o) => o.type === 'update' && o.key.sk === 'ADDS'),
      async () => {
        const started = await checkout(buyer.token);
        expect(await t!.waitForOrder(buyer.token, started.json.id)).toMatchObject({
          status: 'paid',
          total: 1000,
        });
      },
    );
    expect((await add(4)).status).toBe(200);
    expect(raced.count).toBe(1);
    const cart = (await t.call('GET', '/v1/cart', { token: buyer.token })).json;
    expect(cart.lines).toMatchObject([{ product_id: mug.id, quantity: 4 }]);
  });

  it('takes out of the cart what the order bought, and keeps what was added since', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1000, stock: 10 });
    const buyer = await t.signUp('Ann');
    const add = (quantity: number) =>
      t!.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity } });
    expect((await add(1)).status).toBe(200);
    // Four more are added while the order is being completed, after its step read the cart.
    const raced = interleave(
      t.platform,
      (operations: WriteOperation[]) =>
        operations.some((o) => o.type === 'update' && o.set?.status === 'paid'),
      async () => expect((await add(4)).status).toBe(200),
    );
    const started = await checkout(buyer.token);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(await t.waitForOrder(buyer.token, started.json.id)).toMatchObject({ status: 'paid', total: 1000 });
    expect(raced.count).toBe(1);
    const cart = (await t.call('GET', '/v1/cart', { token: buyer.token })).json;
    expect(cart.lines).toMatchObject([{ product_id: mug.id, quantity: 4 }]);
  });
});
