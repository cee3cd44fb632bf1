import { afterEach, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { getAccount } from '../server/src/ledger/index.ts';
import { coinAccountId, payAward, rewardsDepsOf } from '../server/src/rewards/index.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let keys = 0;
const key = () => ({ 'idempotency-key': `api-${++keys}-${Math.random().toString(36).slice(2)}` });
const card = (number: string) => ({
  type: 'card',
  card: { number, exp_month: 12, exp_year: 2030, cvc: '123' },
});

describe('catalog', () => {
  it('lets only admins write; lists by category and search words with cursors; 404 for unknown or deleted', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const buyer = await t.signUp('Ann');
    const body = { name: 'Teapot', price: 2500, currency: 'USD', stock: 4, category: 'kitchen' };
    expect((await t.call('POST', '/v1/products', { body })).status).toBe(401);
    const refused = await t.call('POST', '/v1/products', { token: buyer.token, body });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('forbidden');

    const teapot = await t.createProduct({ ...body, description: 'Blue porcelain' });
    const cup = await t.createProduct({ name: 'Cup', price: 900, stock: 10, category: 'kitchen' });
    await t.createProduct({ name: 'Novel', price: 1500, stock: 2, category: 'books' });

    const kitchen = await t.call('GET', '/v1/products?category=kitchen');
    expect(kitchen.json.data.map((p: { name: string }) => p.name)).toEqual(['Teapot', 'Cup']);
    const search = await t.call('GET', '/v1/products?q=blue%20PORCELAIN');
    expect(search.json.data.map((p: { id: string }) => p.id)).toEqual([teapot.id]);
    const first = await t.call('GET', '/v1/products?limit=2');
    expect(first.json).toMatchObject({ has_more: true });
    const second = await t.call('GET', `/v1/products?limit=2&starting_after=${first.json.next_cursor}`);
    expect(second.json).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.json.data.map((p: { name: string }) => p.name)).toEqual(['Novel']);
    expect((await t.call('GET', '/v1/products?starting_after=nonsense')).status).toBe(400);

    for (const bad of [
      { ...body, price: 12.5 },
      { ...body, price: -1 },
      { ...body, stock: -1 },
      { ...body, stock: 1.5 },
      { ...body, currency: 'usd' },
      { ...body, extra: true },
      { ...body, description: 'nul \u0000 byte' },
      { ...body, description: 'bidi \u202e override' },
    ]) {
      const response = await t.call('POST', '/v1/products', { token: admin, body: bad });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    // Paragraphs are welcome in a description.
    const described = await t.call('PATCH', `/v1/products/${cup.id}`, {
      token: admin,
      body: { description: 'Porcelain.\r\n\tDishwasher safe.' },
    });
    expect(described.status).toBe(200);
    const patched = await t.call('PATCH', `/v1/products/${cup.id}`, { token: admin, body: { price: 950 } });
    expect(patched.json).toMatchObject({ price: 950, stock: 10 });
    const restocked = await t.call('PATCH', `/v1/products/${cup.id}`, { token: admin, body: { stock: 20 } });
    expect(restocked.json).toMatchObject({ price: 950, stock: 20 });
    expect(
      (await t.call('PATCH', `/v1/products/${cup.id}`, { token: admin, body: { stock: -1 } })).status,
    ).toBe(400);
    expect((await t.call('PATCH', `/v1/products/${cup.id}`, { token: admin, body: {} })).status).toBe(400);
    expect(
      (await t.call('PATCH', `/v1/products/${cup.id}`, { token: buyer.token, body: { price: 1 } })).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/v1/products/${cup.id}`, { token: admin })).status).toBe(200);
    expect((await t.call('GET', `/v1/products/${cup.id}`)).status).toBe(404);
    expect((await t.call('DELETE', `/v1/products/${cup.id}`, { token: admin })).status).toBe(404);
    expect((await t.call('GET', '/v1/products/prod_unknown')).status).toBe(404);
    expect((await t.call('GET', '/v1/products?category=kitchen')).json.data).toHaveLength(1);
  });

  it('hands admins a presigned image upload the local server accepts, and serves the image', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const product = await t.createProduct({ name: 'Vase', price: 3000, stock: 1 });
    const upload = await t.call('POST', `/v1/products/${product.id}/image-upload`, {
      token: admin,
      body: { content_type: 'image/png' },
    });
    expect(upload.status).toBe(201);
    const put = await t.platform.app.request(upload.json.upload_url, {
      method: 'PUT',
      headers: upload.json.upload_headers,
      body: new Uint8Array([137, 80, 78, 71]),
    });
    expect(put.status).toBe(200);
    const shown = await t.call('GET', `/v1/products/${product.id}`);
    expect(shown.json.image_url).toMatch(/^http:\/\/localhost:3000\/blobs\/products\//);
    const image = await t.platform.app.request(shown.json.image_url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const buyer = await t.signUp('Ann');
    expect(
      (await t.call('POST', `/v1/products/${product.id}/image-upload`, { token: buyer.token, body: {} }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', `/v1/products/${product.id}/image-upload`, {
          token: admin,
          body: { content_type: 'text/html' },
        })
      ).status,
    ).toBe(400);
  });
});

describe('cart', () => {
  it('refuses bad quantities, unknown products and a second currency with 4xx, changing nothing', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const euro = await t.createProduct({ name: 'Croissant', price: 300, stock: 9, currency: 'EUR' });
    const buyer = await t.signUp('Ann');
    const add = (body: unknown) => t!.call('POST', '/v1/cart/items', { token: buyer.token, body });
    for (const quantity of [0, -1, 1.5, '2']) {
      const response = await add({ product_id: mug.id, quantity });
      expect(response.status, String(quantity)).toBe(400);
      expect(response.json.error.param).toBe('quantity');
    }
    const over = await add({ product_id: mug.id, quantity: 4 });
    expect(over.status).toBe(409);
    expect(over.json.error).toMatchObject({ code: 'out_of_stock', param: 'quantity' });
    const unknown = await add({ product_id: 'prod_01JD3S8Q4X9Z2K7M5N6P8R0T1V', quantity: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.param).toBe('product_id');
    expect((await add({ product_id: mug.id, quantity: 2 })).status).toBe(200);
    const mixed = await add({ product_id: euro.id, quantity: 1 });
    expect(mixed.status).toBe(422);
    expect(mixed.json.error.code).toBe('currency_mismatch');
    expect((await add({ product_id: mug.id, quantity: 2 })).status).toBe(409); // 2 + 2 > 3
    const cart = await t.call('GET', '/v1/cart', { token: buyer.token });
    expect(cart.json).toMatchObject({ total: 2400, item_count: 2, currency: 'USD' });
    expect((await t.call('GET', '/v1/cart')).status).toBe(401);
  });

  it('shows a price change and a deleted product instead of applying them at checkout', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const buyer = await t.signUp('Ann');
    await t.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity: 1 } });
    await t.call('POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: bowl.id, quantity: 1 },
    });
    await t.call('PATCH', `/v1/products/${mug.id}`, { token: admin, body: { price: 1500 } });

    const cart = await t.call('GET', '/v1/cart', { token: buyer.token });
    expect(cart.json).toMatchObject({ total: 2300, has_changes: true });
    expect(cart.json.lines[0]).toMatchObject({
      status: 'price_changed',
      unit_price: 1500,
      price_when_added: 1200,
    });
    const body = { shipping_address: shippingAddress, payment_method: { type: 'wallet' } };
    const stale = await t.call('POST', '/v1/checkout', { token: buyer.token, headers: key(), body });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('cart_changed');
    const wrongTotal = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { ...body, expected_total: 2000 },
    });
    expect(wrongTotal.status).toBe(409);

    await t.call('DELETE', `/v1/products/${bowl.id}`, { token: admin });
    const gone = await t.call('GET', '/v1/cart', { token: buyer.token });
    expect(gone.json.lines[1]).toMatchObject({ status: 'unavailable', line_total: 0 });
    expect(gone.json.total).toBe(1500);
    const withGone = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { ...body, expected_total: 1500 },
    });
    expect(withGone.status).toBe(409);
    await t.call('DELETE', `/v1/cart/items/${bowl.id}`, { token: buyer.token });
    const accepted = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { ...body, expected_total: 1500 },
    });
    expect(accepted.status).toBe(202);
    expect((await t.waitForOrder(buyer.token, accepted.json.id)).total).toBe(1500);
    expect((await t.call('GET', '/v1/orders', { token: buyer.token })).json.data).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('checkout refusals and payment outcomes', () => {
  it('refuses an empty cart, a missing Idempotency-Key and a bad card with 4xx and no order', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const buyer = await t.signUp('Ann');
    const body = { shipping_address: shippingAddress, payment_method: { type: 'wallet' } };
    const empty = await t.call('POST', '/v1/checkout', { token: buyer.token, headers: key(), body });
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe('cart_empty');
    await t.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity: 1 } });
    const noKey = await t.call('POST', '/v1/checkout', { token: buyer.token, body });
    expect(noKey.status).toBe(400);
    expect(noKey.json.error.param).toBe('Idempotency-Key');
    const badCard = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { ...body, payment_method: card('4242424242424241') },
    });
    expect(badCard.status).toBe(400);
    expect(badCard.json.error.code).toBe('invalid_card');
    expect(JSON.stringify(badCard.json)).not.toContain('4242424242424241');
    const noAddress = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { payment_method: { type: 'wallet' } },
    });
    expect(noAddress.status).toBe(400);
    expect((await t.call('GET', '/v1/orders', { token: buyer.token })).json.data).toEqual([]);
    expect((await t.call('GET', `/v1/products/${mug.id}`)).json.stock).toBe(3);
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order on a declined card with payment_declined and its decline code; a good card pays', async () => {
    t = await commerceTestPlatform();
    const lamp = await t.createProduct({ name: 'Lamp', price: 4000, stock: 5 });
    const buyer = await t.signUp('Ann');
    const body = (number: string) => ({ shipping_address: shippingAddress, payment_method: card(number) });
    await t.call('POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: lamp.id, quantity: 1 },
    });
    const declined = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: body('4000000000000002'),
    });
    expect(declined.status).toBe(202);
    const failed = await t.waitForOrder(buyer.token, declined.json.id);
    expect(failed).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_declined',
      decline_code: 'generic_decline',
      payment_status: 'declined',
    });
    expect((await t.call('GET', `/v1/products/${lamp.id}`)).json.stock).toBe(5);

    const paid = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: body('4242424242424242'),
    });
    const order = await t.waitForOrder(buyer.token, paid.json.id);
    expect(order).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
      payment_id: expect.stringMatching(/^pay_/),
    });
    expect((await t.call('GET', `/v1/products/${lamp.id}`)).json.stock).toBe(4);
    // The card was charged, not the wallet; no card number is stored with the order.
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    const item = await t.platform.store.get({ pk: `ORDER#${order.id}`, sk: 'ORDER' });
    expect(JSON.stringify(item)).not.toContain('4242424242424242');
    // The shop charges as a sandbox merchant the admin owns: its payments show in their developer area.
    const admin = await t.adminToken();
    const merchants = await t.call('GET', '/v1/merchants', { token: admin });
    const shop = merchants.json.data.find((merchant: { name: string }) => merchant.name === 'Sluice Shop');
    expect(shop).toBeDefined();
    const payments = await t.call('GET', '/v1/payments', {
      token: admin,
      headers: { 'sluice-merchant': shop.id },
    });
    expect(
      payments.json.data.map((payment: { id: string; status: string }) => [payment.id, payment.status]),
    ).toContainEqual([order.payment_id, 'succeeded']);
    await expectBooksBalanced(t.platform.store);
  });

  it('fails an order the wallet cannot pay with insufficient_funds, leaving stock and balance', async () => {
    t = await commerceTestPlatform();
    const sofa = await t.createProduct({ name: 'Sofa', price: signupBonus + 1, stock: 2 });
    const buyer = await t.signUp('Ann');
    await t.call('POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: sofa.id, quantity: 1 },
    });
    const started = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
    });
    const order = await t.waitForOrder(buyer.token, started.json.id);
    expect(order).toMatchObject({ status: 'failed', failure_reason: 'insufficient_funds' });
    expect((await t.call('GET', `/v1/products/${sofa.id}`)).json.stock).toBe(2);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });
});

