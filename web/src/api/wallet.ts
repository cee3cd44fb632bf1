import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';

export type Balance = components['schemas']['Balance'];

/** The other person on a transfer, request or activity entry, as the API names them (the schema allows null: Sluice itself). */
export type WalletParty = NonNullable<components['schemas']['WalletParty']>;

export const walletKeys = {
  all: ['wallet'] as const,
};

export function fetchWallet(signal?: AbortSignal): Promise<{ balances: Balance[] }> {
  return apiFetch('/v1/wallet', signal ? { signal } : {});
}

/** The signed-in user's balances per currency. */
export function useWallet() {
  return useQuery({ queryKey: walletKeys.all, queryFn: ({ signal }) => fetchWallet(signal) });
}
