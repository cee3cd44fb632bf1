import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import {
  balanceOf,
  createAccount,
  createTransfers,
  ensureSystemAccount,
  getAccount,
  getTransfer,
  listHistoryWhere,
  movementStatus,
  type Balance,
  type HistoryEntry,
  type NewAccount,
  type Transfer,
} from '../ledger/index.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import { requireVerifiedEmail } from '../identity/index.ts';
import {
  walletCodes,
  type ActivityEntry,
  type SendMoney,
  type WalletEventData,
  type WalletTransfer,
} from './model.ts';
import { createPartyResolver, partyFields, storedParty } from './parties.ts';

export interface WalletUser {
  id: string;
  email: string;
  name: string;
  /** False until the user verified their email: no bonus and no money out until then (absent: verified). */
  email_verified?: boolean;
}

/** How the wallet finds people: the identity module implements it. */
export interface UserDirectory {
  getUser(id: string): Promise<WalletUser | undefined>;
  findUserByEmail(email: string): Promise<WalletUser | undefined>;
}

export interface WalletDeps {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'signupBonus' | 'signupBonusBudget' | 'walletCurrency'>;
  users: UserDirectory;
  /** Where a spent bonus budget is reported. */
  logger?: Logger;
}

/** Extra writes for the same transaction, given the result (the idempotency record). */
export type Respond<T> = (result: T) => WriteOperation[];

const source = 'sluice.wallet';

export function walletAccountId(userId: string, currency: Currency): string {
  return `acct_w_${userId}_${currency}`;
}

/** The account sign-up bonuses are paid from: funded once with the budget, never overdrawn. */
export function promotionsAccountId(currency: Currency): string {
  return `acct_promo_signup_${currency}`;
}

/**
 * Opens the promotions account of `currency`, funded from issuance with the configured budget in
 * the same transaction, once: the account and the funding transfer have fixed ids, so racing
 * callers open it once and mint the budget once. Its no-overdraft flag makes the ledger itself
 * refuse any bonus past the budget, atomically with the bonus.
 */
async function ensurePromotionsAccount(deps: WalletDeps, currency: Currency): Promise<string> {
  const id = promotionsAccountId(currency);
  if (await getAccount(deps, id)) return id;
  const account = { id, currency, owner: 'system', code: 'promotions', debits_must_not_exceed_credits: true };
  const budget = deps.config.signupBonusBudget;
  if (budget <= 0) {
    await createAccount(deps, account);
    return id;
  }
  const issuance = await ensureSystemAccount(deps, 'issuance', currency);
  await createAccount(deps, account, {
    id: `tr_promo_budget_${currency}`,
    debit_account_id: issuance.id,
    amount: budget,
    code: walletCodes.promotionsBudget,
    metadata: { note: 'Sign-up bonus budget' },
    event: { type: 'ledger.transfers.created', source, subject: id },
  });
  return id;
}

/**
 * Opens the user's wallet funded with the sign-up bonus, in one transaction and once: the
 * account and bonus ids are fixed, so the sign-up consumer and lazy callers may race or repeat.
 * The bonus comes out of the promotions budget; once that is spent the wallet opens empty (a
 * sign-up is never refused for it) and the spent budget is logged. Refuses (`not_found`) a user
 * id the directory does not know, so no token or event can conjure a wallet and a bonus. A user
 * whose email is not verified yet gets an empty wallet: `grantSignupBonus` pays the bonus on
 * verification.
 */
export async function ensureWallet(deps: WalletDeps, userId: string): Promise<void> {
  const currency = deps.config.walletCurrency;
  const account = {
    id: walletAccountId(userId, currency),
    currency,
    owner: userId,
    code: 'wallet',
    debits_must_not_exceed_credits: true,
  };
  if (await getAccount(deps, account.id)) return;
  const user = await deps.users.getUser(userId);
  if (!user) throw new AppError('not_found', `no user ${userId}`);
  if (deps.config.signupBonus <= 0 || user.email_verified === false) {
    await createAccount(deps, account);
    return;
  }
  const promotions = await ensurePromotionsAccount(deps, currency);
  try {
    await openWithBonus(deps, account, promotions, userId);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'insufficient_funds')) throw error;
    deps.logger?.warn('sign-up bonus budget spent: wallet opened without a bonus', {
      user_id: userId,
      currency,
      bonus: deps.config.signupBonus,
    });
    await createAccount(deps, account);
  }
}

