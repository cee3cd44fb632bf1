import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { paymentBody, setUpMerchantApp, tearDownApp } from '../payments/test-support.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await tearDownApp(t);
});

type Routes = { json: { routes: Array<{ route: string }> } };
const routeNames = (response: Routes) => response.json.routes.map((r) => r.route);

describe('live metrics (GET /v1/metrics)', () => {
  it('shows a merchant its own traffic only, by route template, to its API keys and its dashboard', async () => {
    const { t, merchant, api } = await setUpMerchantApp();
    apps.push(t);
    const other = await setUpMerchantApp(t);
    const paid = await api('POST', '/v1/payments', paymentBody());
    await api('GET', `/v1/payments/${paid.json.id}`);
    await other.api('GET', '/v1/balance');
    const someone = await t.signUp('someone');
    await t.call('GET', '/v1/wallet', { token: someone.token });

    const mine = await api('GET', '/v1/metrics');
    expect(mine.status).toBe(200);
    expect(routeNames(mine)).toEqual(expect.arrayContaining(['POST /v1/payments', 'GET /v1/payments/{id}']));
    expect(routeNames(mine)).not.toContain('GET /v1/balance');
    expect(routeNames(mine)).not.toContain('GET /v1/wallet');

    const theirs = await other.api('GET', '/v1/metrics');
    expect(routeNames(theirs)).toContain('GET /v1/balance');
    expect(routeNames(theirs)).not.toContain('POST /v1/payments');

    const dashboard = await t.call('GET', '/v1/metrics', {
      token: merchant.owner.token,
      headers: { 'Sluice-Merchant': merchant.id },
    });
    expect(dashboard.status).toBe(200);
    expect(routeNames(dashboard)).toContain('POST /v1/payments');
    expect(routeNames(dashboard)).not.toContain('GET /v1/balance');

    const noMerchant = await t.call('GET', '/v1/metrics', { token: someone.token });
    expect(noMerchant.status).toBe(400);
    expect(noMerchant.json.error.param).toBe('Sluice-Merchant');
    const notTheirs = await t.call('GET', '/v1/metrics', {
      token: someone.token,
      headers: { 'Sluice-Merchant': merchant.id },
    });
    expect(notTheirs.status).toBe(404);
  });

  it("counts a team member's requests as the merchant, and shows them the merchant's traffic", async () => {
    const { t, merchant, api } = await setUpMerchantApp();
    apps.push(t);
    const email = `dev-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: merchant.owner.token,
      body: { email, role: 'developer' },
    });
    expect(invited.status, invited.text).toBe(201);
    const developer = await t.signUp('developer', email);
    const asMember = (path: string) =>
      t.call('GET', path, { token: developer.token, headers: { 'Sluice-Merchant': merchant.id } });
    const paid = await api('POST', '/v1/payments', paymentBody());
    expect((await asMember(`/v1/settlements`)).status).toBe(200);
    expect((await asMember(`/v1/payments/${paid.json.id}`)).status).toBe(200);

    const seen = await asMember('/v1/metrics');
    expect(seen.status).toBe(200);
    // The member's own requests and the key's, each by template.
    expect(routeNames(seen)).toEqual(
      expect.arrayContaining(['GET /v1/settlements', 'GET /v1/payments/{id}', 'POST /v1/payments']),
    );
    expect(routeNames(seen)).not.toContain('GET /*');
  });

  it("shows the whole platform's traffic to admins only, at /v1/admin/metrics", async () => {
    const { t, api } = await setUpMerchantApp();
    apps.push(t);
    await api('POST', '/v1/payments', paymentBody());
    const user = await t.signUp('user');
    const admin = await t.signUp('admin', 'admin@example.com');
    expect((await t.call('GET', '/v1/admin/metrics', { token: user.token })).status).toBe(403);
    const all = await t.call('GET', '/v1/admin/metrics', { token: admin.token });
    expect(all.status).toBe(200);
    expect(routeNames(all)).toEqual(expect.arrayContaining(['POST /v1/payments', 'POST /v1/auth/signup']));
  });

  it('names routes by template even behind a catch-all route (the dashboard)', async () => {
    const t = createTestApp({ extend: (app) => app.get('*', (c) => c.text('dashboard')) });
    apps.push(t);
    const { api } = await setUpMerchantApp(t);
    const paid = await api('POST', '/v1/payments', paymentBody());
    await api('GET', `/v1/payments/${paid.json.id}`);
    await t.call('GET', '/some/page');
    const admin = await t.signUp('admin', 'admin@example.com');
    const names = routeNames(await t.call('GET', '/v1/admin/metrics', { token: admin.token }));
    expect(names).toEqual(expect.arrayContaining(['GET /v1/payments/{id}', 'GET /*']));
    expect(names.filter((name) => name === 'GET /*')).toHaveLength(1);
    const prometheus = await t.call('GET', '/metrics', { token: admin.token });
    expect(prometheus.text).toContain('route="/v1/payments/{id}"');
  });
});

describe('Prometheus metrics (GET /metrics)', () => {
  it('needs an admin token or the configured scrape token', async () => {
    const t = createTestApp({ config: { metricsToken: 'scrape-token-0123456789abcdef' } });
    apps.push(t);
    await t.call('GET', '/health');
    const user = await t.signUp('user');
    const admin = await t.signUp('admin', 'admin@example.com');

    const anonymous = await t.call('GET', '/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('sluice_http_requests_total');
    expect((await t.call('GET', '/metrics', { token: 'wrong-token' })).status).toBe(401);
    const asUser = await t.call('GET', '/metrics', { token: user.token });
    expect(asUser.status).toBe(403);
    expect(asUser.text).not.toContain('sluice_http_requests_total');

    for (const token of [admin.token, 'scrape-token-0123456789abcdef']) {
      const scraped = await t.call('GET', '/metrics', { token });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('sluice_http_requests_total{method="GET",route="/health",status="2xx"}');
    }
  });
});
