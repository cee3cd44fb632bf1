import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  consumeRateLimit,
  countsPerCounterItem,
  MemoryRateLimiter,
  retryAfterSeconds,
  storeRateLimiter,
  type RateLimiter,
} from './rate-limit.ts';
import { rateLimitCounterKey } from './store.ts';

const start = Date.UTC(2026, 0, 1, 12, 0, 0);

// The same rules for both limiters: the store's (shared by processes) and the in-memory one.
describe.each([
  ['the store (consumeRateLimit)', () => storeRateLimiter(new SqliteStore(':memory:'))],
  ['memory (MemoryRateLimiter)', () => new MemoryRateLimiter()],
])('rate limiter in %s', (_name, makeLimiter: () => RateLimiter) => {
  it('allows `limit` requests in a window, counting down, then refuses', async () => {
    const limiter = makeLimiter();
    const input = { key: 'api-key:key_1', limit: 3, windowSeconds: 60, now: start + 10_000 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.consume(input));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(results.every((r) => r.limit === 3 && r.resetAt === start + 60_000)).toBe(true);
    expect(retryAfterSeconds(results[4]!, input.now)).toBe(50);
  });

  it('starts afresh in the next window', async () => {
    const limiter = makeLimiter();
    const input = { key: 'k', limit: 1, windowSeconds: 60, now: start };
    expect((await limiter.consume(input)).allowed).toBe(true);
    expect((await limiter.consume({ ...input, now: start + 59_999 })).allowed).toBe(false);
    expect((await limiter.consume({ ...input, now: start + 60_000 })).allowed).toBe(true);
  });

  it('keeps keys apart', async () => {
    const limiter = makeLimiter();
    expect((await limiter.consume({ key: 'a', limit: 1, windowSeconds: 60, now: start })).allowed).toBe(true);
    expect((await limiter.consume({ key: 'b', limit: 1, windowSeconds: 60, now: start })).allowed).toBe(true);
  });

  it('never lets more than `limit` concurrent requests through', async () => {
    const limiter = makeLimiter();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        limiter.consume({ key: 'burst', limit: 7, windowSeconds: 1, now: start }),
      ),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
  });
});

describe('MemoryRateLimiter', () => {
  it('forgets ended windows once it holds many keys, keeping the current ones exact', async () => {
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 10_000; i++)
      await limiter.consume({ key: `old-${i}`, limit: 1, windowSeconds: 60, now: start });
    expect(
      (await limiter.consume({ key: 'kept', limit: 1, windowSeconds: 60, now: start + 60_000 })).allowed,
    ).toBe(true);
    expect(
      (await limiter.consume({ key: 'kept', limit: 1, windowSeconds: 60, now: start + 60_001 })).allowed,
    ).toBe(false);
    // An old key's window ended: it starts afresh.
    expect(
      (await limiter.consume({ key: 'old-1', limit: 1, windowSeconds: 60, now: start + 60_002 })).allowed,
    ).toBe(true);
  });
});

describe('consumeRateLimit', () => {
  it('gives each counter an expires_at after its window for the store’s TTL', async () => {
    const store = new SqliteStore(':memory:');
    await consumeRateLimit(store, { key: 'ttl', limit: 5, windowSeconds: 60, now: start });
    const { items } = await store.query({ partition: rateLimitCounterKey('ttl', start).pk });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ count: 1, expires_at: start / 1000 + 120 });
  });

  it('reports at least one second to wait', () => {
    expect(retryAfterSeconds({ allowed: false, limit: 1, remaining: 0, resetAt: start }, start)).toBe(1);
  });
});

describe('a high limit in the store', () => {
  it('is spread over several counter items whose shares sum to the limit, and never lets more through', async () => {
    const store = new SqliteStore(':memory:');
    const limit = 2 * countsPerCounterItem + 1;
    const input = { key: 'api-key:busy', limit, windowSeconds: 60, now: start + 1000 };
    let allowed = 0;
    // In waves of concurrent requests, past the limit.
    for (let wave = 0; wave < Math.ceil((limit + 500) / 250); wave++) {
      const results = await Promise.all(Array.from({ length: 250 }, () => consumeRateLimit(store, input)));
      allowed += results.filter((result) => result.allowed).length;
    }
    expect(allowed).toBeLessThanOrEqual(limit);
    // Near the end a request may find both items it tries full while a third has room: a few, no more.
    expect(allowed).toBeGreaterThan(limit - 50);
    const counts = await Promise.all(
      [0, 1, 2, 3].map(
        async (shard) => (await store.get(rateLimitCounterKey(input.key, start, shard)))?.count,
      ),
    );
    expect(counts.slice(0, 3).every((count) => typeof count === 'number' && count > 0)).toBe(true);
    expect(counts[3]).toBeUndefined();
    await store.close();
  });
});
