import { createHash, randomBytes } from 'node:crypto';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { Item } from '../platform/store.ts';
import { paymentKeys } from './keys.ts';
import { defaultRateLimitPerMinute, type ApiKey, type CreateApiKey, type CreatedApiKey } from './model.ts';
import { getOwnedMerchant, type PaymentsDeps } from './merchants.ts';

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

function toApiKey(item: Item): ApiKey {
  return {
    id: item.id as string,
    merchant: item.merchant as string,
    name: (item.name as string | null) ?? null,
    last4: item.last4 as string,
    rate_limit_per_minute: item.rate_limit_per_minute as number,
    created_at: item.created_at as string,
    revoked_at: (item.revoked_at as string | null | undefined) ?? null,
  };
}

/**
 * Mints a key for the owner's merchant. The secret (256 random bits) is returned here only; the
 * store keeps its SHA-256, which is also the key's lookup key — a fast hash is enough because the
 * secret is random, not a password.
 */
export async function createApiKey(deps: PaymentsDeps, ownerId: string, merchantId: string, input: CreateApiKey): Promise<CreatedApiKey> {
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
  await deps.store.transact([{
    type: 'put',
    item: { ...paymentKeys.apiKey(hashSecret(secret)), entity: 'api_key', ...key, owner: merchant.owner, gsi1pk: paymentKeys.merchantApiKeys(merchant.id), gsi1sk: key.id },
    condition: { attributeNotExists: 'pk' },
  }]);
  return { ...key, secret };
}

export async function listApiKeys(deps: PaymentsDeps, ownerId: string, merchantId: string): Promise<ApiKey[]> {
  await getOwnedMerchant(deps, ownerId, merchantId);
  const keys: ApiKey[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ index: 'gsi1', partition: paymentKeys.merchantApiKeys(merchantId), ...(cursor ? { cursor } : {}) });
    keys.push(...page.items.map(toApiKey));
    cursor = page.cursor;
  } while (cursor);
  return keys;
}

/** Revokes a key; the next request made with it is refused (no cache stands in the way). */
export async function revokeApiKey(deps: PaymentsDeps, ownerId: string, merchantId: string, keyId: string): Promise<ApiKey> {
  await getOwnedMerchant(deps, ownerId, merchantId);
  const page = await deps.store.query({ index: 'gsi1', partition: paymentKeys.merchantApiKeys(merchantId), sort: { op: '=', value: keyId } });
  const item = page.items[0];
  if (!item) throw new AppError('not_found', `no API key ${keyId}`, { param: 'key_id' });
  if (item.revoked_at) return toApiKey(item);
  const revokedAt = isoTime(deps.clock.now());
  await deps.store.transact([{ type: 'update', key: { pk: item.pk, sk: item.sk }, set: { revoked_at: revokedAt }, condition: { attributeExists: 'pk' } }]);
  return { ...toApiKey(item), revoked_at: revokedAt };
}

/** The live key with this secret, or undefined (unknown, malformed or revoked). */
export async function authenticateApiKey(deps: Pick<PaymentsDeps, 'store'>, secret: string): Promise<ApiKeyGrant | undefined> {
  if (!secret.startsWith(apiKeySecretPrefix) || secret.length > 200) return undefined;
  const item = await deps.store.get(paymentKeys.apiKey(hashSecret(secret)));
  if (!item || item.revoked_at) return undefined;
  return { keyId: item.id as string, merchantId: item.merchant as string, ownerId: item.owner as string, rateLimitPerMinute: item.rate_limit_per_minute as number };
}
