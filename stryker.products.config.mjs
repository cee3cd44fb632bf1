// @ts-check
import base from './stryker.config.mjs';
/**
 * Mutation testing of the products' money code (rewards/, hub/, commerce/, billing/, and the
 * approval executors in approvals/ and payouts/): the same setup as stryker.config.mjs, with a
 * TypeScript checker config that includes those folders (tsconfig.mutation.json leaves them out).
 * Narrow it like the base config:
 *
 *   MUTATION_REPORT=commerce-saga MUTATION_TESTS='test/commerce-saga*.test.ts' MUTATION_DYNAMO=0 \
 *     npx stryker run stryker.products.config.mjs --mutate 'server/src/commerce/saga.ts:438-474'
 *
 * See docs/testing.md ("New products").
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  tsconfigFile: 'tsconfig.mutation-products.json',
  mutate: [
    'server/src/rewards/redemption.ts',
    'server/src/hub/vendors-payouts.ts',
    'server/src/commerce/saga.ts',
    'server/src/commerce/checkout.ts',
    'server/src/billing/charging.ts',
    'server/src/billing/cycle.ts',
  ],
};
