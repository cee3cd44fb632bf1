import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Item, ItemKey, Query, QueryPage, Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  balanceOf,
  createAccount,
  createTransfers,
  foldAccountShards,
  getAccount,
  setAccountShards,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';
import { directoryRefreshMs, foldAllShards } from './shards.ts';

/**
 * Account shards' cases mutation testing found unpinned (docs/testing.md): how often a process
 * re-reads the shard directory, the count's bounds and refusals, a half-done or racing change of
 * the count, and folds (both flags' sides, racing, the scheduled job). On SQLite.
 */

const start = Date.UTC(2026, 0, 15, 12);
let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;
let seq = 0;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock(start);
  deps = { store, clock };
  await createAccount(deps, { id: 'src', currency: 'USD', owner: 's', code: 'test' });
  await createAccount(deps, { id: 'dst', currency: 'USD', owner: 'd', code: 'test' });
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

function move(debit: string, credit: string, amount: number, on: LedgerDeps = deps) {
  const request: TransferRequest = {
    id: `tr_${++seq}`,
    debit_account_id: debit,
    credit_account_id: credit,
    amount,
    currency: 'USD',
    code: 'test',
  };
  return createTransfers(on, [request]);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** The credits posted on each of an account's items, by sort key. */
async function creditsByItem(s: Store, accountId: string): Promise<Record<string, number>> {
  const { items } = await s.query({ partition: `ACC#${accountId}` });
  return Object.fromEntries(items.map((item) => [String(item.sk), Number(item.credits_posted ?? 0)]));
}
const spreadCredits = async (s: Store, accountId: string) =>
  Object.entries(await creditsByItem(s, accountId))
    .filter(([sk]) => sk !== 'ACC')
    .reduce((sum, [, credits]) => sum + credits, 0);

/** `inner` with the transactions `fails` picks failing as a disk would (not a refused condition). */
function failing(inner: Store, fails: (operations: WriteOperation[]) => boolean): Store {
  return {
    get: (key: ItemKey): Promise<Item | undefined> => inner.get(key),
    query: (query: Query): Promise<QueryPage> => inner.query(query),
    transact: async (operations: WriteOperation[]) => {
      if (fails(operations)) throw new Error('disk I/O error');
      return inner.transact(operations);
    },
    close: async () => {},
  };
}

describe('the shard directory a process writes by', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("learns another process's new count only when its copy is 30 s old, or the clock went back", async () => {
    dir = await mkdtemp(join(tmpdir(), 'mutation-shards-'));
    const file = join(dir, 'ledger.db');
    const here = new SqliteStore(file);
    const there = new SqliteStore(file);
    const hereDeps = { store: here, clock };
    try {
      await createAccount(hereDeps, { id: 'src', currency: 'USD', owner: 's', code: 'test' });
      await createAccount(hereDeps, { id: 'hot', currency: 'USD', owner: 'h', code: 'test' });
      await move('src', 'hot', 1, hereDeps); // this process reads the directory now
      await setAccountShards({ store: there }, 'hot', 8); // another process spreads hot
      const burst = async (n: number) => {
        for (let i = 0; i < n; i++) await move('src', 'hot', 1, hereDeps);
      };
      await burst(12);
      expect(await spreadCredits(here, 'hot'), 'same instant: stale copy').toBe(0);
      clock.set(start + directoryRefreshMs - 1);
      await burst(12);
      expect(await spreadCredits(here, 'hot'), 'just under 30 s: stale copy').toBe(0);
      clock.set(start + directoryRefreshMs);
      await burst(12);
      expect(await spreadCredits(here, 'hot'), 'at 30 s: re-read').toBeGreaterThan(0);

      // A clock that went back re-reads too (the copy is from its future).
      await setAccountShards({ store: there }, 'src', 4);
      clock.set(start + directoryRefreshMs - 1_000);
      const before = await spreadCredits(here, 'src');
      for (let i = 0; i < 12; i++) await move('hot', 'src', 1, hereDeps);
      expect(await spreadCredits(here, 'src')).toBeGreaterThan(before);
      await expectBooksBalanced(here);
    } finally {
      await here.close();
      await there.close();
    }
  });

  it('is read again after a failed read, not kept failed', async () => {
    let failNext = true;
    const flaky: Store = {
      get: (key) => store.get(key),
      query: async (query) => {
        if (failNext && query.index === undefined && String(query.partition).includes('SHARD')) {
          failNext = false;
          throw new Error('network error');
        }
        return store.query(query);
      },
      transact: (operations) => store.transact(operations),
      close: async () => {},
    };
    const flakyDeps = { store: flaky, clock };
    const first = await move('src', 'dst', 1, flakyDeps).catch((e: unknown) => e);
    expect(failNext).toBe(false);
    expect((first as Error).message).toBe('network error');
    await move('src', 'dst', 1, flakyDeps);
    expect((await getAccount(deps, 'dst'))!.credits_posted).toBe(1);
  });
});

