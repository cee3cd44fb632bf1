import { isAppError } from '../kernel/errors.ts';
import type { Currency } from '../kernel/money.ts';
import type { TransferRequest } from '../ledger/index.ts';
import { merchantAccountId } from '../payments/index.ts';
import type { HubDeps } from './deps.ts';
import type { IntentRecord } from './store.ts';
import { vendorAccountId, vendorBalance } from './vendors.ts';
import { refundInProgress } from './errors.ts';
import { apportion, vendorLedgerCodes } from './vendors-model.ts';
import { commitSplitChange, ledgerEvent, transferId } from './vendors-splits.ts';
import { readSplit, splitPut, type Reversal, type SplitRecord } from './vendors-store.ts';

/**
 * Takes the vendors' part of a refund back before the provider refunds the payer, so the
 * merchant's balance gets the vendors' money before it pays. The refund is divided over what is
 * left of each share and of the platform fee, in proportion, by largest remainder (`apportion`):
 * the parts add up to the refund exactly, none passes what is left of its share, and the last
 * refund takes back exactly what is left. Per vendor: a share not yet settled comes back from the
 * vendor's `pending` account; a settled one from `available`, but never below zero: what a
 * vendor already paid out is a shortfall the merchant bears (Stripe Connect's rule for a transfer
 * reversal the connected account cannot cover). Recorded under the refund's key, so a retry finds
 * it; `undoReversal` gives it back if the provider then refuses the refund. A reversal under the
 * key for another amount belongs to another refund: 409 `refund_in_progress`.
 */
export async function reverseForRefund(
  deps: HubDeps,
  intent: IntentRecord,
  key: string,
  amount: number,
): Promise<Reversal | undefined> {
  for (let attempt = 0; ; attempt++) {
    const split = await readSplit(deps.store, intent.id);
    if (!split || split.status === 'awaiting_payment' || !split.source) return undefined;
    const done = split.reversals.find((r) => r.key === key && r.status === 'applied');
    if (done) {
      if (done.amount !== undefined && done.amount !== amount) throw refundInProgress(intent.id, done.amount);
      return done;
    }
    try {
      return await applyReversal(deps, split, key, amount);
    } catch (error) {
      // A payout or another refund changed a balance or the group meanwhile (a refund racing this
      // one under the same key made its reversal first: its transfers' ids are taken): judge again.
      const retry =
        isAppError(error) &&
        (error.code === 'conflict' ||
          error.code === 'insufficient_funds' ||
          error.code === 'transfer_exists');
      if (!retry || attempt >= 5) throw error;
    }
  }
}

async function applyReversal(
  deps: HubDeps,
  split: SplitRecord,
  key: string,
  amount: number,
): Promise<Reversal> {
  const left = split.lines.map((l) => l.amount - l.reversed);
  const shares = apportion(amount, [...left, split.platform_fee - split.platform_refunded]);
  const settled = split.status === 'settled';
  const currency = split.currency as Currency;
  const lines: Reversal['lines'] = [];
  for (const [index, line] of split.lines.entries()) {
    const share = shares[index]!;
    if (share === 0) continue;
    const held = settled ? (await vendorBalance(deps, line.vendor, split.currency)).available : share;
    const back = Math.max(0, Math.min(share, held));
    lines.push({
      vendor: line.vendor,
      amount: back,
      from: settled ? 'available' : 'pending',
      shortfall: share - back,
    });
  }
  const reversal: Reversal = { key, amount, lines, platform: shares.at(-1)!, status: 'applied' };
  const attempt = split.reversals.filter((r) => r.key === key).length;
  const next: SplitRecord = {
    ...split,
    lines: split.lines.map((line) => {
      const taken = lines.find((l) => l.vendor === line.vendor);
      return taken
        ? {
            ...line,
            reversed: line.reversed + taken.amount + taken.shortfall,
            shortfall: line.shortfall + taken.shortfall,
          }
        : line;
    }),
    platform_refunded: split.platform_refunded + reversal.platform,
    reversals: [...split.reversals, reversal],
    version: split.version + 1,
  };
  const transfers: TransferRequest[] = lines
    .filter((l) => l.amount > 0)
    .map((l) => ({
      id: transferId(split, `${key}:reverse:${attempt}:${l.vendor}`),
      debit_account_id: vendorAccountId(l.vendor, l.from, currency),
      credit_account_id: merchantAccountId(
        split.merchant,
        l.from === 'pending' ? split.source! : 'available',
        currency,
      ),
      amount: l.amount,
      currency,
      code: vendorLedgerCodes.reversal,
      metadata: { payment_intent: split.intent, vendor: l.vendor, refund_key: key },
    }));
  await commitSplitChange(deps, transfers, ledgerEvent('vendor.split_reversed', next), [splitPut(next)]);
  return reversal;
}

/**
 * Gives a reversal back to the vendors when the provider refused the refund it was made for: the
 * same amounts return to the accounts they came from, and the group forgets the reversal.
 */
export async function undoReversal(deps: HubDeps, intentId: string, key: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const split = await readSplit(deps.store, intentId);
    const index = split?.reversals.findIndex((r) => r.key === key && r.status === 'applied') ?? -1;
    if (!split || index < 0) return;
    const reversal = split.reversals[index]!;
    const currency = split.currency as Currency;
    const next: SplitRecord = {
      ...split,
      lines: split.lines.map((line) => {
        const taken = reversal.lines.find((l) => l.vendor === line.vendor);
        return taken
          ? {
              ...line,
              reversed: line.reversed - taken.amount - taken.shortfall,
              shortfall: line.shortfall - taken.shortfall,
            }
          : line;
      }),
      platform_refunded: split.platform_refunded - reversal.platform,
      reversals: split.reversals.map((r, i) => (i === index ? { ...r, status: 'undone' as const } : r)),
      version: split.version + 1,
    };
    const transfers: TransferRequest[] = reversal.lines
      .filter((l) => l.amount > 0)
      .map((l) => {
        // The group settled since the reversal took this from `pending` (a settlement run while
        // the provider answered): settlement moved only what the reversal left, so the share given
        // back settles now, from the merchant's available funds, as its cover and settlement would have.
        const to = l.from === 'pending' && split.status === 'settled' ? 'available' : l.from;
        return {
          id: transferId(split, `${key}:undo:${index}:${l.vendor}`),
          debit_account_id: merchantAccountId(
            split.merchant,
            to === 'pending' ? split.source! : 'available',
            currency,
          ),
          credit_account_id: vendorAccountId(l.vendor, to, currency),
          amount: l.amount,
          currency,
          code: vendorLedgerCodes.reversal,
          metadata: { payment_intent: split.intent, vendor: l.vendor, refund_key: key, undo: 'true' },
        };
      });
    try {
      await commitSplitChange(deps, transfers, ledgerEvent('vendor.split_reversed', next), [splitPut(next)]);
      return;
    } catch (error) {
      if (!(isAppError(error) && error.code === 'conflict') || attempt >= 5) throw error;
    }
  }
}
