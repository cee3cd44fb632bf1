import type { EventBus } from '../platform/bus.ts';
import { ensureWallet, type WalletDeps } from './service.ts';

/** Event types the wallet emits; realtime pushes them to the users in each event's audience. */
export const walletEventTypes = [
  'wallet.transfer.created',
  'wallet.balance.changed',
  'payment_request.created',
  'payment_request.paid',
  'payment_request.declined',
  'payment_request.canceled',
] as const;

/** Opens a wallet with its bonus for every new user. Idempotent, so redelivery is harmless. */
export function subscribeWallet(bus: EventBus, deps: WalletDeps): void {
  bus.subscribe('wallet.open-on-signup', { type: ['user.signed_up'] }, async (event) => {
    await ensureWallet(deps, event.subject);
  });
}
