import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.ts';
import { defaultConfig, type Config } from './config.ts';
import { isMfaChallenge, type AuthResponse, type Identity, type SignedIn } from './identity.ts';
import { rejectionOf } from './store-contract.ts';

/** The settings every adapter under the contract is built with. */
export const contractIdentityConfig: Config = {
  ...defaultConfig,
  adminEmails: ['boss@example.com'],
  loginAttemptsPerWindow: 3,
  loginWindowSeconds: 60,
};

export interface IdentityUnderTest {
  identity: Identity;
  /** Moves time on by `seconds` for everything the adapter consults: its clock and its token checks. */
  advance(seconds: number): Promise<void>;
  /** The adapter's time now (ms): TOTP codes are computed for it. */
  now(): number;
  /**
   * The newest code mailed to `email` for `purpose` (what the user reads in their inbox), or
   * undefined: the local mailbox, or the codes the mocked user pool "sent".
   */
  mailedCode(email: string, purpose: 'verify' | 'reset'): Promise<string | undefined>;
  cleanup?: () => Promise<void>;
}

/** The promises of the port an adapter may be excused from, each with its reason. */
export const identityPromises = {
  refreshSingleUse: 'refuses a refresh token that has been spent already',
  reuseRevokesSession: 'revokes the whole session when a spent refresh token is presented again',
  sessionsListed: 'lists the open sessions of the caller, the current one marked',
  sessionEndedAlone: 'ends one session and leaves the others open',
  passwordChangeKeepsSession: 'changing the password ends the other sessions and keeps the current one',
  recoveryCodes: 'answers recovery codes at enrolment, each of which finishes a sign-in once',
} as const;
export type IdentityPromise = keyof typeof identityPromises;

export interface IdentityContractOptions {
  /**
   * Known gaps: promises this adapter does not keep, with the reason. Each still runs, as a test
   * that must fail (`it.fails`): an adapter that starts keeping the promise turns it red, so the
   * gap is removed from the list rather than forgotten there.
   */
  gaps?: Partial<Record<IdentityPromise, string>>;
}

/**
 * The behaviour every `Identity` adapter must show, as one vitest suite: sign-up, log-in (with
 * its per-email limit), refresh, log-out, access-token verification (tampering, expiry), look-ups,
 * the user list and the published keys. `makeIdentity` builds a fresh adapter, with no users, on
 * the given config (`contractIdentityConfig`).
 *
 * @example
 * runIdentityContract('local issuer', async (config) => {
 *   const clock = new ManualClock();
 *   const identity = createLocalIdentity({ store: new SqliteStore(':memory:'), clock, config, logger: silentLogger });
 *   return { identity, advance: async (seconds) => clock.advance(seconds * 1000) };
 * });
 */
