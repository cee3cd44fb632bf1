import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../server-process.ts';
import { openDashboard, type DashboardSession } from './browser.ts';

/**
 * Account security end to end (issue 20), on the real server process with email verification on:
 * a person signs up in the dashboard, an admin reads the verification code on the mailbox page
 * (locally mail lands there), the person verifies, turns on two-factor sign-in by scanning
 * nothing: the test is their authenticator app, computing TOTP codes from the key the page shows,
 * signs out, and signs in again with a code.
 */

const password = 'correct horse battery staple';
const waitMs = 10_000;
const run = Date.now().toString(36);
const person = { name: 'Tess Ng', email: `tess-${run}@example.com` };
const admin = { name: 'Ada', email: `admin-${run}@example.com` };

let session: DashboardSession;

/** What an authenticator app shows for `secret`, `stepsAhead` 30-second steps from now. */
function authenticatorCode(secret: string, stepsAhead = 0): string {
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

beforeAll(async () => {
  // Console errors are expected here (the refused codes answer 4xx); exceptions are not.
  session = await openDashboard({
    server: { adminEmails: [admin.email], requireEmailVerification: true },
    waitMs,
    consoleErrors: false,
  });
}, 120_000);

afterAll(() => session?.close(), 60_000);

describe('account security in the dashboard', () => {
  let page: Page;
  let secret: string;

  it('signs up, reads the code on the admin mailbox page, and verifies the email', async () => {
    page = await session.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill(person.name);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Verify your email' }).waitFor();

    // The admin, in their own browser, finds the mail in the local mailbox.
    await signUp(session.server.url, { email: admin.email, name: admin.name, password });
    const adminPage = await session.newPage();
    await adminPage.goto('/signin');
    await adminPage.getByLabel('Email').fill(admin.email);
    await adminPage.getByLabel('Password').fill(password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('link', { name: 'Mailbox' }).click();
    await adminPage.getByLabel('Recipient').fill(person.email);
    await adminPage.getByRole('button', { name: 'Show mail' }).click();
    const mail = adminPage.getByRole('list', { name: 'Messages' }).locator('li').first();
    await expect
      .poll(() => mail.textContent(), { timeout: waitMs })
      .toContain('Verify your email for Sluice');
    const code = /\b(\d{6})\b/.exec((await mail.textContent()) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);

    await page.getByLabel('Verification code').fill(code!);
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByRole('heading', { name: `Hi, ${person.name}` }).waitFor();
  });

  it('turns on two-factor sign-in with a code from the authenticator, and shows recovery codes once', async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.getByLabel('Code from the app').fill(authenticatorCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await expect.poll(() => codes.count(), { timeout: waitMs }).toBe(10);
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByText('Sign-in asks for a code from your authenticator app.').waitFor();
  });

  it('signs out, and signs in again with the password and a TOTP code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    // The enrolment spent the current step's code: the app's next one is accepted (one step of drift).
    await page.getByLabel('Authentication code').fill(authenticatorCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Signed in, back where the sign-out happened (the security page).
    await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: `Hi, ${person.name}` }).waitFor();

    await page.getByRole('link', { name: 'Security' }).click();
    const sessions = page.getByRole('list', { name: 'Sessions' });
    await expect.poll(() => sessions.textContent(), { timeout: waitMs }).toContain('(this device)');
    expect(session.problems).toEqual([]);
  });
});
