/**
 * Per-endpoint admission for the delivery worker, so a slow or dead endpoint only delays itself:
 *
 * - at most `maxOpenPerEndpoint` requests open to one endpoint at once (a queue batch's worth)
 *   once it has answered within the hold, `maxOpenPerSlowEndpoint` until then or once it is slow,
 *   and one while it keeps failing to answer: a delivery over the limit waits (is deferred)
 *   instead of opening another socket that would hang;
 * - an endpoint that timed out or could not be reached is left alone for a backoff that doubles
 *   with each such failure in a row (10 s, 20 s … 5 min), then probed with one request; an
 *   answer, whatever its status, ends the backoff;
 * - an endpoint whose request outlasted the worker's hold is `slow`: its next requests are not
 *   waited for at all.
 *
 * One small entry per endpoint the process has sent to. The state is the process's own (one worker process locally; one Lambda container on AWS, where
 * it is a per-container limit). Losing it loses nothing but the limits: deliveries are recorded
 * in the store.
 */
export const maxOpenPerEndpoint = 10;
export const maxOpenPerSlowEndpoint = 2;
const backoffBaseSeconds = 10;
const maxBackoffSeconds = 300;
/** When a quick (or not yet known) endpoint has all its slots taken: one is likely free again by then. */
const busyRetryMs = 1000;

/** How a request to the endpoint ended: answered within the hold, answered later, or not at all (timeout, no connection). */
export type RequestEnd = 'fast' | 'slow' | 'unresponsive';

interface EndpointState {
  /** Open requests: delivery id → when its timeout ends (ms, `now()`'s scale). */
  open: Map<string, number>;
  unresponsiveStreak: number;
  backoffUntil: number;
  /** `quick`: its last answer came within the hold; `slow`: it did not, or a request outlasted the hold. */
  pace: 'unknown' | 'quick' | 'slow';
}

export type Admission = { isAdmitted: true } | { isAdmitted: false; retryAfterSeconds: number };

export class EndpointGate {
  readonly #endpoints = new Map<string, EndpointState>();
  readonly #endpointOf = new Map<string, string>();
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: { now?: () => number; random?: () => number } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
  }

  /** Opens a request slot for `deliveryId` to `endpointId` whose timeout is `timeoutMs`, or says how long to wait. */
  admit(endpointId: string, deliveryId: string, timeoutMs: number): Admission {
    const now = this.#now();
    const state = this.#state(endpointId);
    if (state.backoffUntil > now) return this.#wait(state.backoffUntil - now);
    const limit =
      state.unresponsiveStreak > 0 ? 1 : state.pace === 'quick' ? maxOpenPerEndpoint : maxOpenPerSlowEndpoint;
    // A slow endpoint's slot frees when a request times out at the latest; another's, soon.
    if (state.open.size >= limit)
      return this.#wait(state.pace === 'slow' ? Math.min(...state.open.values()) - now : busyRetryMs);
    state.open.set(deliveryId, now + timeoutMs);
    this.#endpointOf.set(deliveryId, endpointId);
    return { isAdmitted: true };
  }

  /** Closes the slot `admit` opened. */
  release(endpointId: string, deliveryId: string, end: RequestEnd): void {
    const state = this.#state(endpointId);
    state.open.delete(deliveryId);
    this.#endpointOf.delete(deliveryId);
    if (end === 'unresponsive') {
      state.pace = 'slow';
      const now = this.#now();
      // Requests that were open together fail together: they count as one failure, not several.
      if (state.backoffUntil > now) return;
      state.unresponsiveStreak++;
      const backoff = Math.min(maxBackoffSeconds, backoffBaseSeconds * 2 ** (state.unresponsiveStreak - 1));
      state.backoffUntil = now + backoff * 1000;
    } else {
      state.unresponsiveStreak = 0;
      state.backoffUntil = 0;
      state.pace = end === 'fast' ? 'quick' : 'slow';
    }
  }

  markSlow(endpointId: string): void {
    this.#state(endpointId).pace = 'slow';
  }

  isSlow(endpointId: string): boolean {
    return this.#endpoints.get(endpointId)?.pace === 'slow';
  }

  /** Seconds until the open request of `deliveryId` times out; undefined when none is open. */
  openRequestSeconds(deliveryId: string): number | undefined {
    const endpointId = this.#endpointOf.get(deliveryId);
    const deadline =
      endpointId === undefined ? undefined : this.#endpoints.get(endpointId)?.open.get(deliveryId);
    return deadline === undefined ? undefined : Math.max(1, Math.ceil((deadline - this.#now()) / 1000));
  }

  /** A wait of at least a second, with ±10 % jitter so deferred deliveries do not return in lockstep. */
  #wait(ms: number): Admission {
    const seconds = Math.max(1, ms / 1000) * (0.9 + 0.2 * this.#random());
    return { isAdmitted: false, retryAfterSeconds: Math.max(1, Math.round(seconds)) };
  }

  #state(endpointId: string): EndpointState {
    let state = this.#endpoints.get(endpointId);
    if (!state) {
      state = { open: new Map(), unresponsiveStreak: 0, backoffUntil: 0, pace: 'unknown' };
      this.#endpoints.set(endpointId, state);
    }
    return state;
  }
}
