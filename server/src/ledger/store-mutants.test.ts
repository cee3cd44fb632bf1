import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { maxAmount, type Currency } from '../kernel/money.ts';
import type { Item, ItemKey, Query, QueryPage, Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  auditLedger,
  balanceOf,
  createAccount,
  createTransfers,
  expirePendingTransfers,
  foldAccountShards,
  getAccount,
  getTransfer,
  setAccountFlag,
  setAccountShards,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';
import { migrateToTransferHistory } from './migrations.ts';
import type { AccountFlags } from './model.ts';
import { foldAllShards, pickShard } from './shards.ts';
import { accountOfItem, accountOpeningPuts, queryShardDirectory, shardPuts } from './store.ts';

/**
 * The ledger store's cases mutation testing found unpinned (docs/testing.md): what a shard item
 * refuses (another currency, a total past 2^53 − 1) and a fold past it, the capacity edge of a
 * refusal's explanation, an opening transfer's room, the shard directory's entries, a racing first spread, the items a hold's resolution goes to, a
 * caller's own failed condition, when a hold may expire, an orphaned old history item, and
 * partitions read a page at a time. All on SQLite.
 */

const start = Date.UTC(2026, 0, 15, 12);
const max = Number.MAX_SAFE_INTEGER;
let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;
let seq = 0;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock(start);
  deps = { store, clock };
  for (const id of ['src', 'dst'])
    await createAccount(deps, { id, currency: 'USD', owner: id, code: 'test' });
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

function move(debit: string, credit: string, amount: number, extra: Partial<TransferRequest> = {}) {
  return createTransfers(deps, [
    {
      id: `tr_${++seq}`,
      debit_account_id: debit,
      credit_account_id: credit,
      amount,
      currency: 'USD',
      code: 'test',
      ...extra,
    } as TransferRequest,
  ]);
}

function post(pending_id: string, amount?: number) {
  return createTransfers(deps, [
    { kind: 'post_pending', id: `tr_${++seq}`, pending_id, ...(amount ? { amount } : {}) },
  ]);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/**
 * A fresh transfer id whose `side` of an account with `shards` items and `flags` goes to an item
 * `wanted` accepts (the ledger spreads a side by a hash of the transfer id).
 */
function idLanding(
  shards: number,
  side: 'debit' | 'credit',
  wanted: (shard: number) => boolean,
  flags: Partial<AccountFlags> = {},
): string {
  const entry = {
    shards,
    debits_must_not_exceed_credits: flags.debits_must_not_exceed_credits ?? false,
    credits_must_not_exceed_debits: flags.credits_must_not_exceed_debits ?? false,
  };
  for (;;) {
    const id = `tr_${++seq}`;
    if (wanted(pickShard(entry, side, id))) return id;
  }
}
const offAccountItem = (shard: number) => shard !== 0;

/** Moves `total` from `from` to `to` in transfers of at most `maxAmount`, ids from `nextId`. */
async function fill(from: string, to: string, total: number, nextId = () => `tr_${++seq}`): Promise<void> {
  for (let left = total; left > 0; left -= maxAmount) {
    await createTransfers(deps, [
      {
        id: nextId(),
        debit_account_id: from,
        credit_account_id: to,
        amount: Math.min(left, maxAmount),
        currency: 'USD',
        code: 'fill',
      },
    ]);
  }
}

/** `inner` answering every query with pages of at most `size` items, as DynamoDB may (1 MB pages). */
function smallPages(inner: Store, size: number): Store {
  return {
    get: (key: ItemKey): Promise<Item | undefined> => inner.get(key),
    query: (query: Query): Promise<QueryPage> =>
      inner.query({ ...query, limit: Math.min(query.limit ?? size, size) }),
    transact: (operations: WriteOperation[]) => inner.transact(operations),
    close: async () => {},
  };
}

describe('a shard item', () => {
  it('refuses a transfer in another currency, even when the account item takes no part', async () => {
    await createAccount(deps, { id: 'usd', currency: 'USD', owner: 'u', code: 'test', shards: 4 });
    await createAccount(deps, { id: 'eur', currency: 'EUR', owner: 'e', code: 'test' });
    const id = idLanding(4, 'credit', offAccountItem);
    const error = await refusal(
      createTransfers(deps, [
        { id, debit_account_id: 'eur', credit_account_id: 'usd', amount: 5, currency: 'EUR', code: 'test' },
      ]),
    );
    expect([error.code, error.param, error.message]).toEqual([
      'currency_mismatch',
      'currency',
      'account usd holds USD, not EUR',
    ]);
    expect(await getTransfer(deps, id)).toBeUndefined();
    expect(balanceOf((await getAccount(deps, 'usd'))!)).toMatchObject({ posted: 0, pending: 0 });
    expect((await getAccount(deps, 'eur'))!.debits_posted).toBe(0);
  });

  it('refuses a transfer that would take its total past 2^53 − 1, whatever the account item holds', async () => {
    await createAccount(deps, { id: 'hot', currency: 'USD', owner: 'h', code: 'test', shards: 2 });
    // Fill shard 1 of hot to the edge, through transfers whose credit side all land there.
    await fill('src', 'hot', max, () => idLanding(2, 'credit', (shard) => shard === 1));
    const id = idLanding(2, 'credit', (shard) => shard === 1);
    const error = await refusal(
      createTransfers(deps, [
        { id, debit_account_id: 'dst', credit_account_id: 'hot', amount: 1, currency: 'USD', code: 'over' },
      ]),
    );
    expect([error.code, error.param, error.details]).toEqual([
      'amount_exceeds_capacity',
      'amount',
      { account_id: 'hot' },
    ]);
    expect((await getAccount(deps, 'hot'))!.credits_posted).toBe(max);
    expect((await getAccount(deps, 'dst'))!.debits_posted).toBe(0);
  });

  it('is not folded into an account item it would take past 2^53 − 1', async () => {
    await createAccount(deps, {
      id: 'spender',
      currency: 'USD',
      owner: 's',
      code: 'test',
      debits_must_not_exceed_credits: true,
    });
    await fill('src', 'spender', max - 5);
    await setAccountShards(deps, 'spender', 4);
    const flags = { debits_must_not_exceed_credits: true };
    await move('dst', 'spender', 10, { id: idLanding(4, 'credit', offAccountItem, flags) });
    // The 10 wait in a shard: folding them would take the account item's credits to 2^53 + 4.
    expect(await foldAccountShards(deps, 'spender')).toBe(0);
    expect(await foldAccountShards(deps, 'spender')).toBe(0);
  });

  it('stands for an account with its own currency and totals and no flags, owner or code', () => {
    const account = {
      id: 'acct',
      currency: 'EUR' as Currency,
      owner: 'o',
      code: 'wallet',
      debits_must_not_exceed_credits: true,
      credits_must_not_exceed_debits: false,
      debits_pending: 1,
      debits_posted: 2,
      credits_pending: 3,
      credits_posted: 40,
      created_at: '2026-01-01T00:00:00.000Z',
    };
    const itemOf = (operation: WriteOperation) => (operation.type === 'put' ? operation.item : undefined)!;
    expect(accountOfItem('acct', itemOf(accountOpeningPuts(account)[0]!))).toEqual(account);
    expect(accountOfItem('acct', itemOf(shardPuts(account, 1, 2)[0]!))).toEqual({
      id: 'acct',
      currency: 'EUR',
      owner: '',
      code: '',
      debits_must_not_exceed_credits: false,
      credits_must_not_exceed_debits: false,
      debits_pending: 0,
      debits_posted: 0,
      credits_pending: 0,
      credits_posted: 0,
      created_at: '',
    });
  });
});

describe('opening an account', () => {
  it('with an opening transfer leaves room for its credits only: no flag that they break', async () => {
    await createAccount(
      deps,
      { id: 'funded', currency: 'USD', owner: 'f', code: 'test' },
      {
        id: 'tr_opening',
        debit_account_id: 'src',
        amount: 40,
        code: 'opening',
        event: { type: 'test.opened', source: 'test', subject: 'funded' },
      },
    );
    const refused = await setAccountFlag(deps, 'funded', 'credits_must_not_exceed_debits');
    expect(refused.outcome).toBe('refused');
    expect((await setAccountFlag(deps, 'funded', 'debits_must_not_exceed_credits')).outcome).toBe('set');
    const error = await refusal(move('funded', 'dst', 41));
    expect(error.code).toBe('insufficient_funds');
    await move('funded', 'dst', 40);
  });

  it('lists in the shard directory only when it has more than one item', async () => {
    await createAccount(deps, { id: 'spread', currency: 'USD', owner: 's', code: 'test', shards: 3 });
    await createAccount(deps, { id: 'single', currency: 'USD', owner: 's', code: 'test', shards: 1 });
    expect([...(await queryShardDirectory(store))]).toEqual([
      ['spread', { shards: 3, debits_must_not_exceed_credits: false, credits_must_not_exceed_debits: false }],
    ]);
  });
});

describe('a refusal at the capacity edge', () => {
  it('is insufficient funds, not capacity, when the total would land exactly on 2^53 − 1', async () => {
    await createAccount(deps, {
      id: 'spender',
      currency: 'USD',
      owner: 's',
      code: 'test',
      debits_must_not_exceed_credits: true,
    });
    await fill('src', 'spender', max - 10);
    await fill('spender', 'src', max - 10);
    // 10 more would take spender's debits to exactly 2^53 − 1, which is allowed; its funds are not.
    const error = await refusal(move('spender', 'dst', 10));
    expect([error.code, error.details]).toEqual(['insufficient_funds', { account_id: 'spender' }]);
    await move('dst', 'spender', 10);
    await move('spender', 'dst', 10);
    expect((await getAccount(deps, 'spender'))!.debits_posted).toBe(max);
  });
});

describe('setAccountShards', () => {
  it('does not lower a count another call raised between its read and its write', async () => {
    // The call for 2 reads a count of 1, then waits while a call for 8 completes.
    let raced: Promise<number> | undefined;
    const racing: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      transact: async (operations) => {
        if (operations.length === 2 && !raced) {
          raced = setAccountShards(deps, 'dst', 8);
          await raced;
        }
        return store.transact(operations);
      },
      close: async () => {},
    };
    expect(await setAccountShards({ store: racing }, 'dst', 2)).toBe(8);
    expect(await raced).toBe(8);
    expect(await setAccountShards(deps, 'dst', 1)).toBe(8);
  });
});

describe("a hold's resolution", () => {
  it('goes to the shards its hold went to, on the credit side and on the debit side', async () => {
    const debitLimited = { debits_must_not_exceed_credits: true };
    await createAccount(deps, { id: 'spender', currency: 'USD', owner: 's', code: 'test', ...debitLimited });
    await setAccountShards(deps, 'spender', 4);
    const creditLimited = { credits_must_not_exceed_debits: true };
    await createAccount(deps, { id: 'owed', currency: 'USD', owner: 'o', code: 'test', ...creditLimited });
    await setAccountShards(deps, 'owed', 4);

    const intoSpender = idLanding(4, 'credit', offAccountItem, debitLimited);
    await move('src', 'spender', 70, { id: intoSpender, kind: 'pending' });
    await post(intoSpender, 60);
    const fromOwed = idLanding(4, 'debit', offAccountItem, creditLimited);
    await move('owed', 'dst', 30, { id: fromOwed, kind: 'pending' });
    await post(fromOwed);

    // The posted sides wait in the shards the holds went to, where folds find them.
    expect(await foldAccountShards(deps, 'spender')).toBe(60);
    expect(await foldAccountShards(deps, 'owed')).toBe(30);
    expect(balanceOf((await getAccount(deps, 'spender'))!)).toMatchObject({ available: 60, pending: 0 });
    expect((await getAccount(deps, 'owed'))!).toMatchObject({ debits_posted: 30, debits_pending: 0 });
  });
});

describe("a caller's own operation", () => {
  it('failing its condition is a conflict naming it, whether a put or an update; nothing is written', async () => {
    const key = { pk: 'CALLER#record', sk: 'CALLER' };
    await store.transact([{ type: 'put', item: { ...key, n: 1 } }]);
    const operations: WriteOperation[] = [
      { type: 'put', item: { ...key, n: 2 }, condition: { attributeNotExists: 'pk' } },
      { type: 'update', key, set: { n: 3 }, condition: { compare: ['n', '=', 5] } },
    ];
    for (const operation of operations) {
      const id = `tr_${++seq}`;
      const error = await refusal(
        createTransfers(
          deps,
          [
            {
              id,
              debit_account_id: 'src',
              credit_account_id: 'dst',
              amount: 5,
              currency: 'USD',
              code: 'test',
            },
          ],
          { operations: () => [operation] },
        ),
      );
      expect([error.code, error.message], operation.type).toEqual([
        'conflict',
        'the transfer conflicts with a concurrent change',
      ]);
      expect(await getTransfer(deps, id)).toBeUndefined();
    }
    expect((await store.get(key))!.n).toBe(1);
    expect((await getAccount(deps, 'dst'))!.credits_posted).toBe(0);
  });
});

describe('a hold expires', () => {
  it('only once its timeout has passed: never without one, not before it, and at it exactly', async () => {
    await move('src', 'dst', 7, { kind: 'pending' });
    const forever = `tr_${seq}`;
    await move('src', 'dst', 5, { kind: 'pending', timeout_seconds: 60 });
    const timed = `tr_${seq}`;
    const expire = (pending_id: string) =>
      createTransfers(deps, [{ kind: 'expire_pending', id: `tr_${++seq}`, pending_id }]);
    for (const hold of [forever, timed]) {
      const error = await refusal(expire(hold));
      expect([error.code, error.param], hold).toEqual(['transfer_not_pending', 'pending_id']);
    }
    clock.set(start + 60_000 - 1);
    expect(await expirePendingTransfers(deps)).toBe(0);
    clock.set(start + 60_000);
    expect(await expirePendingTransfers(deps)).toBe(1);
    expect((await getTransfer(deps, timed))!.pending_status).toBe('expired');
    expect((await getTransfer(deps, forever))!.pending_status).toBe('pending');
    expect((await getAccount(deps, 'src'))!.debits_pending).toBe(7);
  });
});

describe('migrateToTransferHistory', () => {
  it('deletes an old history item whose transfer is gone, and counts it', async () => {
    // A history item as older code stored it (one per side), whose transfer was never written.
    await store.transact([
      {
        type: 'put',
        item: {
          pk: 'ACC#src',
          sk: 'H#2026-01-02T00:00:00.000Z#tr_gone',
          entity: 'history',
          transfer_id: 'tr_gone',
          direction: 'debit',
        },
      },
    ]);
    expect(await migrateToTransferHistory(deps)).toEqual({ changed: 1 });
    expect(await migrateToTransferHistory(deps)).toEqual({ changed: 0 });
  });
});

describe('partitions read a page at a time', () => {
  it('audit every account of every currency', async () => {
    for (const id of ['a', 'b', 'c'])
      await createAccount(deps, { id, currency: 'USD', owner: id, code: 'test' });
    for (const id of ['e1', 'e2'])
      await createAccount(deps, { id, currency: 'EUR', owner: id, code: 'test' });
    await move('a', 'c', 9);
    const report = await auditLedger(smallPages(store, 1), 0, 1);
    expect(report.currencies.map((c) => [c.currency, c.accounts, c.debits_posted])).toEqual([
      ['EUR', 2, 0n],
      ['USD', 5, 9n],
    ]);
  });

  it('give writers and folds the whole shard directory', async () => {
    const flags = { debits_must_not_exceed_credits: true };
    for (const id of ['s1', 's2', 's3']) {
      await createAccount(deps, { id, currency: 'USD', owner: id, code: 'test', ...flags });
      await setAccountShards(deps, id, 4);
      await move('src', id, 25, { id: idLanding(4, 'credit', offAccountItem, flags) });
    }
    expect(await foldAllShards({ store: smallPages(store, 1), clock })).toBe(75);
  });
});
