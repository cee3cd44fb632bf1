import type { Clock } from '../kernel/clock.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { isValidAmount, type Currency } from '../kernel/money.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled, type Item, type Store, type WriteOperation } from '../platform/store.ts';
import type { Account, NewAccount, Transfer, TransferRequest } from './model.ts';
import {
  foldAccountShards,
  invalidateDirectory,
  maxShards,
  mayFold,
  pickShard,
  shardDirectory,
} from './shards.ts';
import {
  accountOpeningPuts,
  accountUpdate,
  exceedsCapacity,
  holdResolutionUpdate,
  isTransferPut,
  readAccount,
  readTransfer,
  readTransferWithShards,
  resolvedHoldId,
  accountOfItem,
  transferFromItem,
  transferPut,
  type AccountDelta,
  type SideShards,
} from './store.ts';

export interface LedgerDeps {
  store: Store;
  clock: Clock;
}

/** The event a ledger write records; without `data`, its data is `{ transfers }`. */
export interface LedgerEventSpec {
  type: string;
  source: string;
  subject: string;
  audience?: string[];
  /** The sandbox merchant the event belongs to, if any. */
  merchant?: string;
  /** Domain data, or a function of the transfers being written that returns it. */
  data?: Record<string, unknown> | ((transfers: Transfer[]) => Record<string, unknown>);
}

export interface TransferOptions {
  /** Names the outbox event in domain terms; defaults to `ledger.transfers.created` with `{ transfers }`. */
  event?: LedgerEventSpec;
  /** More writes to commit in the same transaction (idempotency records, domain records). */
  operations?: (transfers: Transfer[]) => WriteOperation[];
}

export interface TransferResult {
  transfers: Transfer[];
  /** True when every transfer already existed with the same fields: nothing was written. */
  replayed: boolean;
  event: EventEnvelope | undefined;
}

/** Funds a new account in the same transaction that opens it (a sign-up bonus, say). */
export interface OpeningTransfer {
  id: string;
  /** The account debited: usually a system account. */
  debit_account_id: string;
  amount: number;
  code: string;
  metadata?: Record<string, string>;
  event: LedgerEventSpec;
}

/**
 * Opens or returns an account. Account creation is idempotent by id: the same id with the same
 * currency, owner and code returns the stored account; with others it is an error. With
 * `opening`, the account is created already holding the opening transfer, in one transaction,
 * so nobody can ever see it open but unfunded.
 */
export async function createAccount(
  deps: LedgerDeps,
  input: NewAccount,
  opening?: OpeningTransfer,
): Promise<Account> {
  const account: Account = {
    id: input.id,
    currency: input.currency,
    owner: input.owner,
    code: input.code,
    debits_must_not_exceed_credits: input.debits_must_not_exceed_credits ?? false,
    credits_must_not_exceed_debits: input.credits_must_not_exceed_debits ?? false,
    debits_pending: 0,
    debits_posted: 0,
    credits_pending: 0,
    credits_posted: 0,
    created_at: isoTime(deps.clock.now()),
  };
  const shards = input.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > maxShards)
    throw new AppError('validation_failed', `shards must be an integer from 1 to ${maxShards}`, {
      param: 'shards',
    });
  const operations: WriteOperation[] = [];
  // What the opening transfer adds to the funding account's totals.
  const openingDebit: AccountDelta | undefined = opening && {
    currency: account.currency,
    debits_pending: 0,
    debits_posted: opening.amount,
    credits_pending: 0,
    credits_posted: 0,
  };
  if (opening) {
    if (!isValidAmount(opening.amount))
      throw new AppError('validation_failed', 'amount must be a positive integer in minor units', {
        param: 'amount',
      });
    const transfer: Transfer = {
      id: opening.id,
      kind: 'posted',
      debit_account_id: opening.debit_account_id,
      credit_account_id: account.id,
      amount: opening.amount,
      currency: account.currency,
      code: opening.code,
      metadata: opening.metadata ?? {},
      created_at: account.created_at,
    };
    account.credits_posted = opening.amount;
    const spec = opening.event;
    const event = createEvent({
      ...spec,
      data:
        typeof spec.data === 'function' ? spec.data([transfer]) : (spec.data ?? { transfers: [transfer] }),
      now: deps.clock.now(),
    });
    const directory = await shardDirectory(deps.store, deps.clock.now());
    const debitShard = pickShard(directory.get(opening.debit_account_id), 'debit', transfer.id);
    operations.push(
      transferPut(transfer, { debit: debitShard, credit: 0 }),
      accountUpdate(opening.debit_account_id, openingDebit!, debitShard),
      outboxPut(event),
    );
  }
  const opened = accountOpeningPuts(account, shards);
  // The funding account's update: after the opening puts and the transfer.
  const openingDebitIndex = opened.length + 1;
  try {
    await deps.store.transact([...opened, ...operations]);
    // This process spreads the new account's writes at once; others within the refresh interval.
    if (shards > 1) invalidateDirectory(deps.store);
    return account;
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const existing = await getAccount(deps, account.id);
    if (!existing && opening) {
      // The account is not there, so the opening transfer's debit side refused it.
      const debit = error.reasons.find((reason) => reason.index === openingDebitIndex)?.item;
      if (!debit)
        throw new AppError('not_found', `no account ${opening.debit_account_id}`, {
          param: 'debit_account_id',
        });
      const funding = accountOfItem(opening.debit_account_id, debit);
      if (exceedsCapacity(funding, openingDebit!)) throw capacityError(opening.debit_account_id);
      throw new AppError('insufficient_funds', 'the opening transfer exceeds the funding account', {
        param: 'amount',
      });
    }
    if (
      existing &&
      existing.currency === account.currency &&
      existing.owner === account.owner &&
      existing.code === account.code
    ) {
      return existing;
    }
    throw new AppError('account_exists', `account ${account.id} exists with other fields`, { param: 'id' });
  }
}