async function openWithBonus(
  deps: WalletDeps,
  account: NewAccount,
  promotionsId: string,
  userId: string,
): Promise<void> {
  await createAccount(deps, account, {
    id: bonusTransferId(userId),
    debit_account_id: promotionsId,
    amount: deps.config.signupBonus,
    code: walletCodes.signupBonus,
    metadata: { to_user: userId, note: 'Welcome to Sluice' },
    event: {
      type: 'wallet.balance.changed',
      source,
      subject: userId,
      audience: [userId],
      data: (transfers: Transfer[]): WalletEventData['wallet.balance.changed'] => ({
        reason: walletCodes.signupBonus,
        transfer: toWalletTransfer(transfers[0]!),
      }),
    },
  });
}

function bonusTransferId(userId: string): string {
  return `tr_bonus_${userId}`;
}

/**
 * Pays the sign-up bonus to a user who has just verified their email (`user.email_verified`),
 * once: the bonus transfer has the same fixed id as when a wallet opens with it, so a repeated
 * event, or a wallet that opened with the bonus already, pays nothing more. A spent budget pays
 * nothing and is logged, as at opening.
 */
export async function grantSignupBonus(deps: WalletDeps, userId: string): Promise<void> {
  const currency = deps.config.walletCurrency;
  const walletId = walletAccountId(userId, currency);
  // Not open yet (the sign-up event is still on its way): it opens with the bonus now.
  if (!(await getAccount(deps, walletId))) return ensureWallet(deps, userId);
  if (deps.config.signupBonus <= 0 || (await getTransfer(deps, bonusTransferId(userId)))) return;
  const promotions = await ensurePromotionsAccount(deps, currency);
  try {
    await createTransfers(
      deps,
      [
        {
          id: bonusTransferId(userId),
          debit_account_id: promotions,
          credit_account_id: walletId,
          amount: deps.config.signupBonus,
          currency,
          code: walletCodes.signupBonus,
          metadata: { to_user: userId, note: 'Welcome to Sluice' },
        },
      ],
      {
        event: {
          type: 'wallet.balance.changed',
          source,
          subject: userId,
          audience: [userId],
          data: (transfers: Transfer[]): WalletEventData['wallet.balance.changed'] => ({
            reason: walletCodes.signupBonus,
            transfer: toWalletTransfer(transfers[0]!),
          }),
        },
      },
    );
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'insufficient_funds')) throw error;
    deps.logger?.warn('sign-up bonus budget spent: no bonus on verification', { user_id: userId, currency });
  }
}

/**
 * Runs `work`, and if it failed because one of `userIds` has no wallet yet (a user whose
 * sign-up event is still on its way), opens the wallets and runs it once more. The common path
 * costs no extra reads.
 */
export async function withWallets<T>(
  deps: WalletDeps,
  userIds: string[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const missing =
      error instanceof AppError && error.code === 'not_found' ? error.details?.account_id : undefined;
    const owner = userIds.find((id) => missing === walletAccountId(id, deps.config.walletCurrency));
    if (!owner) throw error;
    for (const id of userIds) await ensureWallet(deps, id);
    return work();
  }
}

export async function getBalances(deps: WalletDeps, userId: string): Promise<Balance[]> {
  const currency = deps.config.walletCurrency;
  let account = await getAccount(deps, walletAccountId(userId, currency));
  if (!account) {
    await ensureWallet(deps, userId);
    account = await getAccount(deps, walletAccountId(userId, currency));
  }
  return account ? [balanceOf(account)] : [];
}

