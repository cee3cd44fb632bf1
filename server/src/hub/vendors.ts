import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Currency } from '../kernel/money.ts';
import { balanceOf, createAccount, getAccount } from '../ledger/index.ts';
import type { WalletDeps } from '../wallet/index.ts';
import { hubDeps, type HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import type { MerchantActor } from './intents.ts';
import {
  vendorAccountPurposes,
  vendorIds,
  type CreateVendor,
  type Vendor,
  type VendorAccountPurpose,
} from './vendors-model.ts';
import { merchantVendorsPage, readVendor, vendorPut, type VendorRecord } from './vendors-store.ts';

/** The hub's deps plus the wallet's, which a payout to a wallet opens and credits. */
export interface VendorDeps extends HubDeps {
  wallet: WalletDeps;
}

export function vendorDeps(deps: Parameters<typeof hubDeps>[0]): VendorDeps {
  return {
    ...hubDeps(deps),
    wallet: {
      store: deps.store,
      clock: deps.clock,
      config: deps.config,
      users: deps.identity,
      logger: deps.logger,
    },
  };
}

export function vendorAccountId(vendorId: string, purpose: VendorAccountPurpose, currency: string): string {
  return `acct_v_${vendorId}_${purpose}_${currency}`;
}

/**
 * Creates a vendor with its two ledger accounts, `pending` and `available`, both refusing to go
 * below zero: that flag is what keeps a vendor's balance from being paid out twice, and a refund
 * from taking back more than the vendor holds.
 */
export async function createVendor(
  deps: HubDeps,
  actor: MerchantActor,
  input: CreateVendor,
): Promise<Vendor> {
  const now = deps.clock.now();
  const record: VendorRecord = {
    id: vendorIds.newId('vendor', now),
    merchant: actor.merchantId,
    name: input.name,
    email: input.email ?? null,
    currency: input.currency,
    created_at: isoTime(now),
  };
  // Accounts first (idempotent by id): a vendor is never seen without them.
  for (const purpose of vendorAccountPurposes)
    await createAccount(deps, {
      id: vendorAccountId(record.id, purpose, record.currency),
      currency: record.currency as Currency,
      owner: record.id,
      code: `vendor_${purpose}`,
      debits_must_not_exceed_credits: true,
    });
  const vendor = await toVendor(deps, record);
  await deps.store.transact([vendorPut(record), hubEvent('vendor.created', actor, vendor, now)]);
  return vendor;
}

/** The vendor, for its merchant only: anyone else is told there is no such vendor. */
export async function getVendorRecord(deps: HubDeps, merchantId: string, id: string): Promise<VendorRecord> {
  const record = await readVendor(deps.store, id);
  if (!record || record.merchant !== merchantId) throw new AppError('not_found', `no vendor ${id}`);
  return record;
}

export async function vendorBalance(deps: HubDeps, vendorId: string, currency: string) {
  const [pending, available] = await Promise.all(
    vendorAccountPurposes.map((purpose) => getAccount(deps, vendorAccountId(vendorId, purpose, currency))),
  );
  return {
    currency,
    pending: pending ? balanceOf(pending).available : 0,
    available: available ? balanceOf(available).available : 0,
  };
}

export async function toVendor(deps: HubDeps, record: VendorRecord): Promise<Vendor> {
  return {
    id: record.id,
    object: 'vendor',
    merchant: record.merchant,
    name: record.name,
    email: record.email,
    currency: record.currency,
    balances: [await vendorBalance(deps, record.id, record.currency)],
    created_at: record.created_at,
  };
}

export async function getVendor(deps: HubDeps, merchantId: string, id: string): Promise<Vendor> {
  return toVendor(deps, await getVendorRecord(deps, merchantId, id));
}

/** The merchant's vendors with their balances, newest first. */
export async function listVendors(
  deps: HubDeps,
  merchantId: string,
  page: { limit: number; cursor?: string },
) {
  const result = await merchantVendorsPage(deps.store, merchantId, page);
  return {
    data: await Promise.all(result.data.map((record) => toVendor(deps, record))),
    next_cursor: result.next_cursor,
  };
}
