import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import type { AppEnv } from './context.ts';
import { idempotencyMiddleware } from './idempotency.ts';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** An app whose one route counts its calls, behind the middleware with a one-hour retention. */
function counterApp() {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  const clock = new ManualClock();
  let calls = 0;
  const app = new Hono<AppEnv>();
  app.use('*', idempotencyMiddleware({ store, clock, scopeOf: () => 'user_1', retentionSeconds: 3600 }));
  app.post('/things', (c) => c.json({ call: ++calls }, 201));
  const post = (key: string, body: unknown) =>
    app.request('/things', {
      method: 'POST',
      headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { store, clock, post };
}

describe('idempotency records past their retention', () => {
  it('replays a key within its retention and writes expires_at at the configured retention', async () => {
    const { store, clock, post } = counterApp();
    expect(await (await post('k1', { a: 1 })).json()).toEqual({ call: 1 });
    const replay = await post('k1', { a: 1 });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toEqual({ call: 1 });
    const record = await store.get({ pk: 'IDEM#user_1#k1', sk: 'IDEM' });
    expect(record?.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600);
  });

  it('treats a record past its expires_at as absent even before TTL deletes it: the key runs afresh', async () => {
    const { store, clock, post } = counterApp();
    await post('k1', { a: 1 });
    clock.advance(3600 * 1000);
    // Still stored (nothing swept it), but expired: neither a replay nor a reuse error.
    expect(await store.get({ pk: 'IDEM#user_1#k1', sk: 'IDEM' })).toBeDefined();
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
    const record = await store.get({ pk: 'IDEM#user_1#k1', sk: 'IDEM' });
    expect(record).toMatchObject({ state: 'complete', response_status: 201, response: { call: 1 } });
    expect(record).not.toHaveProperty('response_body');
    const replay = await post('k1', { a: 1 });
    expect(replay.status).toBe(201);
    expect(await replay.text()).toBe(await first.text());
  });

  it('replays a record written before bodies were values (its text) as it was', async () => {
    const { store, clock, post } = counterApp();
    // The request's fingerprint, from a record the middleware writes for the same request.
    await post('probe', { a: 1 });
    const fingerprint = (await store.get({ pk: 'IDEM#user_1#probe', sk: 'IDEM' }))?.fingerprint;
    const nowSeconds = Math.floor(clock.now() / 1000);
    await store.transact([
      {
        type: 'put',
        item: {
          pk: 'IDEM#user_1#old',
          sk: 'IDEM',
          entity: 'idempotency_record',
          state: 'complete',
          fingerprint,
          created_at: clock.now(),
          expires_at: nowSeconds + 3600,
          response_status: 201,
          response_body: '{"call":41}',
          completed_at: clock.now(),
        },
      },
    ]);
    const replay = await post('old', { a: 1 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.text()).toBe('{"call":41}');
  });

  it('answers a key in flight with 409, and takes over a stale lock of the same request', async () => {
    const { store, clock, post } = counterApp();
    const nowSeconds = Math.floor(clock.now() / 1000);
    // The request's fingerprint, from a record the middleware writes for the same request.
    await post('probe', { a: 1 });
    const fingerprint = (await store.get({ pk: 'IDEM#user_1#probe', sk: 'IDEM' }))?.fingerprint;
    await store.transact([
      {
        type: 'put',
        item: {
          pk: 'IDEM#user_1#busy',
          sk: 'IDEM',
          entity: 'idempotency_record',
          state: 'in_progress',
          fingerprint,
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

describe('keys held in the effect’s transaction (no claim first)', () => {
  /**
   * An app whose POST /things writes one item per call with its idempotency record, in one
   * transaction, as the money routes do; `?fail=402` answers that status without writing.
   */
  function transactionalApp() {
    const store = new SqliteStore(':memory:');
    stores.push(store);
    const clock = new ManualClock();
    let calls = 0;
    const app = new Hono<AppEnv>();
    app.use(
      '*',
      idempotencyMiddleware({
        store,
        clock,
        scopeOf: () => 'user_1',
        retentionSeconds: 3600,
        claimFirst: () => false,
      }),
    );
    app.post('/things', async (c) => {
      const call = ++calls;
      const fail = c.req.query('fail');
      if (fail) return c.json({ error: { code: 'nope', call } }, Number(fail) as 402);
      // `?decline=1`: a refusal recorded with its effect, as a declined payment is.
      const status = c.req.query('decline') ? 402 : 201;
      const body =
        status === 402 ? { error: { code: 'declined', thing: `thing_${call}` } } : { id: `thing_${call}` };
      try {
        await store.transact([
          { type: 'put', item: { pk: `THING#${call}`, sk: 'THING' } },
          c.var.idempotency!.record(status, body),
        ]);
      } catch {
        return c.json({ error: { code: 'conflict' } }, 409);
      }
      return c.json(body, status);
    });
    const post = (key: string, body: unknown, query = '') =>
      app.request(`/things${query}`, {
        method: 'POST',
        headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
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
    const { store, post, things } = transactionalApp();
    const writes: string[] = [];
    const transact = store.transact.bind(store);
    store.transact = (operations) => {
      writes.push(operations.map((o) => (o.type === 'put' ? o.item.pk : o.key.pk)).join(' + '));
      return transact(operations);
    };
    const first = await post('k1', { a: 1 });
    expect(first.status).toBe(201);
    expect(writes).toEqual(['THING#1 + IDEM#user_1#k1']);
    expect(await things()).toEqual(['THING#1']);
  });

  it('20 twins at once: each answers the one effect that committed', async () => {
    const { post, things } = transactionalApp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('k1', { a: 1 })));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(19);
    expect(await things()).toHaveLength(1);
  });

  it('a retry replays; the key with another request is refused (422) and changes nothing', async () => {
    const { post, things } = transactionalApp();
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
    const { post, things } = transactionalApp();
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
    const { post, things } = transactionalApp();
    const first = await post('k1', { a: 1 }, '?decline=1');
    expect(first.status).toBe(402);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const again = await post('k1', { a: 1 }, '?decline=1');
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(await things()).toEqual(['THING#1']);
  });

  it('takes over a record past its retention', async () => {
    const { clock, post, things } = transactionalApp();
    await post('k1', { a: 1 });
    clock.advance(3600 * 1000);
    const again = await post('k1', { a: 2 });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await things()).toEqual(['THING#1', 'THING#2']);
  });
});
