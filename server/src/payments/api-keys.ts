import { createHash, randomBytes } from 'node:crypto';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { paymentsErrors } from './errors.ts';
import {
  defaultRateLimitPerMinute,
  maxActiveApiKeysPerMerchant,
  type ApiKey,
  type CreateApiKey,
  type CreatedApiKey,
} from './model.ts';
import { getOwnedMerchant, type PaymentsDeps } from './merchants.ts';
import {
  merchantKeyCountDecrement,
  merchantKeyCountIncrement,
  merchantKeyCountOpen,
} from './store/merchants.ts';
import {
  apiKeyPut,
  apiKeyRevoke,
  findMerchantApiKey,
  merchantApiKeys,
  readApiKey,
  type ApiKeyRecord,
} from './store/api-keys.ts';

export const apiKeySecretPrefix = 'sk_test_';

/** What authenticating with a key yields: enough to act as the merchant and to rate-limit. */
export interface ApiKeyGrant {
  keyId: string;
  merchantId: string;
  ownerId: string;
  rateLimitPerMinute: number;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The key as the API shows it: neither its owner nor its hash. */
function toApiKey({ owner: _owner, secret_hash: _hash, ...key }: ApiKeyRecord): ApiKey {
  return key;
}

/**
 * Mints a key for the owner's merchant. The secret (256 random bits) is returned here only; the
 * store keeps its SHA-256, which is also the key's lookup key — a fast hash is enough because the
 * secret is random, not a password.
 */
export async function createApiKey(
  deps: PaymentsDeps,
  ownerId: string,
  merchantId: string,
  input: CreateApiKey,
): Promise<CreatedApiKey> {
  const merchant = await getOwnedMerchant(deps, ownerId, merchantId);
  const now = deps.clock.now();
  const secret = `${apiKeySecretPrefix}${randomBytes(32).toString('base64url')}`;
  const key: ApiKey = {
    id: newId('apiKey', now),
    merchant: merchant.id,
    name: input.name || null,
    last4: secret.slice(-4),
    rate_limit_per_minute: input.rate_limit_per_minute ?? defaultRateLimitPerMinute,
    created_at: isoTime(now),
    revoked_at: null,
  };
  // The merchant's count of active keys goes up in the same transaction, under its limit.
  const operations = [
    apiKeyPut({ ...key, owner: merchant.owner, secret_hash: hashSecret(secret) }),
    merchantKeyCountIncrement(merchant.id, maxActiveApiKeysPerMerchant),
  ];
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.store.transact(operations);
      return { ...key, secret };
    } catch (error) {
      const counted = isTransactionCanceled(error) ? error.reasonAt(1)?.item : undefined;
      if (!counted || attempt > 0) throw error;
      if (counted.active_api_keys !== undefined)
        throw paymentsErrors.error(
          'limit_reached',
          `a merchant can hold at most ${maxActiveApiKeysPerMerchant} active API keys: revoke one first`,
          { details: { limit: maxActiveApiKeysPerMerchant } },
        );
      await openMerchantKeyCount(deps, merchant.id);
    }
  }
}

/**
 * Gives a merchant stored before the count of active keys its count, from its keys as listed
 * (on DynamoDB, up to the index's lag for keys made just before). A concurrent opening wins alike.
 */
