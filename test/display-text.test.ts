import { afterEach, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from './invariants.ts';
import { createTestApp, type TestApp } from './app-harness.ts';

// Every field people are shown by refuses control and invisible formatting characters (NUL, bidi
// overrides, lone zero-width characters) with a 400 naming the field, and creates nothing.
const spoofs = [
  ['a NUL', 'Acme\u0000'],
  ['a right-to-left override', 'Acme \u202eyaP'],
  ['a lone zero-width joiner', 'Ac\u200dme'],
] as const;

let t: TestApp;
afterEach(async () => {
  // Sign-ups pay bonuses: the books balance whatever was refused.
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function aMerchantWithKey(app: TestApp) {
  const owner = await app.signUp('owner');
  const merchant = await app.call('POST', '/v1/merchants', { token: owner.token, body: { name: 'Acme' } });
  expect(merchant.status).toBe(201);
  const key = await app.call('POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
    token: owner.token,
    body: {},
  });
  expect(key.status).toBe(201);
  return { owner, secret: key.json.secret as string };
}

describe.each(spoofs)('display text with %s', (_label, text) => {
  it('is refused as a name at sign-up', async () => {
    t = createTestApp();
    const response = await t.call('POST', '/v1/auth/signup', {
      body: { email: 'spoof@example.com', password: 'correct horse battery', name: text },
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'name' });
    expect(await t.identity.findUserByEmail('spoof@example.com')).toBeUndefined();
  });

  it('is refused as a merchant name', async () => {
    t = createTestApp();
    const owner = await t.signUp('owner');
    const response = await t.call('POST', '/v1/merchants', { token: owner.token, body: { name: text } });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'name' });
    expect((await t.call('GET', '/v1/merchants', { token: owner.token })).json.data).toEqual([]);
  });

  it('is refused as a webhook endpoint description', async () => {
    t = createTestApp();
    const { secret } = await aMerchantWithKey(t);
    const response = await t.call('POST', '/v1/webhook-endpoints', {
      token: secret,
      body: { url: 'http://127.0.0.1:9/hooks', events: ['*'], description: text },
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param: 'description' });
    expect((await t.call('GET', '/v1/webhook-endpoints', { token: secret })).json.data).toEqual([]);
  });
});

describe('display text that is fine', () => {
  it('is kept normalized (NFC) and trimmed as a merchant name, emoji sequences included', async () => {
    t = createTestApp();
    const owner = await t.signUp('owner');
    const response = await t.call('POST', '/v1/merchants', {
      token: owner.token,
      body: { name: '  Cafe\u0301 👩‍🍳 ' },
    });
    expect(response.status).toBe(201);
    expect(response.json.name).toBe('Café 👩‍🍳');
  });
});
