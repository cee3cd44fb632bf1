import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  createAccount,
  createTransfers,
  ensureSystemAccount,
  getAccount,
  getTransfer,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';

/**
 * The ledger service's refusals and what it records, each pinned: the cases mutation testing
 * found no test for (docs/testing.md).
 */

const start = Date.UTC(2026, 0, 1);
let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock(start);
  deps = { store, clock };
  for (const id of ['a', 'b', 'c'])
    await createAccount(deps, {
      id,
      currency: 'USD',
      owner: id,
      code: 'wallet',
      debits_must_not_exceed_credits: true,
    });
  const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
  await createTransfers(deps, [
    {
      id: 'tr_fund',
      debit_account_id: issuance.id,
      credit_account_id: 'a',
      amount: 1_000,
      currency: 'USD',
      code: 'fund',
    },
  ]);
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const move = (id: string, amount = 100, extra: Partial<TransferRequest> = {}): TransferRequest =>
  ({
    id,
    debit_account_id: 'a',
    credit_account_id: 'b',
    amount,
    currency: 'USD',
    code: 'p2p',
    ...extra,
  }) as TransferRequest;

describe('createAccount', () => {
  it('refuses a shard count out of range with validation_failed on shards', async () => {
    for (const shards of [0, -1, 1.5, 97]) {
      const error = await refusal(
        createAccount(deps, { id: `s${shards}`, currency: 'USD', owner: 'x', code: 'w', shards }),
      );
      expect([error.code, error.param], String(shards)).toEqual(['validation_failed', 'shards']);
    }
    expect(
      (await createAccount(deps, { id: 's96', currency: 'USD', owner: 'x', code: 'w', shards: 96 })).id,
    ).toBe('s96');
  });

  it('returns the stored account for the same fields, and refuses other fields with account_exists', async () => {
    const again = await createAccount(deps, { id: 'a', currency: 'USD', owner: 'a', code: 'wallet' });
    expect(again.credits_posted).toBe(1_000);
    for (const other of [
      { currency: 'EUR' as const, owner: 'a', code: 'wallet' },
      { currency: 'USD' as const, owner: 'z', code: 'wallet' },
      { currency: 'USD' as const, owner: 'a', code: 'other' },
    ]) {
      const error = await refusal(createAccount(deps, { id: 'a', ...other }));
      expect([error.code, error.param]).toEqual(['account_exists', 'id']);
    }
  });

  it('opens with a funding transfer: a bad amount, a missing or short funder are refused and nothing opens', async () => {
    const opening = (id: string, debit: string, amount: number) =>
      createAccount(
        deps,
        { id, currency: 'USD', owner: id, code: 'wallet' },
        {
          id: `tr_open_${id}`,
          debit_account_id: debit,
          amount,
          code: 'bonus',
          event: { type: 't', source: 't', subject: id },
        },
      );
    for (const amount of [0, -5, 2.5]) {
      const error = await refusal(opening('n1', 'a', amount));
      expect([error.code, error.param]).toEqual(['validation_failed', 'amount']);
    }
    const missing = await refusal(opening('n2', 'nobody', 10));
    expect([missing.code, missing.param]).toEqual(['not_found', 'debit_account_id']);
    const short = await refusal(opening('n3', 'a', 1_001));
    expect([short.code, short.param]).toEqual(['insufficient_funds', 'amount']);
    for (const id of ['n1', 'n2', 'n3']) expect(await getAccount(deps, id)).toBeUndefined();
    const opened = await opening('n4', 'a', 250);
    expect(opened).toMatchObject({ credits_posted: 250, created_at: new Date(start).toISOString() });
    expect((await getAccount(deps, 'a'))!.debits_posted).toBe(250);
    expect(await getTransfer(deps, 'tr_open_n4')).toMatchObject({
      kind: 'posted',
      debit_account_id: 'a',
      credit_account_id: 'n4',
      amount: 250,
      code: 'bonus',
    });
  });
});

