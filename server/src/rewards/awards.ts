import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import {
  balanceOf,
  createAccount,
  createTransfers,
  getAccount,
  listHistoryWhere,
  movementStatus,
  systemAccountId,
  ensureSystemAccount,
} from '../ledger/index.ts';
import {
  perMessage,
  type BatchHandler,
  type ConsumeOptions,
  type ReceivedMessage,
} from '../platform/queue.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { awardQueueName, rewardsSource, type RewardsDeps } from './deps.ts';
import {
  awardMessageSchema,
  coinRules,
  dailyCoinCap,
  nextUtcMidnight,
  utcDay,
  type AwardMessage,
  type CoinEntry,
  type RewardsEventData,
} from './model.ts';
import {
  awardPut,
  dayEarned,
  deadDelete,
  deadPut,
  queryDeads,
  readAward,
  readDay,
  readDead,
  type AwardRecord,
} from './store.ts';

/**
 * Coin awards. An action (a post, a like, a comment) enqueues an award message in its own
 * transaction; the consumer pays it as a ledger transfer in `COIN` from the rewards issuance
 * account, and in the same transaction writes the award record (`RW#AWARD#<rule>#<source>`,
 * create-only: the exactly-once guard, whatever the redeliveries) and adds the amount to the
 * user's day counter under the cap's condition (concurrent awards never pass it). An award that
 * would cross the cap is cut to what is left; one that finds the cap reached is recorded as 0.
 */

/** Attempts at one award before it is parked as a dead letter for admins to redrive. */
export const maxAwardAttempts = 5;

export const awardConsumeOptions = {
  // Locally one poller takes 100 at a time (the store queue has no SQS cap of 10; awards of one
  // batch commit concurrently, so a bigger batch keeps up with a burst of likes). On AWS the
  // event source mapping hands over 10 (`aws.batchSize`).
  batchSize: 100,
  visibilityTimeoutSeconds: 30,
  // The handler parks a message itself at attempt `maxAwardAttempts`; the queue's own
  // dead-lettering (SQS's redrive policy) is the backstop for a consumer that crashes each time.
  maxReceives: maxAwardAttempts + 3,
  retryAfterSeconds: (receiveCount: number) => Math.min(60, 2 ** receiveCount),
} as const satisfies ConsumeOptions;

const coinCurrency = 'COIN';
/** Retries of one award whose cap condition lost to a concurrent award (it re-reads and recomputes). */
const maxCapRaces = 50;

export function coinAccountId(userId: string): string {
  return `acct_coin_${userId}`;
}

export function issuanceAccountId(): string {
  return systemAccountId('rewards', coinCurrency);
}

/** Accounts known to exist, so the hot path reads each once per process. */
const openedAccounts = new WeakMap<object, Set<string>>();

/** Opens an account with `open` unless this process has seen it (or the ledger has it). */
export async function ensureAccount(
  deps: RewardsDeps,
  id: string,
  open: () => Promise<unknown>,
): Promise<void> {
  let known = openedAccounts.get(deps.store);
  if (!known) openedAccounts.set(deps.store, (known = new Set()));
  if (known.has(id)) return;
  if (!(await getAccount(deps, id))) await open();
  known.add(id);
}

/** Opens the user's coin account (no overdraft) and the rewards issuance account, once. */
export async function ensureCoinAccounts(deps: RewardsDeps, userId: string): Promise<void> {
  await ensureAccount(deps, issuanceAccountId(), () => ensureSystemAccount(deps, 'rewards', coinCurrency));
  await ensureAccount(deps, coinAccountId(userId), () =>
    createAccount(deps, {
      id: coinAccountId(userId),
      currency: coinCurrency,
      owner: userId,
      code: 'coins',
      debits_must_not_exceed_credits: true,
    }),
  );
}

/** The write that enqueues an award, for the action's own transaction. */
export function awardSend(deps: RewardsDeps, award: AwardMessage): WriteOperation {
  return deps.queue.sendOperation(awardQueueName, { id: newId('message', deps.clock.now()), body: award });
}

