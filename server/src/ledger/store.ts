import { z } from 'zod';
import { idPrefixes, timeSortKey } from '../kernel/ids.ts';
import { isCurrency, type Currency } from '../kernel/money.ts';
import type { KeyPattern } from '../platform/keys.ts';
import {
  hashOf,
  queryMerged,
  queryPartitions,
  readItem,
  type Condition,
  type Item,
  type MergedSource,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import {
  pendingStatuses,
  transferKinds,
  type Account,
  type AccountFlags,
  type HistoryEntry,
  type Transfer,
} from './model.ts';

/**
 * The ledger's stored layout, the only code that knows it:
 *
 * - account `ACC#<id>` / `ACC`: the account, its four totals and the room attributes its
 *   overdraft conditions read (`dr_room`, `cr_room`), and `shards` when it has more than one;
 * - shard `ACC#<id>` / `S#<n>` (n = 1 … shards − 1): more of a busy account's totals, so that no
 *   one item takes every write of a hot account (on DynamoDB an item takes ~1,000 write units/s,
 *   and concurrent transactions on it cancel each other). The account item is shard 0. The
 *   account's totals are the sum over its items; a side that an overdraft flag guards is always
 *   written to the account item, so its limit check stays one atomic condition;
 * - transfer `TR#<id>` / `TR`; it is also the history of both its accounts: its debit side in
 *   `gsi2`, its credit side in `gsi3`, each in the partition of the account item (or shard) the
 *   side was written to, sorted by `<created_at>#<id>`. An unresolved hold is also in gsi1
 *   `LEDGER#PENDING`, by expiry;
 * - registry `LEDGER#CURRENCY#<currency>` / `<account id>` and `LEDGER#CURRENCIES` / `<currency>`:
 *   never-updated items through which the audit finds every account;
 * - shard directory `LEDGER#SHARDS` / `<account id>`: the accounts with more than one item, with
 *   their count and flags, read by writers to pick a shard without reading the account.
 *
 * Items are mapped to records by zod schemas built once; a parse costs well under a microsecond
 * (an account ~0.1 µs, a transfer with metadata ~0.8 µs), small beside the store read itself.
 */
const ledgerKeys = {
  account: (id: string) => ({ pk: `ACC#${id}`, sk: 'ACC' }),
  shard: (id: string, shard: number) =>
    shard === 0 ? ledgerKeys.account(id) : { pk: `ACC#${id}`, sk: `S#${shard}` },
  shardPrefix: 'S#',
  accountPartition: (id: string) => `ACC#${id}`,
  transfer: (id: string) => ({ pk: `TR#${id}`, sk: 'TR' }),
  /** The index partition of an account item's (or shard's) history. */
  historyPartition: (accountId: string, shard: number) =>
    shard === 0 ? `ACC#${accountId}` : `ACC#${accountId}#S#${shard}`,
  /**
   * A transfer's sort key in its accounts' history: `T`, its time as ids encode it (10
   * characters), then what tells it apart: the random part of a minted id of that time (16
   * characters), else the whole id. Keys written before held the whole id after the time, or
   * the ISO time (`2026-…#tr_…`); the first sort among these by time, the second below every `T`
   * key, as they are older.
   */
  historySort: (createdAt: string, transferId: string) => {
    const time = timeSortKey(Date.parse(createdAt));
    const minted = `${idPrefixes.transfer}_${time}`;
    const random = transferId.slice(minted.length);
    return transferId.startsWith(minted) && /^[0-9A-Z]{16}$/.test(random)
      ? `T${time}${random}`
      : `T${time}${transferId}`;
  },
  /** Before the history lived on transfers: one item per side, `ACC#<id>` / `H#<time>#<transfer id>`. */
  legacyHistoryPrefix: 'H#',
  registry: (currency: string, accountId: string) => ({ pk: `LEDGER#CURRENCY#${currency}`, sk: accountId }),
  registryPartition: (currency: string) => `LEDGER#CURRENCY#${currency}`,
  currency: (currency: string) => ({ pk: 'LEDGER#CURRENCIES', sk: currency }),
  currenciesPartition: 'LEDGER#CURRENCIES',
  /**
   * The pending index, spread over `pendingPartitions` partitions by hold id so that no index
   * partition takes every hold of the platform; `LEDGER#PENDING` alone is where older code put them.
   */
  pendingPartition: (holdId: string) => `LEDGER#PENDING#${hashOf(holdId) % pendingPartitions}`,
  legacyPendingPartition: 'LEDGER#PENDING',
  pendingSort: (timeoutAt: number, id: string) => `${String(timeoutAt).padStart(15, '0')}#${id}`,
  shardDirectory: (accountId: string) => ({ pk: 'LEDGER#SHARDS', sk: accountId }),
  shardDirectoryPartition: 'LEDGER#SHARDS',
} as const;

/** Every partition key and index partition the ledger writes (`*` is one id). */
export const ledgerKeyPatterns = [
  'ACC#*',
  'ACC#*#S#*',
  'TR#*',
  'LEDGER#CURRENCY#{CODE}',
  'LEDGER#CURRENCIES',
  'LEDGER#PENDING',
  'LEDGER#PENDING#*',
  'LEDGER#SHARDS',
] as const satisfies readonly KeyPattern[];

/** Partitions of the pending index: at 10,000 holds/s each takes ~600 index writes/s. */
const pendingPartitions = 16;

/** Which index holds each side of a transfer. */
const sideIndex = {
  debit: { pk: 'gsi2pk', sk: 'gsi2sk', name: 'gsi2' },
  credit: { pk: 'gsi3pk', sk: 'gsi3sk', name: 'gsi3' },
} as const;

const currencySchema = z.custom<Currency>((value) => typeof value === 'string' && isCurrency(value), {
  error: 'expected a supported currency code',
});
const totalSchema = z.number().int();
const metadataSchema = z.record(z.string(), z.string());

/** The attributes of an account item that make the account (the room attributes are for conditions only). */
const accountItemSchema = z.object({
  id: z.string(),
  currency: currencySchema,
  owner: z.string(),
  code: z.string(),
  debits_must_not_exceed_credits: z.boolean(),
  credits_must_not_exceed_debits: z.boolean(),
  debits_pending: totalSchema,
  debits_posted: totalSchema,
  credits_pending: totalSchema,
  credits_posted: totalSchema,
  created_at: z.string(),
});

const transferItemSchema = z.object({
  id: z.string(),
  kind: z.enum(transferKinds),
  debit_account_id: z.string(),
  credit_account_id: z.string(),
  amount: totalSchema,
  currency: currencySchema,
  code: z.string(),
  pending_id: z.string().optional(),
  pending_status: z.enum(pendingStatuses).optional(),
  timeout_at: z.number().int().optional(),
  linked_id: z.string().optional(),
  metadata: metadataSchema,
  created_at: z.string(),
});

const shardItemSchema = z.object({
  currency: currencySchema,
  debits_pending: totalSchema,
  debits_posted: totalSchema,
  credits_pending: totalSchema,
  credits_posted: totalSchema,
});

const shardCountSchema = z.number().int().min(1).optional();
const sideShardSchema = z.number().int().min(0).optional();

/** A shard directory entry: how many items an account has, and which of its sides a flag guards. */
export interface ShardedAccount {
  shards: number;
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
}
const shardDirectorySchema = z.object({
  shards: z.number().int().min(1),
  debits_must_not_exceed_credits: z.boolean(),
  credits_must_not_exceed_debits: z.boolean(),
});

/** The account an account item holds. Throws (naming the field) when the item is malformed. */
export function accountFromItem(item: Item): Account {
  return accountItemSchema.parse(item);
}

/**
 * The transfer a transfer item holds, without its keys, index attributes or `resolved_by`. Its id
 * and account ids are read from its keys (`transferPut` stores them only there); items written
 * before that hold them as attributes too, with the same values.
 */
export function transferFromItem(item: Item): Transfer {
  if (item.id !== undefined) return transferItemSchema.parse(item);
  const shards = sideShardsFromItem(item);
  return transferItemSchema.parse({
    ...item,
    id: suffixAfter(item.pk, ledgerKeys.transfer('').pk),
    debit_account_id: accountOfHistoryPartition(item[sideIndex.debit.pk], shards.debit),
    credit_account_id: accountOfHistoryPartition(item[sideIndex.credit.pk], shards.credit),
  });
}

/** `value` without `prefix`; undefined (which the schema refuses, naming the field) if it has none. */
function suffixAfter(value: unknown, prefix: string): string | undefined {
  return typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}

/** The account whose item `shard` a history partition (`ledgerKeys.historyPartition`) belongs to. */
function accountOfHistoryPartition(partition: unknown, shard: number): string | undefined {
  const suffix = ledgerKeys.historyPartition('', shard).slice(ledgerKeys.accountPartition('').length);
  const rest = suffixAfter(partition, ledgerKeys.accountPartition(''));
  return rest?.endsWith(suffix) ? rest.slice(0, rest.length - suffix.length) : undefined;
}

/** Which item of each account a transfer's sides were written to (0: the account item). */
export interface SideShards {
  debit: number;
  credit: number;
}

/** The item of each account a stored transfer's sides went to. */
function sideShardsFromItem(item: Item): SideShards {
  return {
    debit: sideShardSchema.parse(item.debit_shard) ?? 0,
    credit: sideShardSchema.parse(item.credit_shard) ?? 0,
  };
}

/** How many items the account item says the account has. */
export function shardCountFromItem(item: Item): number {
  return shardCountSchema.parse(item.shards) ?? 1;
}

/**
 * The account with its totals summed over its items: one read for an account with one item, a
 * second (one query of its partition) for a sharded one.
 */
export async function readAccount(store: Store, id: string): Promise<Account | undefined> {
  const item = await store.get(ledgerKeys.account(id));
  if (!item) return undefined;
  const account = accountFromItem(item);
  if (shardCountFromItem(item) === 1) return account;
  const shards = await store.query({
    partition: ledgerKeys.accountPartition(id),
    sort: { op: 'begins_with', value: ledgerKeys.shardPrefix },
  });
  for (const shard of shards.items.map((entry) => shardItemSchema.parse(entry)))
    for (const field of accountTotals) account[field] += shard[field];
  return account;
}

/** The raw account item, for the writes that change its layout. */
export function readAccountItem(store: Store, id: string): Promise<Item | undefined> {
  return store.get(ledgerKeys.account(id));
}

export function readTransfer(store: Store, id: string): Promise<Transfer | undefined> {
  return readItem(store, ledgerKeys.transfer(id), transferFromItem);
}

/** A transfer with the items its sides were written to (what resolving a hold needs). */
export function readTransferWithShards(
  store: Store,
  id: string,
): Promise<{ transfer: Transfer; shards: SideShards } | undefined> {
  return readItem(store, ledgerKeys.transfer(id), (item) => ({
    transfer: transferFromItem(item),
    shards: sideShardsFromItem(item),
  }));
}

/** A put that only creates: a second write of the same key fails its transaction. */
function createOnly(item: Item): WriteOperation {
  return { type: 'put', item, condition: { attributeNotExists: 'pk' } };
}

/**
 * The writes that open `account`: the account (create-only) with its room attributes, and its
 * entries in the registry the audit reads; with `shards` > 1, its shard items and its entry in
 * the shard directory too.
 */
export function accountOpeningPuts(account: Account, shards = 1): WriteOperation[] {
  const room = account.credits_posted - account.debits_posted - account.debits_pending;
  return [
    createOnly({
      ...ledgerKeys.account(account.id),
      entity: 'account',
      ...account,
      dr_room: room,
      cr_room: -room,
      ...(shards > 1 ? { shards } : {}),
    }),
    {
      type: 'put',
      item: { ...ledgerKeys.registry(account.currency, account.id), entity: 'account_registry' },
    },
    { type: 'put', item: { ...ledgerKeys.currency(account.currency), entity: 'ledger_currency' } },
    ...(shards > 1 ? shardPuts(account, 1, shards) : []),
  ];
}

/**
 * The writes that give `account` shard items `from` … `to − 1` (create-only, empty), and its
 * directory entry saying it has `to`: the directory entry is what makes writers use them, so
 * it is written with (or after) the items.
 */
export function shardPuts(account: Account, from: number, to: number): WriteOperation[] {
  const puts: WriteOperation[] = [];
  for (let shard = from; shard < to; shard++)
    puts.push(
      createOnly({
        ...ledgerKeys.shard(account.id, shard),
        entity: 'account_shard',
        currency: account.currency,
        debits_pending: 0,
        debits_posted: 0,
        credits_pending: 0,
        credits_posted: 0,
      }),
    );
  puts.push(shardDirectoryPut(account, to));
  return puts;
}

function shardDirectoryPut(account: AccountFlags & { id: string }, shards: number): WriteOperation {
  return {
    type: 'put',
    item: {
      ...ledgerKeys.shardDirectory(account.id),
      entity: 'account_shards',
      shards,
      debits_must_not_exceed_credits: account.debits_must_not_exceed_credits,
      credits_must_not_exceed_debits: account.credits_must_not_exceed_debits,
    },
  };
}

/** Raises the account item's shard count from `from` to `to`, only if no one else changed it. */
export function shardCountUpdate(accountId: string, from: number, to: number): WriteOperation {
  return {
    type: 'update',
    key: ledgerKeys.account(accountId),
    set: { shards: to },
    condition:
      from === 1
        ? { all: [{ attributeExists: 'pk' }, { attributeNotExists: 'shards' }] }
        : { compare: ['shards', '=', from] },
  };
}

/** Every account with more than one item, from the shard directory. */
export async function queryShardDirectory(store: Store): Promise<Map<string, ShardedAccount>> {
  const directory = new Map<string, ShardedAccount>();
  let cursor: string | undefined;
  do {
    const page = await store.query({
      partition: ledgerKeys.shardDirectoryPartition,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) directory.set(item.sk, shardDirectorySchema.parse(item));
    cursor = page.cursor;
  } while (cursor);
  return directory;
}

/** One shard's totals (shard ≥ 1), for folding. */
export async function readShardTotals(
  store: Store,
  accountId: string,
  shard: number,
): Promise<z.infer<typeof shardItemSchema> | undefined> {
  return readItem(store, ledgerKeys.shard(accountId, shard), (item) => shardItemSchema.parse(item));
}

/**
 * Moves `amount` of one posted total (`field`) from shard `shard` to the account item, where the
 * overdraft condition can count it. The account's totals (their sum) do not change.
 */
export function shardFold(
  accountId: string,
  shard: number,
  field: 'credits_posted' | 'debits_posted',
  amount: number,
): WriteOperation[] {
  const drRoom = field === 'credits_posted' ? amount : -amount;
  return [
    {
      type: 'update',
      key: ledgerKeys.shard(accountId, shard),
      add: { [field]: -amount },
      condition: { compare: [field, '>=', amount] },
    },
    {
      type: 'update',
      key: ledgerKeys.account(accountId),
      add: { [field]: amount, dr_room: drRoom, cr_room: -drRoom },
      condition: { all: [{ attributeExists: 'pk' }, { compare: [field, '<=', maxAccountTotal - amount] }] },
    },
  ];
}

export const accountTotals = [
  'debits_pending',
  'debits_posted',
  'credits_pending',
  'credits_posted',
] as const;

/** What one commit adds to an account's totals. */
export interface AccountDelta {
  currency: Currency;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
}

/**
 * The largest a running total may be: 2^53 − 1, the last integer a JavaScript number (and so the
 * SQLite adapter's arithmetic and every reader) holds exactly. Totals are refused past it rather
 * than rounded.
 */
export const maxAccountTotal = Number.MAX_SAFE_INTEGER;

/** Whether adding `d` would take one of `account`'s totals past `maxAccountTotal`. */
export function exceedsCapacity(account: Account, d: AccountDelta): boolean {
  return accountTotals.some((field) => d[field] > 0 && account[field] > maxAccountTotal - d[field]);
}

/**
 * One atomic update per account. The room attributes (`dr_room`, `cr_room`) are the balances the
 * overdraft flags guard, kept beside the four totals because DynamoDB conditions cannot do
 * arithmetic: a debit is allowed when `dr_room` covers it or the account has no such limit.
 * Likewise every total the update adds to carries `total <= 2^53 − 1 − delta`, checked in the
 * same transaction, so no two concurrent transfers can jointly take it past the edge.
 */
export function accountUpdate(accountId: string, d: AccountDelta, shard = 0): WriteOperation {
  if (shard > 0) return shardUpdate(accountId, shard, d);
  const drRoom = d.credits_posted - d.debits_posted - d.debits_pending;
  const crRoom = d.debits_posted - d.credits_posted - d.credits_pending;
  const conditions: Condition[] = [{ attributeExists: 'pk' }, { compare: ['currency', '=', d.currency] }];
  if (drRoom < 0)
    conditions.push({
      any: [
        { compare: ['debits_must_not_exceed_credits', '=', false] },
        { compare: ['dr_room', '>=', -drRoom] },
      ],
    });
  if (crRoom < 0)
    conditions.push({
      any: [
        { compare: ['credits_must_not_exceed_debits', '=', false] },
        { compare: ['cr_room', '>=', -crRoom] },
      ],
    });
  for (const field of accountTotals)
    if (d[field] > 0) conditions.push({ compare: [field, '<=', maxAccountTotal - d[field]] });
  const add: Record<string, number> = {};
  for (const field of accountTotals) if (d[field] !== 0) add[field] = d[field];
  if (drRoom !== 0) add.dr_room = drRoom;
  if (crRoom !== 0) add.cr_room = crRoom;
  return { type: 'update', key: ledgerKeys.account(accountId), add, condition: { all: conditions } };
}

/**
 * A shard item takes only sides no overdraft flag guards, so its update checks the currency and
 * the totals' capacity, and keeps no room attributes.
 */
function shardUpdate(accountId: string, shard: number, d: AccountDelta): WriteOperation {
  const conditions: Condition[] = [{ attributeExists: 'pk' }, { compare: ['currency', '=', d.currency] }];
  const add: Record<string, number> = {};
  for (const field of accountTotals) {
    if (d[field] > 0) conditions.push({ compare: [field, '<=', maxAccountTotal - d[field]] });
    if (d[field] !== 0) add[field] = d[field];
  }
  return { type: 'update', key: ledgerKeys.shard(accountId, shard), add, condition: { all: conditions } };
}

/**
 * The account an account item or one of its shard items stands for in a refusal (a shard: its
 * own totals and currency, no flags).
 */
export function accountOfItem(accountId: string, item: Item): Account {
  if (item.entity !== 'account_shard') return accountFromItem(item);
  return {
    id: accountId,
    owner: '',
    code: '',
    debits_must_not_exceed_credits: false,
    credits_must_not_exceed_debits: false,
    created_at: '',
    ...shardItemSchema.parse(item),
  };
}

/**
 * Turns an overdraft flag on, only where the account's totals already honour it: the room
 * attribute the flag's condition reads is not negative (`cr_room` = debits posted − credits
 * posted − credits pending ≥ 0 for `credits_must_not_exceed_debits`; `dr_room` for the other),
 * in the same write, so no transfer committed between a read and this update can slip past it.
 */
export function accountFlagUpdate(accountId: string, flag: keyof AccountFlags): WriteOperation {
  const [room, other] =
    flag === 'credits_must_not_exceed_debits'
      ? (['cr_room', 'debits_must_not_exceed_credits'] as const)
      : (['dr_room', 'credits_must_not_exceed_debits'] as const);
  return {
    type: 'update',
    key: ledgerKeys.account(accountId),
    set: { [flag]: true },
    condition: {
      all: [
        { attributeExists: 'pk' },
        { compare: [flag, '=', false] },
        // The flags exclude each other, as in TigerBeetle: both would freeze the account.
        { compare: [other, '=', false] },
        { compare: [room, '>=', 0] },
      ],
    },
  };
}

/**
 * The transfer, create-only, placed in the history of both its accounts (the index partitions of
 * the items its sides are written to); a hold also goes into the pending index by its expiry.
 */
export function transferPut(
  transfer: Transfer,
  shards: SideShards = { debit: 0, credit: 0 },
): WriteOperation {
  const sort = ledgerKeys.historySort(transfer.created_at, transfer.id);
  const pendingIndex =
    transfer.kind === 'pending'
      ? {
          gsi1pk: ledgerKeys.pendingPartition(transfer.id),
          gsi1sk: ledgerKeys.pendingSort(transfer.timeout_at ?? 0, transfer.id),
        }
      : {};
  // The id and the account ids are in the keys below: stored once (`transferFromItem`).
  const { id: _id, debit_account_id: _debit, credit_account_id: _credit, ...attributes } = transfer;
  return createOnly({
    ...ledgerKeys.transfer(transfer.id),
    entity: 'transfer',
    ...attributes,
    ...pendingIndex,
    [sideIndex.debit.pk]: ledgerKeys.historyPartition(transfer.debit_account_id, shards.debit),
    [sideIndex.debit.sk]: sort,
    [sideIndex.credit.pk]: ledgerKeys.historyPartition(transfer.credit_account_id, shards.credit),
    [sideIndex.credit.sk]: sort,
    ...(shards.debit > 0 ? { debit_shard: shards.debit } : {}),
    ...(shards.credit > 0 ? { credit_shard: shards.credit } : {}),
  });
}

/** Whether `operation` is the put of a transfer (`transferPut`). */
export function isTransferPut(operation: WriteOperation | undefined): boolean {
  return operation?.type === 'put' && operation.item.entity === 'transfer';
}

/**
 * The hold moves from `pending` exactly once, and leaves the pending index; an expired hold can
 * no longer be posted.
 */
export function holdResolutionUpdate(pending: Transfer, resolution: Transfer, now: number): WriteOperation {
  const status =
    resolution.kind === 'post_pending' ? 'posted' : resolution.kind === 'void_pending' ? 'voided' : 'expired';
  const stillOpen: Condition[] = [{ compare: ['pending_status', '=', 'pending'] }];
  if (resolution.kind === 'expire_pending') {
    stillOpen.push({ compare: ['timeout_at', '>', 0] }, { compare: ['timeout_at', '<=', now] });
  } else {
    stillOpen.push({ any: [{ compare: ['timeout_at', '=', 0] }, { compare: ['timeout_at', '>', now] }] });
  }
  return {
    type: 'update',
    key: ledgerKeys.transfer(pending.id),
    set: { pending_status: status, resolved_by: resolution.id, gsi1pk: undefined, gsi1sk: undefined },
    condition: { all: stillOpen },
  };
}

/** The id of the hold `operation` resolves (`holdResolutionUpdate`), if it is such an update. */
export function resolvedHoldId(operation: WriteOperation | undefined): string | undefined {
  if (operation?.type !== 'update' || !operation.key.pk.startsWith('TR#')) return undefined;
  return operation.key.pk.slice('TR#'.length);
}

/** One side of a transfer, as the account's history shows it. */
export function historyEntryOf(transfer: Transfer, accountId: string): HistoryEntry {
  const debit = transfer.debit_account_id === accountId;
  return {
    account_id: accountId,
    transfer_id: transfer.id,
    kind: transfer.kind,
    direction: debit ? 'debit' : 'credit',
    amount: transfer.amount,
    currency: transfer.currency,
    code: transfer.code,
    counterparty_account_id: debit ? transfer.credit_account_id : transfer.debit_account_id,
    metadata: transfer.metadata,
    created_at: transfer.created_at,
    ...(transfer.pending_status !== undefined ? { pending_status: transfer.pending_status } : {}),
  };
}

/**
 * A page of an account's history, in time order: its transfers, merged from the index
 * partitions of its sides (debits in gsi2, credits in gsi3) of each of its items.
 */
export async function queryHistory(
  store: Store,
  accountId: string,
  shards: number,
  options: { limit: number; cursor?: string; direction: 'asc' | 'desc' },
): Promise<{ entries: HistoryEntry[]; cursor: string | undefined }> {
  const sources: MergedSource[] = [];
  for (let shard = 0; shard < shards; shard++)
    for (const side of [sideIndex.debit, sideIndex.credit])
      sources.push({ index: side.name, partition: ledgerKeys.historyPartition(accountId, shard) });
  const page = await queryMerged(store, {
    sources,
    direction: options.direction,
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return {
    entries: page.items.map((item) => historyEntryOf(transferFromItem(item), accountId)),
    cursor: page.cursor,
  };
}

/** A history item of the layout before history lived on transfers: what the migration moves. */
const legacyHistorySchema = z.object({ transfer_id: z.string(), direction: z.enum(['debit', 'credit']) });

/**
 * Moves one account's old history items onto their transfers, a page at a time: each transfer
 * gets the index attributes of that side, and the history item is deleted, in one transaction.
 * Returns how many it moved. Idempotent: a second run finds nothing left.
 */
export async function migrateLegacyHistory(store: Store, accountId: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const page = await store.query({
      partition: ledgerKeys.accountPartition(accountId),
      sort: { op: 'begins_with', value: ledgerKeys.legacyHistoryPrefix },
      limit: 100,
    });
    if (page.items.length === 0) return moved;
    for (const item of page.items) {
      const entry = legacyHistorySchema.parse(item);
      const transfer = await readTransfer(store, entry.transfer_id);
      const remove: WriteOperation = { type: 'delete', key: { pk: item.pk, sk: item.sk } };
      const side = sideIndex[entry.direction];
      await store.transact(
        transfer
          ? [
              {
                type: 'update',
                key: ledgerKeys.transfer(transfer.id),
                set: {
                  [side.pk]: ledgerKeys.historyPartition(accountId, 0),
                  [side.sk]: ledgerKeys.historySort(transfer.created_at, transfer.id),
                },
              },
              remove,
            ]
          : [remove],
      );
      moved += 1;
    }
  }
}

/**
 * Ids of unresolved holds whose timeout is at or before `now`, oldest first, as the pending index
 * shows them (it may lag on DynamoDB: read each hold again before acting on it).
 */
export async function queryDueHolds(
  store: Store,
  now: number,
  limit: number,
): Promise<{ ids: string[]; cursor: string | undefined }> {
  const { items, more } = await queryPartitions(store, {
    index: 'gsi1',
    partitions: [
      ledgerKeys.legacyPendingPartition,
      ...Array.from({ length: pendingPartitions }, (_, n) => `${ledgerKeys.legacyPendingPartition}#${n}`),
    ],
    sort: {
      op: 'between',
      low: ledgerKeys.pendingSort(1, ''),
      high: ledgerKeys.pendingSort(now, '\u{10FFFF}'),
    },
    limit,
  });
  return { ids: items.map((item) => transferFromItem(item).id), cursor: more ? 'more' : undefined };
}

/** Every currency the ledger has opened an account in. */
export function queryCurrencies(store: Store): AsyncGenerator<string> {
  return sortKeysOf(store, ledgerKeys.currenciesPartition);
}

/** The ids of every account in `currency`, from the registry. */
export function queryAccountIds(store: Store, currency: string): AsyncGenerator<string> {
  return sortKeysOf(store, ledgerKeys.registryPartition(currency));
}

/** The sort keys of a whole partition, a page at a time (registry items hold nothing else). */
async function* sortKeysOf(store: Store, partition: string): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ partition, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) yield item.sk;
    cursor = page.cursor;
  } while (cursor);
}
