export interface RateLimitInput {
  /** What is limited, namespaced by the caller: `login:email:ann@example.com`, `api-key:key_…`. */
  key: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Milliseconds since the Unix epoch (from the injected clock). */
  now: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** When the current window ends (ms since the epoch): the basis of `Retry-After` and `RateLimit-Reset`. */
  resetAt: number;
}

/**
 * The RateLimiter port: counts one request against a key in a fixed window. Adapters: counters
 * in the store, shared by every process (`storeRateLimiter`, what AWS needs), and in memory for
 * the local runtime's one process (`MemoryRateLimiter`), which saves a store write per request.
 *
 * @example const { allowed } = await limiter.consume({ key: 'api-key:key_…', limit: 100, windowSeconds: 60, now });
 */
export interface RateLimiter {
  consume(input: RateLimitInput): Promise<RateLimitResult>;
}
