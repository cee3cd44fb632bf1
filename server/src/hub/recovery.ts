import { isoTime } from '../kernel/clock.ts';
import { isAppError } from '../kernel/errors.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import { isTechnicalFailure, type ProviderPayment } from './connectors/connector.ts';
import type { HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import { contextOf, undoFound } from './intents.ts';
import type { Attempt } from './model.ts';
import {
  hubKeys,
  inflightPartitions,
  intentFromItem,
  intentPut,
  readKeptConnector,
  toIntent,
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
  let finished = 0;
  for (let n = 0; n < inflightPartitions; n++) {
    // Every page: intents it cannot finish yet (an ACH debit until it settles, a provider still
    // down) stay at the head of their partition, and must not hide the newer ones behind them.
    let cursor: string | undefined;
    do {
      const page = await deps.store.query({
        index: 'gsi2',
        partition: `${hubKeys.inflight}#${n}`,
        sort: { op: '<', value: before },
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) if (await recoverIntent(deps, intentFromItem(item))) finished += 1;
      cursor = page.cursor;
    } while (cursor);
  }
  return finished;
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
  // Deleted since the attempt started: kept for this job until its retention ends; gone after.
  const connector = await readKeptConnector(deps.store, inflight.connector, deps.clock.now());
  const actor = { merchantId: record.merchant, ownerId: record.owner };
  let outcome: Pick<Attempt, 'status' | 'provider_reference'>;
  if (!connector) {
    outcome = { status: 'interrupted', provider_reference: null };
  } else {
    const impl = deps.connectors[connector.provider];
    try {
      const ctx = await contextOf(deps, actor, connector);
      if (!impl.find) outcome = { status: 'interrupted', provider_reference: null };
      else {
        const found: ProviderPayment | undefined = await impl.find(ctx, {
          idempotency_key: inflight.key,
          intent: record.id,
          started_at: Date.parse(inflight.started_at),
        });
        const undone = await undoFound(impl, ctx, found, inflight.key);
        outcome = undone
          ? { status: 'reconciled', provider_reference: undone }
          : { status: 'failed', provider_reference: found?.reference || null };
      }
    } catch (error) {
      // The provider cannot be reached (or refuses now): asked again on the next run.
      if (isTechnicalFailure(error) || isAppError(error)) return false;
      throw error;
    }
  }
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
