import { randomBytes } from 'node:crypto';
import type { Identity } from '../../platform/identity.ts';
import { AppError } from '../../kernel/errors.ts';
import { isTransactionCanceled, type Store } from '../../platform/store.ts';
import { ensureWallet, sendMoney, type WalletDeps } from '../../wallet/index.ts';

export interface DemoUser {
  email: string;
  name: string;
  password: string;
  admin: boolean;
}

export const demoEmails = {
  alice: 'alice@sluice.dev',
  bob: 'bob@sluice.dev',
  admin: 'admin@sluice.dev',
} as const;

const seedMarker = { pk: 'SEED#DEMO', sk: 'SEED' };

/**
 * Seeds demo users on the first run of a data dir: Alice and Bob with balances and a little
 * history, and an admin. Passwords are random, printed once and never stored in clear.
 * Returns the users created, or undefined when the data dir was seeded before.
 */
export async function seedDemoData(
  store: Store,
  identity: Identity,
  wallet: WalletDeps,
): Promise<DemoUser[] | undefined> {
  try {
    await store.transact([
      {
        type: 'put',
        item: { ...seedMarker, started_at: new Date().toISOString() },
        condition: { attributeNotExists: 'pk' },
      },
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) return undefined;
    throw error;
  }
  const users: DemoUser[] = [
    { email: demoEmails.alice, name: 'Alice Rivera', password: demoPassword(), admin: false },
    { email: demoEmails.bob, name: 'Bob Okafor', password: demoPassword(), admin: false },
    { email: demoEmails.admin, name: 'Ada Admin', password: demoPassword(), admin: true },
  ];
  const ids: string[] = [];
  for (const user of users) {
    try {
      // The demo users are ready to use: no verification mail to read first.
      const result = await identity.signUp({
        email: user.email,
        password: user.password,
        name: user.name,
        email_verified: true,
      });
      ids.push(result.user.id);
      await ensureWallet(wallet, result.user.id);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
      const existing = await identity.findUserByEmail(user.email);
      ids.push(existing!.id);
    }
  }
  const [alice, bob] = ids as [string, string];
  await sendMoney(wallet, alice, { to: bob, amount: 1250, currency: 'USD', note: 'Pizza night 🍕' });
  await sendMoney(wallet, bob, { to: alice, amount: 400, currency: 'USD', note: 'Coffee' });
  return users;
}

function demoPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}