// Not async: a wrapping async function would add a promise hop to every read of the hot path.
export function getAccount(deps: LedgerDeps, id: string): Promise<Account | undefined> {
  return readAccount(deps.store, id);
}

export function getTransfer(deps: LedgerDeps, id: string): Promise<Transfer | undefined> {
  return readTransfer(deps.store, id);
}

/**
 * Commits transfers as one linked group: all of them or none, with one outbox event.
 * Refusals: `insufficient_funds` (402) when a no-overdraft account would go negative,
 * `not_found`, `currency_mismatch`, `transfer_exists` (same id, other fields),
 * `transfer_not_pending` (post or void of a resolved or expired hold), `amount_exceeds_pending`,
 * `amount_exceeds_capacity` (422) when a running total would pass 2^53 − 1.
 *
 * @example
 * await createTransfers(deps, [{ id: newId('transfer'), debit_account_id: a, credit_account_id: b,
 *   amount: 500, currency: 'USD', code: 'p2p' }]);
 */
export async function createTransfers(
  deps: LedgerDeps,
  requests: TransferRequest[],
  options: TransferOptions = {},
): Promise<TransferResult> {
  try {
    return await writeTransfers(deps, requests, options);
  } catch (error) {
    // A limited account may be short only because its credits wait in its shards: fold them
    // into the account item and try once more.
    const accountId =
      error instanceof AppError && error.code === 'insufficient_funds'
        ? error.details?.account_id
        : undefined;
    if (typeof accountId !== 'string' || !(await mayFold(deps.store, deps.clock.now(), accountId)))
      throw error;
    if ((await foldAccountShards(deps, accountId)) === 0) throw error;
    return writeTransfers(deps, requests, options);
  }
}

