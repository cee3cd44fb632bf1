import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors.ts';
import { isoTime, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { webhooksErrors } from './errors.ts';
import {
  maxEndpointsPerMerchant,
  type CreateEndpoint,
  type EndpointView,
  type UpdateEndpoint,
} from './model.ts';
import {
  endpointDeliveries,
  endpointCountDecrement,
  endpointCountIncrement,
  endpointDelete,
  endpointPut,
  endpointSecretsRotate,
  endpointUpdate,
  merchantEndpoints,
  readEndpoint,
  type EndpointChanges,
  type EndpointRecord,
  type StoredSecret,
} from './store.ts';
import {
  checkWebhookUrl,
  systemResolver,
  UrlRefusedError,
  type CheckedUrl,
  type PrivateAddressPolicy,
  type Resolver,
} from './url-guard.ts';

export interface WebhookDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  queue: TransactionalQueue;
  /** `SLUICE_WEBHOOK_ALLOW_PRIVATE`. */
  allowPrivate: PrivateAddressPolicy;
  /** DNS resolution; tests inject one. Default: the system resolver. */
  resolve?: Resolver;
  /** For retry jitter; tests inject one. Default `Math.random`. */
  random?: () => number;
  /**
   * How long the delivery worker waits for a POST before it answers the queue and lets the POST
   * finish and record itself in the background (`Config.webhookDeliveryHoldMs`). Default
   * `defaultDeliveryHoldMs`; null waits for every POST to end (AWS: Lambda freezes what runs on
   * after the handler returns).
   */
  deliveryHoldMs?: number | null;
  /**
   * How long one POST may take before it counts as unanswered. Default `deliveryTimeoutMs`
   * (10 s); tests set their own so that none races the real one.
   */
  deliveryTimeoutMs?: number;
  /** How long events are kept once delivered (`Config.eventRetentionSeconds`); default 30 days. */
  eventRetentionSeconds?: number;
}

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** How many secrets sign at once: the current one and, during a rotation's grace period, the one before it. */
export const maxSigningSecrets = 2;

/**
 * The secrets that sign at `now`, newest first: two while a rotation's grace period lasts. Capped
 * even for endpoints stored before rotation kept only one previous secret, so the signature
 * header never outgrows a receiver's header limit.
 */
export function activeSecrets(endpoint: EndpointRecord, now: number): string[] {
  return endpoint.secrets
    .filter((s) => s.expires_at === null || s.expires_at > now)
    .slice(0, maxSigningSecrets)
    .map((s) => s.secret);
}

/** Checks a URL against the SSRF policy; a refusal is a 400 naming `url`. */
export async function guardUrl(deps: WebhookDeps, url: string): Promise<CheckedUrl> {
  try {
    return await checkWebhookUrl(url, { policy: deps.allowPrivate, resolve: deps.resolve ?? systemResolver });
  } catch (error) {
    if (error instanceof UrlRefusedError)
      throw new AppError('validation_failed', error.message, { param: 'url' });
    throw error;
  }
}

export function endpointView(item: EndpointRecord, secret?: string): EndpointView {
  return {
    id: item.id,
    object: 'webhook_endpoint',
    url: item.url,
    events: item.events,
    description: item.description,
    status: item.status,
    created_at: item.created_at,
    ...(secret ? { secret } : {}),
  };
}

function normalizeEvents(events: readonly string[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)].sort();
}

export function subscribesTo(endpoint: EndpointRecord, type: string): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(type);
}

function notFound(id: string): AppError {
  return new AppError('not_found', `no webhook endpoint ${id}`, { param: 'id' });
}

/** The endpoint, if it is this merchant's; 404 otherwise (another merchant's id included). */
export async function findEndpoint(
  deps: WebhookDeps,
  merchantId: string,
  id: string,
): Promise<EndpointRecord> {
  const endpoint = await readEndpoint(deps.store, id);
  if (!endpoint || endpoint.merchant !== merchantId) throw notFound(id);
  return endpoint;
}

export async function createEndpoint(
  deps: WebhookDeps,
  merchantId: string,
  input: CreateEndpoint,
): Promise<EndpointView> {
  await guardUrl(deps, input.url);
  const now = deps.clock.now();
  const id = newId('webhookEndpoint', now);
  const secret = newSecret();
  const endpoint: EndpointRecord = {
    kind: 'webhook_endpoint',
    id,
    merchant: merchantId,
    url: input.url,
    events: normalizeEvents(input.events),
    description: input.description ?? null,
    status: 'enabled',
    secrets: [{ secret, created_at: now, expires_at: null }],
    secret_version: 1,
    created_at: isoTime(now),
  };
  try {
    // The count goes first: its refusal (the merchant is at the limit) is reason 0.
    await deps.store.transact([endpointCountIncrement(merchantId), endpointPut(endpoint)]);
  } catch (error) {
    if (isTransactionCanceled(error) && error.reasonAt(0)) {
      throw webhooksErrors.error(
        'endpoint_limit_reached',
        `a merchant can have at most ${maxEndpointsPerMerchant} webhook endpoints; delete one first`,
      );
    }
    throw error;
  }
  deps.logger.info('webhook endpoint created', { merchant_id: merchantId, endpoint_id: id });
  return endpointView(endpoint, secret);
}

