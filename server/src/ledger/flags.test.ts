import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  createAccount,
  createTransfers,
  getAccount,
  setAccountFlag,
  type LedgerDeps,
  type TransferRequest,
} from './index.ts';

let store: SqliteStore;
let deps: LedgerDeps;
beforeEach(async () => {
  store = new SqliteStore(':memory:');
  deps = { store, clock: new ManualClock() };
  await createAccount(deps, { id: 'owed', currency: 'USD', owner: 'm', code: 'merchant_fees' });
  await createAccount(deps, { id: 'platform', currency: 'USD', owner: 'system', code: 'fees' });
});
afterEach(async () => {
  await expectBooksBalanced(store);
  await store.close();
});

function move(debit: string, credit: string, amount: number, kind: 'posted' | 'pending' = 'posted') {
  const request: TransferRequest = {
    kind,
    id: newId('transfer'),
    debit_account_id: debit,
    credit_account_id: credit,
    amount,
    currency: 'USD',
    code: 'fee',
  };
  return createTransfers(deps, [request]);
}

describe('setAccountFlag', () => {
  it('turns credits_must_not_exceed_debits on where credits are within debits, and the ledger then holds it', async () => {
    await move('owed', 'platform', 1000);
    await move('platform', 'owed', 400);

    const result = await setAccountFlag(deps, 'owed', 'credits_must_not_exceed_debits');

    expect(result.outcome).toBe('set');
    expect((await getAccount(deps, 'owed'))?.credits_must_not_exceed_debits).toBe(true);
    await expect(move('platform', 'owed', 601)).rejects.toBeInstanceOf(AppError);
    await move('platform', 'owed', 600);
  });

  it('answers already_set the second time and writes nothing', async () => {
    await setAccountFlag(deps, 'owed', 'credits_must_not_exceed_debits');
    const again = await setAccountFlag(deps, 'owed', 'credits_must_not_exceed_debits');
    expect(again.outcome).toBe('already_set');
  });

  it('refuses an account whose credits, pending ones included, already exceed its debits, and leaves it as it was', async () => {
    await move('owed', 'platform', 1000);
    await move('platform', 'owed', 800);
    await move('platform', 'owed', 300, 'pending');

    const result = await setAccountFlag(deps, 'owed', 'credits_must_not_exceed_debits');

    expect(result).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('300 pending') });
    expect((await getAccount(deps, 'owed'))?.credits_must_not_exceed_debits).toBe(false);
  });

  it('refuses the flag on an account that carries the opposite one', async () => {
    await createAccount(deps, {
      id: 'wallet',
      currency: 'USD',
      owner: 'u',
      code: 'wallet',
      debits_must_not_exceed_credits: true,
    });
    const result = await setAccountFlag(deps, 'wallet', 'credits_must_not_exceed_debits');
    expect(result).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('excludes') });
  });

  it('turns debits_must_not_exceed_credits on where the balance is not negative', async () => {
    await move('platform', 'owed', 500);
    expect((await setAccountFlag(deps, 'owed', 'debits_must_not_exceed_credits')).outcome).toBe('set');
    expect((await setAccountFlag(deps, 'platform', 'debits_must_not_exceed_credits')).outcome).toBe(
      'refused',
    );
  });

  it('says there is no such account', async () => {
    await expect(setAccountFlag(deps, 'nobody', 'credits_must_not_exceed_debits')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
