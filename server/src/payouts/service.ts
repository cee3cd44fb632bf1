import { isoTime } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { AppError } from '../kernel/errors.ts';
import { defineIds, newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import {
  balanceOf,
  createTransfers,
  ensureSystemAccount,
  getAccount,
  systemAccountId,
} from '../ledger/index.ts';
import { getMerchantRecord, merchantAccountId } from '../payments/index.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import { walletAccountId } from '../wallet/index.ts';
import type { CreatePayout, Payout } from './model.ts';
import { merchantPayouts, payoutPut, readPayout, readSequence, sequenceBump } from './store.ts';

export const payoutIds = defineIds({ payout: 'po' });
export const payoutEventTypes = ['payout.created', 'payout.paid', 'payout.failed'] as const;

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
        destination: approval.params.destination ?? null,
        error,
      },
      now,
    }),
  );
}
export type PayoutsDeps = Pick<ModuleDeps, 'store' | 'clock'>;

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

/** Where the money goes: the owner's wallet (which must hold the currency) or the bank (ACH credit). */
async function destinationAccount(deps: PayoutsDeps, ownerId: string, input: CreatePayout): Promise<string> {
  if (input.destination === 'ach') {
    await ensureSystemAccount(deps, 'bank', input.currency);
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
  input: CreatePayout,
): Promise<string> {
  const merchant = await getMerchantRecord(deps, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  const payable = await payableBalance(deps, merchantId, input.currency);
  if (input.amount > payable)
    throw new AppError('insufficient_funds', `at most ${payable} ${input.currency} is available to pay out`, {
      param: 'amount',
      details: { available: payable },
    });
  return destinationAccount(deps, merchant.owner, input);
}

/**
 * Pays out: one ledger transfer from the merchant's available account to the destination, the
 * payout record, its events and `extra` writes (an approval's claim) in one transaction, which
 * also bumps the payout sequence read with the balance. A concurrent payout of the same balance
 * makes that condition fail (`conflict`), and the caller judges again.
 */
export async function executePayout(
  deps: PayoutsDeps,
  merchantId: string,
  input: CreatePayout,
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
    description: input.description ?? null,
    status: 'paid',
    approval: options.approval ?? null,
    transfer: newId('transfer', now),
    created_at: isoTime(now),
  };
  const event = (type: string) => ({
    type,
    source: 'sluice.payouts',
    subject: payout.id,
    merchant: merchantId,
    audience: [merchant.owner],
    data: { object: payout },
  });
  await createTransfers(
    deps,
    [
      {
        id: payout.transfer,
        debit_account_id: merchantAccountId(merchantId, 'available', input.currency),
        credit_account_id: destination,
        amount: input.amount,
        currency: input.currency,
        code: 'payout',
        metadata: { payout: payout.id, merchant: merchantId },
      },
    ],
    {
      event: event('payout.paid'),
      operations: () => [
        payoutPut(payout),
        sequenceBump(merchantId, input.currency, seen),
        outboxPut(createEvent({ ...event('payout.created'), now })),
        ...(options.extra?.(payout) ?? []),
      ],
    },
  );
  return payout;
}

export async function getPayout(deps: PayoutsDeps, merchantId: string, id: string): Promise<Payout> {
  const payout = id.length <= 200 ? await readPayout(deps.store, id) : undefined;
  if (!payout || payout.merchant !== merchantId)
    throw new AppError('not_found', `no payout ${id}`, { param: 'id' });
  return payout;
}

export function listPayouts(deps: PayoutsDeps, merchantId: string, page: { limit: number; cursor?: string }) {
  return merchantPayouts(deps.store, merchantId, page);
}
