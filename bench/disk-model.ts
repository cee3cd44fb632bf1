/**
 * `npm run bench:disk`: bytes on disk per operation, and what makes them up (issue 25).
 *
 * Each workload runs in process (`app.request`, no sockets) on a fresh SQLite data dir, with the
 * workers running, after its own setup (users, a merchant and its key); the database is measured
 * with SQLite's `dbstat` before and after (pages of the items table and of each index, free pages
 * left out), so the figure is what the operations added, indexes included. Every request carries
 * an Idempotency-Key, as the SDK sends one on every POST, so its record counts too.
 *
 * Prints, per workload: bytes per operation by table and index, and the items the operations
 * wrote by kind (count per operation and average stored size: the `data` column, compressed or
 * not, plus the key columns).
 *
 *   BENCH_DISK_OPS   operations per workload (default 3000)
 *   BENCH_DISK_IDEM  0: no Idempotency-Key on the requests
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { silentLogger } from '../server/src/platform/logger.ts';
import { createLocalPlatform, type LocalPlatform } from '../server/src/runtime/local/platform.ts';
import { keyColumns } from '../server/src/runtime/local/sqlite-codec.ts';
import { makeTempDir, removeDir } from '../test/server-process.ts';
import { drained, inProcessRequest, parallel, paymentCycle, type InProcessRequest } from './in-process.ts';
import { log, round } from './support.ts';

const operations = Number(process.env.BENCH_DISK_OPS ?? 3000);

interface Workload {
  name: string;
  /** Sign-ups, merchants and keys: written before the measurement. Returns the operation. */
  setup: (platform: LocalPlatform, request: InProcessRequest) => Promise<(i: number) => Promise<void>>;
}

/** Pages per b-tree (the items table and each index), in bytes. */
function btreeBytes(file: string): Map<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{
      name: string;
      bytes: number;
    }>;
    return new Map(rows.map((row) => [row.name, Number(row.bytes)]));
  } finally {
    db.close();
  }
}

/** The rows the operations added, by kind: `<pk prefix>|<sk prefix>`, with their stored bytes. */
function rowsByKind(
  file: string,
  before: ReadonlySet<number>,
): Map<string, { count: number; bytes: number }> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const keyBytes = keyColumns.map((column) => `COALESCE(LENGTH(${column}), 0)`).join(' + ');
    const rows = (
      db
        .prepare(`SELECT rowid AS id, pk, sk, LENGTH(data) + ${keyBytes} AS bytes FROM items`)
        .all() as Array<{
        id: number;
        pk: string;
        sk: string;
        bytes: number;
      }>
    ).filter((row) => !before.has(Number(row.id)));
    const kinds = new Map<string, { count: number; bytes: number }>();
    for (const row of rows) {
      const kind = `${row.pk.split('#')[0]}|${row.sk.split('#')[0]}`;
      const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
      entry.count += 1;
      entry.bytes += Number(row.bytes);
      kinds.set(kind, entry);
    }
    return kinds;
  } finally {
    db.close();
  }
}

/** The rowids of the rows there are (rows go into several rowid ranges: see `sqlite-writer.ts`). */
function rowids(file: string): Set<number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return new Set(
      (db.prepare('SELECT rowid AS id FROM items').all() as Array<{ id: number }>).map((r) => Number(r.id)),
    );
  } finally {
    db.close();
  }
}

const signUp = async (platform: LocalPlatform, i: number) =>
  platform.identity.signUp({
    email: `disk-${i}-${randomUUID()}@example.com`,
    password: 'password-123-long',
    name: `User ${i}`,
  });

const workloads: Workload[] = [
  {
    name: 'wallet transfer',
    setup: async (platform, request) => {
      const users: Array<{ id: string; token: string }> = [];
      for (let i = 0; i < 200; i++) {
        const session = await signUp(platform, i);
        users.push({ id: session.user.id, token: session.access_token });
        await request('GET', '/v1/wallet', session.access_token);
      }
      return async (i) => {
        const from = users[i % users.length]!;
        const to = users[(i * 7 + 1) % users.length]!;
        if (to === from) return;
        await request('POST', '/v1/transfers', from.token, {
          to: to.id,
          amount: 1 + (i % 100),
          currency: 'USD',
        });
      };
    },
  },
  {
    name: 'card payment cycle (authorize, capture)',
    setup: async (platform, request) => {
      const owner = await signUp(platform, 0);
      const merchant = await request('POST', '/v1/merchants', owner.access_token, { name: 'Disk merchant' });
      const key = await request('POST', `/v1/merchants/${String(merchant.id)}/api-keys`, owner.access_token, {
        rate_limit_per_minute: 100_000,
      });
      const secret = String(key.secret);
      const cycle = () => paymentCycle(request, secret);
      await cycle();
      return cycle;
    },
  },
];

async function measure(workload: Workload): Promise<void> {
  const dataDir = await makeTempDir('sluice-disk-model-');
  const file = join(dataDir, 'sluice.db');
  const platform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    logger: silentLogger,
    config: {
      signupBonus: 100_000_000,
      signupBonusBudget: 1_000_000_000_000,
      requireEmailVerification: false,
    },
  });
  try {
    platform.startWorkers();
    const request = inProcessRequest(platform, {
      idempotencyKeys: process.env.BENCH_DISK_IDEM !== '0',
    });
    const operation = await workload.setup(platform, request);
    await drained(platform);
    const before = btreeBytes(file);
    const existing = rowids(file);
    await parallel(operations, operation);
    await drained(platform);
    // The dispatcher's checkpoint, written about once a second, belongs to the run too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = btreeBytes(file);
    const kinds = rowsByKind(file, existing);

    log(`\n${workload.name}: ${operations} operations, bytes on disk per operation (dbstat pages)`);
    log('| b-tree | bytes/op |');
    log('|---|--:|');
    let total = 0;
    for (const name of [...after.keys()].sort()) {
      const grown = (after.get(name) ?? 0) - (before.get(name) ?? 0);
      if (grown === 0) continue;
      total += grown;
      log(`| ${name} | ${Math.round(grown / operations)} |`);
    }
    log(`| **total** | **${Math.round(total / operations)}** |`);
    log('\nRows added, by kind (stored bytes: data column and key columns)');
    log('| kind | rows/op | average bytes |');
    log('|---|--:|--:|');
    for (const [kind, { count, bytes }] of [...kinds.entries()].sort((a, b) => b[1].bytes - a[1].bytes))
      log(`| \`${kind}\` | ${round(count / operations, 2)} | ${Math.round(bytes / count)} |`);
  } finally {
    await platform.stop();
    if (process.env.BENCH_DISK_KEEP) log(`kept ${dataDir}`);
    else await removeDir(dataDir);
  }
}

for (const workload of workloads) await measure(workload);
