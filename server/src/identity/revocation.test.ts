import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { ManualClock } from '../kernel/clock.ts';
import { defaultConfig, type Config } from '../platform/config.ts';
import type { AuthResponse, Identity } from '../platform/identity.ts';
import { isMfaChallenge } from '../platform/identity.ts';
import { silentLogger } from '../platform/logger.ts';
import type { Store } from '../platform/store.ts';
import { createCognitoIdentity } from '../runtime/aws/cognito-identity.ts';
import { revocationCheckMs } from './revocation.ts';
import { createLocalIdentity, newUser, signUpWrites } from './service.ts';
import { errorCodeOf } from '../../../test/error-code.ts';

// Revocation reaching access tokens (issue 26, item 3): an access token whose session ended is
// refused by every process within `revocationCheckMs`, not when it expires. On SQLite and on
// DynamoDB Local, with the local issuer and with the Cognito adapter (whose Cognito calls, a
// cloud edge, are mocked; its tokens are checked by a stand-in verifier that reads their claims).

const config: Config = { ...defaultConfig, requireEmailVerification: false };
const password = 'correct horse battery staple';
// A fixed start, after any wall-clock time this test runs at: tokens are signed and checked on the
// manual clock (the Cognito cases' verifier is a stand-in that reads claims), and the sessions'
// expiry times written from it lie in the real future too, so nothing that expires items by the
// wall clock can drop one mid-test.
const start = Date.UTC(2100, 0, 1);
const cognito = mockClient(CognitoIdentityProviderClient);
afterAll(() => cognito.restore());

