import { createHash, createHmac, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { isOutboxItem, readEvent } from '../platform/outbox.ts';
import {
  isTransactionCanceled,
  type Condition,
  type Item,
  type ItemKey,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import type { AppEnv } from './context.ts';
import { errorResponse } from './errors.ts';

/**
 * Idempotency keys, as ARCHITECTURE.md defines them: a replay returns the stored status and body
 * with `Idempotent-Replayed: true`; the same key with another request → 422
 * `idempotency_key_reused`; the same key still in flight → 409 `idempotency_key_in_progress`;
 * records live 24 h or more and are scoped to the caller.
 *
 * A route that moves money asks `c.var.idempotency.record(status, body)` for the write that
 * completes the record and commits it in the same store transaction as its effect, so a crash
 * can never leave the effect without its record (or the reverse). Other routes get their record
 * written by the middleware after the handler returns.
 *
 * Two ways to hold a key:
 * - **Claimed first** (the default): a transaction of its own takes the key before the handler
 *   runs; a twin arriving meanwhile gets 409 `idempotency_key_in_progress`. For routes that call
 *   a provider or commit more than one transaction.
 * - **In the effect's transaction** (`claimFirst` false): no claim; the record is put with the
 *   effect on condition that the key is free. Twins both run, one commits, and the other's
 *   transaction fails on the key and answers the winner's response. One transaction fewer per
 *   request, and the record is written once at its final size.
 */
export interface Idempotency {
  /**
   * The writes completing this key's record with the response; put them in the effect's
   * transaction. Besides the record, while records written under the older key layout may live,
   * a check that the key is not held there (`legacyRecordKey`).
   */
  record(status: number, body: unknown): WriteOperation[];
  /**
   * Marks more response fields as secret (beyond `secretResponseFields`): the stored response
   * holds them as null, and a replay says so in `Idempotent-Redacted`.
   */
  redact(...fields: string[]): void;
  /** Whether `record` was used (then the middleware writes nothing more). */
  readonly recorded: boolean;
}

const keyHeaders = ['Idempotency-Key', 'X-Idempotency-Key'];
/**
 * Response fields that are never stored: a secret shown once (an API key's `sk_test_…`, a webhook
 * endpoint's `whsec_…`, tokens) must not sit in an idempotency record for 48 h and come back on
 * every replay. A replay answers the same status and body with these fields set to null and
 * names them in the `Idempotent-Redacted` header (comma-separated), as the routes document.
 */
export const secretResponseFields: readonly string[] = ['secret', 'refresh_token', 'access_token'];
/** The replay header naming the fields that were redacted from the stored response. */
export const redactedHeader = 'Idempotent-Redacted';
/** The default retention (`Config.idempotencyRetentionSeconds`): past it, the key may be used afresh. */
export const idempotencyRetentionSeconds = 48 * 3600;
/** How long a request may hold a key before another attempt may take it over. */
const lockMilliseconds = 60_000;
/**
 * A record is known by its key (`IDEM#…` / `IDEM`). It holds `fp` (the request's fingerprint),
 * `status` and the response: `response` (its JSON value) or `ref` (`<event id>.<field>`: that
 * field of an event's data, `withResponsesByReference`), `redacted_fields` when some were; a
 * claim also `state`, `lock_id` and `locked_until`; and `expires_at`, less the retention when it
 * was written. Records written before hold `fingerprint`, `response_status`, `response_ref`
 * (`{ event, field }`) or `response_body` (the text), and some `entity` and `created_at`: they
 * read the same (`heldOf`).
 */
const recordPrefix = 'IDEM#';
const recordSort = 'IDEM';
/** A stored response kept as a field of an event's data, as records before `ref` held it. */
const responseRefSchema = z.object({ event: z.string(), field: z.string() });

/**
 * The key of the record for `key` sent by `scope`: `IDEM#` and the first 16 bytes of the SHA-256
 * of both, in base64url (22 characters). A client's key is up to 255 characters (a UUID is 36)
 * and the scope ~35, and the key is stored twice (the row and the primary index): hashed, a
 * record's key takes 27 bytes whatever the client sends. 128 bits keep two scopes' keys apart;
 * a client choosing keys can only make its own collide, which takes ~2^64 tries.
 *
 * @example idempotencyRecordKey('user:usr_…', '4f1c…') // { pk: 'IDEM#Xb3…', sk: 'IDEM' }
 */
export function idempotencyRecordKey(scope: string, key: string): ItemKey {
  const digest = createHash('sha256').update(`${scope}\n${key}`).digest();
  return { pk: `${recordPrefix}${digest.subarray(0, 16).toString('base64url')}`, sk: recordSort };
}

/**
 * Where releases before hashed keys put the record: `IDEM#<scope>#<key>`. Looked at, and held free
 * by a check in the transaction that takes the key, only while such records may live
 * (`legacyRecordsWindow`).
 */
export function legacyRecordKey(scope: string, key: string): ItemKey {
  return { pk: `${recordPrefix}${scope}#${key}`, sk: recordSort };
}

/**
 * When this store's records were first written under hashed keys (`since`, ms): written once, by
 * the first keyed request that finds it missing. Records under the older layout were written
 * before it, so none lives past `since` plus the retention.
 */
export const hashedKeysSinceKey: ItemKey = { pk: 'IDEM#HASHED', sk: 'HASHED' };

/**
 * Whether records under the older key layout may still live, asked per request: false for good
 * once `hashedKeysSinceKey`'s time plus `retentionSeconds` has passed (one read per process, then
 * only the clock). On a new store the window is that of its first records: the checks it costs
 * then (a condition per keyed transaction) find nothing.
 */
function legacyRecordsWindow(store: Store, clock: Clock, retentionSeconds: number): () => Promise<boolean> {
  let until: Promise<number> | undefined;
  const load = async (): Promise<number> => {
    const now = clock.now();
    try {
      await store.transact([
        { type: 'put', item: { ...hashedKeysSinceKey, since: now }, condition: { attributeNotExists: 'pk' } },
      ]);
      return now + retentionSeconds * 1000;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
    }
    const since = (await store.get(hashedKeysSinceKey))?.since;
    if (typeof since !== 'number') throw new Error(`${hashedKeysSinceKey.pk} holds no time`);
    return since + retentionSeconds * 1000;
  };
  return async () => {
    // A failed read is retried by the next request rather than remembered.
    until ??= load().catch((error: unknown) => {
      until = undefined;
      throw error;
    });
    return clock.now() < (await until);
  };
}

/**
 * The condition under which a key is free at `nowSeconds`: no record, or one past its retention
 * (TTL deletes lazily).
 */
function freeAt(nowSeconds: number): Condition {
  return { any: [{ attributeNotExists: 'pk' }, { compare: ['expires_at', '<=', nowSeconds] }] };
}

export interface IdempotencyOptions {
  store: Store;
  clock: Clock;
  /** The caller's scope (user id, API key id); undefined: the request is not idempotent-capable. */
  scopeOf: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined;
  /**
   * A secret to key the request fingerprint with. Bodies can hold card numbers and CVCs, and a
   * plain SHA-256 of one can be brute-forced back to the card; an HMAC under a secret cannot.
   */
  fingerprintKey?: () => Promise<string>;
  /** How long a record is kept (its `expires_at`). Default `idempotencyRetentionSeconds`. */
  retentionSeconds?: number;
  /**
   * Whether the key is claimed in a transaction of its own before the handler runs (the default).
   * False for a route that commits its whole effect with its record (`OwnedPath.idempotency`):
   * the record is then written only there, on condition that the key is free.
   */
  claimFirst?: (c: Context<AppEnv>) => boolean;
}

export function idempotencyMiddleware(options: IdempotencyOptions): MiddlewareHandler<AppEnv> {
  const { store, clock } = options;
  const retentionSeconds = options.retentionSeconds ?? idempotencyRetentionSeconds;
  const legacyRecordsMayLive = legacyRecordsWindow(store, clock, retentionSeconds);
  return async (c, next) => {
    const key = keyHeaders.map((name) => c.req.header(name)).find((value) => value !== undefined);
    const scope = c.req.method === 'POST' && key !== undefined ? options.scopeOf(c) : undefined;
    if (key === undefined || scope === undefined) {
      c.set('idempotency', undefined);
      return next();
    }
    if (key.length === 0 || key.length > 255 || /[^\x21-\x7e]/.test(key)) {
      return errorResponse(
        c,
        new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
          param: 'Idempotency-Key',
        }),
      );
    }
    const body = await c.req.text();
    const request = `${c.req.method} ${c.req.path}\n${body}`;
    const fingerprint = fingerprintOf(
      options.fingerprintKey
        ? createHmac('sha256', await options.fingerprintKey())
            .update(`idempotency\n${request}`)
            .digest()
        : createHash('sha256').update(request).digest(),
    );
    const itemKey = idempotencyRecordKey(scope, key);
    const legacyKey = (await legacyRecordsMayLive()) ? legacyRecordKey(scope, key) : undefined;
    const now = clock.now();
    const nowSeconds = Math.floor(now / 1000);
    const claimFirst = options.claimFirst?.(c) ?? true;
    const lockId = randomUUID();
    // While records under the older key may live, the transaction taking the key checks it is
    // free there too (no read first: such a record is rare, and only a refusal looks at it).
    const keys = legacyKey ? [itemKey, legacyKey] : [itemKey];
    const legacyCheck = (condition: Condition): WriteOperation[] =>
      legacyKey ? [{ type: 'check', key: legacyKey, condition }] : [];
    const legacyFree = legacyCheck(freeAt(nowSeconds));

    if (claimFirst) {
      let claimed = await claim(store, itemKey, legacyFree, fingerprint, lockId, now, retentionSeconds);
      if (claimed === false) {
        // Held under the older key: that record answers, unless it is a stale claim of this same
        // request (an older release crashed running it), which is taken over as `claim` does.
        const held = await liveRecord(store, legacyKey!, nowSeconds);
        if (held && !isStaleClaim(held, now, fingerprint)) return answerHeld(c, store, held, fingerprint);
        const takeOver = legacyCheck(
          held ? { compare: ['lock_id', '=', held.lockId ?? ''] } : freeAt(nowSeconds),
        );
        claimed = await claim(store, itemKey, takeOver, fingerprint, lockId, now, retentionSeconds);
      }
      // Refused again: another request holds the older key by now.
      if (claimed === false) return errorResponse(c, inProgress());
      if (claimed !== true) return answerHeld(c, store, claimed, fingerprint);
    }

    let recorded = false;
    const secretFields = new Set(secretResponseFields);
    const completion = (status: number, responseBody: unknown): WriteOperation[] => {
      const redacted = new Set<string>();
      const stored = redactSecrets(responseBody, secretFields, redacted);
      const outcome = {
        status,
        // The body as a JSON value, not as its text: the text's escaped quotes defeat the
        // SQLite store's compression dictionary and cost bytes on DynamoDB too.
        response: stored,
        ...(redacted.size > 0 ? { redacted_fields: [...redacted].sort().join(',') } : {}),
      };
      // Written whole with its effect, the record is complete when created: no `state` (only a
      // claim is ever `in_progress`) and no `completed_at`. Its response may be stored as a reference to the same object in the transaction's
      // event instead (`withResponsesByReference`, applied by the runtimes' stores).
      if (!claimFirst)
        return [
          {
            type: 'put',
            item: {
              ...itemKey,
              fp: fingerprint.stored,
              expires_at: nowSeconds + retentionSeconds,
              ...outcome,
            },
            condition: freeAt(nowSeconds),
          },
          ...legacyFree,
        ];
      return [
        {
          type: 'update',
          key: itemKey,
          set: { ...outcome, state: 'complete', completed_at: clock.now() },
          remove: ['lock_id', 'locked_until'],
          condition: { compare: ['lock_id', '=', lockId] },
        },
      ];
    };
    c.set('idempotency', {
      record(status, responseBody) {
        recorded = true;
        return completion(status, responseBody);
      },
      redact(...fields) {
        for (const field of fields) secretFields.add(field);
      },
      get recorded() {
        return recorded;
      },
    });

    await next();
    if (recorded && c.res.status < 300) return;
    if (!claimFirst) {
      // A twin of this request may have committed first, making this one's transaction fail on
      // the key's condition (whatever error the handler made of that): answer the twin's response.
      const held = await heldRecord(store, keys, nowSeconds);
      // Unless the record is this request's own: a refusal recorded with its effect (a decline
      // stored with the failed payment) answers as it is, not as a replay.
      if (held && !(recorded && (await isOwnAnswer(store, held, c.res, fingerprint))))
        return answerWithTwin(c, store, held, fingerprint);
      if (held) return;
      // Server errors are not stored, so the client can retry.
      if (c.res.status >= 500) return;
    } else if (c.res.status >= 500) {
      // Server errors release the key so the client can retry; everything else is stored as is.
      await store
        .transact([{ type: 'delete', key: itemKey, condition: { compare: ['lock_id', '=', lockId] } }])
        .catch(() => undefined);
      return;
    }
    try {
      await store.transact(completion(c.res.status, bodyValue(await c.res.clone().text())));
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // Without a claim, a twin stored its answer between the handler and this write: give it.
      const held = claimFirst ? undefined : await heldRecord(store, keys, nowSeconds);
      if (held) await answerWithTwin(c, store, held, fingerprint);
    }
  };
}

