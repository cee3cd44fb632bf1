import { afterEach, describe, expect, it } from 'vitest';
import { commerceModule } from '../server/src/commerce/index.ts';
import { commerceIds } from '../server/src/commerce/model.ts';
import { touchOrder } from '../server/src/commerce/saga.ts';
import { orderPut, type OrderRecord } from '../server/src/commerce/store.ts';
import {
  commerceTestPlatform,
  shippingAddress,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { isoTime } from '../server/src/kernel/clock.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import { capturingLogger } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * `commerce/checkout.ts` in the cases issue 23's mutation runs found unpinned: the refusals of a
 * checkout (what each says, the param at fault and the details it carries, and that none of them
 * makes an order or touches stock); the request's own card authorization (not tried once the
 * stock is refused, its failure logged without the card); which processing orders the resume
 * job takes up, under what run name, and how many at most.
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
    await expectBooksBalanced(t.platform.store);
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
      message: "expected_total 1999 is not your cart's total, 2000.",
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
    await expectBooksBalanced(t.platform.store);
  });
});

const card = {
  type: 'card',
  card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
};

describe('the checkout request’s card authorization (mutation cases)', () => {
  it('does not authorize the card of a checkout whose stock is gone: failed out_of_stock, no payment taken', async () => {
    t = await commerceTestPlatform();
    const print = await t.createProduct({ name: 'Print', price: 4100, stock: 1 });
    const [first, second] = [await t.signUp('Ann'), await t.signUp('Bob')];
    for (const buyer of [first, second])
      await t.call('POST', '/v1/cart/items', {
        token: buyer.token,
        body: { product_id: print.id, quantity: 1 },
      });
    const sold = await checkout(first.token, wallet);
    expect((await t.waitForOrder(first.token, sold.json.id)).status).toBe('paid');

    const late = await checkout(second.token, { ...wallet, payment_method: card });
    expect(late.status).toBe(202);
    expect(await t.waitForOrder(second.token, late.json.id)).toMatchObject({
      status: 'failed',
      failure_reason: 'out_of_stock',
      // Nothing was reserved: the compensation has no stock to put back, and nothing for an admin.
      needs_attention: false,
      payment_status: 'none',
      payment_id: null,
    });
    await expectBooksBalanced(t.platform.store);
  });

  it('logs a failed in-request authorization with the order and the error, never the card', async () => {
    const logger = capturingLogger();
    let authorizations = 0;
    t = await commerceTestPlatform({
      logger,
      hooks: { failTask: (task) => task === 'Authorize' && ++authorizations === 1 },
    });
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 3 });
    const buyer = await t.signUp('Ann');
    await t.call('POST', '/v1/cart/items', { token: buyer.token, body: { product_id: mug.id, quantity: 1 } });
    const started = await checkout(buyer.token, { ...wallet, payment_method: card });
    expect(started.status).toBe(202);
    await t.waitForOrder(buyer.token, started.json.id);
    expect(logger.lines).toContainEqual([
      'checkout: the in-request authorization failed',
      { order: started.json.id, error: 'Error: injected fault in Authorize' },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(card.card.number);
    await expectBooksBalanced(t.platform.store);
  });
});

describe('resuming stale checkouts (mutation cases)', () => {
  it('resumes the orders nobody works on: untouched for a minute or more here, else updated that long ago, or with in-process workflows never touched here', async () => {
    t = await commerceTestPlatform();
    const start = t.clock.now();
    const [updatedAtStart, updatedLater] = [await storedOrder(start), await storedOrder(start + 1)];
    const [touchedAtStart, touchedLater] = [await storedOrder(start), await storedOrder(start + 1)];
    const touch = (order: OrderRecord) => touchOrder({ store: t!.platform.store, clock: t!.clock }, order);
    touch(touchedAtStart);
    t.clock.advance(1);
    touch(touchedLater);
    t.clock.advance(59_999); // the default staleness: a minute
    // Updated as long ago, but this process works on both now: neither is resumed.
    const workedOnNow = [await storedOrder(start), await storedOrder(start)];
    for (const order of workedOnNow) touch(order);

    const name = (order: OrderRecord) => `${order.id}-resume-${start + 60_000}`;
    const onLambda = await resumed({ ...t.platform.moduleDeps, runWorkflow: undefined });
    expect(onLambda).toEqual({ count: 2, names: [updatedAtStart, touchedAtStart].map(name).sort() });
    const inProcess = await resumed(t.platform.moduleDeps);
    expect(inProcess).toEqual({
      count: 3,
      names: [updatedAtStart, updatedLater, touchedAtStart].map(name).sort(),
    });
  });

  it('resumes at most 1,000 orders a run, the oldest first', async () => {
    t = await commerceTestPlatform();
    const orders: OrderRecord[] = [];
    for (let i = 0; i < 1001; i++) orders.push(processingOrder(t.clock.now() + i));
    for (let i = 0; i < orders.length; i += 100)
      await t.platform.store.transact(orders.slice(i, i + 100).map(orderPut));
    t.clock.advance(3600_000);
    const { count, names } = await resumed({ ...t.platform.moduleDeps, runWorkflow: undefined });
    expect(count).toBe(1000);
    expect(names.map((runName) => runName.split('-resume-')[0])).toEqual(
      orders
        .map((order) => order.id)
        .sort()
        .slice(0, 1000),
    );
  });
});

/** Runs the resume job on `deps` with a recording `startWorkflow`: the count and run names, sorted. */
async function resumed(deps: ModuleDeps) {
  const names: string[] = [];
  const job = commerceModule.jobs.find((candidate) => candidate.name === 'commerce.resume-checkouts')!;
  const count = await job.run({
    ...deps,
    startWorkflow: async (workflow, input, runName) => {
      expect([workflow, input]).toEqual(['checkout', { order_id: runName.split('-resume-')[0] }]);
      names.push(runName);
    },
  });
  return { count, names: names.sort() };
}

/** A processing order as a checkout writes it, updated at `at`, that no step has touched here. */
function processingOrder(at: number): OrderRecord {
  return {
    id: commerceIds.newId('order', at),
    user: 'usr_resume',
    email: 'ann@example.com',
    status: 'processing',
    failure_reason: null,
    decline_code: null,
    lines: [],
    currency: 'USD',
    total: 100,
    payment_method: 'wallet',
    payment_status: 'none',
    payment_id: null,
    hold_id: null,
    shipping_address: shippingAddress,
    reservation: 'none',
    reservation_until: at + 15 * 60_000,
    placed: false,
    notified: false,
    compensating: false,
    needs_attention: false,
    shop_merchant: null,
    created_at: isoTime(at),
    updated_at: isoTime(at),
  };
}

async function storedOrder(at: number): Promise<OrderRecord> {
  const order = processingOrder(at);
  await t!.platform.store.transact([orderPut(order)]);
  return order;
}