export async function listEndpoints(
  deps: WebhookDeps,
  merchantId: string,
  limit: number,
  startingAfter?: string,
) {
  const endpoints = await merchantEndpoints(deps.store, merchantId, limit + 1, startingAfter);
  const data = await Promise.all(
    endpoints.slice(0, limit).map(async (endpoint) => withHealth(deps, endpointView(endpoint))),
  );
  return { data, next_cursor: endpoints.length > limit ? data.at(-1)?.id : undefined };
}

export async function getEndpoint(deps: WebhookDeps, merchantId: string, id: string): Promise<EndpointView> {
  return withHealth(deps, endpointView(await findEndpoint(deps, merchantId, id)));
}

/** How many of an endpoint's newest deliveries its health is measured over. */
export const healthWindow = 50;

/**
 * The endpoint's health, as Stripe's dashboard shows it beside each endpoint: when a delivery
 * last succeeded, and the share of failed attempts among the newest deliveries' attempts.
 */
async function withHealth(deps: WebhookDeps, view: EndpointView): Promise<EndpointView> {
  const { data } = await endpointDeliveries(deps.store, view.id, { limit: healthWindow });
  const attempts = data.flatMap((delivery) => delivery.attempts);
  const ok = (status: number | null) => status !== null && status >= 200 && status < 300;
  const failed = attempts.filter((attempt) => !ok(attempt.response_status)).length;
  const lastSuccess = attempts
    .filter((attempt) => ok(attempt.response_status))
    .reduce<string | null>(
      (latest, attempt) => (latest === null || attempt.at > latest ? attempt.at : latest),
      null,
    );
  return {
    ...view,
    health: {
      last_success_at: lastSuccess,
      failure_rate: attempts.length ? failed / attempts.length : null,
      attempts: attempts.length,
      pending: data.filter((delivery) => delivery.status === 'pending').length,
      dead: data.filter((delivery) => delivery.status === 'dead').length,
    },
  };
}

export async function updateEndpoint(
  deps: WebhookDeps,
  merchantId: string,
  id: string,
  input: UpdateEndpoint,
): Promise<EndpointView> {
  const current = await findEndpoint(deps, merchantId, id);
  if (input.url !== undefined) await guardUrl(deps, input.url);
  const changes: EndpointChanges = {};
  if (input.url !== undefined) changes.url = input.url;
  if (input.events !== undefined) changes.events = normalizeEvents(input.events);
  if (input.description !== undefined) changes.description = input.description;
  if (input.status !== undefined) changes.status = input.status;
  if (Object.keys(changes).length === 0) return endpointView(current);
  try {
    await deps.store.transact([endpointUpdate(current, changes)]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw notFound(id);
    throw error;
  }
  return endpointView({ ...current, ...changes });
}

export async function deleteEndpoint(deps: WebhookDeps, merchantId: string, id: string) {
  const endpoint = await findEndpoint(deps, merchantId, id);
  try {
    await deps.store.transact([endpointDelete(endpoint), endpointCountDecrement(merchantId)]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw notFound(id);
    throw error;
  }
  deps.logger.info('webhook endpoint deleted', { merchant_id: merchantId, endpoint_id: id });
  return { id, object: 'webhook_endpoint' as const, deleted: true as const };
}

/**
 * A new signing secret. The previous one keeps signing for `expiresInSeconds` (both signatures
 * are sent meanwhile), so a receiver can switch without dropping events; 0 retires it now. Any
 * older secret still in its grace period retires at once: at most one previous secret is kept.
 */
export async function rotateSecret(
  deps: WebhookDeps,
  merchantId: string,
  id: string,
  expiresInSeconds: number,
): Promise<EndpointView> {
  const current = await findEndpoint(deps, merchantId, id);
  const now = deps.clock.now();
  const graceEnd = now + expiresInSeconds * 1000;
  const secret = newSecret();
  // Only the secret that was current keeps signing through the grace period: older ones retire
  // now, so each signature header carries at most two `v1`s however often the secret rotates.
  const previous = current.secrets[0];
  const secrets: StoredSecret[] = [
    { secret, created_at: now, expires_at: null },
    ...(previous && graceEnd > now
      ? [
          {
            ...previous,
            expires_at: previous.expires_at === null ? graceEnd : Math.min(previous.expires_at, graceEnd),
          },
        ]
      : []),
  ].filter((s) => s.expires_at === null || s.expires_at > now);
  try {
    await deps.store.transact([endpointSecretsRotate(current, secrets)]);
  } catch (error) {
    if (isTransactionCanceled(error))
      throw new AppError('conflict', 'the secret was rotated concurrently; try again');
    throw error;
  }
  deps.logger.info('webhook secret rotated', {
    merchant_id: merchantId,
    endpoint_id: id,
    previous_valid_until: isoTime(graceEnd),
  });
  return endpointView({ ...current, secrets }, secret);
}
