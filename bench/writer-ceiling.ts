/**
 * `npm run bench:writer`: how many authorize-then-capture cycles per second the local store's
 * writer thread could commit if it had a whole core and nothing else to do. This is the ceiling
 * that no tuning of the HTTP side can lift.
 *
 * 1. Runs the payments workload in process (`app.request`, no sockets): merchants with API keys,
 *    then authorize (capture: false) and capture, 32 requests in flight, the outbox dispatcher
 *    running. It records every transaction the store commits, as the app built it.
 * 2. Replays them on a fresh SQLite file through `SqliteWriter.applyBatch` (the code the writer
 *    thread runs), in commit groups of 16, with the store's own settings and its checkpointer
 *    thread. The first quarter warms the file; the rest is timed. Three passes:
 *    - the ledger writes: every transaction but the outbox dispatcher's "dispatched" marks, so
 *      per cycle what ARCHITECTURE.md prescribes (each transfer with a history entry per
 *      account, both balances and its outbox event; the payment; the hold resolved once);
 *    - every transaction, the dispatcher's marks included (the bench's merchants have no
 *      webhook endpoints, so the fan-out writes nothing);
 *    - the baseline: as many one-row transactions, the row the bench's durable baseline writes.
 *
 * Prints µs of writer time (wall and CPU) per cycle, the cycles/s that allows at 100% of one
 * core, and a cycle's cost as a multiple of one baseline commit.
 *
 *   BENCH_CYCLES     authorize-then-capture cycles recorded (default 4000)
 *   BENCH_MERCHANTS  merchants the cycles spread over (default 100)
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { createLocalPlatform } from '../server/src/runtime/local/platform.ts';
import {
  checkpointIntervalMs,
  closeWorker,
  SqliteStore,
  writerAutoCheckpointPages,
} from '../server/src/runtime/local/sqlite-store.ts';
import { openSqlite, SqliteWriter } from '../server/src/runtime/local/sqlite-writer.ts';
import { makeTempDir, removeDir } from '../test/server-process.ts';

const inFlight = 32;
const commitGroup = 16;

type Transaction = WriteOperation[];

/**
 * The outbox dispatcher's own writes (its checkpoint, retry records; older code's per-event
 * "dispatched" marks): not writes the payment itself needs.
 */
const isEventBookkeeping = (tx: Transaction) =>
  tx.every((op) => {
    const pk = op.type === 'put' ? op.item.pk : op.key.pk;
    return (op.type !== 'put' && pk.startsWith('EVT#')) || pk.startsWith('OUTBOX#');
  });
const createsPayment = (tx: Transaction) =>
  tx.some((op) => op.type === 'put' && op.item.pk.startsWith('PAY#'));

/** Runs the workload in process and returns every committed transaction, in commit order. */
async function record(dataDir: string, cycles: number, merchants: number): Promise<Transaction[]> {
  const committed: Transaction[] = [];
  const transact = SqliteStore.prototype.transact;
  SqliteStore.prototype.transact = function (operations) {
    const copy = structuredClone(operations);
    return transact.call(this, operations).then(() => void committed.push(copy));
  };
  const platform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    logger: silentLogger,
    config: { signupBonus: 0, requireEmailVerification: false },
  });
  try {
    platform.startWorkers();
    const request = async (path: string, token: string, body: unknown) => {
      const response = await platform.app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const keys: string[] = [];
    for (let i = 0; i < merchants; i++) {
      const session = await platform.identity.signUp({
        email: `writer-${i}-${randomUUID()}@example.com`,
        password: 'password-123',
        name: `Merchant ${i}`,
      });
      const merchant = await request('/v1/merchants', session.access_token, { name: `Merchant ${i}` });
      const key = await request(`/v1/merchants/${String(merchant.id)}/api-keys`, session.access_token, {
        rate_limit_per_minute: 100_000,
      });
      keys.push(String(key.secret));
    }
    const card = {
      number: '4242424242424242',
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      cvc: '123',
    };
    let started = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (started++ < cycles) {
          const key = keys[Math.floor(Math.random() * keys.length)]!;
          const payment = await request('/v1/payments', key, {
            amount: 100 + Math.floor(Math.random() * 10_000),
            currency: 'USD',
            capture: false,
            card,
          });
          await request(`/v1/payments/${String(payment.id)}/capture`, key, {});
        }
      }),
    );
    await platform.stop();
  } finally {
    SqliteStore.prototype.transact = transact;
  }
  return committed;
}

