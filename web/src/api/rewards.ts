import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { toast } from 'sonner';
import type { RewardsEventData } from '../../../server/src/rewards/model.ts';
import { apiFetch, type Page } from './client.ts';
import type { EventMessage } from './realtime.ts';
import type { components } from './schema.gen.ts';

/** The rewards product: the feed, coins, the catalogue, redemptions, and its admin tools. */
export type Post = components['schemas']['Post'];
export type Comment = components['schemas']['Comment'];
export type CoinsSummary = components['schemas']['CoinsSummary'];
export type CoinEntry = components['schemas']['CoinEntry'];
export type Reward = components['schemas']['Reward'];
export type Redemption = components['schemas']['Redemption'];
export type RewardsJob = components['schemas']['RewardsJob'];
export type DeadAward = components['schemas']['DeadAward'];
export type NewReward = components['schemas']['CreateReward'];

export const rewardsKeys = {
  all: ['rewards'] as const,
  feed: () => [...rewardsKeys.all, 'feed'] as const,
  comments: (postId: string) => [...rewardsKeys.all, 'comments', postId] as const,
  coins: () => [...rewardsKeys.all, 'coins'] as const,
  history: () => [...rewardsKeys.all, 'history'] as const,
  catalog: () => [...rewardsKeys.all, 'catalog'] as const,
  redemptions: () => [...rewardsKeys.all, 'redemptions'] as const,
  jobs: () => [...rewardsKeys.all, 'jobs'] as const,
  deadAwards: () => [...rewardsKeys.all, 'dead-awards'] as const,
};

const withCursor = (path: string, limit: number, cursor?: string) => {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('starting_after', cursor);
  return `${path}?${query}`;
};

function usePaged<T>(key: readonly unknown[], path: string, pageSize = 20) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => apiFetch<Page<T>>(withCursor(path, pageSize, pageParam), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more && last.next_cursor ? last.next_cursor : undefined),
  });
}

export const useFeed = () => usePaged<Post>(rewardsKeys.feed(), '/v1/posts');
export const useCoinHistory = () => usePaged<CoinEntry>(rewardsKeys.history(), '/v1/coins/history');
export const useRedemptions = () => usePaged<Redemption>(rewardsKeys.redemptions(), '/v1/redemptions');

export function useComments(postId: string, enabled: boolean) {
  return useQuery({
    queryKey: rewardsKeys.comments(postId),
    queryFn: ({ signal }) => apiFetch<Page<Comment>>(`/v1/posts/${postId}/comments?limit=100`, { signal }),
    enabled,
  });
}

export function useCoins() {
  return useQuery({
    queryKey: rewardsKeys.coins(),
    queryFn: ({ signal }) => apiFetch<CoinsSummary>('/v1/coins', { signal }),
  });
}

export function useCatalog() {
  return useQuery({
    queryKey: rewardsKeys.catalog(),
    queryFn: ({ signal }) => apiFetch<Page<Reward>>('/v1/rewards?limit=100', { signal }),
  });
}

export function useJobs() {
  return useQuery({
    queryKey: rewardsKeys.jobs(),
    queryFn: ({ signal }) => apiFetch<{ data: RewardsJob[] }>('/v1/admin/jobs', { signal }),
  });
}

export function useDeadAwards() {
  return useQuery({
    queryKey: rewardsKeys.deadAwards(),
    queryFn: ({ signal }) => apiFetch<Page<DeadAward>>('/v1/admin/rewards/dead-awards?limit=100', { signal }),
  });
}

