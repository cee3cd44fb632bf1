import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { installationSecret } from '../platform/installation-secret.ts';
import type { ModuleSecret } from '../platform/module.ts';
import type { Secrets } from '../platform/secrets.ts';
import type { Store } from '../platform/store.ts';

/**
 * Connector credentials (and bank account numbers) at rest, sealed with envelope encryption:
 * each value is encrypted (AES-256-GCM) under a data key of its own, and that data key is
 * encrypted (AES-256-GCM) under a key-encryption key derived (HKDF) from the secret
 * {@link credentialsKeySecret}, read through the Secrets port: Secrets Manager on AWS, a file of
 * the data dir (or the environment) locally. The table alone (a backup, an export) therefore never
 * suffices to read a provider key. Values are unsealed for a call and never returned, logged or
 * put in an error.
 *
 * Format `v2.<key iv>.<key tag>.<sealed data key>.<iv>.<tag>.<body>` (base64url parts). The older
 * `v1.<iv>.<tag>.<body>` was sealed under a key derived from the installation secret kept in the
 * table; it stays readable, what holds it is sealed as v2 the next time it is written, and the
 * hub's migration 1 (`migrations.ts`) seals the connectors' and ACH entries' v1 values as v2.
 */

/** The secret the hub's sealing key is derived from; the CDK app creates it (a generated value). */
export const credentialsKeySecret = {
  name: 'hub/credentials-key',
  description:
    'The key connector credentials and bank account numbers are sealed under in the table: without it a backup or export of the table reveals none of them',
} as const satisfies ModuleSecret;

/** What sealing needs: the Secrets port for the key, the store for reading v1 values. */
export interface CredentialDeps {
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
async function keyEncryptionKey(deps: CredentialDeps): Promise<Buffer> {
  const secret = await deps.secrets.get(credentialsKeySecret.name);
  return Buffer.from(hkdfSync('sha256', secret, 'sluice-hub', 'connector-credentials-kek', 32));
}

/** v1's key, from the installation secret in the table: for reading values sealed before v2. */
async function v1Key(store: Store): Promise<Buffer> {
  const secret = await installationSecret(store);
  return Buffer.from(hkdfSync('sha256', secret, 'sluice-hub', 'connector-credentials', 32));
}

/**
 * Seals credentials (v2) for the store.
 *
 * @example const sealed = await sealCredentials(deps, { secret_key: 'sk_test_…' });
 */
export async function sealCredentials(
  deps: CredentialDeps,
  credentials: Record<string, string>,
): Promise<string> {
  const dataKey = randomBytes(32);
  const wrapped = encrypt(await keyEncryptionKey(deps), dataKey);
  const sealed = encrypt(dataKey, Buffer.from(JSON.stringify(credentials), 'utf8'));
  return ['v2', wrapped.iv, wrapped.tag, wrapped.body, sealed.iv, sealed.tag, sealed.body]
    .map((part) => (typeof part === 'string' ? part : b64(part)))
    .join('.');
}

/**
 * Opens what {@link sealCredentials} (or v1) sealed; `null` (no credentials) is `{}`. A value that
 * is not in a known format, or does not authenticate, throws without showing any of it.
 */
export async function unsealCredentials(
  deps: CredentialDeps,
  sealed: string | null,
): Promise<Record<string, string>> {
  if (sealed === null) return {};
  const [version, ...parts] = sealed.split('.');
  let plain: Buffer;
  if (version === 'v2' && parts.length === 6) {
    const [keyIv, keyTag, keyBody, iv, tag, body] = parts.map(unb64) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const keyEncryption = await keyEncryptionKey(deps);
    let dataKey: Buffer;
    try {
      dataKey = decrypt(keyEncryption, { iv: keyIv, tag: keyTag, body: keyBody });
    } catch (error) {
      // Most likely a restored table (or data dir) under a newly generated key.
      throw new Error(
        `sealed credentials do not open with the current ${credentialsKeySecret.name}: restore the key they were sealed under, or enter the connector's credentials again`,
        { cause: error },
      );
    }
    plain = decrypt(dataKey, { iv, tag, body });
  } else if (version === 'v1' && parts.length === 3) {
    const [iv, tag, body] = parts.map(unb64) as [Buffer, Buffer, Buffer];
    plain = decrypt(await v1Key(deps.store), { iv, tag, body });
  } else {
    throw new Error('sealed credentials in an unknown format');
  }
  return JSON.parse(plain.toString('utf8')) as Record<string, string>;
}

/**
 * The value sealed as v2: itself when it already is, else unsealed and sealed again. Writers call
 * it on a value they keep, so v1 values leave the table as their records are written.
 *
 * @example update.sealed_credentials = await resealCredentials(deps, record.sealed_credentials);
 */
export async function resealCredentials(deps: CredentialDeps, sealed: string | null): Promise<string | null> {
  if (sealed === null || sealed.startsWith('v2.')) return sealed;
  return sealCredentials(deps, await unsealCredentials(deps, sealed));
}