describe('createTransfers refusals', () => {
  it('refuses no transfers, a bad amount, and one account on both sides', async () => {
    expect((await refusal(createTransfers(deps, []))).code).toBe('invalid_request');
    for (const amount of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      const error = await refusal(createTransfers(deps, [move(`tr_bad_${amount}`, amount)]));
      expect([error.code, error.param], String(amount)).toEqual(['validation_failed', 'amount']);
    }
    const same = await refusal(createTransfers(deps, [move('tr_self', 10, { credit_account_id: 'a' })]));
    expect([same.code, same.param]).toEqual(['invalid_request', 'credit_account_id']);
  });

  it('refuses a post or void of something that is not a hold with not_found on pending_id, and a zero post', async () => {
    await createTransfers(deps, [move('tr_posted')]);
    for (const pending_id of ['tr_nothing', 'tr_posted']) {
      const error = await refusal(
        createTransfers(deps, [{ kind: 'void_pending', id: `tr_v_${pending_id}`, pending_id }]),
      );
      expect([error.code, error.param]).toEqual(['not_found', 'pending_id']);
    }
    await createTransfers(deps, [move('tr_hold', 100, { kind: 'pending' })]);
    const zero = await refusal(
      createTransfers(deps, [{ kind: 'post_pending', id: 'tr_p0', pending_id: 'tr_hold', amount: 0 }]),
    );
    expect([zero.code, zero.param]).toEqual(['validation_failed', 'amount']);
  });

  it('names the missing account of a transfer with not_found', async () => {
    const error = await refusal(
      createTransfers(deps, [move('tr_nobody', 10, { credit_account_id: 'nobody' })]),
    );
    expect(error).toMatchObject({
      code: 'not_found',
      param: 'account_id',
      details: { account_id: 'nobody' },
    });
  });

  it('says which account is short', async () => {
    const error = await refusal(createTransfers(deps, [move('tr_short', 1_001)]));
    expect(error).toMatchObject({ code: 'insufficient_funds', details: { account_id: 'a' } });
  });

  it('treats the same ids with other fields as transfer_exists: amount, code, accounts, metadata, or a group replayed in part', async () => {
    await createTransfers(deps, [move('tr_1', 100, { metadata: { order: '1' } })]);
    for (const changed of [
      { kind: 'pending' as const },
      { debit_account_id: 'c' },
      { currency: 'EUR' as const },
      { amount: 101 },
      { code: 'other' },
      { credit_account_id: 'c' },
      { metadata: { order: '2' } },
      { metadata: {} },
    ] satisfies Partial<TransferRequest>[] as Partial<TransferRequest>[]) {
      const error = await refusal(
        createTransfers(deps, [move('tr_1', 100, { metadata: { order: '1' }, ...changed })]),
      );
      expect([error.code, error.param], JSON.stringify(changed)).toEqual(['transfer_exists', 'id']);
      expect(error.message).toBe('transfer tr_1 exists with other fields');
    }
    const replay = await createTransfers(deps, [move('tr_1', 100, { metadata: { order: '1' } })]);
    expect(replay).toMatchObject({ replayed: true, event: undefined });

    // A linked group whose first transfer exists: not a replay, and the second is not written.
    const error = await refusal(
      createTransfers(deps, [move('tr_1', 100, { metadata: { order: '1' } }), move('tr_2', 50)]),
    );
    expect(error.code).toBe('transfer_exists');
    expect(await getTransfer(deps, 'tr_2')).toBeUndefined();
    expect((await getAccount(deps, 'b'))!.credits_posted).toBe(100);
  });

  it("reports a failed condition of the caller's own operations as conflict, writing nothing", async () => {
    const error = await refusal(
      createTransfers(deps, [move('tr_cond')], {
        operations: () => [
          { type: 'check', key: { pk: 'NOPE', sk: 'NOPE' }, condition: { attributeExists: 'pk' } },
        ],
      }),
    );
    expect(error.code).toBe('conflict');
    expect(await getTransfer(deps, 'tr_cond')).toBeUndefined();
  });
});

