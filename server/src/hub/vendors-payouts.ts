import { z } from 'zod';
import type { ApprovalExecutor } from '../approvals/index.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, systemAccountId } from '../ledger/index.ts';
import { getMerchantRecord } from '../payments/index.ts';
import type { WriteOperation } from '../platform/store.ts';
import { ensureWallet, walletAccountId } from '../wallet/index.ts';
import {
  openBankAccount,
  originateAchCredit,
  sealBankAccount,
  sealedBankAccountSchema,
  type BankAccountInput,
} from './ach/credits.ts';
import type { HubDeps } from './deps.ts';
import type { HubEventData } from './intent-model.ts';
import type { MerchantActor } from './intents.ts';
import { getVendorRecord, vendorAccountId, vendorBalance, vendorDeps, type VendorDeps } from './vendors.ts';
import {
  createVendorPayoutSchema,
  vendorIds,
  vendorLedgerCodes,
  type CreateVendorPayout,
  type VendorPayout,
} from './vendors-model.ts';
import { payoutPut, toVendorPayout, vendorPayoutsPage, type VendorPayoutRecord } from './vendors-store.ts';
import type { VendorRecord } from './vendors-store.ts';

/** Extra writes for the payout's transaction, given the result (the idempotency record). */
export type PayoutRespond = (payout: VendorPayout) => WriteOperation[];

/**
 * Pays part of a vendor's available balance out: to a Sluice wallet (a ledger transfer to the
 * user's wallet), or to a bank account as an ACH credit in the merchant's NACHA file of the day
 * (through the merchant's `ach` connector, whose originator details the file carries). The
 * transfer debits the vendor's `available` account, which refuses to go below zero, in the same
 * transaction as the payout record: two payouts of one balance can never both be paid, however
 * they interleave (the loser gets 402 `insufficient_funds` and nothing is written).
 */
export async function createVendorPayout(
  deps: VendorDeps,
  actor: MerchantActor,
  vendorId: string,
  input: CreateVendorPayout,
  respond?: PayoutRespond,
): Promise<VendorPayout> {
  const vendor = await checkVendorPayout(deps, actor.merchantId, vendorId, input);
  const now = deps.clock.now();
  const base = {
    id: vendorIds.newId('vendorPayout', now),
    object: 'vendor_payout' as const,
    vendor: vendor.id,
    merchant: actor.merchantId,
    amount: input.amount,
    currency: input.currency,
    status: 'paid' as const,
    transfer: newId('transfer', now),
    created_at: isoTime(now),
  };
  const destination = input.destination;
  if (destination.type === 'wallet') {
    const currency = deps.wallet.config.walletCurrency;
    if (currency !== vendor.currency)
      throw new AppError(
        'validation_failed',
        `wallets hold ${currency}; this vendor is paid in ${vendor.currency}`,
        {
          param: 'destination.type',
        },
      );
    if (!(await deps.wallet.users.getUser(destination.wallet.user)))
      throw new AppError('validation_failed', `no user ${destination.wallet.user}`, {
        param: 'destination.wallet.user',
      });
    await ensureWallet(deps.wallet, destination.wallet.user);
    const payout: VendorPayoutRecord = {
      ...base,
      destination: { type: 'wallet', wallet: { user: destination.wallet.user }, bank_account: null },
    };
    return pay(deps, actor, vendor, payout, walletAccountId(destination.wallet.user, currency), [], respond);
  }
  return payToBank(deps, actor, vendor, base, destination.bank_account, respond);
}

/** The vendor a payout is asked of, refusing one in another currency than its balance. */
export async function checkVendorPayout(
  deps: HubDeps,
  merchantId: string,
  vendorId: string,
  input: Pick<CreateVendorPayout, 'currency'>,
): Promise<VendorRecord> {
  const vendor = await getVendorRecord(deps, merchantId, vendorId);
  if (input.currency !== vendor.currency)
    throw new AppError(
      'validation_failed',
      `vendor ${vendor.id} holds ${vendor.currency}, not ${input.currency}`,
      {
        param: 'currency',
      },
    );
  return vendor;
}

/** The executor name of vendor payouts under the merchant's `payout` approval policy. */
export const vendorPayoutExecutorName = 'vendor_payout';

/** A bank account as an approval request keeps it: the account number sealed, never shown. */
const approvalParamsSchema = z.object({
  vendor: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  destination: z.discriminatedUnion('type', [
    z.object({ type: z.literal('wallet'), wallet: z.object({ user: z.string() }) }),
    z.object({ type: z.literal('bank_account'), bank_account: sealedBankAccountSchema }),
  ]),
});

