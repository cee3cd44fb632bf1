import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { getAccount, systemAccountId } from '../ledger/index.ts';
import type { Config } from '../platform/config.ts';
import { rejectionOf } from '../platform/store-contract.ts';
import {
  ensureWallet,
  getBalances,
  promotionsAccountId,
  walletAccountId,
  type WalletDeps,
} from './service.ts';

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

function walletDeps(t: TestApp): WalletDeps {
  return { store: t.store, clock: t.clock, config: t.config, users: t.identity };
}

async function availableOf(t: TestApp, token: string): Promise<number> {
  const response = await t.call('GET', '/v1/wallet', { token });
  expect(response.status).toBe(200);
  return response.json.balances[0].available;
}

describe('wallet: sign-up bonus budget', () => {
  it('pays bonuses from the promotions budget until it is spent, then opens wallets without one', async () => {
    const t = anApp({ signupBonus: 2000, signupBonusBudget: 5000 });
    const users = [await t.signUp('ann'), await t.signUp('bob'), await t.signUp('cy')];
    const balances = [];
    for (const user of users) balances.push(await availableOf(t, user.token));
    expect(balances).toEqual([2000, 2000, 0]);

    const admin = await t.signUp('admin', 'admin@example.com');
    const audit = await t.call('GET', '/v1/admin/audit', { token: admin.token });
    expect(audit.status).toBe(200);
    const usd = audit.json.currencies.find((c: { currency: string }) => c.currency === 'USD');
    // What is left of the budget, and everything ever minted, are read off the audit.
    expect(usd.system_accounts).toEqual(
      expect.arrayContaining([
        { id: promotionsAccountId('USD'), code: 'promotions', debits_posted: 4000, credits_posted: 5000 },
        { id: systemAccountId('issuance', 'USD'), code: 'issuance', debits_posted: 5000, credits_posted: 0 },
      ]),
    );
  });

  it('funds the budget from issuance exactly once, however many wallets open at the same time', async () => {
    const t = anApp({ signupBonus: 100, signupBonusBudget: 100_000 });
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => t.signUp(`u${i}`)));
    await Promise.all(users.map((user) => ensureWallet(walletDeps(t), user.id)));
    await Promise.all(users.map((user) => ensureWallet(walletDeps(t), user.id)));
    const issuance = await getAccount(t, systemAccountId('issuance', 'USD'));
    const promotions = await getAccount(t, promotionsAccountId('USD'));
    expect(issuance!.debits_posted).toBe(100_000);
    expect(promotions).toMatchObject({ credits_posted: 100_000, debits_posted: 800 });
    expect(promotions!.debits_must_not_exceed_credits).toBe(true);
  });

  it('never pays more than the budget when many wallets open at once', async () => {
    const t = anApp({ signupBonus: 1000, signupBonusBudget: 3000 });
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => t.signUp(`u${i}`)));
    await Promise.all(users.map((user) => ensureWallet(walletDeps(t), user.id)));
    const balances = await Promise.all(users.map((user) => availableOf(t, user.token)));
    expect(balances.reduce((sum, b) => sum + b, 0)).toBe(3000);
    expect(balances.filter((b) => b === 1000)).toHaveLength(3);
  });
});

describe('wallet: the sign-up bonus transfer', () => {
  it('is readable by its recipient at the id the activity lists, and by nobody else', async () => {
    const t = anApp();
    const ann = await t.signUp('ann');
    const bob = await t.signUp('bob');
    await availableOf(t, ann.token);
    const activity = await t.call('GET', '/v1/activity', { token: ann.token });
    const bonus = activity.json.data.find((entry: { type: string }) => entry.type === 'signup_bonus');
    expect(bonus).toBeDefined();
    const read = await t.call('GET', `/v1/transfers/${bonus.transfer_id}`, { token: ann.token });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      id: bonus.transfer_id,
      from: 'system',
      from_user: null,
      to: ann.id,
      amount: t.config.signupBonus,
      currency: 'USD',
    });
    const other = await t.call('GET', `/v1/transfers/${bonus.transfer_id}`, { token: bob.token });
    expect(other.status).toBe(404);
  });
});

describe('wallet: unknown users', () => {
  it('opens no wallet and pays no bonus for a user id nobody signed up with', async () => {
    const t = anApp();
    const error = await rejectionOf(getBalances(walletDeps(t), 'user_nobody'));
    expect(error).toMatchObject({ code: 'not_found', message: 'no user user_nobody' });
    expect(await getAccount(t, walletAccountId('user_nobody', 'USD'))).toBeUndefined();
    expect(await getAccount(t, systemAccountId('issuance', 'USD'))).toBeUndefined();
  });
});
