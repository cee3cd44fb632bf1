import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger } from '../../server/src/platform/logger.ts';
import { buildDashboardIfStale } from '../../server/src/runtime/local/build-dashboard.ts';
import { repoRoot } from '../server-process.ts';

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
