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
  getPaymentRequest,
  listPaymentRequests,
} from './payment-requests.ts';
import { InProcessBus } from '../platform/bus.ts';
import { subscribeWallet } from './events.ts';
import type { CreatePaymentRequest, SendMoney, WalletTransfer } from './model.ts';
import { recipientChecksPerWindow, recipientCheckWindowSeconds } from './recipient-check.ts';
import { paymentRequestPut, readPaymentRequest } from './store.ts';
import {
  ensureWallet,
  getBalances,
  getWalletTransfer,
  grantSignupBonus,
  listWalletTransfers,
  promotionsAccountId,
  resolveUser,
  sendMoney,
  walletAccountId,
  type UserDirectory,
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

/**
 * `inner` with its next transaction failing with `error` (not a refused condition): by default as
 * a disk would.
 */
function failingOnce(inner: Store, error: Error = new Error('disk I/O error')): Store {
  let failNext = true;
  return {
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    transact: async (operations: WriteOperation[]) => {
      if (failNext) {
        failNext = false;
        throw error;
      }
      return inner.transact(operations);
    },
    close: async () => {},
  };
}

/** Failures of a write that are not a refusal: a disk's, and DynamoDB's still busy after its retries. */
const writeFailures = [
  ['a disk error', () => new Error('disk I/O error')],
  [
    'a busy store (service_unavailable)',
    () =>
      new AppError('service_unavailable', 'the store is busy: transaction still refused after 4 attempts'),
  ],
] as const;

/** `inner` counting the reads (gets and queries) and transactions asked of it. */
function counting(inner: Store): { store: Store; counts: { reads: number; writes: number } } {
  const counts = { reads: 0, writes: 0 };
  const store: Store = {
    get: (key) => ((counts.reads += 1), inner.get(key)),
    query: (query) => ((counts.reads += 1), inner.query(query)),
    transact: (operations) => ((counts.writes += 1), inner.transact(operations)),
    close: async () => {},
  };
  return { store, counts };
}

/** `inner` noting every user id and email it is asked about. */
function askedDirectory(inner: UserDirectory): { users: UserDirectory; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    users: {
      getUser: (id) => (asked.push(id), inner.getUser(id)),
      findUserByEmail: (email) => (asked.push(email), inner.findUserByEmail(email)),
    },
  };
}

/** The sign-up bonus as the wallet shows it (in its event, its read): from Sluice itself. */
function bonusAsWalletTransfer(user: TestUser, amount: number, createdAt: string): WalletTransfer {
  return {
    id: `tr_bonus_${user.id}`,
    from: 'system',
    to: user.id,
    from_user: null,
    to_user: null,
    amount,
    currency: 'USD',
    note: 'Welcome to Sluice',
    status: 'succeeded',
    created_at: createdAt,
  };
}

