import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { installationSecret } from '../platform/installation-secret.ts';
import type { Store } from '../platform/store.ts';

/**
 * Connector credentials at rest: AES-256-GCM under a key derived (HKDF) from the installation's
 * secret, so the store alone never holds a provider key in clear. They are unsealed for a call and
 * never returned, logged or put in an error.
 *
 * ModuleDeps carries no Secrets port yet (platform/secrets.ts is read-only and wired to no module),
 * so per-merchant keys cannot live in Secrets Manager today; the sealing key comes from the store's
 * installation secret instead.
 */
async function sealingKey(store: Store): Promise<Buffer> {
  const secret = await installationSecret(store);
  return Buffer.from(hkdfSync('sha256', secret, 'sluice-hub', 'connector-credentials', 32));
}

export async function sealCredentials(store: Store, credentials: Record<string, string>): Promise<string> {
  const key = await sealingKey(store);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

export async function unsealCredentials(
  store: Store,
  sealed: string | null,
): Promise<Record<string, string>> {
  if (sealed === null) return {};
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new Error('sealed credentials in an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', await sealingKey(store), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
  return JSON.parse(text) as Record<string, string>;
}