/** What an approval request for this payout records (approvers see it in the audit trail). */
export async function vendorPayoutApprovalParams(
  deps: HubDeps,
  vendorId: string,
  input: CreateVendorPayout,
): Promise<z.infer<typeof approvalParamsSchema>> {
  const { destination } = input;
  if (destination.type === 'wallet') return { vendor: vendorId, ...input, destination };
  return {
    vendor: vendorId,
    amount: input.amount,
    currency: input.currency,
    destination: {
      type: 'bank_account',
      bank_account: await sealBankAccount(deps, destination.bank_account),
    },
  };
}

/**
 * Pays an approved vendor payout, committing the approval's `executed` mark in the payout's own
 * transaction: however many final approvals race, one payout is made.
 */
export const vendorPayoutExecutor: ApprovalExecutor = {
  async execute(moduleDeps, approval, commit) {
    const params = approvalParamsSchema.parse(approval.params);
    const deps = vendorDeps(moduleDeps);
    const merchant = await getMerchantRecord(deps, approval.merchant);
    if (!merchant) throw new AppError('not_found', `no merchant ${approval.merchant}`);
    let destination: unknown = params.destination;
    if (params.destination.type === 'bank_account')
      destination = {
        type: 'bank_account',
        bank_account: await openBankAccount(deps, params.destination.bank_account),
      };
    const input = createVendorPayoutSchema.parse({
      amount: params.amount,
      currency: params.currency,
      destination,
    });
    const payout = await createVendorPayout(
      deps,
      { merchantId: merchant.id, ownerId: merchant.owner },
      params.vendor,
      input,
      (made) => commit({ vendor_payout: made.id }),
    );
    return { vendor_payout: payout.id };
  },
};

/** The ledger transfer and the payout record, in one transaction. */
async function pay(
  deps: VendorDeps,
  actor: MerchantActor,
  vendor: VendorRecord,
  payout: VendorPayoutRecord,
  creditAccountId: string,
  operations: WriteOperation[],
  respond?: PayoutRespond,
): Promise<VendorPayout> {
  const shown = toVendorPayout(payout);
  try {
    await createTransfers(
      deps,
      [
        {
          id: payout.transfer,
          debit_account_id: vendorAccountId(vendor.id, 'available', vendor.currency),
          credit_account_id: creditAccountId,
          amount: payout.amount,
          currency: payout.currency as Currency,
          code: vendorLedgerCodes.payout,
          metadata: { vendor: vendor.id, payout: payout.id, merchant: actor.merchantId },
        },
      ],
      {
        event: {
          type: 'vendor.payout.paid',
          source: 'sluice.hub',
          subject: payout.id,
          audience: [actor.ownerId],
          merchant: actor.merchantId,
          data: { object: shown } satisfies HubEventData['vendor.payout.paid'],
        },
        operations: () => [payoutPut(payout), ...operations, ...(respond?.(shown) ?? [])],
      },
    );
  } catch (error) {
    if (isAppError(error) && error.code === 'insufficient_funds') {
      const { available } = await vendorBalance(deps, vendor.id, vendor.currency);
      throw new AppError('insufficient_funds', `the vendor's available balance is ${available}`, {
        param: 'amount',
        details: { available },
      });
    }
    throw error;
  }
  return shown;
}

/** An ACH credit to the vendor's bank account, in the merchant's file of the business day. */
async function payToBank(
  deps: VendorDeps,
  actor: MerchantActor,
  vendor: VendorRecord,
  base: Omit<VendorPayoutRecord, 'destination'>,
  account: BankAccountInput,
  respond?: PayoutRespond,
): Promise<VendorPayout> {
  if (vendor.currency !== 'USD')
    throw new AppError('validation_failed', 'ACH pays US dollars only', { param: 'destination.type' });
  const request = {
    merchantId: actor.merchantId,
    reference: base.transfer,
    amount: base.amount,
    account: await sealBankAccount(deps, account),
    standardEntryClass: 'PPD' as const,
    settlement: 'immediate' as const,
    origin: null,
    param: 'destination.type',
  };
  return originateAchCredit(deps, request, (entry, writes) => {
    const payout: VendorPayoutRecord = {
      ...base,
      destination: {
        type: 'bank_account',
        wallet: null,
        bank_account: {
          routing_number: entry.routing_number,
          last4: entry.account_last4,
          trace_number: entry.trace_number,
        },
      },
    };
    return pay(deps, actor, vendor, payout, systemAccountId('bank', 'USD'), writes, respond);
  });
}

export async function listVendorPayouts(
  deps: VendorDeps,
  merchantId: string,
  vendorId: string,
  page: { limit: number; cursor?: string },
) {
  await getVendorRecord(deps, merchantId, vendorId);
  const result = await vendorPayoutsPage(deps.store, vendorId, page);
  return { data: result.data.map(toVendorPayout), next_cursor: result.next_cursor };
}
