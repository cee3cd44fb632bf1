/**
 * Driving a target with autocannon and measuring it: the rate of 2xx responses, latency
 * percentiles from every response's own time, the CPU the target and the bench used, and for the
 * Sluice server the outbox work a run left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { metricsToken } from './sluice-server.ts';
import { log, round, settings } from './support.ts';

// --- autocannon's programmatic API (the package ships no types).
export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  timeout: number;
  method?: string;
  requests: AutocannonRequest[];
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface ScenarioResult {
  name: string;
  duration_s: number;
  requests: number;
  ok_2xx: number;
  rps_2xx: number;
  latency_ms: { p50: number; p95: number; p97_5: number; p99: number; p99_9: number; max: number };
  non_2xx: number;
  status_codes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU used during the run, in % of one core: the target server process and this process (autocannon). */
  cpu: { server_pct: number; loadgen_pct: number };
  /**
   * Server CPU time per 2xx response, in µs: less sensitive to other load on the machine than
   * the rate, so runs on a busy machine still compare.
   */
  server_cpu_us_per_2xx: number;
  ratio_to_baseline?: number;
  /**
   * The target's threads that used at least 1% of a core during the run (Linux): % of a core, and
   * how much of it was in the kernel; V8's GC helpers summed as one. Which thread sets the pace.
   */
  threads?: ThreadCpu[];
  /** Payment scenarios: authorize-then-capture cycles per second (half the 2xx rate). */
  authorizations_per_second?: number;
  /** The run's window on the monotonic clock (µs), to cut the server's CPU profile. */
  window_us: [number, number];
  /**
   * Server scenarios: the outbox's lag when the load stopped (the age of its oldest event not yet
   * delivered to subscribers), and how long it then took to empty. A lag that stays under a
   * second means the rate includes event delivery; a growing one means it left work behind.
   */
  outbox?: { lag_at_end_s: number; drain_s: number };
  /**
   * On DynamoDB (BENCH_STORE=dynamodb): the write capacity units DynamoDB reported for the
   * server's writes during the run and the outbox's drain, per 2xx, indexes included.
   */
  write_units_per_2xx?: number;
}

/** A process under load: where to send requests, and whose CPU time to count. */
export interface LoadTarget {
  url: string;
  pid: number;
}

