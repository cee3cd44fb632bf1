/** What `npm run bench` prints and keeps: the results table, the targets and `.tmp/bench-latest.json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/server-process.ts';
import type { ScenarioResult } from './load.ts';
import { log, round } from './support.ts';

export function table(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    '2xx req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'errors',
    'timeouts',
    'vs bare',
    'server CPU',
    'bench CPU',
    'server µs/2xx',
    'outbox lag s',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.rps_2xx),
    r.latency_ms.p50.toFixed(2),
    r.latency_ms.p95.toFixed(2),
    r.latency_ms.p99.toFixed(2),
    r.latency_ms.max.toFixed(1),
    String(r.non_2xx),
    String(r.errors),
    String(r.timeouts),
    r.ratio_to_baseline === undefined ? '1.00' : r.ratio_to_baseline.toFixed(2),
    `${r.cpu.server_pct}%`,
    `${r.cpu.loadgen_pct}%`,
    String(r.server_cpu_us_per_2xx),
    r.outbox ? String(r.outbox.lag_at_end_s) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export interface Measured {
  bare: ScenarioResult;
  durable: ScenarioResult;
  random?: ScenarioResult | undefined;
  paymentsMany?: ScenarioResult | undefined;
}

/** A rate only counts if event delivery kept up with it (the outbox lag stayed under a second). */
const keptUp = (result: ScenarioResult) => (result.outbox?.lag_at_end_s ?? Infinity) < 1;

/** The issue's targets, for the scenarios that ran. */
export function evaluateTargets({ bare, random, paymentsMany }: Measured): Record<string, boolean> {
  return {
    ...(random
      ? {
          rps_ge_3000: random.rps_2xx >= 3000 && keptUp(random),
          p95_lt_25ms: random.latency_ms.p95 < 25,
          ge_half_baseline: random.rps_2xx >= bare.rps_2xx / 2,
        }
      : {}),
    ...(paymentsMany
      ? {
          authorizations_ge_4000:
            (paymentsMany.authorizations_per_second ?? 0) >= 4000 && keptUp(paymentsMany),
          payments_p95_lt_50ms: paymentsMany.latency_ms.p95 < 50,
          payments_ge_half_baseline: paymentsMany.rps_2xx >= bare.rps_2xx / 2,
        }
      : {}),
  };
}

/** The durable baseline's share of the bare rate, then each target, MET or NOT MET. */
export function printTargets(
  { durable, random, paymentsMany }: Measured,
  targets: Record<string, boolean>,
  merchants: number,
): void {
  // Context for the "half the bare rate" targets: the share of the bare rate that one durable row reaches here.
  log(
    `durable baseline: ${durable.rps_2xx} req/s = ${durable.ratio_to_baseline} of the bare rate (one row per request through the store: the ceiling for any request that commits)`,
  );
  if (random) {
    log(
      `targets (random pairs): >=3,000 transfers/s with the outbox keeping up ${mark(targets.rps_ge_3000!)}, p95 < 25 ms ${mark(targets.p95_lt_25ms!)}, >= half the bare rate ${mark(targets.ge_half_baseline!)} (${round(random.rps_2xx / durable.rps_2xx, 2)} of the durable baseline)`,
    );
  }
  if (paymentsMany) {
    const authorizations = paymentsMany.authorizations_per_second ?? 0;
    log(
      `payments (${merchants} merchants): ${authorizations} authorizations/s (each followed by its capture), p95 ${paymentsMany.latency_ms.p95} ms; targets >=4,000/s with the outbox keeping up ${mark(targets.authorizations_ge_4000!)}, p95 < 50 ms ${mark(targets.payments_p95_lt_50ms!)}, >= half the bare rate ${mark(targets.payments_ge_half_baseline!)} (requests at ${round(paymentsMany.rps_2xx / durable.rps_2xx, 2)} of the durable baseline)`,
    );
  }
}

function mark(ok: boolean): string {
  return ok ? 'MET' : 'NOT MET';
}

/** Writes `figures` to `.tmp/bench-latest.json` and returns the file's path. */
export function writeLatest(figures: Record<string, unknown>): string {
  const out = join(repoRoot, '.tmp', 'bench-latest.json');
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  return out;
}
