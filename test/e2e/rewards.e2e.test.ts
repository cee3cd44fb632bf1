import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { openDashboard, shoot, signUpThroughUi, type DashboardSession } from './browser.ts';

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

let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboard({ waitMs });
}, 180_000);

afterAll(() => session?.close(), 60_000);

describe('the rewards feed in the browser', () => {
  it('shows the author the coins of a like arriving live', { timeout: 120_000 }, async () => {
    const alicePage = await session.newPage();
    const bobPage = await session.newPage();
    await signUpThroughUi(alicePage, alice, password);
    await signUpThroughUi(bobPage, bob, password);

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
    expect(session.problems).toEqual([]);
    // The coins awarded moved through the ledger: the books balance.
    await session.server.kill();
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
