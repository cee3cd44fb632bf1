import { AppError } from '../kernel/errors.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import type { Account, AccountFlags } from './model.ts';
import type { LedgerDeps } from './service.ts';
import { accountFlagUpdate, readAccount } from './store.ts';

/** What `setAccountFlag` did. */
export type SetAccountFlagResult =
  | { outcome: 'set' | 'already_set'; account: Account }
  /** The account's totals break the flag already, or it carries the opposite flag: left as it was. */
  | { outcome: 'refused'; account: Account; reason: string };

/**
 * Turns an overdraft flag on for an existing account, where its totals already honour it
 * (`credits_must_not_exceed_debits`: credits posted + pending ≤ debits posted;
 * `debits_must_not_exceed_credits`: debits posted + pending ≤ credits posted). The check is the
 * update's condition, so a transfer racing the change cannot leave the account breaking the flag.
 * An account that breaks it is refused and left unchanged, never forced: someone has to look at
 * it. Idempotent: a flag already on is `already_set`. Throws `not_found` for an unknown account.
 *
 * @example
 * const { outcome } = await setAccountFlag(deps, 'acc_…', 'credits_must_not_exceed_debits'); // 'set'
 */
export async function setAccountFlag(
  deps: LedgerDeps,
  accountId: string,
  flag: keyof AccountFlags,
): Promise<SetAccountFlagResult> {
  const before = await readAccount(deps.store, accountId);
  if (!before) throw new AppError('not_found', `no account ${accountId}`);
  if (before[flag]) return { outcome: 'already_set', account: before };
  try {
    await deps.store.transact([accountFlagUpdate(accountId, flag)]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const account = (await readAccount(deps.store, accountId))!;
    if (account[flag]) return { outcome: 'already_set', account };
    return { outcome: 'refused', account, reason: flagRefusal(account, flag) };
  }
  return { outcome: 'set', account: { ...before, [flag]: true } };
}

function flagRefusal(account: Account, flag: keyof AccountFlags): string {
  const opposite =
    flag === 'credits_must_not_exceed_debits'
      ? 'debits_must_not_exceed_credits'
      : 'credits_must_not_exceed_debits';
  if (account[opposite]) return `it carries ${opposite}, which excludes ${flag}`;
  return flag === 'credits_must_not_exceed_debits'
    ? `its credits (${account.credits_posted} posted + ${account.credits_pending} pending) exceed its debits posted (${account.debits_posted})`
    : `its debits (${account.debits_posted} posted + ${account.debits_pending} pending) exceed its credits posted (${account.credits_posted})`;
}
