import { setTimeout as sleep } from 'node:timers/promises';
import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { Currency } from '../kernel/money.ts';
import type { WriteOperation } from '../platform/store.ts';
import { acquire, report } from './breaker.ts';
import {
  isTechnicalFailure,
  TechnicalFailure,
  type AuthorizeInput,
  type Connector,
  type ConnectorContext,
  type PaymentMethod,
  type Provider,
  type ProviderPayment,
} from './connectors/connector.ts';
import { getConnectorRecord } from './connectors-service.ts';
import { unsealCredentials } from './credentials.ts';
import type { HubDeps } from './deps.ts';
import { hubErrors, refundInProgress } from './errors.ts';
import { hubEvent } from './events.ts';
import { drawFault } from './faults.ts';
import { hubIds } from './ids.ts';
import type {
  Attempt,
  AttemptErrorCode,
  CreateIntent,
  Intent,
  IntentEventType,
  IntentStatus,
} from './model.ts';
import { cardBrandOf, route } from './routing.ts';
import {
  intentPut,
  merchantConnectors,
  merchantIntentsPage,
  providerRefPut,
  readIntent,
  readRouting,
  toIntent,
  type ConnectorRecord,
  type IntentRecord,
} from './store.ts';
import { reverseForRefund, undoReversal } from './vendors-reversals.ts';
import { newSplitGroup, splittableProviders, splitTotal, transferSplits } from './vendors-splits.ts';
import { vendorErrors } from './vendors-model.ts';
import { readSplit, splitPut } from './vendors-store.ts';

export interface MerchantActor {
  merchantId: string;
  ownerId: string;
}

/** Extra writes for the intent's final transaction, given the result (the idempotency record). */
export type Respond = (intent: Intent) => WriteOperation[];

const technicalCodes: Record<TechnicalFailure['kind'], AttemptErrorCode> = {
  timeout: 'provider_timeout',
  server_error: 'provider_error',
  network: 'provider_unreachable',
};

/** The wait before attempt `n` (1 = the first failover): base·2^(n−1), capped, plus full jitter. */
export function backoffMs(deps: Pick<HubDeps, 'backoff' | 'random'>, n: number): number {
  const exponential = Math.min(deps.backoff.capMs, deps.backoff.baseMs * 2 ** (n - 1));
  return Math.round(exponential + deps.random() * exponential);
}

/** Whom a connector acts for, with its credentials unsealed for this call. */
export async function contextOf(
  deps: HubDeps,
  actor: MerchantActor,
  connector: ConnectorRecord,
): Promise<ConnectorContext> {
  return {
    merchantId: actor.merchantId,
    ownerId: actor.ownerId,
    connectorId: connector.id,
    credentials: await unsealCredentials(deps, connector.sealed_credentials),
  };
}

/** The 402 of a declined intent (stored first, with its attempts). */
export function intentDeclined(intent: Intent): AppError {
  const declineCode = intent.last_error?.decline_code ?? null;
  // A method the provider refused as such (a bad card number or expiry, no such wallet) names it.
  const invalid = declineCode === 'invalid_payment_method';
  return new AppError(
    'card_declined',
    invalid ? 'the payment method was refused as invalid' : 'the payment was declined',
    {
      ...(invalid ? { param: 'payment_method' } : {}),
      details: { payment_intent: intent.id, decline_code: declineCode },
    },
  );
}

export function intentUnavailable(intent: Intent): AppError {
  return hubErrors.error('providers_unavailable', 'every provider routed to failed; nothing was charged', {
    details: { payment_intent: intent.id, attempts: intent.attempts.length },
  });
}

