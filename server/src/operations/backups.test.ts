import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import type { BackupRecord } from '../platform/module.ts';

const aBackup = (overrides: Partial<BackupRecord> = {}): BackupRecord => ({
  file: '/var/backups/sluice-2026-12-04.db',
  size_bytes: 1_234_567,
  sha256: 'ab'.repeat(32),
  taken_at: '2026-12-04T20:00:00.000Z',
  ...overrides,
});

describe('GET /v1/admin/backups', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.store.close();
  });

  it('answers admins with the last backup and the schedule the runtime reports', async () => {
    const last = aBackup();
    const schedule = { dir: '/var/backups', every_seconds: 3600, keep: 24 };
    t = createTestApp({ backups: { last: async () => last, schedule } });
    const admin = await t.signUp('admin', 'admin@example.com');
    const response = await t.call('GET', '/v1/admin/backups', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ last, scheduled: schedule });
  });

  it('answers nulls where the runtime keeps no backups of its own (AWS: AWS Backup does)', async () => {
    t = createTestApp();
    const admin = await t.signUp('admin', 'admin@example.com');
    const response = await t.call('GET', '/v1/admin/backups', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ last: null, scheduled: null });
  });

  it('refuses a user who is not an admin, and a caller without a token', async () => {
    t = createTestApp({ backups: { last: async () => aBackup(), schedule: null } });
    const user = await t.signUp('someone');
    const refused = await t.call('GET', '/v1/admin/backups', { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('sluice-2026-12-04.db');
    expect((await t.call('GET', '/v1/admin/backups')).status).toBe(401);
  });
});
