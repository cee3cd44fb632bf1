import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { derivedId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { createTransfers, type TransferRequest } from '../ledger/index.ts';
import { getMerchantRecord, getPayment, merchantAccountId, sandboxNow } from '../payments/index.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import type { Provider } from './connectors/connector.ts';
import type { HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import type { MerchantActor } from './intents.ts';
import { readIntent, type IntentRecord } from './store.ts';
import { vendorAccountId, vendorBalance } from './vendors.ts';
import {
  apportion,
  vendorErrors,
  vendorLedgerCodes,
  type SplitInput,
  type SplitLine,
} from './vendors-model.ts';
import {
  readSplit,
  readVendor,
  splitPut,
  splitsDue,
  toSplitGroup,
  vendorSplitPut,
  type Reversal,
  type SplitRecord,
} from './vendors-store.ts';

/**
 * Split payments, after Stripe Connect's destination charges: the merchant (the platform) takes
 * the payment; when it succeeds, ONE linked ledger transfer moves every vendor's share from the
 * merchant's account the money landed in (`pending` for a card payment, which settles T+1;
 * `available` for a wallet or ACH payment) to the vendors' `pending` accounts. The merchant keeps
 * the rest (the platform fee) and pays the card network's fees.
 *
 * Refunds take the vendors' shares back pro rata (`reverseForRefund`), and vendor settlement makes
 * the shares available at the start of the next sandbox day (`settleDueSplits`).
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

async function merchantSandboxNow(deps: HubDeps, merchantId: string): Promise<number> {
  const merchant = await getMerchantRecord(deps, merchantId);
  return merchant ? sandboxNow(deps, merchant) : deps.clock.now();
}

/** A transfer id fixed by what it does, so a retry (or a second delivery) never moves money twice. */
const transferId = (split: SplitRecord, what: string) =>
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
  if (!intent || intent.status !== 'succeeded' || !intent.provider) return split;
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

function ledgerEvent(
  type: 'vendor.split_transferred' | 'vendor.split_reversed' | 'vendor.split_settled',
  split: SplitRecord,
) {
  return {
    type,
    source: 'sluice.hub',
    subject: split.intent,
    audience: [split.owner],
    merchant: split.merchant,
    data: { object: groupObject(split) },
  };
}

/**
 * Takes the vendors' part of a refund back before the provider refunds the payer, so the
 * merchant's balance gets the vendors' money before it pays. The refund is divided over what is
 * left of each share and of the platform fee, in proportion, by largest remainder (`apportion`):
 * the parts add up to the refund exactly, none passes what is left of its share, and the last
 * refund takes back exactly what is left. Per vendor: a share not yet settled comes back from the
 * vendor's `pending` account; a settled one from `available`, but never below zero: what a
 * vendor already paid out is a shortfall the merchant bears (Stripe Connect's rule for a transfer
 * reversal the connected account cannot cover). Recorded under the refund's key, so a retry finds
 * it; `undoReversal` gives it back if the provider then refuses the refund.
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
    if (done) return done;
    try {
      return await applyReversal(deps, split, key, amount);
    } catch (error) {
      // A payout or another refund changed a balance or the group meanwhile: judge again.
      const retry = isAppError(error) && (error.code === 'conflict' || error.code === 'insufficient_funds');
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
  const reversal: Reversal = { key, lines, platform: shares.at(-1)!, status: 'applied' };
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
  await commit(deps, transfers, ledgerEvent('vendor.split_reversed', next), [splitPut(next)]);
  return reversal;
}

/** Commits transfers with their writes, or the writes and event alone when nothing moves. */
async function commit(
  deps: HubDeps,
  transfers: TransferRequest[],
  event: ReturnType<typeof ledgerEvent>,
  operations: WriteOperation[],
): Promise<void> {
  if (transfers.length > 0) {
    await createTransfers(deps, transfers, { event, operations: () => operations });
    return;
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
  } catch (error) {
    if (isTransactionCanceled(error))
      throw new AppError('conflict', `split group ${split.id} changed meanwhile`);
    throw error;
  }
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
      .map((l) => ({
        id: transferId(split, `${key}:undo:${index}:${l.vendor}`),
        debit_account_id: merchantAccountId(
          split.merchant,
          l.from === 'pending' ? split.source! : 'available',
          currency,
        ),
        credit_account_id: vendorAccountId(l.vendor, l.from, currency),
        amount: l.amount,
        currency,
        code: vendorLedgerCodes.reversal,
        metadata: { payment_intent: split.intent, vendor: l.vendor, refund_key: key, undo: 'true' },
      }));
    try {
      await commit(deps, transfers, ledgerEvent('vendor.split_reversed', next), [splitPut(next)]);
      return;
    } catch (error) {
      if (!(isAppError(error) && error.code === 'conflict') || attempt >= 5) throw error;
    }
  }
}

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
    await commit(deps, transfers, ledgerEvent('vendor.split_settled', next), [splitPut(next)]);
    return true;
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