/** The connectors a payment goes to, in routing order: enabled, taking its method. */
async function chooseConnectors(
  deps: HubDeps,
  actor: MerchantActor,
  input: CreateIntent,
  splitting = false,
): Promise<ConnectorRecord[]> {
  const method = input.payment_method.type;
  const connected = (await merchantConnectors(deps.store, actor.merchantId)).filter((c) => !c.disabled);
  const byProvider = new Map(connected.map((c) => [c.provider, c]));
  const routing = await readRouting(deps.store, actor.merchantId);
  const chosen: readonly Provider[] = routing
    ? route(routing, {
        amount: input.amount,
        currency: input.currency,
        method,
        card_brand:
          input.payment_method.type === 'card' ? cardBrandOf(input.payment_method.card.number) : null,
      })
    : connected.map((c) => c.provider);
  if (chosen.length === 0)
    throw hubErrors.error('no_route', 'you have no connectors: create one with POST /v1/connectors');
  const usable = chosen.flatMap((provider) => {
    const connector = byProvider.get(provider);
    return connector && deps.connectors[provider].methods.includes(method) ? [connector] : [];
  });
  if (usable.length === 0)
    throw hubErrors.error(
      'method_not_supported',
      `none of the providers routed to (${chosen.join(', ')}) takes ${method} payments`,
      {
        param: 'payment_method.type',
      },
    );
  if (!splitting) return usable;
  // Vendors' shares move in Sluice's ledger: only providers whose payments land there can split.
  const splittable = usable.filter((c) => splittableProviders.includes(c.provider));
  if (splittable.length === 0)
    throw vendorErrors.error(
      'splits_not_supported',
      `none of the providers routed to (${usable.map((c) => c.provider).join(', ')}) keeps funds in Sluice, so the payment cannot be split`,
      { param: 'splits' },
    );
  return splittable;
}

function methodShown(method: PaymentMethod): Intent['payment_method'] {
  const none = { card: null, wallet: null, bank_account: null };
  if (method.type === 'card')
    return {
      ...none,
      type: 'card',
      card: { brand: cardBrandOf(method.card.number), last4: method.card.number.slice(-4) },
    };
  if (method.type === 'wallet') return { ...none, type: 'wallet', wallet: { user: method.wallet.user } };
  return {
    ...none,
    type: 'bank_account',
    bank_account: {
      routing_number: method.bank_account.routing_number,
      last4: method.bank_account.account_number.slice(-4),
    },
  };
}

/** One attempt at one provider, through its breaker and the sandbox's injected faults. */
async function attempt(
  deps: HubDeps,
  actor: MerchantActor,
  connector: ConnectorRecord,
  input: AuthorizeInput,
): Promise<{ attempt: Attempt; payment?: ProviderPayment }> {
  const started = isoTime(deps.clock.now());
  const base = {
    id: input.idempotency_key,
    connector: connector.id,
    provider: connector.provider,
    started_at: started,
  };
  const finish = (fields: Omit<Attempt, keyof typeof base | 'finished_at'>): Attempt => ({
    ...base,
    ...fields,
    finished_at: isoTime(deps.clock.now()),
  });
  const announce = (type: 'connector.circuit_opened' | 'connector.circuit_closed', now: number) =>
    hubEvent(type, actor, { id: connector.id, provider: connector.provider, name: connector.name }, now);
  const permit = await acquire(deps, connector.id);
  if (permit === 'skip')
    return {
      attempt: finish({
        status: 'skipped',
        error_code: 'circuit_open',
        decline_code: null,
        provider_reference: null,
      }),
    };
  const impl = deps.connectors[connector.provider];
  const ctx = await contextOf(deps, actor, connector);
  const fault = await drawFault(deps.store, connector.id, deps.random);
  try {
    let payment: ProviderPayment;
    if (fault === 'error')
      throw new TechnicalFailure('server_error', 'injected fault: the provider answered 503');
    if (fault === 'decline')
      payment = { status: 'declined', reference: '', amount_captured: 0, decline_code: 'generic_decline' };
    else payment = await impl.authorize(ctx, input);
    // A timeout as the worst case: the provider did the work and the answer was lost on the way back.
    if (fault === 'timeout')
      throw new TechnicalFailure('timeout', 'injected fault: no answer within the timeout');
    await report(deps, connector.id, permit, 'answered', announce);
    if (payment.status === 'declined')
      return {
        attempt: finish({
          status: 'declined',
          error_code: 'card_declined',
          decline_code: payment.decline_code,
          provider_reference: payment.reference || null,
        }),
      };
    return {
      attempt: finish({
        status:
          payment.status === 'captured'
            ? 'captured'
            : payment.status === 'pending' || payment.status === 'processing'
              ? 'pending'
              : 'authorized',
        error_code: null,
        decline_code: null,
        provider_reference: payment.reference,
      }),
      payment,
    };
  } catch (error) {
    if (!isTechnicalFailure(error) && !(isAppError(error) && error.status < 500)) throw error;
    await report(deps, connector.id, permit, 'failed', announce);
    const code = isTechnicalFailure(error) ? technicalCodes[error.kind] : 'provider_error';
    const reconciled =
      isTechnicalFailure(error) && error.kind === 'timeout' ? await reconcile(impl, ctx, input) : undefined;
    return {
      attempt: finish({
        status:
          reconciled === unknownOutcome ? 'unreconciled' : reconciled !== undefined ? 'reconciled' : 'failed',
        error_code: code,
        decline_code: null,
        provider_reference: reconciled === unknownOutcome ? null : (reconciled ?? null),
      }),
    };
  }
}

