import { isoTime } from '../kernel/clock.ts';
import type { Clock } from '../kernel/clock.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../platform/store.ts';
import type { ModuleMetrics } from '../platform/telemetry.ts';
import { breakerWrites, readBreaker, readBreakerBuckets, type BreakerRecord } from './store.ts';

/**
 * When a connector's breaker opens: when at least `failureRate` of the calls in the last window
 * (this bucket and the one before) failed technically, once there were `minCalls` of them. A
 * provider that is down trips it within `minCalls` calls; one that fails a fifth of its calls at
 * random never does, so partial failure is left to failover. (A count of consecutive failures
 * tripped at 20 % under load: concurrent fast failures land together, with no success between.)
 */
export interface BreakerSettings {
  failureRate: number;
  minCalls: number;
  /** The size of one window bucket; the window is the current bucket and the previous one. */
  windowMs: number;
  /** How long it stays open before one call may probe the provider. */
  coolDownMs: number;
}

export const defaultBreakerSettings: BreakerSettings = {
  failureRate: 0.5,
  minCalls: 10,
  windowMs: 10_000,
  coolDownMs: 30_000,
};

export interface BreakerDeps {
  store: Store;
  clock: Clock;
  breaker: BreakerSettings;
  /** Counts each opening as {@link breakerOpenedMetric}, which the hub's `breaker-open` alarm watches. */
  moduleMetrics: ModuleMetrics;
}

/** The metric counted once per breaker opening (a failed probe reopening it included). */
export const breakerOpenedMetric = 'CircuitBreakerOpened';

/** What a caller may do: call (closed), call as the one probe (half-open), or skip (open). */
export type BreakerPermit = 'call' | 'probe' | 'skip';

async function tryWrite(store: Store, operations: WriteOperation[]): Promise<boolean> {
  try {
    await store.transact(operations);
    return true;
  } catch (error) {
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
}

/** The window's buckets at `now`: the current one and the one before. */
function windowBuckets(deps: BreakerDeps, now: number): [number, number] {
  const current = Math.floor(now / deps.breaker.windowMs);
  return [current - 1, current];
}

/**
 * Whether a call to the connector may go ahead. Closed: yes. Open: no, until the cool-down has
 * passed; then exactly one caller wins the conditional move to half-open and probes, the others
 * skip. A probe that never reported (its Lambda died) is taken over after another cool-down.
 */
export async function acquire(deps: BreakerDeps, connectorId: string): Promise<BreakerPermit> {
  const breaker = await readBreaker(deps.store, connectorId);
  if (breaker.state === 'closed') return 'call';
  const now = deps.clock.now();
  const since = breaker.state === 'open' ? breaker.opened_at : breaker.probe_started_at;
  if (now - since < deps.breaker.coolDownMs) return 'skip';
  return (await tryWrite(deps.store, [breakerWrites.takeProbe(connectorId, breaker, now)]))
    ? 'probe'
    : 'skip';
}

/**
 * Reports a call's outcome: a technical failure, or an answer (a decline counts as an answer).
 * Every call costs one atomic counter write on the connector's window bucket (a hot item: one per
 * connector per window); a failure also reads the window to decide whether to open.
 */
export async function report(
  deps: BreakerDeps,
  connectorId: string,
  permit: Exclude<BreakerPermit, 'skip'>,
  outcome: 'answered' | 'failed',
  /** The event recording the breaker's move, written in the move's own transaction. */
  announce?: (type: 'connector.circuit_opened' | 'connector.circuit_closed', now: number) => WriteOperation,
): Promise<void> {
  const now = deps.clock.now();
  const event = (type: 'connector.circuit_opened' | 'connector.circuit_closed') =>
    announce ? [announce(type, now)] : [];
  const buckets = windowBuckets(deps, now);
  if (permit === 'probe') {
    if (outcome === 'answered')
      await tryWrite(deps.store, [
        ...breakerWrites.close(connectorId, buckets),
        ...event('connector.circuit_closed'),
      ]);
    else await open(deps, [breakerWrites.reopen(connectorId, now), ...event('connector.circuit_opened')]);
    return;
  }
  const expires = Math.ceil((now + 3 * deps.breaker.windowMs) / 1000);
  await deps.store.transact([breakerWrites.count(connectorId, buckets[1], outcome === 'failed', expires)]);
  if (outcome === 'answered') return;
  const window = await readBreakerBuckets(deps.store, connectorId, buckets);
  if (window.calls >= deps.breaker.minCalls && window.failures >= deps.breaker.failureRate * window.calls) {
    const breaker = await readBreaker(deps.store, connectorId);
    if (breaker.state === 'closed')
      await open(deps, [breakerWrites.open(connectorId, now), ...event('connector.circuit_opened')]);
  }
}

/** Moves the breaker to open; the process whose write won counts the opening, once. */
async function open(deps: BreakerDeps, operations: WriteOperation[]): Promise<void> {
  if (await tryWrite(deps.store, operations)) deps.moduleMetrics.count('hub', breakerOpenedMetric);
}

/** The breaker as the API shows it, with the calls and failures of its current window. */
export async function showBreaker(deps: BreakerDeps, connectorId: string, breaker: BreakerRecord) {
  const window = await readBreakerBuckets(deps.store, connectorId, windowBuckets(deps, deps.clock.now()));
  return {
    state: breaker.state,
    opened_at: breaker.state === 'closed' ? null : isoTime(breaker.opened_at),
    window,
  };
}
