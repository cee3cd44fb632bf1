import { randomBytes } from 'node:crypto';
import { isTransactionCanceled, type Store } from './store.ts';

/** Where the secret is kept. The key predates this file (payments made it first), so it keeps its name. */
const secretKey = { pk: 'PAYMENTS#CONFIG', sk: 'FINGERPRINT_SECRET' } as const;

const secrets = new WeakMap<Store, Promise<string>>();

/**
 * The installation's secret: made once at random and kept in the store, so card fingerprints stay
 * stable across restarts but cannot be recomputed from a number without the store. The HTTP
 * idempotency layer keys its request fingerprints with it too (requests can carry card numbers).
 *
 * @example const key = await installationSecret(store);
 */
export function installationSecret(store: Store): Promise<string> {
  let secret = secrets.get(store);
  if (!secret) {
    secret = loadOrCreateSecret(store);
    secrets.set(store, secret);
    secret.catch(() => secrets.delete(store));
  }
  return secret;
}

async function loadOrCreateSecret(store: Store): Promise<string> {
  const existing = await store.get(secretKey);
  if (typeof existing?.secret === 'string') return existing.secret;
  const secret = randomBytes(32).toString('base64url');
  try {
    await store.transact([
      { type: 'put', item: { ...secretKey, secret }, condition: { attributeNotExists: 'pk' } },
    ]);
    return secret;
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const winner = await store.get(secretKey);
    if (typeof winner?.secret !== 'string')
      throw new Error('the installation secret vanished after a concurrent write', { cause: error });
    return winner.secret;
  }
}
