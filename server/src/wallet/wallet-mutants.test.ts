import { afterEach, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  createTestApp,
  harnessStart,
  type TestApp,
  type TestUser,
} from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { AppError } from '../kernel/errors.ts';
import {
  createTransfers,
  ensureSystemAccount,
  getAccount,
  getTransfer,
  systemAccountId,
} from '../ledger/index.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import { outboxEventsBetween } from '../platform/outbox.ts';
import {
  cancelPaymentRequest,
  createPaymentRequest,
  declinePaymentRequest,
  acceptPaymentRequest,
  listPaymentRequests,
} from './payment-requests.ts';
import {
  ensureWallet,
  grantSignupBonus,
  promotionsAccountId,
  resolveUser,
  walletAccountId,
  type WalletDeps,
} from './service.ts';

/**
 * The wallet's cases mutation testing found unpinned (docs/testing.md): a budget of 0 and a
 * bonus of 0, a budget spent by the time of verification, a failed write while opening a wallet,
 * how a recipient is looked up, which transfers a party may read, a page of transfers that
 * skips other entries, and payment requests' refusals and races. On the test app (SQLite).
 */

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await expectBooksBalanced(app.store);
    await app.store.close();
  }
});

function anApp(config: Partial<Config> = {}): TestApp {
  const app = createTestApp({ config });
  apps.push(app);
  return app;
}

function walletDeps(t: TestApp, parts: { store?: Store; logger?: Logger } = {}): WalletDeps {
  return {
    store: parts.store ?? t.store,
    clock: t.clock,
    config: t.config,
    users: t.identity,
    ...(parts.logger ? { logger: parts.logger } : {}),
  };
}

async function available(t: TestApp, user: TestUser): Promise<number> {
  const account = await getAccount(t, walletAccountId(user.id, 'USD'));
  return account ? account.credits_posted - account.debits_posted - account.debits_pending : Number.NaN;
}

/** `inner` with its next transaction failing as a disk would (not a refused condition). */
function failingOnce(inner: Store): Store {
  let failNext = true;
  return {
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    transact: async (operations: WriteOperation[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk I/O error');
      }
      return inner.transact(operations);
    },
    close: async () => {},
  };
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('opening a wallet', () => {
  it('with a budget of 0: opens the promotions account empty, the wallet without a bonus, and logs it', async () => {
    const t = anApp({ signupBonus: 2000, signupBonusBudget: 0 });
    const ann = await t.signUp('ann');
    const logger = capturingLogger();
    await ensureWallet(walletDeps(t, { logger }), ann.id);
    expect(await available(t, ann)).toBe(0);
    expect(await getAccount(t, promotionsAccountId('USD'))).toMatchObject({
      owner: 'system',
      code: 'promotions',
      credits_posted: 0,
      debits_must_not_exceed_credits: true,
    });
    expect(await getAccount(t, systemAccountId('issuance', 'USD'))).toBeUndefined();
    expect(logger.lines).toEqual([
      [
        'sign-up bonus budget spent: wallet opened without a bonus',
        { user_id: ann.id, currency: 'USD', bonus: 2000 },
      ],
    ]);
  });

  it('with a bonus of 0: opens the wallet empty, with no promotions account, and pays nothing on verification', async () => {
    const t = anApp({ signupBonus: 0 });
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    await grantSignupBonus(walletDeps(t), ann.id);
    expect(await available(t, ann)).toBe(0);
    expect(await getAccount(t, promotionsAccountId('USD'))).toBeUndefined();
    expect(await getTransfer(t, `tr_bonus_${ann.id}`)).toBeUndefined();
  });

  it('funds the budget from issuance in one recorded transfer', async () => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    expect(await getTransfer(t, 'tr_promo_budget_USD')).toMatchObject({
      debit_account_id: systemAccountId('issuance', 'USD'),
      credit_account_id: promotionsAccountId('USD'),
      amount: 5000,
      code: 'promotions_budget',
      metadata: { note: 'Sign-up bonus budget' },
    });
  });

  it('lets a failed write through instead of taking it for a spent budget', async () => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    await ensureWallet(walletDeps(t), ann.id); // the promotions account is open and funded
    const flaky = failingOnce(t.store);
    const logger = capturingLogger();
    const error = await ensureWallet(walletDeps(t, { store: flaky, logger }), bob.id).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('disk I/O error');
    expect(await getAccount(t, walletAccountId(bob.id, 'USD'))).toBeUndefined();
    expect(logger.lines).toEqual([]);
    await ensureWallet(walletDeps(t), bob.id);
    expect(await available(t, bob)).toBe(100);
  });
});