/** Replays `transactions` with the writer's code and settings; µs per timed transaction group. */
async function replay(
  dir: string,
  name: string,
  transactions: Transaction[],
  countsOf: (timed: Transaction[]) => number,
): Promise<ReplayResult> {
  const path = join(dir, `${name}.db`);
  const db = openSqlite(path);
  db.exec(`PRAGMA wal_autocheckpoint = ${writerAutoCheckpointPages}`);
  const checkpointer = new Worker(
    new URL('../server/src/runtime/local/sqlite-checkpointer-worker.ts', import.meta.url),
    { workerData: { path, intervalMs: checkpointIntervalMs } },
  );
  const writer = new SqliteWriter(db);
  const warm = Math.floor(transactions.length / 4);
  for (let i = 0; i < warm; i += commitGroup)
    writer.applyBatch(transactions.slice(i, Math.min(i + commitGroup, warm)));
  const timed = transactions.slice(warm);
  let failed = 0;
  const cpu0 = process.threadCpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < timed.length; i += commitGroup)
    failed += writer.applyBatch(timed.slice(i, i + commitGroup)).filter(Boolean).length;
  const wallUs = (performance.now() - wall0) * 1000;
  const cpu = process.threadCpuUsage(cpu0);
  await closeWorker(checkpointer);
  db.close();
  const units = countsOf(timed);
  return {
    transactions: timed.length,
    failed,
    units,
    wall_us: wallUs / units,
    cpu_us: (cpu.user + cpu.system) / units,
  };
}

export interface ReplayResult {
  /** Transactions replayed in the timed part, and how many the replay refused (0 when the recording is faithful). */
  transactions: number;
  failed: number;
  /** Cycles (or, for the baseline, commits) in the timed part. */
  units: number;
  /** Writer time per unit, µs: wall clock (fsync included) and CPU. */
  wall_us: number;
  cpu_us: number;
}

export interface WriterCeiling {
  recorded: { transactions: number; cycles: number; item_writes: number };
  baseline: ReplayResult;
  ledger: ReplayResult;
  everything: ReplayResult;
}

/**
 * Records `cycles` authorize-then-capture cycles over `merchants` merchants and replays their
 * writes three ways (see the file's comment).
 *
 * @example const { ledger } = await measureWriterCeiling({ cycles: 4000, merchants: 100 }); // 1e6 / ledger.wall_us cycles/s at most
 */
export async function measureWriterCeiling(options: {
  cycles: number;
  merchants: number;
}): Promise<WriterCeiling> {
  const dir = await makeTempDir('sluice-writer-');
  try {
    const all = await record(join(dir, 'record'), options.cycles, options.merchants);
    const ledger = all.filter((tx) => !isEventBookkeeping(tx));
    const cyclesIn = (timed: Transaction[]) => timed.filter(createsPayment).length;
    const oneRow = Array.from(
      { length: all.length },
      (_, i): Transaction => [
        {
          type: 'put',
          item: {
            pk: `ROW#row_${i}`,
            sk: 'ROW',
            to: `usr_${i.toString(36)}`,
            amount: 1 + (i % 100),
            currency: 'USD',
          },
          condition: { attributeNotExists: 'pk' },
        },
      ],
    );
    // Setup (users, merchants, their accounts at their first payment) lands in the warm-up quarter of each replay.
    return {
      recorded: {
        transactions: all.length,
        cycles: all.filter(createsPayment).length,
        item_writes: all.reduce((n, tx) => n + tx.length, 0),
      },
      baseline: await replay(dir, 'baseline', oneRow, (timed) => timed.length),
      ledger: await replay(dir, 'ledger', ledger, cyclesIn),
      everything: await replay(dir, 'all', all, cyclesIn),
    };
  } finally {
    await removeDir(dir);
  }
}

if (import.meta.main) {
  const cycles = Number(process.env.BENCH_CYCLES ?? 4000);
  const merchants = Number(process.env.BENCH_MERCHANTS ?? 100);
  process.stdout.write(
    `recording ${cycles} authorize-then-capture cycles over ${merchants} merchants, in process, then replaying their writes ...\n`,
  );
  const { recorded, baseline, ledger, everything } = await measureWriterCeiling({ cycles, merchants });
  const round = (value: number) => String(Math.round(value));
  process.stdout.write(
    `recorded ${recorded.transactions} transactions: ${(recorded.transactions / recorded.cycles).toFixed(2)} and ${(recorded.item_writes / recorded.cycles).toFixed(1)} item writes per cycle, setup included\n\n`,
  );
  const line = (label: string, result: ReplayResult) =>
    `${label.padEnd(44)} ${round(result.wall_us).padStart(6)} µs/cycle (CPU ${round(result.cpu_us).padStart(4)})  ` +
    `ceiling ${round(1e6 / result.wall_us).padStart(5)} cycles/s  = ${(result.wall_us / baseline.wall_us).toFixed(1)}× a one-row commit` +
    (result.failed > 0 ? `  (${result.failed} transactions refused in replay)` : '');
  process.stdout.write(
    `${'baseline: one-row transaction'.padEnd(44)} ${round(baseline.wall_us).padStart(6)} µs/commit (CPU ${round(baseline.cpu_us).padStart(4)})  ceiling ${round(1e6 / baseline.wall_us)} commits/s\n`,
  );
  process.stdout.write(`${line('the ledger writes (no event bookkeeping)', ledger)}\n`);
  process.stdout.write(`${line('every transaction (event bookkeeping too)', everything)}\n`);
  process.stdout.write(
    '\nEach cycle is one authorization. The ceiling is the writer at 100% of one core with nothing else running.\n',
  );
}
