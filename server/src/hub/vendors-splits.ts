import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { derivedId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, type TransferRequest } from '../ledger/index.ts';
import { getMerchantRecord, merchantAccountId, sandboxNow } from '../payments/index.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import type { Provider } from './connectors/connector.ts';
import type { HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import type { HubEventData } from './intent-model.ts';
import type { MerchantActor } from './intents.ts';
import { readIntent } from './store.ts';
import { vendorAccountId } from './vendors.ts';
import { vendorErrors, vendorLedgerCodes, type SplitInput } from './vendors-model.ts';
import {
  readSplit,
  readVendor,
  splitPut,
  toSplitGroup,
  vendorSplitPut,
  type SplitRecord,
} from './vendors-store.ts';

/**
 * Split payments, after Stripe Connect's destination charges: the merchant (the platform) takes
 * the payment; when it succeeds, ONE linked ledger transfer moves every vendor's share from the
 * merchant's account the money landed in (`pending` for a card payment, which settles T+1;
 * `available` for a wallet or ACH payment) to the vendors' `pending` accounts. The merchant keeps
 * the rest (the platform fee) and pays the card network's fees.
 *
 * Refunds take the vendors' shares back pro rata (`reverseForRefund`, vendors-reversals.ts), and
 * vendor settlement makes the shares available the next sandbox day (`settleDueSplits`,
 * vendors-settlement.ts).
 */

/** Providers whose payments land in Sluice's books, so shares can move from them (Stripe keeps its own). */
export const splittableProviders: readonly Provider[] = ['sandbox_card', 'wallet', 'ach'];

const dayMs = 24 * 3600 * 1000;
const groupObject = (split: SplitRecord) => ({ id: split.intent, ...toSplitGroup(split) });

/**
 * Checks a payment's splits before anything is written, and returns the group to store with the
 * intent. Refusals name the split at fault: `unknown_vendor` (missing, or another merchant's),
 * `split_currency_mismatch`, `splits_exceed_amount`.
 */
export async function newSplitGroup(
  deps: HubDeps,
  actor: MerchantActor,
  intentId: string,
  input: { amount: number; currency: string; splits?: SplitInput[] | undefined },
): Promise<SplitRecord | undefined> {
  if (!input.splits || input.splits.length === 0) return undefined;
  const total = input.splits.reduce((sum, s) => sum + s.amount, 0);
  for (const [index, split] of input.splits.entries()) {
    const vendor = await readVendor(deps.store, split.vendor);
    if (!vendor || vendor.merchant !== actor.merchantId)
      throw vendorErrors.error('unknown_vendor', `no vendor ${split.vendor}`, {
        param: `splits.${index}.vendor`,
      });
    if (vendor.currency !== input.currency)
      throw vendorErrors.error(
        'split_currency_mismatch',
        `vendor ${vendor.id} holds ${vendor.currency}, not ${input.currency}`,
        { param: `splits.${index}.vendor` },
      );
  }
  if (total > input.amount)
    throw vendorErrors.error(
      'splits_exceed_amount',
      `the splits add up to ${total}, more than the amount ${input.amount}`,
      { param: 'splits' },
    );
  const now = isoTime(deps.clock.now());
  return {
    intent: intentId,
    merchant: actor.merchantId,
    owner: actor.ownerId,
    currency: input.currency,
    status: 'awaiting_payment',
    source: null,
    lines: input.splits.map((s) => ({ vendor: s.vendor, amount: s.amount, reversed: 0, shortfall: 0 })),
    platform_fee: input.amount - total,
    platform_refunded: 0,
    reversals: [],
    settle_on: null,
    transferred_at: null,
    settled_at: null,
    created_at: now,
    version: 1,
  };
}

/** The sum of a group's shares: what a capture must at least take. */
export const splitTotal = (split: Pick<SplitRecord, 'lines'>) =>
  split.lines.reduce((sum, l) => sum + l.amount, 0);

export async function merchantSandboxNow(deps: HubDeps, merchantId: string): Promise<number> {
  const merchant = await getMerchantRecord(deps, merchantId);
  return merchant ? sandboxNow(deps, merchant) : deps.clock.now();
}

/** A transfer id fixed by what it does, so a retry (or a second delivery) never moves money twice. */
export const transferId = (split: SplitRecord, what: string) =>
  derivedId('transfer', Date.parse(split.created_at), `${split.intent}:${what}`);

/**
 * Moves the vendors' shares of a succeeded intent, in one linked transfer committed with the
 * group's new status and `vendor.split_transferred`. Idempotent: a group already transferred is
 * left alone, and the transfer ids are fixed by intent and vendor. Called where an intent
 * succeeds, and by the subscription to `payment_intent.succeeded` for the paths that succeed
 * elsewhere (ACH settlement) or crashed before the call. Returns the group as it now is.
 */
export async function transferSplits(deps: HubDeps, intentId: string): Promise<SplitRecord | undefined> {
  const split = await readSplit(deps.store, intentId);
  if (!split || split.status !== 'awaiting_payment') return split;
  const intent = await readIntent(deps.store, intentId);
  // Refunded while still waiting (the merchant could not cover the shares): the shares would no
  // longer match the payment, so they never move and the merchant keeps it, refunds and all.
  if (!intent || intent.status !== 'succeeded' || !intent.provider || intent.amount_refunded > 0)
    return split;
  const source = intent.provider === 'sandbox_card' ? 'pending' : 'available';
  const now = await merchantSandboxNow(deps, split.merchant);
  const next: SplitRecord = {
    ...split,
    status: 'transferred',
    source,
    // The card network's fees are the merchant's: the shares are of what was captured.
    platform_fee: intent.amount_captured - splitTotal(split),
    settle_on: isoTime(Math.floor(now / dayMs) * dayMs + dayMs).slice(0, 10),
    transferred_at: isoTime(now),
    version: split.version + 1,
  };
  const currency = split.currency as Currency;
  const transfers: TransferRequest[] = split.lines.map((line) => ({
    id: transferId(split, `split:${line.vendor}`),
    debit_account_id: merchantAccountId(split.merchant, source, currency),
    credit_account_id: vendorAccountId(line.vendor, 'pending', currency),
    amount: line.amount,
    currency,
    code: vendorLedgerCodes.split,
    metadata: { payment_intent: split.intent, vendor: line.vendor, merchant: split.merchant },
  }));
  try {
    await createTransfers(deps, transfers, {
      event: ledgerEvent('vendor.split_transferred', next),
      operations: () => [
        splitPut(next),
        ...split.lines.map((l) => vendorSplitPut(l.vendor, split.intent, l.amount)),
      ],
    });
    return next;
  } catch (error) {
    // Another delivery moved them first; or the merchant's available balance cannot cover the
    // shares now (a wallet or ACH payment already paid out): the group waits for the next try.
    if (isAppError(error) && (error.code === 'conflict' || error.code === 'insufficient_funds'))
      return readSplit(deps.store, intentId);
    throw error;
  }
}

/** The subscription's handler: any `payment_intent.succeeded` may complete a group still waiting. */
export function transferSplitsOnSuccess(deps: HubDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    await transferSplits(deps, event.subject);
  };
}

