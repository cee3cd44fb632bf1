import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { auditLedger } from '../server/src/ledger/index.ts';
import type { Store } from '../server/src/platform/store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';

/**
 * The money invariants every test that moves money ends with: books balance per currency,
 * nothing overdrawn. `server/src/ledger/audit.test.ts` shows it failing on broken books.
 */
export async function expectBooksBalanced(store: Store): Promise<void> {
  // The audit's time only stamps its report: a fixed one keeps this off the wall clock.
  const report = await auditLedger(store, 0, 1);
  for (const currency of report.currencies) {
    expect(currency.debits_posted, `${currency.currency} posted`).toBe(currency.credits_posted);
    expect(currency.debits_pending, `${currency.currency} pending`).toBe(currency.credits_pending);
    expect(currency.overdrawn_accounts, `${currency.currency} overdrawn`).toEqual([]);
  }
  expect(report.balanced).toBe(true);
}

/**
 * The same for a server process that has stopped: its books in `<dataDir>/sluice.db`, the
 * local runtime's SQLite file. Call it after the process exits (no writer left mid-commit).
 */
export async function expectStoredBooksBalanced(dataDir: string): Promise<void> {
  const path = join(dataDir, 'sluice.db');
  // Opening a missing file would create an empty one, whose books balance trivially.
  expect((await stat(path)).size, path).toBeGreaterThan(0);
  const store = new SqliteStore(path);
  try {
    await expectBooksBalanced(store);
  } finally {
    await store.close();
  }
}
