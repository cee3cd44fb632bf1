import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { expectBooksBalanced } from '../../../test/invariants.ts';
import { recipientChecksPerWindow, recipientCheckWindowSeconds } from './recipient-check.ts';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const check = (token: string, to: unknown) =>
  t.call('POST', '/v1/wallet/recipient-check', { token, body: { to } });

describe('POST /v1/wallet/recipient-check', () => {
  it("answers the recipient's name and email only, and moves no money", async () => {
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    const before = await t.call('GET', '/v1/wallet', { token: alice.token });
    const answer = await check(alice.token, `  ${bob.email.toUpperCase()} `);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ name: expect.any(String), email: bob.email });
    expect(Object.keys(answer.json).sort()).toEqual(['email', 'name']);
    expect((await t.call('GET', '/v1/wallet', { token: alice.token })).json).toEqual(before.json);
  });

  it('refuses an unknown email, yourself and bad input on the `to` field', async () => {
    const alice = await t.signUp('alice');
    const unknown = await check(alice.token, 'nobody@example.com');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found', param: 'to' });
    const self = await check(alice.token, alice.email);
    expect(self.status).toBe(400);
    expect(self.json.error).toMatchObject({ code: 'self_transfer', param: 'to' });
    const empty = await check(alice.token, '');
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: 'validation_failed', param: 'to' });
    const anonymous = await t.call('POST', '/v1/wallet/recipient-check', { body: { to: alice.email } });
    expect(anonymous.status).toBe(401);
  });

  it('is rate limited per sender, found or not, so it is no email-lookup oracle', async () => {
    const alice = await t.signUp('alice');
    const bob = await t.signUp('bob');
    const carol = await t.signUp('carol');
    for (let n = 0; n < recipientChecksPerWindow; n++) {
      const answer = await check(alice.token, n % 2 ? bob.email : `guess${n}@example.com`);
      expect(answer.status).not.toBe(429);
    }
    const refused = await check(alice.token, bob.email);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(recipientCheckWindowSeconds);
    expect(refused.json).not.toHaveProperty('name');

    // Another sender has their own allowance; the next window opens the first one again.
    expect((await check(carol.token, bob.email)).status).toBe(200);
    t.clock.advance(recipientCheckWindowSeconds * 1000);
    expect((await check(alice.token, bob.email)).status).toBe(200);
  });
});
