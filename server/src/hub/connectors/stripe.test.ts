import { afterAll, beforeAll } from 'vitest';
import { startStripeMock, stripeCredentials } from '../test-support.ts';
import { runConnectorContract } from './contract.ts';
import { stripeConnector } from './stripe.ts';

// A real HTTP server speaking Stripe's API (stripe-stateful-mock), started as a child process.
let mock: Awaited<ReturnType<typeof startStripeMock>>;
beforeAll(async () => {
  mock = await startStripeMock();
}, 30_000);
afterAll(() => mock.stop());

runConnectorContract('stripe', async () => ({
  connector: stripeConnector({ endpoint: mock.stripe }),
  ctx: {
    merchantId: 'mer_test',
    ownerId: 'usr_test',
    connectorId: 'mca_test',
    credentials: stripeCredentials,
  },
  currency: 'USD',
  approved: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } },
  declined: { type: 'card', card: { number: '4000000000000002', exp_month: 12, exp_year: 2030, cvc: '123' } },
}));
