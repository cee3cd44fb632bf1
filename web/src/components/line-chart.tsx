import { useId, useState } from 'react';

export interface LineSeries<T> {
  /** The field of each point this line draws; null leaves a gap bridged to the next value. */
  value: (point: T) => number | null;
  name: string;
  color: string;
}

const width = 480;
const height = 200;
const pad = { top: 8, right: 8, bottom: 20, left: 36 };

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * power).find((bound) => bound >= max)!;
}

/**
 * A small live line chart in plain SVG: grid, y ticks, first and last x labels, a legend, and
 * the values under the pointer. It replaces a charting library whose chunk weighed ~400 KB for
 * three charts of sixty points.
 */
export function LineChart<T>({
  points,
  series,
  label,
  legend = series.length > 1,
}: {
  points: T[];
  series: LineSeries<T>[];
  /** The x label of a point (a clock time). */
  label: (point: T) => string;
  legend?: boolean;
}) {
  const clipId = useId();
  const [hover, setHover] = useState<number | null>(null);
  const values = points.flatMap((point) => series.map((line) => line.value(point) ?? 0));
  const top = niceCeiling(Math.max(0, ...values));
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  const x = (index: number) => pad.left + (points.length < 2 ? 0 : (index / (points.length - 1)) * plotWidth);
  const y = (value: number) => pad.top + plotHeight - (value / top) * plotHeight;
  const ticks = [0, top / 2, top];
  const pathOf = (line: LineSeries<T>) =>
    points
      .map((point, index) => ({ index, value: line.value(point) }))
      .filter((entry): entry is { index: number; value: number } => entry.value !== null)
      .map(({ index, value }, n) => `${n === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(value).toFixed(1)}`)
      .join('');
  const hovered = hover === null ? undefined : points[hover];
  return (
    <div className="flex h-full flex-col">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        className="min-h-0 w-full flex-1 text-muted-foreground"
        onMouseMove={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          const at = ((event.clientX - box.left) / box.width) * width;
          const index = Math.round(((at - pad.left) / plotWidth) * (points.length - 1));
          setHover(points.length ? Math.min(points.length - 1, Math.max(0, index)) : null);
        }}
        onMouseLeave={() => setHover(null)}
      >
        <clipPath id={clipId}>
          <rect x={pad.left} y={pad.top} width={plotWidth} height={plotHeight} />
        </clipPath>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={pad.left}
              x2={width - pad.right}
              y1={y(tick)}
              y2={y(tick)}
              stroke="var(--color-border)"
              strokeDasharray="3 3"
            />
            <text x={pad.left - 4} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="currentColor">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        {points.length ? (
          <>
            <text x={pad.left} y={height - 4} fontSize="11" fill="currentColor">
              {label(points[0]!)}
            </text>
            <text x={width - pad.right} y={height - 4} textAnchor="end" fontSize="11" fill="currentColor">
              {label(points.at(-1)!)}
            </text>
          </>
        ) : null}
        <g clipPath={`url(#${clipId})`}>
          {series.map((line) => (
            <path
              key={line.name}
              d={pathOf(line)}
              fill="none"
              stroke={line.color}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
            />
          ))}
        </g>
        {hover !== null ? (
          <line
            x1={x(hover)}
            x2={x(hover)}
            y1={pad.top}
            y2={pad.top + plotHeight}
            stroke="currentColor"
            vectorEffect="non-scaling-stroke"
          />
        ) : null}
      </svg>
      {legend || hovered ? (
        <ul className="mt-1 flex flex-wrap gap-x-4 text-xs text-muted-foreground">
          {hovered ? <li>{label(hovered)}</li> : null}
          {series.map((line) => (
            <li key={line.name} className="flex items-center gap-1">
              <span className="inline-block size-2 rounded-full" style={{ background: line.color }} />
              {line.name}
              {hovered ? `: ${line.value(hovered) ?? '–'}` : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