/**
 * Whether `held` stores exactly `response`: then the handler's own transaction wrote it (a twin's
 * would name other objects, such as its own failed payment's id). Compared as JSON values, not
 * text: DynamoDB keeps a map's keys in no particular order.
 */
async function isOwnAnswer(
  store: Store,
  held: HeldRecord,
  response: Response,
  fingerprint: Fingerprint,
): Promise<boolean> {
  return (
    sameRequest(held, fingerprint) &&
    held.state !== 'in_progress' &&
    held.status === response.status &&
    isDeepStrictEqual(await storedResponse(store, held), bodyValue(await response.clone().text()))
  );
}

/** A response body as the record stores it: its JSON value, or the text when it is not JSON. */
function bodyValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The record under `key` unless it is past its retention (TTL deletes lazily). */
async function liveRecord(store: Store, key: ItemKey, nowSeconds: number): Promise<HeldRecord | undefined> {
  const found = await store.get(key);
  if (!found || (typeof found.expires_at === 'number' && found.expires_at <= nowSeconds)) return undefined;
  return heldOf(found);
}

/** The first of `keys` (the record's key, then its older one) holding a live record. */
async function heldRecord(
  store: Store,
  keys: readonly ItemKey[],
  nowSeconds: number,
): Promise<HeldRecord | undefined> {
  for (const key of keys) {
    const held = await liveRecord(store, key, nowSeconds);
    if (held) return held;
  }
  return undefined;
}