export type AwardOutcome =
  | { outcome: 'paid'; award: AwardRecord }
  | { outcome: 'capped'; award: AwardRecord }
  | { outcome: 'duplicate'; award: AwardRecord };

function transferIdOf(award: Pick<AwardMessage, 'rule' | 'source'>): string {
  return `tr_rw_${award.rule}_${award.source}`;
}

/**
 * Pays one award at most once. Safe to call again and concurrently with the same (rule,
 * source): the second finds the record, or loses the create-only put and then finds it.
 *
 * @example await payAward(deps, { rule: 'like', source: 'post_1:usr_2', user: 'usr_1', occurred_at: now })
 */
export async function payAward(deps: RewardsDeps, award: AwardMessage): Promise<AwardOutcome> {
  if (award.source.includes('#')) throw new AppError('validation_failed', 'an award source has no #');
  const existing = await readAward(deps.store, award.rule, award.source);
  if (existing) return { outcome: 'duplicate', award: existing };
  deps.beforeAward?.(award);
  await ensureCoinAccounts(deps, award.user);
  const day = utcDay(award.occurred_at);
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const isCapped = award.rule !== 'weekly_bonus';

  for (let race = 0; race < maxCapRaces; race++) {
    const { earned } = await readDay(deps.store, award.user, day);
    const amount = isCapped ? Math.min(coinRules[award.rule], dailyCoinCap - earned) : coinRules[award.rule];
    const now = deps.clock.now();
    const record: AwardRecord = {
      rule: award.rule,
      source: award.source,
      user: award.user,
      amount: Math.max(0, amount),
      transfer_id: amount > 0 ? transferIdOf(award) : null,
      day,
      created_at: isoTime(now),
    };
    try {
      if (amount <= 0) {
        // The cap is reached, and day counters only grow: record the award as paid nothing.
        await deps.store.transact([awardPut(record)]);
        return { outcome: 'capped', award: record };
      }
      const result = await createTransfers(
        deps,
        [
          {
            id: record.transfer_id!,
            debit_account_id: issuanceAccountId(),
            credit_account_id: coinAccountId(award.user),
            amount,
            currency: coinCurrency,
            code: `reward_${award.rule}`,
            metadata: { rule: award.rule, source: award.source },
          },
        ],
        {
          event: {
            type: 'coins.earned',
            source: rewardsSource,
            subject: award.user,
            audience: [award.user],
            data: {
              user: award.user,
              amount,
              currency: coinCurrency,
              rule: award.rule,
              source: award.source,
              day,
              earned_today: isCapped ? earned + amount : earned,
              daily_cap: dailyCoinCap,
            } satisfies RewardsEventData['coins.earned'],
          },
          operations: () => [
            awardPut(record),
            ...(isCapped ? [dayEarned(award.user, day, dayStart, amount)] : []),
          ],
        },
      );
      if (result.replayed) {
        const paid = await readAward(deps.store, award.rule, award.source);
        if (paid) return { outcome: 'duplicate', award: paid };
      }
      return { outcome: 'paid', award: record };
    } catch (error) {
      const isRace =
        isTransactionCanceled(error) ||
        (error instanceof AppError && (error.code === 'conflict' || error.code === 'transfer_exists'));
      if (!isRace) throw error;
      // Either someone paid this award meanwhile, or a concurrent award moved the day's counter.
      const paid = await readAward(deps.store, award.rule, award.source);
      if (paid) return { outcome: 'duplicate', award: paid };
    }
  }
  throw new Error(`award ${award.rule}/${award.source} lost the cap race ${maxCapRaces} times`);
}

/**
 * The award queue's consumer: each message paid at most once. A message that fails is retried
 * with backoff; at attempt `maxAwardAttempts` (or at once, when its body is not an award) it is
 * parked in the module's dead letters, which admins list and redrive.
 */
