import { useQuery } from '@tanstack/react-query';
import { developerRoot, merchantFetch } from './merchants.ts';
import type { components } from './schema.gen.ts';

export type LiveMetrics = components['schemas']['LiveMetrics'];
/** One second of API traffic (`GET /v1/metrics`, `series`). */
export type MetricsSecond = LiveMetrics['series'][number];
/** One route over the whole window (`GET /v1/metrics`, `routes`); `rate_4xx` and `rate_5xx` are shares, 0 to 1. */
export type RouteMetrics = LiveMetrics['routes'][number];

/** How often the live charts refresh. */
export const metricsPollMs = 2000;

/** One merchant's own traffic (`Sluice-Merchant`): the API counts only the requests made as it. */
export const metricsKeys = {
  live: (merchantId: string) => [...developerRoot, merchantId, 'metrics', 'live'] as const,
};

export const fetchLiveMetrics = (merchantId: string) => merchantFetch<LiveMetrics>(merchantId, '/v1/metrics');

/** The merchant's last minute of traffic, refetched every 2 s while the page is visible. */
export function useLiveMetrics(merchantId: string) {
  return useQuery({
    queryKey: metricsKeys.live(merchantId),
    queryFn: () => fetchLiveMetrics(merchantId),
    refetchInterval: metricsPollMs,
    staleTime: 0,
  });
}

export interface MetricsSummary {
  totalRequests: number;
  requestsPerSecond: number;
  clientErrors: number;
  serverErrors: number;
  /** The highest per-second p95 of the window, or null with no traffic. */
  peakP95Ms: number | null;
  /** The latest second that had any traffic's p50 / p95 / p99. */
  latest: { p50_ms: number | null; p95_ms: number | null; p99_ms: number | null } | null;
}

/** Totals over the window, for the charts' text summary. */
export function summarizeMetrics(metrics: LiveMetrics): MetricsSummary {
  let totalRequests = 0;
  let clientErrors = 0;
  let serverErrors = 0;
  let peakP95Ms: number | null = null;
  let latest: MetricsSummary['latest'] = null;
  for (const second of metrics.series) {
    totalRequests += second.requests;
    clientErrors += second.client_errors;
    serverErrors += second.server_errors;
    if (second.p95_ms !== null && (peakP95Ms === null || second.p95_ms > peakP95Ms))
      peakP95Ms = second.p95_ms;
    if (second.requests > 0) latest = { p50_ms: second.p50_ms, p95_ms: second.p95_ms, p99_ms: second.p99_ms };
  }
  const seconds = metrics.window_seconds || metrics.series.length || 1;
  return {
    totalRequests,
    requestsPerSecond: Math.round((totalRequests / seconds) * 100) / 100,
    clientErrors,
    serverErrors,
    peakP95Ms,
    latest,
  };
}
