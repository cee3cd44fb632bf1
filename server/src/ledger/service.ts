import type { Clock } from '../kernel/clock.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent, type EventEnvelope } from '../kernel/events.ts';
import { isValidAmount, type Currency } from '../kernel/money.ts';
import { outboxPut } from '../platform/outbox.ts';
import {
  isTransactionCanceled,
  type Condition,
  type Item,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import { ledgerKeys } from './keys.ts';
import type { Account, HistoryEntry, NewAccount, Transfer, TransferRequest } from './model.ts';

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

const accountFields = ['debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'] as const;

interface AccountDelta {
  currency: Currency;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
}

/** Position of the debit account's update in an opening transaction: after the account, registry, currency, transfer and two history puts. */
const openingDebitIndex = 6;

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
export async function createAccount(deps: LedgerDeps, input: NewAccount, opening?: OpeningTransfer): Promise<Account> {
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
  const operations: WriteOperation[] = [];
  if (opening) {
    if (!isValidAmount(opening.amount)) throw new AppError('validation_failed', 'amount must be a positive integer in minor units', { param: 'amount' });
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
    const event = createEvent({ ...spec, data: typeof spec.data === 'function' ? spec.data([transfer]) : (spec.data ?? { transfers: [transfer] }), now: deps.clock.now() });
    operations.push(
      transferPut(transfer),
      ...historyPuts(transfer),
      accountUpdate(opening.debit_account_id, { currency: account.currency, debits_pending: 0, debits_posted: opening.amount, credits_pending: 0, credits_posted: 0 }),
      outboxPut(event),
    );
  }
  const room = account.credits_posted - account.debits_posted - account.debits_pending;
  try {
    await deps.store.transact([
      {
        type: 'put',
        item: { ...ledgerKeys.account(account.id), entity: 'account', ...account, dr_room: room, cr_room: -room },
        condition: { attributeNotExists: 'pk' },
      },
      { type: 'put', item: { ...ledgerKeys.registry(account.currency, account.id), entity: 'account_registry' } },
      { type: 'put', item: { ...ledgerKeys.currency(account.currency), entity: 'ledger_currency' } },
      ...operations,
    ]);
    return account;
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const existing = await getAccount(deps, account.id);
    if (!existing && opening) {
      // The account is not there, so the opening transfer's debit side refused it.
      const debit = error.reasons.find((reason) => reason.index === openingDebitIndex)?.item;
      if (!debit) throw new AppError('not_found', `no account ${opening.debit_account_id}`, { param: 'debit_account_id' });
      throw new AppError('insufficient_funds', 'the opening transfer exceeds the funding account', { param: 'amount' });
    }
    if (existing && existing.currency === account.currency && existing.owner === account.owner && existing.code === account.code) {
      return existing;
    }
    throw new AppError('account_exists', `account ${account.id} exists with other fields`, { param: 'id' });
  }
}

export async function getAccount(deps: LedgerDeps, id: string): Promise<Account | undefined> {
  const item = await deps.store.get(ledgerKeys.account(id));
  return item ? toAccount(item) : undefined;
}

export async function getTransfer(deps: LedgerDeps, id: string): Promise<Transfer | undefined> {
  const item = await deps.store.get(ledgerKeys.transfer(id));
  return item ? toTransfer(item) : undefined;
}

/**
 * Commits transfers as one linked group: all of them or none, with one outbox event.
 * Refusals: `insufficient_funds` (402) when a no-overdraft account would go negative,
 * `not_found`, `currency_mismatch`, `transfer_exists` (same id, other fields),
 * `transfer_not_pending` (post or void of a resolved or expired hold), `amount_exceeds_pending`.
 *
 * @example
 * await createTransfers(deps, [{ id: newId('transfer'), debit_account_id: a, credit_account_id: b,
 *   amount: 500, currency: 'USD', code: 'p2p' }]);
 */
export async function createTransfers(deps: LedgerDeps, requests: TransferRequest[], options: TransferOptions = {}): Promise<TransferResult> {
  if (requests.length === 0) throw new AppError('invalid_request', 'at least one transfer is required');
  const now = deps.clock.now();
  const createdAt = isoTime(now);
  const linkedId = requests.length > 1 ? requests[0]!.id : undefined;

  // Post and void need the hold they resolve: read it (it is immutable but for its status).
  const pendings = new Map<string, Transfer>();
  for (const request of requests) {
    if ('pending_id' in request) {
      const pending = await getTransfer(deps, request.pending_id);
      if (!pending || pending.kind !== 'pending') throw new AppError('not_found', `no pending transfer ${request.pending_id}`, { param: 'pending_id' });
      pendings.set(request.pending_id, pending);
    }
  }

  const transfers = requests.map((request) => buildTransfer(request, pendings, createdAt, linkedId));
  const operations: WriteOperation[] = [];
  const deltas = new Map<string, AccountDelta>();
  const delta = (accountId: string, currency: Currency) => {
    let entry = deltas.get(accountId);
    if (!entry) {
      entry = { currency, debits_pending: 0, debits_posted: 0, credits_pending: 0, credits_posted: 0 };
      deltas.set(accountId, entry);
    }
    return entry;
  };

  for (const transfer of transfers) {
    operations.push(transferPut(transfer));
    const debit = delta(transfer.debit_account_id, transfer.currency);
    const credit = delta(transfer.credit_account_id, transfer.currency);
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
        operations.push(resolvePendingOperation(pending, transfer, now));
        break;
      }
    }
    operations.push(...historyPuts(transfer));
  }

  const accountOperationIndex = new Map<number, string>();
  for (const [accountId, d] of deltas) {
    accountOperationIndex.set(operations.length, accountId);
    operations.push(accountUpdate(accountId, d));
  }

  const spec = options.event ?? { type: 'ledger.transfers.created', source: 'sluice.ledger', subject: transfers[0]!.id };
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
    return explainRefusal(deps, error.reasons.map((r) => ({ index: r.index, item: r.item })), operations, transfers, accountOperationIndex);
  }
}

