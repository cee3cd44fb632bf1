import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { revocationCheckMs } from '../../identity/index.ts';
import { contractIdentityConfig } from '../../platform/identity-contract.ts';
import { isMfaChallenge, type AuthResponse, type SignedIn } from '../../platform/identity.ts';
import { cognitoOnFakePool, type CognitoOnFakePool } from './cognito-identity-fake-pool.ts';
import { errorCodeOf } from '../../../../test/error-code.ts';

// The sessions list and ending one session on AWS: the Cognito adapter shows the sessions it
// records at each sign-in (Cognito keeps no list). The Cognito API is the one mocked edge (the
// fake pool of cognito-identity-fake-pool.ts); the table is DynamoDB Local, a fresh one per test,
// and access tokens are checked by aws-jwt-verify.

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
const anEmail = () => `sessions-${++count}-${Date.now()}@example.com`;

async function logIn(email: string, device?: string): Promise<AuthResponse> {
  const answer = await subject.identity.logIn({
    email,
    password,
    client_ip: '203.0.113.7',
    ...(device ? { device } : {}),
  });
  if (isMfaChallenge(answer)) throw new Error('no second factor here');
  return answer;
}

/** The caller as the routes pass it on AWS: the session is the token's `origin_jti`. */
function callerOf(auth: AuthResponse): SignedIn {
  return {
    userId: auth.user.id,
    accessToken: auth.access_token,
    sessionId: String(decodeJwt(auth.access_token).origin_jti),
  };
}

const pastRevocationCheck = () => subject.advance((revocationCheckMs + 1) / 1000);

describe('Cognito sessions list (pool mocked, table on DynamoDB Local)', () => {
  it('lists the open sessions newest first with their device, the caller’s marked by its newest access token', async () => {
    const { identity } = subject;
    const email = anEmail();
    const phone = await identity.signUp({ email, password, name: 'Ann', device: 'Phone app' });
    await subject.advance(1);
    const laptop = await logIn(email, 'Firefox on a laptop');
    await subject.advance(1);
    const refreshed = await identity.refresh(laptop.refresh_token);

    const sessions = await identity.listSessions(callerOf(refreshed));
    expect(sessions.map(({ device, current }) => ({ device, current }))).toEqual([
      { device: 'Firefox on a laptop', current: true },
      { device: 'Phone app', current: false },
    ]);
    expect(sessions[0]!.last_used_at > sessions[0]!.created_at).toBe(true);
    // The phone's list marks the phone.
    expect((await identity.listSessions(callerOf(phone))).find((session) => session.current)?.device).toBe(
      'Phone app',
    );
  });

  it('ends one session: its refresh token and newest access token are refused, the others untouched', async () => {
    const { identity } = subject;
    const email = anEmail();
    const phone = await identity.signUp({ email, password, name: 'Ann' });
    const laptop = await logIn(email);
    await identity.verifyAccessToken(phone.access_token);
    const other = (await identity.listSessions(callerOf(laptop))).find((session) => !session.current)!;
    await identity.endSession(callerOf(laptop), other.id);

    await pastRevocationCheck();
    expect(await errorCodeOf(identity.verifyAccessToken(phone.access_token))).toBe('invalid_token');
    const refreshesBefore = cognito.commandCalls(GetTokensFromRefreshTokenCommand).length;
    expect(await errorCodeOf(identity.refresh(phone.refresh_token))).toBe('invalid_token');
    // Cognito rotated the token it was shown; what it minted went to no one and is revoked.
    expect(cognito.commandCalls(GetTokensFromRefreshTokenCommand).length).toBe(refreshesBefore + 1);
    expect(cognito.commandCalls(RevokeTokenCommand)).toHaveLength(1);
    expect((await identity.verifyAccessToken(laptop.access_token)).userId).toBe(laptop.user.id);
    expect(await identity.listSessions(callerOf(laptop))).toEqual([
      expect.objectContaining({ current: true }),
    ]);
    // Ended already: not found, as another user's session is.
    expect(await errorCodeOf(identity.endSession(callerOf(laptop), other.id))).toBe('not_found');
  });

  it('answers not_found for another user’s session and ends nothing', async () => {
    const { identity } = subject;
    const ann = await identity.signUp({ email: anEmail(), password, name: 'Ann' });
    const bob = await identity.signUp({ email: anEmail(), password, name: 'Bob' });
    const [bobs] = await identity.listSessions(callerOf(bob));
    const error = await identity.endSession(callerOf(ann), bobs!.id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'not_found', param: 'id' });
    expect((await identity.refresh(bob.refresh_token)).user.id).toBe(bob.user.id);
  });

  it('empties the list when every session ends (sign out everywhere)', async () => {
    const { identity } = subject;
    const email = anEmail();
    await identity.signUp({ email, password, name: 'Ann' });
    const laptop = await logIn(email);
    await identity.endAllSessions(callerOf(laptop));
    expect(await identity.listSessions(callerOf(laptop))).toEqual([]);
  });

  it('logs out without the access token: the session leaves the list and its newest access token is refused', async () => {
    const { identity } = subject;
    const email = anEmail();
    const phone = await identity.signUp({ email, password, name: 'Ann' });
    const laptop = await logIn(email);
    await identity.verifyAccessToken(phone.access_token);
    await identity.logOut(phone.refresh_token);
    await pastRevocationCheck();
    expect(await errorCodeOf(identity.verifyAccessToken(phone.access_token))).toBe('invalid_token');
    expect((await identity.listSessions(callerOf(laptop))).map((session) => session.current)).toEqual([true]);
  });
});
