import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';
import type { Item, ItemKey, Query, QueryPage, Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  createAccount,
  createTransfers,
  expirePendingTransfers,
  getAccount,
  getTransfer,
  setAccountFlag,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';
import { migrateToTransferHistory } from './migrations.ts';
import { systemAccountShards } from './system-accounts.ts';

/**
 * The smaller ledger files' cases mutation testing found unpinned (docs/testing.md): the flag
 * setter's race and refusal reasons, the expiry sweep's pages, race and event, and the
 * migration's choice of system accounts. All on SQLite.
 */

const start = Date.UTC(2026, 0, 15, 12);
let store: SqliteStore;
let clock: ManualClock;
let deps: LedgerDeps;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  clock = new ManualClock(start);
  deps = { store, clock };
  for (const id of ['a', 'b']) await createAccount(deps, { id, currency: 'USD', owner: id, code: 'wallet' });
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

let seq = 0;
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

/** `store` with its transactions failing with `error` (not a refused condition). */
function failingWrites(inner: Store, error: Error = new Error('disk I/O error')): Store {
  return {
    get: (key: ItemKey): Promise<Item | undefined> => inner.get(key),
    query: (query: Query): Promise<QueryPage> => inner.query(query),
    transact: async (_operations: WriteOperation[]) => {
      throw error;
    },
    close: async () => {},
  };
}

describe('setAccountFlag', () => {
  it('returns the account with the flag on, and names an unknown account', async () => {
    const result = await setAccountFlag(deps, 'a', 'credits_must_not_exceed_debits');
    expect(result.outcome).toBe('set');
    expect(result.account.credits_must_not_exceed_debits).toBe(true);
    const error = await setAccountFlag(deps, 'nobody', 'credits_must_not_exceed_debits').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no account nobody' });
  });

  it('answers already_set to the loser of two concurrent calls', async () => {
    const outcomes = await Promise.all([
      setAccountFlag(deps, 'a', 'debits_must_not_exceed_credits'),
      setAccountFlag(deps, 'a', 'debits_must_not_exceed_credits'),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already_set', 'set']);
    expect((await getAccount(deps, 'a'))!.debits_must_not_exceed_credits).toBe(true);
  });

  it('says why a flag is refused: the totals that break it, or the opposite flag', async () => {
    await move('a', 'b', 30);
    await move('a', 'b', 5, { kind: 'pending' });
    const debits = await setAccountFlag(deps, 'a', 'debits_must_not_exceed_credits');
    expect(debits).toMatchObject({
      outcome: 'refused',
      reason: 'its debits (30 posted + 5 pending) exceed its credits posted (0)',
    });
    const credits = await setAccountFlag(deps, 'b', 'credits_must_not_exceed_debits');
    expect(credits).toMatchObject({
      outcome: 'refused',
      reason: 'its credits (30 posted + 5 pending) exceed its debits posted (0)',
    });
    await createAccount(deps, { id: 'c', currency: 'USD', owner: 'c', code: 'w' });
    await setAccountFlag(deps, 'c', 'credits_must_not_exceed_debits');
    expect(await setAccountFlag(deps, 'c', 'debits_must_not_exceed_credits')).toMatchObject({
      outcome: 'refused',
      reason: 'it carries credits_must_not_exceed_debits, which excludes debits_must_not_exceed_credits',
    });
    await createAccount(deps, { id: 'd', currency: 'USD', owner: 'd', code: 'w' });
    await setAccountFlag(deps, 'd', 'debits_must_not_exceed_credits');
    expect(await setAccountFlag(deps, 'd', 'credits_must_not_exceed_debits')).toMatchObject({
      outcome: 'refused',
      reason: 'it carries debits_must_not_exceed_credits, which excludes credits_must_not_exceed_debits',
    });
  });

  it('lets a failed write through instead of calling it a refusal', async () => {
    const error = await setAccountFlag(
      { store: failingWrites(store), clock },
      'a',
      'credits_must_not_exceed_debits',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('disk I/O error');
    expect((await getAccount(deps, 'a'))!.credits_must_not_exceed_debits).toBe(false);
  });
});

describe('expirePendingTransfers', () => {
  it('expires every due hold across pages of 100, and only those', async () => {
    for (let i = 0; i < 205; i++) await move('a', 'b', 1, { kind: 'pending', timeout_seconds: 60 });
    await move('a', 'b', 7, { kind: 'pending', timeout_seconds: 600 });
    clock.advance(61_000);
    expect(await expirePendingTransfers(deps)).toBe(205);
    expect((await getAccount(deps, 'a'))!.debits_pending).toBe(7);
    expect(await expirePendingTransfers(deps)).toBe(0);
  });

  it('records each expiry as a ledger.hold.expired event of the sweep, subject the hold', async () => {
    await move('a', 'b', 3, { kind: 'pending', timeout_seconds: 1 });
    const hold = `tr_${seq}`;
    clock.advance(2_000);
    expect(await expirePendingTransfers(deps)).toBe(1);
    const events = (await outboxEventsBetween(store, start, clock.now() + 1)).filter(
      (e) => e.subject === hold && e.type !== 'ledger.transfers.created',
    );
    expect(events).toMatchObject([{ type: 'ledger.hold.expired', source: 'sluice.ledger', subject: hold }]);
    expect((await getTransfer(deps, hold))!.pending_status).toBe('expired');
  });

  it('counts each hold once when two sweeps race, and neither fails', async () => {
    for (let i = 0; i < 6; i++) await move('a', 'b', 1, { kind: 'pending', timeout_seconds: 1 });
    clock.advance(2_000);
    const counts = await Promise.all([expirePendingTransfers(deps), expirePendingTransfers(deps)]);
    expect(counts[0]! + counts[1]!).toBe(6);
    expect((await getAccount(deps, 'a'))!.debits_pending).toBe(0);
  });

  it('lets any other failure of an expiry through: a failed write, a busy store', async () => {
    await move('a', 'b', 1, { kind: 'pending', timeout_seconds: 1 });
    clock.advance(2_000);
    const failed = await expirePendingTransfers({ store: failingWrites(store), clock }).catch(
      (e: unknown) => e,
    );
    expect((failed as Error).message).toBe('disk I/O error');
    // What the DynamoDB store throws when a transaction is still throttled after its retries.
    const busy = new AppError('service_unavailable', 'the store is busy');
    const refused = await expirePendingTransfers({ store: failingWrites(store, busy), clock }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBe(busy);
    expect(await expirePendingTransfers(deps)).toBe(1);
  });
});

describe('migrateToTransferHistory', () => {
  /** A system account as older code opened it: one item, no shards. */
  async function legacySystemAccount(id: string, flags: { debits?: boolean; credits?: boolean } = {}) {
    await store.transact([
      {
        type: 'put',
        item: {
          pk: `ACC#${id}`,
          sk: 'ACC',
          entity: 'account',
          id,
          currency: 'USD',
          owner: 'system',
          code: 'issuance',
          debits_must_not_exceed_credits: flags.debits ?? false,
          credits_must_not_exceed_debits: flags.credits ?? false,
          debits_pending: 0,
          debits_posted: 0,
          credits_pending: 0,
          credits_posted: 0,
          created_at: '2026-01-01T00:00:00.000Z',
          dr_room: 0,
          cr_room: 0,
        },
      },
      { type: 'put', item: { pk: 'LEDGER#CURRENCY#USD', sk: id } },
    ]);
  }
  /** A zero transfer from `debit` to `credit` as older code stored it: one history item a side. */
  async function legacyHistory(debit: string, credit: string) {
    const old = {
      id: 'tr_old',
      kind: 'posted',
      debit_account_id: debit,
      credit_account_id: credit,
      amount: 0,
      currency: 'USD',
      code: 'x',
      metadata: {},
      created_at: '2026-01-02T00:00:00.000Z',
    };
    const side = (account: string, direction: string, counterparty: string) => ({
      type: 'put' as const,
      item: {
        pk: `ACC#${account}`,
        sk: `H#${old.created_at}#${old.id}`,
        entity: 'history',
        account_id: account,
        transfer_id: old.id,
        kind: 'posted',
        direction,
        amount: 0,
        currency: 'USD',
        code: 'x',
        counterparty_account_id: counterparty,
        metadata: {},
        created_at: old.created_at,
      },
    });
    await store.transact([
      { type: 'put', item: { pk: 'TR#tr_old', sk: 'TR', entity: 'transfer', ...old } },
      side(debit, 'debit', credit),
      side(credit, 'credit', debit),
    ]);
  }
  const itemCount = async (id: string) => (await store.query({ partition: `ACC#${id}` })).items.length;

  it('spreads only unflagged system accounts with fewer items, counting each change, once', async () => {
    await legacySystemAccount('sys_plain');
    await legacySystemAccount('sys_dr', { debits: true });
    await legacySystemAccount('sys_cr', { credits: true });
    await createAccount(deps, { id: 'sys_done', currency: 'USD', owner: 'system', code: 'x', shards: 64 });
    await legacyHistory('a', 'b');
    // The system account spread, and a's and b's history items moved onto the transfer.
    expect(await migrateToTransferHistory(deps)).toEqual({ changed: 3 });
    expect(await itemCount('sys_plain')).toBe(systemAccountShards);
    for (const id of ['sys_dr', 'sys_cr', 'a', 'b']) expect(await itemCount(id), id).toBe(1);
    expect(await migrateToTransferHistory(deps)).toEqual({ changed: 0 });
  });
});
