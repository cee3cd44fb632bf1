import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../web/src/components/date-time.ts';
import { call, freePort, signUp, type ApiUser } from '../server-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.ts';
import { desktop, openDashboard, phone, shoot, type DashboardSession } from './browser.ts';

/**
 * The journeys issue 19 fixed, walked in Chromium against the real server: Send checks the
 * recipient before its confirm step and Pay asks first; a merchant's event page with its
 * deliveries per endpoint and Redeliver; the webhook log newest first with retries named and
 * endpoint health; the signing-secret and Edit-endpoint dialogs; the test payment form; errors
 * in sentences with a way back; tab titles, favicon and compressed assets; and a phone-width
 * (390×844) pass over every page (with the Hub's, Billing's and Approvals' tabs) that fails on
 * horizontal overflow, a tall header, or a title (where the page's content starts) more than
 * 200 px down.
 */

const waitMs = 15_000;
const password = 'correct horse battery staple';
const run = Date.now().toString(36);
const people = {
  alice: { name: 'Alice', email: `alice-${run}@example.com` },
  bob: { name: 'Bob', email: `bob-${run}@example.com` },
  dev: { name: 'Dev', email: `dev-${run}@example.com` },
  admin: { name: 'Ada', email: `admin-${run}@example.com` },
};

let session: DashboardSession;
let base: string;
let receiver: WebhookReceiver;
const users: Partial<Record<keyof typeof people, ApiUser>> = {};
/** Problems the pages reported; failed resource loads (a 402 decline, a 404 asked for) are answers, not faults. */
const problems: string[] = [];

async function newPage(viewport = desktop): Promise<Page> {
  const page = await session.newPage(viewport);
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return page;
}

