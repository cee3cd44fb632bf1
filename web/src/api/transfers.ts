import { useMutation, useQueryClient } from '@tanstack/react-query';
import { rememberPeople } from '../lib/contacts.ts';
import { activityKeys } from './activity.ts';
import { apiFetch } from './client.ts';
import { walletKeys, type WalletParty } from './wallet.ts';

export interface WalletTransfer {
  id: string;
  from: string;
  to: string;
  /** Who sent and who received it, by name; null for Sluice itself (the sign-up bonus). */
  from_user: WalletParty | null;
  to_user: WalletParty | null;
  amount: number;
  currency: string;
  note: string | null;
  status: string;
  created_at: string;
}

export interface SendMoneyInput {
  to: string;
  amount: number;
  currency: string;
  note?: string;
  /** One key per confirmed send, reused by its retries. */
  idempotencyKey: string;
}

export const transferKeys = {
  all: ['transfers'] as const,
};

export function sendMoney({ idempotencyKey, ...body }: SendMoneyInput): Promise<WalletTransfer> {
  return apiFetch('/v1/transfers', { method: 'POST', body, idempotencyKey });
}

export function useSendMoney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendMoney,
    onSuccess: (transfer) => {
      rememberPeople([transfer.to_user]);
      void queryClient.invalidateQueries({ queryKey: walletKeys.all });
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
      void queryClient.invalidateQueries({ queryKey: transferKeys.all });
    },
  });
}