/** The sign-up bonus transfer of `user`, checked: from the promotions account, recorded as the bonus. */
async function expectBonusTransfer(t: TestApp, user: TestUser, amount: number) {
  const bonus = await getTransfer(t, `tr_bonus_${user.id}`);
  expect(bonus).toMatchObject({
    debit_account_id: promotionsAccountId('USD'),
    credit_account_id: walletAccountId(user.id, 'USD'),
    amount,
    code: 'signup_bonus',
    metadata: { to_user: user.id, note: 'Welcome to Sluice' },
  });
  return bonus;
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

  it.each(writeFailures)('lets %s through instead of taking it for a spent budget', async (_, failure) => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    await ensureWallet(walletDeps(t), ann.id); // the promotions account is open and funded
    const flaky = failingOnce(t.store, failure());
    const logger = capturingLogger();
    const error = await ensureWallet(walletDeps(t, { store: flaky, logger }), bob.id).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(failure().message);
    expect(await getAccount(t, walletAccountId(bob.id, 'USD'))).toBeUndefined();
    expect(logger.lines).toEqual([]);
    await ensureWallet(walletDeps(t), bob.id);
    expect(await available(t, bob)).toBe(100);
  });
  it("opens the user's `wallet` account with the bonus, recorded as such and announced to the user only", async () => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    expect(await getAccount(t, walletAccountId(ann.id, 'USD'))).toMatchObject({
      owner: ann.id,
      code: 'wallet',
      credits_posted: 100,
      debits_must_not_exceed_credits: true,
    });
    const bonus = await expectBonusTransfer(t, ann, 100);
    const events = await outboxEventsBetween(t.store, harnessStart, t.clock.now() + 1);
    expect(events.filter((e) => e.type === 'ledger.transfers.created')).toMatchObject([
      { source: 'sluice.wallet', subject: promotionsAccountId('USD') },
    ]);
    expect(events.filter((e) => e.type === 'wallet.balance.changed')).toMatchObject([
      {
        source: 'sluice.wallet',
        subject: ann.id,
        audience: [ann.id],
        data: { reason: 'signup_bonus', transfer: bonusAsWalletTransfer(ann, 100, bonus!.created_at) },
      },
    ]);
  });

  it('opens the next wallet in one write once the promotions account is open', async () => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    await ensureWallet(walletDeps(t), ann.id);
    const { store, counts } = counting(t.store);
    await ensureWallet(walletDeps(t, { store }), bob.id);
    expect(counts.writes).toBe(1);
    expect(await available(t, bob)).toBe(100);
  });

  it('leaves an open wallet alone, asking no directory, and reads its balance as one read of the account', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    const { store, counts } = counting(t.store);
    const { users, asked } = askedDirectory(t.identity);
    const deps = { ...walletDeps(t, { store }), users };
    await ensureWallet(deps, ann.id);
    expect([asked, counts.writes]).toEqual([[], 0]);
    await getAccount(deps, walletAccountId(ann.id, 'USD')); // whatever the ledger caches per store
    const reads = counts.reads;
    await getAccount(deps, walletAccountId(ann.id, 'USD'));
    const accountRead = counts.reads - reads;
    const before = counts.reads;
    expect(await getBalances(deps, ann.id)).toMatchObject([{ currency: 'USD', available: 2000 }]);
    expect([counts.reads - before, counts.writes, asked]).toEqual([accountRead, 0, []]);
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

  it.each(writeFailures)('lets %s through instead of taking it for a spent budget', async (_, failure) => {
    const t = anApp({ requireEmailVerification: true, signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    await grantSignupBonus(walletDeps(t), bob.id); // the promotions account is open and funded
    const logger = capturingLogger();
    const error = await grantSignupBonus(
      walletDeps(t, { store: failingOnce(t.store, failure()), logger }),
      ann.id,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(failure().message);
    expect(logger.lines).toEqual([]);
    expect(await available(t, ann)).toBe(0);
    await grantSignupBonus(walletDeps(t), ann.id);
    expect(await available(t, ann)).toBe(100);
  });

  it('records the bonus as such and announces it to the user only', async () => {
    const t = anApp({ requireEmailVerification: true, signupBonus: 100, signupBonusBudget: 5000 });
    const ann = await t.signUp('ann');
    await ensureWallet(walletDeps(t), ann.id);
    t.clock.advance(1000);
    const from = t.clock.now();
    await grantSignupBonus(walletDeps(t), ann.id);
    const bonus = await expectBonusTransfer(t, ann, 100);
    const events = await outboxEventsBetween(t.store, from, t.clock.now() + 1);
    expect(events.filter((e) => e.type === 'wallet.balance.changed')).toMatchObject([
      {
        source: 'sluice.wallet',
        subject: ann.id,
        audience: [ann.id],
        data: { reason: 'signup_bonus', transfer: bonusAsWalletTransfer(ann, 100, bonus!.created_at) },
      },
    ]);
    expect((await t.call('GET', `/v1/transfers/${bonus!.id}`, { token: ann.token })).json).toMatchObject({
      to: ann.id,
      note: 'Welcome to Sluice',
    });
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

describe('sending money', () => {
  it('refuses another currency, yourself and a sender the directory does not know, saying why', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    const deps = walletDeps(t);
    const refusal = async (senderId: string, input: Pick<SendMoney, 'to' | 'currency'>) => {
      const error = await appError(sendMoney(deps, senderId, { amount: 1, ...input }));
      return [error.code, error.message, error.param];
    };
    expect(await refusal(ann.id, { to: bob.id, currency: 'EUR' })).toEqual([
      'unsupported_currency',
      'wallets hold USD only',
      'currency',
    ]);
    expect(await refusal(ann.id, { to: ann.email, currency: 'USD' })).toEqual([
      'self_transfer',
      'you cannot send money to yourself',
      'to',
    ]);
    expect(await refusal('usr_gone', { to: bob.id, currency: 'USD' })).toEqual([
      'not_found',
      'no user usr_gone',
      undefined,
    ]);
    expect(await getAccount(t, walletAccountId(bob.id, 'USD'))).toBeUndefined();
  });

  it.each(writeFailures)(
    'passes on %s of the transfer instead of retrying it as if a wallet were missing',
    async (_, failure) => {
      const t = anApp();
      const ann = await t.signUp('ann');
      const bob = await t.signUp('bob');
      for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
      const flaky = walletDeps(t, { store: failingOnce(t.store, failure()) });
      const error = await sendMoney(flaky, ann.id, { to: bob.id, amount: 300, currency: 'USD' }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe(failure().message);
      expect([await available(t, ann), await available(t, bob)]).toEqual([2000, 2000]);
    },
  );

  it('writes nothing when refused for funds, not even the wallet the recipient does not have yet', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    await ensureWallet(walletDeps(t), ann.id);
    const error = await appError(
      sendMoney(walletDeps(t), ann.id, { to: bob.id, amount: 2001, currency: 'USD' }),
    );
    expect(error.code).toBe('insufficient_funds');
    expect(await available(t, ann)).toBe(2000);
    expect(await getAccount(t, walletAccountId(bob.id, 'USD'))).toBeUndefined();
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

  it('shows a transfer to both its parties, and refuses anyone else naming the transfer', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    const cy = await t.signUp('cy');
    const sent = await sendMoney(walletDeps(t), ann.id, { to: bob.id, amount: 5, currency: 'USD' });
    for (const user of [ann, bob]) {
      const read = await t.call('GET', `/v1/transfers/${sent.id}`, { token: user.token });
      expect([read.status, read.json.id, read.json.amount], user.email).toEqual([200, sent.id, 5]);
    }
    for (const id of [sent.id, 'tr_nothing']) {
      const read = await t.call('GET', `/v1/transfers/${id}`, { token: cy.token });
      expect([read.status, read.json.error]).toEqual([
        404,
        expect.objectContaining({ code: 'not_found', message: `No transfer ${id}.`, param: 'id' }),
      ]);
    }
  });

  it('lists only transfers posted outright, not a hold on the wallet carrying a wallet code', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    const sent = await sendMoney(walletDeps(t), ann.id, { to: bob.id, amount: 5, currency: 'USD' });
    t.clock.advance(10);
    await createTransfers(t, [
      {
        kind: 'pending',
        id: 'tr_hold',
        debit_account_id: walletAccountId(ann.id, 'USD'),
        credit_account_id: walletAccountId(bob.id, 'USD'),
        amount: 7,
        currency: 'USD',
        code: 'p2p',
        metadata: { from_user: ann.id, to_user: bob.id },
      },
    ]);
    const list = await t.call('GET', '/v1/transfers', { token: ann.token });
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual([sent.id]);
    await createTransfers(t, [{ kind: 'void_pending', id: 'tr_hold_void', pending_id: 'tr_hold' }]);
  });

  it('gives each activity entry the id of its transfer and side', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    t.clock.advance(10);
    const sent = await sendMoney(walletDeps(t), ann.id, { to: bob.id, amount: 5, currency: 'USD' });
    const ids = async (user: TestUser) =>
      (await t.call('GET', '/v1/activity', { token: user.token })).json.data.map(
        (x: { id: string; transfer_id: string }) => [x.id, x.transfer_id],
      );
    expect(await ids(ann)).toEqual([
      [`${sent.id}:debit`, sent.id],
      [`tr_bonus_${ann.id}:credit`, `tr_bonus_${ann.id}`],
    ]);
    expect((await ids(bob))[0]).toEqual([`${sent.id}:credit`, sent.id]);
  });
});

describe('naming parties of older items', () => {
  it('asks the directory about each user once per read, and never about Sluice itself', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    for (const user of [ann, bob]) await ensureWallet(walletDeps(t), user.id);
    for (const n of [1, 2]) {
      t.clock.advance(10);
      // The shape older versions wrote: user ids only, no names.
      await createTransfers(t, [
        {
          id: `tr_legacy_${n}`,
          debit_account_id: walletAccountId(ann.id, 'USD'),
          credit_account_id: walletAccountId(bob.id, 'USD'),
          amount: n,
          currency: 'USD',
          code: 'p2p',
          metadata: { from_user: ann.id, to_user: bob.id },
        },
      ]);
    }
    const { users, asked } = askedDirectory(t.identity);
    const deps = { ...walletDeps(t), users };
    const page = await listWalletTransfers(deps, bob.id, 10);
    expect(page.data.map((x) => [x.id, x.from_user?.name, x.to_user?.name])).toEqual([
      ['tr_legacy_2', 'ann', 'bob'],
      ['tr_legacy_1', 'ann', 'bob'],
    ]);
    expect(asked.sort()).toEqual([ann.id, bob.id].sort());
    asked.length = 0;
    const bonus = await getWalletTransfer(deps, ann.id, `tr_bonus_${ann.id}`);
    expect([bonus.from, bonus.from_user, bonus.to_user?.name]).toEqual(['system', null, 'ann']);
    expect(asked).toEqual([ann.id]);
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

  it('refuses another currency, yourself and an unknown payer, saying why, and stores nothing', async () => {
    const t = anApp();
    const { ann } = await pair(t);
    const deps = walletDeps(t);
    const refusal = async (input: Pick<CreatePaymentRequest, 'from' | 'currency'>) => {
      const error = await appError(createPaymentRequest(deps, ann.id, { amount: 1, ...input }));
      return [error.code, error.message, error.param];
    };
    expect(await refusal({ from: 'bob@example.com', currency: 'EUR' })).toEqual([
      'unsupported_currency',
      'wallets hold USD only',
      'currency',
    ]);
    expect(await refusal({ from: ann.email, currency: 'USD' })).toEqual([
      'self_transfer',
      'you cannot request money from yourself',
      'from',
    ]);
    expect(await refusal({ from: 'nobody@example.com', currency: 'USD' })).toEqual([
      'not_found',
      'no user nobody@example.com',
      'from',
    ]);
    expect((await listPaymentRequests(deps, ann.id, { role: 'outgoing', limit: 10 })).data).toEqual([]);
  });

  it("answers a request that does not exist, or is not the caller's, as not found, naming it", async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const cy = await t.signUp('cy');
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    for (const id of [request.id, 'preq_nothing']) {
      const error = await appError(getPaymentRequest(deps, cy.id, id));
      expect([error.code, error.message, error.param]).toEqual([
        'not_found',
        `no payment request ${id}`,
        'id',
      ]);
    }
  });

  it('refuses the requester declining and the payer canceling, saying who may', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    const decline = await appError(declinePaymentRequest(deps, ann.id, request.id));
    expect([decline.code, decline.message]).toEqual([
      'forbidden',
      'only the payer can decline a payment request',
    ]);
    const cancel = await appError(cancelPaymentRequest(deps, bob.id, request.id));
    expect([cancel.code, cancel.message]).toEqual([
      'forbidden',
      'only the requester can cancel a payment request',
    ]);
    expect((await getPaymentRequest(deps, ann.id, request.id)).status).toBe('pending');
  });

  it('refuses accepting without the funds (402): nothing paid, the request still pending', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 2001, currency: 'USD' });
    const error = await appError(acceptPaymentRequest(deps, bob.id, request.id));
    expect([error.code, error.status]).toEqual(['insufficient_funds', 402]);
    expect((await getPaymentRequest(deps, bob.id, request.id)).status).toBe('pending');
    expect([await available(t, ann), await available(t, bob)]).toEqual([2000, 2000]);
  });

  it('refuses accepting a request no longer pending as such (409), before looking at the funds', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 2001, currency: 'USD' });
    await cancelPaymentRequest(deps, ann.id, request.id);
    const error = await appError(acceptPaymentRequest(deps, bob.id, request.id));
    expect([error.code, error.message]).toEqual([
      'invalid_state_transition',
      'cannot accept a payment request that is canceled',
    ]);
  });

  /** A store on which `first` runs to the end just before the caller's first transaction. */
  function losingTo(
    t: TestApp,
    first: () => Promise<unknown>,
  ): { store: Store; winner: () => Promise<unknown> } {
    let won: Promise<unknown> | undefined;
    const winner = () => (won ??= first());
    return {
      winner,
      store: {
        get: (key) => t.store.get(key),
        query: (query) => t.store.query(query),
        transact: async (operations) => {
          await winner();
          return t.store.transact(operations);
        },
        close: async () => {},
      },
    };
  }

  it('answers an accept that lost to a cancel, or to another accept, with what the winner made of it', async () => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    for (const [status, first] of [
      ['canceled', (id: string) => cancelPaymentRequest(deps, ann.id, id)],
      ['paid', (id: string) => acceptPaymentRequest(deps, bob.id, id)],
    ] as const) {
      const request = await createPaymentRequest(deps, ann.id, {
        from: bob.id,
        amount: 300,
        currency: 'USD',
      });
      const race = losingTo(t, () => first(request.id));
      const error = await appError(
        acceptPaymentRequest(walletDeps(t, { store: race.store }), bob.id, request.id),
      );
      expect([error.code, error.message, error.details], status).toEqual([
        'invalid_state_transition',
        `cannot accept a payment request that is ${status}`,
        { status },
      ]);
      expect(await race.winner()).toMatchObject({ status });
    }
    // The request paid once: 300 moved, by the winner.
    expect([await available(t, ann), await available(t, bob)]).toEqual([2300, 1700]);
  });

  it.each(writeFailures)('passes on %s of a decline; the request stays pending', async (_, failure) => {
    const t = anApp();
    const { ann, bob } = await pair(t);
    const deps = walletDeps(t);
    const request = await createPaymentRequest(deps, ann.id, { from: bob.id, amount: 300, currency: 'USD' });
    const flaky = walletDeps(t, { store: failingOnce(t.store, failure()) });
    const error = await declinePaymentRequest(flaky, bob.id, request.id).catch((e: unknown) => e);
    expect((error as Error).message).toBe(failure().message);
    expect((await getPaymentRequest(deps, bob.id, request.id)).status).toBe('pending');
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

describe('checking a recipient', () => {
  const check = (t: TestApp, user: TestUser, to: string) =>
    t.call('POST', '/v1/wallet/recipient-check', { token: user.token, body: { to } });

  it('says why it refuses yourself, and past the limit when to try again, to the second', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    const self = await check(t, ann, ann.email);
    expect(self.json.error.message).toMatch(/^You cannot send money to yourself/);
    // The harness starts on a window's edge: the 20 checks fill this one, 250.5 s in the next refuses.
    for (let n = 1; n < recipientChecksPerWindow; n++)
      expect((await check(t, ann, bob.email)).status).toBe(200);
    t.clock.advance(250_500);
    const refused = await check(t, ann, bob.email);
    expect(refused.status).toBe(429);
    const retryAfter = recipientCheckWindowSeconds - 250;
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(refused.json.error).toMatchObject({ code: 'rate_limited', retry_after: retryAfter });
    expect(refused.json.error.message).toMatch(/^Too many recipient checks; wait and try again/);
  });
});

describe('the stored layout', () => {
  it('never overwrites a stored payment request: a second put of its id is refused, the first kept', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    const request = await createPaymentRequest(walletDeps(t), ann.id, {
      from: bob.id,
      amount: 300,
      currency: 'USD',
    });
    await expect(t.store.transact([paymentRequestPut({ ...request, amount: 30_000 })])).rejects.toMatchObject(
      {
        name: 'TransactionCanceledError',
      },
    );
    expect(await readPaymentRequest(t.store, request.id)).toEqual(request);
  });
});

