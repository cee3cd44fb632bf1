import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, type Page } from './client.ts';
import type { components } from './schema.gen.ts';

export type AdminUser = components['schemas']['User'];
export type UserPage = Page<AdminUser>;

export const userKeys = {
  all: ['admin-users'] as const,
  page: (cursor: string | undefined) => ['admin-users', cursor ?? 'first'] as const,
};

export function fetchUsers(cursor: string | undefined, signal?: AbortSignal): Promise<UserPage> {
  const query = new URLSearchParams({ limit: '25' });
  if (cursor) query.set('starting_after', cursor);
  return apiFetch(`/v1/admin/users?${query}`, signal ? { signal } : {});
}

/** Everyone who has signed up, newest first (admins only). */
export function useUsers(cursor: string | undefined) {
  return useQuery({
    queryKey: userKeys.page(cursor),
    queryFn: ({ signal }) => fetchUsers(cursor, signal),
    placeholderData: keepPreviousData,
  });
}
