import { createPublicKey } from 'node:crypto';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { createHarness, errorOf } from './test-support.ts';
import { readSigningKey } from './store.ts';

type Harness = ReturnType<typeof createHarness>;

/** Claims like the real ones for `token`, with `overrides` applied. */
function claimsLike(token: string, overrides: JWTPayload = {}): JWTPayload {
  return { ...decodeJwt(token), ...overrides };
}

async function storedKey(harness: Harness) {
  const key = await readSigningKey(harness.store);
  if (!key) throw new Error('no signing key stored yet');
  return { kid: key.kid, privateJwk: key.private_jwk, publicJwk: key.public_jwk };
}

/** Signs `claims` with the harness's own private key, as only the issuer could. */
async function signWithOurKey(harness: Harness, claims: JWTPayload): Promise<string> {
  const { kid, privateJwk } = await storedKey(harness);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .sign(await importJWK(privateJwk, 'ES256'));
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function expectRefused(harness: Harness, token: string, code = 'invalid_token') {
  const response = await harness.get('/v1/me', token);
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  const text = await response.text();
  expect(text).not.toContain(token);
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(body.error.code).toBe(code);
  // Only the generic fields: no library message, no claim names, no hints.
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'request_id', 'type']);
  expect(String(body.error.message)).not.toMatch(/aud|iss|alg|signature|kid|claim/i);
}

describe('identity routes: access token security', () => {
  it('answers a request without a token with 401 unauthenticated', async () => {
    const harness = createHarness();
    const response = await harness.get('/v1/me');
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthenticated');
  });

  it.each(['garbage', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9.e30.', 'x'.repeat(5000)])(
    'refuses the garbage token %#',
    async (token) => {
      await expectRefused(createHarness(), token);
    },
  );

  it('refuses an expired token with 401 token_expired', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    harness.clock.advance(harness.config.accessTokenTtlSeconds * 1000 - 1000);
    expect((await harness.get('/v1/me', token)).status).toBe(200);
    harness.clock.advance(10_000);
    await expectRefused(harness, token, 'token_expired');
  });

  it('refuses a token signed by another ES256 key, even with our kid', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const { kid } = await storedKey(harness);
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT(claimsLike(token, { groups: ['admin'] }))
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .sign(other.privateKey);
    await expectRefused(harness, forged);
  });

  it('refuses a token issued by another Sluice instance', async () => {
    const mine = createHarness();
    const theirs = createHarness();
    await mine.signUp();
    const { access_token: token } = await theirs.signUp();
    await expectRefused(mine, token);
  });

  it('refuses an unsigned alg: none token', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(claimsLike(token, { groups: ['admin'] }))}.`;
    await expectRefused(harness, unsigned);
  });

  it('refuses an HS256 token keyed with our public key (algorithm confusion)', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const { kid, publicJwk } = await storedKey(harness);
    const claims = claimsLike(token, { groups: ['admin'] });
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [Buffer.from(String(pem)), Buffer.from(JSON.stringify(publicJwk))]) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
        .sign(secret);
      await expectRefused(harness, forged);
    }
  });

  it('refuses a token with a tampered payload', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const [header, , signature] = token.split('.');
    await expectRefused(
      harness,
      `${header}.${base64url(claimsLike(token, { groups: ['admin'] }))}.${signature}`,
    );
  });

  it.each([
    ['a wrong audience', { aud: 'someone-else' }],
    ['a wrong issuer', { iss: 'https://evil.example' }],
    ['no subject', { sub: undefined }],
    ['no expiry', { exp: undefined }],
  ])('refuses a token signed with our key but with %s', async (_label, overrides) => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    await expectRefused(harness, await signWithOurKey(harness, claimsLike(token, overrides)));
  });

  it('refuses a token signed with our key but issued in the future, beyond the clock tolerance', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const iat = Math.floor(harness.clock.now() / 1000) + 3600;
    const exp = iat + harness.config.accessTokenTtlSeconds;
    await expectRefused(harness, await signWithOurKey(harness, claimsLike(token, { iat, exp })));
  });

  it('refuses a token signed with our key whose lifetime is longer than the issuer gives', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const iat = Math.floor(harness.clock.now() / 1000);
    const exp = iat + 365 * 24 * 3600;
    await expectRefused(harness, await signWithOurKey(harness, claimsLike(token, { iat, exp })));
  });

  it('refuses a token signed with our key for a user who does not exist', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    await expectRefused(harness, await signWithOurKey(harness, claimsLike(token, { sub: 'user_nobody' })));
  });

  it('refuses a token signed with our key but typed as something other than an access token', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    const { kid, privateJwk } = await storedKey(harness);
    const idToken = await new SignJWT(claimsLike(token))
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(await importJWK(privateJwk, 'ES256'));
    await expectRefused(harness, idToken);
  });

  it('accepts a token re-signed with our key and the same claims (the forgery tests are sound)', async () => {
    const harness = createHarness();
    const { access_token: token } = await harness.signUp();
    expect((await harness.get('/v1/me', await signWithOurKey(harness, claimsLike(token)))).status).toBe(200);
  });

  it('refuses a refresh token used as an access token', async () => {
    const harness = createHarness();
    const { refresh_token: refreshToken } = await harness.signUp();
    await expectRefused(harness, refreshToken);
  });
});
