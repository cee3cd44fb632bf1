import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';

export type BackupStatus = components['schemas']['BackupStatus'];
export type Backup = NonNullable<components['schemas']['Backup']>;

export const backupKeys = {
  all: ['backups'] as const,
};

export function fetchBackups(signal?: AbortSignal): Promise<BackupStatus> {
  return apiFetch('/v1/admin/backups', signal ? { signal } : {});
}

/** The last backup of the local database and the backup schedule (admins only). */
export function useBackups() {
  return useQuery({ queryKey: backupKeys.all, queryFn: ({ signal }) => fetchBackups(signal) });
}
