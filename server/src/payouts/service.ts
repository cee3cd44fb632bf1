import { z } from 'zod';
import {
  originateAchCredit,
  requireAchConnector,
  sealBankAccount,
  sealedBankAccountSchema,
  type AchEntryRecord,
} from '../hub/index.ts';
import { isoTime } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { AppError } from '../kernel/errors.ts';
import { defineIds, newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { balanceOf, createTransfers, getAccount, systemAccountId } from '../ledger/index.ts';
import { getMerchantRecord, merchantAccountId } from '../payments/index.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import { walletAccountId } from '../wallet/index.ts';
import {
  payoutDestinations,
  type CreatePayout,
  type Payout,
  type PayoutDestination,
  type PayoutEventData,
  type PayoutEventType,
} from './model.ts';
import { merchantPayouts, payoutMove, payoutPut, readPayout, readSequence, sequenceBump } from './store.ts';

export const payoutIds = defineIds({ payout: 'po' });
/** Event types the payouts module emits (their data: `PayoutEventData`). */
export const payoutEventTypes = [
  'payout.created',
  'payout.paid',
  'payout.failed',
  'payout.returned',
] as const satisfies readonly PayoutEventType[];

/**
 * `payout.failed`: an approved payout that could not be made when its last approval landed (the
 * balance fell meanwhile); no money moved. Its subject is the approval request.
 */
export function payoutFailedEvent(
  approval: {
    id: string;
    merchant: string;
    amount: number | null;
    currency: string | null;
    params: Record<string, unknown>;
  },
  ownerId: string,
  error: { code: string; message: string },
  now: number,
): WriteOperation {
  return outboxPut(
    createEvent({
      type: 'payout.failed',
      source: 'sluice.payouts',
      subject: approval.id,
      merchant: approval.merchant,
      audience: [ownerId],
      data: {
        approval: approval.id,
        amount: approval.amount,
        currency: approval.currency,
        // The params are the order the gate kept (`payoutOrder`): its destination was validated.
        destination: (approval.params.destination ?? null) as PayoutDestination | null,
        error,
      } satisfies PayoutEventData['payout.failed'],
      now,
    }),
  );
}
export type PayoutsDeps = Pick<ModuleDeps, 'store' | 'clock' | 'secrets'>;

/**
 * A payout as it is ordered, and kept in an approval request while it waits: the bank account's
 * number sealed (approvers see its last 4), never in clear in the store.
 */
export const payoutOrderSchema = z.object({
  amount: z.number().int(),
  currency: z.string(),
  destination: z.enum(payoutDestinations),
  bank_account: sealedBankAccountSchema.optional(),
  description: z.string().optional(),
});
export type PayoutOrder = Omit<z.output<typeof payoutOrderSchema>, 'currency'> & { currency: Currency };

/** The order of a payout request: its bank account sealed at once. */
export async function payoutOrder(deps: PayoutsDeps, input: CreatePayout): Promise<PayoutOrder> {
  const { bank_account, ...rest } = input;
  return bank_account ? { ...rest, bank_account: await sealBankAccount(deps, bank_account) } : rest;
}

/**
 * What the merchant may pay out in `currency`: its available balance, less what the negative-
 * balance floor's credit line lent the account (never paid out: it is not the merchant's money).
 */
export async function payableBalance(
  deps: PayoutsDeps,
  merchantId: string,
  currency: Currency,
): Promise<number> {
  const [available, creditLine] = await Promise.all([
    getAccount(deps, merchantAccountId(merchantId, 'available', currency)),
    getAccount(deps, merchantAccountId(merchantId, 'credit_line', currency)),
  ]);
  const lent = creditLine ? creditLine.debits_posted - creditLine.credits_posted : 0;
  return available ? balanceOf(available).available - lent : 0;
}

/**
 * Where the money goes: the owner's wallet (which must hold the currency) or the bank (an ACH
 * credit in US dollars, originated under the merchant's `ach` connector).
 */
async function destinationAccount(
  deps: PayoutsDeps,
  merchantId: string,
  ownerId: string,
  input: PayoutOrder,
): Promise<string> {
  if (input.destination === 'ach') {
    if (input.currency !== 'USD')
      throw new AppError('validation_failed', 'ACH pays US dollars only', { param: 'currency' });
    await requireAchConnector(deps, merchantId, 'destination');
    // Reads only: the credit's origination opens the bank's system account when it pays.
    return systemAccountId('bank', input.currency);
  }
  const wallet = await getAccount(deps, walletAccountId(ownerId, input.currency));
  if (!wallet)
    throw new AppError('invalid_request', `the owner's wallet holds no ${input.currency}`, {
      param: 'destination',
    });
  return wallet.id;
}

/**
 * Refuses a payout above what the merchant may pay out (402 `insufficient_funds`, `param:
 * 'amount'`) or to a destination that cannot take it; writes nothing. The gate runs it before
 * asking for approval, and the payout runs it again when it executes.
 */
export async function checkPayout(
  deps: PayoutsDeps,
  merchantId: string,
  input: PayoutOrder,
): Promise<string> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  // Where it cannot go is said first: no balance makes an ach payout in euros possible.
  const destination = await destinationAccount(deps, merchantId, merchant.owner, input);
  const payable = await payableBalance(deps, merchantId, input.currency);
  if (input.amount > payable)
    throw new AppError('insufficient_funds', `at most ${payable} ${input.currency} is available to pay out`, {
      param: 'amount',
      details: { available: payable },
    });
  return destination;
}

