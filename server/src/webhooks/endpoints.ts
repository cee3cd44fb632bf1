import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors.ts';
import { isoTime, type Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import { isTransactionCanceled, type Item, type Store } from '../platform/store.ts';
import { keys, maxEndpointsPerMerchant, type CreateEndpoint, type EndpointStatus, type EndpointView, type UpdateEndpoint } from './model.ts';
import { checkWebhookUrl, systemResolver, UrlRefusedError, type CheckedUrl, type PrivateAddressPolicy, type Resolver } from './url-guard.ts';

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
}

/**
 * A signing secret. Stored as-is: signing needs the plaintext (an HMAC key cannot be hashed like
 * an API key), so the store file or table is as sensitive as the secrets in it. On AWS the table
 * is encrypted at rest with KMS; envelope-encrypting this attribute with a KMS data key is the
 * next step if table readers must not see secrets. Never logged (the logger redacts `secret`).
 */
export interface StoredSecret {
  secret: string;
  created_at: number;
  /** ms since the epoch; null while it is the current secret. */
  expires_at: number | null;
}

export interface EndpointItem extends Item {
  kind: 'webhook_endpoint';
  id: string;
  merchant: string;
  url: string;
  events: string[];
  description: string | null;
  status: EndpointStatus;
  secrets: StoredSecret[];
  secret_version: number;
  created_at: string;
}

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The secrets that sign at `now`, newest first: two while a rotation's grace period lasts. */
export function activeSecrets(endpoint: EndpointItem, now: number): string[] {
  return endpoint.secrets.filter((s) => s.expires_at === null || s.expires_at > now).map((s) => s.secret);
}

/** Checks a URL against the SSRF policy; a refusal is a 400 naming `url`. */
export async function guardUrl(deps: WebhookDeps, url: string): Promise<CheckedUrl> {
  try {
    return await checkWebhookUrl(url, { policy: deps.allowPrivate, resolve: deps.resolve ?? systemResolver });
  } catch (error) {
    if (error instanceof UrlRefusedError) throw new AppError('validation_failed', error.message, { param: 'url' });
    throw error;
  }
}

export function endpointView(item: EndpointItem, secret?: string): EndpointView {
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

export function subscribesTo(endpoint: EndpointItem, type: string): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(type);
}

function notFound(id: string): AppError {
  return new AppError('not_found', `no webhook endpoint ${id}`, { param: 'id' });
}

/** The endpoint, if it is this merchant's; 404 otherwise (another merchant's id included). */
export async function findEndpoint(deps: WebhookDeps, merchantId: string, id: string): Promise<EndpointItem> {
  const item = await deps.store.get(keys.endpoint(id));
  if (!item || item.kind !== 'webhook_endpoint' || item.merchant !== merchantId) throw notFound(id);
  return item as EndpointItem;
}

export async function createEndpoint(deps: WebhookDeps, merchantId: string, input: CreateEndpoint): Promise<EndpointView> {
  await guardUrl(deps, input.url);
  const now = deps.clock.now();
  const id = newId('webhookEndpoint', now);
  const secret = newSecret();
  const item: EndpointItem = {
    ...keys.endpoint(id),
    gsi1pk: keys.merchantEndpoints(merchantId),
    gsi1sk: id,
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
    await deps.store.transact([
      {
        type: 'update',
        key: keys.endpointCount(merchantId),
        add: { count: 1 },
        condition: { any: [{ attributeNotExists: 'count' }, { compare: ['count', '<', maxEndpointsPerMerchant] }] },
      },
      { type: 'put', item, condition: { attributeNotExists: 'pk' } },
    ]);
  } catch (error) {
    if (isTransactionCanceled(error) && error.reasonAt(0)) {
      throw new AppError('invalid_request', `a merchant can have at most ${maxEndpointsPerMerchant} webhook endpoints`);
    }
    throw error;
  }
  deps.logger.info('webhook endpoint created', { merchant_id: merchantId, endpoint_id: id });
  return endpointView(item, secret);
}

export async function listEndpoints(deps: WebhookDeps, merchantId: string, limit: number, startingAfter?: string) {
  const page = await deps.store.query({
    index: 'gsi1',
    partition: keys.merchantEndpoints(merchantId),
    ...(startingAfter ? { sort: { op: '>' as const, value: startingAfter } } : {}),
    limit: limit + 1,
  });
  const items = page.items.filter((item) => item.kind === 'webhook_endpoint') as EndpointItem[];
  const data = items.slice(0, limit).map((item) => endpointView(item));
  return { data, next_cursor: items.length > limit ? data.at(-1)?.id : undefined };
}

export async function getEndpoint(deps: WebhookDeps, merchantId: string, id: string): Promise<EndpointView> {
  return endpointView(await findEndpoint(deps, merchantId, id));
}

export async function updateEndpoint(deps: WebhookDeps, merchantId: string, id: string, input: UpdateEndpoint): Promise<EndpointView> {
  const current = await findEndpoint(deps, merchantId, id);
  if (input.url !== undefined) await guardUrl(deps, input.url);
  const set: Record<string, unknown> = {};
  if (input.url !== undefined) set.url = input.url;
  if (input.events !== undefined) set.events = normalizeEvents(input.events);
  if (input.description !== undefined) set.description = input.description;
  if (input.status !== undefined) set.status = input.status;
  if (Object.keys(set).length === 0) return endpointView(current);
  try {
    await deps.store.transact([{ type: 'update', key: keys.endpoint(id), set, condition: { compare: ['merchant', '=', merchantId] } }]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw notFound(id);
    throw error;
  }
  return endpointView({ ...current, ...set } as EndpointItem);
}

export async function deleteEndpoint(deps: WebhookDeps, merchantId: string, id: string) {
  await findEndpoint(deps, merchantId, id);
  try {
    await deps.store.transact([
      { type: 'delete', key: keys.endpoint(id), condition: { compare: ['merchant', '=', merchantId] } },
      { type: 'update', key: keys.endpointCount(merchantId), add: { count: -1 } },
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw notFound(id);
    throw error;
  }
  deps.logger.info('webhook endpoint deleted', { merchant_id: merchantId, endpoint_id: id });
  return { id, object: 'webhook_endpoint' as const, deleted: true as const };
}

/**
 * A new signing secret. The previous one keeps signing for `expiresInSeconds` (both signatures
 * are sent meanwhile), so a receiver can switch without dropping events; 0 retires it now.
 */
export async function rotateSecret(deps: WebhookDeps, merchantId: string, id: string, expiresInSeconds: number): Promise<EndpointView> {
  const current = await findEndpoint(deps, merchantId, id);
  const now = deps.clock.now();
  const graceEnd = now + expiresInSeconds * 1000;
  const secret = newSecret();
  const secrets: StoredSecret[] = [
    { secret, created_at: now, expires_at: null },
    ...current.secrets
      .map((s) => ({ ...s, expires_at: s.expires_at === null ? graceEnd : Math.min(s.expires_at, graceEnd) }))
      .filter((s) => s.expires_at > now),
  ];
  try {
    await deps.store.transact([{
      type: 'update',
      key: keys.endpoint(id),
      set: { secrets, secret_version: current.secret_version + 1 },
      condition: { all: [{ compare: ['merchant', '=', merchantId] }, { compare: ['secret_version', '=', current.secret_version] }] },
    }]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw new AppError('conflict', 'the secret was rotated concurrently; try again');
    throw error;
  }
  deps.logger.info('webhook secret rotated', { merchant_id: merchantId, endpoint_id: id, previous_valid_until: isoTime(graceEnd) });
  return endpointView({ ...current, secrets }, secret);
}
