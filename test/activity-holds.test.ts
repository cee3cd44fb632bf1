import { afterEach, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { interleave } from '../server/src/payments/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { payAward, rewardsDepsOf } from '../server/src/rewards/index.ts';
import { expectBooksBalanced } from './invariants.ts';

// What a person's activity shows of money that is first held and then taken (a shop order paid
// from the wallet or in coins): one entry, pending while held, and then the amount taken. Found by
// a probe on 2026-12-06: one $4 order showed as two $4 debits (the hold and its posting), and a
// coins order then canceled as two debits and a credit that did not add up to the balance.

let t: CommerceTestPlatform | undefined;
afterEach(async () => {
  if (t) await expectBooksBalanced(t.platform.store);
  await t?.close();
  t = undefined;
});

let keys = 0;
const checkout = (token: string, payment: unknown) =>
  t!.call('POST', '/v1/checkout', {
    token,
    headers: { 'idempotency-key': `activity-${++keys}` },
    body: { shipping_address: shippingAddress, payment_method: payment },
  });

describe('activity of held money', () => {
  it('shows a wallet order as one pending entry while held, then one completed debit', async () => {
    t = await commerceTestPlatform();
    const mug = await t.createProduct({ name: 'Mug', price: 400, stock: 5 });
    const ann = await t.signUp('Ann');
    const activity = async () =>
      (await t!.call('GET', '/v1/activity?limit=100', { token: ann.token })).json.data as Array<{
        type: string;
        direction: string;
        amount: number;
        status: string;
      }>;
    const orders = async () => (await activity()).filter((e) => e.type === 'commerce_order');
    expect(
      (
        await t.call('POST', '/v1/cart/items', {
          token: ann.token,
          body: { product_id: mug.id, quantity: 1 },
        })
      ).status,
    ).toBe(200);
    // Read while the hold stands: just before the transaction that takes it.
    let whileHeld: Awaited<ReturnType<typeof orders>> | undefined;
    const raced = interleave(
      t.platform,
      (operations: WriteOperation[]) =>
        operations.some(
          (o) => o.type === 'put' && o.item.kind === 'post_pending' && o.item.code === 'commerce_order',
        ),
      async () => {
        whileHeld = await orders();
      },
    );
    const started = await checkout(ann.token, { type: 'wallet' });
    expect(started.status).toBe(202);
    expect(await t.waitForOrder(ann.token, started.json.id)).toMatchObject({ status: 'paid' });
    expect(raced.count).toBe(1);
    expect(whileHeld).toEqual([
      expect.objectContaining({ direction: 'debit', amount: 400, status: 'pending' }),
    ]);
    expect(await orders()).toEqual([
      expect.objectContaining({ direction: 'debit', amount: 400, status: 'completed' }),
    ]);
    // Every entry shown adds up to the balance.
    const net = (await activity()).reduce(
      (sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount),
      0,
    );
    expect(net).toBe((await t.wallet(ann.id)).available);
  });

  it('shows a coins order canceled as what was taken and given back, adding up to the coins held', async () => {
    t = await commerceTestPlatform();
    const sticker = await t.createProduct({ name: 'Sticker pack', price: 30, currency: 'COIN', stock: 5 });
    const ann = await t.signUp('Ann');
    await payAward(rewardsDepsOf(t.platform.moduleDeps), {
      rule: 'weekly_bonus',
      source: `${ann.id}:2026-W03`,
      user: ann.id,
      occurred_at: t.clock.now(),
    });
    expect(
      (
        await t.call('POST', '/v1/cart/items', {
          token: ann.token,
          body: { product_id: sticker.id, quantity: 1 },
        })
      ).status,
    ).toBe(200);
    const started = await checkout(ann.token, { type: 'coins' });
    expect(await t.waitForOrder(ann.token, started.json.id)).toMatchObject({ status: 'paid' });
    const admin = await t.call('POST', `/v1/admin/orders/${started.json.id}/cancel`, {
      token: await t.adminToken(),
    });
    expect(admin.status).toBe(200);
    const history = (await t.call('GET', '/v1/coins/history?limit=100', { token: ann.token })).json
      .data as Array<{
      direction: string;
      amount: number;
      description: string;
      status: string;
    }>;
    // The test clock stands still, so the order of entries of one instant is not asserted.
    expect(history.map((e) => [e.description, e.direction, e.amount, e.status]).sort()).toEqual([
      ['Shop order refunded', 'credit', 30, 'completed'],
      ['Shop order', 'debit', 30, 'completed'],
      ['Weekly bonus', 'credit', 50, 'completed'],
    ]);
    const balance = (await t.call('GET', '/v1/coins', { token: ann.token })).json.balance;
    expect(history.reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0)).toBe(
      balance,
    );
  });
});
