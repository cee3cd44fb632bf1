import { isAppError } from '../kernel/errors.ts';
import { formatDecimal, type Currency } from '../kernel/money.ts';
import { AppError } from '../kernel/errors.ts';
import { isCurrency } from '../kernel/money.ts';
import { balanceOf, getAccount, listHistory, type Account, type HistoryEntry } from '../ledger/index.ts';
import { paymentsErrors } from './errors.ts';
import { merchantAccountId, type PaymentsDeps } from './merchants.ts';
import {
  paymentCodes,
  type BalanceTransaction,
  type BalanceTransactionType,
  type MerchantBalance,
} from './model.ts';
import { readDispute } from './store/disputes.ts';
import { readRefund } from './store/refunds.ts';
import { readSettlement } from './store/settlements.ts';
import { merchantCurrencies } from './store/merchants.ts';

/**
 * The negative-balance floor, in the ledger's own terms. A merchant's `available` account refuses
 * overdraft (`debits_must_not_exceed_credits`), and is credited once, from the merchant's
 * `credit_line` account, with the floor: the ledger's limit check then lets refunds and dispute
 * debits take the merchant's balance down to −floor and no further, atomically, with no check of
 * ours. The balance the API shows is the account's less that grant, so it reads negative while
 * the merchant owes; every later credit (a settlement's net) recovers it first, as at Stripe.
 * The grant (`grantBalanceFloor` in merchants.ts, on opening) is one transfer with an id derived from the merchant and currency, so it is made at
 * most once however often it is asked for; the books stay balanced (the credit line sits at −floor).
 */

/** What the credit line granted the available account (0 for accounts from before the floor). */
export function grantedFloor(creditLine: Account | undefined): number {
  return creditLine ? creditLine.debits_posted - creditLine.credits_posted : 0;
}

/** The available balance as the merchant sees it: the account's, less the floor's grant (may be negative). */
export function shownAvailable(available: Account | undefined, creditLine: Account | undefined): number {
  return available ? balanceOf(available).available - grantedFloor(creditLine) : 0;
}

async function readBalanceAccounts(deps: PaymentsDeps, merchantId: string, currency: Currency) {
  const [available, pending, creditLine] = await Promise.all([
    getAccount(deps, merchantAccountId(merchantId, 'available', currency)),
    getAccount(deps, merchantAccountId(merchantId, 'pending', currency)),
    getAccount(deps, merchantAccountId(merchantId, 'credit_line', currency)),
  ]);
  return { available, pending, creditLine };
}

/**
 * Per currency the merchant trades in: settled funds (`available`, negative while refunds or
 * disputes took more than it held), captured-but-unsettled funds (`pending`) and how far below
 * zero `available` may go.
 */
export async function getMerchantBalance(deps: PaymentsDeps, merchantId: string): Promise<MerchantBalance> {
  const balances: MerchantBalance['balances'] = [];
  for (const currency of await merchantCurrencies(deps.store, merchantId)) {
    const { available, pending, creditLine } = await readBalanceAccounts(deps, merchantId, currency);
    balances.push({
      currency,
      available: shownAvailable(available, creditLine),
      pending: pending ? balanceOf(pending).posted : 0,
      negative_balance_limit: grantedFloor(creditLine),
    });
  }
  return { balances };
}

/**
 * Turns the ledger's refusal of a debit of the merchant's available account into the merchant's
 * terms: 402 `balance_insufficient`, saying where the balance stands and how far it may go.
 * Any other error is returned as it is.
 */
export async function explainBalanceRefusal(
  deps: PaymentsDeps,
  error: unknown,
  merchantId: string,
  currency: Currency,
  action: string,
): Promise<unknown> {
  if (!(isAppError(error) && error.code === 'insufficient_funds')) return error;
  if (error.details?.account_id !== merchantAccountId(merchantId, 'available', currency)) return error;
  const { available, creditLine } = await readBalanceAccounts(deps, merchantId, currency);
  const balance = shownAvailable(available, creditLine);
  const floor = grantedFloor(creditLine);
  return paymentsErrors.error(
    'balance_insufficient',
    `${action} would take your available balance (${formatDecimal(balance, currency)} ${currency}) below ` +
      `−${formatDecimal(floor, currency)} ${currency}, the most it may go negative. ` +
      'Wait for the next settlement to add funds, or refund less.',
    {
      param: 'amount',
      details: { available: balance, negative_balance_limit: floor, currency },
    },
  );
}

const typesByCode: Record<string, BalanceTransactionType> = {
  [paymentCodes.settlement]: 'settlement',
  [paymentCodes.refund]: 'refund',
  [paymentCodes.dispute]: 'dispute',
  [paymentCodes.disputeWon]: 'dispute_won',
  // The payouts module's code: money leaving the balance for a wallet or bank.
  payout: 'payout',
};

/** Where a page of balance transactions resumes: the ledger's cursor and the balance right after the next entry. */
interface BalanceCursor {
  ledger: string;
  balance: number;
}

