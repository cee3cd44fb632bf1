import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { call, signUp, type ApiUser } from '../server-process.ts';
import { openDashboard, shoot, type DashboardSession } from './browser.ts';

/**
 * Maker-checker in the browser: the real server process and Debian's Chromium, two people in two
 * browser contexts. The merchant's owner requests a payout under a one-approval payout policy; an
 * approver (invited by email) approves it from the approval inbox; the payout appears on the
 * owner's payouts page, and the books balance.
 */

const password = 'correct horse battery staple';
const waitMs = 15_000;
const run = Date.now().toString(36);
const day = 24 * 3600;

let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboard({ waitMs });
}, 180_000);

afterAll(() => session?.close(), 60_000);

async function signIn(page: Page, user: ApiUser, to: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/signin');
  await page.goto(to);
}

describe('approvals in the browser', () => {
  it('lets one member request a payout and another approve it', { timeout: 120_000 }, async () => {
    const base = session.server.url;
    const owner = await signUp(base, { name: 'Olive', email: `olive-${run}@example.com`, password });
    const merchant = await call(base, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: 'Olive Goods' },
    });
    expect(merchant.status).toBe(201);
    const key = await call(base, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
      token: owner.token,
    });
    const api = (method: string, path: string, body?: unknown) =>
      call(base, method, path, { token: key.json.secret, ...(body !== undefined ? { body } : {}) });
    const card = {
      number: '4242424242424242',
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 2,
      cvc: '123',
    };
    expect((await api('POST', '/v1/payments', { amount: 10_000, currency: 'USD', card })).status).toBe(201);
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * day })).status).toBe(200);
    expect((await api('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 })).status).toBe(200);
    const approverEmail = `abe-${run}@example.com`;
    const invited = await call(base, 'POST', `/v1/merchants/${merchant.json.id}/members`, {
      token: owner.token,
      body: { email: approverEmail, role: 'approver' },
    });
    expect(invited.status).toBe(201);
    const approver = await signUp(base, { name: 'Abe', email: approverEmail, password });

    const ownerPage = await session.newPage();
    const payoutsPath = `/developers/${merchant.json.id}/approvals/payouts`;
    await signIn(ownerPage, owner, payoutsPath);
    await ownerPage.getByRole('heading', { name: 'Payouts' }).waitFor();
    await ownerPage.getByLabel('Amount (USD)').fill('25.00');
    await ownerPage.getByRole('button', { name: 'Request payout' }).click();
    await ownerPage.getByText('The payout waits for approval').waitFor();
    expect(await ownerPage.getByTestId('payout-row').count()).toBe(0);

    const approverPage = await session.newPage();
    const inboxPath = `/developers/${merchant.json.id}/approvals`;
    await signIn(approverPage, approver, inboxPath);
    const request = approverPage.getByTestId('approval-row').filter({ hasText: 'Payout of 25.00 USD' });
    await request.getByText('pending', { exact: true }).waitFor();
    await shoot(approverPage, 'approvals-inbox');
    await request.getByRole('button', { name: 'Approve' }).click();
    await request.getByRole('list', { name: 'Audit trail' }).getByText('executed', { exact: true }).waitFor();

    // The owner's open payouts page picks the payout up without a reload.
    const row = ownerPage.getByTestId('payout-row');
    await row.filter({ hasText: '$25.00' }).waitFor();
    await shoot(ownerPage, 'approvals-payouts');
    const payouts = await call(base, 'GET', '/v1/payouts', { token: key.json.secret });
    expect(payouts.json.data).toHaveLength(1);
    expect(payouts.json.data[0]).toMatchObject({ amount: 2500, destination: 'wallet' });
    expect(session.problems).toEqual([]);
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
