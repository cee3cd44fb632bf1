export { merchantRoutes, paymentRoutes } from './routes.ts';
export { authenticateApiKey, apiKeySecretPrefix, type ApiKeyGrant } from './api-keys.ts';
export { getMerchantRecord, merchantAccountId, sandboxNow, type MerchantRecord, type PaymentsDeps } from './merchants.ts';
export { expireAuthorizations, expireDueAuthorizations, advanceClock } from './transitions.ts';
export { paymentEventTypes, type PaymentEventType } from './events.ts';
export { testCards, findTestCard, type TestCard, type TestCardOutcome } from './test-cards.ts';
export { installationSecret } from './cards.ts';
