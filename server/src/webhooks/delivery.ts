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
import {
  deliveryQueueName,
  deliveryTimeoutMs,
  maxDeliveryAttempts,
  responseSnippetBytes,
  retryDelaySeconds,
  type DeliveryAttempt,
} from './model.ts';
import { deliveryAttemptRecord, readDelivery, readEndpoint, type EndpointRecord } from './store.ts';
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
  return perMessage((message) => handleDeliveryMessage(deps, message));
}

interface HttpOutcome {
  status: number | null;
  body: string | null;
  error: string | null;
}

/**
 * One attempt of one delivery: POST the event, record the attempt, then succeed, schedule the
 * next attempt, or dead-letter after the last. Idempotent per attempt: the record is written
 * only if no other worker recorded this attempt number first.
 */
export async function handleDeliveryMessage(
  deps: WebhookDeps,
  message: ReceivedMessage,
): Promise<MessageOutcome> {
  const deliveryId = (message.body as { delivery_id?: unknown } | null)?.delivery_id;
  if (typeof deliveryId !== 'string') return; // not ours to retry
  const delivery = await readDelivery(deps.store, deliveryId);
  if (!delivery || delivery.status !== 'pending') return;
  const now = deps.clock.now();
  const attemptNumber = delivery.attempt_count + 1;
  const [endpoint, event] = await Promise.all([
    readEndpoint(deps.store, delivery.endpoint_id),
    loadEvent(deps, delivery.merchant, delivery.event_id),
  ]);

  let outcome: HttpOutcome;
  let latencyMs = 0;
  let url = endpoint?.url ?? '';
  let isFinal = false;
  if (!endpoint || !event) {
    outcome = { status: null, body: null, error: !endpoint ? 'endpoint deleted' : 'event not found' };
    isFinal = true;
  } else if (endpoint.status !== 'enabled') {
    outcome = { status: null, body: null, error: 'endpoint disabled' };
    isFinal = true;
  } else {
    url = endpoint.url;
    const payload = JSON.stringify(event);
    const started = performance.now();
    outcome = await post(deps, endpoint, payload, Math.floor(now / 1000));
    latencyMs = Math.round(performance.now() - started);
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
  return send(target.url, target.addresses[0]!, payload, headers);
}

/** One POST: no redirects (node:http never follows them), 10 s for the whole exchange, the first 500 bytes of the answer kept. */
function send(
  url: URL,
  address: ResolvedAddress,
  payload: string,
  headers: Record<string, string>,
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let isSettled = false;
    const finish = (outcome: HttpOutcome) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
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
      () => finish({ status: null, body: null, error: `timed out after ${deliveryTimeoutMs} ms` }),
      deliveryTimeoutMs,
    );
    req.on('error', (error) => finish({ status: null, body: null, error: error.message }));
    req.end(payload);
  });
}
