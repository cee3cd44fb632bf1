import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { call, signUp, type ApiUser } from '../server-process.ts';
import { openDashboard, shoot, type DashboardSession } from './browser.ts';

/**
 * The hub's Vendors pages end to end: a merchant splits a card payment with a vendor over the API
 * and refunds part of it; in the dashboard (real server process, Debian's Chromium) the vendor's
 * pending balance shows its share less what the refund took back; after the sandbox day ends the
 * merchant settles the shares and pays the vendor out to a wallet from the vendor's page.
 */

const password = 'correct horse battery staple';
const waitMs = 15_000;

let session: DashboardSession;
let owner: ApiUser;
let payee: ApiUser;
let merchantId: string;
let vendorId: string;
let api: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;

beforeAll(async () => {
  session = await openDashboard({ waitMs });
  const base = session.server.url;
  owner = await signUp(base, { name: 'Marketplace', password });
  payee = await signUp(base, { name: 'Payee', password });
  merchantId = (await call(base, 'POST', '/v1/merchants', { token: owner.token, body: { name: 'Market' } }))
    .json.id;
  const key = await call(base, 'POST', `/v1/merchants/${merchantId}/api-keys`, {
    token: owner.token,
    body: { name: 'server' },
  });
  api = (method, path, body) => call(base, method, path, { token: key.json.secret, body });
  expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card' })).status).toBe(201);
  vendorId = (await api('POST', '/v1/vendors', { name: 'Blue Bottle' })).json.id;
  const paid = await api('POST', '/v1/payment-intents', {
    amount: 10_000,
    currency: 'USD',
    payment_method: {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    },
    splits: [{ vendor: vendorId, amount: 7_000 }],
  });
  expect(paid.status, paid.text).toBe(201);
  // 2,000 refunded: 1,400 of it comes back from the vendor's 7,000.
  expect((await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 2_000 })).status).toBe(
    200,
  );
}, 180_000);

afterAll(() => session?.close(), 60_000);

describe('vendors in the dashboard', () => {
  it('shows balances and split payments, settles the shares and pays a vendor out', {
    timeout: 120_000,
  }, async () => {
    const page = await session.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Hi,/ }).waitFor();

    await page.goto(`/developers/${merchantId}/hub`);
    await page.getByRole('navigation', { name: 'Hub' }).getByRole('link', { name: 'Vendors' }).click();
    const row = page.getByTestId('vendor-row').filter({ hasText: 'Blue Bottle' });
    await expect.poll(() => row.textContent(), { timeout: waitMs }).toContain('$56.00 pending');

    // The sandbox day ends: the card payment settles to the merchant, then the shares to the vendor.
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 })).status).toBe(200);
    // The merchant's settlement event may have settled the shares already (a subscription does it
    // as soon as the outbox delivers it); the button settles whatever is still due.
    await page.getByRole('button', { name: 'Settle due shares now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /1 split payment settled\.|Nothing was due/ })
      .waitFor();
    await expect.poll(() => row.textContent(), { timeout: waitMs }).toContain('$56.00 available');
    await shoot(page, 'hub-vendors');

    await row.click();
    await page.getByRole('heading', { name: 'Blue Bottle' }).waitFor();
    await expect
      .poll(() => page.getByTestId('split-row').first().textContent(), { timeout: waitMs })
      .toContain('refunds took back $14.00');
    await page.getByLabel('Amount (USD)').fill('20.00');
    await page.getByLabel('To the wallet of (user id)').fill(payee.id);
    await page.getByRole('button', { name: 'Pay out' }).click();
    await expect
      .poll(() => page.getByTestId('payout-row').first().textContent(), { timeout: waitMs })
      .toContain('$20.00');
    await expect
      .poll(() => page.getByLabel('Balances').textContent(), { timeout: waitMs })
      .toContain('$36.00 available');
    // More than is left is refused, and nothing is paid.
    await page.getByLabel('Amount (USD)').fill('40.00');
    await page.getByLabel('To the wallet of (user id)').fill(payee.id);
    await page.getByRole('button', { name: 'Pay out' }).click();
    await page.getByText('The balance is too low for this amount', { exact: false }).waitFor();
    expect(await page.getByTestId('payout-row').count()).toBe(1);
    await shoot(page, 'hub-vendor');
    expect(session.problems.filter((p) => !/status of 402/.test(p))).toEqual([]);
  });

  it('leaves the books balanced', async () => {
    await session.server.kill();
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