/** What a provider that cannot be asked now leaves: an outcome the hub learns later. */
const unknownOutcome = Symbol('unknown outcome');

/**
 * After a timeout: asks the provider what the call with this key did and undoes it (voids an
 * authorization, refunds a capture), so the payment that fails over is never charged twice.
 * Returns the provider's reference of what it undid, undefined when nothing was left to undo, and
 * `unknownOutcome` when the provider could not be asked (or refused to undo): the attempt is then
 * `unreconciled`, and `reconcileTimedOutAttempts` asks again until it can.
 */
async function reconcile(
  impl: Connector,
  ctx: ConnectorContext,
  input: AuthorizeInput,
): Promise<string | undefined | typeof unknownOutcome> {
  // The provider and credentials of the call itself: the connector may be deleted meanwhile.
  try {
    return await undoFound(impl, ctx, await impl.lookup(ctx, input), input.idempotency_key);
  } catch (error) {
    if (isTechnicalFailure(error) || isAppError(error)) return unknownOutcome;
    throw error;
  }
}

/**
 * Undoes at the provider what an attempt left there (voids an authorization, refunds a capture)
 * and returns its reference; undefined when nothing is left to undo.
 */
export async function undoFound(
  impl: Connector,
  ctx: ConnectorContext,
  found: ProviderPayment | undefined,
  key: string,
): Promise<string | undefined> {
  if (!found || found.status === 'declined' || found.status === 'voided' || found.status === 'refunded')
    return undefined;
  if (found.status === 'captured')
    await impl.refund(ctx, found.reference, found.amount_captured, `${key}:reconcile`);
  else await impl.void(ctx, found.reference, `${key}:reconcile`);
  return found.reference;
}

const eventOf: Partial<Record<IntentStatus, IntentEventType>> = {
  succeeded: 'payment_intent.succeeded',
  requires_capture: 'payment_intent.requires_capture',
  failed: 'payment_intent.payment_failed',
  canceled: 'payment_intent.canceled',
  requires_action: 'payment_intent.requires_action',
  processing: 'payment_intent.processing',
};

/**
 * Creates a payment intent and pays it: the providers its merchant's routing picks, in order; on a
 * technical failure (timeout, 5xx, network, open breaker) the next one after an exponential
 * backoff with jitter; never after a decline. Each attempt has its own idempotency key towards
 * its provider and is recorded on the intent. A decline answers 402, all providers failing 503,
 * both after the failed intent is stored.
 */