/** A user by email or id; `param` names the field at fault when there is none. */
export async function resolveUser(deps: WalletDeps, reference: string, param: string): Promise<WalletUser> {
  const user = reference.includes('@')
    ? await deps.users.findUserByEmail(reference.trim().toLowerCase())
    : await deps.users.getUser(reference);
  if (!user) throw new AppError('not_found', `no user ${reference}`, { param });
  return user;
}

/** The signed-in user, for the names stored with what they send or request. */
export async function signedInUser(deps: WalletDeps, userId: string): Promise<WalletUser> {
  const user = await deps.users.getUser(userId);
  if (!user) throw new AppError('not_found', `no user ${userId}`);
  return user;
}

/**
 * The wallet's view of a ledger transfer (or of a history entry, which carries the same fields).
 * Parties come from the names stored in the metadata; `withTransferParties` completes older ones.
 */
export function toWalletTransfer(
  transfer: Pick<Transfer, 'id' | 'metadata' | 'amount' | 'currency' | 'created_at'>,
): WalletTransfer {
  const from = transfer.metadata.from_user ?? 'system';
  const to = transfer.metadata.to_user ?? 'system';
  return {
    id: transfer.id,
    from,
    to,
    from_user: storedParty(from, 'from', transfer.metadata),
    to_user: storedParty(to, 'to', transfer.metadata),
    amount: transfer.amount,
    currency: transfer.currency,
    note: transfer.metadata.note ?? null,
    status: 'succeeded',
    created_at: transfer.created_at,
  };
}

/** Sends money to another user, atomically. Refusals: self_transfer, not_found, insufficient_funds. */
export async function sendMoney(
  deps: WalletDeps,
  senderId: string,
  input: SendMoney,
  respond?: Respond<WalletTransfer>,
): Promise<WalletTransfer> {
  const currency = input.currency as Currency;
  if (currency !== deps.config.walletCurrency)
    throw new AppError('unsupported_currency', `wallets hold ${deps.config.walletCurrency} only`, {
      param: 'currency',
    });
  // Verified first: an unverified account sends nothing, and learns nothing of who has an account.
  const sender = await signedInUser(deps, senderId);
  requireVerifiedEmail(sender);
  const recipient = await resolveUser(deps, input.to, 'to').catch(async (error: unknown) => {
    // An amount the sender cannot cover is refused as such whoever `to` names: otherwise a
    // transfer of more than one has (402 for a user, 404 for no one) would tell which emails have
    // an account, past the limit on recipient checks. Read only when `to` names no one.
    if (error instanceof AppError && error.code === 'not_found') {
      const accountId = walletAccountId(senderId, currency);
      await ensureWallet(deps, senderId); // as the transfer would have (a first one opens it)
      const account = await getAccount(deps, accountId);
      if (!account || balanceOf(account).available < input.amount)
        throw new AppError('insufficient_funds', 'insufficient funds for this transfer', {
          details: { account_id: accountId },
        });
    }
    throw error;
  });
  if (recipient.id === senderId)
    throw new AppError('self_transfer', 'you cannot send money to yourself', { param: 'to' });
  const metadata: Record<string, string> = {
    from_user: senderId,
    to_user: recipient.id,
    ...partyFields('from', sender),
    ...partyFields('to', recipient),
  };
  if (input.note) metadata.note = input.note;
  const request = {
    id: newId('transfer', deps.clock.now()),
    debit_account_id: walletAccountId(senderId, currency),
    credit_account_id: walletAccountId(recipient.id, currency),
    amount: input.amount,
    currency,
    code: walletCodes.p2p,
    metadata,
  };
  const options = {
    event: {
      type: 'wallet.transfer.created',
      source,
      subject: senderId,
      audience: [senderId, recipient.id],
      data: (transfers: Transfer[]): WalletEventData['wallet.transfer.created'] => ({
        transfer: toWalletTransfer(transfers[0]!),
      }),
    },
    operations: (transfers: Transfer[]) => respond?.(toWalletTransfer(transfers[0]!)) ?? [],
  };
  const result = await withWallets(deps, [senderId, recipient.id], () =>
    createTransfers(deps, [request], options),
  );
  return toWalletTransfer(result.transfers[0]!);
}

