import { SluiceConnectionError } from './errors.ts';

export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 3. */
  maxRetries: number;
  /** The first backoff step; each retry doubles it (with jitter). Default 250 ms. */
  baseDelayMs: number;
  /** No backoff step is longer than this. Default 8 s. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the 429 is thrown. Default 60 s. */
  maxRetryAfterMs: number;
  /** Each attempt's own deadline; 0 for none (a browser's own). Default 30 s. */
  timeoutMs: number;
  /** Which failures to retry. Default all: a caller with retries of its own (React Query) may leave some out. */
  retryOn: readonly RetryNotice['reason'][];
  /** `Math.random` unless a test pins it. */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  /** A fresh `Idempotency-Key`. Default `crypto.randomUUID()` (browsers and Node 20+). */
  newIdempotencyKey: () => string;
  /** Told before each retry: log it, count it. */
  onRetry?: (retry: RetryNotice) => void;
}

export interface RetryNotice {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  method: string;
  url: string;
  /** The status that caused it, or 0 for a network error or timeout. */
  status: number;
  reason: 'network' | 'in_progress' | 'rate_limited' | 'server_error';
  idempotencyKey: string | null;
}

export const defaultRetryOptions: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
  retryOn: ['network', 'in_progress', 'rate_limited', 'server_error'],
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  newIdempotencyKey: () => globalThis.crypto.randomUUID(),
};

/** Methods whose repetition changes nothing; a POST joins them once it carries an `Idempotency-Key`. */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'POST']);

/**
 * A `fetch` that makes requests safe to repeat and repeats them when that can help. Every POST
 * gets an `Idempotency-Key` (unless it has one), and every retry of it sends the same key, so
 * the server applies it once however many times it arrives. Retried: network errors and
 * timeouts, 409 `idempotency_key_in_progress` (the first attempt is still running), 429 (after
 * `Retry-After`) and 5xx, with exponential backoff and jitter. A PATCH is retried only on 429,
 * which the server answers before doing anything.
 *
 * @example
 * const fetchWithRetries = retryingFetch({ ...defaultRetryOptions, maxRetries: 5 }, fetch);
 * await fetchWithRetries(new Request(url, { method: 'POST', body }));
 */
export function retryingFetch(
  options: RetryOptions,
  send: (request: Request, signal: AbortSignal | undefined) => Promise<Response>,
) {
  /** `signal`: the caller's, when it cannot ride on the Request (a test DOM's AbortSignal). */
  return async (input: Request, callerSignal: AbortSignal | undefined = input.signal): Promise<Response> => {
    const headers = new Headers(input.headers);
    if (input.method === 'POST' && !headers.has('idempotency-key'))
      headers.set('Idempotency-Key', options.newIdempotencyKey());
    // The body is read once and sent again as is: a stream could be read only once.
    const body = input.body === null ? undefined : await input.arrayBuffer();
    for (let attempt = 0; ; attempt += 1) {
      const signal =
        options.timeoutMs > 0
          ? AbortSignal.any([callerSignal, AbortSignal.timeout(options.timeoutMs)].filter(isSignal))
          : callerSignal;
      const request = new Request(input.url, { method: input.method, headers, body });
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await send(request, signal);
      } catch (error) {
        failure = error;
      }
      const retry = await retryReason(input, callerSignal, response, attempt, options);
      if (retry === undefined) {
        if (response) return response;
        throw new SluiceConnectionError(`${input.method} ${input.url} failed: ${describe(failure)}`, failure);
      }
      const delayMs = retry.delayMs ?? backoffMs(attempt, options);
      options.onRetry?.({
        attempt: attempt + 1,
        delayMs,
        method: input.method,
        url: input.url,
        status: response?.status ?? 0,
        reason: retry.reason,
        idempotencyKey: headers.get('idempotency-key'),
      });
      await response?.body?.cancel().catch(() => undefined);
      await options.sleep(delayMs);
    }
  };
}

/** Why to try again (and how long `Retry-After` says to wait), or undefined to stop here. */
async function retryReason(
  input: Request,
  callerSignal: AbortSignal | undefined,
  response: Response | undefined,
  attempt: number,
  options: RetryOptions,
): Promise<{ reason: RetryNotice['reason']; delayMs?: number } | undefined> {
  if (attempt >= options.maxRetries || callerSignal?.aborted) return undefined;
  const reason = await failureReason(input, response, attempt, options);
  return reason && options.retryOn.includes(reason.reason) ? reason : undefined;
}

async function failureReason(
  input: Request,
  response: Response | undefined,
  attempt: number,
  options: RetryOptions,
): Promise<{ reason: RetryNotice['reason']; delayMs?: number } | undefined> {
  const isSafe = idempotentMethods.has(input.method);
  if (!response) return isSafe ? { reason: 'network' } : undefined;
  if (response.status === 429) {
    const delayMs = retryAfterMs(response.headers.get('retry-after'), options);
    return delayMs > options.maxRetryAfterMs
      ? undefined
      : { reason: 'rate_limited', delayMs: Math.max(delayMs, backoffMs(attempt, options)) };
  }
  if (!isSafe) return undefined;
  if (response.status >= 500) return { reason: 'server_error' };
  if (response.status === 409 && (await errorCode(response)) === 'idempotency_key_in_progress')
    return { reason: 'in_progress' };
  return undefined;
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out but never bunch at zero. */
export function backoffMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
) {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + options.random() * (step / 2));
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms; absent → the backoff decides (0 here). */
function retryAfterMs(header: string | null, options: Pick<RetryOptions, 'maxRetryAfterMs'>) {
  if (header === null) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  if (Number.isNaN(date)) return options.maxRetryAfterMs + 1;
  return Math.max(0, date - Date.now());
}

async function errorCode(response: Response): Promise<unknown> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return body.error?.code;
  } catch {
    return undefined;
  }
}

function isSignal(signal: AbortSignal | undefined): signal is AbortSignal {
  return signal !== undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
