import { registerApprovalExecutor } from '../approvals/index.ts';
import { registerAchCreditHandler } from '../hub/index.ts';
import { defineModule } from '../platform/module.ts';
import { payoutRoutes } from './routes.ts';
import {
  executePayout,
  payoutAchHandler,
  payoutAchKind,
  payoutEventTypes,
  payoutFailedEvent,
  payoutIds,
  payoutOrderSchema,
  type PayoutOrder,
} from './service.ts';
import { payoutKeyPatterns } from './store.ts';
export { checkPayout, executePayout, payableBalance } from './service.ts';

// A `payout` approval, once approved, pays out in the same transaction that marks it executed.
registerApprovalExecutor('payout', {
  execute: async (deps, approval, commit) => {
    // The order as the request kept it: a bank account's number stays sealed until the entry is made.
    const input = payoutOrderSchema.parse(approval.params) as PayoutOrder;
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

// A payout to a bank is an ACH credit in the merchant's NACHA file: its settlement and returns move it on.
registerAchCreditHandler(payoutAchKind, payoutAchHandler);

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
