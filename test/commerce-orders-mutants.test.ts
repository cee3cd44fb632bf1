import { afterEach, describe, expect, it } from 'vitest';
import { shopAccountId } from '../server/src/commerce/saga.ts';
import { orderUpdate } from '../server/src/commerce/orders.ts';
import {
  orderKey,
  processingPartition,
  queryOrders,
  readOrder,
  type OrderRecord,
} from '../server/src/commerce/store.ts';
import {
  adminEmail,
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { balanceOf, getAccount, listHistory } from '../server/src/ledger/index.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { coinAccountId, payAward, rewardsDepsOf } from '../server/src/rewards/index.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * `commerce/orders.ts` and `commerce/order-service.ts` in the cases issue 23's mutation run found
 * unpinned: the order as shown and in its events, the admins' moves (what each refunds, to whom,
 * what it restocks, the event it writes, its refusals) and a move that loses a race, and the
 * order listings' pages.
 */

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let keys = 0;
const key = () => ({ 'idempotency-key': `orders-mutants-${++keys}-${Math.random().toString(36).slice(2)}` });
const card = {
  type: 'card',
  card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
};

/** A commerce platform whose `order.*` events (as the bus delivers them) are collected. */
async function platformWithEvents() {
  const platform = await commerceTestPlatform();
  const delivered: EventEnvelope[] = [];
  platform.platform.bus.subscribe('test.orders', { type: [{ prefix: 'order.' }] }, async (event) => {
    delivered.push(event);
  });
  const eventsOf = async (orderId: string) => {
    await platform.platform.dispatcher.drain();
    return delivered.filter((event) => event.subject === orderId);
  };
  return { platform, eventsOf };
}

/** Puts `lines` in the buyer's cart, checks out with `payment` and waits for the order to settle. */
async function buy(
  platform: CommerceTestPlatform,
  token: string,
  lines: Array<[{ id: string }, number]>,
  payment: unknown = { type: 'wallet' },
) {
  for (const [product, quantity] of lines) {
    const added = await platform.call('POST', '/v1/cart/items', {
      token,
      body: { product_id: product.id, quantity },
    });
    expect(added.status).toBe(200);
  }
  const started = await platform.call('POST', '/v1/checkout', {
    token,
    headers: key(),
    body: { shipping_address: shippingAddress, payment_method: payment },
  });
  expect(started.status).toBe(202);
  return platform.waitForOrder(token, started.json.id);
}

const move = async (platform: CommerceTestPlatform, id: string, action: string) =>
  platform.call('POST', `/v1/admin/orders/${id}/${action}`, { token: await platform.adminToken() });

const stockOf = async (platform: CommerceTestPlatform, id: string) =>
  (await platform.call('GET', `/v1/products/${id}`)).json.stock as number;

/** The wallet's entries of `code`, oldest first. */
async function walletEntries(platform: CommerceTestPlatform, accountId: string, code: string) {
  const history = await listHistory(platform.platform.store, accountId, { limit: 50 });
  return history.entries.filter((entry) => entry.code === code);
}

describe('the order as shown (mutation cases)', () => {
  it('shows every field of a paid order, the same to its buyer and in its events', async () => {
    const { platform, eventsOf } = await platformWithEvents();
    t = platform;
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 2]]);
    const stored = (await readOrder(t.platform.store, order.id))!;
    expect(order).toEqual({
      id: stored.id,
      object: 'order',
      user: ann.id,
      status: 'paid',
      failure_reason: null,
      decline_code: null,
      lines: [expect.objectContaining({ product_id: mug.id, quantity: 2, unit_price: 1200 })],
      currency: 'USD',
      total: 2400,
      payment_method: 'wallet',
      payment_status: 'captured',
      payment_id: null,
      shipping_address: shippingAddress,
      needs_attention: false,
      created_at: stored.created_at,
      updated_at: stored.updated_at,
    });
    const events = await eventsOf(order.id);
    const paid = events.find((event) => event.type === 'order.paid')!;
    expect(paid).toMatchObject({
      source: 'commerce',
      subject: order.id,
      audience: [ann.id],
      merchant: expect.stringMatching(/^mer_/),
      data: { order },
    });
    expect(paid.data).not.toHaveProperty('step');
    await expectBooksBalanced(t.platform.store);
  });
});

