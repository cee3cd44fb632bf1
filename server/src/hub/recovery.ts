import { isoTime } from '../kernel/clock.ts';
import { isAppError } from '../kernel/errors.ts';
import { isTransactionCanceled, spreadPartitions } from '../platform/store.ts';
import { isTechnicalFailure } from './connectors/connector.ts';
import type { HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import { contextOf, undoFound } from './intents.ts';
import type { Attempt } from './model.ts';
import {
  hubKeys,
  inflightPartitions,
  intentFromItem,
  intentPut,
  readIntent,
  readKeptConnector,
  toIntent,
  type AttemptCall,
  type IntentRecord,
} from './store.ts';

/**
 * How long a provider call may be under way before the recovery job takes it as cut off: longer
 * than a whole intent can take (every provider's timeout plus the backoffs between them).
 */
export const inflightLeaseMs = 5 * 60_000;

/**
 * The payment intents a crash cut off mid-attempt (the `hub.recover-intents` job): each had its
 * attempt's key stored before the provider call (`inflight`) and no answer stored after. For each
 * one whose call started more than `inflightLeaseMs` ago, the job first claims the intent (so a
 * process alive after all can no longer finish it), asks the provider by the key what the call did
 * (`Connector.find`) and undoes it (a void or a refund), so a client that retries with
 * its Idempotency-Key (and gets a new intent) is never charged twice. The intent then fails with
 * `interrupted`; at a provider that cannot be asked by key (PayPal) the attempt is recorded as
 * `interrupted`, its key (the attempt's id) being what the merchant looks for there. A connector
 * deleted since the attempt started is still used while it is kept (`deletedConnectorRetentionMs`);
 * once it is not, the attempt too ends `interrupted`. A provider that cannot be reached now is asked
 * again on the next run. Returns the intents finished.
 *
 * @example await recoverInterruptedIntents(hubDeps(deps));
 */
export async function recoverInterruptedIntents(deps: HubDeps, pageSize = 100): Promise<number> {
  const before = isoTime(deps.clock.now() - inflightLeaseMs);
  return sumOverDueIntents(deps, 'gsi2', hubKeys.inflight, before, pageSize, async (record) =>
    (await recoverIntent(deps, record)) ? 1 : 0,
  );
}

/**
 * Runs `visit` on every intent listed in the `index` partitions of `base` (spread over
 * `inflightPartitions`) with a sort key below `before`, page by page, and sums what it returns.
 * Every page is read: intents a job cannot finish yet (an ACH debit until it settles, a provider
 * still down) stay at the head of their partition, and must not hide the newer ones behind them.
 */
async function sumOverDueIntents(
  deps: HubDeps,
  index: 'gsi2' | 'gsi3',
  base: string,
  before: string,
  pageSize: number,
  visit: (record: IntentRecord) => Promise<number>,
): Promise<number> {
  let sum = 0;
  for (const partition of spreadPartitions(base, inflightPartitions).slice(1)) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.query({
        index,
        partition,
        sort: { op: '<', value: before },
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) sum += await visit(intentFromItem(item));
      cursor = page.cursor;
    } while (cursor);
  }
  return sum;
}

