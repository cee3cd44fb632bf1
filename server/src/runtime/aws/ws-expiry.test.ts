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
import { merchantAudience } from '../../platform/realtime.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { createMerchant, memberMayRead } from '../../payments/index.ts';
import { inviteMember, removeMember } from '../../payments/members.ts';
import { defaultConfig } from '../../platform/config.ts';
import { MailboxNotifier } from '../local/mailbox-notifier.ts';
import { apiKeyIsLive, createApiKey, revokeApiKey } from '../../payments/api-keys.ts';
import {
  closeExpiredConnections,
  ConnectionRegistry,
  connectionKey,
  keyStreamsPartition,
  maxConnectionSeconds,
  type StreamKey,
} from './apigw-realtime.ts';

// WebSocket connections end with their access token on AWS (issue 26, item 3): `$connect` records
// the token's expiry, and `ws-expire` (every minute) closes what is due through the management
// API. The management API is a cloud edge and is mocked; the connection items are real, on SQLite
// and on DynamoDB Local. A stream opened with an API key is closed once its key is revoked: the
// keys are the payments module's own, created and revoked through it on the same store.

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
    const store = await open();
    const connections = new ConnectionRegistry({ store, clock });
    // Each key the sweep reads, through the payments module's check (as `ws-expire` wires it).
    const keysRead: string[] = [];
    const keyIsLive = (key: StreamKey) => {
      keysRead.push(key.id);
      return apiKeyIsLive({ store }, key.merchantId, key.id);
    };
    const sweep = () =>
      closeExpiredConnections({ client, connections, logger: silentLogger, apiKeyIsLive: keyIsLive });
    return { clock, store, connections, sweep, keysRead, nowSeconds: () => Math.floor(clock.now() / 1000) };
  }

  /** A merchant with two live API keys, made by the payments module on the test's store. */
  async function merchantWithKeys(deps: Awaited<ReturnType<typeof setup>>) {
    const payments = { store: deps.store, clock: deps.clock };
    const merchant = await createMerchant(payments, 'usr_owner', { name: 'Shop' });
    const keys = [
      await createApiKey(payments, 'usr_owner', merchant.id, { name: 'cli' }),
      await createApiKey(payments, 'usr_owner', merchant.id, { name: 'logs' }),
    ];
    return {
      audience: merchantAudience(merchant.id),
      streamKeys: keys.map((key): StreamKey => ({ id: key.id, merchantId: merchant.id })),
      revoke: (index: number) => revokeApiKey(payments, 'usr_owner', merchant.id, keys[index]!.id),
    };
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

  it('closes and forgets the streams of a revoked API key within a minute, reading each key once', async () => {
    const deps = await setup();
    const { clock, store, connections, sweep, keysRead, nowSeconds } = deps;
    const { audience, streamKeys, revoke } = await merchantWithKeys(deps);
    await connections.add('key0a=', audience, { apiKey: streamKeys[0] });
    await connections.add('key0b=', audience, { apiKey: streamKeys[0] });
    await connections.add('key1=', audience, { apiKey: streamKeys[1] });
    // The same merchant's stream opened with a member's access token: it ends with its token.
    await connections.add('token=', audience, { closeAt: nowSeconds() + 3600 });
    expect(await store.get(connectionKey('key0a='))).toMatchObject({ api_key_id: streamKeys[0]!.id });
    expect(JSON.stringify(await store.get(connectionKey('key0a=')))).not.toContain('sk_test_');

    // Both keys live: every stream stays, and each key was read once.
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    expect(closed).toEqual([]);
    expect(keysRead.sort()).toEqual(streamKeys.map((key) => key.id).sort());

    await revoke(0);
    clock.advance(60_000);
    keysRead.length = 0;
    expect(await sweep()).toEqual({ closed: 2, failed: 0 });
    expect(closed.sort()).toEqual(['key0a=', 'key0b=']);
    expect(keysRead.sort()).toEqual(streamKeys.map((key) => key.id).sort());
    expect((await connections.connectionsOf(audience)).sort()).toEqual(['key1=', 'token=']);
    expect(await store.get(connectionKey('key0a='))).toBeUndefined();
    expect((await connections.keyStreams()).map((stream) => stream.connectionId)).toEqual(['key1=']);

    // Forgotten: nothing is closed twice, and the revoked key is not read again.
    keysRead.length = 0;
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    expect(keysRead).toEqual([streamKeys[1]!.id]);
  });

  it('closes a merchant stream opened with a member’s token once they leave the team, within a minute', async () => {
    const { clock, store, connections, nowSeconds } = await setup();
    // The team is the payments module's own, its people the local identity's, on the test's store.
    const config = { ...defaultConfig, requireEmailVerification: false };
    const notifier = new MailboxNotifier({ store, clock });
    const identity = createLocalIdentity({ store, clock, config, logger: silentLogger, notifier });
    const deps = { store, clock, identity, notifier };
    const person = async (email: string) => {
      const session = await identity.signUp({ email, password: 'correct horse battery staple', name: email });
      return { userId: session.user.id, email };
    };
    const owner = await person('owner@example.com');
    const pat = await person('pat@example.com');
    const merchant = await createMerchant(deps, owner.userId, { name: 'Team shop' }, owner.email);
    const invited = await inviteMember(deps, merchant.id, owner, { email: pat.email, role: 'viewer' });
    const audience = merchantAudience(merchant.id);
    await connections.add('pat=', audience, {
      closeAt: nowSeconds() + 900,
      member: { merchantId: merchant.id, ...pat },
    });
    await connections.add('owner=', audience, {
      closeAt: nowSeconds() + 900,
      member: { merchantId: merchant.id, ...owner },
    });
    const checked: string[] = [];
    const sweep = () =>
      closeExpiredConnections({
        client,
        connections,
        logger: silentLogger,
        memberMayRead: (member) => {
          checked.push(member.userId);
          return memberMayRead(deps, member.merchantId, member);
        },
      });
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    expect(checked.sort()).toEqual([owner.userId, pat.userId].sort());

    await removeMember(deps, merchant.id, owner, invited.id);
    clock.advance(60_000);
    expect(await sweep()).toEqual({ closed: 1, failed: 0 });
    expect(closed).toEqual(['pat=']);
    expect(await connections.connectionsOf(audience)).toEqual(['owner=']);
    expect((await connections.memberStreams()).map((stream) => stream.connectionId)).toEqual(['owner=']);
  });

  it('never reads a key for a user stream or an access-token stream', async () => {
    const { clock, connections, sweep, keysRead, nowSeconds } = await setup();
    await connections.add('user=', 'usr_d', { closeAt: nowSeconds() + 3600 });
    await connections.add('merchant-token=', merchantAudience('mer_x'), { closeAt: nowSeconds() + 3600 });
    clock.advance(60_000);
    expect(await sweep()).toEqual({ closed: 0, failed: 0 });
    expect(keysRead).toEqual([]);
    expect(closed).toEqual([]);
    expect(await connections.connectionsOf('usr_d')).toEqual(['user=']);
  });

  it('closes a stream whose key is gone, takes a stream already gone as closed, and forgets the listing on $disconnect', async () => {
    const deps = await setup();
    const { store, connections, sweep } = deps;
    const { audience, streamKeys, revoke } = await merchantWithKeys(deps);
    await connections.add('ghost=', audience, { apiKey: { id: 'key_never_made', merchantId: 'mer_none' } });
    await connections.add('left=', audience, { apiKey: streamKeys[0] });
    await connections.add('dropped=', audience, { apiKey: streamKeys[1] });
    await connections.remove('left='); // $disconnect: its listing goes with it
    expect(await store.query({ partition: keyStreamsPartition })).toMatchObject({
      items: [{ sk: 'dropped=' }, { sk: 'ghost=' }],
    });
    management
      .on(DeleteConnectionCommand, { ConnectionId: 'dropped=' })
      .rejects(new GoneException({ message: 'gone', $metadata: {} }));
    await revoke(1);
    expect(await sweep()).toEqual({ closed: 2, failed: 0 });
    expect(closed).toEqual(['ghost=']);
    expect(await connections.connectionsOf(audience)).toEqual([]);
    expect((await store.query({ partition: keyStreamsPartition })).items).toEqual([]);
  });
});
