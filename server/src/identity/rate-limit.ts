import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Config } from '../platform/config.ts';
import { unknownClientIp } from './model.ts';
import type { RateLimiter, RateLimitInput, RateLimitResult } from '../platform/rate-limiter.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { rateLimitCount, rateLimitCounterKey, readRateLimitCount } from './store.ts';

export type { RateLimiter, RateLimitInput, RateLimitResult };

/**
 * Most counts per window one counter item takes before the limit is spread over more: 6,000 a
 * minute is 100 writes/s, a fifth of what one DynamoDB item sustains for conditional writes.
 */
export const countsPerCounterItem = 6000;
/** Most counter items one key's window is spread over. */
export const maxCounterItems = 32;

/**
 * Counts one request against `key` in a fixed window and says whether it is allowed.
 *
 * Counter items per key and window, incremented with an atomic `add` guarded by
 * `count < its share of the limit`, so concurrent callers (or processes, or Lambdas) never let
 * more than `limit` through, and a refused request does not count. A limit above
 * `countsPerCounterItem` a window is split over several items (the shares sum to the limit), one
 * picked at random per request and a second tried when it is full, so a busy API key's counter is
 * never the item every request of the platform waits on. The items carry `expires_at` so the
 * store's TTL removes old windows. A fixed window allows up to 2×limit across a window boundary;
 * that is the accepted price of one write per request.
 *
 * @example
 * const result = await consumeRateLimit(store, { key: `api-key:${keyId}`, limit: 100, windowSeconds: 60, now: clock.now() });
 * if (!result.allowed) throw new AppError('rate_limited', 'too many requests', { details: { retry_after: retryAfterSeconds(result, now) } });
 */
export async function consumeRateLimit(store: Store, input: RateLimitInput): Promise<RateLimitResult> {
  const windowMs = input.windowSeconds * 1000;
  const windowStart = Math.floor(input.now / windowMs) * windowMs;
  const resetAt = windowStart + windowMs;
  const items = Math.min(maxCounterItems, Math.max(1, Math.ceil(input.limit / countsPerCounterItem)));
  const shareOf = (shard: number) => Math.floor(input.limit / items) + (shard < input.limit % items ? 1 : 0);
  const first = items === 1 ? 0 : Math.floor(Math.random() * items);
  const tries =
    items === 1 ? [first] : [first, (first + 1 + Math.floor(Math.random() * (items - 1))) % items];
  // Kept one window past its end so a slow TTL sweep never matters and the item is gone soon after.
  const expiresAt = Math.ceil((resetAt + windowMs) / 1000);
  for (const shard of tries) {
    const key = rateLimitCounterKey(input.key, windowStart, shard);
    try {
      await store.transact([rateLimitCount(key, shareOf(shard), expiresAt)]);
    } catch (error) {
      if (isTransactionCanceled(error)) continue;
      throw error;
    }
    // What is left, as this item shows it for all of them (exact with one item).
    const count = (await readRateLimitCount(store, key)) ?? shareOf(shard);
    const remaining = Math.max(0, Math.floor(((shareOf(shard) - count) * input.limit) / shareOf(shard)));
    return { allowed: true, limit: input.limit, remaining, resetAt };
  }
  return { allowed: false, limit: input.limit, remaining: 0, resetAt };
}

/**
 * `consumeRateLimit` on `store`, as a `RateLimiter`.
 *
 * @example const limiter = storeRateLimiter(store);
 */
export function storeRateLimiter(store: Store): RateLimiter {
  return { consume: (input) => consumeRateLimit(store, input) };
}

/**
 * Fixed-window counters in this process's memory, with the same rules as `consumeRateLimit`: up to
 * `limit` requests per window and key, a refused request does not count. For one process only: a
 * restart starts every window afresh (at most one extra window's worth), and several processes
 * would each allow `limit`.
 *
 * @example const limiter = new MemoryRateLimiter(); await limiter.consume({ key, limit: 100, windowSeconds: 60, now });
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, { windowStart: number; windowMs: number; count: number }>();

  async consume(input: RateLimitInput): Promise<RateLimitResult> {
    const windowMs = input.windowSeconds * 1000;
    const windowStart = Math.floor(input.now / windowMs) * windowMs;
    const resetAt = windowStart + windowMs;
    let window = this.#windows.get(input.key);
    if (!window || window.windowStart !== windowStart || window.windowMs !== windowMs) {
      if (this.#windows.size >= 10_000) this.#forgetEnded(input.now);
      window = { windowStart, windowMs, count: 0 };
      this.#windows.set(input.key, window);
    }
    if (window.count >= input.limit) return { allowed: false, limit: input.limit, remaining: 0, resetAt };
    window.count += 1;
    return { allowed: true, limit: input.limit, remaining: Math.max(0, input.limit - window.count), resetAt };
  }

  /** Drops the counters of windows that have ended, so one-off keys do not pile up. */
  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows)
      if (window.windowStart + window.windowMs <= now) this.#windows.delete(key);
  }
}

