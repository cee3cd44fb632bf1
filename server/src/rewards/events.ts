import type { RewardsEventType } from './model.ts';

/**
 * Event types the rewards module emits (their data: `RewardsEventData`). Those with an audience
 * reach that user's sockets through the realtime module's subscription: a like or a comment to
 * the post's author (`post.liked`, `post.commented`), coins to their earner (`coins.earned`), a
 * redemption to its user.
 */
export const rewardsEventTypes = [
  'post.created',
  'post.deleted',
  'post.liked',
  'post.unliked',
  'post.commented',
  'coins.earned',
  'coins.redeemed',
] as const satisfies readonly RewardsEventType[];
