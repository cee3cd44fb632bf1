import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { createHubTestApp, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

// Payers sign up with the wallet's sign-up bonus: $20.00.
const bonus = 2000;
let t: TestApp;
let api: MerchantApi;
let payer: TestUser;
beforeEach(async () => {
  t = createHubTestApp({}, { signupBonus: bonus });
  ({ api } = await setUpHubMerchant(t, ['wallet', 'sandbox_card']));
  payer = await t.signUp('payer');
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const ask = (amount: number, capture = true) =>
  api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: { type: 'wallet', wallet: { user: payer.id } },
    capture,
  });
const asPayer = (method: string, path: string, user: TestUser = payer) =>
  t.call(method, path, { token: user.token });
const walletAvailable = async (user: TestUser = payer) =>
  (await asPayer('GET', '/v1/wallet', user)).json.balances.find(
    (b: { currency: string }) => b.currency === 'USD',
  )?.available ?? 0;
const merchantAvailable = async () =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
    ?.available ?? 0;

it('asks the payer, who approves: the amount moves from their wallet to the merchant', async () => {
  const asked = await ask(1500);
  expect(asked.status, asked.text).toBe(201);
  expect(asked.json).toMatchObject({ status: 'requires_action', provider: 'wallet', routed_to: ['wallet'] });
  expect(asked.json.attempts).toMatchObject([{ provider: 'wallet', status: 'pending' }]);
  expect(await walletAvailable()).toBe(bonus);
  // The payer is told (realtime pushes an event to its audience).
  const asking = (await pendingEvents(t)).filter((event) => event.type === 'payment_intent.requires_action');
  expect(asking.map((event) => event.audience)).toEqual([[expect.any(String), payer.id]]);

  const seen = await asPayer('GET', `/v1/payer/payment-intents/${asked.json.id}`);
  expect(seen.json.amount).toBe(1500);
  const approved = await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`);
  expect(approved.status, approved.text).toBe(200);
  expect(approved.json).toMatchObject({ status: 'succeeded', amount_captured: 1500 });
  expect(approved.json.attempts).toMatchObject([{ provider: 'wallet', status: 'captured' }]);
  expect(await walletAvailable()).toBe(bonus - 1500);
  expect(await merchantAvailable()).toBe(1500);

  expect((await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`)).status).toBe(409);

  const refunded = await api('POST', `/v1/payment-intents/${asked.json.id}/refunds`, { amount: 500 });
  expect(refunded.json).toMatchObject({ amount_refunded: 500 });
  expect(await walletAvailable()).toBe(bonus - 1000);
  expect(await merchantAvailable()).toBe(1000);
});

it('holds on approval when capture is false, and releases the hold on cancel', async () => {
  const asked = await ask(800, false);
  const approved = await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`);
  expect(approved.json.status).toBe('requires_capture');
  expect(await walletAvailable()).toBe(bonus - 800);
  const canceled = await api('POST', `/v1/payment-intents/${asked.json.id}/cancel`);
  expect(canceled.json.status).toBe('canceled');
  expect(await walletAvailable()).toBe(bonus);
  expect(await merchantAvailable()).toBe(0);
});

it('declines (402 insufficient_funds) an approval the wallet cannot cover, moving nothing', async () => {
  const asked = await ask(bonus + 1);
  const approved = await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`);
  expect(approved.status).toBe(402);
  expect(approved.json.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
  const intent = await api('GET', `/v1/payment-intents/${asked.json.id}`);
  expect(intent.json).toMatchObject({
    status: 'failed',
    last_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
  });
  expect(await walletAvailable()).toBe(bonus);
});

it('lets the payer reject, and no one else answer or see it', async () => {
  const asked = await ask(300);
  const stranger = await t.signUp('stranger');
  expect((await asPayer('GET', `/v1/payer/payment-intents/${asked.json.id}`, stranger)).status).toBe(404);
  expect((await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`, stranger)).status).toBe(
    404,
  );
  expect((await t.call('POST', `/v1/payer/payment-intents/${asked.json.id}/approve`)).status).toBe(401);
  const rejected = await asPayer('POST', `/v1/payer/payment-intents/${asked.json.id}/reject`);
  expect(rejected.json).toMatchObject({ status: 'failed', last_error: { decline_code: 'generic_decline' } });
  expect(await walletAvailable()).toBe(bonus);
});

it('declines a payment from a wallet that does not exist', async () => {
  const response = await api('POST', '/v1/payment-intents', {
    amount: 100,
    currency: 'USD',
    payment_method: { type: 'wallet', wallet: { user: 'usr_nobody' } },
  });
  expect(response.status).toBe(402);
  expect(response.json.error).toMatchObject({
    code: 'card_declined',
    decline_code: 'invalid_payment_method',
    param: 'payment_method',
  });
});
