import { isTransactionCanceled, type Store } from '../platform/store.ts';
import type { Approval } from './model.ts';
import {
  approvalParamsReplace,
  merchantApprovalRecords,
  readApproval,
  type ApprovalRecord,
} from './store.ts';

/**
 * What a migration makes of a request's params: the params to store instead, or `undefined` to
 * leave them. Called again on the request read anew when a decision wrote it meanwhile.
 */
export type ApprovalParamsRewrite = (approval: Approval) => Promise<Approval['params'] | undefined>;

/** Tries before a request that keeps changing under the rewrite fails the run (to run again). */
const attempts = 5;

/**
 * A migration's walk over the params of every request of the merchant, whatever its status
 * (the merchant's inbox, a page of 100 at a time): the modules that put sealed values in params
 * (the hub's connector changes and vendor payouts, merchant payouts) seal them again through it.
 * Each rewrite is one write on the condition the request is still at the version read; one
 * written meanwhile (a decision) is read again and rewritten. Returns how many requests changed.
 *
 * @example changed += await rewriteApprovalParams(deps.store, merchant.id, (approval) => resealed(approval));
 */
export async function rewriteApprovalParams(
  store: Store,
  merchantId: string,
  rewrite: ApprovalParamsRewrite,
): Promise<number> {
  let changed = 0;
  let cursor: string | undefined;
  do {
    const page = await merchantApprovalRecords(store, merchantId, {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const record of page.data) if (await rewriteOne(store, record, rewrite)) changed++;
    cursor = page.next_cursor;
  } while (cursor);
  return changed;
}

async function rewriteOne(
  store: Store,
  first: ApprovalRecord,
  rewrite: ApprovalParamsRewrite,
): Promise<boolean> {
  let record: ApprovalRecord | undefined = first;
  for (let attempt = 0; record && attempt < attempts; attempt++) {
    const params = await rewrite(record.approval);
    if (!params) return false;
    try {
      await store.transact([approvalParamsReplace(record, params)]);
      return true;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      record = await readApproval(store, record.approval.id);
    }
  }
  if (!record) return false; // gone meanwhile
  throw new Error(`approval request ${first.approval.id} kept changing while its params were rewritten`);
}
