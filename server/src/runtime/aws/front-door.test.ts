import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { newUser, signUpWrites } from '../../identity/index.ts';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { merchantAudience } from '../../platform/realtime.ts';
import type { Secrets } from '../../platform/secrets.ts';
import { createTableIfMissing } from '../dynamodb/dynamo-store.ts';
import { createCognitoAccessTokenVerifier, createCognitoIdentity } from './cognito-identity.ts';
import { awsEnvironment } from './functions.ts';
import * as http from './handlers/http.ts';
import * as websocket from './handlers/websocket.ts';
import { connectionKey, keyStreamsPartition } from './apigw-realtime.ts';
import { createMerchant } from '../../payments/index.ts';
import { createApiKey } from '../../payments/api-keys.ts';
import { originVerifyHeader } from './origin-verify.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from './platform.ts';
import { httpEvent, lambdaContext } from './test-events.ts';

// The HTTP API function as API Gateway invokes it (payload 2.0 events, no authorizer in front),
// with the Cognito identity adapter checking RS256 access tokens signed here against this test's
// JWKS (aws-jwt-verify, for real), on DynamoDB Local. Cognito's own API is never called by these
// requests; Secrets Manager, a cloud edge, is replaced by a Secrets port holding the one secret.

const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-front-door-${randomUUID()}`;
const userPoolId = 'us-east-1_FrontDoor1';
const clientId = 'frontdoorclient1';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
const kid = 'front-door-key';
const secretName = 'sluice-test/origin-verify';
const originSecret = randomUUID().replaceAll('-', '');
const secrets: Secrets = {
  get: async (name) => {
    if (name !== secretName) throw new Error(`unexpected secret ${name}`);
    return originSecret;
  },
};
let signingKey: CryptoKey;
let platform: AwsPlatform;
const user = newUser(
  { email: 'door@example.com', password: 'x', name: 'Door' },
  'usr_frontdoor1',
  Date.now(),
  new Set(),
);

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const verifier = createCognitoAccessTokenVerifier({
    userPoolId,
    clientId,
    jwksCache: new SimpleJwksCache({
      fetcher: { fetch: async () => Promise.reject(new Error('no network in tests')) },
    }),
  });
  verifier.cacheJwks({ keys: [publicJwk as unknown as Record<string, string>] as never });
  platform = createAwsPlatform({
    env: {
      AWS_REGION: 'us-east-1',
      [awsEnvironment.stage]: 'test',
      [awsEnvironment.tableName]: tableName,
      [awsEnvironment.eventBusName]: 'sluice-test',
      [awsEnvironment.queueUrls]: '{}',
      [awsEnvironment.originVerifySecret]: secretName,
    },
    overrides: {
      clients: { dynamodb: dynamo },
      secrets,
      logger: silentLogger,
      identity: (deps) =>
        createCognitoIdentity({
          ...deps,
          client: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
          userPoolId,
          clientId,
          verifier,
        }),
    },
  });
  await platform.store.transact(signUpWrites(user, systemClock.now()));
  setAwsPlatform(platform);
});

afterAll(async () => {
  setAwsPlatform(undefined);
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
});

/** An access token shaped like Cognito's, valid unless `claims` say otherwise. */
async function anAccessToken(claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: randomUUID(),
    iss: issuer,
    client_id: clientId,
    origin_jti: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    username: user.id,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(signingKey);
}

/** A request through the function, as CloudFront forwards it unless `viaCloudFront` is false. */
async function call(
  method: string,
  path: string,
  options: { token?: string; viaCloudFront?: boolean | string } = {},
) {
  const headers: Record<string, string> =
    options.viaCloudFront === false
      ? {}
      : {
          [originVerifyHeader]:
            typeof options.viaCloudFront === 'string' ? options.viaCloudFront : originSecret,
        };
  const result = await http.handler(
    httpEvent(method, path, { ...(options.token ? { token: options.token } : {}), headers }),
    lambdaContext,
  );
  const responseHeaders = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { status: result.statusCode, headers: responseHeaders, json: JSON.parse(result.body ?? 'null') };
}

/** The envelope every error uses, with the request id it names in its `Request-Id` header. */
function expectEnvelope(reply: Awaited<ReturnType<typeof call>>, status: number, type: string, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.json).toEqual({
    error: { type, code, message: expect.any(String), request_id: expect.stringMatching(/^req_/) },
  });
  expect(reply.headers['request-id']).toBe(reply.json.error.request_id);
}

describe('the HTTP API function behind CloudFront only (issue 26, item 1)', () => {
  it('refuses a request without the origin-verify header, or with a wrong one, in the envelope', async () => {
    for (const viaCloudFront of [false, 'not-the-secret', `${originSecret}x`]) {
      const reply = await call('GET', '/health', { viaCloudFront });
      expectEnvelope(reply, 403, 'permission_error', 'forbidden');
    }
    // Even with a good token: the front door comes first.
    expectEnvelope(
      await call('GET', '/v1/me', { token: await anAccessToken(), viaCloudFront: false }),
      403,
      'permission_error',
      'forbidden',
    );
  });

  it('serves a request that came through CloudFront', async () => {
    const reply = await call('GET', '/health');
    expect(reply.status).toBe(200);
  });
});

describe('authentication errors from the app, in the envelope (issue 26, item 2)', () => {
  it('answers a missing token with 401 unauthenticated', async () => {
    const reply = await call('GET', '/v1/me');
    expectEnvelope(reply, 401, 'authentication_error', 'unauthenticated');
    expect(reply.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers an expired token with 401 token_expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const reply = await call('GET', '/v1/me', {
      token: await anAccessToken({ iat: now - 7200, exp: now - 3600 }),
    });
    expectEnvelope(reply, 401, 'authentication_error', 'token_expired');
    expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers a token for another app client (the wrong audience) with 401 invalid_token', async () => {
    const reply = await call('GET', '/v1/me', {
      token: await anAccessToken({ client_id: 'someotherclient' }),
    });
    expectEnvelope(reply, 401, 'authentication_error', 'invalid_token');
  });

  it('answers a token from another pool, an id token and garbage with 401 invalid_token', async () => {
    for (const token of [
      await anAccessToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }),
      await anAccessToken({ token_use: 'id' }),
      'not.a.jwt',
    ])
      expectEnvelope(await call('GET', '/v1/me', { token }), 401, 'authentication_error', 'invalid_token');
  });

  it('accepts a good token for a known user', async () => {
    const reply = await call('GET', '/v1/me', { token: await anAccessToken() });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ id: user.id, email: user.email });
  });
});

/** A WebSocket `$connect` as API Gateway sends it (headers as the client and CloudFront sent them). */
function connectEvent(connectionId: string, token: string, headers: Record<string, string>) {
  return {
    requestContext: {
      connectionId,
      routeKey: '$connect',
      eventType: 'CONNECT',
      stage: 'test',
      apiId: 'ws0123',
      domainName: 'ws0123.execute-api.us-east-1.amazonaws.com',
      requestId: randomUUID(),
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      extendedRequestId: randomUUID(),
      messageDirection: 'IN',
    },
    headers: { Host: 'ws0123.execute-api.us-east-1.amazonaws.com', ...headers },
    queryStringParameters: { token },
    isBase64Encoded: false,
  } as unknown as websocket.WebSocketConnectEvent;
}

describe('WebSocket $connect behind CloudFront, closed at token expiry (issue 26, items 1 and 3)', () => {
  it('refuses a connection that skipped CloudFront', async () => {
    const result = await websocket.connect(connectEvent('direct=', await anAccessToken(), {}));
    expect(result.statusCode).toBe(403);
    expect(await platform.store.get(connectionKey('direct='))).toBeUndefined();
  });

  it('records when the access token it opened with expires, for ws-expire to close it then', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = await anAccessToken({ exp });
    const result = await websocket.connect(
      connectEvent('viacf=', token, { [originVerifyHeader]: originSecret }),
    );
    expect(result.statusCode).toBe(200);
    expect(await platform.store.get(connectionKey('viacf='))).toMatchObject({
      user_id: user.id,
      close_at: exp,
    });
  });

  it('records which API key opened a merchant stream (its id, never its secret), for ws-expire to check', async () => {
    const merchant = await createMerchant(platform, user.id, { name: 'Door Shop' });
    const key = await createApiKey(platform, user.id, merchant.id, { name: 'listen' });
    const secret = key.secret ?? ''; // null only on an idempotent replay
    const result = await websocket.connect(
      connectEvent('bykey=', secret, { [originVerifyHeader]: originSecret }),
    );
    expect(result.statusCode).toBe(200);
    const connection = await platform.store.get(connectionKey('bykey='));
    expect(connection).toMatchObject({ user_id: merchantAudience(merchant.id), api_key_id: key.id });
    expect(connection?.close_at).toBeUndefined();
    const listed = await platform.store.get({ pk: keyStreamsPartition, sk: 'bykey=' });
    expect(listed).toMatchObject({ api_key_id: key.id, merchant_id: merchant.id });
    expect(JSON.stringify([connection, listed])).not.toContain(secret);
  });
});
