import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  InternalErrorException,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { createApp } from '../../app/create-app.ts';
import {
  identityModule,
  readRefreshToken,
  refreshTokenHash,
  revocationCheckMs,
} from '../../identity/index.ts';
import type { AppError } from '../../kernel/errors.ts';
import { contractIdentityConfig } from '../../platform/identity-contract.ts';
import { isMfaChallenge, type AuthResponse } from '../../platform/identity.ts';
import { silentLogger } from '../../platform/logger.ts';
import { StoreQueue } from '../local/store-queue.ts';
import { cognitoOnFakePool, userPoolId, type CognitoOnFakePool } from './cognito-identity-fake-pool.ts';
import { errorCodeOf } from '../../../../test/error-code.ts';

// A rotated-out Cognito refresh token presented again (issue 26, item 3): refused, and the
// session it belongs to ended, access tokens included, as the local issuer does. The Cognito API
// is the one mocked edge (the fake pool of cognito-identity-fake-pool.ts: rotation with a 10 s
// grace period, as infra/lib/identity.ts configures it); the table is DynamoDB Local, a fresh one
// per test, and access tokens are checked by aws-jwt-verify.

const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const cognito = mockClient(CognitoIdentityProviderClient);
afterAll(() => {
  dynamo.destroy();
  cognito.restore();
});

const password = 'correct horse battery';
let subject: CognitoOnFakePool;
beforeEach(async () => {
  subject = await cognitoOnFakePool(cognito, dynamo, contractIdentityConfig);
});
afterEach(() => subject.cleanup());

let count = 0;
const anEmail = () => `reuse-${++count}-${Date.now()}@example.com`;

async function logIn(email: string): Promise<AuthResponse> {
  const answer = await subject.identity.logIn({ email, password, client_ip: '203.0.113.7' });
  if (isMfaChallenge(answer)) throw new Error('no second factor here');
  return answer;
}

/** Past the interval within which every process sees a revocation. */
const pastRevocationCheck = () => subject.advance((revocationCheckMs + 1) / 1000);

const callsOf = (command: typeof AdminUserGlobalSignOutCommand | typeof RevokeTokenCommand) =>
  cognito.commandCalls(command as never).map((call) => (call.args[0] as { input: unknown }).input);
const refreshCallCount = () => cognito.commandCalls(GetTokensFromRefreshTokenCommand).length;

