import { createAccount, setAccountFlag } from '../ledger/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { ModuleMigration } from '../platform/module.ts';
import { ownersBecomeMembers } from './members.ts';
import { allMerchants, grantBalanceFloor, merchantAccountId, type PaymentsDeps } from './merchants.ts';
import { merchantDisputesPage } from './store/disputes.ts';
import { paymentDisputeStatusSet } from './store/payments.ts';
import { merchantCurrencies } from './store/merchants.ts';

/** What a fees-account migration found: accounts changed, and those it left for someone to look at. */
export interface FeesCapResult {
  changed: number;
  refused: Array<{ account: string; reason: string }>;
}

/**
 * Migration 1: every merchant's `fees` account (one per currency it trades in) refuses credits
 * beyond its debits, as those opened since dispute fees do (`ensureMerchantAccounts`). Accounts
 * opened before then lack the flag, so a settlement could recover a dispute fee from them twice.
 * An account whose credits already exceed its debits is refused by the ledger and reported
 * (logged), never forced: its books need a person. Idempotent: a flag already on is left alone.
 *
 * Merchants come from the all-merchants index: on DynamoDB it may miss a merchant created a
 * moment ago, whose accounts the current code opens with the flag anyway.
 */
export async function capFeesAccountCredits(deps: PaymentsDeps & { logger: Logger }): Promise<FeesCapResult> {
  const result: FeesCapResult = { changed: 0, refused: [] };
  for await (const merchant of allMerchants(deps)) {
    for (const currency of await merchantCurrencies(deps.store, merchant.id)) {
      const account = merchantAccountId(merchant.id, 'fees', currency);
      const outcome = await setAccountFlag(deps, account, 'credits_must_not_exceed_debits');
      if (outcome.outcome === 'set') result.changed++;
      if (outcome.outcome === 'refused') {
        result.refused.push({ account, reason: outcome.reason });
        deps.logger.warn('fees account left without its credit cap', { account, reason: outcome.reason });
      }
    }
  }
  return result;
}

/**
 * Migration 2: merchants from before the negative-balance floor get their `credit_line` account
 * and its grant to `available` in every currency they trade in (the balance they see does not
 * change: the grant is taken off it), and their disputed payments carry their dispute's status.
 * Idempotent: the accounts have fixed ids, the grant a derived one, the status is set again.
 */
export async function openBalanceFloors(deps: PaymentsDeps): Promise<{ changed: number }> {
  let changed = 0;
  for await (const merchant of allMerchants(deps)) {
    for (const currency of await merchantCurrencies(deps.store, merchant.id)) {
      await createAccount(deps, {
        id: merchantAccountId(merchant.id, 'credit_line', currency),
        currency,
        owner: merchant.id,
        code: 'merchant_credit_line',
      });
      await grantBalanceFloor(deps, merchant.id, currency);
      changed++;
    }
    let cursor: string | undefined;
    do {
      const page = await merchantDisputesPage(deps.store, merchant.id, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const dispute of page.data) {
        await deps.store.transact([paymentDisputeStatusSet(dispute.payment, dispute.status)]);
        changed++;
      }
      cursor = page.next_cursor;
    } while (cursor);
  }
  return { changed };
}

/** The payments module's stored-data migrations, versions 1, 2, 3… in order. */
export const paymentsMigrations = [
  {
    version: 1,
    description: "Merchants' fees accounts opened before dispute fees refuse credits beyond their debits",
    run: async (deps) => ({ changed: (await capFeesAccountCredits(deps)).changed }),
  },
  {
    version: 2,
    description:
      'Merchants get the negative-balance floor (credit line) and disputed payments their dispute status',
    run: (deps) => openBalanceFloors(deps),
  },
  {
    version: 3,
    description: "Every merchant's owner becomes an owner member of its team",
    run: async (deps) => ({ changed: await ownersBecomeMembers(deps) }),
  },
] as const satisfies readonly ModuleMigration[];
