import { isAppError } from '../kernel/errors.ts';
import { formatDecimal, type Currency } from '../kernel/money.ts';
import { balanceOf, getAccount, type Account } from '../ledger/index.ts';
import { paymentsErrors } from './errors.ts';
import { merchantAccountId, type PaymentsDeps } from './merchants.ts';
import type { MerchantBalance } from './model.ts';
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
