import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';

export interface Balance {
  currency: string;
  available: number;
  pending: number;
  posted: number;
}

/** The other person on a transfer, request or activity entry, as the API names them. */
export interface WalletParty {
  id: string;
  name: string;
  email: string;
}

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
