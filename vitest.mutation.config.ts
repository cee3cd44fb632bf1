import { defineConfig } from 'vitest/config';

/**
 * The Vitest configuration StrykerJS runs (stryker.config.mjs): the server tests named in
 * MUTATION_TESTS (comma-separated globs; default: the ledger's), with DynamoDB Local for the
 * suites that run on both stores (MUTATION_DYNAMO=0 leaves it out when none of them is included:
 * its JVM starts again each time Stryker restarts a runner after a timeout).
 */
const include = (process.env.MUTATION_TESTS ?? 'server/src/ledger/*.test.ts')
  .split(',')
  .map((glob) => glob.trim());

export default defineConfig({
  test: {
    include,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: process.env.MUTATION_DYNAMO === '0' ? [] : ['test/global-setup.ts'],
  },
});