export async function createIntent(
  deps: HubDeps,
  actor: MerchantActor,
  input: CreateIntent,
  respond?: Respond,
): Promise<Intent> {
  const id = hubIds.newId('intent', deps.clock.now());
  const split = await newSplitGroup(deps, actor, id, input);
  const chosen = await chooseConnectors(deps, actor, input, split !== undefined);
  const now = isoTime(deps.clock.now());
  let record: IntentRecord = {
    id,
    object: 'payment_intent',
    merchant: actor.merchantId,
    owner: actor.ownerId,
    amount: input.amount,
    currency: input.currency,
    capture: input.capture,
    status: 'processing',
    payment_method: methodShown(input.payment_method),
    routed_to: chosen.map((c) => c.provider),
    connector: null,
    provider: null,
    provider_reference: null,
    amount_captured: 0,
    amount_refunded: 0,
    last_error: null,
    attempts: [],
    refunds: [],
    dispute: null,
    splits: input.splits ?? [],
    description: input.description ?? null,
    created_at: now,
    updated_at: now,
    version: 1,
    inflight: null,
    unreconciled: [],
  };
  // Each attempt's key is stored before its provider call (the first with the new intent): if the
  // process dies before the answer is stored, the recovery job finds the key and asks the provider
  // what it did (`recoverInterruptedIntents`).
  const inflightAt = (connector: ConnectorRecord, key: string, startedAt = isoTime(deps.clock.now())) => ({
    key,
    connector: connector.id,
    provider: connector.provider,
    started_at: startedAt,
  });
  let key = hubIds.newId('attempt', deps.clock.now());
  if (chosen[0]) record.inflight = inflightAt(chosen[0], key);
  await deps.store.transact([intentPut(record), ...(split ? [splitPut(split)] : [])]);

  const attempts: Attempt[] = [];
  let outcome: { connector: ConnectorRecord; payment: ProviderPayment } | undefined;
  let declined: Attempt | undefined;
  const failedEvents: WriteOperation[] = [];
  for (const [index, connector] of chosen.entries()) {
    if (index > 0) {
      await sleep(backoffMs(deps, index));
      key = hubIds.newId('attempt', deps.clock.now());
      record = {
        ...record,
        inflight: inflightAt(connector, key),
        updated_at: isoTime(deps.clock.now()),
        version: record.version + 1,
      };
      await deps.store.transact([intentPut(record)]);
    }
    const result = await attempt(deps, actor, connector, {
      amount: input.amount,
      currency: input.currency as Currency,
      payment_method: input.payment_method as PaymentMethod,
      capture: input.capture,
      idempotency_key: key,
      intent: record.id,
    });
    attempts.push(result.attempt);
    // Kept on the intent from its next write on (the next attempt's or the last), so that neither
    // a crash nor the end of this request loses the call still to be undone.
    if (result.attempt.status === 'unreconciled')
      record = {
        ...record,
        unreconciled: [...record.unreconciled, inflightAt(connector, key, result.attempt.started_at)],
      };
    if (result.payment) {
      outcome = { connector, payment: result.payment };
      break;
    }
    if (result.attempt.status === 'declined') {
      declined = result.attempt;
      break;
    }
    failedEvents.push(
      hubEvent(
        'payment_intent.attempt_failed',
        actor,
        { id: record.id, attempt: result.attempt },
        deps.clock.now(),
      ),
    );
  }

  const last = attempts.at(-1);
  const status: IntentStatus = outcome
    ? outcome.payment.status === 'captured'
      ? 'succeeded'
      : outcome.payment.status === 'pending'
        ? 'requires_action'
        : outcome.payment.status === 'processing'
          ? 'processing'
          : 'requires_capture'
    : 'failed';
  record = {
    ...record,
    status,
    attempts,
    inflight: null,
    connector: outcome?.connector.id ?? null,
    provider: outcome?.connector.provider ?? null,
    provider_reference: outcome?.payment.reference ?? null,
    amount_captured: outcome?.payment.amount_captured ?? 0,
    last_error:
      outcome || !last?.error_code
        ? null
        : { code: last.error_code, decline_code: declined?.decline_code ?? null, return_code: null },
    updated_at: isoTime(deps.clock.now()),
    version: record.version + 1,
  };
  const intent = toIntent(record);
  const event = eventOf[status];
  await deps.store.transact([
    intentPut(record),
    ...failedEvents,
    // A wallet payment asks its payer: they are told too (realtime pushes to the event's audience).
    ...(event
      ? [
          hubEvent(
            event,
            actor,
            intent,
            deps.clock.now(),
            status === 'requires_action' ? intent.payment_method.wallet?.user : undefined,
          ),
        ]
      : []),
    ...(outcome
      ? [providerRefPut(outcome.connector.provider, outcome.payment.reference, record.id, actor.merchantId)]
      : []),
    ...(respond?.(intent) ?? []),
  ]);
  if (split && status === 'succeeded') await transferSplits(deps, record.id);
  return intent;
}

export async function getIntentRecord(deps: HubDeps, merchantId: string, id: string): Promise<IntentRecord> {
  const record = await readIntent(deps.store, id);
  if (!record || record.merchant !== merchantId) throw new AppError('not_found', `no payment intent ${id}`);
  return record;
}

export async function listIntents(
  deps: HubDeps,
  merchantId: string,
  page: { limit: number; cursor?: string },
) {
  const result = await merchantIntentsPage(deps.store, merchantId, page);
  return { data: result.data.map(toIntent), next_cursor: result.next_cursor };
}

async function takenBy(deps: HubDeps, actor: MerchantActor, record: IntentRecord) {
  if (!record.connector || !record.provider_reference)
    throw new AppError('invalid_state_transition', `payment intent ${record.id} is ${record.status}`, {
      details: { status: record.status },
    });
  const connector = await getConnectorRecord(deps, actor.merchantId, record.connector).catch(() => {
    throw new AppError(
      'invalid_state_transition',
      `the connector that took payment intent ${record.id} is gone`,
    );
  });
  return {
    connector,
    impl: deps.connectors[connector.provider],
    ctx: await contextOf(deps, actor, connector),
    reference: record.provider_reference,
  };
}

