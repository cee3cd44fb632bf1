import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../server-process.ts';
import { desktop, ensureDashboardBuilt, launchChromium, shoot } from './browser.ts';

/**
 * The rewards dashboard end to end: the real server process (SQLite, the award queue's consumer,
 * realtime) serving the built dashboard, driven by Debian's Chromium. Two browser contexts are
 * two people: Bob likes Alice's post, and Alice's open feed shows the coins arrive without a reload.
 */

const password = 'correct horse battery staple';
const waitMs = 15_000;
const run = Date.now().toString(36);
const alice = { name: 'Alice Ng', email: `alice-rw-${run}@example.com` };
const bob = { name: 'Bob Lee', email: `bob-rw-${run}@example.com` };

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: desktop, baseURL: server.url });
  context.setDefaultTimeout(waitMs);
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return page;
}

async function signUpThroughUi(page: Page, person: { name: string; email: string }): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: `Hi, ${person.name}` }).waitFor();
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  server = await startServer({});
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.dispose();
}, 60_000);

describe('the rewards feed in the browser', () => {
  it('shows the author the coins of a like arriving live', { timeout: 120_000 }, async () => {
    const alicePage = await newPage();
    const bobPage = await newPage();
    await signUpThroughUi(alicePage, alice);
    await signUpThroughUi(bobPage, bob);

    await alicePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
    await alicePage.getByRole('heading', { name: 'Feed' }).waitFor();
    await alicePage.getByLabel("What's on your mind?").fill('Hello from Alice');
    await alicePage.getByRole('button', { name: 'Post' }).click();
    // The post award comes through the queue and is pushed to Alice's socket.
    await expect
      .poll(() => alicePage.getByTestId('coin-balance').textContent(), { timeout: waitMs })
      .toBe('10');

    await bobPage.goto('/feed');
    const post = bobPage.getByTestId('post').filter({ hasText: 'Hello from Alice' });
    await post.getByRole('button', { name: /^Like/ }).click();
    await post.getByRole('button', { name: /^Liked · 1/ }).waitFor();

    // Alice never reloads: the like, then its 2 coins, arrive over her WebSocket.
    await expect
      .poll(() => alicePage.getByTestId('coin-balance').textContent(), { timeout: waitMs })
      .toBe('12');
    await expect
      .poll(() => alicePage.getByTestId('coins-today').textContent(), { timeout: waitMs })
      .toBe('12 / 500');
    await alicePage.getByText(`${bob.name} liked your post`).waitFor();
    await alicePage
      .getByTestId('post')
      .filter({ hasText: 'Hello from Alice' })
      .getByRole('button', { name: /Like · 1/ })
      .waitFor();
    await shoot(alicePage, 'rewards-feed');
    // Bob's own like earns him nothing; his balance stays 0.
    await expect.poll(() => bobPage.getByTestId('coin-balance').textContent(), { timeout: waitMs }).toBe('0');
    expect(problems).toEqual([]);
  });
});
