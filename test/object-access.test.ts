import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commerceTestPlatform,
  shippingAddress,
  type CommerceTestPlatform,
} from '../server/src/commerce/test-support.ts';
import { randomInt } from 'node:crypto';
import { expectBooksBalanced } from './invariants.ts';

/**
 * Every route that names an object, swept with another tenant's ids: what an attacker holding a
 * user account and a merchant API key of their own would try against every product at once.
 *
 * A victim (a user and a merchant) makes one of nearly everything: wallet transfers and payment
 * requests, card payments, refunds, webhook endpoints, hub connectors and payment intents,
 * vendors, plans, customers, subscriptions and invoices, an order in the shop. Every id found in
 * its responses is then tried, by the attacker's user token and by its merchant key, in every
 * path parameter of every route in `/openapi.json` (so a route added later is swept too). Each
 * answer must be exactly the answer for an id that does not exist (same status, error code and
 * param: no 2xx, and no existence oracle), never a 5xx; the victim's objects read the same
 * afterwards, and the books balance.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies freely
type Json = any;

let t: CommerceTestPlatform;
const victimIds = new Set<string>();
/** What the victim's GET of each of its objects answered before the sweep. */
const victimView = new Map<string, string>();
let victim: { token: string; key: string; merchant: string; owner: string };
let attacker: { token: string; key: string };
let routes: Array<{ method: string; path: string }>;

/** Records every id-shaped string (`prefix_` and a ULID) of a response body. */
function collect(value: unknown): void {
  if (typeof value === 'string') {
    if (/^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$/.test(value)) victimIds.add(value);
  } else if (Array.isArray(value)) value.forEach(collect);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
}

async function as(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const response = await t.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
  collect(response.json);
  return response;
}

async function created(token: string, path: string, body: unknown): Promise<Json> {
  const response = await as(token, 'POST', path, body);
  expect(response.status, `${path} ${JSON.stringify(response.json)}`).toBeLessThan(300);
  return response.json;
}

async function merchantOf(token: string): Promise<{ merchant: string; key: string }> {
  const merchant = await created(token, '/v1/merchants', { name: 'Acme Coffee' });
  const key = await created(token, `/v1/merchants/${merchant.id}/api-keys`, {
    name: 'server',
    rate_limit_per_minute: 100_000,
  });
  return { merchant: merchant.id, key: key.secret };
}

/** Signs up and verifies the email with the mailed code (the platform asks for it before money moves). */
async function verifiedUser(name: string) {
  const user = await t.signUp(name);
  const { items } = await t.platform.notifier.list(user.email, { limit: 50 });
  const code = items.flatMap((message) =>
    message.channel === 'email' && message.subject.includes('Verify')
      ? [/\b(\d{6})\b/.exec(message.text)?.[1]]
      : [],
  )[0];
  const verified = await t.call('POST', '/v1/auth/verify-email', { token: user.token, body: { code } });
  expect(verified.status, JSON.stringify(verified.json)).toBe(200);
  return user;
}

const card = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };

/**
 * Routes whose path parameter is not an object of one tenant: a public catalog, a caller's own
 * cart line, a provider's webhook, a day, an admin's queue name. Swept all the same for 5xx.
 */
const notTenantObjects = new Set([
  'GET /v1/products/{id}',
  'PATCH /v1/cart/items/{product_id}',
  'DELETE /v1/cart/items/{product_id}',
  'GET /v1/posts/{id}',
  'POST /v1/posts/{id}/like',
  'DELETE /v1/posts/{id}/like',
  'POST /v1/posts/{id}/comments',
  'GET /v1/posts/{id}/comments',
  'GET /v1/rewards/{id}',
  'POST /v1/rewards/{id}/redeem',
  'POST /v1/hub/webhooks/{id}',
  'GET /v1/ach/files/{day}',
]);

/** An id with the same prefix and time, and random tail: one that exists nowhere. */
const missingLike = (id: string) =>
  id.slice(0, id.length - 16) +
  Array.from({ length: 16 }, () => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[randomInt(32)]).join('');

