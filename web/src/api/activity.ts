import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiFetch, type Page } from './client.ts';

export interface ActivityEntry {
  id: string;
  transfer_id: string;
  type: string;
  direction: 'debit' | 'credit';
  amount: number;
  currency: string;
  counterparty: string | null;
  note: string | null;
  created_at: string;
}

export const activityKeys = {
  all: ['activity'] as const,
  feed: () => [...activityKeys.all, 'feed'] as const,
  recent: (limit: number) => [...activityKeys.all, 'recent', limit] as const,
};

export function fetchActivity(params: { limit: number; startingAfter?: string | undefined }, signal?: AbortSignal): Promise<Page<ActivityEntry>> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.startingAfter) query.set('starting_after', params.startingAfter);
  return apiFetch(`/v1/activity?${query}`, signal ? { signal } : {});
}

/** The whole activity feed, newest first, a page at a time. */
export function useActivityFeed(pageSize = 20) {
  return useInfiniteQuery({
    queryKey: activityKeys.feed(),
    queryFn: ({ pageParam, signal }) => fetchActivity({ limit: pageSize, startingAfter: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more && last.next_cursor ? last.next_cursor : undefined),
  });
}

/** The latest few entries, for the home page. */
export function useRecentActivity(limit = 5) {
  return useQuery({ queryKey: activityKeys.recent(limit), queryFn: ({ signal }) => fetchActivity({ limit }, signal) });
}