describe('setAccountShards', () => {
  it('takes 1 and 96, refuses 0 and 97 with its message on shards, and names an unknown account', async () => {
    expect(await setAccountShards(deps, 'dst', 1)).toBe(1);
    expect(await setAccountShards(deps, 'dst', 96)).toBe(96);
    for (const shards of [0, 97]) {
      const error = await refusal(setAccountShards(deps, 'src', shards));
      expect([error.code, error.param, error.message]).toEqual([
        'validation_failed',
        'shards',
        'shards must be an integer from 1 to 96',
      ]);
    }
    const missing = await refusal(setAccountShards(deps, 'nobody', 2));
    expect([missing.code, missing.param, missing.message]).toEqual([
      'not_found',
      'account_id',
      'no account nobody',
    ]);
  });

  it('refuses to spread an account with both flags, which takes no transfers, but reports its count', async () => {
    await createAccount(deps, {
      id: 'frozen',
      currency: 'USD',
      owner: 'f',
      code: 'test',
      debits_must_not_exceed_credits: true,
      credits_must_not_exceed_debits: true,
    });
    expect(await setAccountShards(deps, 'frozen', 1)).toBe(1);
    const error = await refusal(setAccountShards(deps, 'frozen', 2));
    expect([error.code, error.message]).toEqual([
      'invalid_request',
      'an account with both flags takes no transfers to shard',
    ]);
  });

  it('lets a failed write through, leaving the count as it was', async () => {
    for (const [name, fails] of [
      ['a shard item', (operations: WriteOperation[]) => operations.length === 1],
      ['the count', (operations: WriteOperation[]) => operations.length === 2],
    ] as const) {
      const error = await setAccountShards({ store: failing(store, fails) }, 'dst', 4).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message, name).toBe('disk I/O error');
      expect(await setAccountShards(deps, 'dst', 1), name).toBe(1);
    }
  });

  it('ends at the larger of two racing counts, whichever commits first', async () => {
    const results = await Promise.all([setAccountShards(deps, 'dst', 4), setAccountShards(deps, 'dst', 8)]);
    expect(results[1]).toBe(8);
    expect(await setAccountShards(deps, 'dst', 1)).toBe(8);
    expect((await store.query({ partition: 'ACC#dst' })).items).toHaveLength(8);
  });
});