describe("admins' moves of an order (mutation cases)", () => {
  it('ships, delivers and refunds a wallet order: the total back to the wallet, an event each, no restock', async () => {
    const { platform, eventsOf } = await platformWithEvents();
    t = platform;
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [
      [mug, 2],
      [bowl, 1],
    ]);
    expect(order).toMatchObject({ status: 'paid', total: 3200 });
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus - 3200, pending: 0 });

    t.clock.advance(60_000);
    const shipped = await move(t, order.id, 'ship');
    expect(shipped.status).toBe(200);
    expect(shipped.json).toEqual({
      ...order,
      status: 'shipped',
      updated_at: new Date(t.clock.now()).toISOString(),
    });
    expect((await t.call('GET', `/v1/orders/${order.id}`, { token: ann.token })).json).toEqual(shipped.json);
    t.clock.advance(60_000);
    const delivered = await move(t, order.id, 'deliver');
    expect(delivered.json).toMatchObject({ status: 'delivered', payment_status: 'captured' });
    t.clock.advance(60_000);
    const refunded = await move(t, order.id, 'refund');
    expect(refunded.status).toBe(200);
    expect(refunded.json).toEqual({
      ...order,
      status: 'refunded',
      payment_status: 'refunded',
      updated_at: new Date(t.clock.now()).toISOString(),
    });
    const token = await t.logIn(ann.email);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { token })).json).toEqual(refunded.json);

    // The total goes back from the shop's account to the wallet, marked with the order; the goods left.
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
    expect(await walletEntries(t, walletAccountId(ann.id, 'USD'), 'commerce_refund')).toEqual([
      expect.objectContaining({
        transfer_id: `tr_${order.id}_hold_refund`,
        direction: 'credit',
        amount: 3200,
        currency: 'USD',
        counterparty_account_id: shopAccountId('USD'),
        metadata: { order: order.id },
      }),
    ]);
    const shop = await getAccount(t.platform, shopAccountId('USD'));
    expect(shop && balanceOf(shop)).toMatchObject({ available: 0, pending: 0 });
    expect([await stockOf(t, mug.id), await stockOf(t, bowl.id)]).toEqual([3, 2]);

    const moves = (await eventsOf(order.id)).filter((event) =>
      ['order.shipped', 'order.delivered', 'order.refunded', 'order.canceled'].includes(event.type),
    );
    expect(
      moves.map((event) => [event.type, (event.data as { order: { status: string } }).order.status]),
    ).toEqual([
      ['order.shipped', 'shipped'],
      ['order.delivered', 'delivered'],
      ['order.refunded', 'refunded'],
    ]);
    for (const event of moves) {
      expect(event).toMatchObject({ source: 'commerce', subject: order.id, audience: [ann.id] });
      expect(event.merchant).toMatch(/^mer_/);
      expect(event.data).not.toHaveProperty('step');
    }
    expect(moves[2]!.data).toEqual({ order: refunded.json });
    await expectBooksBalanced(t.platform.store);
  });

  it('cancels a paid card order: refunds the card payment in full and restocks each line by its quantity', async () => {
    const { platform, eventsOf } = await platformWithEvents();
    t = platform;
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const bowl = await t.createProduct({ name: 'Bowl', price: 800, stock: 3 });
    const ann = await t.signUp('Ann');
    const order = await buy(
      t,
      ann.token,
      [
        [mug, 2],
        [bowl, 1],
      ],
      card,
    );
    expect(order).toMatchObject({ status: 'paid', payment_method: 'card', total: 3200 });
    expect([await stockOf(t, mug.id), await stockOf(t, bowl.id)]).toEqual([3, 2]);

    const canceled = await move(t, order.id, 'cancel');
    expect(canceled.status).toBe(200);
    expect(canceled.json).toMatchObject({ status: 'canceled', payment_status: 'refunded' });
    expect([await stockOf(t, mug.id), await stockOf(t, bowl.id)]).toEqual([5, 3]);
    // The card payment, not the wallet, is refunded.
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
    const shop = await asShop(t);
    const payment = await t.call('GET', `/v1/payments/${order.payment_id}`, shop);
    expect(payment.json).toMatchObject({ amount_refunded: 3200 });
    const refunds = await t.call('GET', '/v1/events?type=refund.succeeded', shop);
    expect(refunds.json.data.map((event: { data: unknown }) => event.data)).toEqual([
      {
        object: expect.objectContaining({
          payment: order.payment_id,
          amount: 3200,
          reason: 'requested_by_customer',
          status: 'succeeded',
        }),
      },
    ]);
    const events = (await eventsOf(order.id)).filter((event) => event.type === 'order.canceled');
    expect(events).toEqual([
      expect.objectContaining({ source: 'commerce', audience: [ann.id], data: { order: canceled.json } }),
    ]);
    expect((await move(t, order.id, 'refund')).status).toBe(409);
    await expectBooksBalanced(t.platform.store);
  });

  it('cancels an order paid with coins: the coins go back to the coin balance', async () => {
    t = await commerceTestPlatform();
    const sticker = await t.createProduct({ name: 'Sticker pack', price: 30, currency: 'COIN', stock: 5 });
    const ann = await t.signUp('Ann');
    await payAward(rewardsDepsOf(t.platform.moduleDeps), {
      rule: 'weekly_bonus',
      source: `${ann.id}:2026-W03`,
      user: ann.id,
      occurred_at: t.clock.now(),
    });
    const coins = async () => {
      const account = await getAccount(t!.platform, coinAccountId(ann.id));
      return account ? balanceOf(account).available : 0;
    };
    expect(await coins()).toBe(50);
    const order = await buy(t, ann.token, [[sticker, 1]], { type: 'coins' });
    expect(order).toMatchObject({ status: 'paid', total: 30, currency: 'COIN', payment_method: 'coins' });
    expect(await coins()).toBe(20);
    const canceled = await move(t, order.id, 'cancel');
    expect(canceled.json).toMatchObject({ status: 'canceled', payment_status: 'refunded' });
    expect(await coins()).toBe(50);
    expect(await walletEntries(t, coinAccountId(ann.id), 'commerce_refund')).toEqual([
      expect.objectContaining({
        amount: 30,
        currency: 'COIN',
        counterparty_account_id: shopAccountId('COIN'),
      }),
    ]);
    expect(await stockOf(t, sticker.id)).toBe(5);
    await expectBooksBalanced(t.platform.store);
  });

  it('refuses a move the status does not allow with 409 and the status, and an unknown order with 404', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 1]]);
    const early = await move(t, order.id, 'deliver');
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'Cannot deliver an order that is paid.',
      status: 'paid',
    });
    expect((await move(t, order.id, 'refund')).json.error).toMatchObject({
      message: 'Cannot refund an order that is paid.',
    });
    for (const id of ['ord_01JD3S8Q4X9Z2K7M5N6P8R0T1V', 'nonsense']) {
      const missing = await move(t, id, 'ship');
      expect(missing.status).toBe(404);
      expect(missing.json.error).toMatchObject({
        code: 'not_found',
        message: `No order ${id}.`,
        param: 'id',
      });
      const own = await t.call('GET', `/v1/orders/${id}`, { token: ann.token });
      expect(own.status).toBe(404);
      expect(own.json.error).toMatchObject({ code: 'not_found', message: `No order ${id}.`, param: 'id' });
    }
    expect((await t.call('GET', `/v1/orders/${order.id}`, { token: ann.token })).json.status).toBe('paid');
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus - 1200, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });
});