describe('Cognito refresh-token reuse (pool mocked, table on DynamoDB Local)', () => {
  it('keeps each refresh token as a SHA-256 for the refresh-token lifetime, spends it when Cognito rotates it, and stores no token', async () => {
    const { identity, store, clock } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const issued = await readRefreshToken(store, refreshTokenHash(first.refresh_token));
    expect(issued).toEqual({
      hash: refreshTokenHash(first.refresh_token),
      session_id: expect.stringMatching(/^ses_/),
      user_id: first.user.id,
      created_at: new Date(clock.now()).toISOString(),
      expires_at: Math.floor(clock.now() / 1000) + contractIdentityConfig.refreshTokenTtlSeconds,
    });

    await subject.advance(5);
    const next = await identity.refresh(first.refresh_token);
    expect(await readRefreshToken(store, refreshTokenHash(first.refresh_token))).toMatchObject({
      session_id: issued!.session_id,
      used_at: new Date(clock.now()).toISOString(),
    });
    expect(await readRefreshToken(store, refreshTokenHash(next.refresh_token))).toMatchObject({
      session_id: issued!.session_id,
      expires_at: Math.floor(clock.now() / 1000) + contractIdentityConfig.refreshTokenTtlSeconds,
    });
    expect((await readRefreshToken(store, refreshTokenHash(next.refresh_token)))?.used_at).toBeUndefined();

    const table = JSON.stringify(
      (await dynamo.send(new ScanCommand({ TableName: subject.tableName }))).Items,
    );
    for (const token of [first.refresh_token, next.refresh_token]) {
      expect(table).not.toContain(token);
      expect(table).not.toContain(token.split('.')[1]);
    }
  });

  it('refuses a rotated-out token at once, inside Cognito’s grace period, without asking Cognito, and ends the session: its refresh and access tokens are refused within 2 s', async () => {
    const { identity } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const next = await identity.refresh(first.refresh_token);
    // Seen (and cached) as valid just before the reuse, as a busy process would have.
    for (const token of [first.access_token, next.access_token])
      expect((await identity.verifyAccessToken(token)).userId).toBe(first.user.id);

    expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    expect(refreshCallCount()).toBe(1);
    expect(callsOf(AdminUserGlobalSignOutCommand)).toEqual([
      { UserPoolId: userPoolId, Username: first.user.id },
    ]);

    await pastRevocationCheck();
    for (const token of [first.access_token, next.access_token])
      expect(await errorCodeOf(identity.verifyAccessToken(token))).toBe('invalid_token');
    expect(await errorCodeOf(identity.refresh(next.refresh_token))).toBe('invalid_token');
    // The user signs in again: the new session works.
    const again = await logIn(first.user.email);
    expect((await identity.verifyAccessToken(again.access_token)).userId).toBe(first.user.id);
    expect((await identity.refresh(again.refresh_token)).user.id).toBe(first.user.id);
  });

  it('lets exactly one of two concurrent refreshes with one token win, both inside Cognito’s grace period; the loser is refused, its tokens revoked, and the session ends', async () => {
    const { identity, pool } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    pool.answerRefreshesTogether(2);
    const outcomes = await Promise.allSettled([
      identity.refresh(first.refresh_token),
      identity.refresh(first.refresh_token),
    ]);
    // Cognito rotated the token twice (the second within the grace period): the table decided.
    expect(refreshCallCount()).toBe(2);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as AppError).code).toBe('invalid_token');
    const winner = won[0]!.value;
    // The loser's fresh refresh token, handed to no one, is revoked at Cognito.
    const revoked = callsOf(RevokeTokenCommand) as { Token: string }[];
    expect(revoked).toHaveLength(1);
    expect([first.refresh_token, winner.refresh_token]).not.toContain(revoked[0]!.Token);
    // As a reuse: the session ends, the winner's tokens with it.
    expect(callsOf(AdminUserGlobalSignOutCommand)).toHaveLength(1);
    await pastRevocationCheck();
    expect(await errorCodeOf(identity.refresh(winner.refresh_token))).toBe('invalid_token');
    expect(await errorCodeOf(identity.verifyAccessToken(winner.access_token))).toBe('invalid_token');
  });

  it('refuses a spent token replayed after its session ended without signing the user out again', async () => {
    const { identity } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    await identity.refresh(first.refresh_token);
    expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    await pastRevocationCheck();
    const again = await logIn(first.user.email);
    for (let replay = 0; replay < 3; replay++)
      expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    expect(callsOf(AdminUserGlobalSignOutCommand)).toHaveLength(1);
    await pastRevocationCheck();
    expect((await identity.verifyAccessToken(again.access_token)).userId).toBe(first.user.id);
    expect((await identity.refresh(again.refresh_token)).user.id).toBe(first.user.id);
  });

  it('refuses a spent token of a logged-out session without signing the user out', async () => {
    const { identity } = subject;
    const email = anEmail();
    const first = await identity.signUp({ email, password, name: 'Ann' });
    const laptop = await logIn(email);
    const next = await identity.refresh(first.refresh_token);
    await identity.logOut(next.refresh_token);
    expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    expect(callsOf(AdminUserGlobalSignOutCommand)).toEqual([]);
    expect((await identity.refresh(laptop.refresh_token)).user.id).toBe(first.user.id);
  });

  it('records a token handed out before sessions were kept when Cognito rotates it, and refuses it when reused', async () => {
    const { identity, store } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const hash = refreshTokenHash(first.refresh_token);
    // As before this release: Cognito's token, nothing of it in the table.
    await store.transact([{ type: 'delete', key: { pk: `REFRESH#${hash}`, sk: 'REFRESH' } }]);
    const next = await identity.refresh(first.refresh_token);
    const spent = await readRefreshToken(store, hash);
    expect(spent).toMatchObject({ user_id: first.user.id, used_at: expect.any(String) });
    expect((await readRefreshToken(store, refreshTokenHash(next.refresh_token)))?.session_id).toBe(
      spent!.session_id,
    );
    expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    expect(callsOf(AdminUserGlobalSignOutCommand)).toHaveLength(1);
    expect(await errorCodeOf(identity.refresh(next.refresh_token))).toBe('invalid_token');
  });

  it('still refuses the reuse and the session’s access tokens when Cognito cannot sign the user out', async () => {
    const { identity } = subject;
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const next = await identity.refresh(first.refresh_token);
    cognito
      .on(AdminUserGlobalSignOutCommand)
      .rejects(new InternalErrorException({ message: 'try again', $metadata: {} }));
    expect(await errorCodeOf(identity.refresh(first.refresh_token))).toBe('invalid_token');
    await pastRevocationCheck();
    expect(await errorCodeOf(identity.verifyAccessToken(next.access_token))).toBe('invalid_token');
    // Cognito would still rotate the live token; the ended session refuses it here.
    expect(await errorCodeOf(identity.refresh(next.refresh_token))).toBe('invalid_token');
  });

  it('answers a reused refresh token over HTTP with 401 invalid_token in the envelope, and the session’s access token with 401 within 2 s', async () => {
    const { identity, store, clock } = subject;
    const app = createApp({
      store,
      clock,
      config: contractIdentityConfig,
      logger: silentLogger,
      identity,
      // The identity routes only: nothing here queues work, so the local queue on the same table will do.
      queue: new StoreQueue({ store, clock, logger: silentLogger }),
      modules: [identityModule],
    });
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const refreshed = await post('/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as AuthResponse;
    const me = () => app.request('/v1/me', { headers: { authorization: `Bearer ${next.access_token}` } });
    expect((await me()).status).toBe(200);

    const reused = await post('/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(reused.status).toBe(401);
    const body = (await reused.json()) as { error: Record<string, unknown> };
    expect(body).toEqual({
      error: {
        type: 'authentication_error',
        code: 'invalid_token',
        message: expect.any(String),
        request_id: expect.stringMatching(/^req_/),
      },
    });
    expect(reused.headers.get('request-id')).toBe(body.error.request_id);
    await pastRevocationCheck();
    const refused = await me();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });
});
