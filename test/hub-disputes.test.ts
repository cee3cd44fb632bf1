import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { matchesPattern } from '../server/src/platform/event-pattern.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import { hubModule } from '../server/src/hub/index.ts';
import { cardMethod, createHubTestApp, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import { pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => {
  t = createHubTestApp();
  ({ api } = await setUpHubMerchant(t, ['sandbox_card']));
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

it("records a sandbox card chargeback (the payments module's dispute.created) on the intent, once", async () => {
  const paid = await api('POST', '/v1/payment-intents', {
    amount: 4200,
    currency: 'USD',
    payment_method: cardMethod('4000000000000259'),
  });
  expect(paid.status, paid.text).toBe(201);
  // The bus would deliver the payments module's event to the hub's subscription (at least once).
  const subscription = hubModule.subscriptions[0]!;
  const deps = {
    store: t.store,
    clock: t.clock,
    config: t.config,
    identity: t.identity,
    logger: silentLogger,
  } as unknown as ModuleDeps;
  const created = (await pendingEvents(t)).filter((event) => matchesPattern(subscription.pattern, event));
  expect(created).toHaveLength(1);
  await subscription.handler(deps)(created[0]!);
  await subscription.handler(deps)(created[0]!);

  const intent = (await api('GET', `/v1/payment-intents/${paid.json.id}`)).json;
  expect(intent.dispute).toMatchObject({
    provider_reference: paid.json.provider_reference,
    amount: 4200,
    status: 'needs_response',
  });
  const dispute = await api('GET', `/v1/disputes/${intent.dispute.id}`);
  expect(dispute.json).toMatchObject({ payment: paid.json.provider_reference, amount: 4200 });
  const disputed = (await pendingEvents(t)).filter((event) => event.type === 'payment_intent.disputed');
  expect(disputed.map((event) => event.subject)).toEqual([paid.json.id]);
});
