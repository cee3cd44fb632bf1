import type { ReactElement } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricsSecond } from '../../../api/metrics.ts';
import { Card } from '../../../components/ui/card.tsx';

const clock = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

interface Point extends MetricsSecond {
  label: string;
}

const colors = {
  primary: 'var(--color-primary)',
  warning: 'var(--color-warning)',
  destructive: 'var(--color-destructive)',
  muted: 'var(--color-muted-foreground)',
  grid: 'var(--color-border)',
} as const;

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
  const points: Point[] = series.map((second) => ({ ...second, label: clock.format(new Date(second.time)) }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Requests per second" summary={summaries.requests} testId="chart-requests">
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} stroke={colors.muted} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} stroke={colors.muted} />
          <Tooltip />
          <Line
            dataKey="requests"
            name="Requests"
            stroke={colors.primary}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
      <ChartCard title="Latency (ms)" summary={summaries.latency} testId="chart-latency">
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} stroke={colors.muted} />
          <YAxis tick={{ fontSize: 11 }} stroke={colors.muted} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            dataKey="p50_ms"
            name="p50"
            stroke={colors.primary}
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            dataKey="p95_ms"
            name="p95"
            stroke={colors.warning}
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            dataKey="p99_ms"
            name="p99"
            stroke={colors.destructive}
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
      <ChartCard title="Errors per second" summary={summaries.errors} testId="chart-errors">
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} stroke={colors.muted} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} stroke={colors.muted} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            dataKey="client_errors"
            name="4xx"
            stroke={colors.warning}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="server_errors"
            name="5xx"
            stroke={colors.destructive}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
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
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 480, height: 224 }}>
            {children}
          </ResponsiveContainer>
        </div>
      </figure>
    </Card>
  );
}
