import { z } from '@hono/zod-openapi';
import { displayTextSchema } from '../http/schemas.ts';
import { defineIds } from '../kernel/ids.ts';

/**
 * The rewards vocabulary: posts, likes and comments, the coin rules they earn by, the daily cap,
 * the rewards catalogue and redemptions. Coins are the ledger currency `COIN` (exponent 0).
 */

export const rewardsIds = defineIds({ post: 'post', comment: 'cmt', reward: 'rwd', redemption: 'rdm' });

/** What each rule pays, in coins. */
export const coinRules = {
  /** To the author, once per distinct post (a repost of the same text pays nothing more). */
  post: 10,
  /** To the author, once per (post, liker): unlike-then-like pays nothing more. */
  like: 2,
  /** To the commenter, per comment on someone else's post. */
  comment: 5,
  /** Once per user per ISO week, to users active that week; outside the daily cap. */
  weekly_bonus: 50,
} as const;
export type CoinRule = keyof typeof coinRules;
export const coinRuleNames = Object.keys(coinRules) as CoinRule[];

/** At most this many coins a user earns from interactions per UTC day. */
export const dailyCoinCap = 500;

/** The published rate for wallet credit: one coin is worth this many USD cents. */
export const walletCreditRate = { currency: 'USD', minor_units_per_coin: 1 } as const;

export const maxPostLength = 1000;
export const maxCommentLength = 500;

/** The UTC day of `ms`, `2026-01-15`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The next UTC midnight after `ms`. */
export function nextUtcMidnight(ms: number): number {
  const day = new Date(ms);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
}

