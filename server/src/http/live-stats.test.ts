import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/app-harness.ts';
import { LiveStats } from './live-stats.ts';

describe('live stats', () => {
  it('counts requests and errors per second and per route, with latency percentiles', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const stats = new LiveStats(() => now);
    for (let i = 1; i <= 100; i++) stats.record('POST /v1/transfers', i <= 90 ? 201 : i <= 98 ? 402 : 500, i);
    now += 1000;
    stats.record('GET /v1/wallet', 200, 3);
    const snapshot = stats.snapshot();
    expect(snapshot.series).toHaveLength(60);
    expect(snapshot.series.at(-2)).toMatchObject({
      requests: 100,
      client_errors: 8,
      server_errors: 2,
      p50_ms: 50,
      p95_ms: 95,
      p99_ms: 99,
    });
    expect(snapshot.series.at(-1)).toMatchObject({ requests: 1, p50_ms: 3 });
    expect(snapshot.routes[0]).toMatchObject({
      route: 'POST /v1/transfers',
      requests: 100,
      rate_4xx: 0.08,
      rate_5xx: 0.02,
      p99_ms: 99,
    });
  });

  it('forgets traffic older than the window', () => {
    let now = Date.UTC(2026, 0, 1);
    const stats = new LiveStats(() => now);
    stats.record('GET /health', 200, 1);
    now += 61_000;
    const snapshot = stats.snapshot();
    expect(snapshot.routes).toEqual([]);
    expect(snapshot.series.every((s) => s.requests === 0)).toBe(true);
  });

  it('is served at GET /v1/admin/metrics to admins, not to every signed-in user', async () => {
    const t = createTestApp();
    const alice = await t.signUp('alice');
    await t.call('GET', '/v1/wallet', { token: alice.token });
    expect((await t.call('GET', '/v1/admin/metrics')).status).toBe(401);
    expect((await t.call('GET', '/v1/admin/metrics', { token: alice.token })).status).toBe(403);
    const admin = await t.signUp('admin', 'admin@example.com');
    const response = await t.call('GET', '/v1/admin/metrics', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.json.routes.map((r: { route: string }) => r.route)).toContain('GET /v1/wallet');
    await t.store.close();
  });

  it('keeps a scope apart from the others and from the platform view', () => {
    const stats = new LiveStats(() => Date.UTC(2026, 0, 1));
    stats.record('POST /v1/payments', 201, 1, 'mer_a');
    stats.record('GET /v1/balance', 200, 1, 'mer_b');
    expect(stats.snapshot('mer_a').routes.map((r) => r.route)).toEqual(['POST /v1/payments']);
    expect(stats.snapshot('mer_c').routes).toEqual([]);
    expect(
      stats
        .snapshot()
        .routes.map((r) => r.route)
        .sort(),
    ).toEqual(['GET /v1/balance', 'POST /v1/payments']);
  });
});
