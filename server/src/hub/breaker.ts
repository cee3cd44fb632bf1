import { isoTime } from '../kernel/clock.ts';
import type { Clock } from '../kernel/clock.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../platform/store.ts';
import { breakerWrites, readBreaker, type BreakerRecord } from './store.ts';

/** When a connector's breaker opens and how long it stays open before a probe. */
export interface BreakerSettings {
  /** Consecutive technical failures that open it. */
  failureThreshold: number;
  /** How long it stays open before one call may probe the provider. */
  coolDownMs: number;
}

export const defaultBreakerSettings: BreakerSettings = { failureThreshold: 5, coolDownMs: 30_000 };

export interface BreakerDeps {
  store: Store;
  clock: Clock;
  breaker: BreakerSettings;
}

/** What a caller may do: call (closed), call as the one probe (half-open), or skip (open). */
export type BreakerPermit = 'call' | 'probe' | 'skip';

async function tryWrite(store: Store, operation: WriteOperation): Promise<boolean> {
  try {
    await store.transact([operation]);
    return true;
  } catch (error) {
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
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
  return (await tryWrite(deps.store, breakerWrites.takeProbe(connectorId, breaker, now))) ? 'probe' : 'skip';
}

/** Reports a call's outcome: a technical failure, or an answer (a decline counts as an answer). */
export async function report(
  deps: BreakerDeps,
  connectorId: string,
  permit: Exclude<BreakerPermit, 'skip'>,
  outcome: 'answered' | 'failed',
): Promise<void> {
  const now = deps.clock.now();
  if (permit === 'probe') {
    await tryWrite(
      deps.store,
      outcome === 'answered' ? breakerWrites.close(connectorId) : breakerWrites.reopen(connectorId, now),
    );
    return;
  }
  if (outcome === 'answered') {
    const breaker = await readBreaker(deps.store, connectorId);
    if (breaker.consecutive_failures > 0)
      await tryWrite(deps.store, breakerWrites.resetFailures(connectorId));
    return;
  }
  await deps.store.transact([breakerWrites.countFailure(connectorId)]);
  const breaker = await readBreaker(deps.store, connectorId);
  if (breaker.state === 'closed' && breaker.consecutive_failures >= deps.breaker.failureThreshold)
    await tryWrite(deps.store, breakerWrites.open(connectorId, now));
}

/** The breaker as the API shows it. */
export function toBreaker(breaker: BreakerRecord) {
  return {
    state: breaker.state,
    consecutive_failures: breaker.consecutive_failures,
    opened_at: breaker.state === 'closed' ? null : isoTime(breaker.opened_at),
  };
}