const walletTransferCodes = new Set<string>([walletCodes.p2p, walletCodes.paymentRequest]);
/** What `GET /v1/transfers/{id}` shows: the activity links every one of these (the bonus too). */
const readableTransferCodes = new Set<string>([...walletTransferCodes, walletCodes.signupBonus]);

/** A wallet transfer, for its two parties only (the bonus: its recipient): anyone else gets not_found. */
export async function getWalletTransfer(
  deps: WalletDeps,
  userId: string,
  transferId: string,
): Promise<WalletTransfer> {
  const transfer = await getTransfer(deps, transferId);
  if (
    !transfer ||
    !readableTransferCodes.has(transfer.code) ||
    (transfer.metadata.from_user !== userId && transfer.metadata.to_user !== userId)
  ) {
    throw new AppError('not_found', `no transfer ${transferId}`, { param: 'id' });
  }
  return (await withTransferParties(deps, [toWalletTransfer(transfer)]))[0]!;
}

/** Fills in the parties of transfers made before names were stored with them. */
async function withTransferParties(deps: WalletDeps, transfers: WalletTransfer[]): Promise<WalletTransfer[]> {
  const party = createPartyResolver(deps.users);
  return Promise.all(
    transfers.map(async (t) => ({
      ...t,
      from_user: await party(t.from, t.from_user),
      to_user: await party(t.to, t.to_user),
    })),
  );
}

export interface Page<T> {
  data: T[];
  next_cursor: string | undefined;
}

/** A page of the user's wallet history: `limit` entries that pass `keep` (`listHistoryWhere`). */
async function collectHistory(
  deps: WalletDeps,
  userId: string,
  limit: number,
  cursor: string | undefined,
  keep: (entry: HistoryEntry) => boolean,
): Promise<Page<HistoryEntry>> {
  const accountId = walletAccountId(userId, deps.config.walletCurrency);
  const page = await listHistoryWhere(deps.store, accountId, limit, cursor, keep);
  return { data: page.entries, next_cursor: page.next_cursor };
}

export async function listWalletTransfers(
  deps: WalletDeps,
  userId: string,
  limit: number,
  cursor?: string,
): Promise<Page<WalletTransfer>> {
  const page = await collectHistory(
    deps,
    userId,
    limit,
    cursor,
    (entry) => walletTransferCodes.has(entry.code) && entry.kind === 'posted',
  );
  const transfers = page.data.map((entry) => toWalletTransfer({ ...entry, id: entry.transfer_id }));
  return { data: await withTransferParties(deps, transfers), next_cursor: page.next_cursor };
}

export async function listActivity(
  deps: WalletDeps,
  userId: string,
  limit: number,
  cursor?: string,
): Promise<Page<ActivityEntry>> {
  // A hold shows while it is pending; once posted, its posting shows what was taken.
  const page = await collectHistory(
    deps,
    userId,
    limit,
    cursor,
    (entry) => movementStatus(entry) !== undefined,
  );
  const party = createPartyResolver(deps.users);
  const data = await Promise.all(
    page.data.map(async (entry): Promise<ActivityEntry> => {
      // A debit went to someone, a credit came from someone: the other side is the counterparty.
      const role = entry.direction === 'debit' ? 'to' : 'from';
      const counterparty = entry.metadata[`${role}_user`] ?? null;
      return {
        id: `${entry.transfer_id}:${entry.direction}`,
        transfer_id: entry.transfer_id,
        type: entry.code,
        direction: entry.direction,
        amount: entry.amount,
        currency: entry.currency,
        counterparty,
        counterparty_user: await party(counterparty, storedParty(counterparty, role, entry.metadata)),
        note: entry.metadata.note ?? null,
        status: movementStatus(entry)!,
        created_at: entry.created_at,
      };
    }),
  );
  return { data, next_cursor: page.next_cursor };
}
