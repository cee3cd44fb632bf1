import { randomBytes, randomUUID } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
  type PostToConnectionCommandInput,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, inject } from 'vitest';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { runRealtimeContract, type RealtimeConnection } from '../../platform/realtime-contract.ts';
import type { RealtimeMessage } from '../../platform/realtime.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { ApiGatewayRealtime, ConnectionRegistry } from './apigw-realtime.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';

// API Gateway's WebSocket API has no local server, so its Management API is the one mocked edge:
// a fake gateway that keeps each connection's messages and answers PostToConnection to a
// connection that is gone with GoneException (HTTP 410), as API Gateway does. The connection
// registry is real, on DynamoDB Local (test/global-setup.ts) in a table of this file's own;
// `connect` and `disconnect` do what the `$connect` and `$disconnect` routes do (add, remove).
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-realtime-contract-${randomUUID()}`;
const store = new DynamoStore({ client: dynamo, tableName });
const management = mockClient(ApiGatewayManagementApiClient);

beforeAll(() => createTableIfMissing(dynamo, tableName));
afterAll(async () => {
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
  management.restore();
});

/** What API Gateway holds per connection: the frames sent to it, and whether its client is still there. */
interface GatewayConnection {
  messages: RealtimeMessage[];
  isGone: boolean;
}

runRealtimeContract('ApiGatewayRealtime (Management API mocked, registry on DynamoDB Local)', async () => {
  const gateway = new Map<string, GatewayConnection>();
  management.reset();
  management.on(PostToConnectionCommand).callsFake(async (input: PostToConnectionCommandInput) => {
    const connection = gateway.get(input.ConnectionId ?? '');
    if (!connection || connection.isGone)
      throw new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } });
    connection.messages.push(
      JSON.parse(new TextDecoder().decode(input.Data as Uint8Array)) as RealtimeMessage,
    );
    return {};
  });
  const connections = new ConnectionRegistry({ store, clock: systemClock });
  const realtime = new ApiGatewayRealtime({
    client: new ApiGatewayManagementApiClient({
      region: 'us-east-1',
      endpoint: 'https://example.execute-api.us-east-1.amazonaws.com/prod',
    }),
    connections,
    logger: silentLogger,
  });

  return {
    realtime,
    async connect(userId): Promise<RealtimeConnection> {
      // API Gateway's connection ids look like `L0SM9cOFvHcCIhw=`.
      const connectionId = randomBytes(10).toString('base64');
      const state: GatewayConnection = { messages: [], isGone: false };
      gateway.set(connectionId, state);
      await connections.add(connectionId, userId);
      return {
        received: () => [...state.messages],
        async disconnect() {
          state.isGone = true;
          await connections.remove(connectionId);
        },
        // `$disconnect` is best effort: here it never ran, so the registry still lists the connection.
        vanish: async () => void (state.isGone = true),
      };
    },
    openConnections: async (userId) => (await connections.connectionsOf(userId)).length,
    // Every PostToConnection has completed when `push` resolves.
    settle: async () => {},
  };
});
