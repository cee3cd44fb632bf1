import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import {
  queryMerged,
  readItem,
  spreadPartition,
  spreadPartitions,
  type Item,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import {
  dailyCoinCap,
  rewardKinds,
  type Comment,
  type DeadAward,
  type Redemption,
  type Reward,
  type StoredPost,
} from './model.ts';

/**
 * The rewards module's stored layout, the only code that knows it. Everything sits under `RW#`:
 *
 * - a post `RW#POST#<post>` / `POST`, in the feed `gsi1 RW#FEED` by `<created_at>#<id>`; its like
 *   and comment counts beside it, `COUNTS` (an item of their own, outside the index: a like then
 *   never rewrites the feed's index entry, so the one `RW#FEED` index partition takes only new
 *   posts); its comments in the same partition, `CMT#<created_at>#<id>`;
 * - a like `RW#LIKE#<post>` / `<user>` (one per user per post, by its key);
 * - a user's day `RW#DAY#<user>#<day>` / `DAY`: coins earned against the cap, likes and comments
 *   received; listed for the digest in `gsi2 RW#DAYS#<day>` and, once the user acted that day, for
 *   the weekly bonus in `gsi1 RW#ACTIVE#<day>`;
 * - a paid award `RW#AWARD#<rule>#<source>` / `AWARD`: exactly once per (rule, source);
 * - an award that kept failing `RW#DEAD#<message>` / `DEAD`, listed in `gsi1 RW#DEADS`;
 * - a reward `RW#REWARD#<id>` / `REWARD`, in `gsi1 RW#REWARDS`; a redemption `RW#RDM#<id>` / `RDM`,
 *   in `gsi1 RW#RDMS#<user>`;
 * - a digest sent `RW#DIGEST#<user>#<day>` / `DIGEST`; a job's last run `RW#JOB#<name>` / `JOB`.
 */
const keys = {
  post: (id: string) => ({ pk: `RW#POST#${id}`, sk: 'POST' }),
  counts: (id: string) => ({ pk: `RW#POST#${id}`, sk: 'COUNTS' }),
  comment: (postId: string, comment: Pick<Comment, 'id' | 'created_at'>) => ({
    pk: `RW#POST#${postId}`,
    sk: `CMT#${comment.created_at}#${comment.id}`,
  }),
  feed: 'RW#FEED',
  like: (postId: string, userId: string) => ({ pk: `RW#LIKE#${postId}`, sk: userId }),
  day: (userId: string, day: string) => ({ pk: `RW#DAY#${userId}#${day}`, sk: 'DAY' }),
  days: (day: string) => `RW#DAYS#${day}`,
  active: (day: string) => `RW#ACTIVE#${day}`,
  award: (rule: string, source: string) => ({ pk: `RW#AWARD#${rule}#${source}`, sk: 'AWARD' }),
  dead: (id: string) => ({ pk: `RW#DEAD#${id}`, sk: 'DEAD' }),
  deads: 'RW#DEADS',
  reward: (id: string) => ({ pk: `RW#REWARD#${id}`, sk: 'REWARD' }),
  rewards: 'RW#REWARDS',
  redemption: (id: string) => ({ pk: `RW#RDM#${id}`, sk: 'RDM' }),
  redemptions: (userId: string) => `RW#RDMS#${userId}`,
  digest: (userId: string, day: string) => ({ pk: `RW#DIGEST#${userId}#${day}`, sk: 'DIGEST' }),
  job: (name: string) => ({ pk: `RW#JOB#${name}`, sk: 'JOB' }),
};

/** Every partition key and index partition the rewards module writes (`*` is one value). */
export const rewardsKeyPatterns = [
  'RW#POST#*',
  'RW#FEED',
  'RW#LIKE#*',
  'RW#DAY#*#*',
  'RW#DAYS#*',
  'RW#DAYS#*#*',
  'RW#ACTIVE#*',
  'RW#ACTIVE#*#*',
  'RW#AWARD#*#*',
  'RW#DEAD#*',
  'RW#DEADS',
  'RW#REWARD#*',
  'RW#REWARDS',
  'RW#RDM#*',
  'RW#RDMS#*',
  'RW#DIGEST#*#*',
  'RW#JOB#*',
] as const satisfies readonly KeyPattern[];

/** Day items and digest records expire after this long (DynamoDB TTL; the cleanup job locally). */
export const dayRetentionDays = 35;
const dayRetentionSeconds = dayRetentionDays * 86_400;
/**
 * Index partitions one day's lists (`RW#DAYS#<day>`, `RW#ACTIVE#<day>`) are spread over by user:
 * every like updates up to three users' day items, so at 5,000 likes/s one partition a day would
 * take ~15,000 writes/s; spread over 32, each takes ~470.
 */
const dayIndexSpread = 32;

// Posts ------------------------------------------------------------------------------------------

const postItemSchema = z.object({
  id: z.string(),
  author: z.string(),
  author_name: z.string(),
  content: z.string(),
  content_hash: z.string(),
  image_url: z.string().nullable(),
  image_key: z.string().nullish(),
  created_at: z.string(),
});
const countsItemSchema = z.object({
  like_count: z.number().int().optional(),
  comment_count: z.number().int().optional(),
});

function postFromItems(item: Item, counts: Item | undefined): StoredPost {
  const stored = postItemSchema.parse(item);
  const counted = counts ? countsItemSchema.parse(counts) : {};
  return {
    ...stored,
    image_key: stored.image_key ?? null,
    like_count: counted.like_count ?? 0,
    comment_count: counted.comment_count ?? 0,
  };
}

export async function readPost(store: Store, id: string): Promise<StoredPost | undefined> {
  const [item, counts] = await Promise.all([store.get(keys.post(id)), store.get(keys.counts(id))]);
  return item ? postFromItems(item, counts) : undefined;
}

export function postPut(post: StoredPost): WriteOperation {
  const { like_count: _likes, comment_count: _comments, ...fields } = post;
  return {
    type: 'put',
    item: {
      ...keys.post(post.id),
      entity: 'post',
      ...fields,
      gsi1pk: keys.feed,
      gsi1sk: `${post.created_at}#${post.id}`,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Deletes the post while it exists; its comments and likes stay unreachable behind it. */
export function postDelete(id: string): WriteOperation {
  return { type: 'delete', key: keys.post(id), condition: { attributeExists: 'pk' } };
}

/** The condition that the post still exists (not deleted), for an action's transaction. */
export function postExists(id: string): WriteOperation {
  return { type: 'check', key: keys.post(id), condition: { attributeExists: 'pk' } };
}

/** Counts a like (+1), an unlike (−1) or a comment on the post; pair it with `postExists`. */
export function postCounter(id: string, counter: 'like_count' | 'comment_count', by: number): WriteOperation {
  return { type: 'update', key: keys.counts(id), set: { entity: 'post_counts' }, add: { [counter]: by } };
}

export async function queryFeed(
  store: Store,
  options: { limit: number; cursor?: string },
): Promise<{ posts: StoredPost[]; cursor: string | undefined }> {
  const page = await store.query({
    index: 'gsi1',
    partition: keys.feed,
    direction: 'desc',
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  const counts = await Promise.all(page.items.map((item) => store.get(keys.counts(String(item.id)))));
  return { posts: page.items.map((item, i) => postFromItems(item, counts[i])), cursor: page.cursor };
}

// Likes and comments -----------------------------------------------------------------------------

export function likePut(postId: string, userId: string, now: string): WriteOperation {
  return {
    type: 'put',
    item: { ...keys.like(postId, userId), entity: 'like', post_id: postId, user: userId, created_at: now },
    condition: { attributeNotExists: 'pk' },
  };
}

export function likeDelete(postId: string, userId: string): WriteOperation {
  return { type: 'delete', key: keys.like(postId, userId), condition: { attributeExists: 'pk' } };
}

export async function hasLiked(store: Store, postId: string, userId: string): Promise<boolean> {
  return (await store.get(keys.like(postId, userId))) !== undefined;
}

const commentItemSchema = z.object({
  id: z.string(),
  post_id: z.string(),
  author: z.string(),
  author_name: z.string(),
  content: z.string(),
  created_at: z.string(),
});

export function commentPut(comment: Comment): WriteOperation {
  return {
    type: 'put',
    item: { ...keys.comment(comment.post_id, comment), entity: 'comment', ...comment },
    condition: { attributeNotExists: 'pk' },
  };
}

export async function queryComments(
  store: Store,
  postId: string,
  options: { limit: number; cursor?: string },
): Promise<{ comments: Comment[]; cursor: string | undefined }> {
  const page = await store.query({
    partition: keys.post(postId).pk,
    sort: { op: 'begins_with', value: 'CMT#' },
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { comments: page.items.map((item) => commentItemSchema.parse(item)), cursor: page.cursor };
}

// Days: the cap counter and the digest's figures -------------------------------------------------

export interface DayFigures {
  user: string;
  day: string;
  earned: number;
  likes_received: number;
  comments_received: number;
}

const dayItemSchema = z.object({
  user: z.string(),
  day: z.string(),
  earned: z.number().int().optional(),
  likes_received: z.number().int().optional(),
  comments_received: z.number().int().optional(),
});

function dayFromItem(item: Item): DayFigures {
  const stored = dayItemSchema.parse(item);
  return {
    user: stored.user,
    day: stored.day,
    earned: stored.earned ?? 0,
    likes_received: stored.likes_received ?? 0,
    comments_received: stored.comments_received ?? 0,
  };
}

export async function readDay(store: Store, userId: string, day: string): Promise<DayFigures> {
  return (
    (await readItem(store, keys.day(userId, day), dayFromItem)) ?? {
      user: userId,
      day,
      earned: 0,
      likes_received: 0,
      comments_received: 0,
    }
  );
}

function dayBase(userId: string, day: string, dayStart: number) {
  return {
    entity: 'rewards_day',
    user: userId,
    day,
    gsi2pk: spreadPartition(keys.days(day), userId, dayIndexSpread),
    gsi2sk: userId,
    expires_at: Math.floor(dayStart / 1000) + dayRetentionSeconds,
  };
}

/** Marks the user as having acted on `day` (posted, liked or commented): the weekly bonus reads it. */
export function dayActivity(userId: string, day: string, dayStart: number): WriteOperation {
  return {
    type: 'update',
    key: keys.day(userId, day),
    set: {
      ...dayBase(userId, day, dayStart),
      gsi1pk: spreadPartition(keys.active(day), userId, dayIndexSpread),
      gsi1sk: userId,
    },
    add: { actions: 1 },
  };
}

/** Counts a like or comment the user received on `day`, for the digest. */
export function dayReceived(
  userId: string,
  day: string,
  dayStart: number,
  what: 'likes_received' | 'comments_received',
): WriteOperation {
  return {
    type: 'update',
    key: keys.day(userId, day),
    set: dayBase(userId, day, dayStart),
    add: { [what]: 1 },
  };
}

/**
 * Adds `amount` to the coins earned on `day`, only while the total stays within the cap: the
 * condition is what keeps concurrent awards from passing it, whatever each one read before.
 */
export function dayEarned(userId: string, day: string, dayStart: number, amount: number): WriteOperation {
  const room = dailyCoinCap - amount;
  return {
    type: 'update',
    key: keys.day(userId, day),
    set: dayBase(userId, day, dayStart),
    add: { earned: amount },
    condition: { any: [{ attributeNotExists: 'earned' }, { compare: ['earned', '<=', room] }] },
  };
}

/** The users with a day item for `day`: those who acted or received something (`listed`), or acted (`active`). */
export async function queryDayUsers(
  store: Store,
  day: string,
  which: 'listed' | 'active',
  cursor?: string,
): Promise<{ users: DayFigures[]; cursor: string | undefined }> {
  const index = which === 'listed' ? 'gsi2' : 'gsi1';
  const base = which === 'listed' ? keys.days(day) : keys.active(day);
  const page = await queryMerged(store, {
    sources: spreadPartitions(base, dayIndexSpread).map((partition) => ({ index, partition })),
    direction: 'asc',
    limit: 100,
    ...(cursor ? { cursor } : {}),
  });
  return { users: page.items.map(dayFromItem), cursor: page.cursor };
}

export function dayDelete(userId: string, day: string): WriteOperation {
  return { type: 'delete', key: keys.day(userId, day) };
}

// Awards -----------------------------------------------------------------------------------------

export interface AwardRecord {
  rule: string;
  source: string;
  user: string;
  /** What was paid: less than the rule's amount when the cap cut it, 0 when the cap was reached. */
  amount: number;
  transfer_id: string | null;
  day: string;
  created_at: string;
}

const awardItemSchema = z.object({
  rule: z.string(),
  source: z.string(),
  user: z.string(),
  amount: z.number().int(),
  transfer_id: z.string().nullable(),
  day: z.string(),
  created_at: z.string(),
});

export function readAward(store: Store, rule: string, source: string): Promise<AwardRecord | undefined> {
  return readItem(store, keys.award(rule, source), (item) => awardItemSchema.parse(item));
}

/** The record that makes an award happen once: refused when the (rule, source) was paid. */
export function awardPut(award: AwardRecord): WriteOperation {
  return {
    type: 'put',
    item: { ...keys.award(award.rule, award.source), entity: 'award', ...award },
    condition: { attributeNotExists: 'pk' },
  };
}

const deadItemSchema = z.object({
  id: z.string(),
  body: z.unknown(),
  error: z.string(),
  receive_count: z.number().int(),
  dead_at: z.string(),
});

export function deadPut(dead: DeadAward): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.dead(dead.id),
      entity: 'dead_award',
      ...dead,
      body: dead.body as never,
      gsi1pk: keys.deads,
      gsi1sk: `${dead.dead_at}#${dead.id}`,
    },
  };
}

export function deadDelete(id: string): WriteOperation {
  return { type: 'delete', key: keys.dead(id), condition: { attributeExists: 'pk' } };
}

export function readDead(store: Store, id: string): Promise<DeadAward | undefined> {
  return readItem(store, keys.dead(id), (item) => deadItemSchema.parse(item));
}

export async function queryDeads(
  store: Store,
  options: { limit: number; cursor?: string },
): Promise<{ deads: DeadAward[]; cursor: string | undefined }> {
  const page = await store.query({
    index: 'gsi1',
    partition: keys.deads,
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { deads: page.items.map((item) => deadItemSchema.parse(item)), cursor: page.cursor };
}

// Rewards catalogue and redemptions --------------------------------------------------------------

const rewardItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.number().int(),
  stock: z.number().int(),
  kind: z.enum(rewardKinds),
  active: z.boolean(),
  credit: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
  created_at: z.string(),
});

export function rewardFromItem(item: Item): Reward {
  return rewardItemSchema.parse(item);
}

export function readReward(store: Store, id: string): Promise<Reward | undefined> {
  return readItem(store, keys.reward(id), rewardFromItem);
}

export function rewardPut(reward: Reward): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.reward(reward.id),
      entity: 'reward',
      ...reward,
      gsi1pk: keys.rewards,
      gsi1sk: `${reward.created_at}#${reward.id}`,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** What a PATCH may change of a reward (the stock only when it names it, as a new absolute figure). */
export type RewardChanges = Partial<
  Pick<Reward, 'name' | 'description' | 'price' | 'stock' | 'active' | 'credit'>
>;

/**
 * Sets only the attributes `changes` names on an existing reward. Nothing it did not name is
 * written, so a concurrent redemption's `stock − 1`, or another edit of other fields, is never
 * overwritten with a copy read before it.
 */
export function rewardSet(id: string, changes: RewardChanges): WriteOperation {
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { type: 'update', key: keys.reward(id), set, condition: { attributeExists: 'pk' } };
}

/** Takes one from stock, only while there is one and the reward is on offer. */
export function rewardTakeOne(id: string): WriteOperation {
  return {
    type: 'update',
    key: keys.reward(id),
    add: { stock: -1 },
    condition: { all: [{ compare: ['stock', '>=', 1] }, { compare: ['active', '=', true] }] },
  };
}

/** The whole catalogue, withdrawn rewards too, newest first: what admins see. */
export async function queryRewards(
  store: Store,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ rewards: Reward[]; cursor: string | undefined }> {
  const page = await store.query({
    index: 'gsi1',
    partition: keys.rewards,
    direction: 'desc',
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { rewards: page.items.map(rewardFromItem), cursor: page.cursor };
}

/**
 * How many catalogue items one page of active rewards reads past withdrawn ones before it stops
 * short (with a cursor to read on from). The catalogue is written by admins, so a run this long
 * of withdrawn rewards is not expected; the bound keeps one request's reads finite regardless.
 */
const activeRewardsScanLimit = 1000;

/**
 * The rewards on offer, newest first: full pages while enough are active, and a cursor only when
 * more may follow. Withdrawn rewards share the `RW#REWARDS` index partition with active ones, so
 * the page reads on past them; each read asks for no more than the rewards still missing, so the
 * store's cursor always marks exactly where the page ends.
 */
export async function queryActiveRewards(
  store: Store,
  options: { limit: number; cursor?: string },
): Promise<{ rewards: Reward[]; cursor: string | undefined }> {
  const rewards: Reward[] = [];
  let from = options.cursor;
  let scanned = 0;
  do {
    const read = await queryRewards(store, { limit: options.limit - rewards.length, cursor: from });
    scanned += read.rewards.length;
    rewards.push(...read.rewards.filter((reward) => reward.active));
    from = read.cursor;
  } while (from && rewards.length < options.limit && scanned < activeRewardsScanLimit);
  return { rewards, cursor: from };
}

const redemptionItemSchema = z.object({
  id: z.string(),
  user: z.string(),
  reward_id: z.string(),
  reward_name: z.string(),
  kind: z.enum(rewardKinds),
  price: z.number().int(),
  voucher_code: z.string().nullable(),
  credit: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
  transfer_id: z.string(),
  created_at: z.string(),
});

export function redemptionPut(redemption: Redemption): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.redemption(redemption.id),
      entity: 'redemption',
      ...redemption,
      gsi1pk: keys.redemptions(redemption.user),
      gsi1sk: `${redemption.created_at}#${redemption.id}`,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export async function queryRedemptions(
  store: Store,
  userId: string,
  options: { limit: number; cursor?: string },
): Promise<{ redemptions: Redemption[]; cursor: string | undefined }> {
  const page = await store.query({
    index: 'gsi1',
    partition: keys.redemptions(userId),
    direction: 'desc',
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { redemptions: page.items.map((item) => redemptionItemSchema.parse(item)), cursor: page.cursor };
}

// Jobs -------------------------------------------------------------------------------------------

/** Claims the digest of (user, day): refused when it was sent already. */
export function digestPut(userId: string, day: string, dayStart: number, now: string): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.digest(userId, day),
      entity: 'digest',
      user: userId,
      day,
      sent_at: now,
      expires_at: Math.floor(dayStart / 1000) + dayRetentionSeconds,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function digestDelete(userId: string, day: string): WriteOperation {
  return { type: 'delete', key: keys.digest(userId, day) };
}

export async function readJobRun(store: Store, name: string): Promise<string | undefined> {
  const item = await store.get(keys.job(name));
  return typeof item?.last_run_at === 'string' ? item.last_run_at : undefined;
}

export function jobRunPut(name: string, at: string, result: Record<string, unknown>): WriteOperation {
  return {
    type: 'put',
    item: { ...keys.job(name), entity: 'job_run', name, last_run_at: at, result: result as never },
  };
}
