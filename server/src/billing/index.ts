import { credentialsKeySecret } from '../hub/index.ts';
import { defineModule } from '../platform/module.ts';
import { clockConsumeOptions, clockConsumer, clockQueue } from './clock.ts';
import { runAllDue } from './cycle.ts';
import { billingDeps } from './deps.ts';
import { billingEventTypes } from './events.ts';
import { billingIds } from './ids.ts';
import { billingMigrations } from './migrations.ts';
import { settlePendingCharge } from './pending.ts';
import { billingRoutes } from './routes.ts';
import { billingKeyPatterns } from './store.ts';
export { billingEventTypes, type BillingEventType } from './events.ts';

/**
 * Recurring billing: plans, customers with saved payment methods, subscriptions whose invoices are
 * finalized each period and charged through the hub's routing, dunning on a published schedule
 * (retries after 1, 3, 5 and 7 days; then `canceled` or `unpaid`), plan changes prorated to the
 * second (refused while the current period is not paid up), invoices as PDFs through the Blobs
 * port. Everything runs on each merchant's sandbox
 * clock: its own advance-clock steps through every cycle due (in the background, in bounded
 * batches: the clock is `advancing`, then `ready`), and a schedule catches up the rest.
 */
export const billingModule = defineModule({
  name: 'billing',
  http: {
    paths: [
      { prefix: '/v1/plans', auth: 'merchant' },
      { prefix: '/v1/customers', auth: 'merchant' },
      { prefix: '/v1/subscriptions', auth: 'merchant' },
      { prefix: '/v1/invoices', auth: 'merchant' },
      { prefix: '/v1/billing', auth: 'merchant' },
      { prefix: '/v1/test-helpers/billing', auth: 'merchant' },
    ],
    routes: (deps) => billingRoutes(billingDeps(deps)),
  },
  subscriptions: [
    {
      name: 'billing.settle-pending-charges',
      pattern: {
        source: ['sluice.hub'],
        type: ['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled'],
      },
      handler: (deps) => settlePendingCharge(billingDeps(deps)),
    },
  ],
  consumers: [
    {
      // Advance-clock's batches, each at most 20 s: a year over 10,000 subscriptions runs here,
      // never inside the HTTP call. Visibility: six times the consumer function's 60 s.
      queue: clockQueue,
      handler: (deps) => clockConsumer(billingDeps(deps)),
      options: clockConsumeOptions,
      aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: 10, batchSize: 1 },
    },
  ],
  jobs: [
    {
      name: 'billing.run-due',
      cron: '* * * * *',
      localEveryMs: 5_000,
      description: "Renews and retries the subscriptions due by each merchant's sandbox clock",
      run: (deps) => runAllDue(billingDeps(deps)),
    },
  ],
  events: billingEventTypes,
  webhookEvents: billingEventTypes,
  ids: billingIds.prefixes,
  keys: billingKeyPatterns,
  // Its jobs and consumers charge through the hub's connectors, whose credentials are sealed under
  // it; saved ACH accounts are sealed under a key of billing's own derived from it (`sealed.ts`).
  secrets: [credentialsKeySecret],
  migrations: billingMigrations,
});