describe('the bonus on verification', () => {
  it('pays nothing once the budget is spent, and logs it', async () => {
    const t = anApp({ requireEmailVerification: true, signupBonus: 2000, signupBonusBudget: 2000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    const logger = capturingLogger();
    await grantSignupBonus(walletDeps(t, { logger }), ann.id);
    await grantSignupBonus(walletDeps(t, { logger }), bob.id);
    expect([await available(t, ann), await available(t, bob)]).toEqual([2000, 0]);
    expect(logger.lines).toEqual([
      ['sign-up bonus budget spent: no bonus on verification', { user_id: bob.id, currency: 'USD' }],
    ]);
  });

  it('lets a failed write through instead of taking it for a spent budget', async () => {
    const t = anApp({ requireEmailVerification: true, signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    await grantSignupBonus(walletDeps(t), bob.id); // the promotions account is open and funded
    const logger = capturingLogger();
    const error = await grantSignupBonus(
      walletDeps(t, { store: failingOnce(t.store), logger }),
      ann.id,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('disk I/O error');
    expect(logger.lines).toEqual([]);
    expect(await available(t, ann)).toBe(0);
    await grantSignupBonus(walletDeps(t), ann.id);
    expect(await available(t, ann)).toBe(100);
  });
});

describe('finding a user', () => {
  it('by an email with spaces and capitals, by id, and names the param at fault otherwise', async () => {
    const t = anApp();
    const bob = await t.signUp('bob');
    const deps = walletDeps(t);
    expect((await resolveUser(deps, `  ${bob.email.toUpperCase()} `, 'to')).id).toBe(bob.id);
    expect((await resolveUser(deps, bob.id, 'to')).email).toBe(bob.email);
    const missing = await appError(resolveUser(deps, 'nobody@example.com', 'from'));
    expect([missing.code, missing.param, missing.message]).toEqual([
      'not_found',
      'from',
      'no user nobody@example.com',
    ]);
  });
});

describe('reading transfers', () => {
  it("shows a party only the wallet's own transfers, not another module's that names them", async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    const issuance = await ensureSystemAccount(t, 'issuance', 'USD');
    await createTransfers(t, [
      {
        id: 'tr_reward',
        debit_account_id: issuance.id,
        credit_account_id: walletAccountId(ann.id, 'USD'),
        amount: 50,
        currency: 'USD',
        code: 'reward',
        metadata: { to_user: ann.id },
      },
    ]);
    const read = await t.call('GET', '/v1/transfers/tr_reward', { token: ann.token });
    expect(read.status).toBe(404);
    expect(read.json.error).toMatchObject({ code: 'not_found', param: 'id' });
  });

  it('pages transfers by the number asked for, past entries of other kinds in between', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    const send = async (amount: number) => {
      t.clock.advance(10);
      const response = await t.call('POST', '/v1/transfers', {
        token: ann.token,
        body: { to: bob.id, amount, currency: 'USD' },
      });
      expect(response.status).toBe(201);
    };
    await send(1);
    await send(2);
    t.clock.advance(10);
    const issuance = await ensureSystemAccount(t, 'issuance', 'USD');
    await createTransfers(t, [
      {
        id: 'tr_other',
        debit_account_id: issuance.id,
        credit_account_id: walletAccountId(ann.id, 'USD'),
        amount: 50,
        currency: 'USD',
        code: 'reward',
      },
    ]);
    await send(3);
    const amounts = (page: { json: { data: Array<{ amount: number }> } }) =>
      page.json.data.map((x) => x.amount);
    const first = await t.call('GET', '/v1/transfers?limit=2', { token: ann.token });
    expect([amounts(first), first.json.has_more]).toEqual([[3, 2], true]);
    const second = await t.call('GET', `/v1/transfers?limit=2&starting_after=${first.json.next_cursor}`, {
      token: ann.token,
    });
    expect([amounts(second), second.json.has_more]).toEqual([[1], false]);
  });
});

describe('payment requests', () => {
  async function pair(t: TestApp) {
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    return { ann, bob };
  }

  it('refuses the requester accepting their own request: 403, nothing paid', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    const error = await appError(acceptPaymentRequest(deps, ann.id, request.id));
    expect([error.code, error.message]).toEqual(['forbidden', 'only the payer can accept a payment request']);
    expect((await acceptPaymentRequest(deps, bob.id, request.id)).status).toBe('paid');
  });

  it('says what a request already is when it can no longer be accepted, declined or canceled', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    await acceptPaymentRequest(deps, bob.id, request.id);
    for (const [action, attempt] of [
      ['accept', acceptPaymentRequest(deps, bob.id, request.id)],
      ['decline', declinePaymentRequest(deps, bob.id, request.id)],
      ['cancel', cancelPaymentRequest(deps, ann.id, request.id)],
    ] as const) {
      const error = await appError(attempt);
      expect([error.code, error.message, error.details], action).toEqual([
        'invalid_state_transition',
        `cannot ${action} a payment request that is paid`,
        { status: 'paid' },
      ]);
    }
  });

  it('answers the loser of a decline and a cancel racing with what the winner made of it', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    // The decline has read the request as pending; the cancel commits before the decline writes.
    let canceled: Promise<unknown> | undefined;
    const racing: Store = {
      get: (key) => t.store.get(key),
      query: (query) => t.store.query(query),
      transact: async (operations) => {
        canceled ??= cancelPaymentRequest(deps, ann.id, request.id);
        await canceled;
        return t.store.transact(operations);
      },
      close: async () => {},
    };
    const error = await appError(declinePaymentRequest(walletDeps(t, { store: racing }), bob.id, request.id));
    expect([error.code, error.message, error.details]).toEqual([
      'invalid_state_transition',
      'cannot decline a payment request that is canceled',
      { status: 'canceled' },
    ]);
    expect(await canceled).toMatchObject({ status: 'canceled' });
  });

  it('records each step as an event for its two parties, and pays with a transfer that names the request', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const ask = () =>
      createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD', note: 'rent' });
    const paid = await acceptPaymentRequest(deps, bob.id, (await ask()).id);
    const declined = await declinePaymentRequest(deps, bob.id, (await ask()).id);
    const canceled = await cancelPaymentRequest(deps, ann.id, (await ask()).id);
    const events = await outboxEventsBetween(t.store, harnessStart, t.clock.now() + 1);
    for (const request of [paid, declined, canceled]) {
      const [event] = events.filter((e) => e.type === `payment_request.${request.status}`);
      expect(event, request.status).toMatchObject({
        source: 'sluice.wallet',
        subject: request.id,
        data: { payment_request: { id: request.id, status: request.status } },
      });
      expect([...event!.audience!].sort(), request.status).toEqual([ann.id, bob.id].sort());
    }
    expect(await getTransfer(t, paid.transfer_id!)).toMatchObject({
      debit_account_id: walletAccountId(bob.id, 'USD'),
      credit_account_id: walletAccountId(ann.id, 'USD'),
      amount: 300,
      code: 'payment_request',
      metadata: {
        from_user: bob.id,
        to_user: ann.id,
        payment_request: paid.id,
        from_name: 'bob',
        to_name: 'ann',
        note: 'rent',
      },
    });
  });

  it('lists the requests of one status a page at a time, past requests of other statuses', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const ids: string[] = [];
    for (const status of ['pending', 'pending', 'declined', 'pending', 'declined']) {
      t.clock.advance(10);
      const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 1, currency: 'USD' });
      if (status === 'declined') await declinePaymentRequest(deps, bob.id, request.id);
      ids.push(request.id);
    }
    const first = await listPaymentRequests(deps, bob.id, { role: 'incoming', status: 'pending', limit: 2 });
    expect(first.data.map((r) => r.id)).toEqual([ids[3], ids[1]]);
    const second = await listPaymentRequests(deps, bob.id, {
      role: 'incoming',
      status: 'pending',
      limit: 2,
      cursor: first.next_cursor!,
    });
    expect([second.data.map((r) => r.id), second.next_cursor]).toEqual([[ids[0]], undefined]);
  });
});
