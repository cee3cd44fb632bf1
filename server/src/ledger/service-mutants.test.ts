import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { maxAmount } from '../kernel/money.ts';
import type { Store } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  balanceOf,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  getAccount,
  setAccountShards,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';
import type { OpeningTransfer } from './service.ts';

/**
 * The ledger service's cases mutation testing found unpinned (docs/testing.md): the message of
 * every refusal (routes return it, as a sentence, in `error.message`: it is part of the API),
 * the fold-and-retry of a limited account's shards, a sharded account usable at once, and the
 * refused account's transfer found in a mixed-currency group. All on SQLite.
 */

const start = Date.UTC(2026, 0, 1);
let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock(start);
  deps = { store, clock };
  for (const id of ['a', 'b'])
    await createAccount(deps, {
      id,
      currency: 'USD',
      owner: id,
      code: 'wallet',
      debits_must_not_exceed_credits: true,
    });
  const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
  await createTransfers(deps, [
    move('tr_fund', 1_000, { debit_account_id: issuance.id, credit_account_id: 'a' }),
  ]);
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

function move(id: string, amount = 100, extra: Partial<TransferRequest> = {}): TransferRequest {
  return {
    id,
    debit_account_id: 'a',
    credit_account_id: 'b',
    amount,
    currency: 'USD',
    code: 'p2p',
    ...extra,
  } as TransferRequest;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const opening = (id: string, debit: string, amount: number, extra: Partial<OpeningTransfer> = {}) =>
  createAccount(
    deps,
    { id, currency: 'USD', owner: id, code: 'wallet' },
    {
      id: `tr_open_${id}`,
      debit_account_id: debit,
      amount,
      code: 'bonus',
      event: { type: 'opened', source: 't', subject: id },
      ...extra,
    },
  );

/** The stored items of an account: its account item (`ACC`) and its shard items. */
async function itemsOf(s: Store, accountId: string) {
  return (await s.query({ partition: `ACC#${accountId}` })).items;
}

describe('refusal messages', () => {
  it('says why an account cannot be opened', async () => {
    expect(
      (await refusal(createAccount(deps, { id: 's', currency: 'USD', owner: 's', code: 'w', shards: 0 })))
        .message,
    ).toBe('shards must be an integer from 1 to 96');
    expect((await refusal(opening('n1', 'a', 0))).message).toBe(
      'amount must be a positive integer in minor units',
    );
    expect((await refusal(opening('n2', 'nobody', 10))).message).toBe('no account nobody');
    expect((await refusal(opening('n3', 'a', 1_001))).message).toBe(
      'the opening transfer exceeds the funding account',
    );
    expect(
      (await refusal(createAccount(deps, { id: 'a', currency: 'USD', owner: 'z', code: 'wallet' }))).message,
    ).toBe('account a exists with other fields');
  });

  it('says why a transfer is refused', async () => {
    const messageOf = async (requests: TransferRequest[]) =>
      (await refusal(createTransfers(deps, requests))).message;
    expect(await messageOf([])).toBe('at least one transfer is required');
    expect(await messageOf([{ kind: 'void_pending', id: 'tr_v', pending_id: 'tr_nothing' }])).toBe(
      'no pending transfer tr_nothing',
    );
    expect(await messageOf([move('tr_zero', 0)])).toBe('amount must be a positive integer in minor units');
    expect(await messageOf([move('tr_self', 10, { credit_account_id: 'a' })])).toBe(
      'a transfer needs two different accounts',
    );
    expect(await messageOf([move('tr_nobody', 10, { credit_account_id: 'nobody' })])).toBe(
      'no account nobody',
    );
    expect(await messageOf([move('tr_short', 1_001)])).toBe('insufficient funds for this transfer');
    await createAccount(deps, { id: 'eur', currency: 'EUR', owner: 'e', code: 'wallet' });
    expect(await messageOf([move('tr_eur', 10, { credit_account_id: 'eur' })])).toBe(
      'account eur holds EUR, not USD',
    );
  });

  it('says why a hold cannot be posted: a bad or larger amount, or its expiry', async () => {
    await createTransfers(deps, [move('tr_hold', 100, { kind: 'pending', timeout_seconds: 60 })]);
    const post = (id: string, amount?: number) =>
      refusal(
        createTransfers(deps, [
          { kind: 'post_pending', id, pending_id: 'tr_hold', ...(amount === undefined ? {} : { amount }) },
        ]),
      );
    expect((await post('tr_p0', 0)).message).toBe('amount must be a positive integer in minor units');
    expect((await post('tr_p101', 101)).message).toBe('cannot post 101: the hold is 100');
    clock.advance(61_000);
    const expired = await post('tr_late');
    expect([expired.code, expired.message]).toEqual([
      'transfer_not_pending',
      'pending transfer tr_hold is pending but has expired',
    ]);
  });

  it('says when a hold is not due to expire yet, or never times out', async () => {
    await createTransfers(deps, [move('tr_due', 100, { kind: 'pending', timeout_seconds: 60 })]);
    await createTransfers(deps, [move('tr_forever', 100, { kind: 'pending' })]);
    const expire = (pendingId: string) =>
      refusal(
        createTransfers(deps, [{ kind: 'expire_pending', id: `tr_x_${pendingId}`, pending_id: pendingId }]),
      );
    const early = await expire('tr_due');
    expect([early.code, early.message, early.param]).toEqual([
      'transfer_not_pending',
      `pending transfer tr_due is pending and not due to expire until ${new Date(clock.now() + 60_000).toISOString()}`,
      'pending_id',
    ]);
    expect((await expire('tr_forever')).message).toBe(
      'pending transfer tr_forever is pending and has no timeout',
    );
  });

  it('words a refused hold by what its own resolution asked, whatever else the group holds', async () => {
    await createTransfers(deps, [move('tr_due', 100, { kind: 'pending', timeout_seconds: 60 })]);
    await createTransfers(deps, [move('tr_soon', 100, { kind: 'pending', timeout_seconds: 30 })]);
    // An early expiry grouped with a plain transfer: still "not due".
    const early = await refusal(
      createTransfers(deps, [
        { kind: 'expire_pending', id: 'tr_x_due', pending_id: 'tr_due' },
        move('tr_plain', 10),
      ]),
    );
    expect(early.message).toBe(
      `pending transfer tr_due is pending and not due to expire until ${new Date(clock.now() + 60_000).toISOString()}`,
    );
    // A late post grouped with another hold's due expiry: still "has expired".
    clock.advance(61_000);
    const late = await refusal(
      createTransfers(deps, [
        { kind: 'post_pending', id: 'tr_p_due', pending_id: 'tr_due' },
        { kind: 'expire_pending', id: 'tr_x_soon', pending_id: 'tr_soon' },
      ]),
    );
    expect([late.code, late.message]).toEqual([
      'transfer_not_pending',
      'pending transfer tr_due is pending but has expired',
    ]);
  });

  it("says a condition of the caller's own operations failed", async () => {
    const error = await refusal(
      createTransfers(deps, [move('tr_cond')], {
        operations: () => [
          { type: 'check', key: { pk: 'NOPE', sk: 'NOPE' }, condition: { attributeExists: 'pk' } },
        ],
      }),
    );
    expect(error.message).toBe('the transfer conflicts with a concurrent change');
  });
});

describe('capacity', () => {
  /** Takes c's debits posted to 2^53 − 1 − `gap` (sent to d), in linked groups of `maxAmount`s. */
  async function fillDebits(gap: number): Promise<void> {
    for (const id of ['c', 'd']) await createAccount(deps, { id, currency: 'USD', owner: id, code: 'test' });
    let left = Number.MAX_SAFE_INTEGER - gap;
    let n = 0;
    while (left > 0) {
      const group: TransferRequest[] = [];
      while (left > 0 && group.length < 20) {
        const amount = Math.min(left, maxAmount);
        group.push(move(`tr_fill_${n++}`, amount, { debit_account_id: 'c', credit_account_id: 'd' }));
        left -= amount;
      }
      await createTransfers(deps, group);
    }
  }

  it('refuses a transfer past 2^53 − 1 with amount_exceeds_capacity on amount, naming the account', async () => {
    await fillDebits(5);
    const error = await refusal(
      createTransfers(deps, [move('tr_over', 6, { debit_account_id: 'c', credit_account_id: 'b' })]),
    );
    expect(error).toMatchObject({
      code: 'amount_exceeds_capacity',
      status: 422,
      param: 'amount',
      details: { account_id: 'c' },
      message: `the amount would take account c's totals past ${Number.MAX_SAFE_INTEGER}, the most the ledger holds exactly`,
    });
    // The opening transfer of a new account is held to the same edge.
    const opened = await refusal(opening('n_cap', 'c', 6));
    expect([opened.code, opened.param]).toEqual(['amount_exceeds_capacity', 'amount']);
    expect(await getAccount(deps, 'n_cap')).toBeUndefined();
  });
});

describe('opening', () => {
  it("gives an opening event's data function the opening transfer", async () => {
    let seen: unknown;
    await opening('n_fn', 'a', 7, {
      event: {
        type: 'opened',
        source: 't',
        subject: 'n_fn',
        data: (transfers) => {
          seen = transfers;
          return { ids: transfers.map((t) => t.id) };
        },
      },
    });
    expect(seen).toEqual([
      expect.objectContaining({ id: 'tr_open_n_fn', amount: 7, credit_account_id: 'n_fn' }),
    ]);
  });

  it('refuses a short funder as insufficient_funds even when the opening transfer id is taken', async () => {
    await createTransfers(deps, [move('tr_open_n_taken', 10)]);
    const error = await refusal(opening('n_taken', 'a', 5_000));
    expect([error.code, error.param, error.message]).toEqual([
      'insufficient_funds',
      'amount',
      'the opening transfer exceeds the funding account',
    ]);
    expect(await getAccount(deps, 'n_taken')).toBeUndefined();
  });

  it('spreads a sharded account opened here at once, without waiting for the directory to refresh', async () => {
    // The directory is loaded (the fund transfer read it); the new account is not in it yet.
    await createAccount(deps, { id: 'busy', currency: 'USD', owner: 'm', code: 'merchant', shards: 8 });
    for (let i = 0; i < 16; i++)
      await createTransfers(deps, [move(`tr_busy_${i}`, 1, { credit_account_id: 'busy' })]);
    const shardItems = (await itemsOf(store, 'busy')).filter((item) => item.sk !== 'ACC');
    expect(shardItems.some((item) => Number(item.credits_posted) > 0)).toBe(true);
    expect(balanceOf((await getAccount(deps, 'busy'))!).available).toBe(16);
  });
});

describe('fold and retry', () => {
  it("folds a limited account's shard credits into it when a debit is refused, then retries once", async () => {
    await createAccount(deps, {
      id: 'hot',
      currency: 'USD',
      owner: 'm',
      code: 'merchant_available',
      debits_must_not_exceed_credits: true,
    });
    expect(await setAccountShards(deps, 'hot', 8)).toBe(8);
    for (let i = 0; i < 8; i++)
      await createTransfers(deps, [move(`tr_in_${i}`, 100, { credit_account_id: 'hot' })]);
    const main = (await itemsOf(store, 'hot')).find((item) => item.sk === 'ACC')!;
    expect(main.credits_posted).toBeLessThan(800);

    // Everything it holds can be spent: the first attempt's refusal folds the shards.
    await createTransfers(deps, [move('tr_all', 800, { debit_account_id: 'hot' })]);
    expect(balanceOf((await getAccount(deps, 'hot'))!).available).toBe(0);
    const after = (await itemsOf(store, 'hot')).filter((item) => item.sk !== 'ACC');
    expect(after.every((item) => Number(item.credits_posted ?? 0) === 0)).toBe(true);

    // Nothing left to fold: refused, with the short account named.
    const error = await refusal(createTransfers(deps, [move('tr_more', 1, { debit_account_id: 'hot' })]));
    expect(error).toMatchObject({ code: 'insufficient_funds', details: { account_id: 'hot' } });
  });

  it('refuses a debit past what a limited sharded account holds, folded or not', async () => {
    await createAccount(deps, {
      id: 'warm',
      currency: 'USD',
      owner: 'm',
      code: 'merchant_available',
      debits_must_not_exceed_credits: true,
    });
    await setAccountShards(deps, 'warm', 4);
    for (let i = 0; i < 4; i++)
      await createTransfers(deps, [move(`tr_w_${i}`, 50, { credit_account_id: 'warm' })]);
    const error = await refusal(createTransfers(deps, [move('tr_w_all', 201, { debit_account_id: 'warm' })]));
    expect(error).toMatchObject({ code: 'insufficient_funds', details: { account_id: 'warm' } });
    expect(balanceOf((await getAccount(deps, 'warm'))!).available).toBe(200);
  });
});

describe('a linked group in two currencies', () => {
  it('names the currency mismatch of the transfer the refusing account belongs to, not the first', async () => {
    await createAccount(deps, { id: 'e1', currency: 'EUR', owner: 'e', code: 'wallet' });
    await createAccount(deps, { id: 'e2', currency: 'EUR', owner: 'e', code: 'wallet' });
    await createAccount(deps, { id: 'e3', currency: 'EUR', owner: 'e', code: 'wallet' });
    const error = await refusal(
      createTransfers(deps, [
        move('tr_eur_ok', 10, { debit_account_id: 'e1', credit_account_id: 'e2', currency: 'EUR' }),
        move('tr_usd_to_eur', 10, { credit_account_id: 'e3' }),
      ]),
    );
    expect([error.code, error.param, error.message]).toEqual([
      'currency_mismatch',
      'currency',
      'account e3 holds EUR, not USD',
    ]);
    expect((await getAccount(deps, 'e2'))!.credits_posted).toBe(0);
  });

  // Found by the mutant above: the group's second transfer used to be booked into e2's EUR
  // totals (one update per account, its currency the first transfer's), unbalancing both currencies.
  it('refuses a group that moves two currencies through one account, writing nothing', async () => {
    await createAccount(deps, { id: 'e1', currency: 'EUR', owner: 'e', code: 'wallet' });
    await createAccount(deps, { id: 'e2', currency: 'EUR', owner: 'e', code: 'wallet' });
    const error = await refusal(
      createTransfers(deps, [
        move('tr_eur_ok', 10, { debit_account_id: 'e1', credit_account_id: 'e2', currency: 'EUR' }),
        move('tr_usd_to_eur', 10, { credit_account_id: 'e2' }),
      ]),
    );
    expect([error.code, error.param, error.message]).toEqual([
      'currency_mismatch',
      'currency',
      'account e2 cannot take EUR and USD in one group',
    ]);
    expect((await getAccount(deps, 'e2'))!.credits_posted).toBe(0);
    expect((await getAccount(deps, 'a'))!.debits_posted).toBe(0);
  });
});