/** Whole seconds until the window resets (at least 1): the value of a `Retry-After` header. */
export function retryAfterSeconds(result: RateLimitResult, now: number): number {
  return Math.max(1, Math.ceil((result.resetAt - now) / 1000));
}

/** The settings `enforceLoginLimits` reads. */
type LoginLimitsConfig = Pick<
  Config,
  | 'loginAttemptsPerWindow'
  | 'loginAttemptsPerAddressPerWindow'
  | 'loginAttemptsPerEmailPerWindow'
  | 'loginWindowSeconds'
>;

/**
 * Counts a login attempt against three limits and throws `rate_limited` (with
 * `details.retry_after` in seconds) past any of them. Both identity adapters (the local issuer
 * and Cognito) call it before checking the password.
 *
 * - per email and address (`loginAttemptsPerWindow`): what a guesser meets. Keyed on the pair,
 *   so bad guesses from elsewhere never lock the owner out at their own address;
 * - per address across emails (`loginAttemptsPerAddressPerWindow`): one address trying many
 *   accounts;
 * - per email across addresses (`loginAttemptsPerEmailPerWindow`, much higher): a backstop
 *   against guessing spread over many addresses. Reaching it does lock the email out for the
 *   rest of the window, but takes at least that limit ÷ `loginAttemptsPerWindow` addresses.
 *
 * Counting stops at the first limit reached, so refused attempts add nothing to the later keys:
 * one address can add at most `loginAttemptsPerWindow` to an email's ceiling per window. When the
 * address is unknown (behind a proxy that hides it) every caller shares it: the address limit is
 * skipped, and the pair limit then acts per email, as the one safe choice left.
 *
 * @example await enforceLoginLimits({ store, clock, config }, 'ann@example.com', '198.51.100.7');
 */
export async function enforceLoginLimits(
  deps: { store: Store; clock: Clock; config: LoginLimitsConfig },
  email: string,
  clientIp: string,
): Promise<void> {
  const { config } = deps;
  const limits = [{ key: `login:email-ip:${email}|${clientIp}`, limit: config.loginAttemptsPerWindow }];
  if (clientIp !== unknownClientIp)
    limits.push({ key: `login:ip:${clientIp}`, limit: config.loginAttemptsPerAddressPerWindow });
  limits.push({ key: `login:email:${email}`, limit: config.loginAttemptsPerEmailPerWindow });
  await enforceLimits(deps, limits, config.loginWindowSeconds, 'too many login attempts; try again later');
}

/**
 * Counts a sign-up against its client address (`signUpsPerAddressPerWindow`) and throws
 * `rate_limited` past it. Each sign-up may be paid a bonus, so an address cannot farm them; the
 * bonus budget bounds the total whatever the addresses. An unknown address is not limited
 * (everyone behind the proxy would share it). Both identity adapters call it before creating
 * anyone.
 *
 * @example await enforceSignUpLimits({ store, clock, config }, '198.51.100.7');
 */
export async function enforceSignUpLimits(
  deps: {
    store: Store;
    clock: Clock;
    config: Pick<Config, 'signUpsPerAddressPerWindow' | 'signUpWindowSeconds'>;
  },
  clientIp: string | undefined,
): Promise<void> {
  if (clientIp === undefined || clientIp === unknownClientIp) return;
  await enforceLimits(
    deps,
    [{ key: `signup:ip:${clientIp}`, limit: deps.config.signUpsPerAddressPerWindow }],
    deps.config.signUpWindowSeconds,
    'too many sign-ups from this address; try again later',
  );
}

async function enforceLimits(
  deps: { store: Store; clock: Clock },
  limits: { key: string; limit: number }[],
  windowSeconds: number,
  message: string,
): Promise<void> {
  const now = deps.clock.now();
  for (const { key, limit } of limits) {
    const result = await consumeRateLimit(deps.store, { key, limit, windowSeconds, now });
    if (!result.allowed)
      throw new AppError('rate_limited', message, {
        details: { retry_after: retryAfterSeconds(result, now) },
      });
  }
}
