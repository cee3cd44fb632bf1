export { walletRoutes } from './routes.ts';
export { subscribeWallet, walletEventTypes } from './events.ts';
export { ensureWallet, getBalances, sendMoney, walletAccountId, type UserDirectory, type WalletDeps, type WalletUser } from './service.ts';
export { acceptPaymentRequest, createPaymentRequest } from './payment-requests.ts';
