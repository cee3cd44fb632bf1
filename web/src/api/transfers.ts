import { useMutation, useQueryClient } from '@tanstack/react-query';
import { rememberPeople } from '../lib/contacts.ts';
import { activityKeys } from './activity.ts';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';
import { walletKeys } from './wallet.ts';

/** A wallet transfer; `from_user` and `to_user` are null for Sluice itself (the sign-up bonus). */
export type WalletTransfer = components['schemas']['WalletTransfer'];

export type SendMoneyInput = components['schemas']['SendMoney'] & {
  /** One key per confirmed send, reused by its retries. */
  idempotencyKey: string;
};

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
