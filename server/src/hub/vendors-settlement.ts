import { isoTime } from '../kernel/clock.ts';
import { isAppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import type { Currency } from '../kernel/money.ts';
import type { TransferRequest } from '../ledger/index.ts';
import { getPayment, merchantAccountId } from '../payments/index.ts';
import type { HubDeps } from './deps.ts';
import { readIntent } from './store.ts';
import { vendorAccountId } from './vendors.ts';
import { vendorLedgerCodes, type SplitLine } from './vendors-model.ts';
import { commitSplitChange, ledgerEvent, merchantSandboxNow, transferId } from './vendors-splits.ts';
import { readSplit, splitPut, splitsDue, type SplitRecord } from './vendors-store.ts';

/**
 * Settles the vendors' shares due by each merchant's sandbox clock (from the start of the day
 * after the transfer), optionally one merchant's: per group, one linked transfer moves what is
 * left of each share from the vendor's `pending` to its `available` account. A card payment's
 * shares left the merchant's `pending` account before the card settlement moved the whole payment
 * to `available`; so for those, the same transfer gives `pending` back what the vendors took,
 * from `available`, once the card payment has settled (until then the group waits). A group whose
 * merchant cannot cover that (its available balance already paid out) waits for the next run.
 * Idempotent: the group's write is conditional on its version, and its transfer ids are fixed.
 */
export async function settleDueSplits(deps: HubDeps, merchantId?: string): Promise<number> {
  let settled = 0;
  let cursor: string | undefined;
  const days = new Map<string, string>();
  const dayOf = async (merchant: string) => {
    let day = days.get(merchant);
    if (day === undefined) {
      day = isoTime(await merchantSandboxNow(deps, merchant)).slice(0, 10);
      days.set(merchant, day);
    }
    return day;
  };
  // Sandbox clocks run ahead of real time, never behind: scan up to the furthest one seen.
  const horizon = merchantId ? await dayOf(merchantId) : '9999-12-31';
  do {
    const page = await splitsDue(deps.store, horizon, cursor);
    for (const due of page.splits) {
      if (merchantId && due.merchant !== merchantId) continue;
      if (!due.settle_on || due.settle_on > (await dayOf(due.merchant))) continue;
      if (await settleSplit(deps, due)) settled += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return settled;
}

async function settleSplit(deps: HubDeps, read: SplitRecord): Promise<boolean> {
  const split = await readSplit(deps.store, read.intent);
  if (!split || split.status !== 'transferred') return false;
  if (split.source === 'pending' && !(await cardPaymentSettled(deps, split))) return false;
  const now = await merchantSandboxNow(deps, split.merchant);
  const next: SplitRecord = {
    ...split,
    status: 'settled',
    settled_at: isoTime(now),
    version: split.version + 1,
  };
  const currency = split.currency as Currency;
  const outstanding = split.lines.map((l) => ({ line: l, amount: l.amount - l.reversed }));
  const total = outstanding.reduce((sum, o) => sum + o.amount, 0);
  const transfers: TransferRequest[] = [
    ...(split.source === 'pending' && total > 0
      ? [
          {
            id: transferId(split, 'settle:cover'),
            debit_account_id: merchantAccountId(split.merchant, 'available', currency),
            credit_account_id: merchantAccountId(split.merchant, 'pending', currency),
            amount: total,
            currency,
            code: vendorLedgerCodes.settlementCover,
            metadata: { payment_intent: split.intent, merchant: split.merchant },
          },
        ]
      : []),
    ...outstanding
      .filter((o) => o.amount > 0)
      .map(({ line, amount }: { line: SplitLine; amount: number }) => ({
        id: transferId(split, `settle:${line.vendor}`),
        debit_account_id: vendorAccountId(line.vendor, 'pending', currency),
        credit_account_id: vendorAccountId(line.vendor, 'available', currency),
        amount,
        currency,
        code: vendorLedgerCodes.settlement,
        metadata: { payment_intent: split.intent, vendor: line.vendor },
      })),
  ];
  try {
    // A run that lost the race to another over this group replays its transfers: not counted.
    return (
      (await commitSplitChange(deps, transfers, ledgerEvent('vendor.split_settled', next), [
        splitPut(next),
      ])) === 'written'
    );
  } catch (error) {
    if (isAppError(error) && (error.code === 'conflict' || error.code === 'insufficient_funds')) return false;
    throw error;
  }
}

/** Whether the card payment behind a group has settled to the merchant (T+1 card settlement). */
async function cardPaymentSettled(deps: HubDeps, split: SplitRecord): Promise<boolean> {
  const intent = await readIntent(deps.store, split.intent);
  if (!intent?.provider_reference) return false;
  const payment = await getPayment(deps, split.merchant, intent.provider_reference);
  return payment.settlement !== null;
}

/**
 * The subscription's handler: when a merchant's card payments settle (`payout.settled`), the
 * vendors' shares of them are due too, so they settle at once rather than at the next hourly run.
 */
export function settleSplitsOnMerchantSettlement(deps: HubDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    if (event.merchant) await settleDueSplits(deps, event.merchant);
  };
}
