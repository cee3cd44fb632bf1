import { randomUUID } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { ApiGatewayRealtime, ConnectionRegistry, connectionKey } from './apigw-realtime.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';

// The API Gateway Management API is a mocked cloud edge (aws-sdk-client-mock); the connection
// registry runs on DynamoDB Local (test/global-setup.ts) in a table of this file's own.
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-realtime-${randomUUID()}`;
const store = new DynamoStore({ client: dynamo, tableName });
const management = mockClient(ApiGatewayManagementApiClient);

beforeAll(() => createTableIfMissing(dynamo, tableName));
afterAll(async () => {
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
  management.restore();
});
beforeEach(() => {
  management.reset();
  management.on(PostToConnectionCommand).resolves({});
});

function recordingLogger() {
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    info() {},
    error() {},
    warn: (message, fields) => void warnings.push({ message, fields }),
  };
  return { logger, warnings };
}

function aSetup() {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const connections = new ConnectionRegistry({ store, clock });
  const { logger, warnings } = recordingLogger();
  const realtime = new ApiGatewayRealtime({
    client: new ApiGatewayManagementApiClient({
      region: 'us-east-1',
      endpoint: 'https://example.execute-api.us-east-1.amazonaws.com/prod',
    }),
    connections,
    logger,
  });
  const ann = `usr_ann_${randomUUID()}`;
  const bob = `usr_bob_${randomUUID()}`;
  const id = (name: string) => `${name}-${randomUUID()}`;
  return { clock, connections, realtime, warnings, ann, bob, id };
}

const posts = () =>
  management.commandCalls(PostToConnectionCommand).map((call) => ({
    connectionId: call.args[0].input.ConnectionId,
    data: JSON.parse(new TextDecoder().decode(call.args[0].input.Data as Uint8Array)) as unknown,
  }));

describe('ConnectionRegistry (DynamoDB Local)', () => {
  it('keeps connections per user and forgets a removed one', async () => {
    const { connections, ann, bob, id } = aSetup();
    const [ann1, ann2, bob1] = [id('ann1'), id('ann2'), id('bob1')];
    await connections.add(ann1, ann);
    await connections.add(ann2, ann);
    await connections.add(bob1, bob);
    expect((await connections.connectionsOf(ann)).sort()).toEqual([ann1, ann2].sort());
    expect(await connections.connectionsOf(bob)).toEqual([bob1]);

    await connections.remove(ann1);
    expect(await connections.connectionsOf(ann)).toEqual([ann2]);
    expect(await store.get(connectionKey(ann1))).toBeUndefined();
    await connections.remove(ann1);
  });

  it('stores a connection with a TTL at API Gateway’s two-hour limit', async () => {
    const { clock, connections, ann, id } = aSetup();
    const connectionId = id('c');
    await connections.add(connectionId, ann);
    expect(await store.get(connectionKey(connectionId))).toMatchObject({
      kind: 'ws-connection',
      user_id: ann,
      gsi1pk: `WSUSER#${ann}`,
      expires_at: Math.ceil(clock.now() / 1000) + 7200,
    });
  });

  it('ignores a connection past the two-hour limit that TTL has not deleted yet', async () => {
    const { clock, connections, ann, id } = aSetup();
    const stale = id('stale');
    await connections.add(stale, ann);
    clock.advance(3600_000);
    const fresh = id('fresh');
    await connections.add(fresh, ann);
    clock.advance(3600_000 + 1_000);
    expect(await connections.connectionsOf(ann)).toEqual([fresh]);
  });

  it('knows no connections of a user who has none', async () => {
    const { connections } = aSetup();
    expect(await connections.connectionsOf(`usr_${randomUUID()}`)).toEqual([]);
  });
});

describe('ApiGatewayRealtime (management API mocked, registry on DynamoDB Local)', () => {
  it('posts the message to every connection of the named users and to nobody else', async () => {
    const { connections, realtime, ann, bob, id } = aSetup();
    const [ann1, ann2, bob1] = [id('ann1'), id('ann2'), id('bob1')];
    await connections.add(ann1, ann);
    await connections.add(ann2, ann);
    await connections.add(bob1, bob);

    const message = {
      id: 'evt_1',
      type: 'transfer.created',
      time: '2026-01-01T00:00:00.000Z',
      data: { amount: 5 },
    };
    await realtime.push([ann, ann], message);
    expect(
      posts()
        .map((post) => post.connectionId)
        .sort(),
    ).toEqual([ann1, ann2].sort());
    expect(posts().every((post) => JSON.stringify(post.data) === JSON.stringify(message))).toBe(true);

    management.resetHistory();
    await realtime.push([bob], message);
    expect(posts().map((post) => post.connectionId)).toEqual([bob1]);
  });

  it('forgets a connection API Gateway reports gone, and still reaches the others', async () => {
    const { connections, realtime, ann, id } = aSetup();
    const [gone, open] = [id('gone'), id('open')];
    await connections.add(gone, ann);
    await connections.add(open, ann);
    management
      .on(PostToConnectionCommand, { ConnectionId: gone })
      .rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));

    await realtime.push([ann], { type: 'ping', data: null });
    expect(
      posts()
        .map((post) => post.connectionId)
        .sort(),
    ).toEqual([gone, open].sort());
    expect(await connections.connectionsOf(ann)).toEqual([open]);
    expect(await store.get(connectionKey(gone))).toBeUndefined();
  });

  it('logs other failures, keeps the connection and never throws', async () => {
    const { connections, realtime, warnings, ann, id } = aSetup();
    const flaky = id('flaky');
    await connections.add(flaky, ann);
    management.on(PostToConnectionCommand).rejects(new Error('LimitExceededException'));

    await expect(realtime.push([ann], { type: 'ping', data: null })).resolves.toBeUndefined();
    expect(await connections.connectionsOf(ann)).toEqual([flaky]);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'realtime push failed',
        fields: expect.objectContaining({ connection_id: flaky }),
      }),
    ]);
  });

  it('does nothing for users without connections', async () => {
    const { realtime } = aSetup();
    await realtime.push([`usr_${randomUUID()}`], { type: 'ping', data: null });
    expect(posts()).toEqual([]);
  });
});
