import type { Clock } from '../kernel/clock.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { derivedId, newId } from '../kernel/ids.ts';
import { exponentOf, type Currency } from '../kernel/money.ts';
import { createAccount, createTransfers, ensureSystemAccount, setAccountFlag } from '../ledger/index.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { paymentsErrors } from './errors.ts';
import { ownerMemberPut } from './store/members.ts';
import {
  maxMerchantsPerUser,
  merchantAccountPurposes,
  negativeBalanceLimitMajorUnits,
  paymentCodes,
  type CreateMerchant,
  type Merchant,
  type MerchantAccountPurpose,
} from './model.ts';
import {
  everyMerchant,
  hasMerchantCurrency,
  merchantClockAdvance,
  merchantCurrencyPut,
  merchantFromItem,
  merchantPut,
  ownerMerchantCountIncrement,
  ownerMerchantCountOpen,
  ownerMerchants,
  readMerchant,
  type MerchantRecord,
} from './store/merchants.ts';

export type { MerchantRecord } from './store/merchants.ts';

export interface PaymentsDeps {
  store: Store;
  clock: Clock;
}

/** The merchant's test clock: real time moved forward by every advance-clock call. */
export function sandboxNow(
  deps: Pick<PaymentsDeps, 'clock'>,
  merchant: Pick<MerchantRecord, 'clock_offset_ms'>,
): number {
  return deps.clock.now() + merchant.clock_offset_ms;
}

export function toMerchant(deps: Pick<PaymentsDeps, 'clock'>, merchant: MerchantRecord): Merchant {
  return {
    id: merchant.id,
    name: merchant.name,
    owner: merchant.owner,
    sandbox_time: isoTime(sandboxNow(deps, merchant)),
    created_at: merchant.created_at,
  };
}

export function merchantAccountId(
  merchantId: string,
  purpose: MerchantAccountPurpose,
  currency: Currency,
): string {
  return `acct_m_${merchantId}_${purpose}_${currency}`;
}

export async function createMerchant(
  deps: PaymentsDeps,
  ownerId: string,
  input: CreateMerchant,
  /** The owner's email: with it the owner is the first member of the merchant's team. */
  ownerEmail?: string,
): Promise<Merchant> {
  const now = deps.clock.now();
  const merchant: MerchantRecord = {
    id: newId('merchant', now),
    name: input.name,
    owner: ownerId,
    clock_offset_ms: 0,
    ...(ownerEmail !== undefined ? { owners: 1 } : {}),
    created_at: isoTime(now),
  };
  // The owner's count goes up in the same transaction, under its limit: concurrent creations
  // cannot pass it together.
  const operations = [
    merchantPut(merchant),
    ownerMerchantCountIncrement(ownerId, maxMerchantsPerUser),
    ...(ownerEmail !== undefined ? [ownerMemberPut(merchant, ownerEmail, merchant.created_at)] : []),
  ];
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.store.transact(operations);
      return toMerchant(deps, merchant);
    } catch (error) {
      if (!isTransactionCanceled(error) || !error.reasonAt(1) || attempt > 0) throw error;
      if (error.reasonAt(1)!.item)
        throw paymentsErrors.error(
          'limit_reached',
          `a user can own at most ${maxMerchantsPerUser} merchants`,
          {
            details: { limit: maxMerchantsPerUser },
          },
        );
      await openOwnerMerchantCount(deps, ownerId);
    }
  }
}

/**
 * Starts the owner's merchant count from the merchants they own (none for a new user; some for a
 * user from before the count). No merchant can be created while the count is missing, so the
 * merchants read are all there are (on DynamoDB, up to the index's lag for ones created just
 * before the count was introduced). A concurrent opening of the same count is as good as ours.
 */
async function openOwnerMerchantCount(deps: PaymentsDeps, ownerId: string): Promise<void> {
  let count = 0;
  for await (const _merchant of ownerMerchants(deps.store, ownerId)) count += 1;
  try {
    await deps.store.transact([ownerMerchantCountOpen(ownerId, count)]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
  }
}

export async function getMerchantRecord(
  deps: PaymentsDeps,
  merchantId: string,
): Promise<MerchantRecord | undefined> {
  return readMerchant(deps.store, merchantId);
}

/** The merchant, for its owner only: anyone else is told there is no such merchant. */
export async function getOwnedMerchant(
  deps: PaymentsDeps,
  ownerId: string,
  merchantId: string,
): Promise<MerchantRecord> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant || merchant.owner !== ownerId)
    throw new AppError('not_found', `no merchant ${merchantId}`, { param: 'id' });
  return merchant;
}

/**
 * The merchant currencies this process has seen opened, per store: the record is written last
 * and never removed, so once read it need not be read again (one read fewer per payment; on
 * AWS a DynamoDB read and its round trip). Bounded: emptied when full.
 */
const openedCurrencies = new WeakMap<Store, Set<string>>();
const openedCurrenciesMax = 10_000;

