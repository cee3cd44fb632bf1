import { vi } from 'vitest';
import type * as BothStores from '../both-stores.ts';

// approvals-reseal.test.ts on the SQLite store only, for Stryker runs with MUTATION_DYNAMO=0
// (no DynamoDB Local): its `bothScannedStores` keeps just the SQLite entry. Not a `.test.ts` file,
// so the normal suite, which runs the file on both stores, does not pick it up.
vi.mock('../both-stores.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof BothStores>();
  return {
    ...actual,
    bothScannedStores: (prefix: string) =>
      actual.bothScannedStores(prefix).filter(([name]) => name === 'SQLite'),
  };
});

await import('../approvals-reseal.test.ts');
