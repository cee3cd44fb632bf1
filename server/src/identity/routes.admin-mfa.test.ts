import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/app-harness.ts';
import { totpCode } from './totp.ts';

describe('identity: two-factor sign-in required for admins (requireMfaForAdmins)', () => {
  it('refuses an admin signed in with the password only (403 mfa_required), and lets them in after a TOTP sign-in, refreshes included', async () => {
    const app = createTestApp({ config: { requireMfaForAdmins: true } });
    const admin = await app.signUp('admin', 'admin@example.com');
    const refused = await app.call('GET', '/v1/admin/users', { token: admin.token });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('mfa_required');

    // Enrolment is a user route: an admin without a second factor can still turn it on.
    const { json: enrolment } = await app.call('POST', '/v1/me/mfa/totp', { token: admin.token });
    const confirmed = await app.call('POST', '/v1/me/mfa/totp/confirm', {
      token: admin.token,
      body: { code: totpCode(enrolment.secret, app.clock.now()) },
    });
    expect(confirmed.status).toBe(200);
    // The password-only session stays password-only.
    expect((await app.call('GET', '/v1/admin/users', { token: admin.token })).status).toBe(403);

    app.clock.advance(30_000);
    const challenge = await app.call('POST', '/v1/auth/login', {
      body: { email: admin.email, password: 'correct horse battery' },
    });
    expect(challenge.json.mfa_required).toBe(true);
    const signedIn = await app.call('POST', '/v1/auth/login/mfa', {
      body: { mfa_token: challenge.json.mfa_token, code: totpCode(enrolment.secret, app.clock.now()) },
    });
    expect(signedIn.status).toBe(200);
    expect((await app.call('GET', '/v1/admin/users', { token: signedIn.json.access_token })).status).toBe(
      200,
    );

    const refreshed = await app.call('POST', '/v1/auth/refresh', {
      body: { refresh_token: signedIn.json.refresh_token },
    });
    expect((await app.call('GET', '/v1/admin/users', { token: refreshed.json.access_token })).status).toBe(
      200,
    );
  });

  it('leaves admins signed in with a password alone when not configured', async () => {
    const app = createTestApp();
    const admin = await app.signUp('admin', 'admin@example.com');
    expect((await app.call('GET', '/v1/admin/users', { token: admin.token })).status).toBe(200);
  });
});
