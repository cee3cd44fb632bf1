/**
 * Every error the platform reports has a stable code from this registry. The table below maps
 * each code to its HTTP status and error type; a code missing from it fails to compile.
 */
export const errorCodes = [
  'invalid_request',
  'validation_failed',
  'invalid_json',
  'body_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'invalid_token',
  'token_expired',
  'invalid_credentials',
  'forbidden',
  'mfa_required',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'email_taken',
  'insufficient_funds',
  'card_declined',
  'currency_mismatch',
  'unsupported_currency',
  'self_transfer',
  'account_exists',
  'transfer_exists',
  'transfer_not_pending',
  'amount_exceeds_pending',
  'amount_exceeds_capacity',
  'linked_transfer_failed',
  'invalid_state_transition',
  'idempotency_key_reused',
  'idempotency_key_in_progress',
  'conflict',
  'rate_limited',
  'invalid_api_key',
  'invalid_card',
  'amount_too_large',
  'payment_expired',
  'internal_error',
  'service_unavailable',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const errorTypes = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  card: 'card_error',
  conflict: 'conflict_error',
  idempotency: 'idempotency_error',
  rate_limit: 'rate_limit_error',
  api: 'api_error',
} as const;

export type ErrorType = (typeof errorTypes)[keyof typeof errorTypes];

export interface ErrorShape {
  status: 400 | 401 | 402 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
  type: ErrorType;
}

/** Exhaustive: `satisfies Record<ErrorCode, …>` refuses a code without a row. */
export const errorTable = {
  invalid_request: { status: 400, type: errorTypes.invalid_request },
  validation_failed: { status: 400, type: errorTypes.invalid_request },
  invalid_json: { status: 400, type: errorTypes.invalid_request },
  body_too_large: { status: 413, type: errorTypes.invalid_request },
  unsupported_media_type: { status: 415, type: errorTypes.invalid_request },
  unauthenticated: { status: 401, type: errorTypes.authentication },
  invalid_token: { status: 401, type: errorTypes.authentication },
  token_expired: { status: 401, type: errorTypes.authentication },
  invalid_credentials: { status: 401, type: errorTypes.authentication },
  forbidden: { status: 403, type: errorTypes.permission },
  // An admin route, where admins must sign in with a second factor (Config.requireMfaForAdmins).
  mfa_required: { status: 403, type: errorTypes.permission },
  not_found: { status: 404, type: errorTypes.not_found },
  route_not_found: { status: 404, type: errorTypes.not_found },
  method_not_allowed: { status: 405, type: errorTypes.invalid_request },
  email_taken: { status: 409, type: errorTypes.conflict },
  // The ledger's refusal of an overdraft (a wallet, a balance): a card's lack of funds is a
  // `card_declined` with `decline_code: insufficient_funds`, so this one is no card error.
  insufficient_funds: { status: 402, type: errorTypes.invalid_request },
  card_declined: { status: 402, type: errorTypes.card },
  currency_mismatch: { status: 422, type: errorTypes.invalid_request },
  unsupported_currency: { status: 422, type: errorTypes.invalid_request },
  self_transfer: { status: 400, type: errorTypes.invalid_request },
  account_exists: { status: 409, type: errorTypes.conflict },
  transfer_exists: { status: 409, type: errorTypes.conflict },
  transfer_not_pending: { status: 409, type: errorTypes.conflict },
  amount_exceeds_pending: { status: 422, type: errorTypes.invalid_request },
  amount_exceeds_capacity: { status: 422, type: errorTypes.invalid_request },
  linked_transfer_failed: { status: 409, type: errorTypes.conflict },
  invalid_state_transition: { status: 409, type: errorTypes.conflict },
  idempotency_key_reused: { status: 422, type: errorTypes.idempotency },
  idempotency_key_in_progress: { status: 409, type: errorTypes.idempotency },
  conflict: { status: 409, type: errorTypes.conflict },
  rate_limited: { status: 429, type: errorTypes.rate_limit },
  invalid_api_key: { status: 401, type: errorTypes.authentication },
  invalid_card: { status: 400, type: errorTypes.invalid_request },
  amount_too_large: { status: 400, type: errorTypes.invalid_request },
  payment_expired: { status: 409, type: errorTypes.conflict },
  internal_error: { status: 500, type: errorTypes.api },
  service_unavailable: { status: 503, type: errorTypes.api },
} as const satisfies Record<ErrorCode, ErrorShape>;

/** A failure the caller can act on. Thrown by services, rendered by the HTTP layer. */
export class AppError extends Error {
  /** A kernel code (`ErrorCode`) or one a module registered with `defineErrors`. */
  readonly code: ErrorCode | (string & {});
  readonly param: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  #shape: ErrorShape;
  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.param = options.param;
    this.details = options.details;
    this.#shape = errorTable[code];
  }
  get status(): ErrorShape['status'] {
    return this.#shape.status;
  }
  get type(): ErrorType {
    return this.#shape.type;
  }
  /** A module's own code with its row (see `defineErrors`). */
  static ofModule(code: string, shape: ErrorShape, message: string, options: AppErrorOptions = {}): AppError {
    const error = new AppError('internal_error', message, options);
    Object.defineProperty(error, 'code', { value: code });
    error.#shape = shape;
    return error;
  }
}

export interface AppErrorOptions {
  param?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A module's own error codes, each with its HTTP status and type, so a new product adds codes
 * without editing this file. The module lists `table` in its definition; `app/` checks that no
 * code is claimed twice (nor clashes with the kernel's).
 *
 * @example
 * const commerceErrors = defineErrors({ out_of_stock: { status: 409, type: errorTypes.conflict } });
 * throw commerceErrors.error('out_of_stock', 'only 2 left', { param: 'quantity' });
 */
export function defineErrors<const T extends Record<string, ErrorShape>>(table: T) {
  return {
    table,
    error: (code: keyof T & string, message: string, options: AppErrorOptions = {}): AppError =>
      AppError.ofModule(code, table[code]!, message, options),
  };
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
