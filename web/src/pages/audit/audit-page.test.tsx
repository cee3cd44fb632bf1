import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackupStatus } from '../../api/backups.ts';
import type { MigrationStatus } from '../../api/migrations.ts';
import { setSession } from '../../api/session.ts';
import { apiRoute, mockFetch, testUser, withQueryClient } from '../../test-support.tsx';
import { AuditPage } from './audit-page.tsx';
import { formatBytes } from './operations-panel.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const auditRoute = apiRoute(
  'get',
  '/v1/admin/audit',
)(() => ({
  status: 200,
  body: { balanced: true, currencies: [], checked_at: '2026-12-04T20:00:00.000Z' },
}));

const migration = (version: number, description: string) => ({ module: 'payments', version, description });

function renderAsAdmin(backups: BackupStatus, migrations: MigrationStatus) {
  setSession({
    accessToken: 'access-admin',
    refreshToken: 'refresh-admin',
    expiresAt: Date.now() + 900_000,
    user: { ...testUser, groups: ['admin'] },
  });
  const mocked = mockFetch([
    auditRoute,
    apiRoute('get', '/v1/admin/backups')(() => ({ status: 200, body: backups })),
    apiRoute('get', '/v1/admin/migrations')(() => ({ status: 200, body: migrations })),
  ]);
  const { wrapper: Wrapper } = withQueryClient();
  render(
    <Wrapper>
      <AuditPage />
    </Wrapper>,
  );
  return mocked;
}

describe('AuditPage operations', () => {
  it('shows the last backup’s time and size and the pending migrations', async () => {
    const first = migration(1, 'cap the credits of fees accounts');
    const second = migration(2, 'index settlements by day');
    renderAsAdmin(
      {
        last: {
          file: '/var/backups/sluice-1.db',
          size_bytes: 2_450_000,
          sha256: 'ab'.repeat(32),
          taken_at: '2026-12-04T20:00:00.000Z',
        },
        scheduled: { dir: '/var/backups', every_seconds: 3600, keep: 24 },
      },
      {
        code: [first, second],
        applied: [{ ...first, applied_at: '2026-12-04T19:00:00.000Z', changed: 3 }],
        pending: [second],
      },
    );
    const backups = (await screen.findByRole('heading', { name: 'Backups' })).parentElement!;
    expect(await within(backups).findByText(/2\.5 MB/)).toBeTruthy();
    expect(
      within(backups)
        .getByText(new Date('2026-12-04T20:00:00.000Z').toLocaleString())
        .getAttribute('datetime'),
    ).toBe('2026-12-04T20:00:00.000Z');
    expect(within(backups).getByText(/every 3600 s into \/var\/backups, the newest 24 kept/)).toBeTruthy();

    const migrations = screen.getByRole('heading', { name: 'Migrations' }).parentElement!;
    expect(await within(migrations).findByText(/1 of 2 applied, 1 pending/)).toBeTruthy();
    expect(within(migrations).getByText('payments v2: index settlements by day')).toBeTruthy();
    expect(within(migrations).queryByText(/cap the credits/)).toBeNull();
  });

  it('says how to take a backup when there is none, and that nothing is pending', async () => {
    const first = migration(1, 'cap the credits of fees accounts');
    const { calls } = renderAsAdmin(
      { last: null, scheduled: null },
      {
        code: [first],
        applied: [{ ...first, applied_at: '2026-12-04T19:00:00.000Z', changed: 0 }],
        pending: [],
      },
    );
    expect(await screen.findByText(/No backup yet/)).toBeTruthy();
    expect(screen.getByText('npm run backup -- --to FILE')).toBeTruthy();
    expect(screen.getByText('No scheduled backups on this server.')).toBeTruthy();
    expect(await screen.findByText(/1 of 1 applied, none pending/)).toBeTruthy();
    expect(calls.find((c) => c.url.endsWith('/v1/admin/backups'))?.headers.get('authorization')).toBe(
      'Bearer access-admin',
    );
  });
});

describe('formatBytes', () => {
  it('reads as people read sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(340_000)).toBe('340 KB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
  });
});
