import { afterEach } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../../test/invariants.ts';
import { createTestMerchant } from '../../payments/test-support.ts';
import { runConnectorContract } from './contract.ts';
import { walletConnector } from './wallet.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.store.close();
});

runConnectorContract('wallet', async () => {
  // Payers start with a sign-up bonus large enough for the suite's payments.
  const t = createTestApp({ config: { signupBonus: 100_000 } });
  apps.push(t);
  const merchant = await createTestMerchant(t);
  const payer = await t.signUp('payer');
  const connector = walletConnector({ store: t.store, clock: t.clock, config: t.config, users: t.identity });
  const ctx = {
    merchantId: merchant.id,
    ownerId: merchant.owner.id,
    connectorId: 'mca_test',
    credentials: {},
  };
  return {
    connector,
    ctx,
    currency: 'USD',
    approved: { type: 'wallet', wallet: { user: payer.id } },
    declined: { type: 'wallet', wallet: { user: 'usr_nobody' } },
    approve: async (reference) => {
      await connector.approve(ctx, reference, payer.id);
    },
    check: () => expectBooksBalanced(t.store),
  };
});
