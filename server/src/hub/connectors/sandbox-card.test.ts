import { afterEach } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../../test/invariants.ts';
import { card, createTestMerchant } from '../../payments/test-support.ts';
import { runConnectorContract } from './contract.ts';
import { sandboxCardConnector } from './sandbox-card.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.store.close();
});

runConnectorContract('sandbox_card', async () => {
  const t = createTestApp();
  apps.push(t);
  const merchant = await createTestMerchant(t);
  return {
    connector: sandboxCardConnector({ store: t.store, clock: t.clock }),
    ctx: { merchantId: merchant.id, ownerId: merchant.owner.id, connectorId: 'mca_test', credentials: {} },
    currency: 'USD',
    approved: { type: 'card', card: card() },
    declined: { type: 'card', card: card('4000000000009995') },
    check: () => expectBooksBalanced(t.store),
  };
});
