import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  RefreshTokenReuseException,
  RevokeTokenCommand,
  SignUpCommand,
  TooManyRequestsException,
  UnsupportedTokenTypeException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { emailKey, userKey } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { AppError } from '../../kernel/errors.ts';
import { defaultConfig, type Config } from '../../platform/config.ts';
import { silentLogger } from '../../platform/logger.ts';
import { outboxEventsBetween } from '../../platform/outbox.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { createCognitoAccessTokenVerifier, createCognitoIdentity } from './cognito-identity.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';

// The Cognito API is a mocked cloud edge (aws-sdk-client-mock). Everything else is real: the
// store is DynamoDB Local (test/global-setup.ts), and access tokens are RS256 JWTs signed here
// with jose and checked by aws-jwt-verify against this test's JWKS, as Cognito's would be.
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-cognito-${randomUUID()}`;
const store = new DynamoStore({ client: dynamo, tableName });
const cognito = mockClient(CognitoIdentityProviderClient);

const userPoolId = 'us-east-1_TestPool1';
const clientId = 'sluicetestclient1';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
const kid = 'test-key-1';
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let sameKeyForRs384: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
  // The same key pair, usable by jose for RS384 signatures.
  sameKeyForRs384 = (await importJWK(
    { ...(await exportJWK(pair.privateKey)), alg: 'RS384' },
    'RS384',
  )) as CryptoKey;
});
afterAll(async () => {
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
  cognito.restore();
});
beforeEach(() => cognito.reset());

interface TokenOptions {
  username: string;
  groups?: string[];
  expiresIn?: number;
  claims?: Record<string, unknown>;
  key?: CryptoKey;
  alg?: string;
  kid?: string;
}

/** An access token shaped like Cognito's. */
async function anAccessToken(options: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: randomUUID(),
    ...(options.groups ? { 'cognito:groups': options.groups } : {}),
    iss: issuer,
    client_id: clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
    jti: randomUUID(),
    username: options.username,
    ...options.claims,
  })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid })
    .sign(options.key ?? signingKey);
}

/** A token with `alg: none`: header and payload, no signature. */
function anUnsignedToken(username: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', kid })}.${encode({ iss: issuer, client_id: clientId, token_use: 'access', username, exp: now + 3600, iat: now })}.`;
}