async function save(
  deps: HubDeps,
  actor: MerchantActor,
  record: IntentRecord,
  type: IntentEventType | undefined,
  respond?: Respond,
) {
  const next = { ...record, updated_at: isoTime(deps.clock.now()), version: record.version + 1 };
  const intent = toIntent(next);
  try {
    await deps.store.transact([
      intentPut(next),
      ...(type ? [hubEvent(type, actor, intent, deps.clock.now())] : []),
      ...(respond?.(intent) ?? []),
    ]);
  } catch (error) {
    throw new AppError('conflict', `payment intent ${record.id} changed meanwhile; retry`, { cause: error });
  }
  return intent;
}

/**
 * A provider that did not answer a call on an intent it holds: 503, the intent unchanged. The
 * call's key is fixed by the intent (and a refund's place), so the retry cannot do it twice.
 */
function answerOutage(error: unknown): never {
  if (!isTechnicalFailure(error)) throw error;
  throw hubErrors.error('provider_unavailable', `the provider did not answer (${error.kind}); retry`, {
    cause: error,
  });
}

/** Captures an authorized intent at the provider that took it. */
export async function captureIntent(
  deps: HubDeps,
  actor: MerchantActor,
  id: string,
  amount: number | undefined,
  respond?: Respond,
) {
  const record = await getIntentRecord(deps, actor.merchantId, id);
  if (record.status !== 'requires_capture')
    throw new AppError(
      'invalid_state_transition',
      `cannot capture a payment intent that is ${record.status}`,
      { details: { status: record.status } },
    );
  const split = await readSplit(deps.store, record.id);
  if (split && amount !== undefined && amount < splitTotal(split))
    throw new AppError('validation_failed', `capture at least the splits' total, ${splitTotal(split)}`, {
      param: 'amount',
    });
  const { impl, ctx, reference } = await takenBy(deps, actor, record);
  const payment = await impl.capture(ctx, reference, amount, `${record.id}:capture`).catch(answerOutage);
  const intent = await save(
    deps,
    actor,
    { ...record, status: 'succeeded', amount_captured: payment.amount_captured },
    'payment_intent.succeeded',
    respond,
  );
  if (split) await transferSplits(deps, record.id);
  return intent;
}

/**
 * Cancels an intent that holds money (`requires_capture`: the authorization is voided) or waits on
 * its payer (`requires_action`: the wallet's ask is withdrawn, and the payer can no longer approve
 * it). A payer who answers first wins: the cancel then answers 409 and changes nothing.
 */
export async function cancelIntent(deps: HubDeps, actor: MerchantActor, id: string, respond?: Respond) {
  const record = await getIntentRecord(deps, actor.merchantId, id);
  if (record.status !== 'requires_capture' && record.status !== 'requires_action')
    throw new AppError(
      'invalid_state_transition',
      `cannot cancel a payment intent that is ${record.status}`,
      { details: { status: record.status } },
    );
  const { impl, ctx, reference } = await takenBy(deps, actor, record);
  await impl.void(ctx, reference, `${record.id}:void`).catch(answerOutage);
  return save(deps, actor, { ...record, status: 'canceled' }, 'payment_intent.canceled', respond);
}

/**
 * What a refund of `amount` (by default all that is left) on `record` would refund, or why it
 * cannot: 409 `invalid_state_transition` unless the intent succeeded with something left to
 * refund, 400 `validation_failed` (`amount`) above what is left.
 */
export function refundable(record: IntentRecord, amount: number | undefined): number {
  const left = record.amount_captured - record.amount_refunded;
  if (record.status !== 'succeeded' || left <= 0)
    throw new AppError(
      'invalid_state_transition',
      `cannot refund a payment intent that is ${record.status}${left <= 0 ? ' with nothing left to refund' : ''}`,
      {
        details: { status: record.status },
      },
    );
  const wanted = amount ?? left;
  if (wanted > left)
    throw new AppError('validation_failed', `at most ${left} can still be refunded`, { param: 'amount' });
  return wanted;
}

