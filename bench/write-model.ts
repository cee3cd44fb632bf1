/**
 * `npm run bench:writes`: what each operation writes, and how hot the hottest item gets at the
 * load Sluice is meant to carry on AWS — measured from the transactions the app really commits.
 *
 * 1. Runs each workload in process (`app.request`, no sockets) on a fresh SQLite data dir, with
 *    the workers running (the outbox dispatcher's own writes count), and records every committed
 *    transaction, per workload:
 *    - transfers: wallet transfers between random pairs of `BENCH_WRITE_USERS` users;
 *    - payments, many merchants: authorize (`capture: false`) then capture, each cycle as a random
 *      one of `BENCH_WRITE_MERCHANTS` merchants;
 *    - payments, one merchant: the same cycles for one merchant whose accounts an admin spread
 *      over 16 items (`POST /v1/admin/ledger/accounts/{id}/shards`), as a hot merchant's would be;
 *    - shop checkout: add to cart, check out with the wallet, wait for the order to be `paid`;
 *    - coin award: a like on one of 100 authors' posts, and the award the queue pays for it.
 * 2. Prints per operation: transactions, items written, bytes written (the items' JSON), and the
 *    DynamoDB write units they would cost on demand, billed as DynamoDB bills them from each item's
 *    image before and after its write (sized by DynamoDB's rules): 2 per KB per item of a
 *    transaction, 1 per KB for a lone write, an update or a replacing put by the larger of the two
 *    images; per secondary index, 1 per KB for an entry put, changed or removed, and 2 writes for
 *    an entry whose key moved.
 * 3. The hot-item model: for each workload, the share of operations that write each item (and
 *    each index partition), and from it the writes/s of the hottest at the target rates:
 *    10,000 payment cycles/s over 1,000 merchants, 2,000/s for one merchant, 5,000 transfers/s.
 *    A DynamoDB item takes ~1,000 write units/s; a transactional write costs 2, so the budget is
 *    500 transactional writes/s per item (and 1,000 index writes/s per index partition).
 *
 *   BENCH_WRITE_STORE=dynamodb  run the workloads on DynamoDB Local (which it starts) and print,
 *                          beside the model's write units, the ones DynamoDB Local reported for
 *                          the same writes: the check of the billing rules above. It leaves
 *                          `infra/cost/measured-writes.json` as it was. Use small counts, e.g.
 *                          BENCH_WRITE_OPS=300 BENCH_WRITE_USERS=100 BENCH_WRITE_MERCHANTS=40.
 *   BENCH_WRITE_OPS        operations recorded per workload (default 3000)
 *   BENCH_WRITE_USERS      wallet users (default 1000)
 *   BENCH_WRITE_MERCHANTS  merchants of the spread payments workload (default 1000)
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { measuredWritesFile, type MeasuredOperation } from '../infra/cost/per-operation.ts';
import { hashedKeysSinceKey } from '../server/src/http/idempotency.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { Item, WriteOperation } from '../server/src/platform/store.ts';
import { tableSchema } from '../server/src/platform/table-schema.ts';
import { createLocalPlatform } from '../server/src/runtime/local/platform.ts';
import { DynamoStore } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { itemSize } from '../server/src/runtime/local/sqlite-writer.ts';
import { startDynamoLocal } from '../test/dynamodb-local.ts';
import { makeTempDir, removeDir } from '../test/server-process.ts';
import { drained, inProcessRequest, parallel, paymentCycle } from './in-process.ts';
import { log, round } from './support.ts';

const opsPerWorkload = Number(process.env.BENCH_WRITE_OPS ?? 3000);
const userCount = Number(process.env.BENCH_WRITE_USERS ?? 1000);
const merchantCount = Number(process.env.BENCH_WRITE_MERCHANTS ?? 1000);
const onDynamo = process.env.BENCH_WRITE_STORE === 'dynamodb';
const adminEmail = 'writes-admin@example.com';
/** Transactional writes/s one DynamoDB item sustains (1,000 write units/s, 2 per transactional write). */
export const itemBudget = 500;

type Transaction = WriteOperation[];

/** An item as one write found it and left it: its DynamoDB size and its index keys. */
interface ItemImage {
  size: number;
  indexKeys: Array<string | undefined>;
}

/** What one committed write did to its item: the images before and after (absent: no item). */
interface WriteImages {
  before?: ItemImage;
  after?: ItemImage;
  /** Whether the item's attributes differ after the write. */
  changed: boolean;
}

