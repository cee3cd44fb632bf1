import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredBooksBalanced } from '../invariants.ts';
import { startServer, type ServerProcess } from '../server-process.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../webhook-receiver.ts';
import { desktop, ensureDashboardBuilt, launchChromium, shoot } from './browser.ts';

/**
 * The developer pages end to end: a developer signs up through the UI, creates a sandbox
 * merchant, an API key and a webhook endpoint pointing at a receiver in this test, takes a
 * declined and an authorized test payment, captures and refunds it, and sees the events in the
 * feed and the 2xx deliveries in the endpoint's log. Real server process, Debian's Chromium.
 */

const password = 'correct horse battery staple';
const waitMs = 15_000;
const run = Date.now().toString(36);
const developer = { name: 'Dev', email: `dev-${run}@example.com` };

let server: ServerProcess;
let base: string;
let browser: Browser;
let receiver: WebhookReceiver | undefined;
let receiverUrl: string;
const received = (): ReceivedWebhook[] => receiver?.received ?? [];
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function newPage(viewport = desktop): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: base });
  context.setDefaultTimeout(waitMs);
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    // A declined card is a 402 answer, which Chromium logs as a failed resource load.
    if (message.type() === 'error' && !/status of 402/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // API errors other than the expected decline, so a failure names the server's answer.
  page.on('response', (response) => {
    if (response.url().includes('/v1/') && response.status() >= 400 && response.status() !== 402) {
      void response.text().then(
        (body) =>
          problems.push(
            `${response.request().method()} ${new URL(response.url()).pathname} → ${response.status()} ${body.slice(0, 300)}`,
          ),
        () => undefined,
      );
    }
  });
  return page;
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  receiver = await startWebhookReceiver();
  receiverUrl = `${receiver.url}/sluice/webhooks`;
  server = await startServer();
  base = server.url;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.dispose();
  await receiver?.close();
}, 60_000);

const receivedTypes = () => received().map((r) => (JSON.parse(r.body) as { type?: string }).type);

