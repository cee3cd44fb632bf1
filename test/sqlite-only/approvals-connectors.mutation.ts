import { vi } from 'vitest';
import type * as BothStores from '../both-stores.ts';

// approvals-connectors.test.ts on the SQLite store only, for Stryker runs with MUTATION_DYNAMO=0
// (no DynamoDB Local): its `bothStores` keeps just the SQLite entry. Not a `.test.ts` file, so
// the normal suite, which runs the file on both stores, does not pick it up.
vi.mock('../both-stores.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof BothStores>();
  return {
    ...actual,
    bothStores: (prefix: string) => actual.bothStores(prefix).filter(([name]) => name === 'SQLite'),
  };
});

await import('../approvals-connectors.test.ts');
