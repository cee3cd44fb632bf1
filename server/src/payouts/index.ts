import { registerApprovalExecutor } from '../approvals/index.ts';
import { defineModule } from '../platform/module.ts';
import { createPayoutSchema } from './model.ts';
import { payoutRoutes } from './routes.ts';
import { executePayout, payoutEventTypes, payoutFailedEvent, payoutIds } from './service.ts';
import { payoutKeyPatterns } from './store.ts';
export { checkPayout, executePayout, payableBalance } from './service.ts';

// A `payout` approval, once approved, pays out in the same transaction that marks it executed.
registerApprovalExecutor('payout', {
  execute: async (deps, approval, commit) => {
    const input = createPayoutSchema.parse({
      amount: approval.params.amount,
      currency: approval.params.currency,
      destination: approval.params.destination,
      ...(approval.params.description ? { description: approval.params.description } : {}),
    });
    const payout = await executePayout(deps, approval.merchant, input, {
      approval: approval.id,
      extra: (made) => commit({ payout: made.id }),
    });
    return { payout: payout.id };
  },
  failed: (approval, error, { now, ownerId }) => [
    payoutFailedEvent(approval, ownerId, { code: error.code, message: error.message }, now),
  ],
});

/**
 * Payouts from a merchant's available balance to its owner's wallet or bank, under the `payout`
 * approval policy; a balance is never paid out twice (a sequence condition per merchant and
 * currency, and the ledger's overdraft guard).
 */
export const payoutsModule = defineModule({
  name: 'payouts',
  http: {
    paths: [{ prefix: '/v1/payouts', auth: 'merchant' }],
    routes: (deps) => payoutRoutes(deps),
  },
  events: payoutEventTypes,
  webhookEvents: payoutEventTypes,
  ids: payoutIds.prefixes,
  keys: payoutKeyPatterns,
});
