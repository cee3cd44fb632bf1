import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { openDashboard, shoot, signUpThroughUi, type DashboardSession } from './browser.ts';

/**
 * The shop end to end: the real server process (SQLite, the in-process checkout saga, file blobs,
 * realtime) serving the built dashboard, driven by Debian's Chromium. An admin adds a product with
 * an image uploaded through its presigned URL; a buyer browses, adds it to the cart, pays with a
 * test card, and watches the order turn paid without a reload.
 */

const password = 'correct horse battery staple';
const waitMs = 20_000;
const run = Date.now().toString(36);
const admin = { name: 'Ada Admin', email: `admin-shop-${run}@example.com` };
const buyer = { name: 'Bea Buyer', email: `bea-shop-${run}@example.com` };
// A 1×1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboard({ server: { adminEmails: [admin.email], signupBonus: 100_000 }, waitMs });
}, 240_000);

afterAll(() => session?.close(), 60_000);

describe('the shop in the browser', () => {
  it('lets an admin add a product with an image, and a buyer pay for it by card and see it paid live', {
    timeout: 180_000,
  }, async () => {
    const adminPage = await session.newPage();
    await signUpThroughUi(adminPage, admin, password);
    await adminPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Shop admin' })
      .click();
    await adminPage.getByRole('heading', { name: 'Shop admin' }).waitFor();
    const form = adminPage.getByRole('form', { name: 'New product' });
    await form.getByLabel('Name', { exact: true }).fill('Blue teapot');
    await form.getByLabel('Price (USD)').fill('24.50');
    await form.getByLabel('Stock').fill('3');
    await form.getByLabel('Category').fill('kitchen');
    await form.getByLabel('Description').fill('Porcelain, holds four cups.');
    await form.getByLabel('Image').setInputFiles({ name: 'teapot.png', mimeType: 'image/png', buffer: png });
    await form.getByRole('button', { name: 'Add product' }).click();
    await adminPage.getByTestId('admin-product').filter({ hasText: 'Blue teapot' }).waitFor();
    await shoot(adminPage, 'shop-admin', { fullPageOnDesktop: true });

    const page = await session.newPage();
    await signUpThroughUi(page, buyer, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shop' }).click();
    const card = page.getByTestId('product').filter({ hasText: 'Blue teapot' });
    await card.waitFor();
    // The image the admin uploaded, served from the local blob store through its signed URL.
    await expect
      .poll(() =>
        card
          .getByRole('img', { name: 'Blue teapot' })
          .evaluate((img: unknown) => (img as { naturalWidth: number }).naturalWidth),
      )
      .toBe(1);
    await expect.poll(() => card.textContent()).toContain('$24.50');
    await shoot(page, 'shop-storefront');
    await card.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Blue teapot added to your cart').waitFor();

    await page.getByRole('link', { name: 'Your cart' }).click();
    await page.getByTestId('cart-line').filter({ hasText: 'Blue teapot' }).waitFor();
    const checkout = page.getByRole('form', { name: 'Checkout' });
    await checkout.getByLabel('Name', { exact: true }).fill(buyer.name);
    await checkout.getByLabel('Address').fill('1 Market St');
    await checkout.getByLabel('City').fill('San Francisco');
    await checkout.getByLabel('Postal code').fill('94105');
    await checkout.getByLabel('Pay with').selectOption('card');
    await checkout.getByLabel('Test card').selectOption('4242424242424242');
    await checkout.getByRole('button', { name: /^Pay/ }).click();

    // The order page shows the saga's progress and turns paid without a reload.
    await page.waitForURL(/\/shop\/orders\/ord_/);
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: waitMs }).toBe('paid');
    await shoot(page, 'shop-order');
    await page.goto('/shop/orders');
    await page.getByText('paid').first().waitFor();
    expect(session.problems).toEqual([]);
    // The card payment, the shop's wallet hold and the buyers' sign-up funds: the books balance.
    await session.server.kill();
    await expectStoredBooksBalanced(session.server.dataDir);
  });
});