export function awardConsumer(deps: RewardsDeps): BatchHandler {
  return perMessage(async (message) => {
    const parsed = awardMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      await parkAward(deps, message, `not an award: ${parsed.error.issues[0]?.message ?? 'invalid body'}`);
      return;
    }
    try {
      await payAward(deps, parsed.data);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (message.receiveCount < maxAwardAttempts) throw error;
      deps.logger.error('award parked after its last attempt', {
        message_id: message.id,
        rule: parsed.data.rule,
        error: reason,
      });
      await parkAward(deps, message, reason);
    }
  });
}

async function parkAward(deps: RewardsDeps, message: ReceivedMessage, error: string): Promise<void> {
  await deps.store.transact([
    deadPut({
      id: message.id,
      body: message.body,
      error: error.slice(0, 1000),
      receive_count: message.receiveCount,
      dead_at: isoTime(deps.clock.now()),
    }),
  ]);
}

export async function listDeadAwards(deps: RewardsDeps, options: { limit: number; cursor?: string }) {
  const page = await queryDeads(deps.store, options);
  return { data: page.deads, next_cursor: page.cursor };
}

/** Sends a parked award back to the queue (as a new message) and removes it from the dead letters, at once. */
export async function redriveDeadAward(
  deps: RewardsDeps,
  id: string,
): Promise<{ id: string; message_id: string }> {
  const dead = await readDead(deps.store, id);
  if (!dead) throw new AppError('not_found', `no dead award ${id}`, { param: 'id' });
  const messageId = newId('message', deps.clock.now());
  try {
    await deps.store.transact([
      deadDelete(id),
      deps.queue.sendOperation(awardQueueName, { id: messageId, body: dead.body }),
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw new AppError('not_found', `no dead award ${id}`, { param: 'id' });
    throw error;
  }
  return { id, message_id: messageId };
}

/** `GET /v1/coins`: balance, what was earned today against the cap, and when the day resets. */
export async function coinsSummary(deps: RewardsDeps, userId: string) {
  const now = deps.clock.now();
  const [account, today] = await Promise.all([
    getAccount(deps, coinAccountId(userId)),
    readDay(deps.store, userId, utcDay(now)),
  ]);
  return {
    balance: account ? balanceOf(account).available : 0,
    currency: coinCurrency,
    earned_today: today.earned,
    daily_cap: dailyCoinCap,
    resets_at: isoTime(nextUtcMidnight(now)),
  } as const;
}

const descriptions: Record<string, string> = {
  reward_post: 'Coins for a post',
  reward_like: 'Coins for a like received',
  reward_comment: 'Coins for a comment',
  reward_weekly_bonus: 'Weekly bonus',
  redemption: 'Redeemed for a reward',
  commerce_order: 'Shop order',
  commerce_refund: 'Shop order refunded',
};

/** `GET /v1/coins/history`: the coin account's entries, newest first. */
export async function coinsHistory(
  deps: RewardsDeps,
  userId: string,
  options: { limit: number; cursor?: string },
): Promise<{ data: CoinEntry[]; next_cursor: string | undefined }> {
  // No coin account yet: nothing to list (a cursor is still read, so a bad one is refused alike).
  if (options.cursor === undefined && !(await getAccount(deps, coinAccountId(userId))))
    return { data: [], next_cursor: undefined };
  // A hold (a shop order paid in coins) shows while it is pending; once taken, its posting shows.
  const page = await listHistoryWhere(
    deps.store,
    coinAccountId(userId),
    options.limit,
    options.cursor,
    (entry) => movementStatus(entry) !== undefined,
  );
  return {
    data: page.entries.map((entry) => ({
      transfer_id: entry.transfer_id,
      direction: entry.direction,
      amount: entry.amount,
      currency: coinCurrency,
      rule: entry.metadata.rule ?? null,
      description: descriptions[entry.code] ?? entry.code,
      status: movementStatus(entry)!,
      created_at: entry.created_at,
    })),
    next_cursor: page.next_cursor,
  };
}