/** Refunds (part of) a captured intent through the provider that took it. */
export async function refundIntent(
  deps: HubDeps,
  actor: MerchantActor,
  id: string,
  amount: number | undefined,
  respond?: Respond,
) {
  const record = await getIntentRecord(deps, actor.merchantId, id);
  const wanted = refundable(record, amount);
  const { impl, ctx, reference } = await takenBy(deps, actor, record);
  // The key towards the provider is fixed by the refund's place: a concurrent second refund with the
  // same key gets the first one back from the provider (every connector makes one refund per key),
  // then loses the intent's version check (409). One for another amount is refused before it
  // moves anything (409 `refund_in_progress`), as is a retry of a refund cut off before its answer
  // was stored, if it asks another amount.
  const refundId = hubIds.newId('intentRefund', deps.clock.now());
  const key = `${record.id}:refund:${record.refunds.length + 1}`;
  // The vendors' part comes back first, so the merchant's balance holds it when the provider pays;
  // shares still waiting to move get one more try first, so they can be taken back pro rata.
  if (record.splits.length > 0) await transferSplits(deps, record.id);
  const reversal = await reverseForRefund(deps, record, key, wanted);
  let refund: Awaited<ReturnType<typeof impl.refund>>;
  try {
    refund = await impl.refund(ctx, reference, wanted, key);
  } catch (error) {
    // Refused: the vendors get their part back. An outage keeps it for the retry with this key.
    if (reversal && isAppError(error)) await undoReversal(deps, record.id, key);
    return answerOutage(error);
  }
  if (refund.amount !== wanted) throw refundInProgress(record.id, refund.amount);
  return save(
    deps,
    actor,
    {
      ...record,
      amount_refunded: record.amount_refunded + wanted,
      refunds: [
        ...record.refunds,
        {
          id: refundId,
          amount: wanted,
          provider_reference: refund.reference,
          created_at: isoTime(deps.clock.now()),
        },
      ],
    },
    'payment_intent.refunded',
    respond,
  );
}

/**
 * The payer's answer to a wallet payment asked of them: approving holds (or, for a sale, moves)
 * the amount on their wallet; rejecting, or a wallet that cannot cover it, fails the intent with a
 * decline. Only the payer named on the intent sees it (anyone else: 404).
 */
export async function answerIntent(deps: HubDeps, payerId: string, id: string, answer: 'approve' | 'reject') {
  const record = await readIntent(deps.store, id);
  if (!record || record.payment_method.wallet?.user !== payerId)
    throw new AppError('not_found', `no payment intent ${id}`);
  if (record.status !== 'requires_action' || !record.connector || !record.provider_reference)
    throw new AppError('invalid_state_transition', `payment intent ${id} is ${record.status}`, {
      details: { status: record.status },
    });
  const actor = { merchantId: record.merchant, ownerId: record.owner };
  const connector = await getConnectorRecord(deps, record.merchant, record.connector);
  const ctx = await contextOf(deps, actor, connector);
  const wallet = deps.connectors.wallet;
  const payment =
    answer === 'approve'
      ? await wallet.approve(ctx, record.provider_reference, payerId)
      : await wallet.reject(ctx, record.provider_reference, payerId);
  const status: IntentStatus =
    payment.status === 'captured'
      ? 'succeeded'
      : payment.status === 'authorized'
        ? 'requires_capture'
        : 'failed';
  const attempts = record.attempts.map((a, index) =>
    index === record.attempts.length - 1
      ? {
          ...a,
          status:
            payment.status === 'declined'
              ? ('declined' as const)
              : status === 'succeeded'
                ? ('captured' as const)
                : ('authorized' as const),
          error_code: payment.status === 'declined' ? ('card_declined' as const) : null,
          decline_code: payment.decline_code,
          finished_at: isoTime(deps.clock.now()),
        }
      : a,
  );
  const intent = await save(
    deps,
    actor,
    {
      ...record,
      status,
      attempts,
      amount_captured: payment.amount_captured,
      last_error:
        payment.status === 'declined'
          ? { code: 'card_declined', decline_code: payment.decline_code, return_code: null }
          : null,
    },
    eventOf[status],
  );
  if (status === 'succeeded' && record.splits.length > 0) await transferSplits(deps, record.id);
  return intent;
}

/** A wallet payment intent as its payer sees it. */
export async function getPayerIntent(deps: HubDeps, payerId: string, id: string): Promise<Intent> {
  const record = await readIntent(deps.store, id);
  if (!record || record.payment_method.wallet?.user !== payerId)
    throw new AppError('not_found', `no payment intent ${id}`);
  return toIntent(record);
}