/**
 * Opens the merchant's accounts in `currency` on first use (idempotent: fixed ids), and the
 * card-network system account they trade with, and grants the negative-balance floor (see
 * `balance.ts`). Merchant accounts carry no overdraft flag but `available`, whose limit is the floor.
 */
export async function ensureMerchantAccounts(
  deps: PaymentsDeps,
  merchantId: string,
  currency: Currency,
): Promise<void> {
  let opened = openedCurrencies.get(deps.store);
  if (!opened) openedCurrencies.set(deps.store, (opened = new Set()));
  const known = `${merchantId} ${currency}`;
  if (opened.has(known)) return;
  if (opened.size >= openedCurrenciesMax) opened.clear();
  if (await hasMerchantCurrency(deps.store, merchantId, currency)) {
    opened.add(known);
    return;
  }
  await ensureSystemAccount(deps, 'card_network', currency);
  for (const purpose of merchantAccountPurposes) {
    const account = await createAccount(deps, {
      id: merchantAccountId(merchantId, purpose, currency),
      currency,
      owner: merchantId,
      code: `merchant_${purpose}`,
      debits_must_not_exceed_credits: purpose === 'available',
      // Fees owed are recovered from payouts, never beyond what is owed.
      credits_must_not_exceed_debits: purpose === 'fees',
    });
    // Opened by older code that stopped before recording the currency, so migration 1 (which
    // finds accounts through that record) passed it by: cap it now, as the migration would.
    if (purpose === 'fees' && !account.credits_must_not_exceed_debits)
      await setAccountFlag(deps, account.id, 'credits_must_not_exceed_debits');
  }
  await grantBalanceFloor(deps, merchantId, currency);
  await deps.store.transact([merchantCurrencyPut(merchantId, currency)]);
  opened.add(known);
}

/** The floor below zero, in minor units: `negativeBalanceLimitMajorUnits` of the currency. */
export function negativeBalanceLimit(currency: Currency): number {
  return negativeBalanceLimitMajorUnits * 10 ** exponentOf(currency);
}

/**
 * Credits the merchant's available account with the floor from its credit line, once: a replay
 * (the transfer exists) changes nothing. Both accounts must be open.
 */
export async function grantBalanceFloor(
  deps: PaymentsDeps,
  merchantId: string,
  currency: Currency,
): Promise<void> {
  try {
    await createTransfers(deps, [
      {
        id: derivedId('transfer', 0, `balance_floor:${merchantId}:${currency}`),
        debit_account_id: merchantAccountId(merchantId, 'credit_line', currency),
        credit_account_id: merchantAccountId(merchantId, 'available', currency),
        amount: negativeBalanceLimit(currency),
        currency,
        code: paymentCodes.balanceFloor,
        metadata: { merchant: merchantId },
      },
    ]);
  } catch (error) {
    // Granted before with another floor: the first grant stands.
    if (!(isAppError(error) && error.code === 'transfer_exists')) throw error;
  }
}

/**
 * How far a test clock may run ahead of real time: 100 years (of 365 days). Far enough for any
 * test of expiries, disputes and settlement, and it keeps sandbox times in 4-digit years, where
 * ISO 8601 strings (the index sort keys that settlement and expiry query) order as the times do.
 */
export const maxSandboxClockOffsetMs = 100 * 365 * 24 * 3600 * 1000;

/**
 * Moves the merchant's test clock forward, atomically, and returns the merchant as it now is.
 * A move past `maxSandboxClockOffsetMs` is refused (400, `param: 'seconds'`) and moves nothing.
 */
export async function advanceMerchantClock(
  deps: PaymentsDeps,
  merchantId: string,
  seconds: number,
): Promise<MerchantRecord> {
  try {
    await deps.store.transact([merchantClockAdvance(merchantId, seconds * 1000, maxSandboxClockOffsetMs)]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const item = error.reasons[0]?.item;
    if (!item) throw new AppError('not_found', `no merchant ${merchantId}`);
    const left = Math.floor((maxSandboxClockOffsetMs - merchantFromItem(item).clock_offset_ms) / 1000);
    throw new AppError(
      'invalid_request',
      `the sandbox clock runs at most 100 years ahead of real time: it can move at most ${left} more seconds`,
      { param: 'seconds', details: { max_seconds: left } },
    );
  }
  return (await getMerchantRecord(deps, merchantId))!;
}

/** Every merchant, page by page: for the real-time expiry sweep. */
export function allMerchants(deps: PaymentsDeps): AsyncGenerator<MerchantRecord> {
  return everyMerchant(deps.store);
}

/**
 * The record, if it is this merchant's; for anyone else there is no such object (404).
 *
 * @example const refund = ownedBy(await readRefund(deps.store, id), merchantId, 'refund', id);
 */
export function ownedBy<T extends { merchant: string }>(
  record: T | undefined,
  merchantId: string,
  what: string,
  id: string,
): T {
  if (!record || record.merchant !== merchantId)
    throw new AppError('not_found', `no ${what} ${id}`, { param: 'id' });
  return record;
}