function inProgress(): AppError {
  return new AppError(
    'idempotency_key_in_progress',
    'a request with this Idempotency-Key is still in progress',
    {
      param: 'Idempotency-Key',
    },
  );
}

/**
 * The answer to a request whose key another request holds: 422 for a different request, 409
 * while that one runs, else a replay of its stored response.
 */
async function answerHeld(
  c: Context<AppEnv>,
  store: Store,
  held: HeldRecord,
  fingerprint: Fingerprint,
): Promise<Response> {
  if (!sameRequest(held, fingerprint)) {
    return errorResponse(
      c,
      new AppError('idempotency_key_reused', 'this Idempotency-Key was used with a different request', {
        param: 'Idempotency-Key',
      }),
    );
  }
  if (held.state === 'in_progress') return errorResponse(c, inProgress());
  // Headers through `c.body`, not `c.header`: after the handler the old response is dropped first.
  return c.body(await storedResponseText(store, held), held.status as 200, {
    'Content-Type': 'application/json',
    'Idempotent-Replayed': 'true',
    ...(held.redacted !== undefined ? { [redactedHeader]: held.redacted } : {}),
  });
}

/** Replaces the handler's response with the answer for the record a twin request stored. */
async function answerWithTwin(
  c: Context<AppEnv>,
  store: Store,
  held: HeldRecord,
  fingerprint: Fingerprint,
): Promise<void> {
  const answer = await answerHeld(c, store, held, fingerprint);
  c.res = undefined;
  c.res = answer;
}

