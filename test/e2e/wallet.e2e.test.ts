import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../server-process.ts';
import { openDashboard, phone, shoot, signUpThroughUi, type DashboardSession } from './browser.ts';

/**
 * The wallet dashboard end to end: the real server process (what `npm start` runs: SQLite,
 * realtime, workers) on a temporary data dir, serving the built dashboard from web/dist, driven by Debian's Chromium through playwright-core. Two browser
 * contexts are two people. `npm test` builds web/dist first; run alone, this file builds it if
 * it is missing.
 */

const password = 'correct horse battery staple';
const waitMs = 10_000;
const run = Date.now().toString(36);
const alice = { name: 'Alice Ng', email: `alice-${run}@example.com` };
const bob = { name: 'Bob Lee', email: `bob-${run}@example.com` };
const admin = { name: 'Ada', email: `admin-${run}@example.com` };

let session: DashboardSession;
let base: string;

const balance = (page: Page) => page.getByTestId('balance-USD');

beforeAll(async () => {
  session = await openDashboard({ server: { adminEmails: [admin.email] }, waitMs });
  base = session.server.url;
}, 120_000);

afterAll(() => session?.close(), 60_000);

describe('wallet dashboard', () => {
  let alicePage: Page;
  let bobPage: Page;

  it('serves the app shell for client routes and leaves the API alone', async () => {
    const shell = await fetch(`${base}/activity`, { headers: { accept: 'text/html' } });
    expect(shell.status).toBe(200);
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    expect(await shell.text()).toContain('<div id="root">');
    const api = await fetch(`${base}/v1/wallet`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');
  });

  it('signs two people up through the UI', async () => {
    alicePage = await session.newPage();
    await alicePage.goto('/signin');
    await alicePage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shoot(alicePage, 'sign-in');
    await signUpThroughUi(alicePage, alice, password);
    await expect.poll(() => balance(alicePage).textContent(), { timeout: waitMs }).toBe('$20.00');

    bobPage = await session.newPage();
    await signUpThroughUi(bobPage, bob, password);
    await expect.poll(() => balance(bobPage).textContent(), { timeout: waitMs }).toBe('$20.00');
  });

  it('sends money and the recipient sees it arrive live, with a toast', async () => {
    await alicePage.getByRole('link', { name: 'Send', exact: true }).first().click();
    await alicePage.getByLabel('Recipient email').fill(bob.email);
    await alicePage.getByLabel(/Amount/).fill('12.50');
    await alicePage.getByLabel(/Note/).fill('Lunch');
    await shoot(alicePage, 'send');
    await alicePage.getByRole('button', { name: 'Review' }).click();
    const dialog = alicePage.getByRole('dialog');
    await expect
      .poll(() => dialog.textContent(), { timeout: waitMs })
      .toContain(`Send $12.50 to ${bob.name} (${bob.email})`);
    await alicePage.getByRole('button', { name: 'Send $12.50' }).click();
    // The confirmation names the recipient the server resolved the email to.
    await alicePage.getByText(`Sent $12.50 to ${bob.name}`).waitFor();
    await alicePage.getByRole('heading', { name: 'Hi, Alice' }).waitFor();
    await expect.poll(() => balance(alicePage).textContent(), { timeout: waitMs }).toBe('$7.50');

    // Bob's page was not reloaded: the realtime event refetched the balance and raised a toast.
    await expect.poll(() => balance(bobPage).textContent(), { timeout: waitMs }).toBe('$32.50');
    await bobPage
      .getByText(/received \$12\.50|sent you \$12\.50/)
      .first()
      .waitFor();
    // By name, though Bob's browser has never seen Alice before.
    await bobPage.getByText(`${alice.name} sent you $12.50`).waitFor();
    const bobRecent = bobPage.locator('main li').first();
    await expect.poll(() => bobRecent.textContent(), { timeout: waitMs }).toContain(`From ${alice.name}`);
    await shoot(bobPage, 'home');
  });

  it('a request made by one person and paid by the other shows as paid to the first', async () => {
    await bobPage.getByRole('link', { name: 'Request', exact: true }).first().click();
    await bobPage.getByLabel(/Request from/).fill(alice.email);
    await bobPage.getByLabel(/Amount/).fill('5');
    await bobPage.getByLabel(/Note/).fill('Coffee');
    await bobPage.getByRole('button', { name: 'Send request' }).click();
    await bobPage.waitForURL(/\/requests\?role=outgoing/);
    const bobRequest = bobPage.getByTestId('payment-request').first();
    await expect.poll(() => bobRequest.textContent(), { timeout: waitMs }).toContain('Pending');
    expect(await bobRequest.textContent()).toContain(`You requested from ${alice.name}`);
    await alicePage.getByText(`${bob.name} requested $5.00 from you`).waitFor();

    await alicePage.getByRole('link', { name: 'Requests' }).click();
    const aliceRequest = alicePage.getByTestId('payment-request').first();
    await expect.poll(() => aliceRequest.textContent(), { timeout: waitMs }).toContain('$5.00');
    expect(await aliceRequest.textContent()).toContain(`${bob.name} requests`);
    await shoot(alicePage, 'requests');
    await alicePage.getByRole('button', { name: 'Pay $5.00' }).click();
    // Paying asks first, as Send does.
    await alicePage.getByRole('dialog').getByRole('button', { name: 'Pay $5.00' }).click();
    await expect.poll(() => aliceRequest.textContent(), { timeout: waitMs }).toContain('Paid');

    // Live on Bob's side: status and balance, without a reload.
    await expect.poll(() => bobRequest.textContent(), { timeout: waitMs }).toContain('Paid');
    await bobPage.getByText(`${alice.name} paid your request for $5.00`).waitFor();
    await bobPage.getByRole('link', { name: 'Home' }).click();
    await expect.poll(() => balance(bobPage).textContent(), { timeout: waitMs }).toBe('$37.50');
  });

  it('lists activity, newest first', async () => {
    await alicePage.getByRole('link', { name: 'Activity' }).click();
    const items = alicePage.locator('main li');
    await expect.poll(() => items.count(), { timeout: waitMs }).toBe(3);
    expect(await items.first().textContent()).toContain('−$5.00');
    expect(await items.last().textContent()).toContain('Sign-up bonus');
    expect(await items.allTextContents()).toEqual([
      expect.stringContaining(`Request paid to ${bob.name}`),
      expect.stringContaining(`To ${bob.name}`),
      expect.stringContaining('Sign-up bonus'),
    ]);
    await shoot(alicePage, 'activity');
  });

  it('shows the ledger audit and the users to an admin who signs in', async () => {
    await signUp(base, { ...admin, password });
    const adminPage = await session.newPage();
    await adminPage.goto('/signin');
    await adminPage.getByLabel('Email').fill(admin.email);
    await adminPage.getByLabel('Password').fill(password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('link', { name: 'Audit' }).click();
    await adminPage.getByText('Ledger: Balanced').waitFor();
    // The operations panel, from the real server: no backup taken yet, every migration applied.
    await adminPage.getByText('No backup yet.', { exact: false }).waitFor();
    await adminPage.getByText(/applied, none pending/).waitFor();
    await shoot(adminPage, 'audit');
    await adminPage.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('cell', { name: alice.email }).waitFor();
    await adminPage.getByRole('cell', { name: bob.email }).waitFor();
    await shoot(adminPage, 'users');

    // At phone width the Menu button opens every one of the admin's links, none scrolled out of view.
    await adminPage.setViewportSize(phone);
    await adminPage.getByRole('button', { name: 'Menu' }).click();
    const links = adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect(await links.allInnerTexts()).toEqual([
      'Home',
      'Send',
      'Request',
      'Requests',
      'Activity',
      'Feed',
      'Coins',
      'Shop',
      'Developers',
      'Security',
      'Audit',
      'Users',
      'Mailbox',
      'Rewards admin',
      'Shop admin',
    ]);
    for (const link of await links.all()) {
      const box = (await link.boundingBox())!;
      expect(box.x, await link.innerText()).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, await link.innerText()).toBeLessThanOrEqual(phone.width);
    }
  });

  it('signs out', async () => {
    await bobPage.getByRole('button', { name: 'Sign out' }).click();
    await bobPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await bobPage.goto('/');
    await bobPage.waitForURL(/\/signin$/);
  });

  it('logged no console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
