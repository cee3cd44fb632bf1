import type { Store } from '../platform/store.ts';
import { queryAccountIds, queryCurrencies, readAccount } from './store.ts';

/**
 * One currency's sums are exact integers: each account's totals stay within 2^53 − 1, but their
 * sum over many accounts need not, and a rounded sum could hide (or invent) an imbalance.
 */
export interface CurrencyAudit {
  currency: string;
  accounts: number;
  debits_posted: bigint;
  credits_posted: bigint;
  debits_pending: bigint;
  credits_pending: bigint;
  balanced: boolean;
  /** Accounts whose no-overdraft flag is violated (must be empty). */
  overdrawn_accounts: string[];
  /**
   * The accounts owned by the system (issuance, promotions, card network …) with their posted
   * totals: what was ever minted, and what is left of a budget, read off the books.
   */
  system_accounts: SystemAccountTotals[];
}

export interface SystemAccountTotals {
  id: string;
  code: string;
  debits_posted: number;
  credits_posted: number;
}

export interface AuditReport {
  balanced: boolean;
  currencies: CurrencyAudit[];
  checked_at: string;
}

/**
 * Checks the ledger's invariants per currency: Σ debits posted = Σ credits posted, Σ debits
 * pending = Σ credits pending, and no account with a no-overdraft flag below zero.
 *
 * Accounts are read one by one, so under concurrent writes the sums can straddle a transfer;
 * an unbalanced currency is therefore re-read (up to `attempts` times) before it is reported.
 */
export async function auditLedger(store: Store, now: number, attempts = 3): Promise<AuditReport> {
  const currencies: string[] = [];
  for await (const currency of queryCurrencies(store)) currencies.push(currency);

  const results: CurrencyAudit[] = [];
  for (const currency of currencies) {
    let audit = await auditCurrency(store, currency);
    for (let attempt = 1; attempt < attempts && !isClean(audit); attempt++)
      audit = await auditCurrency(store, currency);
    results.push(audit);
  }
  return { balanced: results.every(isClean), currencies: results, checked_at: new Date(now).toISOString() };
}

function isClean(audit: CurrencyAudit): boolean {
  return audit.balanced && audit.overdrawn_accounts.length === 0;
}

async function auditCurrency(store: Store, currency: string): Promise<CurrencyAudit> {
  const audit: CurrencyAudit = {
    currency,
    accounts: 0,
    debits_posted: 0n,
    credits_posted: 0n,
    debits_pending: 0n,
    credits_pending: 0n,
    balanced: false,
    overdrawn_accounts: [],
    system_accounts: [],
  };
  for await (const accountId of queryAccountIds(store, currency)) {
    const account = await readAccount(store, accountId);
    if (!account) continue;
    audit.accounts += 1;
    audit.debits_posted += BigInt(account.debits_posted);
    audit.credits_posted += BigInt(account.credits_posted);
    audit.debits_pending += BigInt(account.debits_pending);
    audit.credits_pending += BigInt(account.credits_pending);
    if (account.owner === 'system') {
      const { id, code, debits_posted, credits_posted } = account;
      audit.system_accounts.push({ id, code, debits_posted, credits_posted });
    }
    const available = account.credits_posted - account.debits_posted - account.debits_pending;
    const reverse = account.debits_posted - account.credits_posted - account.credits_pending;
    if (
      (account.debits_must_not_exceed_credits && available < 0) ||
      (account.credits_must_not_exceed_debits && reverse < 0)
    ) {
      audit.overdrawn_accounts.push(account.id);
    }
  }
  audit.balanced =
    audit.debits_posted === audit.credits_posted && audit.debits_pending === audit.credits_pending;
  return audit;
}
