import { z } from 'zod';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { apiKeySchema, type ApiKey } from '../model.ts';
import { everyItem, paymentKeys } from './keys.ts';

/** An API key item `APIKEY#<SHA-256 of the secret>` / `APIKEY`, in gsi1 under its merchant by key id. */
const apiKeyItemSchema = z.object({
  // The key as the API shows it (a field added there needs a default here, for items stored before it) …
  ...apiKeySchema.shape,
  name: z.string().nullable().default(null),
  revoked_at: z.string().nullable().default(null),
  // … the merchant's owner, and the key of the item: the secret's hash.
  owner: z.string(),
  pk: z.string().startsWith(paymentKeys.apiKeyPrefix),
});

/** A key as stored: what the API shows, the merchant's owner, and the hash it is found by. */
export interface ApiKeyRecord extends ApiKey {
  owner: string;
  secret_hash: string;
}

export function apiKeyFromItem(item: Item): ApiKeyRecord {
  const { pk, ...key } = apiKeyItemSchema.parse(item);
  return { ...key, secret_hash: pk.slice(paymentKeys.apiKeyPrefix.length) };
}

export function apiKeyPut(key: ApiKeyRecord): WriteOperation {
  // The hash is the key of the item, not an attribute of it.
  const { secret_hash: secretHash, ...stored } = key;
  return {
    type: 'put',
    item: {
      ...paymentKeys.apiKey(secretHash),
      entity: 'api_key',
      ...stored,
      gsi1pk: paymentKeys.merchantApiKeys(key.merchant),
      gsi1sk: key.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function apiKeyRevoke(key: ApiKeyRecord, revokedAt: string): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.apiKey(key.secret_hash),
    set: { revoked_at: revokedAt },
    // Revoked once: a second, concurrent revocation must not free a second place.
    condition: {
      all: [
        { attributeExists: 'pk' },
        { any: [{ attributeNotExists: 'revoked_at' }, { compare: ['revoked_at', '=', null] }] },
      ],
    },
  };
}

/** The key whose secret hashes to `secretHash`, revoked or not. */
export function readApiKey(store: Store, secretHash: string): Promise<ApiKeyRecord | undefined> {
  return readItem(store, paymentKeys.apiKey(secretHash), apiKeyFromItem);
}

/** The merchant's keys, by key id. */
export async function* merchantApiKeys(store: Store, merchantId: string): AsyncGenerator<ApiKeyRecord> {
  for await (const item of everyItem(store, {
    index: 'gsi1',
    partition: paymentKeys.merchantApiKeys(merchantId),
  }))
    yield apiKeyFromItem(item);
}

/** One of the merchant's keys, by its id. */
export async function findMerchantApiKey(
  store: Store,
  merchantId: string,
  keyId: string,
): Promise<ApiKeyRecord | undefined> {
  const page = await store.query({
    index: 'gsi1',
    partition: paymentKeys.merchantApiKeys(merchantId),
    sort: { op: '=', value: keyId },
  });
  const item = page.items[0];
  return item ? apiKeyFromItem(item) : undefined;
}