async function signInThroughUi(page: Page, who: keyof typeof people): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(people[who].email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Hi, ${people[who].name}` }).waitFor();
}

/** A call as `who`, acting as `merchant` when given (the dashboard's way: Sluice-Merchant). */
function api(who: keyof typeof people, method: string, path: string, body?: unknown, merchant?: string) {
  return call(base, method, path, {
    token: users[who]!.token,
    ...(body === undefined ? {} : { body }),
    headers: {
      'idempotency-key': crypto.randomUUID(),
      ...(merchant ? { 'sluice-merchant': merchant } : {}),
    },
  });
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  session = await openDashboard({
    waitMs,
    consoleErrors: false,
    server: { adminEmails: [people.admin.email] },
  });
  base = session.server.url;
  for (const who of Object.keys(people) as Array<keyof typeof people>)
    users[who] = await signUp(base, { ...people[who], password });
}, 240_000);

afterAll(async () => {
  await session?.close();
  await receiver?.close();
}, 60_000);

describe('wallet journeys', () => {
  let alice: Page;

  it('Send: an unknown email is refused on the field before any confirm step; a known one is named there', async () => {
    alice = await newPage();
    await signInThroughUi(alice, 'alice');
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Send' }).click();
    await alice.getByLabel('Recipient email').fill(`nobody-${run}@example.com`);
    await alice.getByLabel(/Amount/).fill('1');
    await alice.getByRole('button', { name: 'Review' }).click();
    await alice
      .getByText('Nobody with that email uses Sluice. Check the spelling, or ask them to sign up first.')
      .waitFor();
    expect(await alice.getByRole('dialog').count()).toBe(0);

    await alice.getByLabel('Recipient email').fill(people.bob.email);
    await alice.getByRole('button', { name: 'Review' }).click();
    const dialog = alice.getByRole('dialog');
    // Named by the server's answer, though this browser has never seen Bob.
    await expect
      .poll(() => dialog.textContent(), { timeout: waitMs })
      .toContain(`Send $1.00 to ${people.bob.name} (${people.bob.email})?`);
    await shoot(alice, 'journey-send-confirm');
    await dialog.getByRole('button', { name: 'Send $1.00' }).click();
    await alice.getByText(`Sent $1.00 to ${people.bob.name}`).waitFor();
  });

  it('Pay on a request asks first; the pending badge counts it and the row has a date', async () => {
    const request = await api('bob', 'POST', '/v1/payment-requests', {
      from: people.alice.email,
      amount: 300,
      currency: 'USD',
      note: 'Pizza',
    });
    expect(request.status).toBe(201);
    const badge = alice.getByRole('navigation', { name: 'Main' }).getByTestId('pending-badge');
    await expect.poll(() => badge.textContent(), { timeout: waitMs }).toBe('1 pending');

    await alice.getByRole('link', { name: /^Requests/ }).click();
    const row = alice.getByTestId('payment-request').first();
    await expect.poll(() => row.textContent(), { timeout: waitMs }).toContain('Pending');
    // The page shows the request's own time through the dashboard's one formatter, in the
    // browser's time zone; this process runs in the same environment, so in the same zone.
    const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(await alice.evaluate(timeZone)).toBe(timeZone());
    const time = row.locator('time');
    expect(await time.getAttribute('datetime')).toBe(request.json.created_at);
    expect(await time.textContent()).toBe(formatDateTime(request.json.created_at));
    await alice.getByRole('button', { name: 'Pay $3.00' }).click();
    const dialog = alice.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`Pay $3.00 to ${people.bob.name}`);
    await shoot(alice, 'journey-pay-confirm');
    // Cancel moves nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.textContent()).toContain('Pending');
    await alice.getByRole('button', { name: 'Pay $3.00' }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'Pay $3.00' }).click();
    await expect.poll(() => row.textContent(), { timeout: waitMs }).toContain('Paid');
    await expect.poll(() => badge.count(), { timeout: waitMs }).toBe(0);
    await shoot(alice, 'journey-requests');
    expect(problems).toEqual([]);
  });
});

describe('developer journeys', () => {
  let dev: Page;
  let merchant: string;
  let good: string;
  let failing: string;

  it('the test payment form: prompts for placeholders, description and metadata, the status in words', async () => {
    const created = await api('dev', 'POST', '/v1/merchants', { name: 'Journey Coffee' });
    expect(created.status).toBe(201);
    merchant = created.json.id;
    const endpoint = async (url: string) => {
      const answer = await api('dev', 'POST', '/v1/webhook-endpoints', { url, events: ['*'] }, merchant);
      expect(answer.status).toBe(201);
      return answer.json.id as string;
    };
    good = await endpoint(`${receiver.url}/journey`);
    // Nothing listens there: every attempt fails and is retried later.
    failing = await endpoint(`http://127.0.0.1:${await freePort()}/down`);

    dev = await newPage();
    await signInThroughUi(dev, 'dev');
    await dev.goto(`/developers/${merchant}/test-payment`);
    expect(await dev.getByLabel('Card number').getAttribute('placeholder')).toBe(
      'Pick a test card, or type a number',
    );
    expect(await dev.getByRole('textbox', { name: 'CVC' }).getAttribute('placeholder')).toBe('3 or 4 digits');
    await dev.getByLabel('Amount').fill('25');
    await dev.getByRole('button', { name: /Use Success card/ }).click();
    await dev.getByLabel(/Description/).fill('Order #6735');
    await dev.getByLabel('Metadata key 1').fill('order_id');
    await dev.getByLabel('Metadata value 1').fill('6735');
    await dev.getByLabel('Capture immediately').uncheck();
    await dev.getByRole('button', { name: 'Pay' }).click();
    const result = dev.getByTestId('payment-result');
    await expect.poll(() => result.textContent(), { timeout: waitMs }).toContain('Requires capture');
    expect(await result.textContent()).not.toContain('requires_capture');
    expect(await result.textContent()).toContain('Authorized: the money is held on the card');
    await shoot(dev, 'journey-test-payment', { fullPageOnDesktop: true });
    const payments = await api('dev', 'GET', '/v1/payments?limit=1', undefined, merchant);
    expect(payments.json.data[0]).toMatchObject({
      description: 'Order #6735',
      metadata: { order_id: '6735' },
    });
  });

  it('opens an event: payload, deliveries per endpoint, and Redeliver', async () => {
    await dev.getByRole('link', { name: 'Events', exact: true }).click();
    const row = dev.getByTestId('event').filter({ hasText: 'payment.authorized' }).first();
    await row.waitFor();
    await row.getByRole('link', { name: 'payment.authorized' }).click();
    await dev.getByRole('heading', { name: 'payment.authorized' }).waitFor();
    expect(await dev.title()).toMatch(/^Event evt_\w+ · Developers · Sluice$/);
    expect(await dev.getByTestId('event-payload').textContent()).toContain('"object": "payment"');
    const groups = dev.getByTestId('event-endpoint');
    await expect.poll(() => groups.count(), { timeout: waitMs }).toBe(2);
    const goodGroup = groups.filter({ hasText: `${receiver.url}/journey` });
    const failingGroup = groups.filter({ hasText: '/down' });
    await expect
      .poll(() => goodGroup.getByTestId('delivery-state').first().textContent(), { timeout: waitMs })
      .toBe('Succeeded');
    await expect
      .poll(() => failingGroup.getByTestId('delivery-state').first().textContent(), { timeout: waitMs })
      .toMatch(/^Failed · retrying at /);
    await shoot(dev, 'journey-event', { fullPageOnDesktop: true });

    expect(await goodGroup.getByRole('link').first().getAttribute('href')).toBe(
      `/developers/${merchant}/webhooks/${good}`,
    );
    const before = receiver.received.length;
    await goodGroup.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => goodGroup.getByTestId('delivery').count(), { timeout: waitMs }).toBe(2);
    await expect.poll(() => receiver.received.length, { timeout: waitMs }).toBeGreaterThan(before);
  });

  it('webhooks: health in the list, the log newest first with retries named, the test delivery on top', async () => {
    await dev.getByRole('link', { name: 'Webhooks', exact: true }).click();
    const health = (url: string) =>
      dev.getByTestId('webhook-endpoint').filter({ hasText: url }).getByTestId('endpoint-health');
    await expect
      .poll(() => health(`${receiver.url}/journey`).textContent(), { timeout: waitMs })
      .toMatch(/^Last success .* · 0% of recent attempts failed$/);
    await expect
      .poll(() => health('/down').textContent(), { timeout: waitMs })
      .toMatch(/^No successful delivery yet · 100% of recent attempts failed · \d+ waiting$/);
    await shoot(dev, 'journey-webhooks', { fullPageOnDesktop: true });

    const down = dev.getByTestId('webhook-endpoint').filter({ hasText: '/down' });
    expect(await down.getAttribute('href')).toBe(`/developers/${merchant}/webhooks/${failing}`);
    await down.click();
    await dev.getByRole('heading', { name: 'Webhook endpoint' }).waitFor();
    const states = dev.getByRole('list', { name: 'Deliveries' }).getByTestId('delivery-state');
    await expect
      .poll(() => states.first().textContent(), { timeout: waitMs })
      .toMatch(/^Failed · retrying at /);
    await dev.getByRole('button', { name: 'Send test event' }).click();
    const first = dev.getByRole('list', { name: 'Deliveries' }).getByTestId('delivery').first();
    await expect.poll(() => first.textContent(), { timeout: waitMs }).toContain('test.webhook');
    // Newest first: the test delivery above the payment's older one, which is still retrying.
    const rows = dev.getByRole('list', { name: 'Deliveries' }).getByTestId('delivery');
    await expect.poll(() => rows.count(), { timeout: waitMs }).toBe(2);
    expect(await rows.last().textContent()).toContain('payment.authorized');
    expect(await rows.last().getByTestId('delivery-state').textContent()).toMatch(/^Failed · retrying at /);
    await shoot(dev, 'journey-webhook-log', { fullPageOnDesktop: true });
  });

  it('the signing-secret dialog says what that secret can do; the Edit dialog shows every event type whole', async () => {
    await dev.getByRole('button', { name: 'Rotate secret' }).click();
    await dev.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const secretDialog = dev.getByRole('dialog');
    await expect
      .poll(() => secretDialog.getByTestId('secret').textContent(), { timeout: waitMs })
      .toMatch(/^whsec_/);
    const note = (await secretDialog.getByRole('note').textContent()) ?? '';
    expect(note).toContain('only signs the events Sluice sends to this endpoint');
    expect(note).not.toContain('act as this merchant');
    await shoot(dev, 'journey-signing-secret');
    await secretDialog.getByRole('button', { name: 'I have saved it' }).click();

    await dev.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = dev.getByRole('dialog');
    await edit.getByLabel('payment.authorized').waitFor();
    // No label is cut off, and the dialog does not scroll sideways.
    const clipped = await edit
      .locator('fieldset label span')
      .evaluateAll((spans) =>
        spans.filter((span) => span.scrollWidth > span.clientWidth + 1).map((span) => span.textContent),
      );
    expect(clipped).toEqual([]);
    const wide = await edit.evaluate((dialog) => dialog.scrollWidth > dialog.clientWidth + 1);
    expect(wide).toBe(false);
    await shoot(dev, 'journey-edit-endpoint');
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('errors: a sentence that says what to do, a not-found page with a way back, no useless Try again', async () => {
    await dev.goto(`/developers/${merchant}/events/evt_doesnotexist`);
    await dev.getByText('Not found', { exact: true }).waitFor();
    await shoot(dev, 'journey-not-found');
    await dev.getByRole('link', { name: 'Back to events' }).click();
    await dev.waitForURL(new RegExp(`/developers/${merchant}/events$`));

    await dev.goto('/no-such-page');
    await dev.getByText('Page not found').waitFor();
    expect(await dev.title()).toBe('Page not found · Sluice');
    await dev.getByRole('link', { name: 'Go to Home' }).click();
    await dev.getByRole('heading', { name: `Hi, ${people.dev.name}` }).waitFor();

    await dev.goto('/admin/users');
    await dev.getByText('This needs the admin group. Ask an admin to add you, then sign in again.').waitFor();
    expect(await dev.getByRole('button', { name: 'Try again' }).count()).toBe(0);
  });

  it('serves a favicon, a title per page, and precompressed assets with the right caching', async () => {
    await dev.goto(`/developers/${merchant}/webhooks`);
    await dev.getByRole('heading', { name: 'Webhooks' }).waitFor();
    expect(await dev.title()).toBe('Webhooks · Developers · Sluice');
    expect(await dev.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');

    const html = await fetch(`${base}/`, { headers: { accept: 'text/html', 'accept-encoding': 'br, gzip' } });
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1]!;
    const asset = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('vary')).toBe('Accept-Encoding');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const gzip = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(problems).toEqual([]);
  });
});