type SplitEventType = 'vendor.split_transferred' | 'vendor.split_reversed' | 'vendor.split_settled';

/** A split group's event, for the ledger's transaction (or `hubEvent`'s when nothing moves). */
export function ledgerEvent(type: SplitEventType, split: SplitRecord) {
  return {
    type,
    source: 'sluice.hub',
    subject: split.intent,
    audience: [split.owner],
    merchant: split.merchant,
    data: { object: groupObject(split) } satisfies HubEventData[SplitEventType],
  };
}

/**
 * Commits transfers with their writes, or the writes and event alone when nothing moves. Says
 * `replayed` when the transfers were already made (with their writes) by an earlier call.
 */
export async function commitSplitChange(
  deps: HubDeps,
  transfers: TransferRequest[],
  event: ReturnType<typeof ledgerEvent>,
  operations: WriteOperation[],
): Promise<'written' | 'replayed'> {
  if (transfers.length > 0) {
    const result = await createTransfers(deps, transfers, { event, operations: () => operations });
    // Fixed transfer ids: a second writer of the same change finds them made, and writes nothing.
    return result.replayed ? 'replayed' : 'written';
  }
  const split = event.data.object;
  try {
    await deps.store.transact([
      ...operations,
      hubEvent(
        event.type,
        { merchantId: split.merchant, ownerId: event.audience[0]! },
        split,
        deps.clock.now(),
      ),
    ]);
    return 'written';
  } catch (error) {
    if (isTransactionCanceled(error))
      throw new AppError('conflict', `split group ${split.id} changed meanwhile`);
    throw error;
  }
}