async function recoverIntent(deps: HubDeps, record: IntentRecord): Promise<boolean> {
  const inflight = record.inflight;
  if (!inflight) return false;
  // Fence off the cut-off process before undoing anything: if it was alive after all, its final
  // write now fails the version check, instead of landing between the undo and this job's write
  // (an intent shown succeeded whose payment the job refunded).
  const claimed: IntentRecord = { ...record, version: record.version + 1 };
  try {
    await deps.store.transact([intentPut(claimed)]);
  } catch (error) {
    // The intent moved on meanwhile (its process was alive after all): nothing to recover.
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
  const actor = { merchantId: record.merchant, ownerId: record.owner };
  const outcome = await askProvider(deps, actor, record.id, inflight);
  // The provider cannot be reached (or refuses now): asked again on the next run.
  if (!outcome) return false;
  const now = deps.clock.now();
  const attempt: Attempt = {
    id: inflight.key,
    connector: inflight.connector,
    provider: inflight.provider,
    status: outcome.status,
    error_code: 'interrupted',
    decline_code: null,
    provider_reference: outcome.provider_reference,
    started_at: inflight.started_at,
    finished_at: isoTime(now),
  };
  const next: IntentRecord = {
    ...claimed,
    status: 'failed',
    attempts: [...record.attempts, attempt],
    inflight: null,
    last_error: { code: 'interrupted', decline_code: null, return_code: null },
    updated_at: isoTime(now),
    version: claimed.version + 1,
  };
  try {
    await deps.store.transact([
      intentPut(next),
      hubEvent('payment_intent.payment_failed', actor, toIntent(next), now),
    ]);
  } catch (error) {
    // Another run of the job finished it meanwhile.
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
  return true;
}

/**
 * The timed-out attempts whose provider could not be asked at the time what the call did
 * (`unreconciled`; the `hub.reconcile-attempts` job). From `inflightLeaseMs` after each call
 * started, when no request with its key can still be under way at the provider, it asks the
 * provider by the key (`Connector.find`) and undoes what the call did (a void or a refund), so a
 * payment that failed over to another provider is not charged twice. The attempt then reads
 * `reconciled` (undone), `failed` (the call never got there) or `interrupted` (a provider that
 * cannot be asked by key, or a connector no longer kept: the key is what to look for there). A
 * provider that still cannot be reached, or cannot undo yet, is asked again on the next run. An
 * intent with a call in flight is left to its request (or to the recovery job). Returns the
 * attempts settled.
 *
 * @example await reconcileTimedOutAttempts(hubDeps(deps));
 */
export async function reconcileTimedOutAttempts(deps: HubDeps, pageSize = 100): Promise<number> {
  const before = isoTime(deps.clock.now() - inflightLeaseMs);
  return sumOverDueIntents(deps, 'gsi3', hubKeys.unreconciled, before, pageSize, (record) =>
    reconcileIntent(deps, record, before),
  );
}

async function reconcileIntent(deps: HubDeps, record: IntentRecord, before: string): Promise<number> {
  if (record.inflight) return 0;
  const actor = { merchantId: record.merchant, ownerId: record.owner };
  const outcomes = new Map<string, Pick<Attempt, 'status' | 'provider_reference'>>();
  for (const call of record.unreconciled) {
    if (call.started_at >= before) continue;
    const outcome = await askProvider(deps, actor, record.id, call);
    if (outcome) outcomes.set(call.key, outcome);
  }
  if (outcomes.size === 0) return 0;
  // What was undone is recorded over whatever the intent became meanwhile (a capture, a refund):
  // asked again, the provider would show it undone and no longer tell by whom.
  let current = record;
  for (let tries = 0; tries < 5; tries++) {
    try {
      const now = deps.clock.now();
      const { next, settled } = settledCalls(current, outcomes, isoTime(now));
      // Each settled attempt is told: what the job undid shows at the provider as a void or refund
      // the merchant did not ask for.
      const told = settled.map((attempt) =>
        hubEvent('payment_intent.attempt_reconciled', actor, { id: next.id, attempt }, now),
      );
      await deps.store.transact([intentPut(next), ...told]);
      return told.length;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      const read = await readIntent(deps.store, record.id);
      if (!read || read.inflight) return 0;
      current = read;
    }
  }
  return 0;
}

/**
 * The intent with the calls of `outcomes` settled (their attempts updated, or added back when a
 * crash lost them with their request; off the list), and the attempts settled, as written.
 */
function settledCalls(
  record: IntentRecord,
  outcomes: ReadonlyMap<string, Pick<Attempt, 'status' | 'provider_reference'>>,
  now: string,
): { next: IntentRecord; settled: Attempt[] } {
  const byKey = new Map<string, Attempt>();
  for (const call of record.unreconciled) {
    const outcome = outcomes.get(call.key);
    if (outcome)
      byKey.set(call.key, {
        id: call.key,
        connector: call.connector,
        provider: call.provider,
        error_code: 'provider_timeout',
        decline_code: null,
        started_at: call.started_at,
        finished_at: now,
        ...outcome,
      });
  }
  const known = new Set(record.attempts.map((a) => a.id));
  const attempts = [
    ...record.attempts.map((a) => {
      const settled = byKey.get(a.id);
      return settled ? { ...settled, finished_at: a.finished_at } : a;
    }),
    ...[...byKey.values()].filter((a) => !known.has(a.id)),
  ];
  return {
    next: {
      ...record,
      attempts,
      unreconciled: record.unreconciled.filter((c) => !byKey.has(c.key)),
      updated_at: now,
      version: record.version + 1,
    },
    settled: attempts.filter((a) => byKey.has(a.id)),
  };
}

/**
 * What a call did at its provider, undone there; undefined: ask again next run. A connector
 * deleted since the call is still used while it is kept (`deletedConnectorRetentionMs`).
 */
async function askProvider(
  deps: HubDeps,
  actor: { merchantId: string; ownerId: string },
  intent: string,
  call: AttemptCall,
): Promise<Pick<Attempt, 'status' | 'provider_reference'> | undefined> {
  const connector = await readKeptConnector(deps.store, call.connector, deps.clock.now());
  if (!connector) return { status: 'interrupted', provider_reference: null };
  const impl = deps.connectors[connector.provider];
  if (!impl.find) return { status: 'interrupted', provider_reference: null };
  try {
    const ctx = await contextOf(deps, actor, connector);
    const found = await impl.find(ctx, {
      idempotency_key: call.key,
      intent,
      started_at: Date.parse(call.started_at),
    });
    const undone = await undoFound(impl, ctx, found, call.key);
    return undone
      ? { status: 'reconciled', provider_reference: undone }
      : { status: 'failed', provider_reference: found?.reference || null };
  } catch (error) {
    if (isTechnicalFailure(error) || isAppError(error)) return undefined;
    throw error;
  }
}
