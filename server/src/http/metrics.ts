import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppEnv } from './context.ts';
import type { RequestMetrics } from '../platform/telemetry.ts';
import { LiveStats } from './live-stats.ts';

/**
 * Per-route request counts and latency, exposed as Prometheus text at `/metrics`. Labels use the
 * route pattern (`/v1/transfers/:id`), never the raw path, so ids don't explode cardinality.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  /** The last minute, per second and route, for the dashboard (`GET /v1/metrics`). */
  readonly live = new LiveStats();
  readonly #requests = new Counter({
    name: 'sluice_http_requests_total',
    help: 'HTTP requests by method, route and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: 'sluice_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** `also`: the runtime's own metrics system (CloudWatch EMF on AWS), told of every request too. */
  middleware(also?: RequestMetrics): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const started = performance.now();
      await next();
      const route = routeOf(c);
      const seconds = (performance.now() - started) / 1000;
      this.#requests.inc({ method: c.req.method, route, status: `${Math.floor(c.res.status / 100)}xx` });
      this.#latency.observe({ method: c.req.method, route }, seconds);
      // A merchant's requests count in its own view too (`c.var.merchant`, set by merchant auth).
      this.live.record(
        `${c.req.method} ${route}`,
        c.res.status,
        seconds * 1000,
        c.get('merchant')?.merchantId,
      );
      also?.countRequest(`${c.req.method} ${route}`, c.res.status, seconds * 1000);
    };
  }

  /**
   * A gauge read when `/metrics` is scraped (the outbox's lag, say). Registering a name twice
   * keeps the first: one registry may serve more than one app.
   */
  gauge(name: string, help: string, read: () => Promise<number>): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The template of the handler that answered, as the OpenAPI document writes it
 * (`/v1/payments/{id}`). Hono's `routeIndex` is left at the last handler run, which answered;
 * the matched list also holds routes that never ran (a catch-all like the dashboard's `/*`).
 * Middleware is registered for method ALL: a request no route answered is `unmatched`.
 */
function routeOf(c: Context<AppEnv>): string {
  const handler = matchedRoutes(c)[c.req.routeIndex];
  if (!handler || handler.method === 'ALL') return 'unmatched';
  return handler.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}
