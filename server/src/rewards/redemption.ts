import { randomInt } from 'node:crypto';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import {
  createAccount,
  createTransfers,
  ensureSystemAccount,
  type TransferRequest,
} from '../ledger/index.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { ensureWallet, walletAccountId } from '../wallet/index.ts';
import { coinAccountId, ensureAccount, ensureCoinAccounts, issuanceAccountId } from './awards.ts';
import { rewardsSource, type RewardsDeps } from './deps.ts';
import { rewardsErrors } from './errors.ts';
import type { Actor } from './posts.ts';
import {
  rewardsIds,
  walletCreditRate,
  type CreateReward,
  type Redemption,
  type Reward,
  type RewardsEventData,
  type UpdateReward,
} from './model.ts';
import {
  queryActiveRewards,
  queryRedemptions,
  queryRewards,
  readReward,
  redemptionPut,
  rewardPut,
  rewardSet,
  rewardTakeOne,
  type RewardChanges,
} from './store.ts';

/**
 * The rewards catalogue and redemption. A redemption is one ledger transaction: the coins leave
 * the user's coin account (no overdraft: too few coins → 402) back to the rewards account, the
 * stock drops by one under a condition (none left → 409), and the redemption record, its event
 * and the idempotency record commit with them. Wallet credit adds a USD transfer from the rewards
 * promotions account to the user's wallet in the same linked group, so the books balance in both
 * currencies and a redemption is never half done.
 */

/** The USD account wallet credit is paid from, funded once from issuance with this budget (cents). */
export const promotionsBudget = 100_000_000;

export function rewardsPromotionsAccountId(currency: string): string {
  return `acct_promo_rewards_${currency}`;
}

/** Where admins see the whole catalogue; users see what is on offer. */
export async function listRewards(
  deps: RewardsDeps,
  actor: Actor,
  options: { limit: number; cursor?: string },
) {
  const page = actor.isAdmin
    ? await queryRewards(deps.store, options)
    : await queryActiveRewards(deps.store, options);
  return { data: page.rewards, next_cursor: page.cursor };
}

function creditOf(kind: Reward['kind'], price: number): Reward['credit'] {
  return kind === 'wallet_credit'
    ? { amount: price * walletCreditRate.minor_units_per_coin, currency: walletCreditRate.currency }
    : null;
}

export async function createReward(
  deps: RewardsDeps,
  input: CreateReward,
  respond?: (reward: Reward) => WriteOperation[],
): Promise<Reward> {
  const now = deps.clock.now();
  const reward: Reward = {
    id: rewardsIds.newId('reward', now),
    name: input.name,
    description: input.description,
    price: input.price,
    stock: input.stock,
    kind: input.kind,
    active: true,
    credit: creditOf(input.kind, input.price),
    created_at: isoTime(now),
  };
  await deps.store.transact([rewardPut(reward), ...(respond?.(reward) ?? [])]);
  return reward;
}

async function existingReward(deps: RewardsDeps, id: string, actor: Actor): Promise<Reward> {
  const reward = rewardsIds.isId('reward', id) ? await readReward(deps.store, id) : undefined;
  if (!reward || (!reward.active && !actor.isAdmin))
    throw new AppError('not_found', `no reward ${id}`, { param: 'id' });
  return reward;
}

export async function getReward(deps: RewardsDeps, actor: Actor, id: string): Promise<Reward> {
  return existingReward(deps, id, actor);
}

export async function updateReward(
  deps: RewardsDeps,
  actor: Actor,
  id: string,
  input: UpdateReward,
): Promise<Reward> {
  const reward = await existingReward(deps, id, actor);
  // Only what the PATCH names is written (and the credit, which follows the price; the kind never
  // changes): the reward read above is already stale for its stock, which redemptions take from
  // meanwhile, and for any field another admin changes.
  const changes: RewardChanges = {
    ...input,
    ...(input.price !== undefined ? { credit: creditOf(reward.kind, input.price) } : {}),
  };
  if (Object.values(changes).every((value) => value === undefined)) return reward;
  try {
    await deps.store.transact([rewardSet(id, changes)]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw new AppError('not_found', `no reward ${id}`, { param: 'id' });
    throw error;
  }
  // The reward as it now is, including what others committed meanwhile (a redemption's stock).
  const updated = await readReward(deps.store, id);
  if (!updated) throw new AppError('not_found', `no reward ${id}`, { param: 'id' });
  return updated;
}

async function ensurePromotionsAccount(deps: RewardsDeps, currency: string): Promise<string> {
  const id = rewardsPromotionsAccountId(currency);
  await ensureAccount(deps, id, async () => {
    const issuance = await ensureSystemAccount(deps, 'issuance', walletCreditRate.currency);
    await createAccount(
      deps,
      {
        id,
        currency: walletCreditRate.currency,
        owner: 'system',
        code: 'promotions',
        debits_must_not_exceed_credits: true,
      },
      {
        id: `tr_promo_rewards_budget_${currency}`,
        debit_account_id: issuance.id,
        amount: promotionsBudget,
        code: 'promotions_budget',
        metadata: { note: 'Rewards wallet-credit budget' },
        event: { type: 'ledger.transfers.created', source: rewardsSource, subject: id },
      },
    );
  });
  return id;
}

function voucherCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const group = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `RW-${group()}-${group()}-${group()}`;
}