describe('reward items paid with coins', () => {
  it('sells a COIN-priced product for coins only: paid from the coin balance, refused without enough', async () => {
    t = await commerceTestPlatform();
    const voucher = await t.createProduct({ name: 'Sticker pack', price: 30, currency: 'COIN', stock: 5 });
    const buyer = await t.signUp('Ann');
    // 50 coins, the way the weekly bonus pays them.
    await payAward(rewardsDepsOf(t.platform.moduleDeps), {
      rule: 'weekly_bonus',
      source: `${buyer.id}:2026-W03`,
      user: buyer.id,
      occurred_at: t.clock.now(),
    });
    const coins = async () => {
      const account = await getAccount(t!.platform, coinAccountId(buyer.id));
      return account ? account.credits_posted - account.debits_posted - account.debits_pending : 0;
    };
    expect(await coins()).toBe(50);
    const body = (type: string) => ({ shipping_address: shippingAddress, payment_method: { type } });
    await t.call('POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: voucher.id, quantity: 1 },
    });
    const byWallet = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: body('wallet'),
    });
    expect(byWallet.status).toBe(400);
    expect(byWallet.json.error.param).toBe('payment_method');

    const paid = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: body('coins'),
    });
    expect(paid.status).toBe(202);
    expect(await t.waitForOrder(buyer.token, paid.json.id)).toMatchObject({
      status: 'paid',
      total: 30,
      currency: 'COIN',
    });
    expect(await coins()).toBe(20);

    await t.call('POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: voucher.id, quantity: 1 },
    });
    const short = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: key(),
      body: body('coins'),
    });
    expect(await t.waitForOrder(buyer.token, short.json.id)).toMatchObject({
      status: 'failed',
      failure_reason: 'insufficient_funds',
    });
    expect(await coins()).toBe(20);
    expect((await t.call('GET', `/v1/products/${voucher.id}`)).json.stock).toBe(4);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('orders', () => {
  it('shows buyers only their own orders and lets admins ship, deliver, cancel (refund and restock) and refund, with 409 on illegal moves', async () => {
    t = await commerceTestPlatform();
    const admin = await t.adminToken();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const buy = async (token: string) => {
      await t!.call('POST', '/v1/cart/items', { token, body: { product_id: mug.id, quantity: 1 } });
      const started = await t!.call('POST', '/v1/checkout', {
        token,
        headers: key(),
        body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
      });
      return t!.waitForOrder(token, started.json.id);
    };
    const first = await buy(ann.token);
    const second = await buy(ann.token);
    expect((await t.call('GET', `/v1/orders/${first.id}`, { token: bob.token })).status).toBe(404);
    expect((await t.call('GET', '/v1/orders', { token: bob.token })).json.data).toEqual([]);
    expect((await t.call('GET', '/v1/admin/orders', { token: bob.token })).status).toBe(403);
    const all = await t.call('GET', '/v1/admin/orders', { token: admin });
    expect(all.json.data.map((o: { id: string }) => o.id)).toEqual([second.id, first.id]);

    expect((await t.call('POST', `/v1/admin/orders/${first.id}/deliver`, { token: admin })).status).toBe(409);
    expect((await t.call('POST', `/v1/admin/orders/${first.id}/ship`, { token: bob.token })).status).toBe(
      403,
    );
    expect((await t.call('POST', `/v1/admin/orders/${first.id}/ship`, { token: admin })).json.status).toBe(
      'shipped',
    );
    expect((await t.call('POST', `/v1/admin/orders/${first.id}/deliver`, { token: admin })).json.status).toBe(
      'delivered',
    );
    expect((await t.call('POST', `/v1/admin/orders/${first.id}/cancel`, { token: admin })).status).toBe(409);
    // Delivered goods are refunded, not restocked.
    const refunded = await t.call('POST', `/v1/admin/orders/${first.id}/refund`, { token: admin });
    expect(refunded.json).toMatchObject({ status: 'refunded', payment_status: 'refunded' });
    expect((await t.call('POST', `/v1/admin/orders/${first.id}/refund`, { token: admin })).status).toBe(409);

    const canceled = await t.call('POST', `/v1/admin/orders/${second.id}/cancel`, { token: admin });
    expect(canceled.json).toMatchObject({ status: 'canceled', payment_status: 'refunded' });
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${mug.id}`)).json.stock).toBe(4);
    expect((await t.call('POST', `/v1/admin/orders/${second.id}/cancel`, { token: admin })).status).toBe(409);
    expect((await t.call('POST', `/v1/admin/orders/${second.id}/refund`, { token: admin })).status).toBe(409);
    await expectBooksBalanced(t.platform.store);
  });
});