export interface WorkloadRecord {
  name: string;
  /** HTTP requests per operation. */
  requests: number;
  /** What the model scales it to, operations/s. */
  targetRate: number;
  targetLabel: string;
  operations: number;
  transactions: Transaction[];
  /** Per transaction, per operation: the images its write left (see {@link WriteImages}). */
  images: WriteImages[][];
  /** On DynamoDB Local: the write units it reported for the workload's writes. */
  reportedWriteUnits?: number;
}

export interface WorkloadFigures {
  name: string;
  requestsPerOp: number;
  eventsPerOp: number;
  transactionsPerOp: number;
  itemsPerOp: number;
  bytesPerOp: number;
  writeUnitsPerOp: number;
  reportedWriteUnitsPerOp?: number;
  hottest: Array<{ key: string; share: number; writesPerSecond: number }>;
  hottestIndex: Array<{ key: string; share: number; writesPerSecond: number }>;
  targetLabel: string;
}

const indexKeys = tableSchema.indexes.map((index) => index.partitionKey);

/** Bytes of an item as stored (its JSON), the measure both stores' sizes follow closely. */
const sizeOf = (item: Item) => Buffer.byteLength(JSON.stringify(item));
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

const imageOf = (item: Item | undefined): ItemImage | undefined =>
  item && {
    size: itemSize(item),
    indexKeys: tableSchema.indexes.map((index) =>
      typeof item[index.partitionKey] === 'string' && typeof item[index.sortKey] === 'string'
        ? `${String(item[index.partitionKey])} | ${String(item[index.sortKey])}`
        : undefined,
    ),
  };

/**
 * The write units DynamoDB bills for one write of a transaction of `transactionSize` items, from
 * the item's images: the table's write (a transaction's items at 2 per KB, a lone write at 1; an
 * update or a put over an item by the larger image; a condition check by the item read), then
 * each index: an entry put, changed in place or removed is a write of 1 per KB, an entry whose key
 * moved is two (the old removed, the new put).
 */
export function billedWriteUnits(
  operation: WriteOperation,
  transactionSize: number,
  images: WriteImages,
): number {
  const { before, after } = images;
  const tableSize = Math.max(before?.size ?? 0, after?.size ?? 0);
  let billed = (transactionSize === 1 && operation.type !== 'check' ? 1 : 2) * units(tableSize);
  if (operation.type === 'check') return billed;
  tableSchema.indexes.forEach((_, n) => {
    const was = before?.indexKeys[n];
    const is = after?.indexKeys[n];
    if (was === undefined && is === undefined) return;
    if (was === undefined) billed += units(after!.size);
    else if (is === undefined) billed += units(before!.size);
    else if (was !== is) billed += units(before!.size) + units(after!.size);
    else if (images.changed) billed += units(after!.size);
  });
  return billed;
}

/** Per-operation figures and the hot-item model of one recorded workload. */
export function figuresOf(record: WorkloadRecord, sizes: Map<string, number>): WorkloadFigures {
  const itemWrites = new Map<string, number>();
  const indexWrites = new Map<string, number>();
  let items = 0;
  let events = 0;
  let bytes = 0;
  let writeUnits = 0;
  record.transactions.forEach((transaction, t) => {
    transaction.forEach((operation, o) => {
      const key = operation.type === 'put' ? operation.item : operation.key;
      const id = `${key.pk} | ${key.sk}`;
      items += 1;
      if (operation.type === 'put' && operation.item.pk.startsWith('EVT#')) events += 1;
      const size = operation.type === 'put' ? sizeOf(operation.item) : (sizes.get(id) ?? 200);
      bytes += operation.type === 'delete' || operation.type === 'check' ? 0 : size;
      writeUnits += billedWriteUnits(operation, transaction.length, record.images[t]![o]!);
      itemWrites.set(id, (itemWrites.get(id) ?? 0) + 1);
      const indexed =
        operation.type === 'put'
          ? indexKeys
              .filter((name) => typeof operation.item[name] === 'string')
              .map((name): [string, string] => [name, operation.item[name] as string])
          : operation.type === 'update'
            ? indexKeys
                .filter((name) => operation.set && name in operation.set)
                .map((name): [string, string] => [name, String(operation.set![name] ?? '(removed)')])
            : [];
      for (const [name, partition] of indexed) {
        const indexKey = `${name.replace('pk', '')} ${partition}`;
        indexWrites.set(indexKey, (indexWrites.get(indexKey) ?? 0) + 1);
      }
    });
  });
  const top = (counts: Map<string, number>) =>
    [...counts.entries()]
      // The store queue's items are the local runtime's queue: SQS holds them on AWS.
      .filter(([key]) => !key.endsWith('(removed)') && !/(^|\s)QUEUED?#/.test(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, count]) => ({
        key,
        share: count / record.operations,
        writesPerSecond: (count / record.operations) * record.targetRate,
      }));
  return {
    name: record.name,
    requestsPerOp: record.requests,
    eventsPerOp: events / record.operations,
    transactionsPerOp: record.transactions.length / record.operations,
    itemsPerOp: items / record.operations,
    bytesPerOp: bytes / record.operations,
    writeUnitsPerOp: writeUnits / record.operations,
    ...(record.reportedWriteUnits !== undefined
      ? { reportedWriteUnitsPerOp: record.reportedWriteUnits / record.operations }
      : {}),
    hottest: top(itemWrites),
    hottestIndex: top(indexWrites),
    targetLabel: record.targetLabel,
  };
}