function aSetup(overrides: { config?: Partial<Config>; jwk?: JWK; fetch?: typeof fetch } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  // Verification off unless a test turns it on: these tests follow the calls of a pre-verified
  // sign-up; the verification flows run in the shared contract suite (cognito-identity.contract.test.ts).
  const config: Config = {
    ...defaultConfig,
    adminEmails: ['boss@example.com'],
    requireEmailVerification: false,
    ...overrides.config,
  };
  let jwksFetches = 0;
  const verifier = createCognitoAccessTokenVerifier({
    userPoolId,
    clientId,
    // No network in tests: an unknown kid makes the verifier try to fetch, and this refuses.
    jwksCache: new SimpleJwksCache({
      fetcher: {
        fetch: async () => {
          jwksFetches += 1;
          throw new Error('no network in tests');
        },
      },
    }),
  });
  verifier.cacheJwks({ keys: [(overrides.jwk ?? publicJwk) as Record<string, string>] as never });
  const identity = createCognitoIdentity({
    client: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
    userPoolId,
    clientId,
    store,
    clock,
    config,
    logger: silentLogger,
    verifier,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  return { identity, clock, jwksFetches: () => jwksFetches };
}

let emailCount = 0;
const anEmail = () => `user${++emailCount}-${randomUUID().slice(0, 8)}@example.com`;

/** Cognito answering a sign-up: every admin call succeeds, and sign-in returns tokens for the username. */
function cognitoAcceptsSignUps() {
  cognito.on(SignUpCommand).resolves({ UserConfirmed: false, UserSub: randomUUID() });
  cognito.on(AdminConfirmSignUpCommand).resolves({});
  cognito.on(AdminUpdateUserAttributesCommand).resolves({});
  cognito.on(AdminAddUserToGroupCommand).resolves({});
  cognito.on(AdminDeleteUserCommand).resolves({});
  cognito.on(InitiateAuthCommand).callsFake(async (input: { AuthParameters: { USERNAME: string } }) => ({
    AuthenticationResult: {
      AccessToken: await anAccessToken({ username: input.AuthParameters.USERNAME }),
      RefreshToken: aRefreshToken('cognito-refresh'),
      IdToken: 'id',
      ExpiresIn: 3600,
      TokenType: 'Bearer',
    },
  }));
}

/** A refresh token never handed out before (Cognito's are unique; the table is shared by the tests). */
const aRefreshToken = (name = 'refresh') => `${name}-${randomUUID()}`;

const inputsOf = <T extends abstract new (...args: never[]) => unknown>(command: T) =>
  cognito
    .commandCalls(command as never)
    .map((call) => (call.args[0] as { input: Record<string, unknown> }).input);

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('Cognito identity: sign-up (Cognito mocked, store on DynamoDB Local)', () => {
  it('creates the Cognito user under a new Sluice user id, confirms it and writes the profile, email and event', async () => {
    cognitoAcceptsSignUps();
    const { identity, clock } = aSetup();
    const email = anEmail();
    const response = await identity.signUp({
      email: `  ${email.toUpperCase()} `,
      password: 'correct horse battery',
      name: ' Ann Lee ',
    });

    const id = response.user.id;
    expect(id).toMatch(/^usr_/);
    expect(response).toMatchObject({
      user: { id, email, name: 'Ann Lee', groups: [] },
      refresh_token: expect.stringMatching(/^cognito-refresh-/),
      expires_in: 3600,
    });
    expect(inputsOf(SignUpCommand)).toEqual([
      {
        ClientId: clientId,
        Username: id,
        Password: 'correct horse battery',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'name', Value: 'Ann Lee' },
        ],
      },
    ]);
    expect(inputsOf(AdminConfirmSignUpCommand)).toEqual([{ UserPoolId: userPoolId, Username: id }]);
    expect(inputsOf(AdminUpdateUserAttributesCommand)).toEqual([
      { UserPoolId: userPoolId, Username: id, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] },
    ]);
    expect(inputsOf(AdminAddUserToGroupCommand)).toEqual([]);
    expect(inputsOf(InitiateAuthCommand)).toEqual([
      {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: id, PASSWORD: 'correct horse battery' },
      },
    ]);

    const profile = await store.get(userKey(id));
    expect(profile).toMatchObject({ kind: 'user', id, email, name: 'Ann Lee', groups: [], gsi1pk: 'USERS' });
    expect(profile).not.toHaveProperty('password_hash');
    expect(await store.get(emailKey(email))).toMatchObject({ user_id: id });
    const events = await outboxEventsBetween(store, clock.now() - 60_000, clock.now());
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'user.signed_up',
        source: 'sluice.identity',
        subject: id,
        audience: [id],
        data: { user_id: id, email, name: 'Ann Lee' },
      }),
    );

    expect(await identity.getUser(id)).toEqual({
      id,
      email,
      name: 'Ann Lee',
      groups: [],
      created_at: profile!.created_at,
      email_verified: true,
      mfa_enabled: false,
    });
    expect(await identity.findUserByEmail(email.toUpperCase())).toMatchObject({ id });
    const { users } = await identity.listUsers({ limit: 1000 });
    expect(users.map((user) => user.id)).toContain(id);

    const principal = await identity.verifyAccessToken(response.access_token);
    // sessionId: the token's origin_jti, the sign-in a log-out can end.
    expect(principal).toEqual({
      kind: 'user',
      userId: id,
      email,
      groups: [],
      sessionId: expect.any(String),
      mfa: false,
    });
  });

  it('puts a configured admin email in the Admins group', async () => {
    cognitoAcceptsSignUps();
    const { identity } = aSetup({ config: { adminEmails: [] } });
    const email = anEmail();
    const { identity: withAdmin } = aSetup({ config: { adminEmails: [email] } });
    const response = await withAdmin.signUp({ email, password: 'correct horse battery', name: 'Boss' });
    expect(response.user.groups).toEqual(['admin']);
    expect(inputsOf(AdminAddUserToGroupCommand)).toEqual([
      { UserPoolId: userPoolId, Username: response.user.id, GroupName: 'Admins' },
    ]);
    expect(await identity.getUser(response.user.id)).toMatchObject({ groups: ['admin'] });
  });

  it('refuses an email the table already knows, without asking Cognito', async () => {
    cognitoAcceptsSignUps();
    const { identity } = aSetup();
    const email = anEmail();
    await identity.signUp({ email, password: 'correct horse battery', name: 'Ann' });
    cognito.resetHistory();
    const error = await errorOf(identity.signUp({ email, password: 'another password', name: 'Ann Again' }));
    expect(error.code).toBe('email_taken');
    expect(inputsOf(SignUpCommand)).toEqual([]);
  });

  it('turns a password Cognito refuses into validation_failed and writes nothing', async () => {
    cognitoAcceptsSignUps();
    cognito
      .on(SignUpCommand)
      .rejects(
        new InvalidPasswordException({ message: 'Password must have symbol characters', $metadata: {} }),
      );
    const { identity } = aSetup();
    const email = anEmail();
    const error = await errorOf(identity.signUp({ email, password: 'correct horse battery', name: 'Ann' }));
    expect(error).toMatchObject({ code: 'validation_failed', param: 'password' });
    expect(await store.get(emailKey(email))).toBeUndefined();
    expect(inputsOf(AdminConfirmSignUpCommand)).toEqual([]);
  });

  it('applies the per-address sign-up limit before asking Cognito', async () => {
    cognitoAcceptsSignUps();
    const { identity } = aSetup({ config: { signUpsPerAddressPerWindow: 1 } });
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    const password = 'correct horse battery';
    await identity.signUp({ email: anEmail(), password, name: 'Ann', client_ip: ip });
    const error = await errorOf(identity.signUp({ email: anEmail(), password, name: 'Ann', client_ip: ip }));
    expect(error.code).toBe('rate_limited');
    expect(error.details?.retry_after).toBeGreaterThan(0);
    expect(inputsOf(SignUpCommand)).toHaveLength(1);
  });

  it('deletes the Cognito user again when its email alias belongs to someone else', async () => {
    cognitoAcceptsSignUps();
    cognito.on(AdminUpdateUserAttributesCommand).rejects(
      new AliasExistsException({
        message: 'An account with the given email already exists.',
        $metadata: {},
      }),
    );
    const { identity } = aSetup();
    const email = anEmail();
    const error = await errorOf(identity.signUp({ email, password: 'correct horse battery', name: 'Ann' }));
    expect(error.code).toBe('email_taken');
    const [signUp] = inputsOf(SignUpCommand);
    expect(inputsOf(AdminDeleteUserCommand)).toEqual([
      { UserPoolId: userPoolId, Username: signUp!.Username },
    ]);
    expect(await store.get(emailKey(email))).toBeUndefined();
    expect(await store.get(userKey(String(signUp!.Username)))).toBeUndefined();
  });

  it('loses a race for an email cleanly: email_taken, the Cognito user deleted, the winner untouched', async () => {
    cognitoAcceptsSignUps();
    const { identity } = aSetup();
    const email = anEmail();
    // Another sign-up for the same email commits while Cognito is creating this one.
    cognito.on(SignUpCommand).callsFake(async () => {
      await store.transact([
        { type: 'put', item: { ...emailKey(email), kind: 'user_email', user_id: 'usr_winner' } },
      ]);
      return { UserConfirmed: false, UserSub: randomUUID() };
    });
    const error = await errorOf(identity.signUp({ email, password: 'correct horse battery', name: 'Ann' }));
    expect(error.code).toBe('email_taken');
    const [signUp] = inputsOf(SignUpCommand);
    expect(inputsOf(AdminDeleteUserCommand)).toEqual([
      { UserPoolId: userPoolId, Username: signUp!.Username },
    ]);
    expect(await store.get(emailKey(email))).toMatchObject({ user_id: 'usr_winner' });
    expect(await store.get(userKey(String(signUp!.Username)))).toBeUndefined();
  });
});

