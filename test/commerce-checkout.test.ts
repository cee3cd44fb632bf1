import { afterEach, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let keys = 0;
const idempotencyKey = () => ({ 'idempotency-key': `checkout-${++keys}-${Math.random()}` });

describe('checkout with the wallet', () => {
  it('reserves, holds, captures and notifies: the order ends paid, the stock and the wallet go down by the order', async () => {
    t = await commerceTestPlatform();
    const delivered: EventEnvelope[] = [];
    t.platform.bus.subscribe('test.orders', { type: [{ prefix: 'order.' }] }, async (event) => {
      delivered.push(event);
    });
    const product = await t.createProduct({ name: 'Mug', price: 1250, stock: 5 });
    const buyer = await t.signUp('Ann');
    expect(
      (
        await t.call('POST', '/v1/cart/items', {
          token: buyer.token,
          body: { product_id: product.id, quantity: 2 },
        })
      ).status,
    ).toBe(200);
    const cart = await t.call('GET', '/v1/cart', { token: buyer.token });
    expect(cart.json).toMatchObject({ total: 2500, currency: 'USD', item_count: 2, has_changes: false });

    const started = await t.call('POST', '/v1/checkout', {
      token: buyer.token,
      headers: idempotencyKey(),
      body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
    });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ status: 'processing', total: 2500 });
    const order = await t.waitForOrder(buyer.token, started.json.id);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured', failure_reason: null });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(3);
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 2500, pending: 0 });
    expect((await t.call('GET', '/v1/cart', { token: buyer.token })).json.lines).toEqual([]);
    expect(await t.shopMail(buyer.email)).toEqual([`Your Sluice Shop order ${order.id} is confirmed`]);
    // Every step is an event for the buyer's sockets (audience) and the shop merchant's webhooks.
    await t.platform.dispatcher.drain();
    const events = delivered.filter((event) => event.subject === order.id);
    expect(events.map((event) => [event.type, (event.data as { step?: string }).step ?? null])).toEqual([
      ['order.created', null],
      ['order.updated', 'reserved'],
      ['order.updated', 'authorized'],
      ['order.updated', 'placed'],
      ['order.updated', 'captured'],
      ['order.paid', null],
    ]);
    for (const event of events) {
      expect(event.audience).toEqual([buyer.id]);
      expect(event.merchant).toMatch(/^mer_/);
    }
    await expectBooksBalanced(t.platform.store);
  });
});
