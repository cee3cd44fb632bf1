import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { installationSecret } from './installation-secret.ts';
import type { Secrets } from './secrets.ts';
import { isTransactionCanceled, type ItemKey, type Store } from './store.ts';

/**
 * Values kept sealed at rest (connector credentials, bank account numbers), with envelope
 * encryption: each value is encrypted (AES-256-GCM) under a data key of its own, and that data key
 * is encrypted (AES-256-GCM) under a key-encryption key derived (HKDF) from a secret read through
 * the Secrets port (Secrets Manager on AWS, the data dir or the environment locally). The table
 * alone (a backup, an export) therefore opens nothing. Each purpose derives its own key (its own
 * HKDF salt and info), so a value sealed for one purpose does not open as another's.
 *
 * Format `v2.<key iv>.<key tag>.<sealed data key>.<iv>.<tag>.<body>` (base64url parts). The older
 * `v1.<iv>.<tag>.<body>` was sealed directly under a key derived from the installation secret
 * kept in the table; it stays readable so stored values can be sealed again as v2.
 */

/** What a purpose's values are sealed under, and how its errors speak of them. */
export interface SealPurpose {
  /** The Secrets-port secret the key-encryption key is derived from, e.g. `hub/credentials-key`. */
  secret: string;
  /** HKDF salt, shared by its v2 and v1 keys: `sluice-hub`. */
  salt: string;
  /** HKDF info of the v2 key-encryption key: `connector-credentials-kek`. */
  info: string;
  /** HKDF info of the v1 key (from the installation secret), for reading values sealed before v2. */
  v1Info: string;
  /** The values, in errors: `sealed credentials`. */
  what: string;
  /** What to do when they no longer open, in that error: `enter the connector's credentials again`. */
  whenLost: string;
}

/** What sealing needs: the Secrets port for the v2 key, the store for the v1 key. */
export interface SealDeps {
  store: Store;
  secrets: Secrets;
}

type Sealed = { iv: Buffer; tag: Buffer; body: Buffer };

function encrypt(key: Buffer, plain: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), body };
}

function decrypt(key: Buffer, { iv, tag, body }: Sealed): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');
const unb64 = (text: string) => Buffer.from(text, 'base64url');

/** The key-encryption key: HKDF of the secret, so any high-entropy string serves as the secret. */
async function keyEncryptionKey(deps: SealDeps, purpose: SealPurpose): Promise<Buffer> {
  const secret = await deps.secrets.get(purpose.secret);
  return Buffer.from(hkdfSync('sha256', secret, purpose.salt, purpose.info, 32));
}

/** v1's key, from the installation secret in the table: for reading values sealed before v2. */
async function v1Key(store: Store, purpose: SealPurpose): Promise<Buffer> {
  const secret = await installationSecret(store);
  return Buffer.from(hkdfSync('sha256', secret, purpose.salt, purpose.v1Info, 32));
}

/**
 * Seals a text (v2) for the store.
 *
 * @example const sealed = await sealValue(deps, bankAccounts, JSON.stringify(account));
 */
export async function sealValue(deps: SealDeps, purpose: SealPurpose, text: string): Promise<string> {
  const dataKey = randomBytes(32);
  const wrapped = encrypt(await keyEncryptionKey(deps, purpose), dataKey);
  const sealed = encrypt(dataKey, Buffer.from(text, 'utf8'));
  return ['v2', wrapped.iv, wrapped.tag, wrapped.body, sealed.iv, sealed.tag, sealed.body]
    .map((part) => (typeof part === 'string' ? part : b64(part)))
    .join('.');
}

/**
 * Opens what {@link sealValue} (or v1) sealed for the purpose. A value in no known format, or that
 * does not authenticate, throws without showing any of it.
 */
export async function unsealValue(deps: SealDeps, purpose: SealPurpose, sealed: string): Promise<string> {
  const [version, ...parts] = sealed.split('.');
  if (version === 'v2' && parts.length === 6) {
    const [keyIv, keyTag, keyBody, iv, tag, body] = parts.map(unb64) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const keyEncryption = await keyEncryptionKey(deps, purpose);
    let dataKey: Buffer;
    try {
      dataKey = decrypt(keyEncryption, { iv: keyIv, tag: keyTag, body: keyBody });
    } catch (error) {
      // Most likely a restored table (or data dir) under a newly generated key.
      throw new Error(
        `${purpose.what} do not open with the current ${purpose.secret}: restore the key they were sealed under, or ${purpose.whenLost}`,
        { cause: error },
      );
    }
    return decrypt(dataKey, { iv, tag, body }).toString('utf8');
  }
  if (version === 'v1' && parts.length === 3) {
    const [iv, tag, body] = parts.map(unb64) as [Buffer, Buffer, Buffer];
    return decrypt(await v1Key(deps.store, purpose), { iv, tag, body }).toString('utf8');
  }
  throw new Error(`${purpose.what} in an unknown format`);
}

/** A sealed value as stored: the item, its attribute, the value read. */
export interface StoredSealedValue {
  key: ItemKey;
  attribute: string;
  sealed: string | null;
}

/**
 * What {@link resealStored} did: sealed it again as v2; left it because it does not open (the
 * caller logs which item, never the value); or nothing (not v1, or written since it was read).
 */
export type ResealOutcome = 'resealed' | 'unopened' | 'unchanged';

/**
 * What a stored value becomes as v2: sealed again (`resealed`, the new value), left because it does
 * not open (`unopened`), or nothing to do (`unchanged`: not v1). For a value kept inside a larger
 * attribute (an approval request's params), whose writer makes the conditional write itself;
 * {@link resealStored} for a value that is an attribute. A missing v2 secret or an unreadable
 * installation secret throws, so the run fails unrecorded rather than skip the value.
 */
export async function resealedValue(
  deps: SealDeps,
  purpose: SealPurpose,
  sealed: string | null,
): Promise<{ outcome: 'unchanged' | 'unopened' } | { outcome: 'resealed'; sealed: string }> {
  if (sealed === null || !sealed.startsWith('v1.')) return { outcome: 'unchanged' };
  await installationSecret(deps.store);
  let text: string;
  try {
    text = await unsealValue(deps, purpose, sealed);
  } catch {
    return { outcome: 'unopened' };
  }
  // Outside the catch: without the purpose's secret (not granted, not created) the run fails.
  return { outcome: 'resealed', sealed: await sealValue(deps, purpose, text) };
}

/**
 * A migration's step: a stored v1 value sealed again as v2, by one write on the condition the
 * attribute still holds the value read, so a writer meanwhile (which seals v2 itself) wins. A
 * missing v2 secret or an unreadable installation secret says nothing of this value: it throws,
 * so the run fails unrecorded (to run again) rather than skip the value.
 *
 * @example if ((await resealStored(deps, purpose, { key, attribute: 'sealed_account', sealed })) === 'unopened') logger.warn(…, { id });
 */
export async function resealStored(
  deps: SealDeps,
  purpose: SealPurpose,
  value: StoredSealedValue,
): Promise<ResealOutcome> {
  const next = await resealedValue(deps, purpose, value.sealed);
  if (next.outcome !== 'resealed') return next.outcome;
  try {
    await deps.store.transact([
      {
        type: 'update',
        key: value.key,
        set: { [value.attribute]: next.sealed },
        condition: { compare: [value.attribute, '=', value.sealed!] },
      },
    ]);
    return 'resealed';
  } catch (error) {
    // Written since it was read, or gone: that write wins.
    if (!isTransactionCanceled(error)) throw error;
    return 'unchanged';
  }
}
