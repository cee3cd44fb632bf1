import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Currency } from '../kernel/money.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import {
  auditLedger,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  expirePendingTransfers,
  getAccount,
  systemAccountId,
  type LedgerDeps,
  type TransferRequest,
  type TransferResult,
} from './index.ts';

/**
 * The ledger against a model: random operations in two currencies run on the real ledger
 * (SQLite) and on a few lines of plain arithmetic. After every step each account's four totals
 * must equal the model's, every outcome must be the one the model predicts (a success where it
 * should succeed, the exact refusal code where it should refuse), the books must balance per
 * currency, and the expiry sweep must expire exactly the holds the model says are due.
 */

const currencies = ['USD', 'EUR'] as const satisfies readonly Currency[];
const walletsPerCurrency = 3;
const openingFunds = 500;

type Totals = {
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
};
interface Hold {
  id: string;
  debit: string;
  credit: string;
  amount: number;
  /** 0: never expires. */
  timeoutAt: number;
  status: 'pending' | 'posted' | 'voided' | 'expired';
}

const walletId = (currency: Currency, n: number) => `${currency}_w${n}`;

/**
 * Runs per property: 60, fewer under mutation testing (MUTATION_PROPERTY_RUNS), where the property
 * runs once per mutant on a shared machine and a failure needs no shrinking (only that it fails).
 */
const numRuns = Number(process.env.MUTATION_PROPERTY_RUNS ?? 60);
const underMutation = process.env.MUTATION_PROPERTY_RUNS !== undefined;

/** The books as they should be, and what each request should come to. */
class LedgerModel {
  readonly totals = new Map<string, Totals>();
  readonly holds: Hold[] = [];

  open(id: string): void {
    this.totals.set(id, { debits_posted: 0, credits_posted: 0, debits_pending: 0, credits_pending: 0 });
  }
  private of(id: string): Totals {
    return this.totals.get(id)!;
  }
  /** What a no-overdraft wallet may still spend. */
  available(id: string): number {
    const t = this.of(id);
    return t.credits_posted - t.debits_posted - t.debits_pending;
  }
  isLimited(id: string): boolean {
    return !id.startsWith('acct_sys_');
  }
  /** Posted transfers (a linked group when more than one) from one account: the refusal, or undefined. */
  post(debit: string, credits: Array<{ to: string; amount: number }>): string | undefined {
    if (credits.some((c) => c.to === debit)) return 'invalid_request';
    const total = credits.reduce((sum, c) => sum + c.amount, 0);
    if (this.isLimited(debit) && total > this.available(debit)) return 'insufficient_funds';
    this.of(debit).debits_posted += total;
    for (const c of credits) this.of(c.to).credits_posted += c.amount;
    return undefined;
  }
  hold(hold: Hold): string | undefined {
    if (hold.debit === hold.credit) return 'invalid_request';
    if (this.isLimited(hold.debit) && hold.amount > this.available(hold.debit)) return 'insufficient_funds';
    this.of(hold.debit).debits_pending += hold.amount;
    this.of(hold.credit).credits_pending += hold.amount;
    this.holds.push(hold);
    return undefined;
  }
  /** Posts (`amount` given or the whole hold) or voids a hold at time `now`. */
  resolve(hold: Hold, action: 'post' | 'void', now: number, amount?: number): string | undefined {
    if (action === 'post' && amount !== undefined && amount > hold.amount) return 'amount_exceeds_pending';
    if (hold.status !== 'pending' || (hold.timeoutAt > 0 && hold.timeoutAt <= now))
      return 'transfer_not_pending';
    this.release(hold);
    if (action === 'post') {
      this.of(hold.debit).debits_posted += amount ?? hold.amount;
      this.of(hold.credit).credits_posted += amount ?? hold.amount;
    }
    hold.status = action === 'post' ? 'posted' : 'voided';
    return undefined;
  }
  /** Expires every hold due at `now`; returns how many. */
  expire(now: number): number {
    const due = this.holds.filter((h) => h.status === 'pending' && h.timeoutAt > 0 && h.timeoutAt <= now);
    for (const hold of due) {
      this.release(hold);
      hold.status = 'expired';
    }
    return due.length;
  }
  private release(hold: Hold): void {
    this.of(hold.debit).debits_pending -= hold.amount;
    this.of(hold.credit).credits_pending -= hold.amount;
  }
}

