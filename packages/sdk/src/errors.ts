import type { components } from './schema.ts';

/** The body of every API error: `{ error: { type, code, message, param?, request_id } }`. */
export type ApiErrorBody = components['schemas']['Error'];

/**
 * An error the API answered. `code` is stable (branch on it, not on `message`), `param` names
 * the field at fault, `requestId` is what to quote to support. Subclasses by status let callers
 * `catch (e) { if (e instanceof SluiceRateLimitError) … }`.
 *
 * @example
 * try { await sluice.post('/v1/payments', { body }); }
 * catch (error) { if (error instanceof SluiceCardError) console.log(error.code, error.declineCode); }
 */
export class SluiceError extends Error {
  /** HTTP status; 0 when no response came (`SluiceConnectionError`). */
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  /** Any further fields of the error (`decline_code`, `limit`, …). */
  readonly raw: Record<string, unknown>;
  readonly headers: Headers | undefined;

  constructor(status: number, error: Record<string, unknown>, headers?: Headers) {
    super(typeof error.message === 'string' ? error.message : `HTTP ${status}`);
    this.name = new.target.name;
    this.status = status;
    this.type = String(error.type ?? 'api_error');
    this.code = String(error.code ?? 'unknown_error');
    this.param = typeof error.param === 'string' ? error.param : undefined;
    this.requestId =
      typeof error.request_id === 'string' ? error.request_id : (headers?.get('request-id') ?? undefined);
    this.raw = error;
    this.headers = headers;
  }
}

/** 400 and 422: the request itself is wrong; `param` says where. */
export class SluiceInvalidRequestError extends SluiceError {}
/** 401: a missing, bad, revoked or expired key or token. */
export class SluiceAuthenticationError extends SluiceError {}
/** 402: a card decline (`card_declined`, with `declineCode`) or funds that do not cover it. */
export class SluiceCardError extends SluiceError {
  get declineCode(): string | undefined {
    return typeof this.raw.decline_code === 'string' ? this.raw.decline_code : undefined;
  }
}
/** 403: authenticated, but not allowed. */
export class SluicePermissionError extends SluiceError {}
/** 404: unknown, or not yours. */
export class SluiceNotFoundError extends SluiceError {}
/** 409: conflicts with the object's state, or an idempotency key reused or still in flight. */
export class SluiceConflictError extends SluiceError {}
/** 429: rate limited; `retryAfterSeconds` from `Retry-After`. */
export class SluiceRateLimitError extends SluiceError {
  get retryAfterSeconds(): number | undefined {
    const value = Number(this.headers?.get('retry-after'));
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
}
/** 5xx: the server's fault; retried automatically before you see it. */
export class SluiceApiError extends SluiceError {}
/** No response at all (network down, timeout), after the retries. */
export class SluiceConnectionError extends SluiceError {
  constructor(message: string, cause: unknown) {
    super(0, { type: 'connection_error', code: 'connection_failed', message });
    this.cause = cause;
  }
}

const errorClasses: Record<number, typeof SluiceError> = {
  400: SluiceInvalidRequestError,
  401: SluiceAuthenticationError,
  402: SluiceCardError,
  403: SluicePermissionError,
  404: SluiceNotFoundError,
  409: SluiceConflictError,
  422: SluiceInvalidRequestError,
  429: SluiceRateLimitError,
};

/** The `SluiceError` subclass for a response, from its status and parsed body. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): SluiceError {
  const error =
    typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object'
      ? (body.error as Record<string, unknown>)
      : { message: `HTTP ${status}`, type: 'api_error', code: 'unexpected_response' };
  const Kind = errorClasses[status] ?? (status >= 500 ? SluiceApiError : SluiceError);
  return new Kind(status, error, headers);
}
