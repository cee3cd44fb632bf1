import { defaultRetryOptions, retryingFetch, SluiceConnectionError } from '@sluice/sdk';
import { humanError } from '../lib/error-copy.ts';
import type { components } from './schema.gen.ts';
import { freshAccessToken, refreshSession } from './session.ts';

/** The `error` object of an error answer, as far as it came (a proxy's 502 has none). */
type ErrorBody = Partial<components['schemas']['Error']['error']>;

/** An error answer of the API: `{ error: { type, code, message, param } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** The request field the error is about (`amount`, `to` …), when the server names one. */
  readonly param: string | undefined;
  /** The whole error object, for fields some errors add (a decline's `decline_code`, `payment_id`). */
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ErrorBody | undefined) {
    super(body?.message ?? `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.type = body?.type ?? 'api_error';
    this.code = body?.code ?? 'unknown';
    this.param = body?.param;
    this.details = { ...(body ?? {}) };
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Extra request headers (the dashboard names the merchant it acts as in `Sluice-Merchant`). */
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as `Idempotency-Key`, so a retried money movement happens once. */
  idempotencyKey?: string;
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

/** A page of a cursor-paginated list. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * The SDK's transport (`@sluice/sdk`): every POST carries an `Idempotency-Key` (the caller's, or
 * a fresh one) kept across its retries; network errors, 409 `idempotency_key_in_progress` and
 * 429 are retried with backoff. Server errors are not: React Query retries queries itself.
 */
const transport = retryingFetch(
  {
    ...defaultRetryOptions,
    maxRetries: 2,
    timeoutMs: 0,
    retryOn: ['network', 'in_progress', 'rate_limited'],
  },
  async (request, signal) => {
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    return fetch(sameOriginPath(request.url), {
      method: request.method,
      headers: request.headers,
      ...(body ? { body } : {}),
      ...(signal ? { signal } : {}),
    });
  },
);

/** The dashboard calls its own origin: a path, as before, rather than the absolute URL a Request needs. */
function sameOriginPath(url: string): string {
  const origin = globalThis.location?.origin;
  return origin && url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
}

/**
 * Calls the API with the session's access token, refreshing it when it is about to expire and
 * once more after a 401; throws ApiError for error answers, and the network's own TypeError when
 * no answer came even after the transport's retries.
 */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const send = async (token: string | null) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const request = new Request(new URL(path, globalThis.location?.origin ?? 'http://localhost'), {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    try {
      return await transport(request, options.signal);
    } catch (error) {
      throw error instanceof SluiceConnectionError ? error.cause : error;
    }
  };
  const auth = options.auth ?? true;
  let response = await send(auth ? await freshAccessToken() : null);
  if (auth && response.status === 401) {
    const session = await refreshSession();
    if (session) response = await send(session.accessToken);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, (json as { error?: ErrorBody } | undefined)?.error);
  return json as T;
}

/** A readable message for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return humanError(error);
  if (error instanceof TypeError) return 'Could not reach Sluice. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong';
}
