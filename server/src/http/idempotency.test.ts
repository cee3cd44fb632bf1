import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ManualClock } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { eventKey, eventRetentionStore, outboxPut } from '../platform/outbox.ts';
import type { Store, WriteOperation } from '../platform/store.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { bothStores } from '../../../test/both-stores.ts';
import type { AppEnv } from './context.ts';
import {
  hashedKeysSinceKey,
  idempotencyMiddleware,
  idempotencyRecordKey,
  legacyRecordKey,
  withResponsesByReference,
} from './idempotency.ts';

const stores: SqliteStore[] = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const store of [...stores.splice(0), ...opened.splice(0)]) await store.close();
});

/**
 * An app behind the middleware (scope `user_1`, a one-hour retention; `claimFirst` false: keys
 * held in the effect's transaction), for a route on `/things`, and a keyed POST to it.
 */
function keyedApp(store: Store, clock: ManualClock, claimFirst = true) {
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    idempotencyMiddleware({
      store,
      clock,
      scopeOf: () => 'user_1',
      retentionSeconds: 3600,
      claimFirst: () => claimFirst,
    }),
  );
  const post = (key: string, body: unknown, query = '') =>
    app.request(`/things${query}`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { app, post };
}

/** The fingerprint a record stores for a POST to `/things` with `body` (the middleware has no key). */
function fingerprintOf(body: string): string {
  return createHash('sha256').update(`POST /things\n${body}`).digest().subarray(0, 16).toString('base64url');
}

/**
 * What `store` is asked from now on: each transaction as its keys joined by ` + `, each read's
 * partition key.
 */
function recordCalls(store: Store): { writes: string[]; reads: string[] } {
  const writes: string[] = [];
  const reads: string[] = [];
  const transact = store.transact.bind(store);
  const get = store.get.bind(store);
  store.transact = (operations) => {
    writes.push(operations.map((o) => (o.type === 'put' ? o.item.pk : o.key.pk)).join(' + '));
    return transact(operations);
  };
  store.get = (key) => {
    reads.push(key.pk);
    return get(key);
  };
  return { writes, reads };
}

/**
 * A completed 201 record under key `old` as an older release wrote it, under the older key
 * layout (`fields` says how, and may name another key).
 */
async function putOlderRecord(store: Store, clock: ManualClock, fields: Record<string, unknown>) {
  await store.transact([
    {
      type: 'put',
      item: {
        pk: 'IDEM#user_1#old',
        sk: 'IDEM',
        entity: 'idempotency_record',
        state: 'complete',
        created_at: clock.now(),
        expires_at: Math.floor(clock.now() / 1000) + 3600,
        response_status: 201,
        ...fields,
      },
    },
  ]);
}

/** An app whose one route counts its calls, behind the middleware with a one-hour retention. */
function counterApp() {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  const clock = new ManualClock();
  let calls = 0;
  const { app, post } = keyedApp(store, clock);
  app.post('/things', (c) => c.json({ call: ++calls }, 201));
  return { store, clock, post };
}

