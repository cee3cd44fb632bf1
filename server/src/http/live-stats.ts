/**
 * The last minute of traffic, per second and per route, for the dashboard's live charts:
 * request counts, 4xx/5xx counts and latency percentiles. Prometheus histograms (`/metrics`)
 * are cumulative and bucketed; these are exact-enough percentiles over a sliding window, from a
 * bounded reservoir of latencies per route and second.
 */
const windowSeconds = 60;
const samplesPerSecond = 200;

interface Bucket {
  second: number;
  requests: number;
  client_errors: number;
  server_errors: number;
  latencies: number[];
}

export interface SecondStats {
  time: string;
  requests: number;
  client_errors: number;
  server_errors: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface RouteStats {
  route: string;
  requests: number;
  requests_per_second: number;
  rate_4xx: number;
  rate_5xx: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface LiveStatsSnapshot {
  window_seconds: number;
  series: SecondStats[];
  routes: RouteStats[];
}

/** The scope every request is counted in: the whole installation's traffic. */
const platformScope = '';

/**
 * Kept per scope: the whole platform's traffic (for admins), and each merchant's own (for that
 * merchant's keys and dashboard), so no caller sees another's routes. A scope with no traffic in
 * the window is dropped, so memory follows the active merchants, not all of them.
 */
export class LiveStats {
  readonly #scopes = new Map<string, Map<string, Bucket[]>>();
  readonly #now: () => number;
  #prunedAt = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Counts a request in the platform's traffic and, given `scope` (a merchant id), in that scope's too. */
  record(route: string, status: number, latencyMs: number, scope?: string): void {
    const second = Math.floor(this.#now() / 1000);
    this.#prune(second);
    this.#recordIn(platformScope, route, status, latencyMs, second);
    if (scope !== undefined && scope !== platformScope)
      this.#recordIn(scope, route, status, latencyMs, second);
  }

  #prune(second: number): void {
    if (second === this.#prunedAt) return;
    this.#prunedAt = second;
    for (const [scope, routes] of this.#scopes) {
      const isActive = [...routes.values()].some((ring) =>
        ring.some((bucket) => bucket !== undefined && bucket.second > second - windowSeconds),
      );
      if (!isActive && scope !== platformScope) this.#scopes.delete(scope);
    }
  }

  #recordIn(scope: string, route: string, status: number, latencyMs: number, second: number): void {
    let routes = this.#scopes.get(scope);
    if (!routes) {
      routes = new Map();
      this.#scopes.set(scope, routes);
    }
    let ring = routes.get(route);
    if (!ring) {
      ring = [];
      routes.set(route, ring);
    }
    const slot = second % windowSeconds;
    let bucket = ring[slot];
    if (!bucket || bucket.second !== second) {
      bucket = { second, requests: 0, client_errors: 0, server_errors: 0, latencies: [] };
      ring[slot] = bucket;
    }
    bucket.requests += 1;
    if (status >= 500) bucket.server_errors += 1;
    else if (status >= 400) bucket.client_errors += 1;
    // Reservoir sampling keeps a uniform sample of the second's latencies in bounded memory.
    if (bucket.latencies.length < samplesPerSecond) bucket.latencies.push(latencyMs);
    else {
      const index = Math.floor(Math.random() * bucket.requests);
      if (index < samplesPerSecond) bucket.latencies[index] = latencyMs;
    }
  }

  /** The last minute of `scope`'s traffic (a merchant id), or of the whole platform's without one. */
  snapshot(scope: string = platformScope): LiveStatsSnapshot {
    const current = Math.floor(this.#now() / 1000);
    const first = current - windowSeconds + 1;
    const perSecond = new Map<number, Bucket>();
    for (let second = first; second <= current; second++) {
      perSecond.set(second, { second, requests: 0, client_errors: 0, server_errors: 0, latencies: [] });
    }
    const routes: RouteStats[] = [];
    for (const [route, ring] of this.#scopes.get(scope) ?? []) {
      const total = { requests: 0, client_errors: 0, server_errors: 0, latencies: [] as number[] };
      for (const bucket of ring) {
        if (!bucket || bucket.second < first) continue;
        const aggregate = perSecond.get(bucket.second)!;
        aggregate.requests += bucket.requests;
        aggregate.client_errors += bucket.client_errors;
        aggregate.server_errors += bucket.server_errors;
        aggregate.latencies.push(...bucket.latencies);
        total.requests += bucket.requests;
        total.client_errors += bucket.client_errors;
        total.server_errors += bucket.server_errors;
        total.latencies.push(...bucket.latencies);
      }
      if (total.requests === 0) continue;
      const [p50, p95, p99] = percentiles(total.latencies);
      routes.push({
        route,
        requests: total.requests,
        requests_per_second: round(total.requests / windowSeconds),
        rate_4xx: round(total.client_errors / total.requests),
        rate_5xx: round(total.server_errors / total.requests),
        p50_ms: p50,
        p95_ms: p95,
        p99_ms: p99,
      });
    }
    routes.sort((a, b) => b.requests - a.requests);
    const series = [...perSecond.values()].map((bucket) => {
      const [p50, p95, p99] = percentiles(bucket.latencies);
      return {
        time: new Date(bucket.second * 1000).toISOString(),
        requests: bucket.requests,
        client_errors: bucket.client_errors,
        server_errors: bucket.server_errors,
        p50_ms: p50,
        p95_ms: p95,
        p99_ms: p99,
      };
    });
    return { window_seconds: windowSeconds, series, routes };
  }
}

function percentiles(values: number[]): [number | null, number | null, number | null] {
  if (values.length === 0) return [null, null, null];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return [at(0.5), at(0.95), at(0.99)];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
