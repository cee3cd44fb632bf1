import type { Clock } from '../kernel/clock.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import {
  balanceOf,
  createAccount,
  ensureSystemAccount,
  getAccount,
  setAccountFlag,
} from '../ledger/index.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { paymentsErrors } from './errors.ts';
import {
  maxMerchantsPerUser,
  merchantAccountPurposes,
  type CreateMerchant,
  type Merchant,
  type MerchantAccountPurpose,
  type MerchantBalance,
} from './model.ts';
import {
  everyMerchant,
  hasMerchantCurrency,
  merchantClockAdvance,
  merchantCurrencies,
  merchantCurrencyPut,
  merchantFromItem,
  merchantPut,
  ownerMerchantCountIncrement,
  ownerMerchantCountOpen,
  ownerMerchants,
  ownerMerchantsPage,
  readMerchant,
  type MerchantRecord,
} from './store/merchants.ts';
import type { PageRequest, RecordPage } from './store/keys.ts';

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
): Promise<Merchant> {
  const now = deps.clock.now();
  const merchant: MerchantRecord = {
    id: newId('merchant', now),
    name: input.name,
    owner: ownerId,
    clock_offset_ms: 0,
    created_at: isoTime(now),
  };
  // The owner's count goes up in the same transaction, under its limit: concurrent creations
  // cannot pass it together.
  const operations = [merchantPut(merchant), ownerMerchantCountIncrement(ownerId, maxMerchantsPerUser)];
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

/** A page of the user's merchants, oldest first. */
export async function listMerchants(
  deps: PaymentsDeps,
  ownerId: string,
  page: PageRequest,
): Promise<RecordPage<Merchant>> {
  const result = await ownerMerchantsPage(deps.store, ownerId, page);
  return { data: result.data.map((merchant) => toMerchant(deps, merchant)), next_cursor: result.next_cursor };
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
 * Opens the merchant's accounts in `currency` on first use (idempotent: fixed ids), and the
 * card-network system account they trade with. Merchant accounts carry no overdraft flag but
 * `available`: `pending` may dip below zero when a refund follows settlement (a later feature).
 */
export async function ensureMerchantAccounts(
  deps: PaymentsDeps,
  merchantId: string,
  currency: Currency,
): Promise<void> {
  if (await hasMerchantCurrency(deps.store, merchantId, currency)) return;
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
  await deps.store.transact([merchantCurrencyPut(merchantId, currency)]);
}

/** Per currency the merchant trades in: settled (`available`) and captured-but-unsettled (`pending`) funds. */
export async function getMerchantBalance(deps: PaymentsDeps, merchantId: string): Promise<MerchantBalance> {
  const balances: MerchantBalance['balances'] = [];
  for (const currency of await merchantCurrencies(deps.store, merchantId)) {
    const [available, pending] = await Promise.all([
      getAccount(deps, merchantAccountId(merchantId, 'available', currency)),
      getAccount(deps, merchantAccountId(merchantId, 'pending', currency)),
    ]);
    balances.push({
      currency,
      available: available ? balanceOf(available).available : 0,
      pending: pending ? balanceOf(pending).posted : 0,
    });
  }
  return { balances };
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