const currencyArb = fc.constantFrom(...currencies);
const walletArb = fc.nat(walletsPerCurrency - 1);
const amountArb = fc.integer({ min: 1, max: 400 });
const operationArb = fc.oneof(
  fc.record({
    op: fc.constant('transfer' as const),
    currency: currencyArb,
    from: walletArb,
    to: walletArb,
    amount: amountArb,
  }),
  fc.record({
    op: fc.constant('split' as const),
    currency: currencyArb,
    from: walletArb,
    to: fc.tuple(walletArb, walletArb),
    amounts: fc.tuple(amountArb, amountArb),
  }),
  fc.record({
    op: fc.constant('payout' as const),
    currency: currencyArb,
    from: walletArb,
    amount: amountArb,
  }),
  fc.record({
    op: fc.constant('hold' as const),
    currency: currencyArb,
    from: walletArb,
    to: walletArb,
    amount: amountArb,
    timeout: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    op: fc.constant('post' as const),
    pick: fc.nat(50),
    amount: fc.option(fc.integer({ min: 1, max: 500 })),
  }),
  fc.record({ op: fc.constant('void' as const), pick: fc.nat(50) }),
  fc.record({ op: fc.constant('cross' as const), from: walletArb, to: walletArb, amount: amountArb }),
  fc.record({ op: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 3 }) }),
);
type Operation = typeof operationArb extends fc.Arbitrary<infer T> ? T : never;

/** The ledger call the property drives: the real `createTransfers`, or a broken one to show the property fails. */
type Transfers = (deps: LedgerDeps, requests: TransferRequest[]) => Promise<TransferResult>;

let transferSeq = 0;
const nextId = () => `tr_prop_${++transferSeq}`;

/** Runs `operations` on a fresh ledger and on the model, checking after every step. */
async function runAgainstModel(operations: Operation[], transfers: Transfers): Promise<void> {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock();
  const deps: LedgerDeps = { store, clock };
  const model = new LedgerModel();
  try {
    for (const currency of currencies) {
      const issuance = await ensureSystemAccount(deps, 'issuance', currency);
      model.open(issuance.id);
      for (let n = 0; n < walletsPerCurrency; n++) {
        const id = walletId(currency, n);
        await createAccount(deps, {
          id,
          currency,
          owner: id,
          code: 'wallet',
          debits_must_not_exceed_credits: true,
        });
        model.open(id);
        await createTransfers(deps, [
          {
            id: nextId(),
            debit_account_id: issuance.id,
            credit_account_id: id,
            amount: openingFunds,
            currency,
            code: 'fund',
          },
        ]);
        model.post(issuance.id, [{ to: id, amount: openingFunds }]);
      }
    }
    for (const step of operations) {
      const { expected, actual } = await applyStep(step, deps, clock, model, transfers);
      expect(actual, JSON.stringify(step)).toEqual(expected);
      await expectMatchesModel(deps, model);
    }
  } finally {
    await store.close();
  }
}

