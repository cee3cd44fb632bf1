import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { catalogOf } from '../app/registry.ts';
import { modules } from '../app/modules.ts';
import { migrationRecordPut } from '../platform/migrations.ts';

describe('GET /v1/admin/migrations', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.store.close();
  });

  it('answers admins with the migrations the code knows, those applied and those pending', async () => {
    t = createTestApp();
    const [first, ...rest] = catalogOf(modules).migrations;
    if (!first) throw new Error('the app should declare at least one migration');
    await t.store.transact([
      migrationRecordPut({ ...first, applied_at: '2026-12-01T00:00:00.000Z', changed: 3 }),
    ]);
    const admin = await t.signUp('admin', 'admin@example.com');
    const response = await t.call('GET', '/v1/admin/migrations', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      code: [first, ...rest],
      applied: [{ ...first, applied_at: '2026-12-01T00:00:00.000Z', changed: 3 }],
      pending: rest,
    });
  });

  it('refuses a user who is not an admin, and a caller without a token', async () => {
    t = createTestApp();
    const user = await t.signUp('someone');
    expect((await t.call('GET', '/v1/admin/migrations', { token: user.token })).status).toBe(403);
    expect((await t.call('GET', '/v1/admin/migrations')).status).toBe(401);
  });
});
