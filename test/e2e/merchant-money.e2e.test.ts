import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { call, signUp, type ApiUser } from '../server-process.ts';
import { openDashboard, phone, shoot, type DashboardSession } from './browser.ts';

/**
 * A merchant's money in the dashboard, end to end (real server process, Debian's Chromium): a
 * payment's state and legal actions through a partial capture, a partial refund and a dispute;
 * the settlement that pays it out, reconciled line by line; a refund of a settled payment that
 * takes the balance negative (within the floor the dialog states) and the balance transactions
 * that explain it; payments search, filters and CSV export; the merchant's own metrics by route
 * template; and every one of these pages at phone width without horizontal overflow.
 */

const password = 'correct horse battery staple';
const waitMs = 15_000;
const card = { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' };

let session: DashboardSession;
let owner: ApiUser;
let merchantId: string;
let api: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;
let page: Page;
let authorized: string;
let settled: string;

beforeAll(async () => {
  session = await openDashboard({ waitMs });
  const base = session.server.url;
  owner = await signUp(base, { name: 'Money', password });
  merchantId = (
    await call(base, 'POST', '/v1/merchants', { token: owner.token, body: { name: 'Acme Coffee' } })
  ).json.id;
  const key = await call(base, 'POST', `/v1/merchants/${merchantId}/api-keys`, {
    token: owner.token,
    body: { name: 'server' },
  });
  api = (method, path, body) => call(base, method, path, { token: key.json.secret, body });
  const auth = await api('POST', '/v1/payments', {
    amount: 2_500,
    currency: 'USD',
    card,
    capture: false,
    description: 'Beans, 1 kg',
  });
  expect(auth.status, auth.text).toBe(201);
  authorized = auth.json.id;
  const paid = await api('POST', '/v1/payments', {
    amount: 4_000,
    currency: 'USD',
    card,
    description: 'Grinder',
  });
  expect(paid.status, paid.text).toBe(201);
  settled = paid.json.id;
}, 180_000);

afterAll(() => session?.close(), 60_000);

const base = () => `/developers/${merchantId}`;
const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

/** The page fits the phone's width: nothing scrolls sideways. */
async function expectNoHorizontalOverflow(path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading').first().waitFor();
  await page.waitForLoadState('networkidle');
  const overflow = await page.evaluate(
    '(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)()',
  );
  expect(overflow, `${path} overflows by ${String(overflow)} px at phone width`).toBeLessThanOrEqual(0);
}

describe("a merchant's money in the dashboard", () => {
  it('signs in and shows an authorization with what may be done to it, its deadline in sandbox time', async () => {
    page = await session.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Hi,/ }).waitFor();

    await page.goto(`${base()}/payments/${authorized}`);
    await page.getByRole('heading', { name: '$25.00' }).waitFor();
    await expect.poll(() => text('payment-status'), { timeout: waitMs }).toBe('Requires capture');
    expect(await text('capture-before')).toContain('sandbox time');
    expect(await page.getByRole('button', { name: 'Refund', exact: true }).count()).toBe(0);
  });

  it('captures part, refunds part and disputes it: the status says so and only legal actions remain', async () => {
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Amount/).fill('20.00');
    await dialog.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect.poll(() => text('payment-status'), { timeout: waitMs }).toBe('Succeeded');
    // Captured: the deadline is gone, and so are Capture and Void.
    expect(await page.getByTestId('capture-before').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Capture', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Amount/).fill('5');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect.poll(() => text('payment-status'), { timeout: waitMs }).toBe('Partially refunded');

    await page.getByRole('button', { name: 'Open test dispute' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Open dispute' }).click();
    await page.waitForURL(/\/disputes$/);
    await page.goto(`${base()}/payments/${authorized}`);
    await expect.poll(() => text('payment-status'), { timeout: waitMs }).toBe('Disputed');
    expect(await text('payment-dispute-status')).toBe('Needs response');
    expect(await text('payment-note')).toContain('cannot be refunded');
    expect(await page.getByRole('button', { name: 'Refund', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Open test dispute' }).count()).toBe(0);
    // Events are real time, the payment's own times sandbox time: each says which.
    await page.getByTestId('timeline-event').first().waitFor();
    expect(await page.getByText('real time').count()).toBeGreaterThan(0);
    expect(await page.getByText('sandbox time').count()).toBeGreaterThan(0);
    await shoot(page, 'money-payment-disputed', { fullPageOnDesktop: true });
  });

  it('settles the day and reconciles the settlement line by line, the dispute hold included', async () => {
    await page.goto(base());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.getByRole('link', { name: 'Settlements', exact: true }).click();
    await expect.poll(() => page.getByTestId('settlement-row').count(), { timeout: waitMs }).toBe(1);
    expect(await page.getByTestId('settlement-row').textContent()).toContain('sandbox day');
    await page.getByTestId('settlement-row').first().click();
    await page.getByTestId('settlement-net').waitFor();
    // $40.00 + ($20.00 captured − $5.00 refunded − $15.00 held for the dispute); $1.46 fee; $15.00 dispute fee withheld.
    expect(await text('settlement-captured')).toBe('+$60.00');
    expect(await text('settlement-disputed')).toBe('−$15.00');
    expect(await text('settlement-gross')).toBe('$40.00');
    expect(await text('settlement-dispute-fees')).toBe('−$15.00');
    expect(await text('settlement-net')).toBe('$23.54');
    const lines = await page.getByTestId('settlement-line').allTextContents();
    expect(lines.some((line) => line.includes('Held for a dispute') && line.includes('−$15.00'))).toBe(true);
    expect(lines.some((line) => line.includes('Dispute fees withheld') && line.includes('−$15.00'))).toBe(
      true,
    );
    expect(await text('settlement-lines-total')).toBe('$23.54');
    await shoot(page, 'money-settlement', { fullPageOnDesktop: true });
  });

  it('refunds a settled payment beyond the available balance, as the dialog promises, and explains the negative balance', async () => {
    await page.goto(`${base()}/payments/${settled}`);
    await expect.poll(() => text('payment-note'), { timeout: waitMs }).toContain('negative down to −$100.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('At most $40.00');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect.poll(() => text('payment-status'), { timeout: waitMs }).toBe('Refunded');
    await shoot(page, 'money-payment', { fullPageOnDesktop: true });

    await page.goto(base());
    await expect.poll(() => text('merchant-available-USD'), { timeout: waitMs }).toBe('−$16.46');
    await shoot(page, 'money-overview', { fullPageOnDesktop: true });

    await page.getByRole('link', { name: 'Balance transactions' }).click();
    await expect.poll(() => page.getByTestId('balance-transaction').count(), { timeout: waitMs }).toBe(2);
    const rows = await page.getByTestId('balance-transaction').allTextContents();
    expect(rows[0]).toContain('Refund');
    expect(rows[0]).toContain('−$40.00');
    expect(rows[1]).toContain('Settlement payout');
    expect(rows[1]).toContain('+$23.54');
    expect(await page.getByTestId('balance-after').allTextContents()).toEqual(['−$16.46', '$23.54']);
    expect(await text('balance-available')).toBe('−$16.46');
    await shoot(page, 'money-balance', { fullPageOnDesktop: true });
  });

  it('searches and filters payments and exports them as CSV', async () => {
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(2);
    await page.getByLabel('Search payments').fill('grinder');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(1);
    expect(await page.getByTestId('payment-row').textContent()).toContain('Refunded');
    await page.getByLabel('Search payments').fill('');
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(2);
    await page.getByLabel('Status').selectOption('disputed');
    // The previous page stays on screen until the filtered one arrives: wait for one row.
    await expect
      .poll(async () => (await page.getByTestId('payment-row').allTextContents()).join(' | '), {
        timeout: waitMs,
      })
      .toMatch(/^[^|]*Beans, 1 kg[^|]*$/);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('From (sandbox day)').fill('2000-01-01');
    await page.getByLabel('To (sandbox day)').fill('2000-01-02');
    await page.getByText('No payments match these filters').waitFor();
    await page.getByLabel('From (sandbox day)').fill('');
    await page.getByLabel('To (sandbox day)').fill('');
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(2);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = (await readFile(file, 'utf8')).trim().split('\r\n');
    expect(csv[0]).toMatch(/^id,created_at_sandbox,amount,currency,status,display_status/);
    expect(csv).toHaveLength(3);
    expect(csv.join('\n')).toContain(`${settled},`);
    expect(csv.join('\n')).toContain(',40.00,USD,succeeded,refunded,');
    await shoot(page, 'money-payments', { fullPageOnDesktop: true });
  });

  it("charts only this merchant's traffic on Metrics, each route by its template", async () => {
    // Someone else's traffic on the same server must not show here.
    const other = await signUp(session.server.url, { name: 'Other', password });
    expect((await call(session.server.url, 'GET', '/v1/wallet', { token: other.token })).status).toBe(200);
    expect((await api('GET', `/v1/payments/${settled}`)).status).toBe(200);
    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('heading', { name: 'Metrics' }).waitFor();
    await expect
      .poll(async () => (await page.getByTestId('route-row').allTextContents()).join(' '), {
        timeout: waitMs,
      })
      .toContain('GET /v1/payments/{id}');
    const routes = (await page.getByTestId('route-row').allTextContents()).join(' ');
    expect(routes).not.toContain('GET /*');
    expect(routes).not.toContain('/v1/wallet');
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: waitMs }).toBe(0);
    await shoot(page, 'money-metrics', { fullPageOnDesktop: true });
  });

  it('fits every one of these pages at phone width', async () => {
    await page.setViewportSize(phone);
    for (const path of [
      base(),
      `${base()}/payments`,
      `${base()}/payments/${authorized}`,
      `${base()}/payments/${settled}`,
      `${base()}/balance`,
      `${base()}/settlements`,
      `${base()}/metrics`,
    ])
      await expectNoHorizontalOverflow(path);
    const settlement = (await api('GET', '/v1/settlements')).json.data[0].id as string;
    await expectNoHorizontalOverflow(`${base()}/settlements/${settlement}`);
    expect(session.problems).toEqual([]);
  });

  it('leaves the books balanced', async () => {
    await session.server.kill();
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