/** One step on both sides: the refusal code the model predicts (`ok` for success) and what happened. */
async function applyStep(
  step: Operation,
  deps: LedgerDeps,
  clock: ManualClock,
  model: LedgerModel,
  transfers: Transfers,
): Promise<{ expected: string | number; actual: string | number }> {
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: unknown) => {
        if (error instanceof AppError && error.status < 500) return error.code;
        throw error;
      },
    );
  switch (step.op) {
    case 'transfer':
    case 'payout': {
      const from = walletId(step.currency, step.from);
      const to =
        step.op === 'payout' ? systemAccountId('issuance', step.currency) : walletId(step.currency, step.to);
      const actual = await outcome(
        transfers(deps, [
          {
            id: nextId(),
            debit_account_id: from,
            credit_account_id: to,
            amount: step.amount,
            currency: step.currency,
            code: 'p2p',
          },
        ]),
      );
      return { expected: model.post(from, [{ to, amount: step.amount }]) ?? 'ok', actual };
    }
    case 'split': {
      const from = walletId(step.currency, step.from);
      const credits = step.to.map((to, i) => ({ to: walletId(step.currency, to), amount: step.amounts[i]! }));
      const actual = await outcome(
        transfers(
          deps,
          credits.map((c) => ({
            id: nextId(),
            debit_account_id: from,
            credit_account_id: c.to,
            amount: c.amount,
            currency: step.currency,
            code: 'split',
          })),
        ),
      );
      return { expected: model.post(from, credits) ?? 'ok', actual };
    }
    case 'hold': {
      const hold: Hold = {
        id: nextId(),
        debit: walletId(step.currency, step.from),
        credit: walletId(step.currency, step.to),
        amount: step.amount,
        timeoutAt: step.timeout > 0 ? clock.now() + step.timeout * 1000 : 0,
        status: 'pending',
      };
      const actual = await outcome(
        transfers(deps, [
          {
            kind: 'pending',
            id: hold.id,
            debit_account_id: hold.debit,
            credit_account_id: hold.credit,
            amount: hold.amount,
            currency: step.currency,
            code: 'auth',
            timeout_seconds: step.timeout,
          },
        ]),
      );
      return { expected: model.hold(hold) ?? 'ok', actual };
    }
    case 'post':
    case 'void': {
      if (model.holds.length === 0) return { expected: 'ok', actual: 'ok' };
      const hold = model.holds[step.pick % model.holds.length]!;
      const amount = step.op === 'post' ? (step.amount ?? undefined) : undefined;
      const request: TransferRequest =
        step.op === 'post'
          ? { kind: 'post_pending', id: nextId(), pending_id: hold.id, ...(amount ? { amount } : {}) }
          : { kind: 'void_pending', id: nextId(), pending_id: hold.id };
      const actual = await outcome(transfers(deps, [request]));
      return { expected: model.resolve(hold, step.op, clock.now(), amount) ?? 'ok', actual };
    }
    case 'cross': {
      // A USD wallet paying an EUR one: refused for the currency, or first for the funds.
      const from = walletId('USD', step.from);
      const actual = await outcome(
        transfers(deps, [
          {
            id: nextId(),
            debit_account_id: from,
            credit_account_id: walletId('EUR', step.to),
            amount: step.amount,
            currency: 'USD',
            code: 'p2p',
          },
        ]),
      );
      const expected =
        step.amount > model.available(from)
          ? ['currency_mismatch', 'insufficient_funds']
          : ['currency_mismatch'];
      return { expected: expected.includes(actual) ? actual : expected.join(' or '), actual };
    }
    case 'tick': {
      clock.advance(step.seconds * 1000);
      return { expected: model.expire(clock.now()), actual: await expirePendingTransfers(deps) };
    }
  }
}

async function expectMatchesModel(deps: LedgerDeps, model: LedgerModel): Promise<void> {
  for (const [id, totals] of model.totals) {
    const account = (await getAccount(deps, id))!;
    expect(
      {
        debits_posted: account.debits_posted,
        credits_posted: account.credits_posted,
        debits_pending: account.debits_pending,
        credits_pending: account.credits_pending,
      },
      id,
    ).toEqual(totals);
  }
  const report = await auditLedger(deps.store, 0, 1);
  expect(report.currencies.map((c) => c.currency).sort()).toEqual([...currencies].sort());
  expect(report.balanced).toBe(true);
}

describe('ledger against a model', () => {
  it('matches the model in two currencies: totals, every refusal and its code, expiries, balanced books', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 40 }), (operations) =>
        runAgainstModel(operations, createTransfers),
      ),
      { numRuns, endOnFailure: underMutation },
    );
  });

  // No shrinking (endOnFailure): only that it fails matters here, not the smallest counterexample.
  it('fails a ledger that refuses everything, and one that refuses with the wrong code', async () => {
    const refuseAll: Transfers = () => Promise.reject(new AppError('insufficient_funds', 'refused'));
    await expect(
      fc.assert(
        fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 40 }), (operations) =>
          runAgainstModel(operations, refuseAll),
        ),
        { numRuns: Math.min(numRuns, 20), endOnFailure: true },
      ),
    ).rejects.toThrow();
    const wrongCode: Transfers = async (deps, requests) => {
      try {
        return await createTransfers(deps, requests);
      } catch (error) {
        if (error instanceof AppError && error.code === 'insufficient_funds')
          throw new AppError('conflict', 'refused');
        throw error;
      }
    };
    await expect(
      fc.assert(
        fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 40 }), (operations) =>
          runAgainstModel(operations, wrongCode),
        ),
        { numRuns: Math.min(numRuns, 40), endOnFailure: true },
      ),
    ).rejects.toThrow();
  });
});
