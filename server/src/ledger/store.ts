import { z } from 'zod';
import { isCurrency, type Currency } from '../kernel/money.ts';
import type { KeyPattern } from '../platform/keys.ts';
import { readItem, type Condition, type Item, type Store, type WriteOperation } from '../platform/store.ts';
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
 *   overdraft conditions read (`dr_room`, `cr_room`);
 * - history `ACC#<account id>` / `H#<created_at>#<transfer id>`: one entry per side of a transfer;
 * - transfer `TR#<id>` / `TR`; an unresolved hold is also in gsi1 `LEDGER#PENDING`, by expiry;
 * - registry `LEDGER#CURRENCY#<currency>` / `<account id>` and `LEDGER#CURRENCIES` / `<currency>`:
 *   never-updated items through which the audit finds every account.
 *
 * Items are mapped to records by zod schemas built once; a parse costs well under a microsecond
 * (an account ~0.1 µs, a transfer with metadata ~0.8 µs), small beside the store read itself.
 */
const ledgerKeys = {
  account: (id: string) => ({ pk: `ACC#${id}`, sk: 'ACC' }),
  transfer: (id: string) => ({ pk: `TR#${id}`, sk: 'TR' }),
  history: (accountId: string, createdAt: string, transferId: string) => ({
    pk: `ACC#${accountId}`,
    sk: `H#${createdAt}#${transferId}`,
  }),
  historyPartition: (accountId: string) => `ACC#${accountId}`,
  historyPrefix: 'H#',
  registry: (currency: string, accountId: string) => ({ pk: `LEDGER#CURRENCY#${currency}`, sk: accountId }),
  registryPartition: (currency: string) => `LEDGER#CURRENCY#${currency}`,
  currency: (currency: string) => ({ pk: 'LEDGER#CURRENCIES', sk: currency }),
  currenciesPartition: 'LEDGER#CURRENCIES',
  pendingPartition: 'LEDGER#PENDING',
  pendingSort: (timeoutAt: number, id: string) => `${String(timeoutAt).padStart(15, '0')}#${id}`,
} as const;

/** Every partition key and index partition the ledger writes (`*` is one id). */
export const ledgerKeyPatterns = [
  'ACC#*',
  'TR#*',
  'LEDGER#CURRENCY#{CODE}',
  'LEDGER#CURRENCIES',
  'LEDGER#PENDING',
] as const satisfies readonly KeyPattern[];

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

const historyItemSchema = z.object({
  account_id: z.string(),
  transfer_id: z.string(),
  kind: z.enum(transferKinds),
  direction: z.enum(['debit', 'credit']),
  amount: totalSchema,
  currency: currencySchema,
  code: z.string(),
  counterparty_account_id: z.string(),
  metadata: metadataSchema,
  created_at: z.string(),
});

/** The account an account item holds. Throws (naming the field) when the item is malformed. */
export function accountFromItem(item: Item): Account {
  return accountItemSchema.parse(item);
}

/** The transfer a transfer item holds, without its keys, index attributes or `resolved_by`. */
export function transferFromItem(item: Item): Transfer {
  return transferItemSchema.parse(item);
}

export function historyEntryFromItem(item: Item): HistoryEntry {
  return historyItemSchema.parse(item);
}

export function readAccount(store: Store, id: string): Promise<Account | undefined> {
  return readItem(store, ledgerKeys.account(id), accountFromItem);
}

export function readTransfer(store: Store, id: string): Promise<Transfer | undefined> {
  return readItem(store, ledgerKeys.transfer(id), transferFromItem);
}

/** A put that only creates: a second write of the same key fails its transaction. */
function createOnly(item: Item): WriteOperation {
  return { type: 'put', item, condition: { attributeNotExists: 'pk' } };
}

/**
 * The writes that open `account`: the account (create-only) with its room attributes, and its
 * entries in the registry the audit reads.
 */
export function accountOpeningPuts(account: Account): WriteOperation[] {
  const room = account.credits_posted - account.debits_posted - account.debits_pending;
  return [
    createOnly({
      ...ledgerKeys.account(account.id),
      entity: 'account',
      ...account,
      dr_room: room,
      cr_room: -room,
    }),
    {
      type: 'put',
      item: { ...ledgerKeys.registry(account.currency, account.id), entity: 'account_registry' },
    },
    { type: 'put', item: { ...ledgerKeys.currency(account.currency), entity: 'ledger_currency' } },
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
export function accountUpdate(accountId: string, d: AccountDelta): WriteOperation {
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

/** The transfer, create-only; a hold also goes into the pending index by its expiry. */
export function transferPut(transfer: Transfer): WriteOperation {
  const pendingIndex =
    transfer.kind === 'pending'
      ? {
          gsi1pk: ledgerKeys.pendingPartition,
          gsi1sk: ledgerKeys.pendingSort(transfer.timeout_at ?? 0, transfer.id),
        }
      : {};
  return createOnly({
    ...ledgerKeys.transfer(transfer.id),
    entity: 'transfer',
    ...transfer,
    ...pendingIndex,
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

/** One history entry on each side of a transfer. */
export function historyPuts(transfer: Transfer): WriteOperation[] {
  return (
    [
      [transfer.debit_account_id, 'debit', transfer.credit_account_id],
      [transfer.credit_account_id, 'credit', transfer.debit_account_id],
    ] as const
  ).map(([accountId, direction, counterparty]) => {
    const entry: HistoryEntry = {
      account_id: accountId,
      transfer_id: transfer.id,
      kind: transfer.kind,
      direction,
      amount: transfer.amount,
      currency: transfer.currency,
      code: transfer.code,
      counterparty_account_id: counterparty,
      metadata: transfer.metadata,
      created_at: transfer.created_at,
    };
    return {
      type: 'put',
      item: {
        ...ledgerKeys.history(accountId, transfer.created_at, transfer.id),
        entity: 'history',
        ...entry,
      },
    };
  });
}

/** A page of an account's history entries, in time order. */
export async function queryHistory(
  store: Store,
  accountId: string,
  options: { limit: number; cursor?: string; direction: 'asc' | 'desc' },
): Promise<{ entries: HistoryEntry[]; cursor: string | undefined }> {
  const page = await store.query({
    partition: ledgerKeys.historyPartition(accountId),
    sort: { op: 'begins_with', value: ledgerKeys.historyPrefix },
    direction: options.direction,
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { entries: page.items.map(historyEntryFromItem), cursor: page.cursor };
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
  const page = await store.query({
    index: 'gsi1',
    partition: ledgerKeys.pendingPartition,
    sort: {
      op: 'between',
      low: ledgerKeys.pendingSort(1, ''),
      high: ledgerKeys.pendingSort(now, '\u{10FFFF}'),
    },
    limit,
  });
  return { ids: page.items.map((item) => transferFromItem(item).id), cursor: page.cursor };
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
