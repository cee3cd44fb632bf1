import { expect } from 'vitest';
import { createTestApp, harnessStart, type TestApp, type TestUser } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';

/** A merchant owned by a fresh user, with one API key. */
export interface TestMerchant {
  owner: TestUser;
  id: string;
  key: { id: string; secret: string };
}

export async function createTestMerchant(
  t: TestApp,
  options: { rate_limit_per_minute?: number; owner?: TestUser } = {},
): Promise<TestMerchant> {
  const owner = options.owner ?? (await t.signUp('merchant'));
  const merchant = await t.call('POST', '/v1/merchants', {
    token: owner.token,
    body: { name: 'Acme Coffee' },
  });
  expect(merchant.status).toBe(201);
  const key = await t.call('POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
    token: owner.token,
    body: {
      name: 'server',
      ...(options.rate_limit_per_minute ? { rate_limit_per_minute: options.rate_limit_per_minute } : {}),
    },
  });
  expect(key.status).toBe(201);
  return { owner, id: merchant.json.id, key: { id: key.json.id, secret: key.json.secret } };
}

export function card(
  number = '4242424242424242',
  overrides: Partial<{ exp_month: number; exp_year: number; cvc: string }> = {},
) {
  return { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123', ...overrides };
}

export function paymentBody(overrides: Record<string, unknown> = {}) {
  return { amount: 1000, currency: 'USD', card: card(), ...overrides };
}

/** Calls the merchant API with the merchant's key. */
export function asMerchant(t: TestApp, merchant: Pick<TestMerchant, 'key'>) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}), headers });
}

export type MerchantApi = ReturnType<typeof asMerchant>;

/** Creates a payment as the merchant (`paymentBody` with `overrides`), expects 201, returns its id. */
export async function createPayment(
  api: MerchantApi,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await api('POST', '/v1/payments', paymentBody(overrides));
  expect(response.status).toBe(201);
  return response.json.id;
}

/**
 * What most payments tests start from: an app (a fresh one unless given) with one merchant, and
 * that merchant's API.
 *
 * @example beforeEach(async () => { ({ t, merchant, api } = await setUpMerchantApp()); });
 */
export async function setUpMerchantApp(
  t: TestApp = createTestApp(),
): Promise<{ t: TestApp; merchant: TestMerchant; api: MerchantApi }> {
  const merchant = await createTestMerchant(t);
  return { t, merchant, api: asMerchant(t, merchant) };
}

/** After each test: the books still balance; then the store closes. */
export async function tearDownApp(t: TestApp): Promise<void> {
  await expectBooksBalanced(t.store);
  await t.store.close();
}

/**
 * The events the test wrote to the outbox, oldest first: read from the outbox's time buckets since
 * the harness clock started (or the last hour, for a clock started elsewhere).
 */
export async function pendingEvents(t: TestApp): Promise<EventEnvelope[]> {
  const now = t.clock.now();
  const isHarnessClock = now >= harnessStart && now - harnessStart < 30 * 86_400_000;
  return outboxEventsBetween(t.store, isHarnessClock ? harnessStart : now - 3_600_000, now);
}
