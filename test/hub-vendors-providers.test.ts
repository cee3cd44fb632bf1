import { afterEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { hubModule } from '../server/src/hub/index.ts';
import { cardMethod, createHubTestApp, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import { matchesPattern } from '../server/src/platform/event-pattern.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// Splits of payments that land in the merchant's available balance (wallet, ACH) rather than in
// its pending card balance.

let t: TestApp;
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** What the bus hands a subscription's handler (the ports it uses). */
const moduleDeps = () =>
  ({
    store: t.store,
    clock: t.clock,
    config: t.config,
    identity: t.identity,
    logger: silentLogger,
  }) as unknown as ModuleDeps;

const vendorBalance = async (api: MerchantApi, id: string) =>
  (await api('GET', `/v1/vendors/${id}`)).json.balances[0];
const merchantAvailable = async (api: MerchantApi) =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
    .available;

it("moves a wallet payment's shares when its payer approves it", async () => {
  t = createHubTestApp({}, { signupBonus: 2000 });
  const { api } = await setUpHubMerchant(t, ['wallet']);
  const payer = await t.signUp('payer');
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster' })).json.id;
  const asked = await api('POST', '/v1/payment-intents', {
    amount: 1500,
    currency: 'USD',
    payment_method: { type: 'wallet', wallet: { user: payer.id } },
    splits: [{ vendor, amount: 1200 }],
  });
  expect(asked.json.status).toBe('requires_action');
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 0 });
  const approved = await t.call('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`, {
    token: payer.token,
  });
  expect(approved.json.status).toBe('succeeded');
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 1200 });
  expect(await merchantAvailable(api)).toBe(300);

  // Refunded in full: the vendor's share comes back first, so the merchant can pay the payer.
  const refunded = await api('POST', `/v1/payment-intents/${asked.json.id}/refunds`);
  expect(refunded.status, refunded.text).toBe(200);
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 0, available: 0 });
  expect(await merchantAvailable(api)).toBe(0);
});

it('moves an ACH payment’s shares once, when the bus delivers its success (at least once)', async () => {
  t = createHubTestApp();
  const { api } = await setUpHubMerchant(t, []);
  await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster' })).json.id;
  const debit = await api('POST', '/v1/payment-intents', {
    amount: 10_000,
    currency: 'USD',
    payment_method: {
      type: 'bank_account',
      bank_account: { routing_number: '231380104', account_number: '10000000', account_holder_name: 'Payer' },
    },
    splits: [{ vendor, amount: 7_000 }],
  });
  expect(debit.json.status).toBe('processing');
  // Thursday 15 January 2026: T+2 business days skips the weekend and Martin Luther King Day.
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 6 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  expect((await api('GET', `/v1/payment-intents/${debit.json.id}/splits`)).json.status).toBe(
    'awaiting_payment',
  );

  const subscription = hubModule.subscriptions.find((s) => s.name === 'hub.vendor-splits')!;
  const deps = moduleDeps();
  const succeeded = (await pendingEvents(t)).filter(
    (event) => matchesPattern(subscription.pattern, event) && event.subject === debit.json.id,
  );
  expect(succeeded).toHaveLength(1);
  await subscription.handler(deps)(succeeded[0]!);
  await subscription.handler(deps)(succeeded[0]!);
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 7_000, available: 0 });
  expect(await merchantAvailable(api)).toBe(3_000);

  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  expect((await api('POST', '/v1/test-helpers/vendors/settle')).json).toEqual({ settled: 1 });
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 0, available: 7_000 });
  expect(await merchantAvailable(api)).toBe(3_000);
});

it("settles a card payment's shares as soon as the bus delivers the merchant's card settlement", async () => {
  t = createHubTestApp();
  const { api } = await setUpHubMerchant(t, ['sandbox_card']);
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster' })).json.id;
  const paid = await api('POST', '/v1/payment-intents', {
    amount: 10_000,
    currency: 'USD',
    payment_method: cardMethod(),
    splits: [{ vendor, amount: 6_000 }],
  });
  expect(paid.status, paid.text).toBe(201);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 6_000, available: 0 });

  const subscription = hubModule.subscriptions.find((s) => s.name === 'hub.vendor-settlement-on-payout')!;
  const settled = (await pendingEvents(t)).filter((event) => matchesPattern(subscription.pattern, event));
  expect(settled).toHaveLength(1);
  await subscription.handler(moduleDeps())(settled[0]!);
  await subscription.handler(moduleDeps())(settled[0]!);
  expect(await vendorBalance(api, vendor)).toMatchObject({ pending: 0, available: 6_000 });
  expect((await api('GET', `/v1/payment-intents/${paid.json.id}/splits`)).json.status).toBe('settled');
});
