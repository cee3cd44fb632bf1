import type { EventBus } from '../platform/bus.ts';
import type { WalletEventType } from './model.ts';
import { ensureWallet, grantSignupBonus, type WalletDeps } from './service.ts';

/** Event types the wallet emits (their data: `WalletEventData`); realtime pushes them to the users in each event's audience. */
export const walletEventTypes = [
  'wallet.transfer.created',
  'wallet.balance.changed',
  'payment_request.created',
  'payment_request.paid',
  'payment_request.declined',
  'payment_request.canceled',
] as const satisfies readonly WalletEventType[];

/** Opens a wallet for every new user, and pays the bonus on verification. Idempotent, so redelivery is harmless. */
export function subscribeWallet(bus: EventBus, deps: WalletDeps): void {
  bus.subscribe('wallet.open-on-signup', { type: ['user.signed_up'] }, async (event) => {
    await ensureWallet(deps, event.subject);
  });
  bus.subscribe('wallet.bonus-on-verification', { type: ['user.email_verified'] }, async (event) => {
    await grantSignupBonus(deps, event.subject);
  });
}
