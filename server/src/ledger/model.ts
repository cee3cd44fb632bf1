import type { Currency } from '../kernel/money.ts';

/**
 * The ledger's vocabulary, after TigerBeetle: accounts with four running totals and overdraft
 * flags, and transfers between two accounts of one currency. Pending transfers (holds) move
 * amounts into the pending totals until they are posted, voided or expire.
 */
export interface AccountFlags {
  /** Credit-normal accounts (a user's wallet): the balance may not go below zero. */
  debits_must_not_exceed_credits: boolean;
  /** Debit-normal accounts that must not be over-credited. */
  credits_must_not_exceed_debits: boolean;
}

export interface Account extends AccountFlags {
  id: string;
  currency: Currency;
  /** Who the account belongs to: a user id, a merchant id, or `system`. */
  owner: string;
  /** What the account is for (`wallet`, `issuance`, `merchant_pending` …). */
  code: string;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
  created_at: string;
}

export interface NewAccount extends Partial<AccountFlags> {
  id: string;
  currency: Currency;
  owner: string;
  code: string;
  /**
   * How many items keep its totals (default 1): more for an account that takes more than a few
   * hundred transfers a second (a system account, a busy merchant), see `ledger/shards.ts`.
   */
  shards?: number;
}

export const transferKinds = ['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'] as const;
export type TransferKind = (typeof transferKinds)[number];

export const pendingStatuses = ['pending', 'posted', 'voided', 'expired'] as const;
export type PendingStatus = (typeof pendingStatuses)[number];

export interface Transfer {
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: number;
  currency: Currency;
  code: string;
  /** For post/void/expire: the pending transfer it resolves. */
  pending_id?: string;
  /** For a pending transfer: where it stands now. */
  pending_status?: PendingStatus;
  /** For a pending transfer: when it expires (ms since epoch), 0 for never. */
  timeout_at?: number;
  /** Transfers created together in one linked group share this id. */
  linked_id?: string;
  metadata: Record<string, string>;
  created_at: string;
}

/** What a caller asks for. A transfer id is an idempotency key forever. */
export type TransferRequest =
  | {
      kind?: 'posted' | 'pending';
      id: string;
      debit_account_id: string;
      credit_account_id: string;
      amount: number;
      currency: Currency;
      code: string;
      /** For `pending`: seconds until the hold expires (0 or absent: never). */
      timeout_seconds?: number;
      metadata?: Record<string, string>;
    }
  | {
      kind: 'post_pending';
      id: string;
      pending_id: string;
      /** At most the held amount; defaults to all of it. The rest is released. */
      amount?: number;
      metadata?: Record<string, string>;
    }
  | {
      /** `expire_pending` succeeds only once the hold's timeout has passed. */
      kind: 'void_pending' | 'expire_pending';
      id: string;
      pending_id: string;
      metadata?: Record<string, string>;
    };

export interface HistoryEntry {
  account_id: string;
  transfer_id: string;
  kind: TransferKind;
  direction: 'debit' | 'credit';
  amount: number;
  currency: Currency;
  code: string;
  counterparty_account_id: string;
  metadata: Record<string, string>;
  created_at: string;
  /** A hold's state now (`kind` `pending` only): still pending, or posted, voided or expired since. */
  pending_status?: PendingStatus;
}

export interface Balance {
  currency: Currency;
  /** credits posted − debits posted − debits pending: what can be spent now. */
  available: number;
  /** credits pending − debits pending: amounts on hold, in (positive) or out (negative). */
  pending: number;
  /** credits posted − debits posted. */
  posted: number;
}

/** Balance of a credit-normal account. */
export function balanceOf(account: Account): Balance {
  const posted = account.credits_posted - account.debits_posted;
  return {
    currency: account.currency,
    available: posted - account.debits_pending,
    pending: account.credits_pending - account.debits_pending,
    posted,
  };
}