/**
 * The body a replay answers: the stored JSON value as text, or, for a record written before
 * bodies were kept as values, its text as it is.
 */
async function storedResponseText(store: Pick<Store, 'get'>, held: HeldRecord): Promise<string> {
  if ('text' in held.response) return held.response.text;
  return JSON.stringify(await storedResponse(store, held));
}

/** The response `held` stores, as a JSON value (read from its event when stored by reference). */
async function storedResponse(store: Pick<Store, 'get'>, held: HeldRecord): Promise<unknown> {
  const { response } = held;
  if ('text' in response) return bodyValue(response.text);
  if ('value' in response) return response.value;
  const event = await readEvent(store, response.event);
  const data = event?.data as Record<string, unknown> | undefined;
  // Cannot happen while the record lives: the event is kept at least as long (see the fold).
  if (data?.[response.field] === undefined)
    throw new Error(`idempotency record ${held.pk} refers to event ${response.event}, which is gone`);
  return data[response.field];
}

/**
 * `operations` with each idempotency record put whole (keys held in the effect's transaction)
 * storing its response as a reference, `ref: '<event id>.<field>'`, when an event of the
 * same transaction carries the same object as a field of its data: a transfer's record and its
 * `wallet.transfer.created` event hold one rendering of the transfer, a payment's record and its
 * `payment.authorized` event one of the payment. A replay reads the event. Only when the JSON is
 * identical (the replay is byte for byte the answer) and the event is kept at least as long as
 * the record. Returns `operations` itself when nothing is folded.
 *
 * The runtimes' stores apply it to every transaction, after stamping events' retention.
 */
