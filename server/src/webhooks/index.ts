import { webhooksKeyPatterns } from './store.ts';
import { defineModule, type ModuleDeps } from '../platform/module.ts';
import { deliveryConsumeOptions, deliveryHandler } from './delivery.ts';
import { webhooksErrors } from './errors.ts';
import type { WebhookDeps } from './endpoints.ts';
import { fanOut, fanOutSubscription, merchantStreamSubscription, pushToMerchantStream } from './events.ts';
import { deliveryQueueName, testEventType } from './model.ts';
import { webhookRoutes } from './routes.ts';
export { signatureHeader, signPayload, verifySignature, defaultToleranceSeconds } from './signature.ts';
export {
  checkWebhookUrl,
  classifyAddress,
  parsePrivateAddressPolicy,
  systemResolver,
  UrlRefusedError,
} from './url-guard.ts';
export type { PrivateAddressPolicy, ResolvedAddress, Resolver } from './url-guard.ts';
export type { WebhookDeps } from './endpoints.ts';
export { fanOut, fanOutSubscription, publicEvent, subscribeWebhooks } from './events.ts';
export { deliveryConsumeOptions, handleDeliveryMessage, registerDeliveryWorker } from './delivery.ts';
export { deliveryQueueName, maxDeliveryAttempts, retryDelaysSeconds, testEventType } from './model.ts';
export { webhookRoutes } from './routes.ts';

/**
 * Webhooks as a module: merchants' endpoints and event log (the `merchant` scheme), the fan-out
 * of every event naming a merchant to the endpoints subscribed to its type, and the delivery
 * worker on its queue. Endpoints subscribe to the event types every module of the app offers
 * (`catalog.webhookEventTypes`), not a list of its own.
 */
export const webhooksModule = defineModule({
  name: 'webhooks',
  http: {
    paths: [
      { prefix: '/v1/webhook-endpoints', auth: 'merchant' },
      { prefix: '/v1/events', auth: 'merchant' },
    ],
    routes: (deps) => webhookRoutes(webhookDepsOf(deps), deps.catalog.webhookEventTypes),
  },
  subscriptions: [
    {
      name: fanOutSubscription,
      pattern: { merchant: [{ exists: true }] },
      handler: (deps) => {
        const webhooks = webhookDepsOf(deps);
        return async (event) => {
          await fanOut(webhooks, event);
        };
      },
    },
    {
      name: merchantStreamSubscription,
      pattern: { merchant: [{ exists: true }] },
      handler: (deps) => pushToMerchantStream(deps.realtime),
    },
  ],
  consumers: [
    {
      queue: deliveryQueueName,
      handler: (deps) => deliveryHandler(webhookDepsOf(deps)),
      options: deliveryConsumeOptions,
      // SQS holds a failed message for the delivery worker's own retry delay; it dead-letters at
      // attempt 13 itself, before SQS's redrive count is reached.
      aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: 18, batchSize: 10 },
    },
  ],
  events: [testEventType],
  errors: webhooksErrors.table,
  keys: webhooksKeyPatterns,
});

/** What the webhook services need, from the module ports (tests lay a resolver and jitter over them). */
export function webhookDepsOf(deps: ModuleDeps): WebhookDeps {
  const hooks = deps.testHooks?.webhooks as Partial<Pick<WebhookDeps, 'resolve' | 'random'>> | undefined;
  return {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    queue: deps.queue,
    allowPrivate: deps.config.webhookAllowPrivate,
    eventRetentionSeconds: deps.config.eventRetentionSeconds,
    ...(deps.config.webhookDeliveryHoldMs === undefined
      ? {}
      : { deliveryHoldMs: deps.config.webhookDeliveryHoldMs }),
    ...hooks,
  };
}