/** Mutations refresh what they change; coins arrive later (the award queue), by realtime. */
function useRewardsMutation<I, O>(fn: (input: I) => Promise<O>, keys: Array<readonly unknown[]>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

export const useCreatePost = () =>
  useRewardsMutation(
    (content: string) => apiFetch<Post>('/v1/posts', { method: 'POST', body: { content } }),
    [rewardsKeys.feed()],
  );

export const useDeletePost = () =>
  useRewardsMutation(
    (postId: string) => apiFetch(`/v1/posts/${postId}`, { method: 'DELETE' }),
    [rewardsKeys.feed()],
  );

export const useToggleLike = () =>
  useRewardsMutation(
    (post: Pick<Post, 'id' | 'liked_by_me'>) =>
      apiFetch<Post>(`/v1/posts/${post.id}/like`, { method: post.liked_by_me ? 'DELETE' : 'POST' }),
    [rewardsKeys.feed()],
  );

export function useAddComment(postId: string) {
  return useRewardsMutation(
    (content: string) =>
      apiFetch<Comment>(`/v1/posts/${postId}/comments`, { method: 'POST', body: { content } }),
    [rewardsKeys.comments(postId), rewardsKeys.feed()],
  );
}

export const useRedeem = () =>
  useRewardsMutation(
    (input: { rewardId: string; idempotencyKey: string }) =>
      apiFetch<Redemption>(`/v1/rewards/${input.rewardId}/redeem`, {
        method: 'POST',
        idempotencyKey: input.idempotencyKey,
      }),
    [
      rewardsKeys.catalog(),
      rewardsKeys.redemptions(),
      rewardsKeys.coins(),
      rewardsKeys.history(),
      ['wallet'],
    ],
  );

export const useCreateReward = () =>
  useRewardsMutation(
    (input: NewReward) => apiFetch<Reward>('/v1/rewards', { method: 'POST', body: input }),
    [rewardsKeys.catalog()],
  );

export const useUpdateReward = () =>
  useRewardsMutation(
    (input: { id: string; changes: Partial<Pick<Reward, 'stock' | 'price' | 'active'>> }) =>
      apiFetch<Reward>(`/v1/rewards/${input.id}`, { method: 'PATCH', body: input.changes }),
    [rewardsKeys.catalog()],
  );

export const useRunJob = () =>
  useRewardsMutation(
    (name: RewardsJob['name']) =>
      apiFetch<{ name: string; result: Record<string, unknown> }>(`/v1/admin/jobs/${name}/run`, {
        method: 'POST',
      }),
    [rewardsKeys.jobs(), rewardsKeys.coins()],
  );

export const useRedrive = () =>
  useRewardsMutation(
    (id: string) => apiFetch(`/v1/admin/rewards/dead-awards/${id}/redrive`, { method: 'POST' }),
    [rewardsKeys.deadAwards()],
  );

/** The rewards events, typed by the server's `RewardsEventData` (imported type-only). */
export type RewardsMessage = EventMessage<RewardsEventData>;

/** Rewards events pushed to this user: refresh what they change, and say what happened. */
export function applyRewardsMessage(queryClient: QueryClient, message: RewardsMessage, userId: string): void {
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  // The socket's JSON is typed, not checked: a message without its data still refetches.
  switch (message.type) {
    case 'coins.earned': {
      invalidate(rewardsKeys.coins());
      invalidate(rewardsKeys.history());
      const earned = message.data;
      if (earned?.user === userId && typeof earned.amount === 'number')
        toast.success(`+${earned.amount} coins`, {
          description: `${earned.earned_today} of ${earned.daily_cap} today`,
        });
      return;
    }
    case 'coins.redeemed':
      invalidate(rewardsKeys.coins());
      invalidate(rewardsKeys.redemptions());
      return;
    case 'post.liked':
      invalidate(rewardsKeys.feed());
      if (message.data?.author === userId) toast(`${message.data.user_name ?? 'Someone'} liked your post`);
      return;
    case 'post.commented': {
      invalidate(rewardsKeys.feed());
      const commented = message.data;
      if (typeof commented?.post_id === 'string') invalidate(rewardsKeys.comments(commented.post_id));
      if (commented?.author === userId)
        toast(`${commented.comment?.author_name ?? 'Someone'} commented on your post`);
      return;
    }
    case 'post.created':
    case 'post.deleted':
    case 'post.unliked':
      invalidate(rewardsKeys.feed());
      return;
    default:
      message satisfies never;
  }
}