/**
 * Pays out: one ledger transfer from the merchant's available account to the destination, the
 * payout record, its events and `extra` writes (an approval's claim) in one transaction, which
 * also bumps the payout sequence read with the balance. A concurrent payout of the same balance
 * makes that condition fail (`conflict`), and the caller judges again. To a bank the transfer is
 * a hold until the credit settles (T+2), in a CCD entry of the merchant's NACHA file of the day.
 */
export async function executePayout(
  deps: PayoutsDeps,
  merchantId: string,
  input: PayoutOrder,
  options: { approval?: string; extra?: (payout: Payout) => WriteOperation[] } = {},
): Promise<Payout> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  const seen = await readSequence(deps.store, merchantId, input.currency);
  const destination = await checkPayout(deps, merchantId, input);
  const now = deps.clock.now();
  const payout: Payout = {
    id: payoutIds.newId('payout', now),
    object: 'payout',
    merchant: merchantId,
    amount: input.amount,
    currency: input.currency,
    destination: input.destination,
    bank_account: null,
    description: input.description ?? null,
    status: input.destination === 'ach' ? 'in_transit' : 'paid',
    arrival_date: null,
    return_code: null,
    approval: options.approval ?? null,
    transfer: newId('transfer', now),
    created_at: isoTime(now),
  };
  const available = merchantAccountId(merchantId, 'available', input.currency);
  const transfer = {
    id: payout.transfer,
    debit_account_id: available,
    credit_account_id: destination,
    amount: input.amount,
    currency: input.currency,
    code: 'payout',
    metadata: { payout: payout.id, merchant: merchantId },
  };
  const writes = (made: Payout) => [
    payoutPut(made),
    sequenceBump(merchantId, input.currency, seen),
    payoutEvent('payout.created', made, merchant.owner, now),
    ...(options.extra?.(made) ?? []),
  ];
  if (input.destination === 'wallet') {
    await createTransfers(deps, [transfer], {
      operations: () => [...writes(payout), payoutEvent('payout.paid', payout, merchant.owner, now)],
    });
    return payout;
  }
  const account = input.bank_account!;
  const request = {
    merchantId,
    reference: payout.transfer,
    amount: input.amount,
    account,
    standardEntryClass: 'CCD' as const,
    settlement: 't_plus_2' as const,
    origin: { kind: payoutAchKind, id: payout.id, account: available },
    param: 'destination',
  };
  return originateAchCredit(deps, request, async (entry, achWrites) => {
    const made: Payout = {
      ...payout,
      bank_account: {
        routing_number: entry.routing_number,
        last4: entry.account_last4,
        account_holder_name: entry.account_holder_name,
        trace_number: entry.trace_number,
      },
      arrival_date: entry.settle_on,
    };
    await createTransfers(deps, [{ ...transfer, kind: 'pending' }], {
      operations: () => [...writes(made), ...achWrites],
    });
    return made;
  });
}

/** The `origin.kind` of merchant payouts' ACH entries. */
export const payoutAchKind = 'payout';

function payoutEvent(
  type: Exclude<PayoutEventType, 'payout.failed'>,
  payout: Payout,
  ownerId: string,
  now: number,
): WriteOperation {
  return outboxPut(
    createEvent({
      type,
      source: 'sluice.payouts',
      subject: payout.id,
      merchant: payout.merchant,
      audience: [ownerId],
      data: { object: payout } satisfies PayoutEventData[typeof type],
      now,
    }),
  );
}

/**
 * Moves an ACH payout on, with its event: settled from `in_transit` to `paid`; returned (before
 * or after it settled) to `returned`. Nothing when it moved already.
 */
async function achPayoutMove(
  deps: PayoutsDeps,
  entry: AchEntryRecord,
  change: Pick<Payout, 'status' | 'return_code'>,
  type: 'payout.paid' | 'payout.returned',
): Promise<WriteOperation[]> {
  const payout = entry.origin && (await readPayout(deps.store, entry.origin.id));
  const from: readonly Payout['status'][] =
    change.status === 'paid' ? ['in_transit'] : ['in_transit', 'paid'];
  if (!payout || !from.includes(payout.status)) return [];
  const merchant = await getMerchantRecord(deps, payout.merchant);
  const next: Payout = { ...payout, ...change };
  return [
    payoutMove(payout, next),
    payoutEvent(type, next, merchant?.owner ?? payout.merchant, deps.clock.now()),
  ];
}

/** What the hub's ACH settlement and return files do to a merchant payout's credit. */
export const payoutAchHandler = {
  settled: (deps: PayoutsDeps, entry: AchEntryRecord) =>
    achPayoutMove(deps, entry, { status: 'paid', return_code: null }, 'payout.paid'),
  returned: (deps: PayoutsDeps, entry: AchEntryRecord, code: string) =>
    achPayoutMove(deps, entry, { status: 'returned', return_code: code }, 'payout.returned'),
  // The key the payout's hold names it by (`executePayout`): the balance history's source.
  metadata: (entry: AchEntryRecord): Record<string, string> =>
    entry.origin ? { payout: entry.origin.id } : {},
};

export async function getPayout(deps: PayoutsDeps, merchantId: string, id: string): Promise<Payout> {
  const payout = id.length <= 200 ? await readPayout(deps.store, id) : undefined;
  if (!payout || payout.merchant !== merchantId)
    throw new AppError('not_found', `no payout ${id}`, { param: 'id' });
  return payout;
}

export function listPayouts(deps: PayoutsDeps, merchantId: string, page: { limit: number; cursor?: string }) {
  return merchantPayouts(deps.store, merchantId, page);
}
