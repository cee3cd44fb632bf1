import type { Clock } from '../kernel/clock.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { balanceOf, createAccount, ensureSystemAccount, getAccount } from '../ledger/index.ts';
import type { Item, Store } from '../platform/store.ts';
import { paymentKeys } from './keys.ts';
import { merchantAccountPurposes, type CreateMerchant, type Merchant, type MerchantAccountPurpose, type MerchantBalance } from './model.ts';

export interface PaymentsDeps {
  store: Store;
  clock: Clock;
}

/** A merchant as stored: the public fields plus its test-clock offset. */
export interface MerchantRecord {
  id: string;
  name: string;
  owner: string;
  clock_offset_ms: number;
  created_at: string;
}

function toMerchantRecord(item: Item): MerchantRecord {
  return {
    id: item.id as string,
    name: item.name as string,
    owner: item.owner as string,
    clock_offset_ms: (item.clock_offset_ms as number | undefined) ?? 0,
    created_at: item.created_at as string,
  };
}

/** The merchant's test clock: real time moved forward by every advance-clock call. */
export function sandboxNow(deps: Pick<PaymentsDeps, 'clock'>, merchant: Pick<MerchantRecord, 'clock_offset_ms'>): number {
  return deps.clock.now() + merchant.clock_offset_ms;
}

export function toMerchant(deps: Pick<PaymentsDeps, 'clock'>, merchant: MerchantRecord): Merchant {
  return { id: merchant.id, name: merchant.name, owner: merchant.owner, sandbox_time: isoTime(sandboxNow(deps, merchant)), created_at: merchant.created_at };
}

export function merchantAccountId(merchantId: string, purpose: MerchantAccountPurpose, currency: Currency): string {
  return `acct_m_${merchantId}_${purpose}_${currency}`;
}

export async function createMerchant(deps: PaymentsDeps, ownerId: string, input: CreateMerchant): Promise<Merchant> {
  const now = deps.clock.now();
  const merchant: MerchantRecord = { id: newId('merchant', now), name: input.name, owner: ownerId, clock_offset_ms: 0, created_at: isoTime(now) };
  await deps.store.transact([{
    type: 'put',
    item: {
      ...paymentKeys.merchant(merchant.id),
      entity: 'merchant',
      ...merchant,
      gsi1pk: paymentKeys.ownerMerchants(ownerId),
      gsi1sk: merchant.id,
      gsi2pk: paymentKeys.allMerchants,
      gsi2sk: merchant.id,
    },
    condition: { attributeNotExists: 'pk' },
  }]);
  return toMerchant(deps, merchant);
}

/** The user's merchants, oldest first (a user has few). */
export async function listMerchants(deps: PaymentsDeps, ownerId: string): Promise<Merchant[]> {
  const merchants: Merchant[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ index: 'gsi1', partition: paymentKeys.ownerMerchants(ownerId), ...(cursor ? { cursor } : {}) });
    merchants.push(...page.items.map((item) => toMerchant(deps, toMerchantRecord(item))));
    cursor = page.cursor;
  } while (cursor);
  return merchants;
}

export async function getMerchantRecord(deps: PaymentsDeps, merchantId: string): Promise<MerchantRecord | undefined> {
  const item = await deps.store.get(paymentKeys.merchant(merchantId));
  return item ? toMerchantRecord(item) : undefined;
}

/** The merchant, for its owner only: anyone else is told there is no such merchant. */
export async function getOwnedMerchant(deps: PaymentsDeps, ownerId: string, merchantId: string): Promise<MerchantRecord> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant || merchant.owner !== ownerId) throw new AppError('not_found', `no merchant ${merchantId}`, { param: 'id' });
  return merchant;
}

/**
 * Opens the merchant's accounts in `currency` on first use (idempotent: fixed ids), and the
 * card-network system account they trade with. Merchant accounts carry no overdraft flag but
 * `available`: `pending` may dip below zero when a refund follows settlement (a later feature).
 */
export async function ensureMerchantAccounts(deps: PaymentsDeps, merchantId: string, currency: Currency): Promise<void> {
  if (await deps.store.get(paymentKeys.merchantCurrency(merchantId, currency))) return;
  await ensureSystemAccount(deps, 'card_network', currency);
  for (const purpose of merchantAccountPurposes) {
    await createAccount(deps, {
      id: merchantAccountId(merchantId, purpose, currency),
      currency,
      owner: merchantId,
      code: `merchant_${purpose}`,
      debits_must_not_exceed_credits: purpose === 'available',
      // Fees owed are recovered from payouts, never beyond what is owed.
      credits_must_not_exceed_debits: purpose === 'fees',
    });
  }
  await deps.store.transact([{ type: 'put', item: { ...paymentKeys.merchantCurrency(merchantId, currency), entity: 'merchant_currency', currency } }]);
}

/** Per currency the merchant trades in: settled (`available`) and captured-but-unsettled (`pending`) funds. */
export async function getMerchantBalance(deps: PaymentsDeps, merchantId: string): Promise<MerchantBalance> {
  const page = await deps.store.query({ partition: paymentKeys.merchantPartition(merchantId), sort: { op: 'begins_with', value: paymentKeys.merchantCurrencyPrefix } });
  const balances: MerchantBalance['balances'] = [];
  for (const item of page.items) {
    const currency = item.currency as Currency;
    const [available, pending] = await Promise.all([
      getAccount(deps, merchantAccountId(merchantId, 'available', currency)),
      getAccount(deps, merchantAccountId(merchantId, 'pending', currency)),
    ]);
    balances.push({ currency, available: available ? balanceOf(available).available : 0, pending: pending ? balanceOf(pending).posted : 0 });
  }
  return { balances };
}

/** Moves the merchant's test clock forward, atomically, and returns the merchant as it now is. */
export async function advanceMerchantClock(deps: PaymentsDeps, merchantId: string, seconds: number): Promise<MerchantRecord> {
  await deps.store.transact([{ type: 'update', key: paymentKeys.merchant(merchantId), add: { clock_offset_ms: seconds * 1000 }, condition: { attributeExists: 'pk' } }]);
  return (await getMerchantRecord(deps, merchantId))!;
}

/** Every merchant, page by page: for the real-time expiry sweep. */
export async function* allMerchants(deps: PaymentsDeps): AsyncGenerator<MerchantRecord> {
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ index: 'gsi2', partition: paymentKeys.allMerchants, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) yield toMerchantRecord(item);
    cursor = page.cursor;
  } while (cursor);
}