/**
 * How far down a phone's screen a page's title may start. The issue found navigation taking ~380
 * of 844 px. 200 px is under a quarter of the screen: the app bar (49 px with the page's top
 * margin, 73), one row for the merchant and section selects (61), and a page's own back link or a
 * section's tabs (~50), which leaves three quarters of the first screen to the page itself.
 */
const contentStartsWithinPx = 200;

describe('every page at phone width (390×844)', () => {
  it('has no horizontal overflow, a header under 120 px and the title within 200 px of the top', async () => {
    // The admin's own merchant with one of everything, so every detail page has something to show.
    const created = await api('admin', 'POST', '/v1/merchants', { name: 'Phone Bakery' });
    const merchant = created.json.id as string;
    const asMerchant = (method: string, path: string, body?: unknown) =>
      api('admin', method, path, body, merchant);
    const endpoint = await asMerchant('POST', '/v1/webhook-endpoints', {
      url: `${receiver.url}/phone`,
      events: ['*'],
    });
    // The dispute card: succeeds, then a dispute opens on capture.
    const payment = await asMerchant('POST', '/v1/payments', {
      amount: 4200,
      currency: 'USD',
      card: { number: '4000000000000259', exp_month: 12, exp_year: 2034, cvc: '123' },
      description: 'A long description that should wrap rather than push the page sideways on a phone',
    });
    expect(payment.status).toBe(201);
    await asMerchant('POST', '/v1/payments', {
      amount: 1250,
      currency: 'USD',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
    });
    const advanced = await asMerchant('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * 86_400 });
    expect(advanced.status).toBe(200);
    const events = await asMerchant('GET', '/v1/events?limit=1');
    const settlements = await asMerchant('GET', '/v1/settlements');
    const disputes = await asMerchant('GET', '/v1/disputes');
    // The books balance after all that (the ledger's own audit, as an admin reads it).
    const audit = await api('admin', 'GET', '/v1/admin/audit');
    expect(audit.json.balanced).toBe(true);

    const page = await newPage(phone);
    await signInThroughUi(page, 'admin');
    const m = `/developers/${merchant}`;
    const detailPages = [
      `${m}/payments/${payment.json.id}`,
      `${m}/webhooks/${endpoint.json.id}`,
      `${m}/events/${events.json.data[0].id}`,
      ...(settlements.json.data[0] ? [`${m}/settlements/${settlements.json.data[0].id}`] : []),
      ...(disputes.json.data[0] ? [`${m}/disputes/${disputes.json.data[0].id}`] : []),
    ];
    // The main navigation (behind Menu) and the merchant's section navigation name the rest.
    await page.getByRole('button', { name: 'Menu' }).click();
    await shoot(page, 'journey-phone-menu');
    await page.setViewportSize(phone);
    const mainLinks = await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link')
      .evaluateAll((links) =>
        links.map((link) => new URL(link.getAttribute('href') ?? '/', 'http://x').pathname),
      );
    await page.goto(m);
    // At phone width the merchant's sections are one select (the links stay for wider screens):
    // its options name every section.
    await page.getByLabel('Section').waitFor();
    const sections = await page
      .getByLabel('Section')
      .locator('option')
      .evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
    const sectionLinks = sections.map((section) => (section === '' ? m : `${m}/${section}`));
    expect(sectionLinks.length).toBeGreaterThan(10);
    const paths = [...new Set([...mainLinks, ...sectionLinks, ...detailPages, '/no-such-page'])];
    expect(paths.length).toBeGreaterThan(25);

    const failures: string[] = [];
    for (const path of paths) {
      await page.goto(path);
      await page.locator('main').waitFor();
      // Settled: no spinner left (live pages keep polling, so the network never goes quiet).
      await page
        .waitForFunction(
          `document.querySelectorAll('main [role="status"][aria-live]').length === 0`,
          undefined,
          {
            timeout: waitMs,
          },
        )
        .catch(() => undefined);
      // Where the page's own content starts: its title (the h1), or the not-found message, which
      // has none. Everything above it is navigation: the app bar, and on a merchant's pages the
      // merchant and section selects, a back link or a section's tabs.
      const { scrollWidth, clientWidth, header, content } = (await page.evaluate(`(() => {
        const root = document.scrollingElement;
        const main = document.querySelector('main');
        const start = main.querySelector('h1') ?? main.querySelector('[role="alert"]');
        return {
          scrollWidth: root.scrollWidth,
          clientWidth: root.clientWidth,
          header: main.getBoundingClientRect().top,
          content: start ? start.getBoundingClientRect().top : null,
        };
      })()`)) as { scrollWidth: number; clientWidth: number; header: number; content: number | null };
      // A section's own tabs (Hub, Billing, Approvals) name more pages: the loop visits them too.
      const tabs = (await page.evaluate(
        `[...document.querySelectorAll('main nav:not([aria-label="Developer"]) a[href]')].map((a) => a.getAttribute('href'))`,
      )) as string[];
      for (const tab of tabs) if (!paths.includes(tab)) paths.push(tab);
      if (scrollWidth > clientWidth)
        failures.push(`${path}: ${scrollWidth}px wide in a ${clientWidth}px screen`);
      if (header > 120) failures.push(`${path}: the header ends ${Math.round(header)}px down`);
      if (content === null) failures.push(`${path}: no title (h1) to find where the content starts`);
      else if (content > contentStartsWithinPx)
        failures.push(`${path}: the content starts ${Math.round(content)}px down`);
    }
    // The sections' tabs were found and visited.
    expect(paths).toEqual(
      expect.arrayContaining([`${m}/hub/vendors`, `${m}/billing/customers`, `${m}/approvals/team`]),
    );
    // Signed out: the sign-in and sign-up pages.
    const guest = await newPage(phone);
    for (const path of ['/signin', '/signup', '/forgot-password']) {
      await guest.goto(path);
      await guest.locator('form').first().waitFor();
      const overflow = (await guest.evaluate(
        `document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth`,
      )) as boolean;
      if (overflow) failures.push(`${path}: overflows`);
    }
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
  }, 300_000);
});
