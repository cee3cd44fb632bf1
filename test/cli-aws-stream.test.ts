import { randomUUID } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../server/src/app/create-app.ts';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { systemClock } from '../server/src/kernel/clock.ts';
import { createEvent } from '../server/src/kernel/events.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { merchantAudience } from '../server/src/platform/realtime.ts';
import { createTableIfMissing } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { awsEnvironment } from '../server/src/runtime/aws/functions.ts';
import * as websocket from '../server/src/runtime/aws/handlers/websocket.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from '../server/src/runtime/aws/platform.ts';
import { pushToMerchantStream } from '../server/src/webhooks/events.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';

/**
 * The merchant stream on AWS: API Gateway's `$connect` handler with an API key (or a token naming
 * a merchant) registers the connection under the merchant's audience in DynamoDB Local, and a
 * merchant event is posted to that connection only. API Gateway's management API is the cloud
 * edge that cannot run here: it is mocked, and the test reads what was posted to it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of API answers
type ApiJson = Record<string, any>;
const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-stream-${randomUUID()}`;
const management = mockClient(ApiGatewayManagementApiClient);
let posted: { connectionId: string; data: { type: string; data: { id?: string } } }[] = [];

describe('merchant stream on API Gateway ($connect with a merchant credential)', () => {
  let platform: AwsPlatform;
  let api: ReturnType<typeof createApp>;
  beforeAll(async () => {
    await createTableIfMissing(dynamo, tableName);
    platform = createAwsPlatform({
      env: {
        AWS_REGION: region,
        [awsEnvironment.stage]: 'test',
        [awsEnvironment.tableName]: tableName,
        [awsEnvironment.eventBusName]: 'sluice-test',
        [awsEnvironment.queueUrls]: JSON.stringify({}),
        [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
      },
      overrides: {
        clients: { dynamodb: dynamo },
        identity: createLocalIdentity,
        clock: systemClock,
        logger: silentLogger,
        config: { requireEmailVerification: false },
      },
    });
    setAwsPlatform(platform);
    api = createApp({ ...platform, realtime: platform.realtime });
    management.on(PostToConnectionCommand).callsFake((input: { ConnectionId: string; Data: Uint8Array }) => {
      posted.push({
        connectionId: input.ConnectionId,
        data: JSON.parse(new TextDecoder().decode(input.Data)),
      });
      return {};
    });
  });
  afterAll(() => {
    management.restore();
  });

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const response = await api.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as ApiJson };
  }

  async function merchant(name: string) {
    const signup = await call('POST', '/v1/auth/signup', undefined, {
      email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
      name,
    });
    const token = signup.json.access_token as string;
    const created = await call('POST', '/v1/merchants', token, { name });
    const key = await call('POST', `/v1/merchants/${created.json.id}/api-keys`, token, {});
    return {
      token,
      userId: signup.json.user.id as string,
      id: created.json.id as string,
      key: key.json.secret as string,
    };
  }

  function connectEvent(connectionId: string, headers: Record<string, string>) {
    const now = Date.now();
    return {
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT' as const,
        messageId: randomUUID(),
        extendedRequestId: randomUUID(),
        requestTime: new Date(now).toUTCString(),
        messageDirection: 'IN' as const,
        stage: 'test',
        connectedAt: now,
        requestTimeEpoch: now,
        requestId: randomUUID(),
        domainName: 'ws0123.execute-api.us-east-1.amazonaws.com',
        connectionId,
        apiId: 'ws0123',
      },
      isBase64Encoded: false,
      headers: { Host: 'ws0123.execute-api.us-east-1.amazonaws.com', ...headers },
    };
  }

  it('admits a key or an owner’s token as the merchant’s stream, refuses the rest, and posts each merchant only its events', async () => {
    const [ann, bob] = [await merchant('ann'), await merchant('bob')];
    const connect = (id: string, headers: Record<string, string>) =>
      websocket.connect(connectEvent(id, headers));

    expect((await connect('c-ann-key=', { Authorization: `Bearer ${ann.key}` })).statusCode).toBe(200);
    expect(
      (await connect('c-ann-token=', { Authorization: `Bearer ${ann.token}`, 'Sluice-Merchant': ann.id }))
        .statusCode,
    ).toBe(200);
    // Bob's key as the CLI also sends it, in the subprotocols (what a CDN forwards in any case).
    expect(await connect('c-bob-key=', { 'Sec-WebSocket-Protocol': `bearer, ${bob.key}` })).toMatchObject({
      statusCode: 200,
      headers: { 'Sec-WebSocket-Protocol': 'bearer' },
    });
    // Refused: a made-up key, and Ann's token naming Bob's merchant.
    expect((await connect('c-forged=', { Authorization: 'Bearer sk_test_forged' })).statusCode).toBe(401);
    expect(
      (await connect('c-stray=', { Authorization: `Bearer ${ann.token}`, 'Sluice-Merchant': bob.id }))
        .statusCode,
    ).toBe(401);

    expect((await platform.connections.connectionsOf(merchantAudience(ann.id))).sort()).toEqual([
      'c-ann-key=',
      'c-ann-token=',
    ]);
    expect(await platform.connections.connectionsOf(merchantAudience(bob.id))).toEqual(['c-bob-key=']);
    // The stream opened with Ann's token is listed with her, for ws-expire to check each minute
    // that she is still on the team; the key streams are listed with their keys instead.
    expect(await platform.connections.memberStreams()).toEqual([
      {
        connectionId: 'c-ann-token=',
        member: { merchantId: ann.id, userId: ann.userId, email: expect.any(String) },
      },
    ]);
    // The stream is the merchant's, not its owner's: Ann's user sockets are another audience.
    expect(await platform.connections.connectionsOf(ann.userId)).toEqual([]);

    posted = [];
    const push = pushToMerchantStream(platform.realtime);
    const event = createEvent({
      type: 'payment.captured',
      source: 'sluice.payments',
      subject: 'pay_1',
      merchant: ann.id,
      data: { object: { id: 'pay_1', object: 'payment' } },
      now: Date.now(),
    });
    await push(event);
    expect(posted.map((p) => p.connectionId).sort()).toEqual(['c-ann-key=', 'c-ann-token=']);
    expect(posted[0]!.data).toMatchObject({
      type: 'event',
      data: { id: event.id, object: 'event', type: 'payment.captured' },
    });
  });
});
