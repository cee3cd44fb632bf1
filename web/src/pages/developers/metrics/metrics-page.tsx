import {
  summarizeMetrics,
  useLiveMetrics,
  type LiveMetrics,
  type RouteMetrics,
} from '../../../api/metrics.ts';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useMerchantId } from '../merchant-shell.tsx';
import { MetricsCharts } from './metrics-charts.tsx';

const ms = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} ms`);
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** The charts' captions: the same numbers in words. */
export function describeMetrics(metrics: LiveMetrics): { requests: string; latency: string; errors: string } {
  const s = summarizeMetrics(metrics);
  const window = `the last ${metrics.window_seconds} s`;
  return {
    requests: `${s.totalRequests} requests in ${window}, ${s.requestsPerSecond} per second on average.`,
    latency: s.latest
      ? `Latest: p50 ${ms(s.latest.p50_ms)}, p95 ${ms(s.latest.p95_ms)}, p99 ${ms(s.latest.p99_ms)}; peak p95 ${ms(s.peakP95Ms)}.`
      : `No requests in ${window}.`,
    errors: `${s.clientErrors} client errors (4xx) and ${s.serverErrors} server errors (5xx) in ${window}.`,
  };
}

/** The merchant's last minute of API traffic, refreshed every 2 s (`GET /v1/metrics`). */
export default function MetricsPage() {
  const metrics = useLiveMetrics(useMerchantId());
  return (
    <div>
      <PageHeader
        title="Metrics"
        description="This merchant's live API traffic over the last minute, refreshed every 2 seconds."
      />
      {metrics.isPending ? (
        <Loading label="Loading metrics…" />
      ) : metrics.isError && !metrics.data ? (
        <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <div className="flex flex-col gap-4">
          {metrics.isError ? (
            <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
          ) : null}
          {metrics.data.series.every((second) => second.requests === 0) ? (
            <Empty title="No traffic in the last minute">
              Make a test payment or call the API, and the charts fill in.
            </Empty>
          ) : null}
          <MetricsCharts series={metrics.data.series} summaries={describeMetrics(metrics.data)} />
          <RoutesTable routes={metrics.data.routes} windowSeconds={metrics.data.window_seconds} />
        </div>
      )}
    </div>
  );
}

function RoutesTable({ routes, windowSeconds }: { routes: RouteMetrics[]; windowSeconds: number }) {
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Routes</h2>
      {routes.length === 0 ? (
        <p className="text-sm text-muted-foreground">No requests in the last {windowSeconds} s.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm tabular-nums">
            <caption className="sr-only">Requests per route over the last {windowSeconds} seconds</caption>
            <thead className="text-left text-muted-foreground">
              <tr className="border-b border-border">
                <th scope="col" className="py-2 pr-3 font-medium">
                  Route
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Requests
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Req/s
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  4xx
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  5xx
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  p50
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  p95
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  p99
                </th>
              </tr>
            </thead>
            <tbody>
              {routes.map((route) => (
                <tr
                  key={route.route}
                  className="border-b border-border last:border-0"
                  data-testid="route-row"
                >
                  <th scope="row" className="py-2 pr-3 text-left font-mono font-normal whitespace-nowrap">
                    {route.route}
                  </th>
                  <td className="py-2 pr-3 text-right">{route.requests}</td>
                  <td className="py-2 pr-3 text-right">{route.requests_per_second.toFixed(2)}</td>
                  <td className="py-2 pr-3 text-right">{percent(route.rate_4xx)}</td>
                  <td className="py-2 pr-3 text-right">{percent(route.rate_5xx)}</td>
                  <td className="py-2 pr-3 text-right whitespace-nowrap">{ms(route.p50_ms)}</td>
                  <td className="py-2 pr-3 text-right whitespace-nowrap">{ms(route.p95_ms)}</td>
                  <td className="py-2 text-right whitespace-nowrap">{ms(route.p99_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
