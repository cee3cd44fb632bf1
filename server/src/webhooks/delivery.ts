import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isoTime } from '../kernel/clock.ts';
import {
  perMessage,
  type BatchHandler,
  type ConsumeOptions,
  type MessageOutcome,
  type Queue,
  type ReceivedMessage,
} from '../platform/queue.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import { activeSecrets, type WebhookDeps } from './endpoints.ts';
import { loadEvent } from './events.ts';
import { EndpointGate } from './endpoint-gate.ts';
import {
  defaultDeliveryHoldMs,
  deliveryConnectTimeoutMs,
  deliveryScheduleMs,
  deliveryQueueName,
  deliveryTimeoutMs,
  maxQueueDelaySeconds,
  maxDeliveryAttempts,
  responseSnippetBytes,
  retryDelaySeconds,
  type DeliveryAttempt,
} from './model.ts';
import {
  deliveryAttemptRecord,
  readDelivery,
  readEndpoint,
  type DeliveryRecord,
  type EndpointRecord,
} from './store.ts';
import { signatureHeader, signPayload } from './signature.ts';
import {
  checkWebhookUrl,
  pinnedLookup,
  systemResolver,
  UrlRefusedError,
  type ResolvedAddress,
} from './url-guard.ts';

/** Queue settings for the delivery consumer: the webhook schedule owns retries; the queue's own dead-letter list only catches a handler that keeps crashing. */
export const deliveryConsumeOptions: ConsumeOptions = {
  batchSize: 10,
  visibilityTimeoutSeconds: 60,
  maxReceives: maxDeliveryAttempts + 5,
  retryAfterSeconds: () => 60,
};

/**
 * Registers the delivery worker as the consumer of the delivery queue.
 *
 * @example
 * registerDeliveryWorker(storeQueue, deps);
 * storeQueue.start();
 */
export function registerDeliveryWorker(queue: Pick<Queue, 'consume'>, deps: WebhookDeps): void {
  queue.consume(deliveryQueueName, deliveryHandler(deps), deliveryConsumeOptions);
}

/** The delivery worker: each message one attempt of one delivery, failures retried alone. */
export function deliveryHandler(deps: WebhookDeps): BatchHandler {
  const gate = new EndpointGate();
  return perMessage((message) => handleDeliveryMessage(deps, message, gate));
}

interface HttpOutcome {
  status: number | null;
  body: string | null;
  error: string | null;
  /** No answer at all: the connection failed or timed out. */
  isUnresponsive?: boolean;
}

/** The gate of the process's delivery workers (see `endpoint-gate.ts`). */
const processGate = new EndpointGate();

/** A message back a little early (a queue's timer against this clock) is still taken as due. */
const earlyToleranceMs = 500;

/**
 * One attempt of one delivery: POST the event, record the attempt, then succeed, schedule the
 * next attempt, or dead-letter after the last. Idempotent per attempt: the record is written
 * only if no other worker recorded this attempt number first.
 *
 * Isolation: an endpoint with too many requests open, or backing off after failing to answer,
 * gets the delivery deferred (a fresh queue message with a delay, so deferrals do not use up the
 * message's receives). A POST still running after `deps.deliveryHoldMs` is left to finish and
 * record its attempt in the background, and the message is replaced by one that comes back after
 * the POST's timeout: a hanging endpoint never holds the batch, nor the local queue's next round.
 */