describe.each(bothStores('sluice-revocation'))(
  'revoked sessions refuse their access tokens (%s)',
  (_name, open) => {
    /** Two processes on one store (two Lambda containers, or a server and a worker), sharing a clock. */
    async function twoProcesses(): Promise<{ clock: ManualClock; a: Identity; b: Identity }> {
      const store = await open();
      const clock = new ManualClock(start);
      const make = () => createLocalIdentity({ store, clock, config, logger: silentLogger });
      return { clock, a: make(), b: make() };
    }

    async function signIn(identity: Identity, email: string): Promise<AuthResponse> {
      const answer = await identity.logIn({ email, password, client_ip: '203.0.113.9' });
      if (isMfaChallenge(answer)) throw new Error('no MFA here');
      return answer;
    }

    it('log-out: refused by the process that logged out and by another within the check interval', async () => {
      const { clock, a, b } = await twoProcesses();
      const { access_token, refresh_token } = await a.signUp({
        email: `lo-${randomUUID()}@example.com`,
        password,
        name: 'Lo',
      });
      await a.verifyAccessToken(access_token);
      await b.verifyAccessToken(access_token);
      await a.logOut(refresh_token);
      clock.advance(revocationCheckMs + 1);
      expect(await errorCodeOf(a.verifyAccessToken(access_token))).toBe('invalid_token');
      expect(await errorCodeOf(b.verifyAccessToken(access_token))).toBe('invalid_token');
    });

    it('a reused refresh token ends the session: its old and new access tokens are refused', async () => {
      const { clock, a, b } = await twoProcesses();
      const first = await a.signUp({ email: `re-${randomUUID()}@example.com`, password, name: 'Re' });
      const second = await a.refresh(first.refresh_token);
      await b.verifyAccessToken(second.access_token);
      expect(await errorCodeOf(a.refresh(first.refresh_token))).toBe('invalid_token');
      clock.advance(revocationCheckMs + 1);
      for (const token of [first.access_token, second.access_token])
        expect(await errorCodeOf(b.verifyAccessToken(token))).toBe('invalid_token');
    });

    it('a password change ends the other sessions, not the one that changed it', async () => {
      const { clock, a, b } = await twoProcesses();
      const email = `pw-${randomUUID()}@example.com`;
      const here = await a.signUp({ email, password, name: 'Pw' });
      const elsewhere = await signIn(a, email);
      const principal = await a.verifyAccessToken(here.access_token);
      await b.verifyAccessToken(elsewhere.access_token);
      await a.changePassword(
        { userId: principal.userId, accessToken: here.access_token, sessionId: principal.sessionId },
        { current_password: password, new_password: 'another long passphrase 2' },
      );
      clock.advance(revocationCheckMs + 1);
      expect(await errorCodeOf(b.verifyAccessToken(elsewhere.access_token))).toBe('invalid_token');
      expect((await b.verifyAccessToken(here.access_token)).userId).toBe(principal.userId);
    });

    it('ending one session, or all of them, refuses their tokens', async () => {
      const { clock, a, b } = await twoProcesses();
      const email = `es-${randomUUID()}@example.com`;
      const first = await a.signUp({ email, password, name: 'Es' });
      const second = await signIn(a, email);
      const third = await signIn(a, email);
      const caller = await a.verifyAccessToken(first.access_token);
      const ended = await a.verifyAccessToken(second.access_token);
      await a.endSession(
        { userId: caller.userId, accessToken: first.access_token, sessionId: caller.sessionId },
        ended.sessionId!,
      );
      clock.advance(revocationCheckMs + 1);
      expect(await errorCodeOf(b.verifyAccessToken(second.access_token))).toBe('invalid_token');
      await b.verifyAccessToken(third.access_token);
      await a.endAllSessions({
        userId: caller.userId,
        accessToken: first.access_token,
        sessionId: caller.sessionId,
      });
      clock.advance(revocationCheckMs + 1);
      for (const token of [first.access_token, third.access_token])
        expect(await errorCodeOf(b.verifyAccessToken(token))).toBe('invalid_token');
    });

    it('Cognito adapter: a global sign-out refuses the access tokens issued before it', async () => {
      const store: Store = await open();
      cognito.reset();
      cognito.on(GlobalSignOutCommand).resolves({});
      const clock = new ManualClock(start);
      const now = Math.floor(clock.now() / 1000);
      const user = newUser(
        { email: `cg-${randomUUID()}@example.com`, password, name: 'Cg' },
        `usr_${randomUUID()}`,
        clock.now(),
        new Set(),
      );
      await store.transact(signUpWrites(user, clock.now()));
      // The stand-in for aws-jwt-verify (checked for real in cognito-identity.test.ts): tokens here
      // are their claims, as JSON.
      const make = () =>
        createCognitoIdentity({
          client: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
          userPoolId: 'us-east-1_Revoke1',
          clientId: 'revokeclient',
          store,
          clock,
          config,
          logger: silentLogger,
          verifier: { verify: async (token) => JSON.parse(token) as Record<string, unknown> },
        });
      const [a, b] = [make(), make()];
      const before = JSON.stringify({ username: user.id, iat: now - 60, exp: now + 3600 });
      await b.verifyAccessToken(before);
      clock.advance(1000);
      await a.endAllSessions({ userId: user.id, accessToken: before });
      clock.advance(revocationCheckMs + 1);
      expect(await errorCodeOf(b.verifyAccessToken(before))).toBe('invalid_token');
      const after = JSON.stringify({
        username: user.id,
        iat: Math.floor(clock.now() / 1000),
        exp: now + 3600,
      });
      expect((await b.verifyAccessToken(after)).userId).toBe(user.id);
    });

    it('Cognito adapter: a log-out sent with an access token ends that sign-in’s access tokens only', async () => {
      const store: Store = await open();
      cognito.reset();
      cognito.on(RevokeTokenCommand).resolves({});
      const clock = new ManualClock(start);
      const now = Math.floor(clock.now() / 1000);
      const user = newUser(
        { email: `cl-${randomUUID()}@example.com`, password, name: 'Cl' },
        `usr_${randomUUID()}`,
        clock.now(),
        new Set(),
      );
      await store.transact(signUpWrites(user, clock.now()));
      const make = () =>
        createCognitoIdentity({
          client: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
          userPoolId: 'us-east-1_Revoke1',
          clientId: 'revokeclient',
          store,
          clock,
          config,
          logger: silentLogger,
          verifier: { verify: async (token) => JSON.parse(token) as Record<string, unknown> },
        });
      const [a, b] = [make(), make()];
      const tokenOf = (signIn: string) =>
        JSON.stringify({ username: user.id, origin_jti: signIn, iat: now, exp: now + 3600 });
      const phone = await b.verifyAccessToken(tokenOf('sign-in-phone'));
      expect(phone.sessionId).toBe('sign-in-phone');
      await b.verifyAccessToken(tokenOf('sign-in-laptop'));
      await a.logOut('cognito-refresh-token', { userId: user.id, sessionId: phone.sessionId });
      clock.advance(revocationCheckMs + 1);
      expect(await errorCodeOf(b.verifyAccessToken(tokenOf('sign-in-phone')))).toBe('invalid_token');
      expect((await b.verifyAccessToken(tokenOf('sign-in-laptop'))).sessionId).toBe('sign-in-laptop');
    });
  },
);
