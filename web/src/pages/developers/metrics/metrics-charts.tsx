import type { ReactElement } from 'react';
import type { MetricsSecond } from '../../../api/metrics.ts';
import { Card } from '../../../components/ui/card.tsx';
import { LineChart } from '../../../components/ui/line-chart.tsx';

const clock = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const formatTime = (date: Date) => clock.format(date);
const milliseconds = (value: number) => `${value.toFixed(1)} ms`;
/** The plot's height; the legend (which reads out the values under the cursor) sits below it. */
const plotHeight = 192;

/**
 * The three live charts. Each is a figure whose caption states what it shows in words, so a
 * screen reader gets the numbers without the canvas (the chart itself is hidden from it).
 */
export function MetricsCharts({
  series,
  summaries,
}: {
  series: MetricsSecond[];
  summaries: { requests: string; latency: string; errors: string };
}) {
  const times = series.map((second) => Date.parse(second.time));
  const column = <K extends keyof MetricsSecond>(key: K) => series.map((second) => second[key]);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Requests per second" summary={summaries.requests} testId="chart-requests">
        <LineChart
          times={times}
          formatTime={formatTime}
          integers
          height={plotHeight}
          lines={[{ label: 'Requests', color: 'primary', values: column('requests') }]}
        />
      </ChartCard>
      <ChartCard title="Latency (ms)" summary={summaries.latency} testId="chart-latency">
        <LineChart
          times={times}
          formatTime={formatTime}
          formatValue={milliseconds}
          height={plotHeight}
          lines={[
            { label: 'p50', color: 'primary', values: column('p50_ms'), spanGaps: true },
            { label: 'p95', color: 'warning', values: column('p95_ms'), spanGaps: true },
            { label: 'p99', color: 'destructive', values: column('p99_ms'), spanGaps: true },
          ]}
        />
      </ChartCard>
      <ChartCard title="Errors per second" summary={summaries.errors} testId="chart-errors">
        <LineChart
          times={times}
          formatTime={formatTime}
          integers
          height={plotHeight}
          lines={[
            { label: '4xx', color: 'warning', values: column('client_errors') },
            { label: '5xx', color: 'destructive', values: column('server_errors') },
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
    <Card className="min-w-0">
      <figure data-testid={testId}>
        <h2 className="font-semibold">{title}</h2>
        <figcaption className="mb-3 text-sm text-muted-foreground">{summary}</figcaption>
        <div aria-hidden="true">{children}</div>
      </figure>
    </Card>
  );
}
