import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { grantSignupBonus, type WalletDeps } from './service.ts';

/** An app where new users must verify their email, as the product runs by default. */
function anApp() {
  return createTestApp({ config: { requireEmailVerification: true, signupBonus: 2000 } });
}

const walletDeps = (app: TestApp): WalletDeps => ({
  store: app.store,
  clock: app.clock,
  config: app.config,
  users: app.identity,
});

async function available(app: TestApp, user: TestUser): Promise<number> {
  const { json } = await app.call('GET', '/v1/wallet', { token: user.token });
  return json.balances[0].available;
}

async function verify(app: TestApp, user: TestUser): Promise<void> {
  const { items } = await app.mailbox.list(user.email);
  const code = /\b(\d{6})\b/.exec(items[0]?.channel === 'email' ? items[0].text : '')?.[1];
  const response = await app.call('POST', '/v1/auth/verify-email', { token: user.token, body: { code } });
  expect(response.status).toBe(200);
}

describe('wallet: the email-verification gate and the bonus on verification', () => {
  it('opens an unverified user’s wallet empty and refuses money out with 403 email_not_verified, changing nothing', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    const bob = await app.signUp('bob');
    expect(await available(app, ann)).toBe(0);
    const send = await app.call('POST', '/v1/transfers', {
      token: ann.token,
      body: { to: bob.email, amount: 100, currency: 'USD' },
      headers: { 'idempotency-key': 'send-1' },
    });
    expect(send.status).toBe(403);
    expect(send.json.error.code).toBe('email_not_verified');
    expect(await available(app, ann)).toBe(0);
    expect(await available(app, bob)).toBe(0);
    // Nor can an unverified user ask for money, or learn whether an email has an account.
    const unknown = await app.call('POST', '/v1/transfers', {
      token: ann.token,
      body: { to: 'nobody@example.com', amount: 100, currency: 'USD' },
    });
    expect([unknown.status, unknown.json.error.code]).toEqual([403, 'email_not_verified']);
    const ask = await app.call('POST', '/v1/payment-requests', {
      token: ann.token,
      body: { from: bob.email, amount: 100, currency: 'USD' },
    });
    expect([ask.status, ask.json.error.code]).toEqual([403, 'email_not_verified']);
    expect(
      (await app.call('GET', '/v1/payment-requests?role=outgoing', { token: ann.token })).json.data,
    ).toEqual([]);

    // A payment request to an unverified payer can be made (by a verified requester), but not
    // paid by them.
    await verify(app, bob);
    const request = await app.call('POST', '/v1/payment-requests', {
      token: bob.token,
      body: { from: ann.email, amount: 100, currency: 'USD' },
      headers: { 'idempotency-key': 'request-1' },
    });
    expect(request.status).toBe(201);
    const pay = await app.call('POST', `/v1/payment-requests/${request.json.id}/accept`, {
      token: ann.token,
      headers: { 'idempotency-key': 'pay-1' },
    });
    expect(pay.status).toBe(403);
    expect(pay.json.error.code).toBe('email_not_verified');
    await expectBooksBalanced(app.store);
  });

  it('pays the bonus once on verification, and the user can send money from then on', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    const bob = await app.signUp('bob');
    expect(await available(app, ann)).toBe(0);
    await verify(app, ann);
    // What the `user.email_verified` subscription runs; a redelivery pays nothing more.
    await grantSignupBonus(walletDeps(app), ann.id);
    await grantSignupBonus(walletDeps(app), ann.id);
    expect(await available(app, ann)).toBe(2000);
    const send = await app.call('POST', '/v1/transfers', {
      token: ann.token,
      body: { to: bob.email, amount: 500, currency: 'USD' },
      headers: { 'idempotency-key': 'send-2' },
    });
    expect(send.status).toBe(201);
    expect(await available(app, ann)).toBe(1500);
    expect(await available(app, bob)).toBe(500);
    await expectBooksBalanced(app.store);
  });

  it('opens the wallet with the bonus when the verification arrives before the wallet was opened', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    await verify(app, ann);
    await grantSignupBonus(walletDeps(app), ann.id);
    expect(await available(app, ann)).toBe(2000);
    await expectBooksBalanced(app.store);
  });
});

describe('payments: merchants need a verified email', () => {
  it('refuses to create a merchant for an unverified user with 403 email_not_verified, and creates none', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    const refused = await app.call('POST', '/v1/merchants', {
      token: ann.token,
      body: { name: 'Ann’s shop' },
      headers: { 'idempotency-key': 'merchant-1' },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('email_not_verified');
    expect((await app.call('GET', '/v1/merchants', { token: ann.token })).json.data).toEqual([]);
    await verify(app, ann);
    const created = await app.call('POST', '/v1/merchants', {
      token: ann.token,
      body: { name: 'Ann’s shop' },
      headers: { 'idempotency-key': 'merchant-2' },
    });
    expect(created.status).toBe(201);
  });
});
