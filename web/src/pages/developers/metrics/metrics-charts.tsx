import type { ReactElement } from 'react';
import type { MetricsSecond } from '../../../api/metrics.ts';
import { LineChart } from '../../../components/line-chart.tsx';
import { Card } from '../../../components/ui/card.tsx';

const clock = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const colors = {
  primary: 'var(--color-primary)',
  warning: 'var(--color-warning)',
  destructive: 'var(--color-destructive)',
} as const;

const label = (second: MetricsSecond) => clock.format(new Date(second.time));

/**
 * The three live charts. Each is a figure whose caption states what it shows in words, so a
 * screen reader gets the numbers without the SVG (the SVG itself is hidden from it).
 */
export function MetricsCharts({
  series,
  summaries,
}: {
  series: MetricsSecond[];
  summaries: { requests: string; latency: string; errors: string };
}) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Requests per second" summary={summaries.requests} testId="chart-requests">
        <LineChart
          points={series}
          label={label}
          series={[{ name: 'Requests', color: colors.primary, value: (s) => s.requests }]}
        />
      </ChartCard>
      <ChartCard title="Latency (ms)" summary={summaries.latency} testId="chart-latency">
        <LineChart
          points={series}
          label={label}
          series={[
            { name: 'p50', color: colors.primary, value: (s) => s.p50_ms },
            { name: 'p95', color: colors.warning, value: (s) => s.p95_ms },
            { name: 'p99', color: colors.destructive, value: (s) => s.p99_ms },
          ]}
        />
      </ChartCard>
      <ChartCard title="Errors per second" summary={summaries.errors} testId="chart-errors">
        <LineChart
          points={series}
          label={label}
          series={[
            { name: '4xx', color: colors.warning, value: (s) => s.client_errors },
            { name: '5xx', color: colors.destructive, value: (s) => s.server_errors },
          ]}
        />
      </ChartCard>
    </div>
  );
}

function ChartCard({
  title,
  summary,
  testId,
  children,
}: {
  title: string;
  summary: string;
  testId: string;
  children: ReactElement;
}) {
  return (
    <Card>
      <figure data-testid={testId}>
        <h2 className="font-semibold">{title}</h2>
        <figcaption className="mb-3 text-sm text-muted-foreground">{summary}</figcaption>
        <div aria-hidden="true" className="h-56">
          {children}
        </div>
      </figure>
    </Card>
  );
}
