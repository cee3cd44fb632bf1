import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { ManualClock } from '../kernel/clock.ts';
import type { Store } from '../platform/store.ts';
import type { ModuleMetrics } from '../platform/telemetry.ts';
import { acquire, breakerOpenedMetric, report, type BreakerDeps } from './breaker.ts';
import { readBreaker } from './store.ts';

// The breaker's state lives in the store, so every process (every Lambda) sees one breaker. The
// same behaviour on both stores: SQLite, and DynamoDB Local (started by test/global-setup.ts).

const stores = bothStores('sluice-hub');

describe.each(stores)('circuit breaker on %s', (_name, makeStore) => {
  const settings = { failureRate: 0.5, minCalls: 10, windowMs: 10_000, coolDownMs: 30_000 };
  // The metrics both processes count, as `<module> <metric>` (what the breaker-open alarm watches).
  let counted: string[] = [];
  const moduleMetrics: ModuleMetrics = { count: (module, metric) => counted.push(`${module} ${metric}`) };
  // Two "processes": separate deps over one store.
  const processes = (store: Store, clock: ManualClock): [BreakerDeps, BreakerDeps] => {
    counted = [];
    return [
      { store, clock, breaker: settings, moduleMetrics },
      { store, clock, breaker: settings, moduleMetrics },
    ];
  };
  const opened = `hub ${breakerOpenedMetric}`;
  const start = Date.UTC(2026, 0, 15);

  it('opens when half the calls of the window fail, counted by any process; one of 50 concurrent callers probes; a good probe closes it', async () => {
    const store = await makeStore();
    const clock = new ManualClock(start);
    const [a, b] = processes(store, clock);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => report(i % 2 ? a : b, 'mca_x', 'call', 'answered')),
    );
    await Promise.all(Array.from({ length: 4 }, (_, i) => report(i % 2 ? a : b, 'mca_x', 'call', 'failed')));
    expect(await readBreaker(store, 'mca_x')).toMatchObject({ state: 'closed' });
    expect(counted).toEqual([]);
    await report(a, 'mca_x', 'call', 'failed');
    expect(await readBreaker(store, 'mca_x')).toMatchObject({ state: 'open', opened_at: start });
    expect(counted).toEqual([opened]);
    expect(await acquire(a, 'mca_x')).toBe('skip');
    expect(await acquire(b, 'mca_x')).toBe('skip');

    clock.advance(settings.coolDownMs);
    const permits = await Promise.all(Array.from({ length: 50 }, (_, i) => acquire(i % 2 ? a : b, 'mca_x')));
    expect(permits.filter((p) => p === 'probe')).toHaveLength(1);
    expect(permits.filter((p) => p === 'skip')).toHaveLength(49);

    await report(b, 'mca_x', 'probe', 'answered');
    expect(await readBreaker(store, 'mca_x')).toMatchObject({ state: 'closed' });
    expect(await acquire(a, 'mca_x')).toBe('call');
    // The window starts afresh: one failure does not reopen it.
    await report(a, 'mca_x', 'call', 'failed');
    expect(await readBreaker(store, 'mca_x')).toMatchObject({ state: 'closed' });
    await store.close();
  });

  it('never opens for a provider failing a fifth of its calls, even when the failures come together', async () => {
    const store = await makeStore();
    const clock = new ManualClock(start);
    const [a, b] = processes(store, clock);
    for (let round = 0; round < 20; round++) {
      // Failures first (injected ones fail fast), then the successes.
      await Promise.all(Array.from({ length: 2 }, () => report(a, 'mca_p', 'call', 'failed')));
      await Promise.all(Array.from({ length: 8 }, () => report(b, 'mca_p', 'call', 'answered')));
      clock.advance(1_000);
    }
    expect(await readBreaker(store, 'mca_p')).toMatchObject({ state: 'closed' });
    await store.close();
  });

  it('reopens on a failed probe, and lets a stale probe be taken over after another cool-down', async () => {
    const store = await makeStore();
    const clock = new ManualClock(start);
    const [a, b] = processes(store, clock);
    for (let i = 0; i < 10; i++) await report(a, 'mca_y', 'call', 'failed');
    clock.advance(settings.coolDownMs);
    expect(await acquire(a, 'mca_y')).toBe('probe');
    await report(a, 'mca_y', 'probe', 'failed');
    expect(await readBreaker(store, 'mca_y')).toMatchObject({ state: 'open', opened_at: clock.now() });
    // Opened, then reopened by the failed probe: two openings counted.
    expect(counted).toEqual([opened, opened]);

    clock.advance(settings.coolDownMs);
    expect(await acquire(a, 'mca_y')).toBe('probe');
    // That probe never reports (its process died): after a cool-down another process takes over.
    expect(await acquire(b, 'mca_y')).toBe('skip');
    clock.advance(settings.coolDownMs);
    expect(await acquire(b, 'mca_y')).toBe('probe');
    await store.close();
  });

  it('forgets failures older than the window', async () => {
    const store = await makeStore();
    const clock = new ManualClock(start);
    const [a] = processes(store, clock);
    for (let i = 0; i < 9; i++) await report(a, 'mca_z', 'call', 'failed');
    clock.advance(2 * settings.windowMs);
    await report(a, 'mca_z', 'call', 'failed');
    expect(await readBreaker(store, 'mca_z')).toMatchObject({ state: 'closed' });
    await store.close();
  });
  it('counts one opening when many failures in two processes race to open it', async () => {
    const store = await makeStore();
    const clock = new ManualClock(start);
    const [a, b] = processes(store, clock);
    await Promise.all(Array.from({ length: 40 }, (_, i) => report(i % 2 ? a : b, 'mca_z', 'call', 'failed')));
    expect(await readBreaker(store, 'mca_z')).toMatchObject({ state: 'open' });
    expect(counted).toEqual([opened]);
    await store.close();
  });
});