describe('createTransfers refusals, the fields they name', () => {
  it('names amount for a post past its hold, currency for a mismatch, pending_id for a resolved hold', async () => {
    await createTransfers(deps, [move('tr_hold', 100, { kind: 'pending' })]);
    const over = await refusal(
      createTransfers(deps, [{ kind: 'post_pending', id: 'tr_over', pending_id: 'tr_hold', amount: 101 }]),
    );
    expect([over.code, over.param]).toEqual(['amount_exceeds_pending', 'amount']);
    await createAccount(deps, { id: 'eur', currency: 'EUR', owner: 'e', code: 'wallet' });
    const mismatch = await refusal(createTransfers(deps, [move('tr_eur', 10, { credit_account_id: 'eur' })]));
    expect([mismatch.code, mismatch.param]).toEqual(['currency_mismatch', 'currency']);
    await createTransfers(deps, [{ kind: 'void_pending', id: 'tr_void', pending_id: 'tr_hold' }]);
    const resolved = await refusal(
      createTransfers(deps, [{ kind: 'void_pending', id: 'tr_void2', pending_id: 'tr_hold' }]),
    );
    expect([resolved.code, resolved.param]).toEqual(['transfer_not_pending', 'pending_id']);
    expect(resolved.message).toBe('pending transfer tr_hold is voided');
  });

  it("lists the caller's failed operations in a conflict", async () => {
    const error = await refusal(
      createTransfers(deps, [move('tr_cond2')], {
        operations: () => [
          { type: 'check', key: { pk: 'NOPE', sk: 'NOPE' }, condition: { attributeExists: 'pk' } },
        ],
      }),
    );
    // The transfer, the two account updates and the outbox event come first: the check is the fifth.
    expect(error.details).toEqual({ failed_operations: [4] });
  });

  it('replays a transfer whose debit account can no longer afford it, and names the one of a group that differs', async () => {
    const first = await createTransfers(deps, [move('tr_r1', 600)]);
    expect(first.replayed).toBe(false);
    await createTransfers(deps, [move('tr_spend', 400)]);
    // a holds 0 now: the replay's balance condition fails too, but it is still a replay.
    const replay = await createTransfers(deps, [move('tr_r1', 600)]);
    expect(replay.replayed).toBe(true);
    await createTransfers(deps, [
      move('tr_g1', 100, { debit_account_id: 'b', credit_account_id: 'c' }),
      move('tr_g2', 50, { debit_account_id: 'b', credit_account_id: 'c' }),
    ]);
    const error = await refusal(
      createTransfers(deps, [
        move('tr_g1', 100, { debit_account_id: 'b', credit_account_id: 'c' }),
        move('tr_g2', 51, { debit_account_id: 'b', credit_account_id: 'c' }),
      ]),
    );
    expect(error.message).toBe('transfer tr_g2 exists with other fields');
  });

  it('refuses a post replayed against another hold', async () => {
    await createTransfers(deps, [
      move('tr_h1', 100, { kind: 'pending' }),
      move('tr_h2', 100, { kind: 'pending' }),
    ]);
    await createTransfers(deps, [{ kind: 'post_pending', id: 'tr_p', pending_id: 'tr_h1' }]);
    const error = await refusal(
      createTransfers(deps, [{ kind: 'post_pending', id: 'tr_p', pending_id: 'tr_h2' }]),
    );
    expect(error.code).toBe('transfer_exists');
  });
});

