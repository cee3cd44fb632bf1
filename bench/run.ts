/**
 * `npm run bench`: load-tests the real server as a child process, against two baselines served
 * the same way: a bare Hono endpoint, and the same endpoint committing one row per request
 * through the local store. See BENCHMARKS.md.
 *
 * Environment:
 *   BENCH_DURATION      seconds per measured scenario (default 30)
 *   BENCH_WARMUP        seconds of unmeasured warm-up before each target (default 3)
 *   BENCH_CONNECTIONS   autocannon connections (default 32)
 *   BENCH_USERS         users to sign up (default 1000)
 *   BENCH_PROFILE=1     run the server with --cpu-prof and print where its CPU time went
 *   BENCH_NODE_ARGS     extra flags for the server's node, space-separated (e.g. --import=./x.ts)
 *
 * Writes the figures to .tmp/bench-latest.json.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import {
  audit,
  call,
  freePort,
  makeTempDir,
  mapLimit,
  removeDir,
  repoRoot,
  signUp,
  startServer,
  wallet,
  type ApiUser,
} from '../test/server-process.ts';

// --- autocannon's programmatic API (the package ships no types).
interface AutocannonRequest {
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
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

interface ScenarioResult {
  name: string;
  duration_s: number;
  requests: number;
  ok_2xx: number;
  rps_2xx: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
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
}

const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 30),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  users: Number(process.env.BENCH_USERS ?? 1000),
  merchants: Number(process.env.BENCH_MERCHANTS ?? 100),
  profile: process.env.BENCH_PROFILE === '1',
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  /** Which server scenarios run: `transfers`, `payments` or both (the default). */
  scenarios: (process.env.BENCH_SCENARIOS ?? 'transfers,payments').split(',').map((name) => name.trim()),
  pipelining: 1,
  signupBonus: 100_000_000,
};