/** The fills for a route's parameters: each victim id in each position, the others the victim's merchant. */
function fillsOf(path: string): string[][] {
  const params = path.match(/\{[^}]+\}/g) ?? [];
  const ids = [...victimIds];
  if (params.length === 1) return ids.map((id) => [id]);
  // Two parameters: the victim's own merchant (or customer) and each of its ids in the second.
  return ids.flatMap((id) => [
    [victim.merchant, id],
    [id, id],
  ]);
}

const fill = (path: string, values: string[]) => {
  let index = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[index++]!));
};

/** What matters of an answer: status, and the error's code and param. */
const answerOf = (response: { status: number; json: Json }) =>
  JSON.stringify([response.status, response.json?.error?.code ?? null, response.json?.error?.param ?? null]);

beforeAll(async () => {
  t = await commerceTestPlatform();
  const admin = await t.adminToken();
  const owner = await verifiedUser('Victim');
  const friend = await verifiedUser('Friend');
  const mallory = await verifiedUser('Mallory');
  const attackerMerchant = await merchantOf(mallory.token);
  const mine = new Set(victimIds);
  victimIds.clear();
  const victimMerchant = await merchantOf(owner.token);
  victim = {
    token: owner.token,
    key: victimMerchant.key,
    merchant: victimMerchant.merchant,
    owner: owner.id,
  };
  attacker = { token: mallory.token, key: attackerMerchant.key };
  const key = victim.key;

  // Wallet: a transfer to a friend, a request of money from them.
  await created(owner.token, '/v1/transfers', { to: friend.id, amount: 500, currency: 'USD', note: 'lunch' });
  await created(owner.token, '/v1/payment-requests', { from: friend.email, amount: 300, currency: 'USD' });
  // Card payments: one authorized, one captured and partly refunded; a webhook endpoint.
  await created(key, '/v1/payments', { amount: 1000, currency: 'USD', capture: false, card });
  const captured = await created(key, '/v1/payments', { amount: 2000, currency: 'USD', card });
  await created(key, '/v1/refunds', { payment: captured.id, amount: 500 });
  await created(key, '/v1/webhook-endpoints', {
    url: 'http://127.0.0.1:9/sluice',
    events: ['payment.captured'],
  });
  // The hub: connectors, a vendor, a payment intent split with it, refunded in part.
  await created(key, '/v1/connectors', { provider: 'sandbox_card' });
  await created(key, '/v1/connectors', { provider: 'wallet' });
  const vendor = await created(key, '/v1/vendors', { name: 'Roaster', currency: 'USD' });
  const intent = await created(key, '/v1/payment-intents', {
    amount: 5000,
    currency: 'USD',
    payment_method: { type: 'card', card },
    splits: [{ vendor: vendor.id, amount: 2000 }],
  });
  await created(key, `/v1/payment-intents/${intent.id}/refunds`, { amount: 100 });
  // A wallet payment intent the friend is asked to approve.
  await created(key, '/v1/payment-intents', {
    amount: 700,
    currency: 'USD',
    payment_method: { type: 'wallet', wallet: { user: friend.id } },
  });
  // Billing: a plan, a customer with a card, a subscription and its invoice.
  const plan = await created(key, '/v1/plans', {
    name: 'Pro',
    amount: 2000,
    currency: 'USD',
    interval: 'month',
  });
  const customer = await created(key, '/v1/customers', { name: 'Jane Doe', email: 'jane@example.com' });
  const method = await created(key, `/v1/customers/${customer.id}/payment-methods`, { type: 'card', card });
  await created(key, '/v1/subscriptions', {
    customer: customer.id,
    plan: plan.id,
    payment_method: method.id,
  });
  // The shop: the victim's order, paid from its wallet.
  const mug = await t.createProduct({ name: 'Mug', price: 1200, stock: 5 });
  await created(owner.token, '/v1/cart/items', { product_id: mug.id, quantity: 1 });
  const order = await t.call('POST', '/v1/checkout', {
    token: owner.token,
    headers: { 'idempotency-key': 'victim-checkout' },
    body: { shipping_address: shippingAddress, payment_method: { type: 'wallet' } },
  });
  expect(order.status, JSON.stringify(order.json)).toBeLessThan(300);
  collect(await t.waitForOrder(owner.token, order.json.id));
  // Lists the victim can read: settlements, events, deliveries, invoices…
  for (const list of ['/v1/events', '/v1/invoices', '/v1/payouts', '/v1/approvals', '/v1/settlements'])
    await as(key, 'GET', `${list}?limit=100`);
  void admin;

  // Ids in the victim's answers that are the attacker's or everyone's (the attacker's own user,
  // the shop's product) are not the victim's.
  for (const id of [...mine, mallory.id, mug.id]) victimIds.delete(id);

  const spec = await t.call('GET', '/openapi.json');
  routes = Object.entries(spec.json.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.includes('{'))
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('another tenant’s ids, on every route that names an object', () => {
  it('finds the victim’s objects readable by the victim (the sweep has something to find)', async () => {
    for (const { method, path } of routes) {
      if (method !== 'GET' || (path.match(/\{/g) ?? []).length !== 1) continue;
      for (const id of victimIds)
        for (const credential of [victim.token, victim.key]) {
          const url = fill(path, [id]);
          const response = await t.call('GET', url, { token: credential });
          if (response.status === 200) victimView.set(`${credential} ${url}`, JSON.stringify(response.json));
        }
    }
    // The routes let off the comparison all exist (a renamed one would slip through unswept).
    const named = new Set(routes.map(({ method, path }) => `${method} ${path}`));
    for (const route of notTenantObjects) expect(named, route).toContain(route);
    const read = new Set(
      [...victimView.keys()].map((key) => key.split(' ')[1]!.replace(/\/[a-z]+_[0-9A-Z]{26}/g, '/{id}')),
    );
    for (const path of [
      '/v1/transfers/{id}',
      '/v1/payment-requests/{id}',
      '/v1/payments/{id}',
      '/v1/refunds/{id}',
      '/v1/webhook-endpoints/{id}',
      '/v1/events/{id}',
      '/v1/connectors/{id}',
      '/v1/payment-intents/{id}',
      '/v1/vendors/{id}',
      '/v1/plans/{id}',
      '/v1/customers/{id}',
      '/v1/subscriptions/{id}',
      '/v1/invoices/{id}',
      '/v1/orders/{id}',
      '/v1/merchants/{id}',
    ])
      expect(read, path).toContain(path);
  }, 300_000);

  it('answers the attacker exactly as for an id that does not exist, and changes nothing', async () => {
    const differences: string[] = [];
    for (const { method, path } of routes) {
      const route = `${method} ${path}`;
      for (const values of fillsOf(path))
        for (const credential of [attacker.token, attacker.key]) {
          const body = method === 'GET' || method === 'DELETE' ? undefined : {};
          const call = (filled: string[]) =>
            t.call(method, fill(path, filled), { token: credential, ...(body ? { body } : {}) });
          const real = await call(values);
          expect(real.status, `${route} ${values.join(',')}`).toBeLessThan(500);
          if (notTenantObjects.has(route)) continue;
          const missing = await call(
            values.map((value) => (victimIds.has(value) ? missingLike(value) : value)),
          );
          if (answerOf(real) !== answerOf(missing))
            differences.push(
              `${route} [${values.join(', ')}]: ${answerOf(real)} vs missing ${answerOf(missing)}`,
            );
        }
    }
    expect(differences).toEqual([]);
    for (const [key, before] of victimView) {
      const [credential, url] = key.split(' ') as [string, string];
      const after = await t.call('GET', url, { token: credential });
      expect(JSON.stringify(after.json), url).toBe(before);
    }
    await expectBooksBalanced(t.platform.store);
  }, 600_000);
});
