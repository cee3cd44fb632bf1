/**
 * The baselines' server, which `baselines.ts` starts as a child process so that it has its own
 * core like the real server: `node bench/baseline-server.ts PORT DATA_DIR`.
 *
 * - `POST /x` answers 201 and does nothing else: the bare rate of Hono on this machine.
 * - `POST /durable` parses the body and commits it as one new row through the local store (its
 *   writer thread, group commit and fsync, its checkpointer): the rate no request that commits
 *   can beat here.
 * - `POST /transfer-writes` and `POST /authorization-writes` parse the body and commit, as one
 *   transaction, exactly the items a wallet transfer (4) and a card authorization (5) write: the
 *   same keys, index entries, conditions and sizes (`floor-writes.ts`), with no reads, no
 *   authentication, no validation and no events handed on. What the real request costs beyond
 *   this floor is its logic; what the floor costs is the store's.
 */
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { authorizationWrites, floorAccounts, transferWrites } from './floor-writes.ts';

const [port, dataDir] = process.argv.slice(2);
if (!port || !dataDir) throw new Error('usage: node bench/baseline-server.ts PORT DATA_DIR');

const store = new SqliteStore(join(dataDir, 'baseline.db'), { writer: 'worker' });
const accounts = floorAccounts();
for (let i = 0; i < accounts.length; i += 25)
  await store.transact(accounts.slice(i, i + 25).map((item) => ({ type: 'put' as const, item })));
let written = 0;
const app = new Hono()
  .post('/x', (c) => c.json({ ok: true }, 201))
  .post('/durable', async (c) => {
    const body = await c.req.json<Record<string, unknown>>();
    const id = `row_${++written}`;
    await store.transact([
      { type: 'put', item: { pk: `ROW#${id}`, sk: 'ROW', ...body }, condition: { attributeNotExists: 'pk' } },
    ]);
    return c.json({ ok: true, id }, 201);
  });
for (const [path, writes] of [
  ['/transfer-writes', transferWrites],
  ['/authorization-writes', authorizationWrites],
] as const)
  app.post(path, async (c) => {
    const body = await c.req.json<{ amount: number }>();
    const { id, operations } = writes(body.amount);
    await store.transact(operations);
    return c.json({ ok: true, id }, 201);
  });
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, (info) =>
  process.stdout.write(`baseline listening on ${info.port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