describe('createTransfers records', () => {
  it('records a posted transfer without hold fields', async () => {
    await createTransfers(deps, [move('tr_plain')]);
    const stored = await getTransfer(deps, 'tr_plain');
    expect(stored).not.toHaveProperty('pending_status');
    expect(stored).not.toHaveProperty('timeout_at');
  });

  it("carries the opening transfer in the opening event's default data", async () => {
    await createAccount(
      deps,
      { id: 'n5', currency: 'USD', owner: 'n5', code: 'wallet' },
      {
        id: 'tr_open_n5',
        debit_account_id: 'a',
        amount: 5,
        code: 'bonus',
        event: { type: 'opened', source: 't', subject: 'n5' },
      },
    );
    const [event] = (await outboxEventsBetween(store, start - 1, clock.now() + 1)).filter(
      (e) => e.type === 'opened',
    );
    expect(event!.data).toEqual({ transfers: [expect.objectContaining({ id: 'tr_open_n5', amount: 5 })] });
  });

  it('links a group by its first id, and a single transfer to nothing', async () => {
    await createTransfers(deps, [move('tr_single')]);
    expect((await getTransfer(deps, 'tr_single'))!.linked_id).toBeUndefined();
    await createTransfers(deps, [move('tr_g1', 10), move('tr_g2', 20, { credit_account_id: 'c' })]);
    expect((await getTransfer(deps, 'tr_g1'))!.linked_id).toBe('tr_g1');
    expect((await getTransfer(deps, 'tr_g2'))!.linked_id).toBe('tr_g1');
  });

  it('stamps the time, and a hold times out timeout_seconds later (or never)', async () => {
    clock.advance(5_000);
    await createTransfers(deps, [move('tr_h1', 10, { kind: 'pending', timeout_seconds: 30 })]);
    await createTransfers(deps, [move('tr_h0', 10, { kind: 'pending' })]);
    expect(await getTransfer(deps, 'tr_h1')).toMatchObject({
      created_at: new Date(start + 5_000).toISOString(),
      pending_status: 'pending',
      timeout_at: start + 35_000,
    });
    expect((await getTransfer(deps, 'tr_h0'))!.timeout_at).toBe(0);
    // A post takes the hold's accounts, currency and code, and its amount when none is given.
    await createTransfers(deps, [{ kind: 'post_pending', id: 'tr_post', pending_id: 'tr_h1' }]);
    expect(await getTransfer(deps, 'tr_post')).toMatchObject({
      kind: 'post_pending',
      debit_account_id: 'a',
      credit_account_id: 'b',
      amount: 10,
      currency: 'USD',
      code: 'p2p',
      pending_id: 'tr_h1',
    });
  });

  it('writes one outbox event: the default with the transfers, or the caller’s, with its audience, merchant and data', async () => {
    const plain = await createTransfers(deps, [move('tr_e1')]);
    expect(plain.event).toMatchObject({
      type: 'ledger.transfers.created',
      source: 'sluice.ledger',
      subject: 'tr_e1',
      data: { transfers: [expect.objectContaining({ id: 'tr_e1' })] },
    });
    const named = await createTransfers(deps, [move('tr_e2')], {
      event: {
        type: 'wallet.transfer.created',
        source: 'sluice.wallet',
        subject: 'x',
        audience: ['usr_a'],
        merchant: 'mer_1',
        data: (transfers) => ({ ids: transfers.map((t) => t.id) }),
      },
    });
    expect(named.event).toMatchObject({
      type: 'wallet.transfer.created',
      source: 'sluice.wallet',
      subject: 'x',
      audience: ['usr_a'],
      merchant: 'mer_1',
      data: { ids: ['tr_e2'] },
    });
    const stored = await outboxEventsBetween(store, start - 1, clock.now() + 1);
    expect(stored.map((e) => e.id)).toEqual(expect.arrayContaining([plain.event!.id, named.event!.id]));
    const bare = await createTransfers(deps, [move('tr_e3')], {
      event: { type: 't', source: 's', subject: 'y', data: { k: 1 } },
    });
    expect(bare.event).not.toHaveProperty('audience');
    expect(bare.event).not.toHaveProperty('merchant');
    expect(bare.event!.data).toEqual({ k: 1 });
  });
});
