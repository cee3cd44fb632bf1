import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { silentLogger } from '../../server/src/platform/logger.ts';
import { buildDashboardIfStale } from '../../server/src/runtime/local/build-dashboard.ts';
import { repoRoot, startServer, type ServerProcess, type StartServerOptions } from '../server-process.ts';

/** What the dashboard's end-to-end tests share: Debian's Chromium, the viewports, screenshots. */
export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };
const screenshotDir = join(repoRoot, 'docs/screenshots');

/** Debian's Chromium, headless, with no background network traffic (the machine has no internet). */
export async function launchChromium(): Promise<Browser> {
  await mkdir(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}

/**
 * Closes every toast (with its close button, as a person would) and waits until none is left,
 * so a screenshot shows the page rather than a notification over it. Toasts that arrive
 * meanwhile are closed too.
 */
export async function dismissToasts(page: Page): Promise<void> {
  // A string, because this project's tsconfig has no DOM types; it runs in the page.
  const closeAllAndCheck = `(() => {
    for (const button of document.querySelectorAll('[data-sonner-toast]:not([data-removed="true"]) [data-close-button]')) button.click();
    return document.querySelectorAll('[data-sonner-toast]').length === 0;
  })()`;
  await page.waitForFunction(closeAllAndCheck, undefined, { polling: 100, timeout: 10_000 });
}

/** Screenshots `page` at desktop and phone width into docs/screenshots/<name>-<width>.png, without toasts. */
export async function shoot(
  page: Page,
  name: string,
  options: { fullPageOnDesktop?: boolean } = {},
): Promise<void> {
  for (const [label, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    await page.setViewportSize(viewport);
    await dismissToasts(page);
    await page.screenshot({
      path: join(screenshotDir, `${name}-${label}.png`),
      fullPage: label === 'desktop' && options.fullPageOnDesktop === true,
    });
  }
  await page.setViewportSize(desktop);
}

/** Builds web/dist when it is missing or stale, as `npm start` does (`npm test` builds it first anyway). */
export function ensureDashboardBuilt(): Promise<void> {
  return buildDashboardIfStale(repoRoot, silentLogger);
}

/** A dashboard e2e's world: the real server serving the built dashboard, and Chromium to drive it. */
export interface DashboardSession {
  readonly server: ServerProcess;
  /** What the pages logged as errors or threw: a journey ends expecting none. */
  readonly problems: string[];
  /** A page in a browser context of its own (one person), at `viewport`. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Builds the dashboard if needed, starts the server (`npm start`'s entry point on a temporary
 * data dir) and Chromium. Each page records console errors (unless `consoleErrors: false`) and
 * uncaught exceptions in `problems`.
 *
 * @example beforeAll(async () => { session = await openDashboard({ waitMs: 10_000 }); }, 180_000);
 */
export async function openDashboard(options: {
  server?: StartServerOptions;
  waitMs: number;
  consoleErrors?: boolean;
}): Promise<DashboardSession> {
  await ensureDashboardBuilt();
  const server = await startServer(options.server ?? {});
  const browser: Browser = await launchChromium().catch(async (error: unknown) => {
    await server.dispose();
    throw error;
  });
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  return {
    server,
    problems,
    async newPage(viewport = desktop) {
      const context = await browser.newContext({ viewport, baseURL: server.url });
      context.setDefaultTimeout(options.waitMs);
      contexts.push(context);
      const page = await context.newPage();
      if (options.consoleErrors !== false)
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.dispose();
    },
  };
}

/** Signs `person` up through the sign-up page and waits for their home page. */
export async function signUpThroughUi(
  page: Page,
  person: { name: string; email: string },
  password: string,
): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: `Hi, ${person.name}` }).waitFor();
}
