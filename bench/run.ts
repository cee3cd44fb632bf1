/**
 * `npm run bench`: load-tests the real server as a child process, against two baselines served
 * the same way: a bare Hono endpoint, and the same endpoint committing one row per request
 * through the local store. See BENCHMARKS.md.
 *
 * In order: the baselines (`baselines.ts`), the server and its users (`sluice-server.ts`), the
 * wallet transfer scenarios (`scenarios/transfers.ts`), the payment scenarios
 * (`scenarios/payments.ts`), the ledger audit; then the table with each rate's ratio to the
 * bare baseline, the performance targets (`report.ts`) and, with BENCH_PROFILE=1, the server's CPU profile
 * (`profile.ts`).
 *
 * Environment:
 *   BENCH_DURATION      seconds per measured scenario (default 30)
 *   BENCH_WARMUP        seconds of unmeasured warm-up before each target (default 3)
 *   BENCH_CONNECTIONS   autocannon connections (default 32)
 *   BENCH_USERS         users to sign up (default 1000)
 *   BENCH_MERCHANTS     merchants for the payment scenarios (default 100)
 *   BENCH_SCENARIOS     server scenarios to run: transfers, payments, likes, checkout, payment-intents, billing (default all six)
 *   BENCH_BILLING_SUBSCRIPTIONS  subscriptions the billing scenario's clock advance renews (default 10000)
 *   BENCH_CHECKOUT_WORKERS  shop checkouts in flight in the checkout scenario (default 16)
 *   BENCH_PROFILE=1     run the server with --cpu-prof and print where its CPU time went
 *   BENCH_STORE=dynamodb  the server on DynamoDB Local, printing DynamoDB's write units per operation
 *   BENCH_NODE_ARGS     extra flags for the server's node, space-separated (e.g. --import=./x.ts)
 *
 *   BENCH_SOAK          seconds of random transfers after the scenarios, printing the server's RSS,
 *                       the data dir's size and its WAL's every 30 s (e.g. BENCH_SOAK=600); the
 *                       server then keeps idempotency records and delivered events only
 *                       BENCH_SOAK_RETENTION seconds (default 120), so the run shows where growth stops
 *
 * Each scenario group also reports the data dir's growth (WAL included) per 2xx response.
 *
 * Writes the figures to .tmp/bench-latest.json.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { audit, makeTempDir, removeDir, wallet, type ApiUser } from '../test/server-process.ts';
import { runBaselines } from './baselines.ts';
import { runBillingScenario } from './billing.ts';
import { runLoad, type AutocannonRequest, type LoadTarget, type ScenarioResult } from './load.ts';
import { summarizeProfile } from './profile.ts';
import {
  dataDirBytes,
  diskTable,
  evaluateTargets,
  measureDisk,
  printTargets,
  table,
  writeLatest,
  type DiskFigure,
} from './report.ts';
import { runPeerAuthorizations } from './peer.ts';
import { runCheckoutScenario } from './scenarios/checkout.ts';
import { runLikesScenario } from './scenarios/likes.ts';
import { runPaymentIntentsScenario } from './scenarios/payment-intents.ts';
import { createMerchants, runAuthorizations, runPaymentScenarios } from './scenarios/payments.ts';
import { hotAccount, runTransferScenarios } from './scenarios/transfers.ts';
import { signUpUsers, startBenchServer } from './sluice-server.ts';
import { startDynamoLocal } from '../test/dynamodb-local.ts';
import { log, round, settings } from './support.ts';

const tmp = await makeTempDir('sluice-bench-');
log(
  `bench: ${settings.duration} s per scenario, ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.users} users; temp dir ${tmp}`,
);
// Other work on the machine skews every figure: say how busy it was.
const loadBefore = loadavg()[0]!;
log(`machine: ${cpus().length} cores, load average ${loadBefore.toFixed(2)}, node ${process.version}`);
const stops: Array<() => Promise<void>> = [];
try {
  // The floors are SQLite's: beside a server on DynamoDB Local they would compare two stores.
  const onSqlite = settings.store !== 'dynamodb';
  const { bare, durable, transferFloor, authorizationFloor } = await runBaselines(tmp, {
    transfer: onSqlite && settings.scenarios.includes('transfers'),
    authorization: onSqlite && settings.scenarios.includes('payments'),
  });
  const vsBare = (result: ScenarioResult) =>
    void (result.ratio_to_baseline = round(result.rps_2xx / bare.rps_2xx, 3));

  const profileDir = join(tmp, 'profile');
  const dynamo = settings.store === 'dynamodb' ? await startDynamoLocal() : undefined;
  if (dynamo) {
    stops.push(() => dynamo.stop());
    log(`DynamoDB Local at ${dynamo.endpoint}: the server runs on it (--store dynamodb)`);
  }
  const server = await startBenchServer(tmp, profileDir, dynamo?.endpoint);
  stops.push(() => server.kill('SIGTERM', 15_000));
  const { admin, users, signupSeconds } = await signUpUsers(server.url);
  // Where startBenchServer keeps the server's data: measured around each scenario group.
  const dataDir = join(tmp, 'data');
  const disk: DiskFigure[] = [];

  // A DynamoDB table has no data dir to measure.
  const onDisk = <T extends Record<string, ScenarioResult>>(name: string, run: () => Promise<T>) =>
    dynamo ? run() : measureDisk(dataDir, name, disk, run);
  const transfers = settings.scenarios.includes('transfers')
    ? await onDisk('transfers', () => runTransferScenarios(server, users))
    : undefined;
  if (transfers) [transfers.random, transfers.hot].forEach(vsBare);

  const merchants = await createMerchants(server.url, users, settings.merchants);
  const payments = settings.scenarios.includes('payments')
    ? await onDisk('payments', () => runPaymentScenarios(server, merchants))
    : undefined;
  for (const result of payments ? [payments.many, payments.one] : []) {
    vsBare(result);
    // Each authorization is one of the two requests.
    result.authorizations_per_second = round(result.rps_2xx / 2, 0);
  }

  // The card sandbox beside its peer, same connections: Sluice's authorizations, then the peer's.
  const authorizations = settings.scenarios.includes('payments')
    ? await runAuthorizations(server, merchants)
    : undefined;
  if (authorizations) vsBare(authorizations);

  const likes = settings.scenarios.includes('likes') ? await runLikesScenario(server, users) : undefined;
  if (likes) vsBare(likes);

  const checkouts = settings.scenarios.includes('checkout')
    ? await runCheckoutScenario(server, admin, users)
    : undefined;

  if (settings.soakSeconds > 0) await runSoak(server, users, dataDir, settings.soakSeconds);

  const started = performance.now();
  const report = await audit(server.url, admin.token);
  const auditMs = performance.now() - started;
  const hotBalance = await wallet(server.url, hotAccount(users).token);

  await server.kill('SIGTERM', 15_000);
  const peer = authorizations ? await runPeerAuthorizations() : undefined;
  if (peer) vsBare(peer);
  // The processing hub, on a Sluice of its own whose Stripe is a local Stripe-compatible server.
  const paymentIntents = settings.scenarios.includes('payment-intents')
    ? await runPaymentIntentsScenario(tmp)
    : undefined;
  if (paymentIntents) vsBare(paymentIntents);
  // Recurring billing: a clock advance over 10,000 subscriptions, on a Sluice of its own.
  const billing = settings.scenarios.includes('billing') ? await runBillingScenario(tmp) : undefined;
  const measured = [
    transfers?.random,
    transfers?.hot,
    payments?.many,
    payments?.one,
    authorizations,
    peer,
  ].filter((result) => result !== undefined);
  if (likes) measured.push(likes);
  const profile = settings.profile ? summarizeProfile(profileDir, measured) : undefined;

  const floors = [transferFloor, authorizationFloor].filter((result) => result !== undefined);
  const results = [bare, durable, ...floors, ...measured, ...(paymentIntents ? [paymentIntents] : [])];
  log('');
  log(table(results));
  log('');
  log('server threads, % of a core (of it in the kernel):');
  for (const result of results)
    if (result.threads)
      log(
        `  ${result.name}: ${result.threads.map((t) => `${t.name} ${t.pct}% (${t.kernel_pct}%)`).join(', ')}`,
      );
  log('');
  if (disk.length > 0) {
    log(diskTable(disk));
    log('');
  }
  const usd = report.currencies.find((c) => c.currency === 'USD');
  log(
    `audit: balanced=${report.balanced} (${usd?.accounts ?? 0} USD accounts, debits posted ${usd?.debits_posted} = credits posted ${usd?.credits_posted}; ${auditMs.toFixed(0)} ms)`,
  );
  log(`hot account balance: ${hotBalance.available} (started at ${settings.signupBonus})`);
  if (likes) {
    const coin = report.currencies.find((c) => c.currency === 'COIN');
    log(
      `likes: ${likes.likes_per_second}/s (${round(likes.likes_per_second / durable.rps_2xx, 2)}× the durable 1-row baseline), awards settled ${likes.awards.settled_s} s after the load (${likes.awards.paid_coins}/${likes.awards.expected_coins} coins to ${likes.awards.authors} authors); COIN debits posted ${coin?.debits_posted} = credits posted ${coin?.credits_posted}`,
    );
  }
  if (dynamo) {
    const units = (result: ScenarioResult | undefined, per: number, what: string) =>
      result?.write_units_per_2xx !== undefined
        ? [`${round(result.write_units_per_2xx * per, 1)} per ${what}`]
        : [];
    log(
      `DynamoDB write units, as DynamoDB Local reported them (indexes and event delivery included): ${[
        ...units(transfers?.random, 1, 'transfer'),
        ...units(
          payments?.many,
          2,
          `payment cycle (authorize, capture) over ${settings.merchants} merchants`,
        ),
        ...units(payments?.one, 2, 'payment cycle for one merchant'),
        ...units(authorizations, 1, 'authorization'),
      ].join('; ')}`,
    );
  }
  if (checkouts)
    log(
      `shop checkouts end to end (request → order paid): ${checkouts.checkouts_per_second}/s, ` +
        `p95 ${checkouts.latency_ms.p95} ms (${checkouts.paid} paid, ${checkouts.failed} failed), ` +
        `beside the durable 1-row baseline's ${durable.rps_2xx} req/s`,
    );
  if (paymentIntents)
    log(
      `payment intents through routing [stripe, sandbox_card], stripe failing 20%: ${paymentIntents.intents_per_second}/s, ` +
        `p95 ${paymentIntents.latency_ms.p95} ms (${round(paymentIntents.intents_per_second / durable.rps_2xx, 2)}× the durable ` +
        `1-row baseline's ${durable.rps_2xx} req/s); last 100: ${JSON.stringify(paymentIntents.sample)}, stripe breaker ${paymentIntents.breaker_at_end}`,
    );
  if (billing)
    log(
      `billing: invoices finalized and charged during one clock advance over ${billing.subscriptions} subscriptions: ` +
        `${billing.invoices_per_second}/s (${billing.invoices_paid} paid in ${billing.advance_s} s; ` +
        `${round(billing.invoices_per_second / durable.rps_2xx, 2)}× the durable 1-row baseline's ${durable.rps_2xx} req/s)`,
    );
  const figures = {
    durable,
    random: transfers?.random,
    paymentsMany: payments?.many,
    authorizations,
    peer,
    transferFloor,
    authorizationFloor,
    durationSeconds: settings.duration,
  };
  const targets = evaluateTargets(figures);
  printTargets(figures, targets, merchants.keys.length);
  if (profile) {
    log('');
    log(profile.text);
  }

  const out = writeLatest({
    time: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    load_average: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) },
    settings,
    signup: { users: settings.users, seconds: round(signupSeconds, 1) },
    results,
    disk,
    audit: { balanced: report.balanced, ms: Math.round(auditMs) },
    ...(checkouts ? { checkouts } : {}),
    ...(billing ? { billing } : {}),
    targets,
    ...(profile ? { profile: profile.data } : {}),
  });
  log(`\nwrote ${relative(process.cwd(), out) || out}`);
  if (!report.balanced) process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await removeDir(tmp);
}

// Soak (issue 25): does memory or disk keep growing under a steady load?

/** Random transfers for `seconds`, printing the server's RSS, the data dir and its WAL every 30 s. */
async function runSoak(
  server: LoadTarget,
  users: ApiUser[],
  dataDir: string,
  seconds: number,
): Promise<void> {
  // A module-level constant would not exist yet here: this runs in the file's top-level await.
  const soakSampleMs = 30_000;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const started = performance.now();
  const first = dataDirBytes(dataDir);
  let previous = first;
  // The database file's growth since the last sample (the WAL left out: it grows to its backstop
  // size and stays), which levels off at the ledger's own records once items expire as fast as
  // they are written.
  const sample = () => {
    const now = dataDirBytes(dataDir);
    log(
      `  soak ${Math.round((performance.now() - started) / 1000)} s: server RSS ${mb(rssBytes(server.pid))} MB, ` +
        `data dir ${mb(now.total)} MB (WAL ${mb(now.wal)} MB), database +${mb(now.total - now.wal - (previous.total - previous.wal))} MB`,
    );
    previous = now;
  };
  log(
    `soak: ${seconds} s of random transfers; every ${soakSampleMs / 1000} s the server's RSS, data dir and WAL`,
  );
  sample();
  const timer = setInterval(sample, soakSampleMs);
  let result: ScenarioResult;
  try {
    result = await runLoad(server, 'soak: random transfers', seconds, soakTransfer(users));
  } finally {
    clearInterval(timer);
  }
  sample();
  const last = dataDirBytes(dataDir);
  const grown = last.total - first.total;
  const dbGrown = last.total - last.wal - (first.total - first.wal);
  const per = (bytes: number) => (result.ok_2xx > 0 ? Math.round(bytes / result.ok_2xx) : 0);
  log(
    `soak: ${result.ok_2xx} transfers at ${result.rps_2xx}/s; data dir grew ${mb(grown)} MB, ` +
      `${per(grown)} bytes per transfer (${per(dbGrown)} without the WAL)`,
  );
}

/** The server's resident set, from /proc (Linux); 0 where there is none. */
function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A transfer of 1–100 cents between two different random users, each with its own Idempotency-Key. */
function soakTransfer(users: ApiUser[]): AutocannonRequest {
  const pick = () => users[Math.floor(Math.random() * users.length)]!;
  return {
    method: 'POST',
    path: '/v1/transfers',
    setupRequest: (request) => {
      const from = pick();
      let to = pick();
      while (to === from && users.length > 1) to = pick();
      return {
        ...request,
        // An Idempotency-Key on each, as the SDK sends: its record is part of what a transfer keeps.
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${from.token}`,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ to: to.id, amount: 1 + Math.floor(Math.random() * 100), currency: 'USD' }),
      };
    },
  };
}
