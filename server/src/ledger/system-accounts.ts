import type { Currency } from '../kernel/money.ts';
import type { Account } from './model.ts';
import { createAccount, type LedgerDeps } from './service.ts';

/**
 * External accounts: money enters and leaves the books through one system account per purpose
 * and currency, so every internal balance has a counterpart and the books always balance.
 */
export const systemAccountPurposes = ['issuance', 'card_network', 'bank', 'fees', 'rewards'] as const;
export type SystemAccountPurpose = (typeof systemAccountPurposes)[number];

export function systemAccountId(purpose: SystemAccountPurpose, currency: Currency): string {
  return `acct_sys_${purpose}_${currency}`;
}

/** Creates the system account on first use (idempotent). */
export async function ensureSystemAccount(
  deps: LedgerDeps,
  purpose: SystemAccountPurpose,
  currency: Currency,
): Promise<Account> {
  return createAccount(deps, {
    id: systemAccountId(purpose, currency),
    currency,
    owner: 'system',
    code: purpose,
  });
}