describe('a move that loses a race (mutation cases)', () => {
  it('answers 409 invalid_state_transition to a ship that lost to a cancel, which refunded and restocked once', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 2]]);
    const admin = await t.adminToken();
    const raced = beforeFirst(t, setsStatus('shipped'), async () => {
      const canceled = await t!.call('POST', `/v1/admin/orders/${order.id}/cancel`, { token: admin });
      expect(canceled.json.status).toBe('canceled');
    });
    const shipped = await move(t, order.id, 'ship');
    expect(raced()).toBe(true);
    expect(shipped.status).toBe(409);
    expect(shipped.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'The order changed meanwhile; it is no longer paid.',
    });
    expect((await readOrder(t.platform.store, order.id))?.status).toBe('canceled');
    expect(await stockOf(t, mug.id)).toBe(5);
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
    await expectBooksBalanced(t.platform.store);
  });
  for (const [name, payment] of [
    ['wallet', { type: 'wallet' }],
    ['card', card],
  ] as const) {
    /**
     * Ann's paid order of two mugs (5 in stock), and an admin's cancel of it that another admin's
     * `action` overtakes just before it writes; the cancel must answer 409 as a lost race.
     */
    const cancelOvertakenBy = async (action: 'ship' | 'cancel', status: string) => {
      t = await commerceTestPlatform();
      const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
      const ann = await t.signUp('Ann');
      const order = await buy(t, ann.token, [[mug, 2]], payment);
      const admin = await t.adminToken();
      const raced = beforeFirst(t, setsStatus('canceled'), async () => {
        const first = await t!.call('POST', `/v1/admin/orders/${order.id}/${action}`, { token: admin });
        expect(first.json.status).toBe(status);
      });
      const canceled = await move(t, order.id, 'cancel');
      expect(raced()).toBe(true);
      expect(canceled.json.error).toMatchObject({
        code: 'invalid_state_transition',
        message: 'The order changed meanwhile; it is no longer paid.',
      });
      expect(canceled.status).toBe(409);
      return { t, mug, ann, order };
    };

    it(`answers 409 invalid_state_transition to a cancel of a ${name} order that lost to a ship, refunding nothing`, async () => {
      const { t, mug, order } = await cancelOvertakenBy('ship', 'shipped');
      expect(await readOrder(t.platform.store, order.id)).toMatchObject({
        status: 'shipped',
        payment_status: 'captured',
      });
      expect(await stockOf(t, mug.id)).toBe(3);
      await expectBooksBalanced(t.platform.store);
    });

    it(`answers 409 invalid_state_transition to a cancel of a ${name} order that lost to another cancel, refunding once`, async () => {
      const { t, mug, ann } = await cancelOvertakenBy('cancel', 'canceled');
      expect(await stockOf(t, mug.id)).toBe(5);
      expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
      await expectBooksBalanced(t.platform.store);
    });
  }
});

