import { allMerchants } from '../payments/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { ModuleMigration } from '../platform/module.ts';
import { resealStored, type SealDeps } from '../platform/sealed-values.ts';
import type { Clock } from '../kernel/clock.ts';
import { bankAccounts } from './sealed.ts';
import { billingKeys, everyCustomerPaymentMethod, merchantCustomersPage } from './store.ts';

/** What re-sealing needs: the store and the Secrets port (the v2 key), a clock, a logger. */
export type ResealDeps = SealDeps & { clock: Clock; logger: Logger };

/** What a re-seal run did: accounts now v2, and the payment methods left v1 because they do not open. */
export interface ResealResult {
  changed: number;
  unopened: string[];
}

/**
 * Migration 1: every saved ACH payment method's account sealed as v1 (under a key derived from
 * the installation secret in the table, so the table alone opened it) is sealed again as v2
 * (`sealed.ts`). Merchant by merchant (the all-merchants index), customer by customer, a page at
 * a time. Each re-seal is one write on the condition the value is still the v1 one read; one that
 * does not open is left and logged by payment method id only. A missing key fails the run, which
 * is then not recorded and runs again. Idempotent: a v2 value is skipped.
 */
export async function resealBankAccounts(deps: ResealDeps): Promise<ResealResult> {
  const result: ResealResult = { changed: 0, unopened: [] };
  for await (const merchant of allMerchants(deps)) {
    let cursor: string | undefined;
    do {
      const page = await merchantCustomersPage(deps.store, merchant.id, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const customer of page.data)
        for await (const method of everyCustomerPaymentMethod(deps.store, customer.id)) {
          const outcome = await resealStored(deps, bankAccounts, {
            key: billingKeys.paymentMethod(method.id),
            attribute: 'sealed_account',
            sealed: method.sealed_account,
          });
          if (outcome === 'resealed') result.changed++;
          if (outcome !== 'unopened') continue;
          // Never the value nor the error (whose cause may quote it): which item, for someone to look at.
          result.unopened.push(method.id);
          deps.logger.warn('sealed bank account left as v1: it does not open', { payment_method: method.id });
        }
      cursor = page.next_cursor;
    } while (cursor);
  }
  return result;
}

/** Billing's stored-data migrations, versions 1, 2, 3… in order. */
export const billingMigrations = [
  {
    version: 1,
    description:
      "Saved ACH payment methods' accounts sealed as v1 (under a key derived from the table's installation secret) are sealed again as v2, under a key derived from hub/credentials-key",
    run: async (deps) => ({ changed: (await resealBankAccounts(deps)).changed }),
  },
] as const satisfies readonly ModuleMigration[];