async function writeTransfers(
  deps: LedgerDeps,
  requests: TransferRequest[],
  options: TransferOptions,
): Promise<TransferResult> {
  if (requests.length === 0) throw new AppError('invalid_request', 'at least one transfer is required');
  const now = deps.clock.now();
  const createdAt = isoTime(now);
  const linkedId = requests.length > 1 ? requests[0]!.id : undefined;
  const directory = await shardDirectory(deps.store, now);

  // Post and void need the hold they resolve: read it (it is immutable but for its status), with
  // the items its sides went to, which its resolution goes to as well.
  const pendings = new Map<string, Transfer>();
  const pendingShards = new Map<string, SideShards>();
  for (const request of requests) {
    if ('pending_id' in request) {
      const found = await readTransferWithShards(deps.store, request.pending_id);
      if (!found || found.transfer.kind !== 'pending')
        throw new AppError('not_found', `no pending transfer ${request.pending_id}`, { param: 'pending_id' });
      pendings.set(request.pending_id, found.transfer);
      pendingShards.set(request.pending_id, found.shards);
    }
  }

  const transfers = requests.map((request) => buildTransfer(request, pendings, createdAt, linkedId));
  const operations: WriteOperation[] = [];
  const deltas = new Map<string, { accountId: string; shard: number; delta: AccountDelta }>();
  const delta = (accountId: string, shard: number, currency: Currency) => {
    const key = `${accountId}#${shard}`;
    let entry = deltas.get(key);
    if (!entry) {
      entry = {
        accountId,
        shard,
        delta: { currency, debits_pending: 0, debits_posted: 0, credits_pending: 0, credits_posted: 0 },
      };
      deltas.set(key, entry);
    } else if (entry.delta.currency !== currency) {
      // One update per item checks one currency: a group moving two currencies through one
      // account would pass that check for the first and book the second in the wrong currency.
      throw new AppError(
        'currency_mismatch',
        `account ${accountId} cannot take ${entry.delta.currency} and ${currency} in one group`,
        { param: 'currency' },
      );
    }
    return entry.delta;
  };

  for (const transfer of transfers) {
    const shards = transfer.pending_id
      ? pendingShards.get(transfer.pending_id)!
      : {
          debit: pickShard(directory.get(transfer.debit_account_id), 'debit', transfer.id),
          credit: pickShard(directory.get(transfer.credit_account_id), 'credit', transfer.id),
        };
    operations.push(transferPut(transfer, shards));
    const debit = delta(transfer.debit_account_id, shards.debit, transfer.currency);
    const credit = delta(transfer.credit_account_id, shards.credit, transfer.currency);
    switch (transfer.kind) {
      case 'posted':
        debit.debits_posted += transfer.amount;
        credit.credits_posted += transfer.amount;
        break;
      case 'pending':
        debit.debits_pending += transfer.amount;
        credit.credits_pending += transfer.amount;
        break;
      case 'post_pending':
      case 'void_pending':
      case 'expire_pending': {
        const pending = pendings.get(transfer.pending_id!)!;
        debit.debits_pending -= pending.amount;
        credit.credits_pending -= pending.amount;
        if (transfer.kind === 'post_pending') {
          debit.debits_posted += transfer.amount;
          credit.credits_posted += transfer.amount;
        }
        operations.push(holdResolutionUpdate(pending, transfer, now));
        break;
      }
    }
  }

  const accountOperationIndex = new Map<number, { accountId: string; delta: AccountDelta }>();
  for (const { accountId, shard, delta: d } of deltas.values()) {
    accountOperationIndex.set(operations.length, { accountId, delta: d });
    operations.push(accountUpdate(accountId, d, shard));
  }
  const spec = options.event ?? {
    type: 'ledger.transfers.created',
    source: 'sluice.ledger',
    subject: transfers[0]!.id,
  };
  const event = createEvent({
    type: spec.type,
    source: spec.source,
    subject: spec.subject,
    ...(spec.audience ? { audience: spec.audience } : {}),
    ...(spec.merchant ? { merchant: spec.merchant } : {}),
    // Domain events carry their own data (a webhook must not see ledger internals); the ledger's
    // default event carries the transfers.
    data: typeof spec.data === 'function' ? spec.data(transfers) : (spec.data ?? { transfers }),
    now,
  });
  operations.push(outboxPut(event));
  operations.push(...(options.operations?.(transfers) ?? []));

  try {
    await deps.store.transact(operations);
    return { transfers, replayed: false, event };
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return explainRefusal(
      deps,
      error.reasons.map((r) => ({ index: r.index, item: r.item })),
      operations,
      transfers,
      accountOperationIndex,
    );
  }
}

function buildTransfer(
  request: TransferRequest,
  pendings: Map<string, Transfer>,
  createdAt: string,
  linkedId: string | undefined,
): Transfer {
  const base = {
    id: request.id,
    metadata: request.metadata ?? {},
    created_at: createdAt,
    ...(linkedId ? { linked_id: linkedId } : {}),
  };
  if ('pending_id' in request) {
    const pending = pendings.get(request.pending_id)!;
    const amount = request.kind === 'post_pending' ? (request.amount ?? pending.amount) : pending.amount;
    if (request.kind === 'post_pending') {
      if (!isValidAmount(amount))
        throw new AppError('validation_failed', 'amount must be a positive integer in minor units', {
          param: 'amount',
        });
      if (amount > pending.amount) {
        throw new AppError('amount_exceeds_pending', `cannot post ${amount}: the hold is ${pending.amount}`, {
          param: 'amount',
        });
      }
    }
    return {
      ...base,
      kind: request.kind,
      debit_account_id: pending.debit_account_id,
      credit_account_id: pending.credit_account_id,
      amount,
      currency: pending.currency,
      code: pending.code,
      pending_id: pending.id,
    };
  }
  if (!isValidAmount(request.amount))
    throw new AppError('validation_failed', 'amount must be a positive integer in minor units', {
      param: 'amount',
    });
  if (request.debit_account_id === request.credit_account_id) {
    throw new AppError('invalid_request', 'a transfer needs two different accounts', {
      param: 'credit_account_id',
    });
  }
  const kind = request.kind ?? 'posted';
  const timeoutSeconds = request.timeout_seconds ?? 0;
  return {
    ...base,
    kind,
    debit_account_id: request.debit_account_id,
    credit_account_id: request.credit_account_id,
    amount: request.amount,
    currency: request.currency,
    code: request.code,
    ...(kind === 'pending'
      ? {
          pending_status: 'pending' as const,
          timeout_at: timeoutSeconds > 0 ? Date.parse(createdAt) + timeoutSeconds * 1000 : 0,
        }
      : {}),
  };
}