function encodeCursor(cursor: BalanceCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): BalanceCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<BalanceCursor>;
    if (typeof value.ledger === 'string' && Number.isSafeInteger(value.balance))
      return value as BalanceCursor;
  } catch {
    // Not ours: refused below.
  }
  throw new AppError('invalid_request', 'starting_after is not a cursor this list returned', {
    param: 'starting_after',
  });
}

/** The posted balance the merchant sees, and a fingerprint of the account's totals to tell a concurrent change. */
async function postedBalance(deps: PaymentsDeps, merchantId: string, currency: Currency) {
  const { available, creditLine } = await readBalanceAccounts(deps, merchantId, currency);
  const posted = available ? available.credits_posted - available.debits_posted : 0;
  return {
    balance: posted - grantedFloor(creditLine),
    version: available ? `${available.credits_posted}:${available.debits_posted}` : '',
  };
}

/**
 * The merchant's balance transactions in `currency`, newest first: every change of its available
 * balance, read from the ledger's history of that account (the floor's grant left out: it changes
 * no balance the merchant sees), each with the balance right after it, the object that caused it
 * and its time on the merchant's test clock where that object records it. The first page starts
 * from the balance now (read again until no transfer lands between the two reads); each next page
 * from the balance its cursor carries.
 *
 * @example await listBalanceTransactions(deps, 'mer_…', { currency: 'USD', limit: 20 })
 */
export async function listBalanceTransactions(
  deps: PaymentsDeps,
  merchantId: string,
  options: { currency: string; limit: number; cursor?: string },
): Promise<{ data: BalanceTransaction[]; next_cursor: string | undefined }> {
  if (!isCurrency(options.currency))
    throw new AppError('validation_failed', `unknown currency ${options.currency}`, { param: 'currency' });
  const currency = options.currency;
  const accountId = merchantAccountId(merchantId, 'available', currency);
  const resumed = options.cursor ? decodeCursor(options.cursor) : undefined;
  for (let attempt = 0; ; attempt++) {
    const before = resumed ? undefined : await postedBalance(deps, merchantId, currency);
    const page = await listHistory(deps.store, accountId, {
      limit: options.limit,
      ...(resumed ? { cursor: resumed.ledger } : {}),
    });
    const after = resumed ? undefined : await postedBalance(deps, merchantId, currency);
    if (before && after && before.version !== after.version && attempt < 3) continue;
    let balance = resumed?.balance ?? before!.balance;
    const data: BalanceTransaction[] = [];
    for (const entry of page.entries) {
      const posted = postedAmount(entry);
      if (posted === 0) continue;
      if (entry.code !== paymentCodes.balanceFloor)
        data.push(await describeEntry(deps, entry, posted, balance));
      balance -= entry.code === paymentCodes.balanceFloor ? 0 : posted;
    }
    return {
      data,
      next_cursor: page.next_cursor ? encodeCursor({ ledger: page.next_cursor, balance }) : undefined,
    };
  }
}

/** What the entry changed the account's posted balance by (a hold changes none until posted). */
function postedAmount(entry: HistoryEntry): number {
  if (entry.kind !== 'posted' && entry.kind !== 'post_pending') return 0;
  return entry.direction === 'credit' ? entry.amount : -entry.amount;
}

/** The entry in the merchant's terms, with the source object's amounts and sandbox time. */
async function describeEntry(
  deps: PaymentsDeps,
  entry: HistoryEntry,
  net: number,
  balanceAfter: number,
): Promise<BalanceTransaction> {
  const type = typesByCode[entry.code] ?? 'adjustment';
  const base = {
    id: entry.transfer_id,
    object: 'balance_transaction' as const,
    type,
    code: entry.code,
    currency: entry.currency,
    amount: net,
    fee: 0,
    net,
    balance_after: balanceAfter,
    source:
      entry.metadata.settlement ??
      entry.metadata.refund ??
      entry.metadata.dispute ??
      entry.metadata.payout ??
      entry.metadata.intent ??
      null,
    payment: entry.metadata.payment ?? null,
    created_at: entry.created_at,
    sandbox_time: false,
  };
  const sandbox = (at: string | null | undefined) => (at ? { created_at: at, sandbox_time: true } : {});
  if (type === 'settlement' && entry.metadata.settlement) {
    const settlement = await readSettlement(deps.store, entry.metadata.settlement);
    if (!settlement) return base;
    const fee = settlement.fees + settlement.dispute_fees;
    return { ...base, amount: net + fee, fee, ...sandbox(settlement.created_at) };
  }
  if (type === 'refund' && entry.metadata.refund)
    return { ...base, ...sandbox((await readRefund(deps.store, entry.metadata.refund))?.created_at) };
  if ((type === 'dispute' || type === 'dispute_won') && entry.metadata.dispute) {
    const dispute = await readDispute(deps.store, entry.metadata.dispute);
    return { ...base, ...sandbox(type === 'dispute' ? dispute?.created_at : dispute?.closed_at) };
  }
  return base;
}
