import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  balanceOf,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  expirePendingTransfers,
  getAccount,
  getTransfer,
  listHistory,
  type LedgerDeps,
} from './index.ts';

let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;

beforeEach(() => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock();
  deps = { store, clock };
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

async function wallet(id: string) {
  return createAccount(deps, {
    id,
    currency: 'USD',
    owner: id,
    code: 'wallet',
    debits_must_not_exceed_credits: true,
  });
}

async function fund(accountId: string, amount: number) {
  const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
  await createTransfers(deps, [
    {
      id: newId('transfer'),
      debit_account_id: issuance.id,
      credit_account_id: accountId,
      amount,
      currency: 'USD',
      code: 'funding',
    },
  ]);
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('ledger', () => {
  it('moves money between accounts and records history on both sides', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    const id = newId('transfer');
    await createTransfers(deps, [
      { id, debit_account_id: 'a', credit_account_id: 'b', amount: 300, currency: 'USD', code: 'p2p' },
    ]);
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(700);
    expect(balanceOf((await getAccount(deps, 'b'))!).available).toBe(300);
    const history = await listHistory(store, 'a');
    expect(history.entries.map((e) => [e.transfer_id, e.direction, e.amount])).toEqual([
      [id, 'debit', 300],
      [expect.any(String), 'credit', 1000],
    ]);
  });

  it('refuses an overdraft with insufficient_funds and writes nothing', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 100);
    const error = await errorOf(
      createTransfers(deps, [
        {
          id: newId('transfer'),
          debit_account_id: 'a',
          credit_account_id: 'b',
          amount: 101,
          currency: 'USD',
          code: 'p2p',
        },
      ]),
    );
    expect(error.code).toBe('insufficient_funds');
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(100);
    expect((await listHistory(store, 'b')).entries).toEqual([]);
  });

  it('refuses a credit past the debits of an account whose credits must not exceed them, pending ones counted', async () => {
    // A merchant's fees account: it owes what it was debited; recovering more would be recovering twice.
    await createAccount(deps, {
      id: 'owed',
      currency: 'USD',
      owner: 'm',
      code: 'fees',
      credits_must_not_exceed_debits: true,
    });
    await createAccount(deps, { id: 'platform', currency: 'USD', owner: 'system', code: 'fees' });
    const move = (debit: string, credit: string, amount: number, kind: 'posted' | 'pending' = 'posted') =>
      createTransfers(deps, [
        {
          kind,
          id: newId('transfer'),
          debit_account_id: debit,
          credit_account_id: credit,
          amount,
          currency: 'USD',
          code: 'fee',
        },
      ]);
    await move('owed', 'platform', 1_500);
    await move('platform', 'owed', 1_000, 'pending');
    expect((await errorOf(move('platform', 'owed', 501))).code).toBe('insufficient_funds');
    await move('platform', 'owed', 500);
    expect((await errorOf(move('platform', 'owed', 1))).code).toBe('insufficient_funds');
    expect((await getAccount(deps, 'owed'))!).toMatchObject({
      debits_posted: 1_500,
      credits_posted: 500,
      credits_pending: 1_000,
    });
  });

  it('treats a transfer id as an idempotency key forever', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    const request = {
      id: newId('transfer'),
      debit_account_id: 'a',
      credit_account_id: 'b',
      amount: 300,
      currency: 'USD' as const,
      code: 'p2p',
    };
    const first = await createTransfers(deps, [request]);
    clock.advance(86_400_000 * 400);
    const again = await createTransfers(deps, [request]);
    expect(again.replayed).toBe(true);
    expect(again.transfers[0]).toEqual(first.transfers[0]);
    expect(balanceOf((await getAccount(deps, 'b'))!).available).toBe(300);
    const error = await errorOf(createTransfers(deps, [{ ...request, amount: 301 }]));
    expect(error.code).toBe('transfer_exists');
  });

  it('refuses a transfer across currencies', async () => {
    await wallet('a');
    await createAccount(deps, { id: 'eur', currency: 'EUR', owner: 'x', code: 'wallet' });
    await fund('a', 100);
    const error = await errorOf(
      createTransfers(deps, [
        {
          id: newId('transfer'),
          debit_account_id: 'a',
          credit_account_id: 'eur',
          amount: 10,
          currency: 'USD',
          code: 'p2p',
        },
      ]),
    );
    expect(error.code).toBe('currency_mismatch');
  });

  it('refuses a transfer to a missing account with not_found', async () => {
    await wallet('a');
    await fund('a', 100);
    const error = await errorOf(
      createTransfers(deps, [
        {
          id: newId('transfer'),
          debit_account_id: 'a',
          credit_account_id: 'nobody',
          amount: 10,
          currency: 'USD',
          code: 'p2p',
        },
      ]),
    );
    expect(error.code).toBe('not_found');
  });

  it('holds, then posts part of a hold once and releases the rest', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    const hold = newId('transfer');
    await createTransfers(deps, [
      {
        kind: 'pending',
        id: hold,
        debit_account_id: 'a',
        credit_account_id: 'b',
        amount: 600,
        currency: 'USD',
        code: 'auth',
      },
    ]);
    expect(balanceOf((await getAccount(deps, 'a'))!)).toMatchObject({
      available: 400,
      posted: 1000,
      pending: -600,
    });
    expect(
      (
        await errorOf(
          createTransfers(deps, [
            { kind: 'post_pending', id: newId('transfer'), pending_id: hold, amount: 601 },
          ]),
        )
      ).code,
    ).toBe('amount_exceeds_pending');
    await createTransfers(deps, [
      { kind: 'post_pending', id: newId('transfer'), pending_id: hold, amount: 450 },
    ]);
    expect(balanceOf((await getAccount(deps, 'a'))!)).toEqual({
      currency: 'USD',
      available: 550,
      posted: 550,
      pending: 0,
    });
    expect(balanceOf((await getAccount(deps, 'b'))!)).toEqual({
      currency: 'USD',
      available: 450,
      posted: 450,
      pending: 0,
    });
    expect(
      (
        await errorOf(
          createTransfers(deps, [{ kind: 'post_pending', id: newId('transfer'), pending_id: hold }]),
        )
      ).code,
    ).toBe('transfer_not_pending');
    expect(
      (
        await errorOf(
          createTransfers(deps, [{ kind: 'void_pending', id: newId('transfer'), pending_id: hold }]),
        )
      ).code,
    ).toBe('transfer_not_pending');
    expect((await getTransfer(deps, hold))!.pending_status).toBe('posted');
  });

  it('posts a hold exactly once under concurrency', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    const hold = newId('transfer');
    await createTransfers(deps, [
      {
        kind: 'pending',
        id: hold,
        debit_account_id: 'a',
        credit_account_id: 'b',
        amount: 500,
        currency: 'USD',
        code: 'auth',
      },
    ]);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        createTransfers(deps, [
          i % 2 === 0
            ? { kind: 'post_pending', id: newId('transfer'), pending_id: hold }
            : { kind: 'void_pending', id: newId('transfer'), pending_id: hold },
        ]),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('expires a hold after its timeout and refuses to post it afterwards', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    const hold = newId('transfer');
    await createTransfers(deps, [
      {
        kind: 'pending',
        id: hold,
        debit_account_id: 'a',
        credit_account_id: 'b',
        amount: 500,
        currency: 'USD',
        code: 'auth',
        timeout_seconds: 60,
      },
    ]);
    expect(await expirePendingTransfers(deps)).toBe(0);
    clock.advance(61_000);
    expect(
      (
        await errorOf(
          createTransfers(deps, [{ kind: 'post_pending', id: newId('transfer'), pending_id: hold }]),
        )
      ).code,
    ).toBe('transfer_not_pending');
    expect(await expirePendingTransfers(deps)).toBe(1);
    expect(await expirePendingTransfers(deps)).toBe(0);
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(1000);
    expect((await getTransfer(deps, hold))!.pending_status).toBe('expired');
  });

  it('commits linked transfers together or not at all', async () => {
    await wallet('a');
    await wallet('b');
    await wallet('fee');
    await fund('a', 100);
    const split = (amount: number) => [
      {
        id: newId('transfer'),
        debit_account_id: 'a',
        credit_account_id: 'b',
        amount,
        currency: 'USD' as const,
        code: 'p2p',
      },
      {
        id: newId('transfer'),
        debit_account_id: 'a',
        credit_account_id: 'fee',
        amount: 10,
        currency: 'USD' as const,
        code: 'fee',
      },
    ];
    expect((await errorOf(createTransfers(deps, split(95)))).code).toBe('insufficient_funds');
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(100);
    expect(balanceOf((await getAccount(deps, 'fee'))!).available).toBe(0);
    await createTransfers(deps, split(90));
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(0);
  });

  it('opens an account already funded, atomically and once', async () => {
    const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
    const opening = {
      id: 'tr_open_a',
      debit_account_id: issuance.id,
      amount: 2000,
      code: 'bonus',
      event: { type: 'test.opened', source: 'test', subject: 'a' },
    };
    const input = {
      id: 'a',
      currency: 'USD' as const,
      owner: 'a',
      code: 'wallet',
      debits_must_not_exceed_credits: true,
    };
    const results = await Promise.all([
      createAccount(deps, input, opening),
      createAccount(deps, input, opening),
      createAccount(deps, input, opening),
    ]);
    expect(results.map((account) => account.credits_posted)).toEqual([2000, 2000, 2000]);
    expect(balanceOf((await getAccount(deps, 'a'))!).available).toBe(2000);
    expect((await getAccount(deps, issuance.id))!.debits_posted).toBe(2000);
    expect((await listHistory(store, 'a')).entries.map((e) => e.transfer_id)).toEqual(['tr_open_a']);
    await wallet('poor');
    const refused = await errorOf(
      createAccount(
        deps,
        { ...input, id: 'b', owner: 'b' },
        { ...opening, id: 'tr_open_b', debit_account_id: 'poor' },
      ),
    );
    expect(refused.code).toBe('insufficient_funds');
    expect(await getAccount(deps, 'b')).toBeUndefined();
  });

  it('paginates history with a cursor without gaps or repeats', async () => {
    await wallet('a');
    await wallet('b');
    await fund('a', 1000);
    for (let i = 0; i < 25; i++) {
      clock.advance(1);
      await createTransfers(deps, [
        {
          id: newId('transfer'),
          debit_account_id: 'a',
          credit_account_id: 'b',
          amount: 1,
          currency: 'USD',
          code: 'p2p',
        },
      ]);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHistory(store, 'b', { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((e) => e.transfer_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort().reverse()).toEqual(seen);
  });
  // Random operations against a model of the books: property.test.ts.
});
