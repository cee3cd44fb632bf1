import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** The theme tokens a line may be drawn in (index.css's `--color-*`). */
export type ChartColor = 'primary' | 'warning' | 'destructive';

export interface ChartLine {
  label: string;
  color: ChartColor;
  /** One value per time; null where there is none (drawn as a gap, or bridged with `spanGaps`). */
  values: Array<number | null>;
  /** Join across nulls instead of breaking the line (latency has no value in an idle second). */
  spanGaps?: boolean;
}

export interface LineChartProps {
  /** The x axis: epoch milliseconds, ascending. */
  times: number[];
  lines: ChartLine[];
  /** Formats a time for the axis and the legend's readout. */
  formatTime: (date: Date) => string;
  /** Formats a value for the legend's readout (the axis keeps plain numbers). */
  formatValue?: (value: number) => string;
  /** Only whole-number ticks on the y axis (counts rather than durations). */
  integers?: boolean;
  /** The plot's height in CSS pixels, axes included; the legend sits below it. */
  height: number;
}

const font = '11px system-ui, sans-serif';
/** Whole-number tick steps: uPlot picks the smallest that keeps ticks apart. */
const integerSteps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 100_000];

/**
 * A time-series line chart drawn by uPlot on a canvas, sized to its container. uPlot draws
 * imperatively, so the chart is made once per set of lines and then fed new data and sizes
 * (`setData`, `setSize`) instead of being rebuilt on each poll. Its legend doubles as the
 * tooltip: hovering reads out the time and every line's value at the cursor (the latest otherwise).
 *
 * The chart is created only once the container has a width (a ResizeObserver reports it), so a
 * page rendered without layout (the component tests' jsdom) gets no canvas at all. The canvas is
 * not readable by a screen reader: callers put the same numbers in words beside it.
 */
export function LineChart({
  times,
  lines,
  formatTime,
  formatValue = String,
  integers = false,
  height,
}: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const data: uPlot.AlignedData = [times.map((time) => time / 1000), ...lines.map((line) => line.values)];
  // What the chart's options depend on: a change here rebuilds it, anything else only updates it.
  const shape = JSON.stringify([
    lines.map(({ label, color, spanGaps }) => [label, color, spanGaps]),
    integers,
  ]);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const hasWidth = width > 0;
  // Rebuilt on a new shape only (data and size are fed by the effects below); formatTime and formatValue are
  // read here.
  useEffect(() => {
    const element = container.current;
    if (!element || !hasWidth) return;
    const made = new uPlot(
      chartOptions(element, { lines, formatTime, formatValue, integers, height, width }),
      data,
      element,
    );
    chart.current = made;
    return () => {
      made.destroy();
      chart.current = null;
    };
  }, [shape, hasWidth]);

  useEffect(() => {
    chart.current?.setData(data);
  });

  useEffect(() => {
    if (hasWidth) chart.current?.setSize({ width, height });
  }, [width, height, hasWidth]);

  return <div ref={container} className="w-full [&_.u-legend]:text-xs" />;
}

/** Reads a theme colour from the page, so the canvas is drawn in the same tokens as the CSS. */
function themeColor(element: Element, token: string): string {
  return getComputedStyle(element).getPropertyValue(`--color-${token}`).trim() || 'currentColor';
}

function chartOptions(
  element: Element,
  {
    lines,
    formatTime,
    formatValue = String,
    integers,
    height,
    width,
  }: Omit<LineChartProps, 'times'> & { width: number },
): uPlot.Options {
  const muted = themeColor(element, 'muted-foreground');
  const grid = { stroke: themeColor(element, 'border'), width: 1, dash: [3, 3] };
  const ticks = { stroke: themeColor(element, 'border'), width: 1 };
  const at = (seconds: number) => formatTime(new Date(seconds * 1000));
  return {
    width,
    height,
    // Counts and durations start at zero, as on the Recharts charts these replace.
    scales: {
      x: { time: true },
      y: { range: (_chart, _min, max) => [0, max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : 1] },
    },
    // A live chart: no drag-to-zoom (the next poll would undo it); a dot on each line at the cursor.
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
    legend: { live: true },
    series: [
      {
        label: 'Time',
        value: (chart, seconds, index, cursor) => {
          const time = legendValue(chart, seconds, index, cursor);
          return time == null ? '—' : at(time);
        },
      },
      ...lines.map(
        (line): uPlot.Series => ({
          label: line.label,
          stroke: themeColor(element, line.color),
          width: 2,
          points: { show: false },
          spanGaps: line.spanGaps ?? false,
          value: (chart, raw, index, cursor) => {
            const value = legendValue(chart, raw, index, cursor);
            return value == null ? '—' : formatValue(value);
          },
        }),
      ),
    ],
    axes: [
      {
        stroke: muted,
        font,
        grid,
        ticks,
        // Room for an HH:MM:SS label between ticks.
        space: 64,
        values: (_chart, splits) => splits.map(at),
      },
      { stroke: muted, font, grid, ticks, size: 40, ...(integers ? { incrs: integerSteps } : {}) },
    ],
  };
}

/**
 * What the legend reads out for a line: its value under the cursor, or, with the cursor off the
 * chart (always, on a screen without hover), its latest value, so the legend is never a row of dashes.
 */
function legendValue(chart: uPlot, raw: number | null, series: number, cursor: number | null): number | null {
  if (cursor != null) return raw;
  const column = chart.data[series];
  return column?.[column.length - 1] ?? null;
}