export function withResponsesByReference(operations: WriteOperation[]): WriteOperation[] {
  let folded: WriteOperation[] | undefined;
  operations.forEach((operation, index) => {
    if (operation.type !== 'put' || !isRecordKey(operation.item)) return;
    const { response, ...record } = operation.item;
    if (response === null || typeof response !== 'object') return;
    const ref = eventCarrying(operations, JSON.stringify(response), record.expires_at);
    if (!ref) return;
    folded ??= [...operations];
    folded[index] = { ...operation, item: { ...record, ref: `${ref.event}.${ref.field}` } };
  });
  return folded ?? operations;
}

function isRecordKey(item: Item): boolean {
  return item.sk === recordSort && item.pk.startsWith(recordPrefix);
}

/** The event put in `operations`, kept to `expiresAt` or later, with a data field whose JSON is `json`. */
function eventCarrying(
  operations: readonly WriteOperation[],
  json: string,
  expiresAt: unknown,
): { event: string; field: string } | undefined {
  if (typeof expiresAt !== 'number') return undefined;
  for (const operation of operations) {
    if (operation.type !== 'put' || !isOutboxItem(operation.item)) continue;
    const { item } = operation;
    if (typeof item.expires_at !== 'number' || item.expires_at < expiresAt) continue;
    const data = item.event.data;
    if (data === null || typeof data !== 'object') continue;
    for (const [field, value] of Object.entries(data))
      if (value !== null && typeof value === 'object' && JSON.stringify(value) === json)
        return { event: item.event.id, field };
  }
  return undefined;
}

/**
 * A request's fingerprint: what a record stores (the digest's first 16 bytes in base64url, 22
 * characters: ample to tell two requests under one key apart), and the full hex digest that
 * records written before held, matched while they live.
 */
interface Fingerprint {
  stored: string;
  legacy: string;
}

function fingerprintOf(digest: Buffer): Fingerprint {
  return { stored: digest.subarray(0, 16).toString('base64url'), legacy: digest.toString('hex') };
}

function sameRequest(held: HeldRecord, fingerprint: Fingerprint): boolean {
  return held.fingerprint === fingerprint.stored || held.fingerprint === fingerprint.legacy;
}

/** `body` with every non-null value under a secret field name set to null, at any depth. */
function redactSecrets(body: unknown, fields: ReadonlySet<string>, redacted: Set<string>): unknown {
  if (Array.isArray(body)) return body.map((value) => redactSecrets(value, fields, redacted));
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => {
      if (fields.has(name) && value !== null && value !== undefined) {
        redacted.add(name);
        return [name, null];
      }
      return [name, redactSecrets(value, fields, redacted)];
    }),
  );
}

