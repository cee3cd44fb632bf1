import { afterEach, describe, expect, it } from 'vitest';
import { commerceModule } from '../server/src/commerce/index.ts';
import type { SagaState } from '../server/src/commerce/saga.ts';
import {
  commerceTestPlatform,
  shippingAddress,
  signupBonus,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { expectBooksBalanced } from './invariants.ts';

let t: CommerceTestPlatform | undefined;
let releaseHeld: (() => void) | undefined;
afterEach(async () => {
  releaseHeld?.();
  await t?.close();
  t = undefined;
});

/** Holds the first run of `state` until released: the saga stops there, as if its process died. */
function holdFirst(state: SagaState) {
  let held = false;
  let reached!: () => void;
  const isReached = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (releaseHeld = resolve));
  return {
    isReached,
    beforeTask: async (task: SagaState) => {
      if (task !== state || held) return;
      held = true;
      reached();
      await gate;
    },
  };
}

async function resumeJob(platform: CommerceTestPlatform): Promise<unknown> {
  const job = commerceModule.jobs.find((candidate) => candidate.name === 'commerce.resume-checkouts')!;
  return job.run(platform.platform.moduleDeps);
}

async function startCheckout(platform: CommerceTestPlatform, price: number, stock: number) {
  const product = await platform.createProduct({ name: 'Kettle', price, stock });
  const buyer = await platform.signUp('Ann');
  await platform.call('POST', '/v1/cart/items', {
    token: buyer.token,
    body: { product_id: product.id, quantity: 1 },
  });
  const started = await platform.call('POST', '/v1/checkout', {
    token: buyer.token,
    headers: { 'idempotency-key': `recovery-${Math.random()}` },
    body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
  });
  expect(started.status).toBe(202);
  return { product, buyer, orderId: started.json.id as string };
}

describe('recovery of interrupted checkouts', () => {
  it('resumes a checkout left processing: the job re-runs the saga, which finishes it once', async () => {
    const hold = holdFirst('Capture');
    t = await commerceTestPlatform({ hooks: { beforeTask: hold.beforeTask } });
    const { product, buyer, orderId } = await startCheckout(t, 2000, 3);
    await hold.isReached;
    expect(await resumeJob(t)).toBe(0); // not stale yet
    t.clock.advance(61_000);
    expect(await resumeJob(t)).toBe(1);
    const token = await t.logIn(buyer.email);
    const order = await t.waitForOrder(token, orderId);
    expect(order).toMatchObject({ status: 'paid', payment_status: 'captured' });

    // The first run wakes up after the second finished: it finds everything done.
    releaseHeld!();
    await t.platform.runWorkflow('checkout', { order_id: orderId });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus - 2000, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    expect(await t.shopMail(buyer.email)).toHaveLength(1);
    await expectBooksBalanced(t.platform.store);
  });

  it('gives up a reservation that was never completed: the stock comes back and the order fails reservation_expired', async () => {
    const hold = holdFirst('Authorize');
    t = await commerceTestPlatform({ hooks: { beforeTask: hold.beforeTask } });
    const { product, buyer, orderId } = await startCheckout(t, 2000, 3);
    await hold.isReached;
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(2);
    t.clock.advance(16 * 60_000);
    expect(await resumeJob(t)).toBe(1);
    const token = await t.logIn(buyer.email);
    const order = await t.waitForOrder(token, orderId);
    expect(order).toMatchObject({ status: 'failed', failure_reason: 'reservation_expired' });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(3);

    // The stale run wakes up and tries to hold the money: refused, nothing held.
    releaseHeld!();
    await t.platform.runWorkflow('checkout', { order_id: orderId });
    expect(await t.wallet(buyer.id)).toEqual({ available: signupBonus, pending: 0 });
    expect((await t.call('GET', `/v1/products/${product.id}`)).json.stock).toBe(3);
    expect((await t.call('GET', `/v1/orders/${orderId}`, { token })).json.status).toBe('failed');
    await expectBooksBalanced(t.platform.store);
  });
});