describe('Cognito identity: sessions (Cognito mocked, store on DynamoDB Local)', () => {
  async function aSignedUpUser(setup = aSetup()) {
    cognitoAcceptsSignUps();
    const email = anEmail();
    const response = await setup.identity.signUp({ email, password: 'correct horse battery', name: 'Ann' });
    cognito.reset();
    return { ...setup, email, id: response.user.id };
  }

  it('logs in by the user id the email points to and answers with the profile and Cognito’s tokens', async () => {
    const { identity, email, id } = await aSignedUpUser();
    const accessToken = await anAccessToken({ username: id });
    const refreshToken = aRefreshToken();
    cognito.on(InitiateAuthCommand).resolves({
      AuthenticationResult: { AccessToken: accessToken, RefreshToken: refreshToken, ExpiresIn: 3600 },
    });
    const response = await identity.logIn({
      email: email.toUpperCase(),
      password: 'correct horse battery',
      client_ip: '203.0.113.7',
    });
    expect(response).toEqual({
      user: { id, email, name: 'Ann', groups: [] },
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: 3600,
    });
    expect(inputsOf(InitiateAuthCommand)).toEqual([
      {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        // By user id, not the alias: an unverified email is no sign-in alias yet.
        AuthParameters: { USERNAME: id, PASSWORD: 'correct horse battery' },
      },
    ]);
  });

  it.each([
    [
      'a wrong password',
      'invalid_credentials',
      new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }),
    ],
    [
      'an unknown user',
      'invalid_credentials',
      new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }),
    ],
    [
      'Cognito throttling',
      'rate_limited',
      new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }),
    ],
  ])('turns %s into %s', async (_, code, cognitoError) => {
    cognito.on(InitiateAuthCommand).rejects(cognitoError);
    const { identity } = aSetup();
    const error = await errorOf(
      identity.logIn({ email: anEmail(), password: 'wrong', client_ip: '203.0.113.8' }),
    );
    expect(error.code).toBe(code);
  });

  it('applies the local identity’s per-email ceiling across addresses before asking Cognito', async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }));
    const { identity } = aSetup({ config: { loginAttemptsPerEmailPerWindow: 2 } });
    const email = anEmail();
    for (const ip of ['198.51.100.1', '198.51.100.2']) {
      expect((await errorOf(identity.logIn({ email, password: 'wrong', client_ip: ip }))).code).toBe(
        'invalid_credentials',
      );
    }
    const limited = await errorOf(identity.logIn({ email, password: 'wrong', client_ip: '198.51.100.3' }));
    expect(limited.code).toBe('rate_limited');
    expect(limited.details?.retry_after).toBeGreaterThan(0);
    expect(inputsOf(InitiateAuthCommand)).toHaveLength(2);
  });

  it('applies the per-address limit across emails', async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }));
    const { identity } = aSetup({ config: { loginAttemptsPerAddressPerWindow: 2 } });
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    await errorOf(identity.logIn({ email: anEmail(), password: 'wrong', client_ip: ip }));
    await errorOf(identity.logIn({ email: anEmail(), password: 'wrong', client_ip: ip }));
    expect((await errorOf(identity.logIn({ email: anEmail(), password: 'wrong', client_ip: ip }))).code).toBe(
      'rate_limited',
    );
  });

  it('refreshes with GetTokensFromRefreshToken, handing back the same refresh token when Cognito does not rotate it', async () => {
    const { identity, id } = await aSignedUpUser();
    const accessToken = await anAccessToken({ username: id });
    cognito
      .on(GetTokensFromRefreshTokenCommand)
      .resolves({ AuthenticationResult: { AccessToken: accessToken, ExpiresIn: 3600 } });
    const refreshToken = aRefreshToken();
    const response = await identity.refresh(refreshToken);
    expect(response).toMatchObject({ user: { id }, access_token: accessToken, refresh_token: refreshToken });
    // Nothing rotated, nothing spent: the same token refreshes again.
    expect((await identity.refresh(refreshToken)).refresh_token).toBe(refreshToken);
    expect(inputsOf(GetTokensFromRefreshTokenCommand)).toEqual([
      { ClientId: clientId, RefreshToken: refreshToken },
      { ClientId: clientId, RefreshToken: refreshToken },
    ]);
  });

  it('hands out the rotated refresh token when Cognito rotates', async () => {
    const { identity, id } = await aSignedUpUser();
    cognito.on(GetTokensFromRefreshTokenCommand).resolves({
      AuthenticationResult: {
        AccessToken: await anAccessToken({ username: id }),
        RefreshToken: 'refresh-2',
        ExpiresIn: 3600,
      },
    });
    expect((await identity.refresh(aRefreshToken())).refresh_token).toBe('refresh-2');
  });

  it.each([
    [
      'a revoked or unknown token',
      new NotAuthorizedException({ message: 'Invalid Refresh Token', $metadata: {} }),
    ],
    ['a rotated-out token', new RefreshTokenReuseException({ message: 'reused', $metadata: {} })],
  ])('refuses %s as invalid_token', async (_, cognitoError) => {
    cognito.on(GetTokensFromRefreshTokenCommand).rejects(cognitoError);
    const { identity } = aSetup();
    expect((await errorOf(identity.refresh('refresh-x'))).code).toBe('invalid_token');
  });

  it('refuses a refresh for a user who has no profile', async () => {
    cognito.on(GetTokensFromRefreshTokenCommand).resolves({
      AuthenticationResult: {
        AccessToken: await anAccessToken({ username: 'usr_nobody' }),
        ExpiresIn: 3600,
      },
    });
    const { identity } = aSetup();
    expect((await errorOf(identity.refresh('refresh-x'))).code).toBe('invalid_token');
  });

  it('logs out by revoking the refresh token, and ignores a token Cognito does not know', async () => {
    const { identity } = aSetup();
    cognito
      .on(RevokeTokenCommand)
      .resolvesOnce({})
      .rejectsOnce(new UnsupportedTokenTypeException({ message: 'nope', $metadata: {} }));
    const refreshToken = aRefreshToken();
    await identity.logOut(refreshToken);
    await identity.logOut('not-a-refresh-token');
    expect(inputsOf(RevokeTokenCommand)).toEqual([
      { ClientId: clientId, Token: refreshToken },
      { ClientId: clientId, Token: 'not-a-refresh-token' },
    ]);
  });

  it('reports Cognito throttling on log-out as rate_limited', async () => {
    const { identity } = aSetup();
    cognito
      .on(RevokeTokenCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    expect((await errorOf(identity.logOut('refresh-1'))).code).toBe('rate_limited');
  });
});