/** Records the workloads; returns them with the final size of every item they wrote. */
export async function recordWorkloads(): Promise<{ records: WorkloadRecord[]; sizes: Map<string, number> }> {
  const dataDir = await makeTempDir('sluice-write-model-');
  const dynamo = onDynamo ? await startDynamoLocal() : undefined;
  let bucket: { transactions: Transaction[]; images: WriteImages[][] } | undefined;
  const storeClass = dynamo ? DynamoStore : SqliteStore;
  const transact = storeClass.prototype.transact;
  /** DynamoDB Local's count so far, once the store has written. */
  let reportedUnits: (() => number) | undefined;
  // Each recorded transaction with its items' images, read just before and after its commit (a
  // concurrent write may land in between: the images are as near as in-process reads get).
  storeClass.prototype.transact = async function (
    this: SqliteStore | DynamoStore,
    operations: WriteOperation[],
  ) {
    if (this instanceof DynamoStore) reportedUnits ??= () => this.consumedWriteUnits;
    const target = bucket;
    if (!target) return transact.call(this, operations);
    const copy = structuredClone(operations);
    const keys = operations.map((operation) =>
      operation.type === 'put' ? { pk: operation.item.pk, sk: operation.item.sk } : operation.key,
    );
    const read = (key: { pk: string; sk: string }) =>
      this.get(key).then((item) => item && structuredClone(item));
    const before = await Promise.all(keys.map(read));
    await transact.call(this, operations);
    const after = await Promise.all(keys.map(read));
    target.transactions.push(copy);
    target.images.push(
      keys.map((_, n) => ({
        before: imageOf(before[n]),
        after: imageOf(after[n]),
        changed: JSON.stringify(before[n]) !== JSON.stringify(after[n]),
      })),
    );
  };
  const platform = await createLocalPlatform({
    dataDir,
    ...(dynamo ? { store: 'dynamodb' as const, endpoint: dynamo.endpoint } : { store: 'sqlite' as const }),
    logger: silentLogger,
    config: {
      signupBonus: 100_000_000,
      signupBonusBudget: 1_000_000_000_000,
      adminEmails: [adminEmail],
      requireEmailVerification: false,
    },
  });
  try {
    // An installation long past its upgrade to hashed idempotency keys, as nearly every one is:
    // a keyed request checks no older key (that costs 2 write units per request for the
    // retention after the upgrade, see `http/idempotency.ts`).
    await platform.store.transact([{ type: 'put', item: { ...hashedKeysSinceKey, since: 0 } }]);
    platform.startWorkers();
    const request = inProcessRequest(platform);
    const signUp = async (i: number) =>
      platform.identity.signUp({
        email: `writes-${i}-${randomUUID()}@example.com`,
        password: 'password-123-long',
        name: `User ${i}`,
      });

    const users: Array<{ id: string; token: string }> = [];
    await parallel(userCount, async (i) => {
      const session = await signUp(i);
      users.push({ id: session.user.id, token: session.access_token });
    });
    // Every wallet opened (the sign-up consumer) before anything is recorded.
    await parallel(users.length, async (i) => void (await request('GET', '/v1/wallet', users[i]!.token)));
    await drained(platform);

    const records: WorkloadRecord[] = [];
    const record = async (
      name: string,
      requests: number,
      targetRate: number,
      targetLabel: string,
      run: (i: number) => Promise<void>,
      settle?: () => Promise<unknown>,
    ) => {
      const transactions: Transaction[] = [];
      const images: WriteImages[][] = [];
      const unitsBefore = reportedUnits?.();
      bucket = { transactions, images };
      await parallel(opsPerWorkload, run);
      await drained(platform);
      // What the operations left queued (coin awards) belongs to them too.
      if (settle) {
        await settle();
        await drained(platform);
      }
      bucket = undefined;
      records.push({
        name,
        requests,
        targetRate,
        targetLabel,
        operations: opsPerWorkload,
        transactions,
        images,
        ...(unitsBefore !== undefined ? { reportedWriteUnits: reportedUnits!() - unitsBefore } : {}),
      });
    };

    await record('wallet transfer', 1, 5000, '5,000 transfers/s', async () => {
      const from = users[Math.floor(Math.random() * users.length)]!;
      let to = from;
      while (to === from) to = users[Math.floor(Math.random() * users.length)]!;
      await request('POST', '/v1/transfers', from.token, {
        to: to.id,
        amount: 1 + Math.floor(Math.random() * 100),
        currency: 'USD',
      });
    });

    // Merchants: 20 a user (the cap), each with an unthrottled key and one payment made before
    // recording, so the accounts it opens are not counted against the cycles.
    const admin = (
      await platform.identity.signUp({ email: adminEmail, password: 'password-123-long', name: 'Admin' })
    ).access_token;
    const keys: string[] = [];
    const merchantIds: string[] = [];
    await parallel(merchantCount, async (i) => {
      const owner = users[Math.floor(i / 20)]!;
      const merchant = await request('POST', '/v1/merchants', owner.token, { name: `Merchant ${i}` });
      const key = await request('POST', `/v1/merchants/${String(merchant.id)}/api-keys`, owner.token, {
        rate_limit_per_minute: 100_000,
      });
      keys[i] = String(key.secret);
      merchantIds[i] = String(merchant.id);
      await paymentCycle(request, keys[i]!);
    });
    await drained(platform);
    await record('card payment cycle, 1,000 merchants', 2, 10_000, '10,000 cycles/s', async () => {
      await paymentCycle(request, keys[Math.floor(Math.random() * keys.length)]!);
    });
    // One hot merchant: an admin spreads its busy accounts, as the operations runbook says.
    for (const purpose of ['pending', 'available'])
      await request(
        'POST',
        `/v1/admin/ledger/accounts/acct_m_${merchantIds[0]}_${purpose}_USD/shards`,
        admin,
        {
          shards: 16,
        },
      );
    await record('card payment cycle, one merchant', 2, 2000, '2,000 cycles/s', async () => {
      await paymentCycle(request, keys[0]!);
    });

    // The shop: wallet checkouts of one product, each through the checkout saga to `paid`.
    const product = await request('POST', '/v1/products', admin, {
      name: 'Model widget',
      price: 100,
      currency: 'USD',
      stock: 1_000_000,
      category: 'bench',
    });
    const address = {
      name: 'Bench',
      line1: '1 Bench St',
      city: 'Benchville',
      postal_code: '00000',
      country: 'US',
    };
    await record('shop checkout (wallet)', 3, 1000, '1,000 checkouts/s', async (i) => {
      // Each operation in flight has a user of its own, so no two share a cart.
      const buyer = users[i % users.length]!;
      await request('POST', '/v1/cart/items', buyer.token, { product_id: product.id, quantity: 1 });
      const order = await request(
        'POST',
        '/v1/checkout',
        buyer.token,
        { shipping_address: address, payment_method: { type: 'wallet' } },
        { 'idempotency-key': `model-checkout-${i}` },
      );
      for (;;) {
        const { status } = await request('GET', `/v1/orders/${String(order.id)}`, buyer.token);
        if (status === 'paid') return;
        if (status !== 'processing') throw new Error(`checkout ended ${String(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });

    // Rewards: likes on 100 authors' posts, each paying its author 2 coins through the award queue.
    const posts: Array<{ id: string; author: string }> = [];
    for (const author of users.slice(0, 100)) {
      const post = await request('POST', '/v1/posts', author.token, { content: 'Model post' });
      posts.push({ id: String(post.id), author: author.id });
    }
    await platform.queue.drain();
    await record(
      'coin award (a like)',
      1,
      5000,
      '5,000 likes/s',
      async (i) => {
        const post = posts[i % posts.length]!;
        let liker = users[Math.floor(Math.random() * users.length)]!;
        while (liker.id === post.author) liker = users[Math.floor(Math.random() * users.length)]!;
        await request('POST', `/v1/posts/${post.id}/like`, liker.token).catch(() => undefined);
      },
      () => platform.queue.drain(),
    );

    const sizes = new Map<string, number>();
    for (const { transactions } of records)
      for (const transaction of transactions)
        for (const operation of transaction) {
          if (operation.type !== 'update') continue;
          const id = `${operation.key.pk} | ${operation.key.sk}`;
          if (sizes.has(id)) continue;
          const item = await platform.store.get(operation.key);
          if (item) sizes.set(id, sizeOf(item));
        }
    return { records, sizes };
  } finally {
    storeClass.prototype.transact = transact;
    await platform.stop();
    await dynamo?.stop();
    await removeDir(dataDir);
  }
}

/** Prints the figures as two tables. */
export function printWriteModel(figures: WorkloadFigures[]): void {
  log('\nWrites per operation (recorded in process; DynamoDB write units on demand, indexes included)');
  const reported = figures.some((f) => f.reportedWriteUnitsPerOp !== undefined);
  log(
    `| operation | transactions | items | bytes | DynamoDB write units |${reported ? ' reported by DynamoDB Local |' : ''}`,
  );
  log(`|---|--:|--:|--:|--:|${reported ? '--:|' : ''}`);
  for (const f of figures)
    log(
      `| ${f.name} | ${round(f.transactionsPerOp, 2)} | ${round(f.itemsPerOp, 2)} | ${Math.round(f.bytesPerOp)} | ${round(f.writeUnitsPerOp, 1)} |${f.reportedWriteUnitsPerOp !== undefined ? ` ${round(f.reportedWriteUnitsPerOp, 1)} |` : ''}`,
    );
  // A check run on DynamoDB Local is too small for the hot-item model.
  if (reported) return;
  log(
    `\nHottest items at the target load (budget: ${itemBudget} transactional writes/s per item, 1,000/s per index partition)`,
  );
  log('| workload | at | hottest item | share of ops | writes/s | hottest index partition | writes/s |');
  log('|---|---|---|--:|--:|---|--:|');
  for (const f of figures) {
    const item = f.hottest[0]!;
    const index = f.hottestIndex[0];
    log(
      `| ${f.name} | ${f.targetLabel} | \`${item.key}\` | ${round(item.share * 100, 2)}% | ${Math.round(item.writesPerSecond)}${item.writesPerSecond > itemBudget ? ' (over)' : ''} | ${index ? `\`${index.key}\`` : '—'} | ${index ? Math.round(index.writesPerSecond) : '—'}${index && index.writesPerSecond > 1000 ? ' (over)' : ''} |`,
    );
  }
  const over = figures.flatMap((f) =>
    [
      ...f.hottest.filter((h) => h.writesPerSecond > itemBudget),
      ...f.hottestIndex.filter((h) => h.writesPerSecond > 1000),
    ].map((h) => `${f.name}: \`${h.key}\` ${Math.round(h.writesPerSecond)}/s`),
  );
  log(
    over.length === 0
      ? '\nEvery item and index partition within budget.'
      : `\nOver budget:\n${over.map((line) => `- ${line}`).join('\n')}`,
  );
}

/** Saves the per-operation figures `npm run cost` prices (`infra/cost/measured-writes.json`). */
export function saveMeasuredWrites(figures: WorkloadFigures[]): void {
  const measured: MeasuredOperation[] = figures.map((f) => ({
    name: f.name,
    requests: f.requestsPerOp,
    transactions: round(f.transactionsPerOp, 2),
    items: round(f.itemsPerOp, 2),
    writeUnits: round(f.writeUnitsPerOp, 1),
    events: round(f.eventsPerOp, 2),
  }));
  writeFileSync(measuredWritesFile, `${JSON.stringify(measured, null, 2)}\n`);
}

if (import.meta.main) {
  const { records, sizes } = await recordWorkloads();
  const figures = records.map((record) => figuresOf(record, sizes));
  printWriteModel(figures);
  // The figures `npm run cost` prices come from full runs on the store the counts are modelled on.
  if (!onDynamo) saveMeasuredWrites(figures);
}