describe("the wallet's subscriptions (subscribeWallet, on the in-process bus)", () => {
  it('opens a wallet on sign-up and pays the bonus on verification, from the events the identity wrote', async () => {
    const t = anApp({ requireEmailVerification: true, signupBonus: 2_000 });
    const bus = new InProcessBus();
    subscribeWallet(bus, walletDeps(t));
    let since = harnessStart;
    /** Publishes what the outbox holds since the last call, as the dispatcher would; the subscribers it reached. */
    const deliver = async () => {
      const events = await outboxEventsBetween(t.store, since, t.clock.now());
      since = t.clock.now() + 1;
      const { deliveries } = await bus.publish(events);
      for (const delivery of deliveries) expect(delivery.failed).toEqual([]);
      return deliveries.flatMap((delivery) => delivery.delivered);
    };
    const ann = await t.signUp('ann');
    expect(await deliver()).toEqual(['wallet.open-on-signup']);
    expect(await available(t, ann)).toBe(0);
    t.clock.advance(1_000);
    const { items } = await t.mailbox.list(ann.email);
    const code = /\b(\d{6})\b/.exec(items[0]?.channel === 'email' ? items[0].text : '')?.[1];
    const verified = await t.call('POST', '/v1/auth/verify-email', { token: ann.token, body: { code } });
    expect(verified.status).toBe(200);
    expect(await deliver()).toContain('wallet.bonus-on-verification');
    expect(await available(t, ann)).toBe(2_000);
  });
});
