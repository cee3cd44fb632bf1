import { defineModule, type ModuleDeps } from '../platform/module.ts';
import { perMessage } from '../platform/queue.ts';
import { checkoutWorkflow, resumeStaleCheckouts, type CommerceDeps } from './checkout.ts';
import { commerceErrors, commerceIds } from './model.ts';
import { orderEventTypes } from './orders.ts';
import { commerceRoutes } from './routes.ts';
import {
  checkoutTasks,
  compensationQueue,
  retryCompensation,
  sagaStates,
  type CommerceHooks,
  type SagaState,
} from './saga.ts';
import { commerceKeyPatterns } from './store.ts';
export { orderEventTypes, type OrderEventType } from './orders.ts';
export type { Order, Product, Cart } from './model.ts';
export { checkoutTasks, type CommerceHooks } from './saga.ts';

/** The checkout saga: the local runner and Step Functions run the same file. */
export const checkoutDefinition = new URL('../workflows/checkout.asl.json', import.meta.url);

const taskDescriptions: Record<SagaState, string> = {
  Reserve: 'Checkout: reserve the stock (conditional, never below zero)',
  Authorize: 'Checkout: hold the payment (wallet hold or card authorization)',
  CreateOrder: 'Checkout: record the order as placed',
  Capture: 'Checkout: capture the payment',
  Notify: 'Checkout: email the buyer and mark the order paid',
  Refund: 'Checkout compensation: void or refund the payment',
  Release: 'Checkout compensation: put the reserved stock back',
  MarkFailed: 'Checkout compensation: mark the order failed and tell the buyer',
  DeadLetter: 'Checkout compensation that kept failing: flag it, queue its retry',
};

/**
 * The shop: catalog (public reads, admin writes), carts, the checkout saga (one ASL file) with
 * its compensation and dead-letter queue, orders for buyers and admins, and the job that resumes
 * checkouts a restart interrupted.
 */
export const commerceModule = defineModule({
  name: 'commerce',
  http: {
    paths: [
      { prefix: '/v1/products', auth: 'public' },
      { prefix: '/v1/cart', auth: 'user' },
      { exact: '/v1/checkout', auth: 'user' },
      { prefix: '/v1/orders', auth: 'user' },
      { prefix: '/v1/admin/orders', auth: 'admin' },
      { prefix: '/v1/admin/commerce', auth: 'admin' },
    ],
    routes: (deps) => commerceRoutes({ ...commerceDepsOf(deps), identity: deps.identity }),
  },
  consumers: [
    {
      queue: compensationQueue,
      handler: (deps) =>
        perMessage(async (message) => {
          const body = message.body as { order_id?: unknown };
          if (typeof body?.order_id !== 'string') return; // nothing to retry: drop it
          await retryCompensation(commerceDepsOf(deps), body.order_id);
        }),
      options: { maxReceives: 5, visibilityTimeoutSeconds: 60, retryAfterSeconds: (n) => 30 * 2 ** n },
      aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, batchSize: 5 },
    },
  ],
  jobs: [
    {
      name: 'commerce.resume-checkouts',
      cron: '* * * * *',
      localEveryMs: 5000,
      description: 'Resumes checkouts left processing (a crash, a restart); expired reservations compensate',
      run: (deps) => resumeStaleCheckouts(commerceDepsOf(deps)),
    },
  ],
  workflows: [
    {
      name: checkoutWorkflow,
      definition: checkoutDefinition,
      tasks: (deps) => checkoutTasks(commerceDepsOf(deps)),
      taskFunctions: Object.fromEntries(
        sagaStates.map((state) => [
          state,
          { description: taskDescriptions[state], memoryMb: 512, timeoutSeconds: 60 },
        ]),
      ),
    },
  ],
  events: orderEventTypes,
  webhookEvents: orderEventTypes,
  errors: commerceErrors.table,
  ids: commerceIds.prefixes,
  keys: commerceKeyPatterns,
});

function commerceDepsOf(deps: ModuleDeps): CommerceDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    notifier: deps.notifier,
    blobs: deps.blobs,
    queue: deps.queue,
    startWorkflow: deps.startWorkflow,
    runsWorkflowsInProcess: deps.runWorkflow !== undefined,
    hooks: (deps.testHooks?.commerce as CommerceHooks | undefined) ?? {},
    shopOwner: async () => {
      for (const email of deps.config.adminEmails) {
        const user = await deps.identity.findUserByEmail(email);
        if (user) return user.id;
      }
      return undefined;
    },
  };
}