/** The ISO week of `ms`, `2026-W03`, and its first millisecond (Monday 00:00 UTC). */
export function isoWeek(ms: number): { week: string; start: number } {
  const date = new Date(ms);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const dayOfWeek = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = midnight - dayOfWeek * 86_400_000;
  // The ISO week-year is the year of the week's Thursday.
  const thursday = new Date(start + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return { week: `${year}-W${String(week).padStart(2, '0')}`, start };
}

const imageUrlSchema = z
  .url({ protocol: /^https?$/, error: 'image_url must be an http(s) URL' })
  .max(2048)
  .optional()
  .openapi({ example: 'https://example.com/cat.jpg' });

export const imageContentTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const maxImageBytes = 5 * 1024 * 1024;

export const createPostSchema = z
  .object({
    content: displayTextSchema(maxPostLength).min(1, { error: 'content must not be empty' }),
    image_url: imageUrlSchema,
    image_key: z.string().max(300).optional().openapi({
      description: 'The `image_key` of an upload from `POST /v1/posts/images` (instead of `image_url`).',
    }),
  })
  .strict()
  .refine((post) => post.image_url === undefined || post.image_key === undefined, {
    error: 'give image_url or image_key, not both',
    path: ['image_key'],
  })
  .openapi('CreatePost');

export const createImageUploadSchema = z
  .object({
    content_type: z.enum(imageContentTypes, {
      error: `content_type must be one of ${imageContentTypes.join(', ')}`,
    }),
  })
  .strict()
  .openapi('CreateImageUpload');

export const imageUploadSchema = z
  .object({
    image_key: z.string(),
    upload_url: z.string(),
    upload_headers: z.record(z.string(), z.string()),
    max_bytes: z.number().int(),
    expires_at: z.string(),
  })
  .openapi('ImageUpload', {
    description: 'PUT the image to upload_url with upload_headers, then post with image_key.',
  });
export type CreatePost = z.infer<typeof createPostSchema>;

export const createCommentSchema = z
  .object({ content: displayTextSchema(maxCommentLength).min(1, { error: 'content must not be empty' }) })
  .strict()
  .openapi('CreateComment');

export const postSchema = z
  .object({
    id: z.string().openapi({ example: 'post_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    author: z.string(),
    author_name: z.string(),
    content: z.string(),
    image_url: z.string().nullable(),
    like_count: z.number().int(),
    comment_count: z.number().int(),
    liked_by_me: z.boolean(),
    created_at: z.string(),
  })
  .openapi('Post');
export type Post = z.infer<typeof postSchema>;
/** A post as stored: without the reader-dependent `liked_by_me`. */
export type StoredPost = Omit<Post, 'liked_by_me'> & { content_hash: string; image_key: string | null };

export const commentSchema = z
  .object({
    id: z.string(),
    post_id: z.string(),
    author: z.string(),
    author_name: z.string(),
    content: z.string(),
    created_at: z.string(),
  })
  .openapi('Comment');
export type Comment = z.infer<typeof commentSchema>;

export const coinsSummarySchema = z
  .object({
    balance: z.number().int(),
    currency: z.literal('COIN'),
    earned_today: z.number().int(),
    daily_cap: z.number().int(),
    resets_at: z.string(),
  })
  .openapi('CoinsSummary');

export const coinEntrySchema = z
  .object({
    transfer_id: z.string(),
    direction: z.enum(['credit', 'debit']),
    amount: z.number().int(),
    currency: z.literal('COIN'),
    rule: z.string().nullable(),
    description: z.string(),
    status: z.enum(['pending', 'completed']).openapi({
      description: '`pending`: coins on hold for a shop order; once taken they show as a `completed` entry.',
    }),
    created_at: z.string(),
  })
  .openapi('CoinEntry');
export type CoinEntry = z.infer<typeof coinEntrySchema>;

export const rewardKinds = ['voucher', 'wallet_credit'] as const;
export type RewardKind = (typeof rewardKinds)[number];

export const rewardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    price: z.number().int().openapi({ description: 'In coins.' }),
    stock: z.number().int(),
    kind: z.enum(rewardKinds),
    active: z.boolean(),
    credit: z
      .object({ amount: z.number().int(), currency: z.string() })
      .nullable()
      .openapi({ description: 'For `wallet_credit`: what the redemption credits to the wallet.' }),
    created_at: z.string(),
  })
  .openapi('Reward');
export type Reward = z.infer<typeof rewardSchema>;

const priceSchema = z
  .number()
  .int({ error: 'price must be a whole number of coins' })
  .min(1, { error: 'price must be at least 1 coin' })
  .max(1_000_000_000);
const stockSchema = z
  .number()
  .int({ error: 'stock must be a whole number' })
  .min(0, { error: 'stock must not be negative' })
  .max(1_000_000_000);

export const createRewardSchema = z
  .object({
    name: displayTextSchema(100).min(1, { error: 'name must not be empty' }),
    description: displayTextSchema(500).default(''),
    price: priceSchema,
    stock: stockSchema,
    kind: z.enum(rewardKinds),
  })
  .strict()
  .openapi('CreateReward');
export type CreateReward = z.infer<typeof createRewardSchema>;

export const updateRewardSchema = z
  .object({
    name: displayTextSchema(100).min(1, { error: 'name must not be empty' }).optional(),
    description: displayTextSchema(500).optional(),
    price: priceSchema.optional(),
    stock: stockSchema.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateReward');
export type UpdateReward = z.infer<typeof updateRewardSchema>;

export const redemptionSchema = z
  .object({
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
  })
  .openapi('Redemption');
export type Redemption = z.infer<typeof redemptionSchema>;

/**
 * What each rewards event carries as `data`, which realtime pushes to the event's audience as is
 * (`{ id, type, time, data }`): a like or a comment to the post's author, coins to their earner, a
 * redemption to its user. The dashboard reads these types (type-only imports), so renaming an
 * event type or a field here breaks its build instead of silently ending its toasts.
 */
export interface RewardsEventData {
  /** The post as the API shows it, without `liked_by_me` (it depends on the reader). */
  'post.created': { post: Omit<Post, 'liked_by_me'> };
  'post.deleted': { post_id: string; author: string; deleted_by: string };
  /** `author` is the post's; `user` and `user_name` are the liker's. */
  'post.liked': { post_id: string; author: string; user: string; user_name: string };
  'post.unliked': { post_id: string; author: string; user: string };
  /** `author` is the post's; the comment names its own author. */
  'post.commented': { post_id: string; author: string; comment: Comment };
  /** `earned_today` counts against `daily_cap` (the weekly bonus does not: it leaves it as it was). */
  'coins.earned': {
    user: string;
    amount: number;
    currency: 'COIN';
    rule: CoinRule;
    source: string;
    day: string;
    earned_today: number;
    daily_cap: number;
  };
  'coins.redeemed': { redemption_id: string; reward_id: string; price: number; kind: RewardKind };
}
export type RewardsEventType = keyof RewardsEventData;

/** A queued award: the rule, the action it pays for and who earns it. */
export const awardMessageSchema = z.object({
  rule: z.enum(coinRuleNames as [CoinRule, ...CoinRule[]]),
  /** With `rule`, names the action: the award is paid at most once per (rule, source). */
  source: z.string().min(1).max(300),
  user: z.string().min(1),
  /** When the action happened (ms): its UTC day is the day the award counts against. */
  occurred_at: z.number().int(),
});
export type AwardMessage = z.infer<typeof awardMessageSchema>;

export const deadAwardSchema = z
  .object({
    id: z.string(),
    body: z.unknown(),
    error: z.string(),
    receive_count: z.number().int(),
    dead_at: z.string(),
  })
  .openapi('DeadAward');
export type DeadAward = z.infer<typeof deadAwardSchema>;

export const jobNames = ['daily-digest', 'cleanup', 'weekly-bonus'] as const;
export type JobName = (typeof jobNames)[number];

export const jobSchema = z
  .object({
    name: z.enum(jobNames),
    schedule: z.string().openapi({ example: '0 20 * * *' }),
    description: z.string(),
    last_run_at: z.string().nullable(),
    next_run_at: z.string(),
  })
  .openapi('RewardsJob');
