import { paymentsKeyPatterns } from './store/keys.ts';
import { memberKeyPatterns } from './store/members.ts';
import { defineModule } from '../platform/module.ts';
import { balanceRoutes } from './balance-routes.ts';
import { disputeRoutes } from './dispute-routes.ts';
import { disputeCardCaptured, disputeOnCapture } from './disputes.ts';
import { paymentsErrors } from './errors.ts';
import { paymentEventTypes } from './events.ts';
import { requireMerchant } from './merchant-auth.ts';
import { paymentsMigrations } from './migrations.ts';
import './approver-directory.ts';
import { memberRoutes } from './member-routes.ts';
import { merchantRoutes, paymentRoutes } from './routes.ts';
import { settlementTasks } from './settlement.ts';
import { settlementRoutes } from './settlement-routes.ts';
import { expireAuthorizations, type SettleMerchantRun } from './transitions.ts';
export { merchantRoutes, paymentRoutes } from './routes.ts';
export { settlementRoutes } from './settlement-routes.ts';
export { disputeRoutes } from './dispute-routes.ts';
export { authenticateApiKey, apiKeyIsLive, apiKeySecretPrefix, type ApiKeyGrant } from './api-keys.ts';
export { merchantAuthenticator } from './merchant-stream-auth.ts';
export { memberMayRead } from './members.ts';
// Commerce checks a card before it takes an order, as createPayment would (cards.ts is pure).
export { checkCard } from './cards.ts';
export {
  createMerchant,
  getMerchantRecord,
  merchantAccountId,
  sandboxNow,
  type MerchantRecord,
  type PaymentsDeps,
} from './merchants.ts';
export {
  expireAuthorizations,
  expireDueAuthorizations,
  advanceClock,
  type SettleMerchantRun,
} from './transitions.ts';
export { paymentEventTypes, type PaymentEventType } from './events.ts';
export { testCards, findTestCard, type TestCard, type TestCardOutcome } from './test-cards.ts';
export {
  settleMerchant,
  listMerchantsDue,
  settlementTasks,
  getSettlement,
  listSettlements,
} from './settlement.ts';
export { closeDueDisputes, openDispute } from './disputes.ts';
export type { Dispute, Settlement } from './model.ts';
// The hub's sandbox_card connector charges through these (module to module, through this file only).
export { createPayment, getPayment, type MerchantActor } from './service.ts';
// The hub's migration walks every merchant's connectors and ACH entries.
export { allMerchants, ensureMerchantAccounts } from './merchants.ts';
export { capturePayment, voidPayment } from './transitions.ts';
export { createRefund, getRefund } from './refunds.ts';
export { cardInputSchema, type CardInput, type Payment, type Refund } from './model.ts';

/** The settlement state machine: the local runner and Step Functions run the same file. */
export const settlementDefinition = new URL('../workflows/settlement.asl.json', import.meta.url);

/**
 * The card-payments sandbox as a module: merchants and API keys (people's routes), the merchant
 * API (an API key, or the owner's token plus `Sluice-Merchant`: the `merchant` scheme it offers),
 * authorization expiry, and T+1 settlement as a state machine run daily and by test clocks.
 */
export const paymentsModule = defineModule({
  name: 'payments',
  http: {
    paths: [
      { prefix: '/v1/merchants', auth: 'user' },
      // Authorize, capture and void commit with their idempotency record: no claim first.
      { prefix: '/v1/payments', auth: 'merchant', idempotency: 'in_transaction' },
      { prefix: '/v1/refunds', auth: 'merchant' },
      { prefix: '/v1/balance', auth: 'merchant' },
      { prefix: '/v1/test-helpers', auth: 'merchant' },
      { prefix: '/v1/settlements', auth: 'merchant' },
      { prefix: '/v1/disputes', auth: 'merchant' },
    ],
    routes: (deps) => {
      const payments = { store: deps.store, clock: deps.clock };
      const runWorkflow = deps.runWorkflow;
      // advance-clock settles through the same state machine the daily schedule runs, where the
      // runtime can run it in the call; otherwise it calls the settlement step itself.
      const settle: SettleMerchantRun | undefined = runWorkflow
        ? async (merchant) =>
            ((await runWorkflow('settlement', { merchant })) as SettlementRun).settled.flatMap(
              (run) => run.settlements,
            )
        : undefined;
      return merchantRoutes({ ...payments, users: deps.identity })
        .route('/', paymentRoutes({ ...payments, ...(settle ? { settle } : {}) }))
        .route('/', settlementRoutes(payments))
        .route('/', disputeRoutes(payments))
        .route('/', balanceRoutes(payments))
        .route('/', memberRoutes({ ...payments, identity: deps.identity, notifier: deps.notifier }));
    },
    authSchemes: { merchant: (deps) => requireMerchant(deps) },
  },
  subscriptions: [
    {
      // The dispute card's chargeback, when its capture could not open it in the same request
      // (`openScriptedDisputeAfterCapture`); retried by the outbox, idempotent by the payment.
      name: 'payments.dispute-card-dispute',
      pattern: disputeCardCaptured,
      handler: (deps) => disputeOnCapture({ store: deps.store, clock: deps.clock }),
    },
  ],
  jobs: [
    {
      name: 'payments.expire-authorizations',
      // Every minute on both runtimes: an authorization lives 7 days, and advance-clock expires
      // what its jump makes due itself. (Every second it read 9 index partitions per merchant
      // per second: ~7% of the main thread under load with 100 merchants.)
      cron: '* * * * *',
      description: "Expires card authorizations past their hold, by each merchant's test clock",
      run: (deps) => expireAuthorizations(deps),
    },
    {
      name: 'settlement-daily',
      cron: '0 0 * * *',
      description: 'T+1 settlement at real UTC midnight; test clocks fire it early',
      workflow: 'settlement',
    },
  ],
  workflows: [
    {
      name: 'settlement',
      definition: settlementDefinition,
      tasks: (deps) => settlementTasks(deps),
      taskFunctions: {
        ListMerchantsDue: {
          description: 'Settlement task: merchants with captures due',
          memoryMb: 512,
          timeoutSeconds: 60,
        },
        SettleMerchant: {
          description: 'Settlement task: settle one merchant',
          memoryMb: 512,
          timeoutSeconds: 300,
        },
      },
    },
  ],
  events: paymentEventTypes,
  webhookEvents: paymentEventTypes,
  errors: paymentsErrors.table,
  keys: [...paymentsKeyPatterns, ...memberKeyPatterns],
  migrations: paymentsMigrations,
});

/** What the settlement state machine returns. */
interface SettlementRun {
  settled: Array<{ merchant: string; settlements: string[] }>;
}
