import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { installationSecret } from '../platform/installation-secret.ts';
import type { Store } from '../platform/store.ts';

/**
 * A saved ACH mandate's account number at rest: AES-256-GCM under a key derived from the
 * installation secret, unsealed only to submit a debit, never returned or logged. (The hub seals
 * connector credentials the same way under its own derived key; modules share no internals.)
 */
async function sealingKey(store: Store): Promise<Buffer> {
  return Buffer.from(
    hkdfSync('sha256', await installationSecret(store), 'sluice-billing', 'bank-accounts', 32),
  );
}

export async function seal(store: Store, text: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await sealingKey(store), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

export async function unseal(store: Store, sealed: string): Promise<string> {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new Error('sealed value in an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', await sealingKey(store), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