describe('folds', () => {
  async function limited(
    id: string,
    flag: 'debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits',
  ) {
    await createAccount(deps, { id, currency: 'USD', owner: id, code: 'test', [flag]: true });
    await setAccountShards(deps, id, 8);
  }

  it("folds a debit-limited account's credits and a credit-limited account's debits, returning the amount", async () => {
    await limited('spender', 'debits_must_not_exceed_credits');
    for (let i = 0; i < 8; i++) await move('src', 'spender', 100);
    const waiting = await spreadCredits(store, 'spender');
    expect(waiting).toBeGreaterThan(0);
    expect(await foldAccountShards(deps, 'spender')).toBe(waiting);
    expect(await spreadCredits(store, 'spender')).toBe(0);

    // Owed fees: its debits (what it is owed) wait in shards; a credit up to them folds them first.
    await limited('owed', 'credits_must_not_exceed_debits');
    for (let i = 0; i < 8; i++) await move('owed', 'dst', 50);
    await move('src', 'owed', 400);
    expect(balanceOf((await getAccount(deps, 'owed'))!).available).toBe(0);
    expect(await foldAccountShards(deps, 'owed')).toBe(0);
  });

  it('counts an amount once when two folds race', async () => {
    await limited('spender', 'debits_must_not_exceed_credits');
    for (let i = 0; i < 8; i++) await move('src', 'spender', 100);
    const waiting = await spreadCredits(store, 'spender');
    const moved = await Promise.all([foldAccountShards(deps, 'spender'), foldAccountShards(deps, 'spender')]);
    expect(moved[0]! + moved[1]!).toBe(waiting);
    expect(balanceOf((await getAccount(deps, 'spender'))!).available).toBe(800);
  });

  it('lets a failed fold write through instead of taking it for a racing fold', async () => {
    await limited('spender', 'debits_must_not_exceed_credits');
    for (let i = 0; i < 8; i++) await move('src', 'spender', 100);
    const waiting = await spreadCredits(store, 'spender');
    const error = await foldAccountShards({ store: failing(store, () => true), clock }, 'spender').catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('disk I/O error');
    expect(await spreadCredits(store, 'spender')).toBe(waiting);
  });

  it('folds the items its copy of the directory names, and the newer ones once it reads the directory again', async () => {
    await limited('spender', 'debits_must_not_exceed_credits');
    expect(await foldAccountShards(deps, 'spender')).toBe(0); // this process reads the directory now: 8 items
    // Another process (its own directory copy) spreads the account over 16 items and writes to them.
    const there: Store = {
      get: (key) => store.get(key),
      query: (query) => store.query(query),
      transact: (operations) => store.transact(operations),
      close: async () => {},
    };
    const thereDeps = { store: there, clock };
    await setAccountShards(thereDeps, 'spender', 16);
    for (let i = 0; i < 200 && !(await creditsByItem(store, 'spender'))['S#8']; i++)
      await move('src', 'spender', 10, thereDeps);
    const byItem = await creditsByItem(store, 'spender');
    const sum = (from: number, to: number) =>
      Object.entries(byItem)
        .filter(([sk]) => sk.startsWith('S#') && Number(sk.slice(2)) >= from && Number(sk.slice(2)) < to)
        .reduce((total, [, credits]) => total + credits, 0);
    expect(byItem['S#8']).toBeGreaterThan(0);

    expect(await foldAccountShards(deps, 'spender'), 'stale copy: items 1 to 7').toBe(sum(1, 8));
    clock.advance(directoryRefreshMs);
    expect(await foldAccountShards(deps, 'spender'), 're-read: items 8 to 15').toBe(sum(8, 16));
    expect(await spreadCredits(store, 'spender')).toBe(0);
  });

  it('folds every limited sharded account in the scheduled job, and leaves unlimited ones spread', async () => {
    await limited('spender', 'debits_must_not_exceed_credits');
    await limited('owed', 'credits_must_not_exceed_debits');
    await setAccountShards(deps, 'dst', 8);
    for (let i = 0; i < 8; i++) {
      await move('src', 'spender', 10);
      await move('owed', 'dst', 10);
    }
    const spenderWaiting = await spreadCredits(store, 'spender');
    const dstSpread = await spreadCredits(store, 'dst');
    const { items } = await store.query({ partition: 'ACC#owed' });
    const owedWaiting = items
      .filter((item) => item.sk !== 'ACC')
      .reduce((sum, item) => sum + Number(item.debits_posted ?? 0), 0);
    expect(await foldAllShards(deps)).toBe(spenderWaiting + owedWaiting);
    expect(await spreadCredits(store, 'dst')).toBe(dstSpread);
    expect(await foldAllShards(deps)).toBe(0);
  });
});
