import { walletKeyPatterns } from './store.ts';
import { defineModule, type ModuleDeps } from '../platform/module.ts';
import { walletEventTypes } from './events.ts';
import { recipientCheckRoutes } from './recipient-check.ts';
import { walletRoutes } from './routes.ts';
import { ensureWallet, grantSignupBonus, type WalletDeps } from './service.ts';
export { walletRoutes } from './routes.ts';
export { subscribeWallet, walletEventTypes } from './events.ts';
export {
  ensureWallet,
  getBalances,
  grantSignupBonus,
  promotionsAccountId,
  sendMoney,
  walletAccountId,
  type UserDirectory,
  type WalletDeps,
  type WalletUser,
} from './service.ts';
export { acceptPaymentRequest, createPaymentRequest } from './payment-requests.ts';

/** The wallet as a module: balances, transfers, requests and activity, and a wallet for every new user. */
export const walletModule = defineModule({
  name: 'wallet',
  http: {
    paths: [
      { prefix: '/v1/wallet', auth: 'user' },
      // A transfer commits with its idempotency record: no claim first (see OwnedPath).
      { prefix: '/v1/transfers', auth: 'user', idempotency: 'in_transaction' },
      { prefix: '/v1/activity', auth: 'user' },
      { prefix: '/v1/payment-requests', auth: 'user' },
    ],
    routes: (deps) =>
      walletRoutes(walletDepsOf(deps)).route('/', recipientCheckRoutes(walletDepsOf(deps), deps.rateLimiter)),
  },
  subscriptions: [
    {
      name: 'wallet.open-on-signup',
      pattern: { type: ['user.signed_up'] },
      // Idempotent: a redelivered sign-up finds the wallet open.
      handler: (deps) => async (event) => {
        await ensureWallet(walletDepsOf(deps), event.subject);
      },
    },
    {
      name: 'wallet.bonus-on-verification',
      pattern: { type: ['user.email_verified'] },
      // Idempotent: the bonus transfer has a fixed id per user.
      handler: (deps) => async (event) => {
        await grantSignupBonus(walletDepsOf(deps), event.subject);
      },
    },
  ],
  events: walletEventTypes,
  keys: walletKeyPatterns,
});

function walletDepsOf(deps: ModuleDeps): WalletDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    config: deps.config,
    users: deps.identity,
    logger: deps.logger,
  };
}