describe('a move the store refuses (mutation cases)', () => {
  it('answers a cancel the store was too busy for with 503, the order still paid and nothing refunded; a retry cancels it', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 2]]);
    const store = t.platform.store;
    const transact = store.transact.bind(store);
    store.transact = async (operations) => {
      if (!setsStatus('canceled')(operations)) return transact(operations);
      store.transact = transact;
      throw new AppError('service_unavailable', 'the store is busy');
    };
    const busy = await move(t, order.id, 'cancel');
    expect(busy.status).toBe(503);
    expect(busy.json.error.code).toBe('service_unavailable');
    expect(await readOrder(store, order.id)).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus - 2400, pending: 0 });
    expect(await stockOf(t, mug.id)).toBe(3);
    expect((await move(t, order.id, 'cancel')).json).toMatchObject({ status: 'canceled' });
    expect(await t.wallet(ann.id)).toEqual({ available: signupBonus, pending: 0 });
    expect(await stockOf(t, mug.id)).toBe(5);
    await expectBooksBalanced(store);
  });

  it('refuses to cancel a card order whose payment is disputed, saying so (the order did not change)', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 2]], card);
    const dispute = await t.call('POST', '/v1/test-helpers/disputes', {
      ...(await asShop(t)),
      body: { payment: order.payment_id },
    });
    expect(dispute.json.id).toMatch(/^d/);
    const refused = await move(t, order.id, 'cancel');
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: `Cannot refund a disputed payment (${dispute.json.id})`,
    });
    expect(await readOrder(t.platform.store, order.id)).toMatchObject({
      status: 'paid',
      payment_status: 'captured',
    });
    expect(await stockOf(t, mug.id)).toBe(3);
    await expectBooksBalanced(t.platform.store);
  });

  it('keeps the refusal of a disputed card order’s cancel when the re-read of the order fails', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const order = await buy(t, ann.token, [[mug, 2]], card);
    const dispute = await t.call('POST', '/v1/test-helpers/disputes', {
      ...(await asShop(t)),
      body: { payment: order.payment_id },
    });
    expect(dispute.status).toBe(201);
    // The cancel reads the order, is refused by the payment, then reads the order again to tell
    // a lost race from a refusal: that second read fails.
    const store = t.platform.store;
    const get = store.get.bind(store);
    const orderItemKey = orderKey(order.id);
    let orderReads = 0;
    store.get = async (itemKey) => {
      if (itemKey.pk === orderItemKey.pk && itemKey.sk === orderItemKey.sk && ++orderReads === 2)
        throw new AppError('service_unavailable', 'the store is busy');
      return get(itemKey);
    };
    const refused = await move(t, order.id, 'cancel');
    store.get = get;
    expect(orderReads).toBe(2);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: `Cannot refund a disputed payment (${dispute.json.id})`,
    });
    expect(await readOrder(store, order.id)).toMatchObject({ status: 'paid', payment_status: 'captured' });
    expect(await stockOf(t, mug.id)).toBe(3);
    await expectBooksBalanced(store);
  });
});

