import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Store } from '../platform/store.ts';
import type { HistoryEntry } from './model.ts';
import { createTransfers, getTransfer, type LedgerDeps } from './service.ts';
import { queryDueHolds, queryHistory, readAccountItem, shardCountFromItem } from './store.ts';

export interface HistoryPage {
  entries: HistoryEntry[];
  next_cursor: string | undefined;
}

/**
 * How an entry reads in a person's activity: a movement `completed` (a posted transfer, or the
 * posting of a hold), a hold still `pending`, or nothing (undefined) for what moved no money in the
 * end or is shown by another entry: a hold once resolved (its posting shows what was taken, at
 * the time it was; a void or an expiry took nothing) and the void or expiry itself.
 */
export function movementStatus(entry: HistoryEntry): 'pending' | 'completed' | undefined {
  if (entry.kind === 'posted' || entry.kind === 'post_pending') return 'completed';
  if (entry.kind === 'pending' && entry.pending_status === 'pending') return 'pending';
  return undefined;
}

/**
 * A page of `limit` of the account's entries that `keep` keeps, newest first: pages of its history
 * are read on until the page is full or the history ends.
 */
export async function listHistoryWhere(
  store: Store,
  accountId: string,
  limit: number,
  cursor: string | undefined,
  keep: (entry: HistoryEntry) => boolean,
): Promise<HistoryPage> {
  const entries: HistoryEntry[] = [];
  let next = cursor;
  do {
    const page = await listHistory(store, accountId, {
      limit: limit - entries.length,
      ...(next ? { cursor: next } : {}),
    });
    for (const entry of page.entries) if (keep(entry)) entries.push(entry);
    next = page.next_cursor;
  } while (next && entries.length < limit);
  return { entries, next_cursor: next };
}

/** An account's entries, newest first by default, one per transfer that touched it. */
export async function listHistory(
  store: Store,
  accountId: string,
  options: { limit?: number; cursor?: string; direction?: 'asc' | 'desc' } = {},
): Promise<HistoryPage> {
  const item = await readAccountItem(store, accountId);
  const page = await queryHistory(store, accountId, item ? shardCountFromItem(item) : 1, {
    direction: options.direction ?? 'desc',
    limit: options.limit ?? 20,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { entries: page.entries, next_cursor: page.cursor };
}

/**
 * Expires holds whose timeout has passed, as of `now`: each one's pending amounts are released
 * by an `expire_pending` transfer. Safe to run concurrently and repeatedly: a hold resolves once.
 * Returns how many holds this call expired.
 */
export async function expirePendingTransfers(
  deps: LedgerDeps,
  now: number = deps.clock.now(),
): Promise<number> {
  let expired = 0;
  for (;;) {
    const page = await queryDueHolds(deps.store, now, 100);
    let progressed = false;
    for (const id of page.ids) {
      const pending = await getTransfer(deps, id);
      if (!pending || pending.pending_status !== 'pending') continue;
      try {
        await createTransfers(
          deps,
          [{ kind: 'expire_pending', id: newId('transfer'), pending_id: pending.id }],
          {
            event: { type: 'ledger.hold.expired', source: 'sluice.ledger', subject: pending.id },
          },
        );
        expired += 1;
      } catch (error) {
        // Posted, voided or expired by someone else in the meantime: nothing left to do.
        if (!(error instanceof AppError && error.code === 'transfer_not_pending')) throw error;
      }
      progressed = true;
    }
    if (!progressed || !page.cursor) return expired;
  }
}
