// @ts-check
import process from 'node:process';
/**
 * Mutation testing of the money paths (`npm run test:mutation`, not part of `npm test`: it is slow).
 * StrykerJS mutates the code in a sandbox copy (never in place: others work in this tree), runs
 * only the tests that cover each mutant (Vitest runner, per-test coverage), and drops mutants
 * that do not compile (TypeScript checker). Reports go to reports/mutation/ (HTML and JSON).
 *
 * The default scope is every money module; narrow it on the command line, one module or file at
 * a time, with the tests that exercise it (MUTATION_TESTS, comma-separated globs):
 *
 *   MUTATION_TESTS='server/src/ledger/*.test.ts' npm run test:mutation -- --mutate 'server/src/ledger/audit.ts'
 *
 * See docs/testing.md for the scores per module and the surviving mutants judged equivalent.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const report = process.env.MUTATION_REPORT ?? 'index';

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // The machine is small and shared: one test process at a time.
  concurrency: 1,
  // Static mutants (module-level constants) need every test re-run each: left out, and counted as ignored.
  ignoreStatic: true,
  mutate: [
    'server/src/ledger/**/*.ts',
    'server/src/payments/**/*.ts',
    'server/src/wallet/**/*.ts',
    'server/src/webhooks/delivery.ts',
    'server/src/webhooks/signature.ts',
    'server/src/runtime/local/sqlite-writer.ts',
    'server/src/runtime/local/sqlite-store.ts',
    'server/src/runtime/dynamodb/dynamo-store.ts',
    'server/src/platform/store.ts',
    '!**/*.test.ts',
    '!**/test-support.ts',
    '!**/test-cards.ts',
  ],
  // What the sandbox copy leaves out: build output, screenshots, the dashboard and infra.
  ignorePatterns: [
    'cdk.out',
    'docs',
    'web',
    'infra',
    'bench',
    'packages',
    'reports',
    'dist',
    '.sluice',
    'coverage',
  ],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  // MUTATION_REPORT names the report of a narrowed run (reports/mutation/<name>.html and .json).
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 75, break: null },
};