function transferPut(transfer: Transfer): WriteOperation {
  return {
    type: 'put',
    item: {
      ...ledgerKeys.transfer(transfer.id),
      entity: 'transfer',
      ...transfer,
      ...(transfer.kind === 'pending' ? { gsi1pk: ledgerKeys.pendingPartition, gsi1sk: ledgerKeys.pendingSort(transfer.timeout_at ?? 0, transfer.id) } : {}),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** One history entry on each side of a transfer. */
function historyPuts(transfer: Transfer): WriteOperation[] {
  return ([
    [transfer.debit_account_id, 'debit', transfer.credit_account_id],
    [transfer.credit_account_id, 'credit', transfer.debit_account_id],
  ] as const).map(([accountId, direction, counterparty]) => {
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
    return { type: 'put', item: { ...ledgerKeys.history(accountId, transfer.created_at, transfer.id), entity: 'history', ...entry } };
  });
}

function buildTransfer(request: TransferRequest, pendings: Map<string, Transfer>, createdAt: string, linkedId: string | undefined): Transfer {
  const base = { id: request.id, metadata: request.metadata ?? {}, created_at: createdAt, ...(linkedId ? { linked_id: linkedId } : {}) };
  if ('pending_id' in request) {
    const pending = pendings.get(request.pending_id)!;
    const amount = request.kind === 'post_pending' ? (request.amount ?? pending.amount) : pending.amount;
    if (request.kind === 'post_pending') {
      if (!isValidAmount(amount)) throw new AppError('validation_failed', 'amount must be a positive integer in minor units', { param: 'amount' });
      if (amount > pending.amount) {
        throw new AppError('amount_exceeds_pending', `cannot post ${amount}: the hold is ${pending.amount}`, { param: 'amount' });
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
  if (!isValidAmount(request.amount)) throw new AppError('validation_failed', 'amount must be a positive integer in minor units', { param: 'amount' });
  if (request.debit_account_id === request.credit_account_id) {
    throw new AppError('invalid_request', 'a transfer needs two different accounts', { param: 'credit_account_id' });
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
      ? { pending_status: 'pending' as const, timeout_at: timeoutSeconds > 0 ? Date.parse(createdAt) + timeoutSeconds * 1000 : 0 }
      : {}),
  };
}

/** The hold moves from `pending` exactly once; an expired hold can no longer be posted. */
function resolvePendingOperation(pending: Transfer, resolution: Transfer, now: number): WriteOperation {
  const status = resolution.kind === 'post_pending' ? 'posted' : resolution.kind === 'void_pending' ? 'voided' : 'expired';
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

/**
 * One atomic update per account. The room attributes (`dr_room`, `cr_room`) are the balances the
 * overdraft flags guard, kept beside the four totals because DynamoDB conditions cannot do
 * arithmetic: a debit is allowed when `dr_room` covers it or the account has no such limit.
 */
function accountUpdate(accountId: string, d: AccountDelta): WriteOperation {
  const drRoom = d.credits_posted - d.debits_posted - d.debits_pending;
  const crRoom = d.debits_posted - d.credits_posted - d.credits_pending;
  const conditions: Condition[] = [{ attributeExists: 'pk' }, { compare: ['currency', '=', d.currency] }];
  if (drRoom < 0) conditions.push({ any: [{ compare: ['debits_must_not_exceed_credits', '=', false] }, { compare: ['dr_room', '>=', -drRoom] }] });
  if (crRoom < 0) conditions.push({ any: [{ compare: ['credits_must_not_exceed_debits', '=', false] }, { compare: ['cr_room', '>=', -crRoom] }] });
  const add: Record<string, number> = {};
  for (const field of accountFields) if (d[field] !== 0) add[field] = d[field];
  if (drRoom !== 0) add.dr_room = drRoom;
  if (crRoom !== 0) add.cr_room = crRoom;
  return { type: 'update', key: ledgerKeys.account(accountId), add, condition: { all: conditions } };
}

/** Turns the failed conditions of a refused transaction into the error the caller can act on. */
async function explainRefusal(
  deps: LedgerDeps,
  reasons: Array<{ index: number; item: Item | undefined }>,
  operations: WriteOperation[],
  transfers: Transfer[],
  accountOperationIndex: Map<number, string>,
): Promise<TransferResult> {
  const transferPuts = reasons.filter((r) => operations[r.index]?.type === 'put' && (operations[r.index] as { item: Item }).item.entity === 'transfer');
  if (transferPuts.length > 0) {
    // Same ids again: a replay when every transfer exists with the same fields.
    const existing = await Promise.all(transfers.map((t) => getTransfer(deps, t.id)));
    if (existing.every((e, i) => e && sameTransfer(e, transfers[i]!))) return { transfers: existing as Transfer[], replayed: true, event: undefined };
    const index = existing.findIndex((e, i) => e && !sameTransfer(e, transfers[i]!));
    throw new AppError('transfer_exists', `transfer ${transfers[Math.max(index, 0)]!.id} exists with other fields`, { param: 'id' });
  }
  for (const reason of reasons) {
    const accountId = accountOperationIndex.get(reason.index);
    if (accountId !== undefined) {
      const account = reason.item;
      if (!account) throw new AppError('not_found', `no account ${accountId}`, { param: 'account_id', details: { account_id: accountId } });
      const transfer = transfers.find((t) => t.debit_account_id === accountId || t.credit_account_id === accountId)!;
      if (account.currency !== transfer.currency) {
        throw new AppError('currency_mismatch', `account ${accountId} holds ${String(account.currency)}, not ${transfer.currency}`, { param: 'currency' });
      }
      throw new AppError('insufficient_funds', 'insufficient funds for this transfer', { details: { account_id: accountId } });
    }
    const operation = operations[reason.index];
    if (operation?.type === 'update' && operation.key.pk.startsWith('TR#')) {
      throw new AppError('transfer_not_pending', `pending transfer ${operation.key.pk.slice(3)} is ${String(reason.item?.pending_status ?? 'missing')}${reason.item?.pending_status === 'pending' ? ' but has expired' : ''}`, {
        param: 'pending_id',
      });
    }
  }
  // A condition supplied by the caller's own operations failed: the caller knows what it means.
  throw new AppError('conflict', 'the transfer conflicts with a concurrent change', { details: { failed_operations: reasons.map((r) => r.index) } });
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

export function toAccount(item: Item): Account {
  return {
    id: item.id as string,
    currency: item.currency as Currency,
    owner: item.owner as string,
    code: item.code as string,
    debits_must_not_exceed_credits: item.debits_must_not_exceed_credits as boolean,
    credits_must_not_exceed_debits: item.credits_must_not_exceed_debits as boolean,
    debits_pending: item.debits_pending as number,
    debits_posted: item.debits_posted as number,
    credits_pending: item.credits_pending as number,
    credits_posted: item.credits_posted as number,
    created_at: item.created_at as string,
  };
}

export function toTransfer(item: Item): Transfer {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _g1, gsi1sk: _g2, resolved_by: _r, ...rest } = item;
  return rest as unknown as Transfer;
}