describe('developer dashboard', () => {
  let page: Page;
  let merchantPath: string;

  it('signs up, creates a merchant and lands on its overview', async () => {
    page = await newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill(developer.name);
    await page.getByLabel('Email').fill(developer.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: `Hi, ${developer.name}` }).waitFor();

    await page.getByRole('link', { name: 'Developers', exact: true }).first().click();
    await page.getByText('No merchants yet').waitFor();
    await shoot(page, 'developers-merchants', { fullPageOnDesktop: true });
    await page.getByLabel('Merchant name').fill('Acme Coffee');
    await page.getByRole('button', { name: 'Create merchant' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(page.url()).toMatch(/\/developers\/mer_[0-9A-Za-z]+$/);
    merchantPath = new URL(page.url()).pathname;
    await expect
      .poll(() => page.getByTestId('merchant-name').textContent(), { timeout: waitMs })
      .toBe('Acme Coffee');
  });

  it('creates an API key whose secret is shown once', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel(/Key name/).fill('checkout server');
    await page.getByRole('button', { name: 'Create secret key' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('secret').textContent(), { timeout: waitMs })
      .toMatch(/^sk_test_/);
    const secret = (await dialog.getByTestId('secret').textContent()) ?? '';
    await shoot(page, 'developers-api-key-secret', { fullPageOnDesktop: true });
    await dialog.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByTestId('api-key').first().waitFor();
    expect(await page.getByTestId('api-key').first().textContent()).toContain(`sk_test_…${secret.slice(-4)}`);
    expect(await page.content()).not.toContain(secret);
    // The key works against the API.
    const balance = await fetch(`${base}/v1/balance`, { headers: { authorization: `Bearer ${secret}` } });
    expect(balance.status).toBe(200);
    await shoot(page, 'developers-api-keys', { fullPageOnDesktop: true });
  });

  it('adds a webhook endpoint pointing at the receiver', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Select all' }).click();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('secret').textContent(), { timeout: waitMs })
      .toMatch(/^whsec_/);
    await dialog.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByTestId('webhook-endpoint').first().waitFor();
    expect(await page.getByTestId('webhook-endpoint').first().textContent()).toContain(receiverUrl);
    await shoot(page, 'developers-webhooks', { fullPageOnDesktop: true });
  });

  it('makes a declined test payment and an authorization', async () => {
    await page.getByRole('link', { name: 'Test payment' }).click();
    await page.waitForURL(/\/test-payment$/);
    await page.getByLabel('Amount').fill('12.50');
    await page.getByRole('button', { name: /Use Generic decline card/ }).click();
    await page.getByRole('button', { name: 'Pay' }).click();
    const result = page.getByTestId('payment-result');
    await expect.poll(() => result.textContent(), { timeout: waitMs }).toContain('generic_decline');
    expect(await result.textContent()).toContain('Declined');

    await page.getByRole('button', { name: /Use Success card/ }).click();
    await page.getByLabel('Capture immediately').uncheck();
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect.poll(() => result.textContent(), { timeout: waitMs }).toContain('Requires capture');
    await shoot(page, 'developers-test-payment', { fullPageOnDesktop: true });
    await result.getByRole('link', { name: /View payment/ }).click();
    await page.getByRole('heading', { name: '$12.50' }).waitFor();
    await expect
      .poll(() => page.getByTestId('payment-status').textContent(), { timeout: waitMs })
      .toBe('Requires capture');
  });

  it('captures part and refunds part of it in the dashboard', async () => {
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Amount/).fill('10.00');
    await dialog.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('payment-status').textContent(), { timeout: waitMs })
      .toBe('Succeeded');
    expect(await page.getByTestId('amount-captured').textContent()).toBe('$10.00');

    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    dialog = page.getByRole('dialog');
    // More than captured is refused on the field, before any request.
    await dialog.getByLabel(/Amount/).fill('11');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.getByText('At most $10.00', { exact: true }).first().waitFor();
    await dialog.getByLabel(/Amount/).fill('4');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('amount-refunded').textContent(), { timeout: waitMs })
      .toBe('$4.00');
    await expect
      .poll(async () => (await page.getByTestId('timeline-event').allTextContents()).join(' '), {
        timeout: waitMs,
      })
      .toContain('refund.succeeded');
    const timeline = (await page.getByTestId('timeline-event').allTextContents()).join(' ');
    expect(timeline).toContain('payment.authorized');
    expect(timeline).toContain('payment.captured');
    await shoot(page, 'developers-payment', { fullPageOnDesktop: true });

    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(2);
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.getByTestId('payment-row').count(), { timeout: waitMs }).toBe(1);
    expect(await page.getByTestId('payment-row').first().textContent()).toContain('generic_decline');
    await page.getByLabel('Status').selectOption('');
    await shoot(page, 'developers-payments', { fullPageOnDesktop: true });
  });

  it('shows the events in the live feed', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    const feed = async () => (await page.getByTestId('event').allTextContents()).join(' ');
    await expect.poll(feed, { timeout: waitMs }).toContain('refund.succeeded');
    for (const type of ['payment.failed', 'payment.authorized', 'payment.captured'])
      expect(await feed()).toContain(type);
    // The type filter asks the server for that type only.
    await page.getByLabel('Type').selectOption('refund.succeeded');
    const types = async () =>
      (await page.getByTestId('event').locator('span.font-mono.font-medium').allTextContents()).join(',');
    await expect.poll(types, { timeout: waitMs }).toBe('refund.succeeded');
    await page.getByLabel('Type').selectOption('');
    await expect.poll(feed, { timeout: waitMs }).toContain('payment.failed');
    await shoot(page, 'developers-events', { fullPageOnDesktop: true });
  });

  it('delivers the events to the receiver and logs the 2xx answers', async () => {
    await expect
      .poll(receivedTypes, { timeout: waitMs })
      .toEqual(
        expect.arrayContaining([
          'payment.failed',
          'payment.authorized',
          'payment.captured',
          'refund.succeeded',
        ]),
      );
    for (const request of received())
      expect(Object.keys(request.headers).some((name) => /signature/i.test(name))).toBe(true);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('webhook-endpoint').first().click();
    await page.getByRole('heading', { name: 'Webhook endpoint' }).waitFor();
    await expect
      .poll(() => page.getByTestId('attempt-status').count(), { timeout: waitMs })
      .toBeGreaterThanOrEqual(4);
    const statuses = await page.getByTestId('attempt-status').allTextContents();
    expect(statuses.every((s) => s.trim() === '200')).toBe(true);
    const log = (await page.getByRole('list', { name: 'Deliveries' }).textContent()) ?? '';
    expect(log).toContain('{"received":true}');
    await expect
      .poll(async () => (await page.getByRole('list', { name: 'Deliveries' }).textContent()) ?? '', {
        timeout: waitMs,
      })
      .toContain('refund.succeeded');

    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(receivedTypes, { timeout: waitMs }).toContain('test.webhook');
    await shoot(page, 'developers-webhook-endpoint', { fullPageOnDesktop: true });
  });

  it('edits the endpoint: URL, events, description, disabled and enabled again', async () => {
    const newUrl = `${receiverUrl}-v2`;
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Endpoint URL').inputValue()).toBe(receiverUrl);
    // A broken URL is refused on the field, before any request.
    await dialog.getByLabel('Endpoint URL').fill('not a url');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('Enter a full URL, e.g. https://example.com/webhooks').waitFor();
    await dialog.getByLabel('Endpoint URL').fill(newUrl);
    await dialog.getByLabel('payment.voided').uncheck();
    await dialog.getByLabel(/Description/).fill('Order service');
    await dialog.getByLabel(/Enabled/).uncheck();
    await shoot(page, 'developers-webhook-endpoint-edit');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => page.getByTestId('endpoint-status').textContent(), { timeout: waitMs })
      .toBe('disabled');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByTestId('endpoint-url').textContent()).toBe(newUrl);
    expect(await page.getByTestId('endpoint-description').textContent()).toBe('Order service');
    const events = (await page.getByText(/^Events: /).textContent()) ?? '';
    expect(events).toContain('payment.authorized');
    expect(events).not.toContain('payment.voided');

    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('endpoint-status').textContent(), { timeout: waitMs })
      .toBe('enabled');
    // Events now go to the new URL.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect
      .poll(() => received().some((r) => r.path === '/sluice/webhooks-v2'), { timeout: waitMs })
      .toBe(true);
  });

  it('deletes an endpoint after confirmation, and only that one', async () => {
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByLabel('Endpoint URL').fill(`${receiverUrl}-old`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => page.getByTestId('webhook-endpoint').count(), { timeout: waitMs }).toBe(2);
    await page
      .getByTestId('webhook-endpoint')
      .filter({ hasText: `${receiverUrl}-old` })
      .click();
    await page.getByRole('heading', { name: 'Webhook endpoint' }).waitFor();

    // Cancel keeps it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByTestId('endpoint-url').textContent()).toBe(`${receiverUrl}-old`);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`${receiverUrl}-old`);
    await shoot(page, 'developers-webhook-endpoint-delete');
    await dialog.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.waitForURL(/\/webhooks$/);
    await expect.poll(() => page.getByTestId('webhook-endpoint').count(), { timeout: waitMs }).toBe(1);
    expect(await page.getByTestId('webhook-endpoint').first().textContent()).toContain(`${receiverUrl}-v2`);
    expect(await page.getByTestId('webhook-endpoint').first().textContent()).toContain('Order service');
    expect(problems).toEqual([]);
  });

  it('shows the balance and moves the test clock', async () => {
    await page.goto(merchantPath);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect
      .poll(() => page.getByTestId('merchant-balance-USD').textContent(), { timeout: waitMs })
      .toContain('$6.00');
    const before = await page.getByTestId('sandbox-time').textContent();
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect
      .poll(() => page.getByTestId('sandbox-time').textContent(), { timeout: waitMs })
      .not.toBe(before);
    await shoot(page, 'developers-overview', { fullPageOnDesktop: true });
    expect(problems).toEqual([]);
  });

  it('lists the settlement the clock paid out, with its fees and payments', async () => {
    await page.getByRole('link', { name: 'Settlements', exact: true }).click();
    await page.getByRole('heading', { name: 'Settlements' }).waitFor();
    await page.getByTestId('settlement-row').first().click();
    await page.getByTestId('settlement-net').waitFor();
    // $6.00 captured after the refund; the fee is 2.9% + 30¢ of it.
    expect(await page.getByTestId('settlement-gross').textContent()).toBe('$6.00');
    expect(await page.getByTestId('settlement-fees').textContent()).toBe('−$0.47');
    expect(await page.getByTestId('settlement-net').textContent()).toBe('$5.53');
    // Its lines: the $10.00 charge, the $4.00 refund before settlement, the fee; they sum to the net.
    await expect.poll(() => page.getByTestId('settlement-line').count(), { timeout: waitMs }).toBe(3);
    expect(await page.getByTestId('settlement-lines-total').textContent()).toBe('$5.53');
    await shoot(page, 'developers-settlement', { fullPageOnDesktop: true });
  });

  it('answers a dispute with evidence', async () => {
    await page.getByRole('link', { name: 'Test payment', exact: true }).click();
    await page.waitForURL(/\/test-payment$/);
    await page.getByLabel('Amount').fill('20.00');
    await page.getByRole('button', { name: /Use Disputed after success card/ }).click();
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect
      .poll(() => page.getByTestId('payment-result').textContent(), { timeout: waitMs })
      .toContain('Succeeded');

    await page.getByRole('link', { name: 'Disputes', exact: true }).click();
    await page.getByTestId('dispute-row').first().click();
    await expect
      .poll(() => page.getByTestId('dispute-status').textContent(), { timeout: waitMs })
      .toBe('Needs response');
    // Blank evidence is refused on the field, before any request.
    await page.getByRole('button', { name: 'Submit evidence' }).click();
    await page.getByText('Describe your evidence', { exact: true }).waitFor();
    await page.getByLabel('Evidence').fill('Signed delivery receipt, 2026-11-20.');
    await page.getByRole('button', { name: 'Submit evidence' }).click();
    await expect
      .poll(() => page.getByTestId('dispute-status').textContent(), { timeout: waitMs })
      .toBe('Under review');
    await shoot(page, 'developers-dispute', { fullPageOnDesktop: true });
  });

  it("opens a test dispute from a succeeded payment's page, and lists it", async () => {
    await page.getByRole('link', { name: 'Test payment', exact: true }).click();
    await page.waitForURL(/\/test-payment$/);
    await page.getByLabel('Amount').fill('8.00');
    await page.getByRole('button', { name: /Use Success card/ }).click();
    await page.getByLabel('Capture immediately').check();
    await page.getByRole('button', { name: 'Pay' }).click();
    const result = page.getByTestId('payment-result');
    await expect.poll(() => result.textContent(), { timeout: waitMs }).toContain('Succeeded');
    await result.getByRole('link', { name: /View payment/ }).click();
    await page.getByRole('heading', { name: '$8.00' }).waitFor();
    const paymentId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(paymentId).toMatch(/^pay_/);

    await page.getByRole('button', { name: 'Open test dispute' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').selectOption('product_not_received');
    await shoot(page, 'developers-open-dispute');
    await dialog.getByRole('button', { name: 'Open dispute' }).click();
    await page.waitForURL(/\/disputes$/);
    const row = page.getByTestId('dispute-row').filter({ hasText: paymentId });
    await expect.poll(() => row.count(), { timeout: waitMs }).toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('$8.00');
    expect(text).toContain('product not received');
    expect(text).toContain('Needs response');
    await shoot(page, 'developers-disputes', { fullPageOnDesktop: true });

    // Back on the payment, the button is gone: a payment is disputed once.
    await page.goBack();
    await page.getByRole('heading', { name: '$8.00' }).waitFor();
    await expect
      .poll(async () => (await page.getByTestId('timeline-event').allTextContents()).join(' '), {
        timeout: waitMs,
      })
      .toContain('dispute.created');
    expect(await page.getByRole('button', { name: 'Open test dispute' }).count()).toBe(0);
  });

  it('charts the live API traffic on the Metrics page', async () => {
    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('heading', { name: 'Metrics' }).waitFor();
    // uPlot draws each chart on a canvas; its legend names the lines and reads out the time and
    // each value under the cursor (the chart's tooltip), or the latest second's with the cursor away.
    const requests = page.getByTestId('chart-requests');
    await requests.locator('canvas').waitFor();
    expect(await page.getByTestId('chart-latency').locator('.u-legend .u-label').allTextContents()).toEqual([
      'Time',
      'p50',
      'p95',
      'p99',
    ]);
    const readout = () => requests.locator('.u-legend .u-value').allTextContents();
    const plot = (await requests.locator('.u-over').boundingBox())!;
    await page.mouse.move(plot.x + 2, plot.y + plot.height / 2);
    await expect
      .poll(readout, { timeout: waitMs })
      .toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d$/), expect.stringMatching(/^\d+$/)]);
    const [hovered] = await readout();
    // The window's first second under the cursor; away from it, the latest (a minute later).
    await page.mouse.move(0, 0);
    await expect.poll(async () => (await readout())[0], { timeout: waitMs }).not.toBe(hovered);
    await expect.poll(() => page.getByTestId('route-row').count(), { timeout: waitMs }).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-requests').locator('figcaption').textContent()).toMatch(
      /^[1-9]\d* requests in the last 60 s/,
    );
    // Let the clock's toasts go so they do not cover the screenshot.
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: waitMs }).toBe(0);
    await shoot(page, 'developers-metrics', { fullPageOnDesktop: true });
    expect(problems).toEqual([]);
  });

  it('leaves the books balanced after the payments, refund, settlement and disputes above', async () => {
    await server.kill();
    await expectStoredBooksBalanced(server.dataDir);
  });
});