/** A claim of this same request whose lock has run out (the request crashed): it may be taken over. */
function isStaleClaim(held: HeldRecord, now: number, fingerprint: Fingerprint): boolean {
  return held.state === 'in_progress' && (held.lockedUntil ?? 0) < now && sameRequest(held, fingerprint);
}

/** A stored record, whichever layout wrote it (`heldOf`). */
interface HeldRecord {
  pk: string;
  fingerprint: string;
  /** A claim is `in_progress`, then `complete`; a record put whole has none. */
  state?: 'in_progress' | 'complete';
  lockId?: string;
  lockedUntil?: number;
  status: number;
  /** The fields the stored response holds as null (`Idempotent-Redacted`). */
  redacted?: string;
  /** Its JSON value, the text older records kept, or where in an event it is. */
  response: { value: unknown } | { text: string } | { event: string; field: string };
}

/** `item` read as a record, in today's layout or an older one (see `recordPrefix`). */
function heldOf(item: Item): HeldRecord {
  const refText = typeof item.ref === 'string' ? item.ref : undefined;
  const oldRef = responseRefSchema.safeParse(item.response_ref);
  const dot = refText?.indexOf('.') ?? -1;
  return {
    pk: item.pk,
    fingerprint: String(item.fp ?? item.fingerprint),
    ...(item.state === 'in_progress' || item.state === 'complete' ? { state: item.state } : {}),
    ...(typeof item.lock_id === 'string' ? { lockId: item.lock_id } : {}),
    ...(typeof item.locked_until === 'number' ? { lockedUntil: item.locked_until } : {}),
    status: Number(item.status ?? item.response_status),
    ...(typeof item.redacted_fields === 'string' ? { redacted: item.redacted_fields } : {}),
    response:
      typeof item.response_body === 'string'
        ? { text: item.response_body }
        : refText !== undefined && dot > 0
          ? { event: refText.slice(0, dot), field: refText.slice(dot + 1) }
          : oldRef.success
            ? oldRef.data
            : { value: item.response ?? null },
  };
}
/**
 * What `claim` gives: true (taken), the record holding the key, or false when the key is free but
 * the older layout's check refused it (a record there, held since this request looked).
 */
type Claim = true | false | HeldRecord;

/** Takes the key for this request (with `legacyFree`, the check of its older key), or says who holds it. */
async function claim(
  store: Store,
  key: ItemKey,
  legacyFree: readonly WriteOperation[],
  fingerprint: Fingerprint,
  lockId: string,
  now: number,
  retentionSeconds: number,
): Promise<Claim> {
  const nowSeconds = Math.floor(now / 1000);
  const record = {
    ...key,
    state: 'in_progress',
    fp: fingerprint.stored,
    lock_id: lockId,
    locked_until: now + lockMilliseconds,
    expires_at: nowSeconds + retentionSeconds,
  };
  // A new key is the common case: put first, and read the record only when the put is refused.
  let condition: Condition = { attributeNotExists: 'pk' };
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await store.transact([{ type: 'put', item: record, condition }, ...legacyFree]);
      return true;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
    }
    const found = await store.get(key);
    // Past its retention the record counts as gone, whether or not TTL has deleted it yet
    // (DynamoDB's TTL and the local sweeper both delete lazily). Taking it over is conditional
    // on it still being expired, so a request that took it meanwhile wins.
    const isExpired = typeof found?.expires_at === 'number' && found.expires_at <= nowSeconds;
    const existing = isExpired ? undefined : found;
    const held = existing && heldOf(existing);
    if (held && !isStaleClaim(held, now, fingerprint)) return held;
    const next: Condition = held
      ? { compare: ['lock_id', '=', held.lockId ?? ''] }
      : isExpired
        ? { compare: ['expires_at', '<=', nowSeconds] }
        : { attributeNotExists: 'pk' };
    // The key itself was as this attempt expected: the older key's check refused it.
    if (legacyFree.length > 0 && isDeepStrictEqual(next, condition)) return false;
    condition = next;
  }
  throw inProgress();
}