export function runIdentityContract(
  name: string,
  makeIdentity: (config: Config) => Promise<IdentityUnderTest>,
  options: IdentityContractOptions = {},
): void {
  describe(`Identity contract: ${name}`, () => {
    let subject: IdentityUnderTest;
    let identity: Identity;
    beforeEach(async () => {
      subject = await makeIdentity(contractIdentityConfig);
      identity = subject.identity;
    });
    afterEach(async () => {
      await subject.cleanup?.();
    });

    /** A promise of the port, or the test that its known gap still exists. */
    function promise(key: IdentityPromise, test: () => Promise<void>): void {
      const gap = options.gaps?.[key];
      if (gap === undefined) it(identityPromises[key], test);
      else it.fails(`known gap (${gap}): ${identityPromises[key]}`, test);
    }

    let count = 0;
    const anEmail = (local = 'user') =>
      `${local}-${++count}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'correct horse battery';
    const signUp = (email = anEmail(), displayName = 'Ann Lee') =>
      identity.signUp({ email, password, name: displayName });
    const logIn = async (email: string, secret = password): Promise<AuthResponse> => {
      const answer = await identity.logIn({ email, password: secret, client_ip: '203.0.113.7' });
      if (isMfaChallenge(answer)) throw new Error('a user without two-factor sign-in was challenged');
      return answer;
    };

    /**
     * The caller as the account-security operations take it, from the access token's claims
     * (the routes get the same from the verified token): the user (`sub` locally, `username` on
     * Cognito) and the session where the issuer names one (`sid`).
     */
    function callerOf(auth: AuthResponse): SignedIn {
      const [, payload = ''] = auth.access_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const userId = typeof claims.username === 'string' ? claims.username : String(claims.sub);
      return {
        userId,
        accessToken: auth.access_token,
        ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
      };
    }
    /** A code of the same form that is not `code`. */
    const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    async function expectCode(pending: Promise<unknown>, code: string): Promise<AppError> {
      const error = await rejectionOf(pending);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(code);
      return error as AppError;
    }

    describe('sign-up', () => {
      it('creates the user and answers with it, an access token that verifies as them, and a refresh token', async () => {
        const email = anEmail('Ann');
        const auth = await identity.signUp({
          email: `  ${email.toUpperCase()} `,
          password,
          name: '  Ann Lee ',
        });
        expect(auth.user).toEqual({
          id: expect.any(String),
          email: email.toLowerCase(),
          name: 'Ann Lee',
          groups: [],
        });
        expect(auth.refresh_token).toEqual(expect.any(String));
        expect(auth.refresh_token).not.toBe('');
        expect(auth.expires_in).toBeGreaterThan(0);
        expect(await identity.verifyAccessToken(auth.access_token)).toMatchObject({
          kind: 'user',
          userId: auth.user.id,
          email: email.toLowerCase(),
          groups: [],
        });
      });

      it('makes a configured admin email an admin, in the answer and in the access token', async () => {
        const auth = await identity.signUp({ email: 'Boss@Example.com', password, name: 'Boss' });
        expect(auth.user.groups).toEqual(['admin']);
        expect((await identity.verifyAccessToken(auth.access_token)).groups).toEqual(['admin']);
      });

      it('refuses an email already signed up, whatever its case, and creates no second user', async () => {
        const email = anEmail();
        const first = await signUp(email);
        const error = await expectCode(signUp(email.toUpperCase(), 'Impostor'), 'email_taken');
        expect(error.param).toBe('email');
        expect((await identity.listUsers({ limit: 10 })).users.map((user) => user.id)).toEqual([
          first.user.id,
        ]);
        expect((await logIn(email)).user.id).toBe(first.user.id);
      });
    });

    describe('log-in', () => {
      it('opens a session for the email in any case with the right password', async () => {
        const email = anEmail();
        const { user } = await signUp(email);
        const auth = await logIn(` ${email.toUpperCase()}`);
        expect(auth.user).toEqual({ id: user.id, email, name: 'Ann Lee', groups: [] });
        expect((await identity.verifyAccessToken(auth.access_token)).userId).toBe(user.id);
        expect((await identity.refresh(auth.refresh_token)).user.id).toBe(user.id);
      });

      it('answers a wrong password and an unknown email alike: invalid_credentials', async () => {
        const email = anEmail();
        await signUp(email);
        const wrongPassword = await expectCode(logIn(email, 'not the password'), 'invalid_credentials');
        const unknownEmail = await expectCode(logIn(anEmail('nobody')), 'invalid_credentials');
        expect(unknownEmail.message).toBe(wrongPassword.message);
      });

      it('refuses log-ins past the per-email limit with rate_limited and a retry_after, until the window has passed', async () => {
        const email = anEmail();
        await signUp(email);
        for (let attempt = 0; attempt < contractIdentityConfig.loginAttemptsPerWindow; attempt++)
          await expectCode(logIn(email, 'guess'), 'invalid_credentials');
        const limited = await expectCode(logIn(email), 'rate_limited');
        expect(limited.details?.retry_after).toBeGreaterThan(0);
        expect(limited.details?.retry_after).toBeLessThanOrEqual(contractIdentityConfig.loginWindowSeconds);
        await subject.advance(contractIdentityConfig.loginWindowSeconds);
        expect((await logIn(email)).user.email).toBe(email);
      });
    });

    describe('sessions', () => {
      it('refreshes: fresh tokens for the same user, the new access token valid', async () => {
        const { user, refresh_token } = await signUp();
        await subject.advance(1);
        const next = await identity.refresh(refresh_token);
        expect(next.user).toEqual(user);
        expect(next.refresh_token).not.toBe('');
        expect((await identity.verifyAccessToken(next.access_token)).userId).toBe(user.id);
        expect((await identity.refresh(next.refresh_token)).user.id).toBe(user.id);
      });

      promise('refreshSingleUse', async () => {
        const { refresh_token } = await signUp();
        const next = await identity.refresh(refresh_token);
        expect(next.refresh_token).not.toBe(refresh_token);
        await expectCode(identity.refresh(refresh_token), 'invalid_token');
      });

      promise('reuseRevokesSession', async () => {
        const { refresh_token } = await signUp();
        const next = await identity.refresh(refresh_token);
        // Past any grace period a provider allows for a retried refresh.
        await subject.advance(60);
        await expectCode(identity.refresh(refresh_token), 'invalid_token');
        await expectCode(identity.refresh(next.refresh_token), 'invalid_token');
      });

      it('refuses a refresh token it never issued', async () => {
        await signUp();
        await expectCode(identity.refresh('not-a-refresh-token'), 'invalid_token');
        await expectCode(identity.refresh(''), 'invalid_token');
      });

      it('logs out: the session’s refresh token is refused from then on, and logging out again is quiet', async () => {
        const { refresh_token } = await signUp();
        const current = await identity.refresh(refresh_token);
        await identity.logOut(current.refresh_token);
        await expectCode(identity.refresh(current.refresh_token), 'invalid_token');
        await expect(identity.logOut(current.refresh_token)).resolves.toBeUndefined();
        await expect(identity.logOut('never-issued')).resolves.toBeUndefined();
      });

      it('keeps other sessions of the same user open when one logs out', async () => {
        const email = anEmail();
        const phone = await signUp(email);
        const laptop = await logIn(email);
        await identity.logOut(phone.refresh_token);
        expect((await identity.refresh(laptop.refresh_token)).user.id).toBe(phone.user.id);
      });
    });

    describe('access tokens', () => {
      it('refuses a token whose payload or signature was changed, and anything that is not a token', async () => {
        const ann = await signUp();
        const bob = await signUp(anEmail('bob'));
        const [header, payload, signature] = ann.access_token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
        // Whichever claim names the user (`sub` locally, `username` on Cognito) now names Bob.
        for (const claim of ['sub', 'username']) if (claim in claims) claims[claim] = bob.user.id;
        const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
        const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
        for (const token of [forged, flipped, unsigned, `${header}.${payload}`, 'garbage', '']) {
          await expectCode(identity.verifyAccessToken(token), 'invalid_token');
        }
        expect((await identity.verifyAccessToken(ann.access_token)).userId).toBe(ann.user.id);
      });

      it('refuses a token once its lifetime has passed, with token_expired', async () => {
        const auth: AuthResponse = await signUp();
        expect((await identity.verifyAccessToken(auth.access_token)).userId).toBe(auth.user.id);
        await subject.advance(auth.expires_in + 10);
        await expectCode(identity.verifyAccessToken(auth.access_token), 'token_expired');
      });

      it('publishes the public keys its access tokens verify against, and no private key material', async () => {
        const { access_token } = await signUp();
        const jwks = await identity.jwks();
        expect(jwks.keys.length).toBeGreaterThan(0);
        for (const key of jwks.keys)
          for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
        expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(access_token).kid);
        // Signature only: the claims are the adapter's business (and the token may be "expired" for jose's own clock).
        await expect(
          jwtVerify(access_token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), {
            clockTolerance: Number.MAX_SAFE_INTEGER,
          }),
        ).resolves.toBeDefined();
      });
    });

    describe('email verification', () => {
      it('signs a user up unverified, mails a code, and verifies with it', async () => {
        const email = anEmail();
        const auth = await signUp(email);
        expect((await identity.getUser(auth.user.id))?.email_verified).toBe(false);
        const caller = callerOf(auth);
        const code = await subject.mailedCode(email, 'verify');
        expect(code).toMatch(/^\d{6}$/);
        await expectCode(identity.verifyEmail(caller, wrongCode(code!)), 'invalid_code');
        expect((await identity.getUser(auth.user.id))?.email_verified).toBe(false);
        expect((await identity.verifyEmail(caller, code!)).email_verified).toBe(true);
        expect((await identity.getUser(auth.user.id))?.email_verified).toBe(true);
        // Verifying again is quiet.
        expect((await identity.verifyEmail(caller, code!)).email_verified).toBe(true);
      });

      it('mails a new code on request', async () => {
        const email = anEmail();
        const auth = await signUp(email);
        const first = await subject.mailedCode(email, 'verify');
        await subject.advance(1);
        await identity.resendEmailVerification(callerOf(auth));
        const second = await subject.mailedCode(email, 'verify');
        expect(second).toMatch(/^\d{6}$/);
        expect((await identity.verifyEmail(callerOf(auth), second!)).email_verified).toBe(true);
        expect(first).toBeDefined();
      });
    });

    describe('password reset', () => {
      /** A signed-up user with a verified email (a pool mails reset codes to verified emails only). */
      async function aVerifiedUser() {
        const email = anEmail();
        const auth = await signUp(email);
        await identity.verifyEmail(callerOf(auth), (await subject.mailedCode(email, 'verify'))!);
        return { email, auth };
      }
      const newPassword = 'a brand new passphrase';

      it('answers an unknown email as a known one, and mails no code for it', async () => {
        const unknown = anEmail('nobody');
        await expect(
          identity.requestPasswordReset({ email: unknown, client_ip: '203.0.113.9' }),
        ).resolves.toBeUndefined();
        expect(await subject.mailedCode(unknown, 'reset')).toBeUndefined();
      });

      it('sets the new password with the mailed code, ends the sessions, and refuses the code again', async () => {
        const { email, auth } = await aVerifiedUser();
        await identity.requestPasswordReset({ email, client_ip: '203.0.113.9' });
        const code = await subject.mailedCode(email, 'reset');
        expect(code).toMatch(/^\d{6}$/);
        const confirm = (secret: string, attempt: string) =>
          identity.confirmPasswordReset({
            email,
            code: attempt,
            new_password: secret,
            client_ip: '203.0.113.9',
          });
        await expectCode(confirm(newPassword, wrongCode(code!)), 'invalid_code');
        await confirm(newPassword, code!);
        await expectCode(identity.refresh(auth.refresh_token), 'invalid_token');
        await expectCode(logIn(email), 'invalid_credentials');
        expect((await logIn(email, newPassword)).user.id).toBe(auth.user.id);
        await expectCode(confirm('yet another passphrase', code!), 'invalid_code');
      });

      it('refuses a common password as the new one, with weak_password on new_password', async () => {
        const { email } = await aVerifiedUser();
        await identity.requestPasswordReset({ email, client_ip: '203.0.113.9' });
        const code = (await subject.mailedCode(email, 'reset'))!;
        const error = await expectCode(
          identity.confirmPasswordReset({
            email,
            code,
            new_password: 'password123',
            client_ip: '203.0.113.9',
          }),
          'weak_password',
        );
        expect(error.param).toBe('new_password');
        expect((await logIn(email)).user.email).toBe(email);
      });
    });

    describe('two-factor sign-in', () => {
      const codeFor = (secret: string, at = subject.now()) =>
        new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({
          timestamp: at,
        });

      it('enrols with a confirming code; a log-in then asks for a code and finishes with one', async () => {
        const email = anEmail();
        const auth = await signUp(email);
        const { secret, otpauth_url } = await identity.startTotpEnrolment(callerOf(auth));
        expect(otpauth_url).toContain(`secret=${secret}`);
        await expectCode(identity.confirmTotp(callerOf(auth), wrongCode(codeFor(secret))), 'invalid_code');
        expect((await identity.getUser(auth.user.id))?.mfa_enabled).toBe(false);
        await identity.confirmTotp(callerOf(auth), codeFor(secret));
        expect((await identity.getUser(auth.user.id))?.mfa_enabled).toBe(true);

        const challenge = await identity.logIn({ email, password, client_ip: '203.0.113.7' });
        if (!isMfaChallenge(challenge)) throw new Error('expected a second-factor challenge');
        await subject.advance(30);
        await expectCode(
          identity.completeMfaLogIn({ mfa_token: challenge.mfa_token, code: wrongCode(codeFor(secret)) }),
          'invalid_code',
        );
        const signedIn = await identity.completeMfaLogIn({
          mfa_token: challenge.mfa_token,
          code: codeFor(secret),
        });
        expect(signedIn.user.id).toBe(auth.user.id);
        expect((await identity.verifyAccessToken(signedIn.access_token)).userId).toBe(auth.user.id);
      });

      promise('recoveryCodes', async () => {
        const email = anEmail();
        const auth = await signUp(email);
        const { secret } = await identity.startTotpEnrolment(callerOf(auth));
        const { recovery_codes } = await identity.confirmTotp(callerOf(auth), codeFor(secret));
        expect(recovery_codes.length).toBeGreaterThan(0);
        const challenge = await identity.logIn({ email, password, client_ip: '203.0.113.7' });
        if (!isMfaChallenge(challenge)) throw new Error('expected a second-factor challenge');
        const signedIn = await identity.completeMfaLogIn({
          mfa_token: challenge.mfa_token,
          code: recovery_codes[0]!,
        });
        expect(signedIn.user.id).toBe(auth.user.id);
      });
    });

    describe('ending sessions', () => {
      it('ends every session at once: their refresh tokens are refused', async () => {
        const email = anEmail();
        const phone = await signUp(email);
        const laptop = await logIn(email);
        await identity.endAllSessions(callerOf(laptop));
        await expectCode(identity.refresh(phone.refresh_token), 'invalid_token');
        await expectCode(identity.refresh(laptop.refresh_token), 'invalid_token');
      });

      promise('sessionsListed', async () => {
        const email = anEmail();
        await signUp(email);
        const laptop = await logIn(email);
        const sessions = await identity.listSessions(callerOf(laptop));
        expect(sessions).toHaveLength(2);
        expect(sessions.filter((session) => session.current)).toHaveLength(1);
      });

      promise('sessionEndedAlone', async () => {
        const email = anEmail();
        const phone = await signUp(email);
        const laptop = await logIn(email);
        const other = (await identity.listSessions(callerOf(laptop))).find((session) => !session.current)!;
        await identity.endSession(callerOf(laptop), other.id);
        await expectCode(identity.refresh(phone.refresh_token), 'invalid_token');
        expect((await identity.refresh(laptop.refresh_token)).user.id).toBe(phone.user.id);
      });

      promise('passwordChangeKeepsSession', async () => {
        const email = anEmail();
        const phone = await signUp(email);
        const laptop = await logIn(email);
        await identity.changePassword(callerOf(laptop), {
          current_password: password,
          new_password: 'a fresh passphrase',
        });
        await expectCode(identity.refresh(phone.refresh_token), 'invalid_token');
        expect((await identity.refresh(laptop.refresh_token)).user.id).toBe(phone.user.id);
      });

      it('refuses a password change with a wrong current password, changing nothing', async () => {
        const email = anEmail();
        const auth = await signUp(email);
        await expectCode(
          identity.changePassword(callerOf(auth), {
            current_password: 'not the one',
            new_password: 'a fresh passphrase',
          }),
          'invalid_credentials',
        );
        expect((await logIn(email)).user.id).toBe(auth.user.id);
      });
    });

    describe('users', () => {
      it('finds a user by id and by email in any case, and nobody for unknown ones', async () => {
        const email = anEmail();
        const { user } = await signUp(email, 'Ann Lee');
        const expected = {
          id: user.id,
          email,
          name: 'Ann Lee',
          groups: [],
          created_at: expect.any(String),
          email_verified: false,
          mfa_enabled: false,
        };
        expect(await identity.getUser(user.id)).toEqual(expected);
        expect(await identity.findUserByEmail(email.toUpperCase())).toEqual(expected);
        expect(Number.isNaN(Date.parse((await identity.getUser(user.id))!.created_at))).toBe(false);
        expect(await identity.getUser('user_unknown')).toBeUndefined();
        expect(await identity.findUserByEmail(anEmail('nobody'))).toBeUndefined();
      });

      it('lists everyone newest first, a page at a time', async () => {
        const ids: string[] = [];
        for (const person of ['ann', 'bob', 'cy']) {
          ids.push((await signUp(anEmail(person), person)).user.id);
          await subject.advance(1);
        }
        const first = await identity.listUsers({ limit: 2 });
        expect(first.users.map((user) => user.id)).toEqual([ids[2], ids[1]]);
        expect(first.next_cursor).toEqual(expect.any(String));
        const second = await identity.listUsers({ limit: 2, cursor: first.next_cursor! });
        expect(second.users.map((user) => user.id)).toEqual([ids[0]]);
        expect(second.next_cursor).toBeUndefined();
      });
    });
  });
}
