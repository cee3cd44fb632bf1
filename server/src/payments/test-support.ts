import { expect } from 'vitest';
import { createTestApp, harnessStart, type TestApp, type TestUser } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { Currency } from '../kernel/money.ts';
import { createAccount, ensureSystemAccount } from '../ledger/index.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';
import type { ItemKey, Store, WriteOperation } from '../platform/store.ts';
import { merchantAccountId } from './merchants.ts';
import { merchantAccountPurposes } from './model.ts';
import { merchantCurrencyPut } from './store/merchants.ts';

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

/** Calls as `user`, a member of `merchant`, acting for it (the `Sluice-Merchant` header). */
export function asMember(t: TestApp, merchant: Pick<TestMerchant, 'id'>, user: TestUser) {
  return (method: string, path: string, body?: unknown) =>
    t.call(method, path, {
      token: user.token,
      headers: { 'sluice-merchant': merchant.id },
      ...(body !== undefined ? { body } : {}),
    });
}

/** A new user the merchant's owner invites as `role`, signed up with the invited email. */
export async function joinMerchant(
  t: TestApp,
  merchant: Pick<TestMerchant, 'id' | 'owner'>,
  role: string,
): Promise<TestUser> {
  const email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role },
  });
  expect(invited.status).toBe(201);
  return t.signUp(role, email);
}

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

/** Whether the transaction writes (or checks) the item `key` names. */
export function writesItem(operations: WriteOperation[], key: ItemKey): boolean {
  return operations.some((op) => {
    const target = op.type === 'put' ? op.item : op.key;
    return target.pk === key.pk && target.sk === key.sk;
  });
}

/**
 * A race made deterministic on the real store: the next `times` transactions of `t.store` that
 * `matches` wait for `competing` to commit first, so the competing change lands between the
 * caller's read and its conditional write every time. Writes made by `competing` itself go
 * through untouched. Returns how often it interleaved.
 */
export function interleave(
  t: { store: Store },
  matches: (operations: WriteOperation[]) => boolean,
  competing: () => Promise<unknown>,
  times = 1,
): { count: number } {
  const transact = t.store.transact.bind(t.store);
  const state = { count: 0 };
  let competingNow = false;
  t.store.transact = async (operations: WriteOperation[]) => {
    if (!competingNow && state.count < times && matches(operations)) {
      state.count += 1;
      competingNow = true;
      try {
        await competing();
      } finally {
        competingNow = false;
      }
    }
    return transact(operations);
  };
  return state;
}

/** An error as a throttled or unreachable DynamoDB throws: not a refused condition, and no AppError. */
function storeFailure(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
    name: 'ProvisionedThroughputExceededException',
  });
}

/**
 * `t.store` whose next read of `key` fails as a throttled or unreachable DynamoDB does, so the
 * caller must pass the failure on, not explain it. A scripted failure of the cloud edge (nothing
 * here fails that way on its own), over the real SQLite store.
 */
export function failNextRead(t: TestApp, key: ItemKey): void {
  const get = t.store.get.bind(t.store);
  let armed = true;
  t.store.get = async (read: ItemKey) => {
    if (armed && read.pk === key.pk && read.sk === key.sk) {
      armed = false;
      throw storeFailure();
    }
    return get(read);
  };
}

/** As `failNextRead`, for the next transaction that `matches`: it fails and writes nothing. */
export function failNextWrite(t: TestApp, matches: (operations: WriteOperation[]) => boolean): void {
  const transact = t.store.transact.bind(t.store);
  let armed = true;
  t.store.transact = async (operations: WriteOperation[]) => {
    if (armed && matches(operations)) {
      armed = false;
      throw storeFailure();
    }
    return transact(operations);
  };
}

/**
 * A merchant's accounts in `currency` as `ensureMerchantAccounts` opened them before dispute fees
 * (commit 5e62e6f): the `fees` account without `credits_must_not_exceed_debits`.
 */
export async function openAccountsTheOldWay(
  t: TestApp,
  merchantId: string,
  currency: Currency,
  options: { recordCurrency: boolean } = { recordCurrency: true },
): Promise<void> {
  await ensureSystemAccount(t, 'card_network', currency);
  // Before the negative-balance floor there was no credit line.
  for (const purpose of merchantAccountPurposes.filter((p) => p !== 'credit_line')) {
    await createAccount(t, {
      id: merchantAccountId(merchantId, purpose, currency),
      currency,
      owner: merchantId,
      code: `merchant_${purpose}`,
      debits_must_not_exceed_credits: purpose === 'available',
    });
  }
  // Without it: the old code stopped (a crash) between opening the accounts and recording them.
  if (options.recordCurrency) await t.store.transact([merchantCurrencyPut(merchantId, currency)]);
}
