export {
  createSluice,
  type ListItem,
  type ListPath,
  type ResponseData,
  type Sluice,
  type SluiceOptions,
} from './client.ts';
export {
  SluiceApiError,
  SluiceAuthenticationError,
  SluiceCardError,
  SluiceConflictError,
  SluiceConnectionError,
  SluiceError,
  SluiceInvalidRequestError,
  SluiceNotFoundError,
  SluicePermissionError,
  SluiceRateLimitError,
  errorFromResponse,
  type ApiErrorBody,
} from './errors.ts';
export {
  backoffMs,
  defaultRetryOptions,
  retryingFetch,
  type RetryNotice,
  type RetryOptions,
} from './retry.ts';
export type { components, operations, paths } from './schema.ts';
export { defaultToleranceSeconds, signatureHeader, signPayload, verify, webhooks } from './webhooks.ts';
