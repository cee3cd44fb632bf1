export { signatureHeader, signPayload, verifySignature, defaultToleranceSeconds } from './signature.ts';
export { checkWebhookUrl, classifyAddress, parsePrivateAddressPolicy, systemResolver, UrlRefusedError } from './url-guard.ts';
export type { PrivateAddressPolicy, ResolvedAddress, Resolver } from './url-guard.ts';
export type { WebhookDeps } from './endpoints.ts';
export { fanOut, fanOutSubscription, publicEvent, subscribeWebhooks } from './events.ts';
export { deliveryConsumeOptions, handleDeliveryMessage, registerDeliveryWorker } from './delivery.ts';
export { deliveryQueueName, maxDeliveryAttempts, retryDelaysSeconds, webhookEventTypes, testEventType } from './model.ts';
export { webhookRoutes } from './routes.ts';
