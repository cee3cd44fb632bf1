import { expect } from 'vitest';
import { auditLedger } from '../server/src/ledger/index.ts';
import type { Store } from '../server/src/platform/store.ts';

/** The money invariants every test that moves money ends with: books balance, nothing overdrawn. */
export async function expectBooksBalanced(store: Store): Promise<void> {
  const report = await auditLedger(store, Date.now(), 1);
  for (const currency of report.currencies) {
    expect(currency.debits_posted, `${currency.currency} posted`).toBe(currency.credits_posted);
    expect(currency.debits_pending, `${currency.currency} pending`).toBe(currency.credits_pending);
    expect(currency.overdrawn_accounts, `${currency.currency} overdrawn`).toEqual([]);
  }
  expect(report.balanced).toBe(true);
}