/** Redeems one of a reward for its price in coins. */
export async function redeemReward(
  deps: RewardsDeps,
  actor: Actor,
  id: string,
  respond?: (redemption: Redemption) => WriteOperation[],
): Promise<Redemption> {
  const reward = await existingReward(deps, id, { ...actor, isAdmin: false });
  if (reward.stock < 1)
    throw rewardsErrors.error('reward_out_of_stock', `${reward.name} is out of stock`, { param: 'id' });
  await ensureCoinAccounts(deps, actor.id);
  const now = deps.clock.now();
  const transferId = newId('transfer', now);
  const transfers: TransferRequest[] = [
    {
      id: transferId,
      debit_account_id: coinAccountId(actor.id),
      credit_account_id: issuanceAccountId(),
      amount: reward.price,
      currency: 'COIN',
      code: 'redemption',
      metadata: { reward_id: reward.id },
    },
  ];
  const credit = creditOf(reward.kind, reward.price);
  let promotions: string | undefined;
  if (credit) {
    promotions = await ensurePromotionsAccount(deps, credit.currency);
    await ensureWallet(
      {
        store: deps.store,
        clock: deps.clock,
        config: deps.config,
        users: deps.identity,
        logger: deps.logger,
      },
      actor.id,
    );
    transfers.push({
      id: newId('transfer', now),
      debit_account_id: promotions,
      credit_account_id: walletAccountId(actor.id, walletCreditRate.currency),
      amount: credit.amount,
      currency: walletCreditRate.currency,
      code: 'reward_wallet_credit',
      metadata: { reward_id: reward.id, coins: String(reward.price) },
    });
  }
  const redemption: Redemption = {
    id: rewardsIds.newId('redemption', now),
    user: actor.id,
    reward_id: reward.id,
    reward_name: reward.name,
    kind: reward.kind,
    price: reward.price,
    voucher_code: reward.kind === 'voucher' ? voucherCode() : null,
    credit,
    transfer_id: transferId,
    created_at: isoTime(now),
  };
  try {
    await createTransfers(deps, transfers, {
      event: {
        type: 'coins.redeemed',
        source: rewardsSource,
        subject: redemption.id,
        audience: [actor.id],
        data: {
          redemption_id: redemption.id,
          reward_id: reward.id,
          price: reward.price,
          kind: reward.kind,
        } satisfies RewardsEventData['coins.redeemed'],
      },
      operations: () => [
        rewardTakeOne(reward.id),
        redemptionPut(redemption),
        ...(respond?.(redemption) ?? []),
      ],
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'insufficient_funds' && error.details?.account_id === promotions)
      throw rewardsErrors.error('reward_out_of_stock', 'the wallet-credit budget is spent', { param: 'id' });
    if (error.code === 'insufficient_funds')
      throw new AppError('insufficient_funds', `${reward.name} costs ${reward.price} coins`, { param: 'id' });
    // Our own condition refused it: the last one was taken meanwhile, or the reward was withdrawn.
    if (error.code === 'conflict')
      throw rewardsErrors.error('reward_out_of_stock', `${reward.name} is out of stock`, { param: 'id' });
    throw error;
  }
  return redemption;
}

export async function listRedemptions(
  deps: RewardsDeps,
  userId: string,
  options: { limit: number; cursor?: string },
) {
  const page = await queryRedemptions(deps.store, userId, options);
  return { data: page.redemptions, next_cursor: page.cursor };
}
