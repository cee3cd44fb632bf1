import type { Clock } from '../kernel/clock.ts';
import type { Store } from '../platform/store.ts';
import { setAccountShards } from './shards.ts';
import {
  accountFromItem,
  migrateLegacyHistory,
  queryAccountIds,
  queryCurrencies,
  readAccountItem,
  shardCountFromItem,
} from './store.ts';
import { systemAccountShards } from './system-accounts.ts';

/**
 * Migration 1: a transfer is its own history. Every account's old history items (one per side)
 * become index entries on their transfers and are deleted; every system account is spread over
 * `systemAccountShards` items. Idempotent, a page at a time: a run cut short resumes.
 */
export async function migrateToTransferHistory(deps: {
  store: Store;
  clock: Clock;
}): Promise<{ changed: number }> {
  let changed = 0;
  const currencies: string[] = [];
  for await (const currency of queryCurrencies(deps.store)) currencies.push(currency);
  for (const currency of currencies)
    for await (const accountId of queryAccountIds(deps.store, currency)) {
      changed += await migrateLegacyHistory(deps.store, accountId);
      const item = await readAccountItem(deps.store, accountId);
      const account = item && accountFromItem(item);
      if (
        account?.owner === 'system' &&
        !account.debits_must_not_exceed_credits &&
        !account.credits_must_not_exceed_debits &&
        shardCountFromItem(item!) < systemAccountShards
      ) {
        await setAccountShards(deps, accountId, systemAccountShards);
        changed += 1;
      }
    }
  return { changed };
}
