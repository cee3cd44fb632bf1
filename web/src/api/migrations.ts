import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';

export type MigrationStatus = components['schemas']['MigrationStatus'];

export const migrationKeys = {
  all: ['migrations'] as const,
};

export function fetchMigrations(signal?: AbortSignal): Promise<MigrationStatus> {
  return apiFetch('/v1/admin/migrations', signal ? { signal } : {});
}

/** The stored-data migrations: those the code knows, applied and pending (admins only). */
export function useMigrations() {
  return useQuery({ queryKey: migrationKeys.all, queryFn: ({ signal }) => fetchMigrations(signal) });
}