describe('idempotency records past their retention', () => {
  it('replays a key within its retention and writes expires_at at the configured retention', async () => {
    const { store, clock, post } = counterApp();
    expect(await (await post('k1', { a: 1 })).json()).toEqual({ call: 1 });
    const replay = await post('k1', { a: 1 });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toEqual({ call: 1 });
    const record = await store.get(idempotencyRecordKey('user_1', 'k1'));
    expect(record?.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
  });

  it('treats a record past its expires_at as absent even before TTL deletes it: the key runs afresh', async () => {
    const { store, clock, post } = counterApp();
    await post('k1', { a: 1 });
    clock.advance(3600 * 1000);
    // Still stored (nothing swept it), but expired: neither a replay nor a reuse error.
    expect(await store.get(idempotencyRecordKey('user_1', 'k1'))).toBeDefined();
    const again = await post('k1', { a: 2 });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await again.json()).toEqual({ call: 2 });
    // The new record has a retention of its own, and replays.
    const replay = await post('k1', { a: 2 });
    expect(await replay.json()).toEqual({ call: 2 });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('still refuses a reused key one second before its retention ends', async () => {
    const { clock, post } = counterApp();
    await post('k1', { a: 1 });
    clock.advance(3599 * 1000);
    const reused = await post('k1', { a: 2 });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
  });
});

describe('stored responses', () => {
  it('keeps the body as a JSON value, and replays it as the same JSON', async () => {
    const { store, post } = counterApp();
    const first = await post('k1', { a: 1 });
    const record = await store.get(idempotencyRecordKey('user_1', 'k1'));
    expect(record).toMatchObject({ state: 'complete', status: 201, response: { call: 1 } });
    expect(record).not.toHaveProperty('response_body');
    const replay = await post('k1', { a: 1 });
    expect(replay.status).toBe(201);
    expect(await replay.text()).toBe(await first.text());
  });

  it('replays a record written before bodies were values (its text) as it was', async () => {
    const { store, clock, post } = counterApp();
    // The request's fingerprint, from a record the middleware writes for the same request.
    await post('probe', { a: 1 });
    const fingerprint = (await store.get(idempotencyRecordKey('user_1', 'probe')))?.fp;
    await putOlderRecord(store, clock, {
      fingerprint,
      response_body: '{"call":41}',
      completed_at: clock.now(),
    });
    const replay = await post('old', { a: 1 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.text()).toBe('{"call":41}');
  });

  it('answers a record an older release commits under the older key while this request claims it', async () => {
    const { store, clock, post } = counterApp();
    const claimed = idempotencyRecordKey('user_1', 'k2').pk;
    const transact = store.transact.bind(store);
    store.transact = async (operations) => {
      if (operations.some((o) => o.type === 'put' && o.item.pk === claimed)) {
        store.transact = transact;
        await putOlderRecord(store, clock, {
          ...legacyRecordKey('user_1', 'k2'),
          fingerprint: fingerprintOf('{"a":1}'),
          response: { call: 41 },
        });
      }
      return transact(operations);
    };
    const raced = await post('k2', { a: 1 });
    expect(raced.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await raced.json()).toEqual({ call: 41 });
    // The handler never ran, and the key was not taken under its new layout.
    expect(await (await post('k3', { a: 1 })).json()).toEqual({ call: 1 });
    expect(await store.get({ pk: claimed, sk: 'IDEM' })).toBeUndefined();
  });

  it('takes over a stale claim an older release left under the older key for the same request', async () => {
    const { store, clock, post } = counterApp();
    await putOlderRecord(store, clock, {
      state: 'in_progress',
      fingerprint: fingerprintOf('{"a":1}'),
      lock_id: 'older-request',
      locked_until: clock.now() + 60_000,
    });
    const busy = await post('old', { a: 1 });
    expect(busy.status).toBe(409);
    clock.advance(60_001);
    expect(await (await post('old', { a: 2 })).json()).toMatchObject({
      error: { code: 'idempotency_key_reused' },
    });
    const taken = await post('old', { a: 1 });
    expect(taken.status).toBe(201);
    expect(await taken.json()).toEqual({ call: 1 });
    expect((await post('old', { a: 1 })).headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('answers a key in flight with 409, and takes over a stale lock of the same request', async () => {
    const { store, clock, post } = counterApp();
    const nowSeconds = Math.floor(clock.now() / 1000);
    // The request's fingerprint, from a record the middleware writes for the same request.
    await post('probe', { a: 1 });
    const fingerprint = (await store.get(idempotencyRecordKey('user_1', 'probe')))?.fp;
    await store.transact([
      {
        type: 'put',
        item: {
          ...idempotencyRecordKey('user_1', 'busy'),
          entity: 'idempotency_record',
          state: 'in_progress',
          fp: fingerprint,
          lock_id: 'another-request',
          locked_until: clock.now() + 60_000,
          created_at: clock.now(),
          expires_at: nowSeconds + 3600,
        },
      },
    ]);
    const busy = await post('busy', { a: 1 });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: 'idempotency_key_in_progress' } });
    clock.advance(60_001);
    const taken = await post('busy', { a: 1 });
    expect(taken.status).toBe(201);
    expect(await taken.json()).toEqual({ call: 2 });
  });
});

describe.each(bothStores('sluice-idempotency'))(
  'keys held in the effect’s transaction, no claim first (%s)',
  (_name, open) => {
    /**
     * An app whose POST /things writes one item per call with its idempotency record, in one
     * transaction, as the money routes do; `?fail=402` answers that status without writing.
     */
    async function transactionalApp() {
      const store = await open();
      opened.push(store);
      const clock = new ManualClock();
      let calls = 0;
      const { app, post } = keyedApp(store, clock, false);
      app.post('/things', async (c) => {
        const call = ++calls;
        const fail = c.req.query('fail');
        if (fail) return c.json({ error: { code: 'nope', call } }, Number(fail) as 402);
        // `?decline=1`: a refusal recorded with its effect, as a declined payment is.
        const status = c.req.query('decline') ? 402 : 201;
        const body =
          status === 402 ? { error: { code: 'declined', thing: `thing_${call}` } } : { id: `thing_${call}` };
        // `?older=1`: an older release (another process, mid-upgrade) commits the same request
        // under the older key between the middleware's look there and this transaction.
        if (c.req.query('older'))
          await putOlderRecord(store, clock, {
            ...legacyRecordKey('user_1', c.req.header('Idempotency-Key')!),
            fingerprint: fingerprintOf(await c.req.text()),
            response: { id: 'thing_older' },
          });
        try {
          await store.transact([
            { type: 'put', item: { pk: `THING#${call}`, sk: 'THING' } },
            ...c.var.idempotency!.record(status, body),
          ]);
        } catch {
          return c.json({ error: { code: 'conflict' } }, 409);
        }
        return c.json(body, status);
      });
      // The items written, of every call made.
      const things = async () => {
        const found: string[] = [];
        for (let call = 1; call <= calls; call++)
          if (await store.get({ pk: `THING#${call}`, sk: 'THING' })) found.push(`THING#${call}`);
        return found;
      };
      return { store, clock, post, things, calls: () => calls };
    }

    it('writes the record once, with the effect: no claim before it', async () => {
      const { store, post, things } = await transactionalApp();
      const { writes, reads } = recordCalls(store);
      const first = await post('k1', { a: 1 });
      expect(first.status).toBe(201);
      // Nothing read on the way: not the key, not its older layout (only the window's start).
      expect(reads.filter((pk) => pk !== hashedKeysSinceKey.pk)).toEqual([]);
      // While records under the older key may live (a new store: its first hour), the
      // transaction checks that key too; the first keyed request says since when.
      expect(writes).toEqual([
        hashedKeysSinceKey.pk,
        `THING#1 + ${idempotencyRecordKey('user_1', 'k1').pk} + ${legacyRecordKey('user_1', 'k1').pk}`,
      ]);
      expect(await things()).toEqual(['THING#1']);
      expect(idempotencyRecordKey('user_1', 'k1').pk).toMatch(/^IDEM#[\w-]{22}$/);
    });

    it('stops checking the older key once records written under it have all expired', async () => {
      const { store, clock, post } = await transactionalApp();
      await post('k1', { a: 1 });
      clock.advance(3600 * 1000 - 1);
      const { writes } = recordCalls(store);
      await post('k2', { a: 1 });
      clock.advance(1);
      await post('k3', { a: 1 });
      expect(writes).toEqual([
        `THING#2 + ${idempotencyRecordKey('user_1', 'k2').pk} + ${legacyRecordKey('user_1', 'k2').pk}`,
        `THING#3 + ${idempotencyRecordKey('user_1', 'k3').pk}`,
      ]);
    });

    it('answers what an older release stored under the older key, before or during the request', async () => {
      const { store, clock, post, things } = await transactionalApp();
      await putOlderRecord(store, clock, {
        fingerprint: fingerprintOf('{"a":1}'),
        response: { id: 'thing_0' },
      });
      const before = await post('old', { a: 1 });
      expect(before.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await before.json()).toEqual({ id: 'thing_0' });
      const reused = await post('old', { a: 2 });
      expect(reused.status).toBe(422);
      // Committed there while this request ran: its transaction fails on the check, moves
      // nothing, and answers the older release's response.
      const during = await post('k2', { a: 1 }, '?older=1');
      expect(during.status).toBe(201);
      expect(during.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await during.json()).toEqual({ id: 'thing_older' });
      expect(await things()).toEqual([]);
      expect(await store.get(idempotencyRecordKey('user_1', 'k2'))).toBeUndefined();
    });

    it('20 twins at once: each answers the one effect that committed', async () => {
      const { post, things } = await transactionalApp();
      const answers = await Promise.all(Array.from({ length: 20 }, () => post('k1', { a: 1 })));
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 201));
      const bodies = await Promise.all(answers.map((answer) => answer.json()));
      expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
      expect(answers.filter((answer) => answer.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(
        19,
      );
      expect(await things()).toHaveLength(1);
    });

    it('a retry replays; the key with another request is refused (422) and changes nothing', async () => {
      const { post, things } = await transactionalApp();
      const first = await post('k1', { a: 1 });
      const replay = await post('k1', { a: 1 });
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await replay.text()).toBe(await first.text());
      const other = await post('k1', { a: 2 });
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({
        error: { code: 'idempotency_key_reused', param: 'Idempotency-Key' },
      });
      expect(await things()).toEqual(['THING#1']);
    });

    it('stores a client error as it was answered, and never a server error', async () => {
      const { post, things } = await transactionalApp();
      const declined = await post('k1', { a: 1 }, '?fail=402');
      expect(declined.status).toBe(402);
      const replay = await post('k1', { a: 1 }, '?fail=402');
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await replay.json()).toEqual({ error: { code: 'nope', call: 1 } });

      expect((await post('k2', { a: 1 }, '?fail=503')).status).toBe(503);
      const retried = await post('k2', { a: 1 }, '?fail=503');
      expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
      expect(await things()).toEqual([]);
    });

    it('answers a refusal recorded with its effect as itself, then replays it', async () => {
      const { post, things } = await transactionalApp();
      const first = await post('k1', { a: 1 }, '?decline=1');
      expect(first.status).toBe(402);
      expect(first.headers.get('Idempotent-Replayed')).toBeNull();
      const again = await post('k1', { a: 1 }, '?decline=1');
      expect(again.headers.get('Idempotent-Replayed')).toBe('true');
      // The same JSON; DynamoDB gives a map's keys back in another order, so not the same text.
      expect(await again.json()).toEqual(await first.json());
      expect(await things()).toEqual(['THING#1']);
    });

    it('takes over a record past its retention', async () => {
      const { clock, post, things } = await transactionalApp();
      await post('k1', { a: 1 });
      clock.advance(3600 * 1000);
      const again = await post('k1', { a: 2 });
      expect(again.status).toBe(201);
      expect(again.headers.get('Idempotent-Replayed')).toBeNull();
      expect(await things()).toEqual(['THING#1', 'THING#2']);
    });
  },
);

describe('a response stored as a reference to its event', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  const eventWith = (data: Record<string, unknown>, retentionSeconds?: number) =>
    outboxPut(createEvent({ type: 'thing.created', source: 'test', subject: 's', data, now }), {
      ...(retentionSeconds !== undefined ? { retentionSeconds } : {}),
    });
  const recordPut = (response: unknown, expiresAt = Math.floor(now / 1000) + 3600): WriteOperation => ({
    type: 'put',
    item: {
      pk: 'IDEM#user_1#k',
      sk: 'IDEM',
      entity: 'idempotency_record',
      fingerprint: 'f',
      state: 'complete',
      response_status: 201,
      response,
      expires_at: expiresAt,
    },
  });
  const itemOf = (operation: WriteOperation | undefined) =>
    operation?.type === 'put' ? operation.item : undefined;

  it('keeps the event’s field in place of a second copy, when the JSON is identical', () => {
    const event = eventWith({ other: { id: 'x' }, thing: { id: 'thing_1', amount: 5 } });
    const folded = withResponsesByReference([event, recordPut({ id: 'thing_1', amount: 5 })]);
    const record = itemOf(folded[1]);
    expect(record).not.toHaveProperty('response');
    const { event: envelope } = itemOf(event) as unknown as { event: { id: string } };
    expect(record?.ref).toBe(`${envelope.id}.thing`);
    expect(itemOf(folded[0])).toBe(itemOf(event));
  });

  it('stores the copy when the event differs, is kept for less time, or there is none', () => {
    const record = recordPut({ id: 'thing_1', amount: 5 });
    const cases: WriteOperation[][] = [
      [eventWith({ thing: { id: 'thing_1', amount: 6 } }), record],
      // The same fields in another order would replay other bytes than were answered.
      [eventWith({ thing: { amount: 5, id: 'thing_1' } }), record],
      [eventWith({ thing: { id: 'thing_1', amount: 5 } }, 3599), record],
      [record],
    ];
    for (const operations of cases) expect(withResponsesByReference(operations)).toBe(operations);
  });

  it('leaves a record completed by update (a key claimed first) as it is', () => {
    const update: WriteOperation = {
      type: 'update',
      key: idempotencyRecordKey('user_1', 'k'),
      set: { state: 'complete', response: { id: 'thing_1' } },
    };
    const operations = [eventWith({ thing: { id: 'thing_1' } }), update];
    expect(withResponsesByReference(operations)).toBe(operations);
  });

  /** The transactional route of the tests above, writing its effect's event, through a folding store. */
  function eventfulApp() {
    const sqlite = new SqliteStore(':memory:');
    stores.push(sqlite);
    const store: Store = eventRetentionStore(sqlite, 30 * 24 * 3600, withResponsesByReference);
    const clock = new ManualClock(now);
    let calls = 0;
    const { app, post } = keyedApp(store, clock, false);
    app.post('/things', async (c) => {
      const thing = { id: `thing_${++calls}`, amount: 5, note: null };
      const event = createEvent({
        type: 'thing.created',
        source: 'test',
        subject: thing.id,
        data: { thing: { ...thing } },
        now: clock.now(),
      });
      try {
        await store.transact([
          { type: 'put', item: { pk: `THING#${calls}`, sk: 'THING' } },
          outboxPut(event),
          ...c.var.idempotency!.record(201, thing),
        ]);
      } catch {
        return c.json({ error: { code: 'conflict' } }, 409);
      }
      return c.json(thing, 201);
    });
    return { store, post, calls: () => calls };
  }

  it('replays byte for byte from the event, and 20 twins all answer the one effect', async () => {
    const { store, post } = eventfulApp();
    const first = await post('k1', { a: 1 });
    expect(first.status).toBe(201);
    const answered = await first.text();
    const record = await store.get(idempotencyRecordKey('user_1', 'k1'));
    expect(record).not.toHaveProperty('response');
    expect(record?.ref).toMatch(/^evt_\w+\.thing$/);
    const replay = await post('k1', { a: 1 });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.text()).toBe(answered);
    // A record an older release wrote, its reference an object: replays the same.
    await putOlderRecord(store, new ManualClock(now), {
      fingerprint: fingerprintOf('{"a":1}'),
      response_ref: { event: String(record?.ref).split('.')[0], field: 'thing' },
    });
    const older = await post('old', { a: 1 });
    expect(older.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await older.text()).toBe(answered);
    expect((await post('k1', { a: 2 })).status).toBe(422);

    const twins = await Promise.all(Array.from({ length: 20 }, () => post('k2', { a: 1 })));
    const bodies = new Set(await Promise.all(twins.map((twin) => twin.text())));
    expect(twins.map((twin) => twin.status)).toEqual(Array.from({ length: 20 }, () => 201));
    expect(bodies.size).toBe(1);
    expect(twins.filter((twin) => twin.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(19);
  });

  it('fails loudly rather than answer something else when the event is gone', async () => {
    const { store, post, calls } = eventfulApp();
    await post('k1', { a: 1 });
    const record = await store.get(idempotencyRecordKey('user_1', 'k1'));
    await store.transact([{ type: 'delete', key: eventKey(String(record?.ref).split('.')[0]!) }]);
    // A server error (the app's error handler logs it), not a replay of something else, and
    // not a second effect.
    const replay = await post('k1', { a: 1 });
    expect(replay.status).toBe(500);
    expect(replay.headers.get('Idempotent-Replayed')).toBeNull();
    // The handler ran again (no claim first), but its transaction was refused on the key.
    expect(calls()).toBe(2);
    expect(await store.get({ pk: 'THING#2', sk: 'THING' })).toBeUndefined();
  });
});

describe('request fingerprints', () => {
  it('stores 22 characters, and still matches a record holding the full hex digest of before', async () => {
    const { store, clock, post } = counterApp();
    await post('k1', { a: 1 });
    const fingerprint = (await store.get(idempotencyRecordKey('user_1', 'k1')))?.fp;
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The middleware of this test has no fingerprint key: a plain SHA-256 of method, path and body.
    const hex = createHash('sha256').update('POST /things\n{"a":1}').digest('hex');
    expect(Buffer.from(hex, 'hex').subarray(0, 16).toString('base64url')).toBe(fingerprint);
    await putOlderRecord(store, clock, { fingerprint: hex, response: { call: 41 } });
    const replay = await post('old', { a: 1 });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toEqual({ call: 41 });
    expect((await post('old', { a: 2 })).status).toBe(422);
  });
});
