import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bothStores } from '../../../../test/both-stores.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { closeExpiredConnections, ConnectionRegistry, maxConnectionSeconds } from './apigw-realtime.ts';

// WebSocket connections end with their access token on AWS (issue 26, item 3): `$connect` records
// the token's expiry, and `ws-expire` (every minute) closes what is due through the management
// API. The management API is a cloud edge and is mocked; the connection items are real, on SQLite
// and on DynamoDB Local.

const management = mockClient(ApiGatewayManagementApiClient);
const client = new ApiGatewayManagementApiClient({
  region: 'us-east-1',
  endpoint: 'https://ws.example/test',
});
let closed: string[] = [];
beforeEach(() => {
  closed = [];
  management.reset();
  management.on(DeleteConnectionCommand).callsFake((input: { ConnectionId: string }) => {
    closed.push(input.ConnectionId);
    return {};
  });
});
afterAll(() => management.restore());

describe.each(bothStores('sluice-ws-expiry'))('closing sockets at token expiry (%s)', (_name, open) => {
  async function setup() {
    const clock = new ManualClock(Date.UTC(2026, 11, 5, 12, 0, 30));
    const connections = new ConnectionRegistry({ store: await open(), clock });
    const sweep = () => closeExpiredConnections({ client, connections, logger: silentLogger });
    return { clock, connections, sweep, nowSeconds: () => Math.floor(clock.now() / 1000) };
  }

  it('closes each connection once its token has expired, not before, and stops pushing to it', async () => {
    const { clock, connections, sweep, nowSeconds } = await setup();
    await connections.add('soon=', 'usr_a', { closeAt: nowSeconds() + 90 });
    await connections.add('later=', 'usr_a', { closeAt: nowSeconds() + 900 });
    await connections.add('key=', 'usr_a'); // an API key's stream: no token expiry
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    clock.advance(89_000);
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    clock.advance(1_000);
    expect((await connections.connectionsOf('usr_a')).sort()).toEqual(['key=', 'later=']);
    expect(await sweep()).toEqual({ closed: 1, failed: 0 });
    expect(closed).toEqual(['soon=']);
    clock.advance(15 * 60_000);
    expect(await sweep()).toEqual({ closed: 1, failed: 0 });
    expect(closed).toEqual(['soon=', 'later=']);
    expect(await connections.connectionsOf('usr_a')).toEqual(['key=']);
    // Nothing is closed twice.
    clock.advance(60_000);
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
  });

  it('catches up on the minutes it missed, forgets connections already gone, and retries a failed close', async () => {
    const { clock, connections, sweep, nowSeconds } = await setup();
    await connections.add('gone=', 'usr_b', { closeAt: nowSeconds() + 60 });
    await connections.add('stuck=', 'usr_b', { closeAt: nowSeconds() + 120 });
    await connections.add('left=', 'usr_b', { closeAt: nowSeconds() + 300 });
    await connections.remove('left='); // $disconnect before expiry: nothing left to close
    management
      .on(DeleteConnectionCommand, { ConnectionId: 'gone=' })
      .rejects(new GoneException({ message: 'gone', $metadata: {} }));
    management.on(DeleteConnectionCommand, { ConnectionId: 'stuck=' }).rejectsOnce(new Error('throttled'));
    clock.advance(10 * 60_000); // the schedule did not run for ten minutes
    expect(await sweep()).toEqual({ closed: 1, failed: 1 });
    expect(await sweep()).toEqual({ closed: 1, failed: 0 });
    expect(await connections.connectionsOf('usr_b')).toEqual([]);
  });

  it('keeps no token expiry past API Gateway’s two-hour limit', async () => {
    const { clock, connections, sweep, nowSeconds } = await setup();
    await connections.add('long=', 'usr_c', { closeAt: nowSeconds() + 2 * maxConnectionSeconds });
    clock.advance(maxConnectionSeconds * 1000 + 120_000);
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    expect(await connections.connectionsOf('usr_c')).toEqual([]);
  });
});
