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

/**
 * Items per system account: each takes one side of every transfer of its purpose across the whole
 * platform (the card network: two per card payment), and has no limit to check, so its sides
 * spread freely. 64 items keep each under 500 transactional writes/s at 10,000 card payments/s
 * (20,000 writes/s), what one DynamoDB item sustains with room to spare.
 */
export const systemAccountShards = 64;

/** Creates the system account on first use (idempotent), spread over `systemAccountShards` items. */
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
    shards: systemAccountShards,
  });
}