async function main(): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const tmp = await makeTempDir('sluice-bench-');
  log(`bench: ${settings.duration} s per scenario, ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.users} users; temp dir ${tmp}`);
  // Other work on the machine skews every figure: say how busy it was.
  const loadBefore = loadavg()[0]!;
  log(`machine: ${cpus().length} cores, load average ${loadBefore.toFixed(2)}, node ${process.version}`);
  const stops: Array<() => Promise<void>> = [];
  try {
    // 1. Baseline: the bare Hono endpoint in its own process, driven the same way.
    const baseline = await startBaseline(tmp);
    stops.push(baseline.stop);
    const baselineRequest = (): AutocannonRequest => ({
      method: 'POST',
      path: '/x',
      setupRequest: (request) => ({
        ...request,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${'x'.repeat(400)}` },
        body: JSON.stringify({ to: `usr_${Math.random().toString(36).slice(2)}`, amount: 1 + Math.floor(Math.random() * 100), currency: 'USD' }),
      }),
    });
    if (settings.warmup > 0) await runLoad(autocannon, baseline.url, 'baseline warm-up', settings.warmup, baselineRequest(), baseline.pid);
    const base = await runLoad(autocannon, baseline.url, 'baseline: bare Hono POST /x', settings.duration, baselineRequest(), baseline.pid);
    // The same request made durable: parsed, and committed as one row through the local store
    // (its writer thread, group commit and fsync, its checkpointer). No ledger transaction can
    // answer faster than this on the same machine, so it shows how much of the bare rate any
    // durable write can reach here.
    const durableRequest = (): AutocannonRequest => ({ ...baselineRequest(), path: '/durable' });
    const durable = await runLoad(autocannon, baseline.url, 'baseline: POST + 1 durable SQLite row', settings.duration, durableRequest(), baseline.pid);
    durable.ratio_to_baseline = round(durable.rps_2xx / base.rps_2xx, 3);
    await baseline.stop();

    // 2. The real server on a fresh data dir; its JSON logs go to a file.
    const adminEmail = 'bench-admin@example.com';
    const profileDir = join(tmp, 'profile');
    const server = await startServer({
      dataDir: join(tmp, 'data'),
      adminEmails: [adminEmail],
      signupBonus: settings.signupBonus,
      stdoutFile: join(tmp, 'server.log'),
      readyTimeoutMs: 60_000,
      nodeArgs: [...settings.nodeArgs, ...(settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    });
    stops.push(() => server.kill('SIGTERM', 15_000));
    log(`server pid ${server.pid} at ${server.url}; log ${join(tmp, 'server.log')}`);

    const admin = await signUp(server.url, { email: adminEmail, name: 'admin' });
    let started = performance.now();
    const users = new Array<ApiUser>(settings.users);
    let done = 0;
    await mapLimit(settings.users, 8, async (i) => {
      users[i] = await signUp(server.url, { name: `bench${i}` });
      done += 1;
      if (done % 250 === 0) log(`  signed up ${done}/${settings.users}`);
    });
    const signupSeconds = (performance.now() - started) / 1000;
    log(`signed up ${settings.users} users in ${signupSeconds.toFixed(1)} s (${(settings.users / signupSeconds).toFixed(0)}/s, concurrency 8)`);
    started = performance.now();
    await mapLimit(settings.users, 16, async (i) => void (await wallet(server.url, users[i]!.token)));
    log(`opened ${settings.users} wallets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const transferRequest = (pick: () => [ApiUser, ApiUser]): AutocannonRequest => ({
      method: 'POST',
      path: '/v1/transfers',
      setupRequest: (request) => {
        const [from, to] = pick();
        return {
          ...request,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${from.token}` },
          body: JSON.stringify({ to: to.id, amount: 1 + Math.floor(Math.random() * 100), currency: 'USD' }),
        };
      },
    });
    const randomUser = () => users[Math.floor(Math.random() * users.length)]!;
    const randomPair = (): [ApiUser, ApiUser] => {
      const from = randomUser();
      let to = randomUser();
      while (to === from) to = randomUser();
      return [from, to];
    };
    const hot = users[0]!;
    const intoHot = (): [ApiUser, ApiUser] => {
      let from = randomUser();
      while (from === hot) from = randomUser();
      return [from, hot];
    };

    const serverLoad = async (name: string, request: AutocannonRequest | AutocannonRequest[]) => {
      const result = await runLoad(autocannon, server.url, name, settings.duration, request, server.pid);
      result.outbox = await drainOutbox(server.url);
      log(`  outbox lag at the end ${result.outbox.lag_at_end_s} s, drained in ${result.outbox.drain_s} s`);
      return result;
    };
    const runsTransfers = settings.scenarios.includes('transfers');
    if (runsTransfers && settings.warmup > 0) await runLoad(autocannon, server.url, 'transfers warm-up', settings.warmup, transferRequest(randomPair), server.pid);
    const random = runsTransfers ? await serverLoad('transfers: random pairs', transferRequest(randomPair)) : undefined;
    const hotResult = runsTransfers ? await serverLoad('transfers: into one hot account', transferRequest(intoHot)) : undefined;
    for (const result of [random, hotResult]) if (result) result.ratio_to_baseline = round(result.rps_2xx / base.rps_2xx, 3);

    // 3. The payments sandbox: merchants with API keys (rate limits lifted), then authorize-then-capture.
    started = performance.now();
    const merchantKeys = new Array<string>(Math.min(settings.merchants, users.length));
    await mapLimit(merchantKeys.length, 8, async (i) => {
      const owner = users[i]!;
      const merchant = await call(server.url, 'POST', '/v1/merchants', { token: owner.token, body: { name: `Bench merchant ${i}` } });
      const key = await call(server.url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, { token: owner.token, body: { rate_limit_per_minute: 100_000 } });
      if (key.status !== 201) throw new Error(`api key for merchant ${i}: ${key.status} ${key.text}`);
      merchantKeys[i] = key.json.secret as string;
    });
    // A key may be lifted to 100,000 requests/min at most (1,667/s): the one-merchant scenario
    // would run into it, so that merchant gets four keys, as a busy merchant's servers would.
    const firstMerchant = (await call(server.url, 'GET', '/v1/merchants', { token: users[0]!.token })).json.data[0].id as string;
    const oneMerchantKeys = [merchantKeys[0]!];
    for (let i = 1; i < 4; i++) {
      const key = await call(server.url, 'POST', `/v1/merchants/${firstMerchant}/api-keys`, { token: users[0]!.token, body: { rate_limit_per_minute: 100_000 } });
      if (key.status !== 201) throw new Error(`extra api key ${i}: ${key.status} ${key.text}`);
      oneMerchantKeys.push(key.json.secret as string);
    }
    log(`created ${merchantKeys.length} merchants with API keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const card = { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' };
    // Two requests per cycle on each connection: authorize (capture: false), then capture that payment.
    const authorizeThenCapture = (pickKey: () => string): AutocannonRequest[] => [
      {
        method: 'POST',
        path: '/v1/payments',
        setupRequest: (request, context) => {
          context.key = pickKey();
          return {
            ...request,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.key)}` },
            body: JSON.stringify({ amount: 100 + Math.floor(Math.random() * 10_000), currency: 'USD', capture: false, card }),
          };
        },
        onResponse: (status, body, context) => {
          context.payment = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context) => ({
          ...request,
          path: `/v1/payments/${String(context.payment ?? 'pay_missing')}/capture`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.key)}` },
          body: '{}',
        }),
      },
    ];
    const randomKey = () => merchantKeys[Math.floor(Math.random() * merchantKeys.length)]!;
    const runsPayments = settings.scenarios.includes('payments');
    const paymentsMany = runsPayments ? await serverLoad(`payments: authorize then capture, ${merchantKeys.length} merchants`, authorizeThenCapture(randomKey)) : undefined;
    const paymentsOne = runsPayments ? await serverLoad('payments: authorize then capture, one merchant', authorizeThenCapture(() => oneMerchantKeys[Math.floor(Math.random() * oneMerchantKeys.length)]!)) : undefined;
    for (const result of [paymentsMany, paymentsOne]) {
      if (!result) continue;
      result.ratio_to_baseline = round(result.rps_2xx / base.rps_2xx, 3);
      // Each authorization is one of the two requests.
      result.authorizations_per_second = round(result.rps_2xx / 2, 0);
    }

    started = performance.now();
    const report = await audit(server.url, admin.token);
    const auditMs = performance.now() - started;
    const hotBalance = await wallet(server.url, hot.token);

    await server.kill('SIGTERM', 15_000);
    const measured = [random, hotResult, paymentsMany, paymentsOne].filter((result) => result !== undefined);
    const profile = settings.profile ? summarizeProfile(profileDir, measured) : undefined;

    const results = [base, durable, ...measured];
    log('');
    log(table(results));
    log('');
    const usd = report.currencies.find((c) => c.currency === 'USD');
    log(`audit: balanced=${report.balanced} (${usd?.accounts ?? 0} USD accounts, debits posted ${usd?.debits_posted} = credits posted ${usd?.credits_posted}; ${auditMs.toFixed(0)} ms)`);
    log(`hot account balance: ${hotBalance.available} (started at ${settings.signupBonus})`);
    // A rate only counts if event delivery kept up with it (the outbox lag stayed under a second).
    const keptUp = (result: ScenarioResult) => (result.outbox?.lag_at_end_s ?? Infinity) < 1;
    const targets = {
      ...(random
        ? {
            rps_ge_3000: random.rps_2xx >= 3000 && keptUp(random),
            p95_lt_25ms: random.latency_ms.p95 < 25,
            ge_half_baseline: random.rps_2xx >= base.rps_2xx / 2,
          }
        : {}),
      ...(paymentsMany
        ? {
            authorizations_ge_4000: (paymentsMany.authorizations_per_second ?? 0) >= 4000 && keptUp(paymentsMany),
            payments_p95_lt_50ms: paymentsMany.latency_ms.p95 < 50,
            payments_ge_half_baseline: paymentsMany.rps_2xx >= base.rps_2xx / 2,
          }
        : {}),
    };
    // Context for the last target: the share of the bare rate that one durable row reaches here.
    log(`durable baseline: ${durable.rps_2xx} req/s = ${durable.ratio_to_baseline} of the bare rate (one row per request through the store: the ceiling for any request that commits)`);
    if (random) {
      log(`targets (random pairs): >=3,000 transfers/s with the outbox keeping up ${mark(targets.rps_ge_3000!)}, p95 < 25 ms ${mark(targets.p95_lt_25ms!)}, >= half the bare rate ${mark(targets.ge_half_baseline!)} (${round(random.rps_2xx / durable.rps_2xx, 2)} of the durable baseline)`);
    }
    if (paymentsMany) {
      const authorizations = paymentsMany.authorizations_per_second ?? 0;
      log(`payments (${merchantKeys.length} merchants): ${authorizations} authorizations/s (each followed by its capture), p95 ${paymentsMany.latency_ms.p95} ms; targets >=4,000/s with the outbox keeping up ${mark(targets.authorizations_ge_4000!)}, p95 < 50 ms ${mark(targets.payments_p95_lt_50ms!)}, >= half the bare rate ${mark(targets.payments_ge_half_baseline!)} (requests at ${round(paymentsMany.rps_2xx / durable.rps_2xx, 2)} of the durable baseline)`);
    }
    if (profile) {
      log('');
      log(profile.text);
    }

    const out = join(repoRoot, '.tmp', 'bench-latest.json');
    mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          time: new Date().toISOString(),
          node: process.version,
          cpus: cpus().length,
          load_average: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) },
          settings,
          signup: { users: settings.users, seconds: round(signupSeconds, 1) },
          results,
          audit: { balanced: report.balanced, ms: Math.round(auditMs) },
          targets,
          ...(profile ? { profile: profile.data } : {}),
        },
        null,
        2,
      )}\n`,
    );
    log(`\nwrote ${relative(process.cwd(), out) || out}`);
    if (!report.balanced) process.exitCode = 1;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await removeDir(tmp);
  }
}

/** The baseline apps (bare, and durable on a store in `dataDir`) in a child process, so they have their own core like the real server. */
async function startBaseline(dataDir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'bench/run.ts'), '--baseline', String(port), dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!output.includes('baseline listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`baseline server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The outbox's lag as the server reports it (`sluice_outbox_lag_seconds` at `/metrics`) right
 * after a run, then how long it takes to reach zero: the delivery work a run left behind.
 */
async function drainOutbox(url: string): Promise<{ lag_at_end_s: number; drain_s: number }> {
  const lag = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = /^sluice_outbox_lag_seconds (\S+)$/m.exec(text)?.[1];
    if (value === undefined) throw new Error('the server reports no sluice_outbox_lag_seconds');
    return Number(value);
  };
  const started = performance.now();
  const atEnd = await lag();
  for (let current = atEnd; current > 0; current = await lag()) {
    if (performance.now() - started > 600_000) throw new Error(`the outbox did not drain in 10 minutes (lag ${current} s)`);
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

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** One autocannon run; latency percentiles from every response's own time (autocannon has no p95). */
function runLoad(autocannon: Autocannon, url: string, name: string, duration: number, request: AutocannonRequest | AutocannonRequest[], serverPid: number): Promise<ScenarioResult> {
  process.stdout.write(`running ${name} for ${duration} s ...\n`);
  const latencies: number[] = [];
  const serverCpu0 = processCpuMs(serverPid);
  const ownCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const start = monotonicUs();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: settings.connections, pipelining: settings.pipelining, duration, timeout: 10, requests: Array.isArray(request) ? request : [request] },
      (error, result) => {
        if (error) return reject(error);
        const end = monotonicUs();
        const wall = performance.now() - wall0;
        const ownCpu = process.cpuUsage(ownCpu0);
        const serverCpu = processCpuMs(serverPid) - serverCpu0;
        latencies.sort((a, b) => a - b);
        const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? NaN, 2);
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stat.count);
        const ok = result['2xx'];
        resolve({
          name,
          duration_s: round(result.duration, 2),
          requests: latencies.length,
          ok_2xx: ok,
          rps_2xx: round(ok / result.duration, 0),
          latency_ms: { p50: pct(50), p95: pct(95), p99: pct(99), max: round(latencies.at(-1) ?? NaN, 2) },
          non_2xx: result.non2xx,
          status_codes: statusCodes,
          errors: result.errors,
          timeouts: result.timeouts,
          cpu: { server_pct: round((100 * serverCpu) / wall, 0), loadgen_pct: round((100 * (ownCpu.user + ownCpu.system)) / 1000 / wall, 0) },
          server_cpu_us_per_2xx: ok > 0 ? round((serverCpu * 1000) / ok, 0) : NaN,
          window_us: [start, end],
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

function table(results: ScenarioResult[]): string {
  const header = ['scenario', '2xx req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'timeouts', 'vs bare', 'server CPU', 'bench CPU', 'server µs/2xx', 'outbox lag s'];
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
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

// --- CPU profile summary: self time per function and per area, from the .cpuprofile the server wrote.
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
function summarizeProfile(dir: string, windows: Array<{ name: string; window_us: [number, number] }>): { text: string; data: unknown } | undefined {
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
  files.forEach((file, i) => copyFileSync(join(dir, file), join(repoRoot, '.tmp', i === 0 ? 'bench-server.cpuprofile' : `bench-server-thread-${i}.cpuprofile`)));
  const profile = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${repoRoot}/`, '');
    return { key: `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`, area: areaOf(functionName, file), own: file.startsWith('server/') || file.includes('node_modules/') };
  };

  const lines: string[] = [`server CPU profile: .tmp/bench-server.cpuprofile`];
  const data: Record<string, unknown> = {};
  for (const { name, window_us: [from, to] } of windows) {
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
    const top = (map: Map<string, number>, n: number) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
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

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function mark(ok: boolean): string {
  return ok ? 'MET' : 'NOT MET';
}

// --- baseline mode: this same file, run as `node bench/run.ts --baseline PORT`, serves the bare app.
if (process.argv[2] === '--baseline') {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const { SqliteStore } = await import('../server/src/runtime/local/sqlite-store.ts');
  const store = new SqliteStore(join(process.argv[4]!, 'baseline.db'), { writer: 'worker' });
  let written = 0;
  const app = new Hono()
    .post('/x', (c) => c.json({ ok: true }, 201))
    .post('/durable', async (c) => {
      const body = await c.req.json<Record<string, unknown>>();
      const id = `row_${++written}`;
      await store.transact([{ type: 'put', item: { pk: `ROW#${id}`, sk: 'ROW', ...body }, condition: { attributeNotExists: 'pk' } }]);
      return c.json({ ok: true, id }, 201);
    });
  const port = Number(process.argv[3]);
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => process.stdout.write(`baseline listening on ${info.port}\n`));
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}
