/**
 * `BENCH_PROFILE=1`: where the server's CPU time went during each measured run, from the
 * .cpuprofile files it writes on exit (`--cpu-prof`): self time per area and per function, and
 * inclusive time of Sluice's and its libraries' functions.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/server-process.ts';
import { round } from './support.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where the server's time went during each measured run, from the .cpuprofile it wrote on exit.
 * V8 and process.hrtime share the monotonic clock on Linux, so samples are cut to each run's
 * window. A synchronous call (SQLite's COMMIT and its fsync) counts as busy while it blocks.
 */
export function summarizeProfile(
  dir: string,
  windows: Array<{ name: string; window_us: [number, number] }>,
): { text: string; data: unknown } | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  // Keep the raw profile for Chrome DevTools (Performance > Load profile) or speedscope.
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  // The main thread's profile is the first; the SQLite writer thread's follows it.
  files.sort();
  files.forEach((file, i) =>
    copyFileSync(
      join(dir, file),
      join(repoRoot, '.tmp', i === 0 ? 'bench-server.cpuprofile' : `bench-server-thread-${i}.cpuprofile`),
    ),
  );
  const profile = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${repoRoot}/`, '');
    return {
      key: `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`,
      area: areaOf(functionName, file),
      own: file.startsWith('server/') || file.includes('node_modules/'),
    };
  };

  const lines: string[] = [`server CPU profile: .tmp/bench-server.cpuprofile`];
  const data: Record<string, unknown> = {};
  for (const {
    name,
    window_us: [from, to],
  } of windows) {
    const selfTime = new Map<number, number>();
    let time = profile.startTime;
    let total = 0;
    profile.samples.forEach((sample, i) => {
      time += profile.timeDeltas[i] ?? 0;
      if (time < from || time > to) return;
      const delta = profile.timeDeltas[i + 1] ?? 0;
      selfTime.set(sample, (selfTime.get(sample) ?? 0) + delta);
      total += delta;
    });
    if (total === 0) continue;
    const areas = new Map<string, number>();
    const selfByFn = new Map<string, number>();
    const inclusive = new Map<string, number>();
    for (const [id, t] of selfTime) {
      const leaf = label(byId.get(id)!);
      areas.set(leaf.area, (areas.get(leaf.area) ?? 0) + t);
      selfByFn.set(leaf.key, (selfByFn.get(leaf.key) ?? 0) + t);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const frame = label(byId.get(at)!);
        if (!frame.own || seen.has(frame.key)) continue;
        seen.add(frame.key);
        inclusive.set(frame.key, (inclusive.get(frame.key) ?? 0) + t);
      }
    }
    const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
    const top = (map: Map<string, number>, n: number) =>
      [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
    lines.push(
      '',
      `during "${name}" (${(total / 1e6).toFixed(1)} s sampled) - self time by area:`,
      ...top(areas, 14).map(([k, t]) => `  ${pct(t).padStart(6)}  ${k}`),
      'top functions by self time:',
      ...top(selfByFn, 15).map(([k, t]) => `  ${pct(t).padStart(6)}  ${k}`),
      'top Sluice/library functions by inclusive time:',
      ...top(inclusive, 25).map(([k, t]) => `  ${pct(t).padStart(6)}  ${k}`),
    );
    data[name] = {
      sampled_s: round(total / 1e6, 2),
      areas: Object.fromEntries(top(areas, 20).map(([k, t]) => [k, pct(t)])),
      self: Object.fromEntries(top(selfByFn, 25).map(([k, t]) => [k, pct(t)])),
      inclusive: Object.fromEntries(top(inclusive, 40).map(([k, t]) => [k, pct(t)])),
    };
  }
  return { text: lines.join('\n'), data };
}

function areaOf(functionName: string, file: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'native (program)';
  if (!file) return `native: ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return `npm: ${pkg[1]}`;
  if (file.startsWith('node:')) return `node core: ${file.slice(5).split('/')[0]}`;
  const own = /^server\/src\/([^/]+)\/?([^/]*)/.exec(file);
  if (own) return `sluice: ${own[1]}/${own[2]}`;
  return file;
}