describe('Cognito identity: access tokens (aws-jwt-verify, for real)', () => {
  async function aProfile(groups: string[] = []) {
    const id = `usr_${randomUUID()}`;
    const email = anEmail();
    await store.transact([
      {
        type: 'put',
        item: {
          ...userKey(id),
          kind: 'user',
          id,
          email,
          name: 'Ann',
          groups,
          created_at: new Date().toISOString(),
        },
      },
    ]);
    return { id, email };
  }

  it('accepts a valid access token and reads the email from the profile', async () => {
    const { identity } = aSetup();
    const { id, email } = await aProfile();
    expect(await identity.verifyAccessToken(await anAccessToken({ username: id }))).toEqual({
      kind: 'user',
      userId: id,
      email,
      groups: [],
      sessionId: expect.any(String),
      mfa: false,
    });
  });

  it('makes a member of the Admins group an admin, and only that group', async () => {
    const { identity } = aSetup();
    const { id } = await aProfile();
    expect(
      (await identity.verifyAccessToken(await anAccessToken({ username: id, groups: ['Admins', 'Other'] })))
        .groups,
    ).toEqual(['admin']);
    expect(
      (await identity.verifyAccessToken(await anAccessToken({ username: id, groups: ['admins', 'Other'] })))
        .groups,
    ).toEqual([]);
  });

  it('answers token_expired for an expired token', async () => {
    const { identity } = aSetup();
    const { id } = await aProfile();
    expect(
      (await errorOf(identity.verifyAccessToken(await anAccessToken({ username: id, expiresIn: -60 })))).code,
    ).toBe('token_expired');
  });

  const invalidTokens: Array<[string, (username: string) => Promise<string> | string]> = [
    [
      'another issuer',
      (username) =>
        anAccessToken({
          username,
          claims: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool' },
        }),
    ],
    [
      'another app client',
      (username) => anAccessToken({ username, claims: { client_id: 'someotherclient' } }),
    ],
    [
      'an id token',
      (username) =>
        anAccessToken({ username, claims: { token_use: 'id', client_id: undefined, aud: clientId } }),
    ],
    ['alg none', (username) => anUnsignedToken(username)],
    ['another key under the same kid', (username) => anAccessToken({ username, key: otherKey })],
    [
      'another key under an unknown kid',
      (username) => anAccessToken({ username, key: otherKey, kid: 'attacker-key' }),
    ],
    [
      'a tampered payload',
      async (username) => {
        const [header, , signature] = (await anAccessToken({ username })).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            username: 'usr_admin',
            iss: issuer,
            client_id: clientId,
            token_use: 'access',
            exp: 4102444800,
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['garbage', () => 'not.a.jwt'],
    ['an empty string', () => ''],
  ];

  it.each(invalidTokens)('refuses a token with %s as invalid_token', async (_, makeToken) => {
    const { identity } = aSetup();
    const { id } = await aProfile();
    expect((await errorOf(identity.verifyAccessToken(await makeToken(id)))).code).toBe('invalid_token');
  });

  it('refuses RS384 even with a JWK that names no algorithm', async () => {
    const { alg: _alg, ...jwkWithoutAlg } = publicJwk;
    const { identity } = aSetup({ jwk: jwkWithoutAlg });
    const { id } = await aProfile();
    expect(await identity.verifyAccessToken(await anAccessToken({ username: id }))).toMatchObject({
      userId: id,
    });
    expect(
      (
        await errorOf(
          identity.verifyAccessToken(
            await anAccessToken({ username: id, alg: 'RS384', key: sameKeyForRs384 }),
          ),
        )
      ).code,
    ).toBe('invalid_token');
  });

  it('refuses a token signed by the pool whose iat is in the future', async () => {
    const { identity } = aSetup();
    const { id } = await aProfile();
    const iat = Math.floor(Date.now() / 1000) + 3600;
    const token = await anAccessToken({ username: id, claims: { iat, exp: iat + 3600 } });
    expect((await errorOf(identity.verifyAccessToken(token))).code).toBe('invalid_token');
  });

  it('refuses a token signed by the pool that claims a lifetime longer than Cognito gives (a day)', async () => {
    const { identity } = aSetup();
    const { id } = await aProfile();
    const token = await anAccessToken({ username: id, expiresIn: 365 * 24 * 3600 });
    expect((await errorOf(identity.verifyAccessToken(token))).code).toBe('invalid_token');
  });

  it('refuses a valid token for a user who has no profile', async () => {
    const { identity } = aSetup();
    expect(
      (await errorOf(identity.verifyAccessToken(await anAccessToken({ username: `usr_${randomUUID()}` }))))
        .code,
    ).toBe('invalid_token');
  });
});

describe('Cognito identity: JWKS (the pool’s JWKS URL mocked)', () => {
  const poolJwksUrl = `${issuer}/.well-known/jwks.json`;

  it('serves the pool’s public keys, without private members, fetched once an hour', async () => {
    const requested: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      requested.push(String(url));
      return Response.json({ keys: [{ ...publicJwk, d: 'private!', p: 'private!' }] });
    }) as typeof fetch;
    const { identity, clock } = aSetup({ fetch: fakeFetch });
    const jwks = await identity.jwks();
    expect(jwks).toEqual({
      keys: [{ kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: publicJwk.n, e: publicJwk.e }],
    });
    await identity.jwks();
    expect(requested).toEqual([poolJwksUrl]);
    clock.advance(3601_000);
    await identity.jwks();
    expect(requested).toEqual([poolJwksUrl, poolJwksUrl]);
  });

  it('answers service_unavailable when the keys cannot be fetched and none are cached, stale keys otherwise', async () => {
    let isUp = false;
    const fakeFetch = (async () =>
      isUp ? Response.json({ keys: [publicJwk] }) : new Response('down', { status: 503 })) as typeof fetch;
    const { identity, clock } = aSetup({ fetch: fakeFetch });
    expect((await errorOf(identity.jwks())).code).toBe('service_unavailable');
    isUp = true;
    const jwks = await identity.jwks();
    isUp = false;
    clock.advance(3601_000);
    expect(await identity.jwks()).toEqual(jwks);
  });
});
