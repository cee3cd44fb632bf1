import { registerApprovalExecutor } from '../approvals/index.ts';
import { defineModule } from '../platform/module.ts';
import { settleDueAch } from './ach/service.ts';
import { breakerOpenedMetric } from './breaker.ts';
import { credentialsKeySecret } from './credentials.ts';
import { hubDeps } from './deps.ts';
import { hubErrors } from './errors.ts';
import { hubEventTypes } from './events.ts';
import { hubIds } from './ids.ts';
import { hubMigrations } from './migrations.ts';
import { recoverInterruptedIntents, reconcileTimedOutAttempts } from './recovery.ts';
import { hubRoutes } from './routes.ts';
import { disputeFromSandbox } from './webhooks.ts';
import { hubKeyPatterns } from './store.ts';
import { vendorErrors, vendorIds } from './vendors-model.ts';
import { settleDueSplits, settleSplitsOnMerchantSettlement } from './vendors-settlement.ts';
import { transferSplitsOnSuccess } from './vendors-splits.ts';
import { vendorKeyPatterns } from './vendors-store.ts';
import { vendorPayoutExecutor, vendorPayoutExecutorName } from './vendors-payouts.ts';
export { hubEventTypes, type HubEventType } from './events.ts';
export type { HubTestHooks } from './deps.ts';
// Billing charges each invoice through the merchant's routing (module to module, through this file only).
export { hubDeps, type HubDeps } from './deps.ts';
export {
  cancelIntent,
  createIntent,
  getIntentRecord,
  type MerchantActor as HubActor,
  type Respond as HubRespond,
} from './intents.ts';
export type { CreateIntent, Intent } from './model.ts';
// Modules that charge through the hub read its credentials key too (they declare it: billing).
export { credentialsKeySecret } from './credentials.ts';
// Merchant payouts to a bank go into the merchant's NACHA file as vendor payouts do.
export {
  openBankAccount,
  originateAchCredit,
  registerAchCreditHandler,
  requireAchConnector,
  sealBankAccount,
  sealedBankAccountSchema,
  type AchCreditDeps,
  type AchCreditHandler,
  type AchEntryRecord,
  type SealedBankAccount,
} from './ach/credits.ts';
export { bankAccountMethodSchema } from './method-schemas.ts';

// A vendor payout under the merchant's `payout` policy, once approved, is paid in the transaction that marks it executed.
registerApprovalExecutor(vendorPayoutExecutorName, vendorPayoutExecutor);

/**
 * The processing hub: one payments API over several providers (the sandbox card network, Sluice
 * wallets, Stripe, ACH bank debits in daily NACHA files),
 * with per-merchant routing, failover on technical failures, a circuit breaker per connector kept
 * in the store, fault injection for integrators, and provider webhooks normalized onto the bus.
 */
export const hubModule = defineModule({
  name: 'hub',
  http: {
    paths: [
      { prefix: '/v1/connectors', auth: 'merchant' },
      { prefix: '/v1/routing', auth: 'merchant' },
      { prefix: '/v1/payment-intents', auth: 'merchant' },
      { prefix: '/v1/test-helpers/connectors', auth: 'merchant' },
      { prefix: '/v1/test-helpers/ach', auth: 'merchant' },
      { prefix: '/v1/ach', auth: 'merchant' },
      { prefix: '/v1/vendors', auth: 'merchant' },
      { prefix: '/v1/test-helpers/vendors', auth: 'merchant' },
      // The payer of a wallet payment answers it with their own access token.
      { prefix: '/v1/payer', auth: 'user' },
      // Providers call it; the handler verifies their signature with the connector's secret.
      { prefix: '/v1/hub/webhooks', auth: 'public' },
    ],
    routes: (deps) => hubRoutes(deps),
  },
  subscriptions: [
    {
      name: 'hub.dispute-from-sandbox',
      pattern: { source: ['sluice.payments'], type: ['dispute.created'] },
      handler: (deps) => disputeFromSandbox(hubDeps(deps)),
    },
    {
      // Splits of intents that succeed outside the request that made them (ACH settlement), or
      // whose transfer a crash interrupted; idempotent, so the usual second call moves nothing.
      name: 'hub.vendor-splits',
      pattern: { source: ['sluice.hub'], type: ['payment_intent.succeeded'] },
      handler: (deps) => transferSplitsOnSuccess(hubDeps(deps)),
    },
    {
      // A merchant's card settlement makes its vendors' shares of those payments due as well.
      name: 'hub.vendor-settlement-on-payout',
      pattern: { source: ['sluice.payments'], type: ['payout.settled'] },
      handler: (deps) => settleSplitsOnMerchantSettlement(hubDeps(deps)),
    },
  ],
  jobs: [
    {
      name: 'hub.recover-intents',
      cron: '* * * * *',
      description:
        'Finishes payment intents a crash cut off mid-attempt: asks the provider by the attempt key what it did and undoes it',
      run: (deps) => recoverInterruptedIntents(hubDeps(deps)),
    },
    {
      name: 'hub.reconcile-attempts',
      cron: '* * * * *',
      description:
        'Asks providers again what timed-out attempts did when they could not be asked at the time, and undoes it',
      run: (deps) => reconcileTimedOutAttempts(hubDeps(deps)),
    },
    {
      name: 'hub.ach-settlement',
      cron: '0 * * * *',
      description: "Settles ACH debits due (T+2 business days) by each merchant's sandbox clock",
      run: (deps) => settleDueAch(hubDeps(deps)),
    },
    {
      name: 'hub.vendor-settlement',
      cron: '30 * * * *',
      description:
        "Settles vendors' shares to their available balance from the day after the payment, by each merchant's sandbox clock",
      run: (deps) => settleDueSplits(hubDeps(deps)),
    },
  ],
  events: hubEventTypes,
  webhookEvents: hubEventTypes,
  errors: { ...hubErrors.table, ...vendorErrors.table },
  ids: { ...hubIds.prefixes, ...vendorIds.prefixes },
  keys: [...hubKeyPatterns, ...vendorKeyPatterns],
  // Connector credentials and bank account numbers are sealed under a key derived from it.
  secrets: [credentialsKeySecret],
  alarms: [
    {
      name: 'breaker-open',
      metric: breakerOpenedMetric,
      threshold: 1,
      periodMinutes: 5,
      description:
        "A connector's circuit breaker opened: its provider is failing (timeouts, 5xx, network) and payments fail over to the next provider in the merchant's routing",
    },
  ],
  // Values sealed before v2 are sealed again under the credentials key (so the AWS migrate function reads it).
  migrations: hubMigrations,
});