async function openMerchantKeyCount(deps: PaymentsDeps, merchantId: string): Promise<void> {
  let count = 0;
  for await (const key of merchantApiKeys(deps.store, merchantId)) if (!key.revoked_at) count += 1;
  try {
    await deps.store.transact([merchantKeyCountOpen(merchantId, count)]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
  }
}

export async function listApiKeys(
  deps: PaymentsDeps,
  ownerId: string,
  merchantId: string,
): Promise<ApiKey[]> {
  await getOwnedMerchant(deps, ownerId, merchantId);
  const keys: ApiKey[] = [];
  for await (const key of merchantApiKeys(deps.store, merchantId)) keys.push(toApiKey(key));
  return keys;
}

/** Revokes a key; the next request made with it is refused (no cache stands in the way). */
export async function revokeApiKey(
  deps: PaymentsDeps,
  ownerId: string,
  merchantId: string,
  keyId: string,
): Promise<ApiKey> {
  const merchant = await getOwnedMerchant(deps, ownerId, merchantId);
  const key = await findMerchantApiKey(deps.store, merchantId, keyId);
  if (!key) throw new AppError('not_found', `no API key ${keyId}`, { param: 'key_id' });
  if (key.revoked_at) return toApiKey(key);
  const revokedAt = isoTime(deps.clock.now());
  // A merchant without a count yet gets one from its active keys when it next creates a key.
  const operations = [apiKeyRevoke(key, revokedAt)];
  if (merchant.active_api_keys !== undefined) operations.push(merchantKeyCountDecrement(merchantId));
  try {
    await deps.store.transact(operations);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    // Revoked meanwhile by another call: the key as that call left it.
    const now = await findMerchantApiKey(deps.store, merchantId, keyId);
    if (!now?.revoked_at) throw error;
    forgetGrant(deps.store, keyId);
    return toApiKey(now);
  }
  forgetGrant(deps.store, keyId);
  return { ...toApiKey(key), revoked_at: revokedAt };
}

/**
 * How long a verified key is taken on trust before it is read again: a revocation made in this
 * process takes effect at once (`forgetGrant`), one made elsewhere (another Lambda) within this.
 */
export const apiKeyCacheMs = 5_000;
const maxCachedGrants = 10_000;
/** Per store: verified keys by the hash of their secret (never the secret), oldest first. */
const grantCaches = new WeakMap<Store, Map<string, { grant: ApiKeyGrant; until: number }>>();

function grantCacheOf(store: Store): Map<string, { grant: ApiKeyGrant; until: number }> {
  let cache = grantCaches.get(store);
  if (!cache) grantCaches.set(store, (cache = new Map()));
  return cache;
}

function forgetGrant(store: Store, keyId: string): void {
  const cache = grantCacheOf(store);
  for (const [hash, { grant }] of cache) if (grant.keyId === keyId) cache.delete(hash);
}

/**
 * The live key with this secret, or undefined (unknown, malformed or revoked). A key found live
 * is remembered for `apiKeyCacheMs`, which saves a store read on every request of a busy key.
 */
export async function authenticateApiKey(
  deps: Pick<PaymentsDeps, 'store' | 'clock'>,
  secret: string,
): Promise<ApiKeyGrant | undefined> {
  if (!secret.startsWith(apiKeySecretPrefix) || secret.length > 200) return undefined;
  const hash = hashSecret(secret);
  const cache = grantCacheOf(deps.store);
  const now = deps.clock.now();
  const cached = cache.get(hash);
  if (cached && now < cached.until) return cached.grant;
  cache.delete(hash);
  const key = await readApiKey(deps.store, hash);
  if (!key || key.revoked_at) return undefined;
  const grant = {
    keyId: key.id,
    merchantId: key.merchant,
    ownerId: key.owner,
    rateLimitPerMinute: key.rate_limit_per_minute,
  };
  if (cache.size >= maxCachedGrants) cache.delete(cache.keys().next().value!);
  cache.set(hash, { grant, until: now + apiKeyCacheMs });
  return grant;
}

/**
 * Whether the merchant's key `keyId` is still live (neither revoked nor gone): how a stream opened
 * with the key is checked again without keeping its secret (AWS `ws-expire`). Read through the
 * merchant's key index, so a revocation shows once the index has it (well within the minute).
 *
 * @example if (!(await apiKeyIsLive({ store }, 'mer_1', 'key_1'))) closeTheStream();
 */
export async function apiKeyIsLive(
  deps: Pick<PaymentsDeps, 'store'>,
  merchantId: string,
  keyId: string,
): Promise<boolean> {
  const key = await findMerchantApiKey(deps.store, merchantId, keyId);
  return key !== undefined && !key.revoked_at;
}