/** One autocannon run; latency percentiles from every response's own time (autocannon has no p95). */
export function runLoad(
  target: LoadTarget,
  name: string,
  duration: number,
  request: AutocannonRequest | AutocannonRequest[],
): Promise<ScenarioResult> {
  log(`running ${name} for ${duration} s ...`);
  const latencies: number[] = [];
  const serverCpu0 = processCpuMs(target.pid);
  const threads0 = threadTicks(target.pid);
  const ownCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const start = monotonicUs();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections: settings.connections,
        pipelining: settings.pipelining,
        duration,
        timeout: 10,
        requests: Array.isArray(request) ? request : [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const end = monotonicUs();
        const wall = performance.now() - wall0;
        const ownCpu = process.cpuUsage(ownCpu0);
        const serverCpu = processCpuMs(target.pid) - serverCpu0;
        const threads = threadShares(threads0, threadTicks(target.pid), wall);
        latencies.sort((a, b) => a - b);
        const pct = (p: number) =>
          round(
            latencies[
              Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))
            ] ?? NaN,
            2,
          );
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
          statusCodes[code] = Number(stat.count);
        const ok = result['2xx'];
        resolve({
          name,
          duration_s: round(result.duration, 2),
          requests: latencies.length,
          ok_2xx: ok,
          rps_2xx: round(ok / result.duration, 0),
          latency_ms: {
            p50: pct(50),
            p95: pct(95),
            p97_5: pct(97.5),
            p99: pct(99),
            p99_9: pct(99.9),
            max: round(latencies.at(-1) ?? NaN, 2),
          },
          non_2xx: result.non2xx,
          status_codes: statusCodes,
          errors: result.errors,
          timeouts: result.timeouts,
          cpu: {
            server_pct: round((100 * serverCpu) / wall, 0),
            loadgen_pct: round((100 * (ownCpu.user + ownCpu.system)) / 1000 / wall, 0),
          },
          server_cpu_us_per_2xx: ok > 0 ? round((serverCpu * 1000) / ok, 0) : NaN,
          ...(threads.length > 0 ? { threads } : {}),
          window_us: [start, end],
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/**
 * A measured run against the Sluice server (`settings.duration`), then the wait for its outbox
 * to drain, so the next run starts from no delivery work left behind.
 */
export async function runServerLoad(
  server: LoadTarget,
  name: string,
  request: AutocannonRequest | AutocannonRequest[],
): Promise<ScenarioResult> {
  const unitsBefore = settings.store === 'dynamodb' ? await writeUnits(server.url) : 0;
  const result = await runLoad(server, name, settings.duration, request);
  result.outbox = await drainOutbox(server.url);
  log(`  outbox lag at the end ${result.outbox.lag_at_end_s} s, drained in ${result.outbox.drain_s} s`);
  if (settings.store === 'dynamodb' && result.ok_2xx > 0) {
    const units = (await writeUnits(server.url)) - unitsBefore;
    result.write_units_per_2xx = round(units / result.ok_2xx, 2);
    log(`  DynamoDB write units: ${units} for ${result.ok_2xx} 2xx, ${result.write_units_per_2xx} per 2xx`);
  }
  return result;
}

/** A gauge of the server's `/metrics`. */
async function metric(url: string, name: string): Promise<number> {
  const headers = { authorization: `Bearer ${metricsToken}` };
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  if (value === undefined) throw new Error(`the server reports no ${name}`);
  return Number(value);
}

/** The write units the server's DynamoDB store has consumed so far, as DynamoDB reported them. */
const writeUnits = (url: string) => metric(url, 'sluice_dynamodb_write_units_consumed');

/**
 * The outbox's lag as the server reports it (`sluice_outbox_lag_seconds` at `/metrics`) right
 * after a run, then how long it takes to reach zero: the delivery work a run left behind.
 */
async function drainOutbox(url: string): Promise<{ lag_at_end_s: number; drain_s: number }> {
  const lag = () => metric(url, 'sluice_outbox_lag_seconds');
  const started = performance.now();
  const atEnd = await lag();
  for (let current = atEnd; current > 0; current = await lag()) {
    if (performance.now() - started > 600_000)
      throw new Error(`the outbox did not drain in 10 minutes (lag ${current} s)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { lag_at_end_s: round(atEnd, 2), drain_s: round((performance.now() - started) / 1000, 1) };
}

/** CPU time (ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** One thread's share of a core during a run. */
export interface ThreadCpu {
  name: string;
  pct: number;
  kernel_pct: number;
}

/** Each thread's name and CPU clock ticks so far (user, kernel), from /proc (Linux); empty elsewhere. */
function threadTicks(pid: number): Map<string, { name: string; user: number; kernel: number }> {
  const ticks = new Map<string, { name: string; user: number; kernel: number }>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const line = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = line.slice(line.lastIndexOf(') ') + 2).split(' ');
        const name = line.slice(line.indexOf('(') + 1, line.lastIndexOf(')'));
        ticks.set(tid, { name, user: Number(fields[11]), kernel: Number(fields[12]) });
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    // Not Linux, or the process is gone.
  }
  return ticks;
}

/** The threads' shares of a core between two readings `wallMs` apart (clock ticks are 10 ms). */
function threadShares(
  before: ReturnType<typeof threadTicks>,
  after: ReturnType<typeof threadTicks>,
  wallMs: number,
): ThreadCpu[] {
  const shares = new Map<string, ThreadCpu>();
  const seen = new Map<string, number>();
  // In the order the threads started (a worker thread's number is its place among its namesakes).
  for (const [tid, now] of [...after].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const then = before.get(tid) ?? { user: 0, kernel: 0 };
    const user = now.user - then.user;
    const kernel = now.kernel - then.kernel;
    const count = (seen.get(now.name) ?? 0) + 1;
    seen.set(now.name, count);
    // V8's GC helper threads are alike and many: one line for all of them.
    const name = now.name === 'V8Worker' ? 'V8 GC helpers' : count > 1 ? `${now.name} ${count}` : now.name;
    const share = shares.get(name) ?? { name, pct: 0, kernel_pct: 0 };
    share.pct += ((user + kernel) * 10 * 100) / wallMs;
    share.kernel_pct += (kernel * 10 * 100) / wallMs;
    shares.set(name, share);
  }
  return [...shares.values()]
    .filter((share) => share.pct >= 1)
    .map((share) => ({ ...share, pct: round(share.pct, 0), kernel_pct: round(share.kernel_pct, 0) }))
    .sort((a, b) => b.pct - a.pct);
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