describe("the saga's order updates (mutation cases)", () => {
  it('keeps an order on the processing index while it is processing, and takes it off when it is paid or failed', async () => {
    let during: string[] | undefined;
    const platform: CommerceTestPlatform = await commerceTestPlatform({
      hooks: {
        beforeTask: async (state) => {
          if (state === 'Capture' && !during) during = await processingIds(platform);
        },
      },
    });
    t = platform;
    const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
    const ann = await t.signUp('Ann');
    const paid = await buy(t, ann.token, [[mug, 1]]);
    expect(paid.status).toBe('paid');
    // Reserved and authorized by then: updates that keep it processing keep it listed.
    expect(during).toEqual([paid.id]);
    expect(await processingIds(t)).toEqual([]);
    const lamp = await t.createProduct({ name: 'Lamp', price: signupBonus, stock: 1 });
    const failed = await buy(t, ann.token, [[lamp, 1]]);
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'insufficient_funds' });
    expect(await processingIds(t)).toEqual([]);
    await expectBooksBalanced(t.platform.store);
  });

  it('writes a field set to null as removed and guards the write with the order as read', () => {
    const clock = { now: () => Date.UTC(2026, 0, 15, 12, 5, 0) };
    const order = { id: 'ord_01JD3S8Q4X9Z2K7M5N6P8R0T1V', status: 'processing' } as OrderRecord;
    const declined = orderUpdate(
      clock,
      order,
      { payment_status: 'declined', decline_code: null, failure_reason: 'payment_declined' },
      { status: 'processing', compensating: false },
    );
    expect(declined.next).toMatchObject({
      status: 'processing',
      payment_status: 'declined',
      decline_code: null,
      updated_at: '2026-01-15T12:05:00.000Z',
    });
    expect(declined.operation).toEqual({
      type: 'update',
      key: { pk: `ORDER#${order.id}`, sk: 'ORDER' },
      set: {
        payment_status: 'declined',
        failure_reason: 'payment_declined',
        updated_at: '2026-01-15T12:05:00.000Z',
      },
      remove: ['decline_code'],
      condition: {
        all: [
          { attributeExists: 'pk' },
          { compare: ['status', '=', 'processing'] },
          { compare: ['compensating', '=', false] },
        ],
      },
    });
    // Leaving processing takes the order off the processing index: both of its key attributes.
    expect(orderUpdate(clock, order, { status: 'paid' }, { status: 'processing' }).operation).toMatchObject({
      remove: ['gsi3pk', 'gsi3sk'],
    });
    // Still processing: nothing removed, so no `remove` at all.
    expect(orderUpdate(clock, order, { status: 'processing' }, {}).operation).toEqual({
      type: 'update',
      key: { pk: `ORDER#${order.id}`, sk: 'ORDER' },
      set: { status: 'processing', updated_at: '2026-01-15T12:05:00.000Z' },
      condition: { all: [{ attributeExists: 'pk' }] },
    });
  });
});

