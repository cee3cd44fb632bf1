import { afterEach, describe, expect, it } from 'vitest';
import { maxCartLines, maxLineQuantity } from '../server/src/commerce/model.ts';
import { commerceTestPlatform, type CommerceTestPlatform } from '../server/src/commerce/test-support.ts';

/**
 * `commerce/cart.ts` in the cases issue 23's mutation run found unpinned: each line as the buyer
 * sees it (current price and stock, what changed since it was added), the totals over the lines
 * still for sale, and the refusals of a change to the cart (what each says, its param and
 * details, and that it changes nothing).
 */

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function buyer(platform: CommerceTestPlatform) {
  const user = await platform.signUp('Ann');
  const as = (method: string, path: string, body?: unknown) =>
    platform.call(method, path, { token: user.token, ...(body === undefined ? {} : { body }) });
  return {
    add: (productId: string, quantity: number) =>
      as('POST', '/v1/cart/items', { product_id: productId, quantity }),
    set: (productId: string, quantity: number) => as('PATCH', `/v1/cart/items/${productId}`, { quantity }),
    remove: (productId: string) => as('DELETE', `/v1/cart/items/${productId}`),
    clear: () => as('DELETE', '/v1/cart'),
    cart: async () => (await as('GET', '/v1/cart')).json,
  };
}

/** A cart line as `getCart` shows an unchanged product that is in stock. */
function okLine(product: { id: string; name: string; price: number; stock: number }, quantity: number) {
  return {
    product_id: product.id,
    name: product.name,
    quantity,
    unit_price: product.price,
    price_when_added: product.price,
    currency: 'USD',
    line_total: product.price * quantity,
    stock: product.stock,
    image_url: null,
    status: 'ok',
  };
}

describe('the cart as shown (mutation cases)', () => {
  it('shows each line at its current price and stock, and totals only the lines still for sale', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const plate = await t.createProduct({ name: 'Plate', price: 500, stock: 2 });
    const ann = await buyer(t);
    expect(await ann.cart()).toEqual({
      object: 'cart',
      lines: [],
      currency: null,
      total: 0,
      item_count: 0,
      has_changes: false,
    });
    await ann.add(mug.id, 2);
    await ann.add(bowl.id, 3);
    await ann.add(plate.id, 1);
    expect(await ann.cart()).toEqual({
      object: 'cart',
      lines: [okLine(mug, 2), okLine(bowl, 3), okLine(plate, 1)],
      currency: 'USD',
      total: 2 * 1200 + 3 * 800 + 500,
      item_count: 6,
      has_changes: false,
    });

    // A new price, a shortage and a deleted product: each shown on its line, none applied silently.
    const patch = (id: string, body: unknown) =>
      t!.call('PATCH', `/v1/products/${id}`, { token: admin, body });
    await patch(mug.id, { price: 1500 });
    await patch(bowl.id, { stock: 2 });
    await t.call('DELETE', `/v1/products/${plate.id}`, { token: admin });
    expect(await ann.cart()).toEqual({
      object: 'cart',
      lines: [
        { ...okLine(mug, 2), unit_price: 1500, line_total: 3000, status: 'price_changed' },
        { ...okLine(bowl, 3), stock: 2, status: 'insufficient_stock' },
        { ...okLine(plate, 1), line_total: 0, stock: 0, status: 'unavailable' },
      ],
      currency: 'USD',
      total: 3000 + 2400,
      item_count: 5,
      has_changes: true,
    });
  });

  it("takes the cart's currency from the first line still for sale, and shows a line's image", async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const croissant = await t.createProduct({ name: 'Croissant', price: 300, stock: 9, currency: 'EUR' });
    const vase = await t.createProduct({ name: 'Vase', price: 3000, stock: 1 });
    const ann = await buyer(t);
    await ann.add(croissant.id, 1);
    await t.call('DELETE', `/v1/products/${croissant.id}`, { token: admin });
    // A deleted product in another currency does not keep the cart in that currency.
    expect((await ann.add(vase.id, 1)).status).toBe(200);
    const upload = await t.call('POST', `/v1/products/${vase.id}/image-upload`, {
      token: admin,
      body: { content_type: 'image/png' },
    });
    await t.platform.app.request(upload.json.upload_url, {
      method: 'PUT',
      headers: upload.json.upload_headers,
      body: new Uint8Array([137, 80, 78, 71]),
    });
    const imageUrl = (await t.call('GET', `/v1/products/${vase.id}`)).json.image_url;
    expect(imageUrl).toMatch(/^http:\/\/localhost:3000\/blobs\/products\//);

    const cart = await ann.cart();
    expect(cart).toMatchObject({ currency: 'USD', total: 3000, item_count: 1, has_changes: true });
    expect(cart.lines).toEqual([
      expect.objectContaining({ product_id: croissant.id, currency: 'EUR', status: 'unavailable' }),
      { ...okLine(vase, 1), image_url: imageUrl },
    ]);
  });
});

