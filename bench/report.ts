/** What `npm run bench` prints and keeps: the results table, the targets and `.tmp/bench-latest.json`. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

// Disk per operation (issue 25): how much the data dir grows per acknowledged request.

/** The data dir's size on disk: every file under it (database, WAL, blobs), and the WAL alone. */
export function dataDirBytes(dir: string): { total: number; wal: number } {
  let total = 0;
  let wal = 0;
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) {
        const size = statSync(child).size;
        total += size;
        if (entry.name.endsWith('-wal')) wal += size;
      }
    }
  };
  try {
    visit(dir);
  } catch {
    // Not there yet: nothing on disk.
  }
  return { total, wal };
}

/** One scenario group's disk growth: the data dir (WAL included) before and after, per 2xx response. */
export interface DiskFigure {
  name: string;
  operations: number;
  bytes_before: number;
  bytes_after: number;
  wal_after: number;
  bytes_per_operation: number;
  /**
   * The same without the WAL: the database file alone, which the checkpointer keeps up to date.
   * The WAL grows to its backstop size (`writerAutoCheckpointPages`, ~200 MB) and then stays, so
   * in a short run it dominates the figure above.
   */
  db_bytes_per_operation: number;
}

/**
 * Runs `scenarios` (a group sharing one server) and measures the data dir around it; the
 * operations are the 2xx responses of the results it returns. A group's unmeasured warm-up
 * writes too (BENCH_WARMUP=0 leaves it out of the figure).
 *
 * @example const transfers = await measureDisk(dataDir, 'transfers', disk, () => runTransferScenarios(server, users));
 */
export async function measureDisk<T extends Record<string, ScenarioResult>>(
  dataDir: string,
  name: string,
  figures: DiskFigure[],
  scenarios: () => Promise<T>,
): Promise<T> {
  const before = dataDirBytes(dataDir);
  const results = await scenarios();
  const after = dataDirBytes(dataDir);
  const operations = Object.values(results).reduce((sum, result) => sum + result.ok_2xx, 0);
  figures.push({
    name,
    operations,
    bytes_before: before.total,
    bytes_after: after.total,
    wal_after: after.wal,
    bytes_per_operation: operations > 0 ? Math.round((after.total - before.total) / operations) : 0,
    db_bytes_per_operation:
      operations > 0 ? Math.round((after.total - after.wal - (before.total - before.wal)) / operations) : 0,
  });
  return results;
}

export function diskTable(figures: DiskFigure[]): string {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const rows = figures.map((f) => [
    f.name,
    String(f.operations),
    mb(f.bytes_before),
    mb(f.bytes_after),
    mb(f.wal_after),
    String(f.bytes_per_operation),
    String(f.db_bytes_per_operation),
  ]);
  const header = [
    'scenarios',
    '2xx',
    'data dir MB before',
    'after',
    'WAL MB after',
    'bytes/2xx',
    'without WAL',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}