export async function handleDeliveryMessage(
  deps: WebhookDeps,
  message: ReceivedMessage,
  gate: EndpointGate = processGate,
): Promise<MessageOutcome> {
  const deliveryId = (message.body as { delivery_id?: unknown } | null)?.delivery_id;
  if (typeof deliveryId !== 'string') return; // not ours to retry
  const delivery = await readDelivery(deps.store, deliveryId);
  if (!delivery || delivery.status !== 'pending') return;
  const openSeconds = gate.openRequestSeconds(deliveryId);
  if (openSeconds !== undefined) return defer(deps, deliveryId, openSeconds + 1);
  const now = deps.clock.now();
  const dueInMs = delivery.next_attempt_at === null ? 0 : Date.parse(delivery.next_attempt_at) - now;
  // Back before its time (it replaced a POST left running, which has since recorded a failure).
  if (dueInMs > earlyToleranceMs)
    return { retryAfterSeconds: Math.ceil(dueInMs / 1000), error: 'not due yet' };
  const admission = gate.admit(delivery.endpoint_id, deliveryId, postTimeoutMs(deps));
  if (!admission.isAdmitted) {
    // Held back all along (its endpoint never answered): dead when the schedule would have ended.
    if (now - Date.parse(delivery.created_at) > deliveryScheduleMs) return giveUp(deps, delivery, now);
    return defer(deps, deliveryId, admission.retryAfterSeconds);
  }

  const holdMs = deps.deliveryHoldMs === undefined ? defaultDeliveryHoldMs : deps.deliveryHoldMs;
  const started = performance.now();
  // An answer later than the hold keeps the endpoint `slow`; one within it (or no hold) clears that.
  const attempt = attemptDelivery(deps, delivery, now, (end) =>
    gate.release(
      delivery.endpoint_id,
      deliveryId,
      end === 'fast' && holdMs !== null && performance.now() - started > holdMs ? 'slow' : end,
    ),
  );
  if (holdMs === null) return attempt;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const held = await Promise.race([
    attempt,
    new Promise<'detached'>((resolve) => {
      timer = setTimeout(() => resolve('detached'), gate.isSlow(delivery.endpoint_id) ? 0 : holdMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (held !== 'detached') return held;
  gate.markSlow(delivery.endpoint_id);
  attempt.catch((error: unknown) =>
    deps.logger.error('webhook attempt failed to record', {
      delivery_id: deliveryId,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return defer(deps, deliveryId, Math.ceil((postTimeoutMs(deps) - (performance.now() - started)) / 1000) + 1);
}

/** How long one POST may take: `deps.deliveryTimeoutMs`, by default `deliveryTimeoutMs` (10 s). */
function postTimeoutMs(deps: WebhookDeps): number {
  return deps.deliveryTimeoutMs ?? deliveryTimeoutMs;
}

/**
 * Replaces the message with a fresh one `seconds` later (at most SQS's 900 s delay); this one is
 * then acknowledged. If that acknowledgement is lost both come back, and the second finds the
 * attempt recorded or in flight: at worst a duplicate POST, which receivers dedupe by event id.
 */
async function defer(deps: WebhookDeps, deliveryId: string, seconds: number): Promise<MessageOutcome> {
  await deps.store.transact([
    deps.queue.sendOperation(deliveryQueueName, {
      id: `${deliveryId}.${randomBytes(8).toString('hex')}`,
      body: { delivery_id: deliveryId },
      delaySeconds: Math.min(maxQueueDelaySeconds, Math.max(1, seconds)),
    }),
  ]);
}

/** Records the delivery dead without a POST: its endpoint was held back until the schedule ran out. */
async function giveUp(deps: WebhookDeps, delivery: DeliveryRecord, now: number): Promise<MessageOutcome> {
  const endpoint = await readEndpoint(deps.store, delivery.endpoint_id);
  const attempt: DeliveryAttempt = {
    attempt: delivery.attempt_count + 1,
    at: isoTime(now),
    url: endpoint?.url ?? '',
    response_status: null,
    latency_ms: 0,
    response_body: null,
    error: 'not attempted: the endpoint kept failing to answer until the retry schedule ran out',
  };
  try {
    await deps.store.transact([
      deliveryAttemptRecord(delivery, {
        status: 'dead',
        attempts: [...delivery.attempts, attempt],
        attempt_count: attempt.attempt,
        next_attempt_at: null,
      }),
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) return; // another worker recorded an attempt first
    throw error;
  }
  deps.logger.warn('webhook delivery dead: its endpoint never answered within the schedule', {
    delivery_id: delivery.id,
    event_id: delivery.event_id,
    endpoint_id: delivery.endpoint_id,
  });
}

/** The POST and its record; `release` is told how the request ended as soon as it has. */
async function attemptDelivery(
  deps: WebhookDeps,
  delivery: DeliveryRecord,
  now: number,
  release: (end: 'fast' | 'unresponsive') => void,
): Promise<MessageOutcome> {
  const deliveryId = delivery.id;
  const attemptNumber = delivery.attempt_count + 1;
  let outcome: HttpOutcome;
  let latencyMs = 0;
  let url: string;
  let isFinal = false;
  let isUnresponsive = false;
  try {
    const [endpoint, event] = await Promise.all([
      readEndpoint(deps.store, delivery.endpoint_id),
      loadEvent(deps, delivery.merchant, delivery.event_id),
    ]);
    url = endpoint?.url ?? '';
    if (!endpoint || !event) {
      outcome = { status: null, body: null, error: !endpoint ? 'endpoint deleted' : 'event not found' };
      isFinal = true;
    } else if (endpoint.status !== 'enabled') {
      outcome = { status: null, body: null, error: 'endpoint disabled' };
      isFinal = true;
    } else {
      const payload = JSON.stringify(event);
      const started = performance.now();
      outcome = await post(deps, endpoint, payload, Math.floor(now / 1000));
      latencyMs = Math.round(performance.now() - started);
      isUnresponsive = outcome.isUnresponsive === true;
    }
  } finally {
    release(isUnresponsive ? 'unresponsive' : 'fast');
  }
  const isSuccess = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const isDead = !isSuccess && (isFinal || attemptNumber >= maxDeliveryAttempts);
  const delaySeconds = isSuccess || isDead ? 0 : retryDelaySeconds(attemptNumber, deps.random);
  const attempt: DeliveryAttempt = {
    attempt: attemptNumber,
    at: isoTime(now),
    url,
    response_status: outcome.status,
    latency_ms: latencyMs,
    response_body: outcome.body,
    error: outcome.error,
  };
  const status = isSuccess ? 'succeeded' : isDead ? 'dead' : 'pending';
  const recorded = deliveryAttemptRecord(delivery, {
    status,
    attempts: [...delivery.attempts, attempt],
    attempt_count: attemptNumber,
    next_attempt_at: status === 'pending' ? isoTime(now + delaySeconds * 1000) : null,
  });
  try {
    await deps.store.transact([recorded]);
  } catch (error) {
    if (isTransactionCanceled(error)) return; // another worker recorded this attempt
    throw error;
  }
  const fields = {
    delivery_id: deliveryId,
    event_id: delivery.event_id,
    endpoint_id: delivery.endpoint_id,
    attempt: attemptNumber,
    response_status: outcome.status,
    error: outcome.error,
  };
  if (isSuccess) deps.logger.info('webhook delivered', fields);
  else if (isDead) deps.logger.warn('webhook delivery dead after its last attempt', fields);
  else deps.logger.info('webhook attempt failed, will retry', { ...fields, retry_in_seconds: delaySeconds });
  return status === 'pending'
    ? { retryAfterSeconds: delaySeconds, error: outcome.error ?? `HTTP ${outcome.status}` }
    : undefined;
}

/** Checks the URL again (DNS may have changed) and POSTs to the address it checked. */
async function post(
  deps: WebhookDeps,
  endpoint: EndpointRecord,
  payload: string,
  timestamp: number,
): Promise<HttpOutcome> {
  let target: { url: URL; addresses: ResolvedAddress[] };
  try {
    target = await checkWebhookUrl(endpoint.url, {
      policy: deps.allowPrivate,
      resolve: deps.resolve ?? systemResolver,
    });
  } catch (error) {
    return {
      status: null,
      body: null,
      error: error instanceof UrlRefusedError ? `refused: ${error.message}` : 'url check failed',
    };
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Sluice-Webhooks/1',
    [signatureHeader.toLowerCase()]: signPayload(
      payload,
      activeSecrets(endpoint, deps.clock.now()),
      timestamp,
    ),
  };
  return send(target.url, target.addresses[0]!, payload, headers, postTimeoutMs(deps));
}

/**
 * One POST: no redirects (node:http never follows them), `deliveryConnectTimeoutMs` to connect
 * and `timeoutMs` for the whole exchange, the first 500 bytes of the answer kept.
 */
function send(
  url: URL,
  address: ResolvedAddress,
  payload: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let isSettled = false;
    const finish = (outcome: HttpOutcome) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      resolve(outcome);
      req.destroy();
    };
    const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requestFn(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
        lookup: pinnedLookup(address) as never,
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            status: res.statusCode ?? null,
            body: Buffer.concat(chunks).subarray(0, responseSnippetBytes).toString('utf8'),
            error: null,
          });
        res.on('data', (chunk: Buffer) => {
          if (size >= responseSnippetBytes) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= responseSnippetBytes) done();
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(
      () =>
        finish({
          status: null,
          body: null,
          error: `timed out after ${timeoutMs} ms`,
          isUnresponsive: true,
        }),
      timeoutMs,
    );
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () =>
          finish({
            status: null,
            body: null,
            error: `could not connect within ${deliveryConnectTimeoutMs} ms`,
            isUnresponsive: true,
          }),
        deliveryConnectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (error) =>
      finish({ status: null, body: null, error: error.message, isUnresponsive: true }),
    );
    req.end(payload);
  });
}
