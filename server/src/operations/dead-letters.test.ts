import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test/server-process.ts';
import { identityModule } from '../identity/index.ts';
import { ManualClock } from '../kernel/clock.ts';
import { silentLogger } from '../platform/logger.ts';
import { defineModule } from '../platform/module.ts';
import { perMessage } from '../platform/queue.ts';
import { createLocalPlatform, type LocalPlatform } from '../runtime/local/platform.ts';
import { operationsModule } from './index.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const queue = 'probe-jobs';

/**
 * The local runtime with identity, operations and a probe module whose consumer fails the ids
 * in `broken` (one receive each before they are dead-lettered) and records every delivery.
 */
async function localRuntime() {
  const broken = new Set<string>();
  const consumed: string[] = [];
  const probeModule = defineModule({
    name: 'probe',
    consumers: [
      {
        queue,
        handler: () =>
          perMessage(async (message) => {
            consumed.push(message.id);
            if (broken.has(message.id)) throw new Error(`${message.id} is broken`);
          }),
        options: { maxReceives: 1, visibilityTimeoutSeconds: 30 },
        aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: 1, batchSize: 10 },
      },
    ],
  });
  const dataDir = await makeTempDir('sluice-dead-letters-');
  cleanups.push(() => removeDir(dataDir));
  const platform: LocalPlatform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    sqliteWriter: 'inline',
    clock: new ManualClock(Date.UTC(2026, 0, 15)),
    logger: silentLogger,
    modules: [identityModule, operationsModule, probeModule],
    config: { adminEmails: ['admin@example.com'], requireEmailVerification: false },
  });
  cleanups.push(() => platform.stop());

  const call = async (method: string, path: string, token?: string) => {
    const response = await platform.app.request(path, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const signUp = async (email: string) => {
    const response = await platform.app.request('/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery', name: 'someone' }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const admin = await signUp('admin@example.com');
  return { platform, broken, consumed, call, admin, signUp };
}

describe('/v1/admin/dead-letters on the local runtime', () => {
  it('lists a message its consumer kept failing; once fixed, a redrive has it consumed once', async () => {
    const { platform, broken, consumed, call, admin } = await localRuntime();
    broken.add('m1');
    await platform.queue.send(queue, { id: 'm1', body: { order: 7 } });
    await platform.queue.drain();
    expect(consumed).toEqual(['m1']);

    const overview = await call('GET', '/v1/admin/dead-letters', admin);
    expect(overview.status).toBe(200);
    expect(overview.json.data).toEqual([
      {
        module: 'probe',
        queue,
        has_more: false,
        messages: [
          {
            id: 'm1',
            queue,
            module: 'probe',
            body: { order: 7 },
            receive_count: 1,
            sent_at: '2026-01-15T00:00:00.000Z',
            dead_at: '2026-01-15T00:00:00.000Z',
            last_error: 'm1 is broken',
          },
        ],
      },
    ]);
    const shown = await call('GET', `/v1/admin/dead-letters/${queue}/m1`, admin);
    expect([shown.status, shown.json.body]).toEqual([200, { order: 7 }]);

    broken.delete('m1');
    expect(await call('POST', `/v1/admin/dead-letters/${queue}/m1/redrive`, admin)).toEqual({
      status: 200,
      json: { redriven: 1 },
    });
    await platform.queue.drain();
    expect(consumed).toEqual(['m1', 'm1']);
    expect((await call('GET', `/v1/admin/dead-letters/${queue}`, admin)).json).toEqual({
      data: [],
      has_more: false,
      next_cursor: null,
    });
    // Consumed: neither dead nor redrivable any more, and not delivered again.
    const again = await call('POST', `/v1/admin/dead-letters/${queue}/m1/redrive`, admin);
    expect([again.status, again.json.error.code]).toEqual([404, 'not_found']);
    await platform.queue.drain();
    expect(consumed).toEqual(['m1', 'm1']);
  });

  it("redrives a queue's dead letters in one call, and pages through them", async () => {
    const { platform, broken, consumed, call, admin } = await localRuntime();
    for (const id of ['a', 'b', 'c']) {
      broken.add(id);
      await platform.queue.send(queue, { id, body: {} });
    }
    await platform.queue.drain();
    const first = await call('GET', `/v1/admin/dead-letters/${queue}?limit=2`, admin);
    expect(first.json.data.map((letter: { id: string }) => letter.id)).toHaveLength(2);
    expect(first.json.has_more).toBe(true);
    const second = await call(
      'GET',
      `/v1/admin/dead-letters/${queue}?limit=2&starting_after=${first.json.next_cursor}`,
      admin,
    );
    expect(second.json.data).toHaveLength(1);
    expect(second.json.has_more).toBe(false);

    broken.clear();
    expect((await call('POST', `/v1/admin/dead-letters/${queue}/redrive`, admin)).json).toEqual({
      redriven: 3,
    });
    await platform.queue.drain();
    expect(consumed.toSorted()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    expect((await call('GET', `/v1/admin/dead-letters/${queue}`, admin)).json.data).toEqual([]);
  });

  it('refuses callers who are not admins, and answers 4xx for an unknown queue, message or bad limit', async () => {
    const { call, admin, signUp } = await localRuntime();
    const user = await signUp('someone@example.com');
    expect((await call('GET', '/v1/admin/dead-letters', user)).status).toBe(403);
    expect((await call('POST', `/v1/admin/dead-letters/${queue}/redrive`, user)).status).toBe(403);
    expect((await call('GET', '/v1/admin/dead-letters')).status).toBe(401);

    const unknownQueue = await call('GET', '/v1/admin/dead-letters/no-such-queue', admin);
    expect([unknownQueue.status, unknownQueue.json.error.code, unknownQueue.json.error.param]).toEqual([
      404,
      'not_found',
      'queue',
    ]);
    const unknownMessage = await call('GET', `/v1/admin/dead-letters/${queue}/nope`, admin);
    expect([unknownMessage.status, unknownMessage.json.error.param]).toEqual([404, 'id']);
    const badLimit = await call('GET', `/v1/admin/dead-letters/${queue}?limit=0`, admin);
    expect(badLimit.status).toBe(400);
    const badCursor = await call('GET', `/v1/admin/dead-letters/${queue}?starting_after=garbage`, admin);
    expect(badCursor.status).toBe(400);
  });
});