/**
 * Why a hold could not be resolved: it is no longer pending, or, still pending, it has expired
 * (a post or void) or is not due yet (an expiry).
 */
function holdRefusal(holdId: string, hold: Transfer | undefined, expiring: boolean): string {
  const status = hold?.pending_status ?? 'missing';
  if (status !== 'pending') return `pending transfer ${holdId} is ${status}`;
  if (!expiring) return `pending transfer ${holdId} is pending but has expired`;
  const due = hold?.timeout_at ?? 0;
  return due > 0
    ? `pending transfer ${holdId} is pending and not due to expire until ${new Date(due).toISOString()}`
    : `pending transfer ${holdId} is pending and has no timeout`;
}

/** Turns the failed conditions of a refused transaction into the error the caller can act on. */
async function explainRefusal(
  deps: LedgerDeps,
  reasons: Array<{ index: number; item: Item | undefined }>,
  operations: WriteOperation[],
  transfers: Transfer[],
  accountOperationIndex: Map<number, { accountId: string; delta: AccountDelta }>,
): Promise<TransferResult> {
  if (reasons.some((r) => isTransferPut(operations[r.index]))) {
    // Same ids again: a replay when every transfer exists with the same fields.
    const existing = await Promise.all(transfers.map((t) => getTransfer(deps, t.id)));
    const replayed = existing.filter(
      (e, i): e is Transfer => e !== undefined && sameTransfer(e, transfers[i]!),
    );
    if (replayed.length === transfers.length)
      return { transfers: replayed, replayed: true, event: undefined };
    const index = existing.findIndex((e, i) => e && !sameTransfer(e, transfers[i]!));
    throw new AppError(
      'transfer_exists',
      `transfer ${transfers[Math.max(index, 0)]!.id} exists with other fields`,
      { param: 'id' },
    );
  }
  for (const reason of reasons) {
    const side = accountOperationIndex.get(reason.index);
    if (side !== undefined) {
      const { accountId } = side;
      if (!reason.item)
        throw new AppError('not_found', `no account ${accountId}`, {
          param: 'account_id',
          details: { account_id: accountId },
        });
      const account = accountOfItem(accountId, reason.item);
      const transfer = transfers.find(
        (t) => t.debit_account_id === accountId || t.credit_account_id === accountId,
      )!;
      if (account.currency !== transfer.currency) {
        throw new AppError(
          'currency_mismatch',
          `account ${accountId} holds ${account.currency}, not ${transfer.currency}`,
          { param: 'currency' },
        );
      }
      if (exceedsCapacity(account, side.delta)) throw capacityError(accountId);
      throw new AppError('insufficient_funds', 'insufficient funds for this transfer', {
        details: { account_id: accountId },
      });
    }
    const holdId = resolvedHoldId(operations[reason.index]);
    if (holdId !== undefined) {
      const hold = reason.item ? transferFromItem(reason.item) : undefined;
      const expiring = transfers.some((t) => t.pending_id === holdId && t.kind === 'expire_pending');
      throw new AppError('transfer_not_pending', holdRefusal(holdId, hold, expiring), {
        param: 'pending_id',
      });
    }
  }
  // A condition supplied by the caller's own operations failed: the caller knows what it means.
  throw new AppError('conflict', 'the transfer conflicts with a concurrent change', {
    details: { failed_operations: reasons.map((r) => r.index) },
  });
}

/**
 * A total would pass 2^53 − 1 and could no longer be held exactly. 422 rather than 409: the
 * request is well formed but this account cannot take it, and retrying it will not help.
 */
function capacityError(accountId: string): AppError {
  return new AppError(
    'amount_exceeds_capacity',
    `the amount would take account ${accountId}'s totals past ${Number.MAX_SAFE_INTEGER}, the most the ledger holds exactly`,
    { param: 'amount', details: { account_id: accountId } },
  );
}

function sameTransfer(a: Transfer, b: Transfer): boolean {
  return (
    a.kind === b.kind &&
    a.debit_account_id === b.debit_account_id &&
    a.credit_account_id === b.credit_account_id &&
    a.amount === b.amount &&
    a.currency === b.currency &&
    a.code === b.code &&
    (a.pending_id ?? '') === (b.pending_id ?? '') &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  );
}
