import { AppError } from '../kernel/errors.ts';
import { hashOf, isTransactionCanceled, type Store } from '../platform/store.ts';
import {
  accountFromItem,
  queryShardDirectory,
  readAccountItem,
  readShardTotals,
  shardCountFromItem,
  shardCountUpdate,
  shardFold,
  shardPuts,
  type ShardedAccount,
} from './store.ts';

/**
 * Shards: a busy account keeps its totals in several items, so that no single item takes more
 * writes than DynamoDB allows one item (~1,000 write units/s; a transactional write costs 2).
 *
 * - A side an overdraft flag guards (the debit side of a `debits_must_not_exceed_credits`
 *   account) is always written to the account item, whose condition checks the limit atomically.
 * - Every other side goes to the item `hash(transfer id) mod shards`; a hold's resolution goes to
 *   the items the hold went to (recorded on it), whatever the count is by then.
 * - Readers (balances, the audit) sum the items. Credits that wait in shards of a limited account
 *   count towards its balance but not yet towards what it may spend: `foldAccountShards` moves
 *   them to the account item, on a schedule and whenever a limited debit is refused.
 *
 * Writers learn the counts from the shard directory, read at most every `directoryRefreshMs` per
 * process. A count only grows, and shard items exist before the directory names them, so a
 * process with a stale directory writes to fewer items than it could, never to a missing one.
 */
export const directoryRefreshMs = 30_000;
/** Most items one account may have: the transaction that adds them holds at most 100 writes. */
export const maxShards = 96;

interface CachedDirectory {
  loadedAt: number;
  directory: Promise<Map<string, ShardedAccount>>;
}
const directories = new WeakMap<Store, CachedDirectory>();

/** The shard directory of `store`, as this process last read it. */
export function shardDirectory(store: Store, now: number): Promise<Map<string, ShardedAccount>> {
  const cached = directories.get(store);
  if (cached && now - cached.loadedAt < directoryRefreshMs && now >= cached.loadedAt) return cached.directory;
  const directory = queryShardDirectory(store);
  directories.set(store, { loadedAt: now, directory });
  // A failed read is not cached: the next writer tries again.
  directory.catch(() => directories.delete(store));
  return directory;
}

/** Forgets this process's copy of the directory (after a change made here). */
export function invalidateDirectory(store: Store): void {
  directories.delete(store);
}

/** The item (0: the account item) that one side of a new transfer `transferId` is written to. */
export function pickShard(
  entry: ShardedAccount | undefined,
  side: 'debit' | 'credit',
  transferId: string,
): number {
  if (!entry || entry.shards <= 1) return 0;
  const limited =
    side === 'debit' ? entry.debits_must_not_exceed_credits : entry.credits_must_not_exceed_debits;
  return limited ? 0 : hashOf(transferId) % entry.shards;
}

/**
 * Gives an account `shards` items in all (more only: a count never shrinks). The new shard items
 * are written first, then the account's count and its directory entry in one transaction; a
 * concurrent change of the count makes it start again from the new count. Returns the account's
 * count after the call: `shards`, or more if someone asked for more.
 */
export async function setAccountShards(
  deps: { store: Store },
  accountId: string,
  shards: number,
): Promise<number> {
  if (!Number.isInteger(shards) || shards < 1 || shards > maxShards)
    throw new AppError('validation_failed', `shards must be an integer from 1 to ${maxShards}`, {
      param: 'shards',
    });
  const item = await readAccountItem(deps.store, accountId);
  if (!item) throw new AppError('not_found', `no account ${accountId}`, { param: 'account_id' });
  const account = accountFromItem(item);
  const current = shardCountFromItem(item);
  if (shards <= current) return current;
  if (account.debits_must_not_exceed_credits && account.credits_must_not_exceed_debits)
    throw new AppError('invalid_request', 'an account with both flags takes no transfers to shard');
  const writes = shardPuts(account, current, shards);
  const directoryEntry = writes.pop()!;
  // Shard items that already exist (a run that stopped half-way) are fine: create-only puts of
  // empty items, each on its own, so one existing item does not refuse the others.
  for (const put of writes) {
    try {
      await deps.store.transact([put]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
    }
  }
  try {
    await deps.store.transact([shardCountUpdate(accountId, current, shards), directoryEntry]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    // Someone else changed the count meanwhile: start again from theirs (a larger one stands).
    return setAccountShards(deps, accountId, shards);
  } finally {
    invalidateDirectory(deps.store);
  }
  return shards;
}

/**
 * Moves the posted totals waiting in a limited account's shards to its account item, where its
 * overdraft condition counts them. Does nothing for an account with one item or no flag.
 * Returns the amount moved. Safe to run concurrently: each move is conditioned on the shard
 * still holding what was read.
 */
export async function foldAccountShards(
  deps: { store: Store; clock: { now(): number } },
  accountId: string,
): Promise<number> {
  const entry = (await shardDirectory(deps.store, deps.clock.now())).get(accountId);
  if (!entry || entry.shards <= 1) return 0;
  const field = entry.debits_must_not_exceed_credits
    ? 'credits_posted'
    : entry.credits_must_not_exceed_debits
      ? 'debits_posted'
      : undefined;
  if (!field) return 0;
  let moved = 0;
  for (let shard = 1; shard < entry.shards; shard++) {
    const totals = await readShardTotals(deps.store, accountId, shard);
    const amount = totals?.[field] ?? 0;
    if (amount <= 0) continue;
    try {
      await deps.store.transact(shardFold(accountId, shard, field, amount));
      moved += amount;
    } catch (error) {
      // Another fold took it first (or the total moved): the next run picks up what is left.
      if (!isTransactionCanceled(error)) throw error;
    }
  }
  return moved;
}

/** Folds every limited account that has shards: the ledger's scheduled job. */
export async function foldAllShards(deps: { store: Store; clock: { now(): number } }): Promise<number> {
  let moved = 0;
  for (const [accountId, entry] of await shardDirectory(deps.store, deps.clock.now()))
    if (entry.debits_must_not_exceed_credits || entry.credits_must_not_exceed_debits)
      moved += await foldAccountShards(deps, accountId);
  return moved;
}

/** Whether an account's limited side may be short only because credits wait in its shards. */
export async function mayFold(store: Store, now: number, accountId: string): Promise<boolean> {
  const entry = (await shardDirectory(store, now)).get(accountId);
  return entry !== undefined && entry.shards > 1;
}
