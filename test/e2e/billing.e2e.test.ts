import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { call, signUp, type ApiUser } from '../server-process.ts';
import { openDashboard, shoot, type DashboardSession } from './browser.ts';

/**
 * Recurring billing end to end: a merchant's plan, customer and subscription are made over the
 * API; in the dashboard (real server process, Debian's Chromium) the merchant switches the saved
 * card to decline, moves the sandbox clock a month, watches the renewal fail and the subscription
 * go past due with its retries shown, then switches the card back and retries the invoice by hand:
 * paid, and the subscription active again.
 */

const password = 'correct horse battery staple';
const waitMs = 20_000;

let session: DashboardSession;
let owner: ApiUser;
let merchantId: string;
let customerId: string;
let subscriptionId: string;

beforeAll(async () => {
  session = await openDashboard({ waitMs, server: { readyTimeoutMs: 120_000 } });
  const base = session.server.url;
  owner = await signUp(base, { name: 'Subscribers', password });
  merchantId = (
    await call(base, 'POST', '/v1/merchants', { token: owner.token, body: { name: 'Coffee club' } })
  ).json.id;
  const key = await call(base, 'POST', `/v1/merchants/${merchantId}/api-keys`, {
    token: owner.token,
    body: { name: 'server' },
  });
  const api = (method: string, path: string, body?: unknown) =>
    call(base, method, path, { token: key.json.secret, body });
  expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card' })).status).toBe(201);
  const plan = (
    await api('POST', '/v1/plans', {
      name: 'Monthly beans',
      amount: 2_000,
      currency: 'USD',
      interval: 'month',
    })
  ).json;
  customerId = (await api('POST', '/v1/customers', { name: 'Jane Doe', email: 'jane@example.com' })).json.id;
  const method = (
    await api('POST', `/v1/customers/${customerId}/payment-methods`, {
      type: 'card',
      card: {
        number: '4242424242424242',
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 5,
        cvc: '123',
      },
    })
  ).json;
  const subscription = await api('POST', '/v1/subscriptions', {
    customer: customerId,
    plan: plan.id,
    payment_method: method.id,
    on_retries_exhausted: 'unpaid',
  });
  expect(subscription.status, subscription.text).toBe(201);
  subscriptionId = subscription.json.id;
}, 240_000);

afterAll(() => session?.close(), 60_000);

describe('billing in the dashboard', () => {
  it('shows a renewal failing into dunning, and a retry by hand bringing it back', {
    timeout: 180_000,
  }, async () => {
    const page = await session.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Hi,/ }).waitFor();

    await page.goto(`/developers/${merchantId}`);
    await page.getByRole('navigation', { name: 'Developer' }).getByRole('link', { name: 'Billing' }).click();
    const row = page.getByTestId('subscription-row').filter({ hasText: subscriptionId });
    await expect.poll(() => row.textContent()).toContain('active');

    await page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Plans' }).click();
    await expect
      .poll(() => page.getByTestId('plan-row').first().textContent())
      .toContain('$20.00 every month');

    // The card starts declining.
    await page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByTestId('customer-row').filter({ hasText: 'Jane Doe' }).click();
    const behaviour = page.getByRole('combobox', { name: /^Behaviour of / });
    await behaviour.selectOption('insufficient_funds');
    await expect.poll(() => behaviour.inputValue()).toBe('insufficient_funds');

    await page
      .getByRole('navigation', { name: 'Billing' })
      .getByRole('link', { name: 'Subscriptions' })
      .click();
    await page.getByRole('button', { name: '+1 month' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /failed/ })
      .waitFor();
    await expect.poll(() => row.textContent()).toContain('past due');

    await row.click();
    await page.getByRole('heading', { name: /Monthly beans/ }).waitFor();
    const open = page.getByTestId('invoice-row').filter({ hasText: 'open' });
    await expect
      .poll(() => open.getByTestId('invoice-attempt').first().textContent())
      .toContain('insufficient funds');
    await expect.poll(() => page.getByLabel('Status history').textContent()).toContain('past due');
    await shoot(page, 'billing-subscription-dunning', { fullPageOnDesktop: true });

    // The customer fixes their card; the merchant retries the invoice now.
    await page.getByRole('link', { name: customerId }).click();
    await behaviour.selectOption('success');
    await expect.poll(() => behaviour.inputValue()).toBe('success');
    await page.goBack();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => page.getByTestId('invoice-row').filter({ hasText: 'open' }).count()).toBe(0);
    await expect.poll(() => page.getByTestId('subscription-status').textContent()).toBe('active');
    await shoot(page, 'billing-subscription');
    // The failed charges answered 402 to the server, never to the page: nothing logged.
    expect(session.problems).toEqual([]);
  });

  it('leaves the books balanced', async () => {
    await session.server.kill();
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
