import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { rememberPeople } from '../lib/contacts.ts';
import { apiFetch, type Page } from './client.ts';
import type { components } from './schema.gen.ts';

/** One line of the wallet's activity; `counterparty_user` is null for Sluice itself (the sign-up bonus). */
export type ActivityEntry = components['schemas']['ActivityEntry'];

export const activityKeys = {
  all: ['activity'] as const,
  feed: () => [...activityKeys.all, 'feed'] as const,
  recent: (limit: number) => [...activityKeys.all, 'recent', limit] as const,
};

export async function fetchActivity(
  params: { limit: number; startingAfter?: string | undefined },
  signal?: AbortSignal,
): Promise<Page<ActivityEntry>> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.startingAfter) query.set('starting_after', params.startingAfter);
  const page = await apiFetch<Page<ActivityEntry>>(`/v1/activity?${query}`, signal ? { signal } : {});
  rememberPeople(page.data.map((entry) => entry.counterparty_user));
  return page;
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
  return useQuery({
    queryKey: activityKeys.recent(limit),
    queryFn: ({ signal }) => fetchActivity({ limit }, signal),
  });
}