describe('changes to the cart (mutation cases)', () => {
  it('adds to a line at the current price, up to the stock on hand, saying how many are left', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const gone = await t.createProduct({ name: 'Lamp', price: 4000, stock: 0 });
    const ann = await buyer(t);
    expect((await ann.add(mug.id, 1)).status).toBe(200);
    await t.call('PATCH', `/v1/products/${mug.id}`, { token: admin, body: { price: 1500 } });
    expect((await ann.cart()).lines[0]).toMatchObject({ status: 'price_changed', price_when_added: 1200 });
    // Adding again sums the quantities and takes the current price: the buyer has seen it now.
    const added = await ann.add(mug.id, 2);
    expect(added.status).toBe(200);
    expect(added.json.lines).toEqual([{ ...okLine({ ...mug, price: 1500 }, 3) }]);
    expect(added.json).toMatchObject({ total: 4500, item_count: 3, has_changes: false });

    const more = await ann.add(mug.id, 1);
    expect(more.status).toBe(409);
    expect(more.json.error).toMatchObject({
      code: 'out_of_stock',
      message: 'Only 3 of Mug left.',
      param: 'quantity',
      available: 3,
    });
    const none = await ann.add(gone.id, 1);
    expect(none.status).toBe(409);
    expect(none.json.error).toMatchObject({
      code: 'out_of_stock',
      message: 'Lamp is out of stock.',
      param: 'quantity',
      available: 0,
    });
    expect((await ann.cart()).lines).toEqual([{ ...okLine({ ...mug, price: 1500 }, 3) }]);
  });

  it(`holds at most ${maxLineQuantity} of a product on a line, counting what the line holds already`, async () => {
    t = await commerceTestPlatform();
    const rice = await t.createProduct({ name: 'Rice', price: 2, stock: 5000 });
    const ann = await buyer(t);
    expect((await ann.add(rice.id, 600)).status).toBe(200);
    const over = await ann.add(rice.id, 401);
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({
      code: 'invalid_request',
      message: `A line holds at most ${maxLineQuantity} of a product.`,
      param: 'quantity',
    });
    const full = await ann.add(rice.id, 400);
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({ total: 2000, item_count: maxLineQuantity });
    expect((await ann.add(rice.id, 1)).status).toBe(400);
    expect((await ann.cart()).item_count).toBe(maxLineQuantity);
  });

  it(`holds at most ${maxCartLines} products, though a line already in it still grows`, async () => {
    t = await commerceTestPlatform();
    const products = [];
    for (let i = 0; i <= maxCartLines; i++)
      products.push(await t.createProduct({ name: `Card ${i}`, price: 100, stock: 5 }));
    const ann = await buyer(t);
    for (const product of products.slice(0, maxCartLines))
      expect((await ann.add(product.id, 1)).status).toBe(200);
    const over = await ann.add(products[maxCartLines].id, 1);
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({
      code: 'invalid_request',
      message: `A cart holds at most ${maxCartLines} products.`,
      param: 'product_id',
    });
    const grown = await ann.add(products[0].id, 1);
    expect(grown.status).toBe(200);
    expect(grown.json).toMatchObject({ item_count: maxCartLines + 1, total: (maxCartLines + 1) * 100 });
    expect(grown.json.lines).toHaveLength(maxCartLines);
  });

  it('refuses a product in a second currency, naming both', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const croissant = await t.createProduct({ name: 'Croissant', price: 300, stock: 9, currency: 'EUR' });
    const ann = await buyer(t);
    await ann.add(mug.id, 1);
    const mixed = await ann.add(croissant.id, 1);
    expect(mixed.status).toBe(422);
    expect(mixed.json.error).toMatchObject({
      code: 'currency_mismatch',
      message: 'Your cart is in USD; Croissant is priced in EUR.',
      param: 'product_id',
    });
    expect((await ann.cart()).lines).toEqual([okLine(mug, 1)]);
  });

  it("sets a line's quantity at the current price, removes one line, and empties the cart", async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 4 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const plate = await t.createProduct({ name: 'Plate', price: 500, stock: 2 });
    const ann = await buyer(t);

    const missing = await ann.set(mug.id, 1);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({
      code: 'not_found',
      message: `No line for ${mug.id} in your cart.`,
      param: 'product_id',
    });
    await ann.add(mug.id, 3);
    await ann.add(bowl.id, 1);
    await ann.add(plate.id, 1);
    await t.call('PATCH', `/v1/products/${mug.id}`, { token: admin, body: { price: 1100 } });
    // The quantity is set (not added), and the line now carries the price the buyer accepted.
    const set = await ann.set(mug.id, 4);
    expect(set.status).toBe(200);
    expect(set.json.lines[0]).toEqual(okLine({ ...mug, price: 1100 }, 4));
    expect(set.json).toMatchObject({ total: 4400 + 800 + 500, item_count: 6, has_changes: false });
    const short = await ann.set(mug.id, 5);
    expect(short.status).toBe(409);
    expect(short.json.error).toMatchObject({
      code: 'out_of_stock',
      message: 'Only 4 of Mug left.',
      available: 4,
    });
    expect((await ann.set(mug.id, 2)).json.lines[0]).toMatchObject({ quantity: 2, line_total: 2200 });
    // Not only the first line: the line of the product named.
    const third = await ann.set(plate.id, 2);
    expect(third.json.lines.map((line: { quantity: number }) => line.quantity)).toEqual([2, 1, 2]);
    expect(third.json.total).toBe(2200 + 800 + 1000);
    await t.call('DELETE', `/v1/products/${plate.id}`, { token: admin });
    const deleted = await ann.set(plate.id, 1);
    expect(deleted.status).toBe(404);
    expect(deleted.json.error).toMatchObject({ code: 'not_found', param: 'product_id' });
    expect((await ann.cart()).lines[2]).toMatchObject({ quantity: 2, status: 'unavailable' });

    const removed = await ann.remove(bowl.id);
    expect(removed.status).toBe(200);
    expect(removed.json.lines.map((line: { product_id: string }) => line.product_id)).toEqual([
      mug.id,
      plate.id,
    ]);
    const again = await ann.remove(bowl.id);
    expect(again.status).toBe(404);
    expect(again.json.error).toMatchObject({
      code: 'not_found',
      message: `No line for ${bowl.id} in your cart.`,
      param: 'product_id',
    });

    const cleared = await ann.clear();
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ lines: [], total: 0, item_count: 0, currency: null });
    expect((await ann.cart()).lines).toEqual([]);
    expect((await ann.clear()).json).toMatchObject({ lines: [], total: 0 });
  });
});