describe('order listings (mutation cases)', () => {
  it("pages a buyer's orders and everyone's, newest first, and refuses a cursor that is not an order id", async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 100, stock: 10 });
    const ann = await t.signUp('Ann');
    const bob = await t.signUp('Bob');
    const first = await buy(t, ann.token, [[mug, 1]]);
    const second = await buy(t, bob.token, [[mug, 1]]);
    const third = await buy(t, ann.token, [[mug, 1]]);
    const list = async (path: string, token: string) => (await t!.call('GET', path, { token })).json;
    const ids = (page: { data: Array<{ id: string }> }) => page.data.map((order) => order.id);

    const page1 = await list('/v1/orders?limit=1', ann.token);
    expect(page1).toMatchObject({ has_more: true, next_cursor: third.id });
    expect(page1.data).toEqual([third]);
    const page2 = await list(`/v1/orders?limit=1&starting_after=${page1.next_cursor}`, ann.token);
    expect(ids(page2)).toEqual([first.id]);
    expect(page2).toMatchObject({ has_more: false, next_cursor: null });
    expect(await list('/v1/orders?limit=2', ann.token)).toMatchObject({ has_more: false, next_cursor: null });

    const admin = await t.adminToken();
    const all = await list('/v1/admin/orders?limit=2', admin);
    expect(ids(all)).toEqual([third.id, second.id]);
    expect(all).toMatchObject({ has_more: true, next_cursor: second.id });
    const rest = await list(`/v1/admin/orders?limit=2&starting_after=${all.next_cursor}`, admin);
    expect(ids(rest)).toEqual([first.id]);
    expect(rest).toMatchObject({ has_more: false, next_cursor: null });
    expect(await list('/v1/admin/orders?limit=3', admin)).toMatchObject({
      has_more: false,
      next_cursor: null,
    });

    for (const cursor of ['nonsense', `x${first.id}`, `${first.id}x`, first.id.replace('ord_', 'pay_')]) {
      const bad = await t.call('GET', `/v1/orders?starting_after=${cursor}`, { token: ann.token });
      expect(bad.status, cursor).toBe(400);
      expect(bad.json.error).toMatchObject({
        code: 'invalid_request',
        message: 'starting_after must be a next_cursor from a previous page.',
        param: 'starting_after',
      });
    }
  });
});

/** Request options of the admin acting as the shop's merchant (which the admin owns). */
async function asShop(platform: CommerceTestPlatform) {
  await platform.adminToken();
  const token = await platform.logIn(adminEmail);
  const merchants = (await platform.call('GET', '/v1/merchants', { token })).json.data;
  const shop = merchants.find((merchant: { name: string }) => merchant.name === 'Sluice Shop');
  return { token, headers: { 'sluice-merchant': shop.id } };
}

/** Matches a transaction that sets an order's status to `status`. */
function setsStatus(status: string) {
  return (operations: WriteOperation[]) =>
    operations.some(
      (operation) =>
        operation.type === 'update' &&
        operation.key.pk.startsWith('ORDER#') &&
        operation.set?.status === status,
    );
}

/**
 * Runs `first` just before the first transaction that `matches` goes to the store, as another
 * admin's move landing between this one's read and its write; then lets it through. Returns
 * whether that has happened.
 */
function beforeFirst(
  platform: CommerceTestPlatform,
  matches: (operations: WriteOperation[]) => boolean,
  first: () => Promise<void>,
): () => boolean {
  const store = platform.platform.store;
  let hasHappened = false;
  const transact = store.transact.bind(store);
  store.transact = async (operations) => {
    if (!matches(operations)) return transact(operations);
    store.transact = transact;
    hasHappened = true;
    await first();
    return transact(operations);
  };
  return () => hasHappened;
}

/** The ids of the orders on the processing index (the resume job's listing). */
async function processingIds(platform: CommerceTestPlatform) {
  const orders = await queryOrders(
    platform.platform.store,
    { index: 'gsi3', partition: processingPartition },
    100,
  );
  return orders.map((order) => order.id);
}
