import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { installationSecret } from '../platform/installation-secret.ts';
import { SecretNotFoundError } from '../platform/secrets.ts';
import type { Store } from '../platform/store.ts';
import { EnvSecrets } from '../runtime/local/env-secrets.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { connectorUpdate, readConnector, readKeptConnector } from './store.ts';
import { createHubTestApp, setUpHubMerchant, stripeCredentials } from './test-support.ts';
import {
  credentialsKeySecret,
  resealCredentials,
  sealCredentials,
  unsealCredentials,
  type CredentialDeps,
} from './credentials.ts';

// Sealing on a real store (the v1 key lives in it) with the real local Secrets adapter.

const credentials = { secret_key: 'sk_live_51TOPSECRETvalue', webhook_secret: 'whsec_TOPSECRETsigning' };
const keyed = (key: string) => new EnvSecrets({ HUB_CREDENTIALS_KEY: key });

let stores: Store[] = [];
afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
});
function depsWith(key: string | null): CredentialDeps {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  return { store, secrets: key === null ? new EnvSecrets({}) : keyed(key) };
}

/** A value as the hub sealed it before v2: under a key derived from the installation secret in the table. */
async function sealV1(store: Store, value: Record<string, string>): Promise<string> {
  const key = Buffer.from(
    hkdfSync('sha256', await installationSecret(store), 'sluice-hub', 'connector-credentials', 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

describe('connector credentials at rest', () => {
  it('reads the key from the Secrets port under hub/credentials-key', () => {
    expect(credentialsKeySecret.name).toBe('hub/credentials-key');
  });

  it('seals as v2 (a data key of its own per value, wrapped by the secret key) and opens it again', async () => {
    const deps = depsWith('the-credentials-key-0123456789abcdef');
    const first = await sealCredentials(deps, credentials);
    const second = await sealCredentials(deps, credentials);
    expect(first.split('.')).toHaveLength(7);
    expect(first.startsWith('v2.')).toBe(true);
    expect(second).not.toBe(first); // fresh data key and IVs every time
    for (const value of Object.values(credentials)) expect(first).not.toContain(value);
    expect(await unsealCredentials(deps, first)).toEqual(credentials);
    expect(await unsealCredentials(deps, null)).toEqual({});
  });

  it('cannot be opened with the table alone: the same store under another key fails, without showing the value', async () => {
    const deps = depsWith('the-credentials-key-0123456789abcdef');
    const sealed = await sealCredentials(deps, credentials);
    const otherKey = { store: deps.store, secrets: keyed('another-key-from-another-installation') };
    const error = await unsealCredentials(otherKey, sealed).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      "sealed credentials do not open with the current hub/credentials-key: restore the key they were sealed under, or enter the connector's credentials again",
    );
    for (const value of Object.values(credentials)) expect(String(error)).not.toContain(value);
    // Without the key at all: the Secrets port says which secret is missing, and nothing else.
    const none = await unsealCredentials({ store: deps.store, secrets: new EnvSecrets({}) }, sealed).catch(
      (caught: unknown) => caught,
    );
    expect(none).toBeInstanceOf(SecretNotFoundError);
    expect(none).toMatchObject({ secretName: 'hub/credentials-key' });
  });

  it('still opens v1 values (sealed under the installation secret), and reseals them as v2', async () => {
    const deps = depsWith('the-credentials-key-0123456789abcdef');
    const v1 = await sealV1(deps.store, credentials);
    expect(await unsealCredentials(deps, v1)).toEqual(credentials);
    const resealed = await resealCredentials(deps, v1);
    expect(resealed?.startsWith('v2.')).toBe(true);
    expect(await unsealCredentials(deps, resealed)).toEqual(credentials);
    // A v2 value, and no credentials, stay as they are.
    expect(await resealCredentials(deps, resealed)).toBe(resealed);
    expect(await resealCredentials(deps, null)).toBeNull();
  });

  it('refuses a value in an unknown format or tampered with, naming neither its content', async () => {
    const deps = depsWith('the-credentials-key-0123456789abcdef');
    const sealed = await sealCredentials(deps, credentials);
    await expect(unsealCredentials(deps, 'v3.abc')).rejects.toThrow(
      'sealed credentials in an unknown format',
    );
    await expect(unsealCredentials(deps, sealed.split('.').slice(0, 4).join('.'))).rejects.toThrow(
      'sealed credentials in an unknown format',
    );
    const parts = sealed.split('.');
    const body = Buffer.from(parts[6]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[6] = body.toString('base64url');
    await expect(unsealCredentials(deps, parts.join('.'))).rejects.toThrow();
  });
});

describe('a connector sealed as v1', () => {
  it('leaves v1 with its next write (a rename), its credentials unchanged and never shown', async () => {
    const t = createHubTestApp();
    stores.push(t.store);
    const { api, connectors } = await setUpHubMerchant(t, ['stripe']);
    const deps = { store: t.store, secrets: t.secrets };
    const record = (await readConnector(t.store, connectors.stripe!))!;
    expect(record.sealed_credentials?.startsWith('v2.')).toBe(true);
    // As an older release stored it.
    await t.store.transact([
      connectorUpdate({ ...record, sealed_credentials: await sealV1(t.store, stripeCredentials) }),
    ]);

    const renamed = await api('PATCH', `/v1/connectors/${connectors.stripe}`, { name: 'Stripe (EU)' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'Stripe (EU)', has_credentials: true });
    for (const value of Object.values(stripeCredentials)) expect(renamed.text).not.toContain(value);
    const resealed = (await readConnector(t.store, connectors.stripe!))!.sealed_credentials!;
    expect(resealed.startsWith('v2.')).toBe(true);
    expect(await unsealCredentials(deps, resealed)).toEqual(stripeCredentials);
  });

  it('leaves v1 when deleted too: the connector kept for the recovery job holds them as v2', async () => {
    const t = createHubTestApp();
    stores.push(t.store);
    const { api, connectors } = await setUpHubMerchant(t, ['stripe']);
    const deps = { store: t.store, secrets: t.secrets };
    const record = (await readConnector(t.store, connectors.stripe!))!;
    await t.store.transact([
      connectorUpdate({ ...record, sealed_credentials: await sealV1(t.store, stripeCredentials) }),
    ]);

    const deleted = await api('DELETE', `/v1/connectors/${connectors.stripe}`);
    expect(deleted.status, deleted.text).toBe(200);
    for (const value of Object.values(stripeCredentials)) expect(deleted.text).not.toContain(value);
    const kept = (await readKeptConnector(t.store, connectors.stripe!, t.clock.now()))!;
    expect(kept.deleted_at).toBeDefined();
    expect(kept.sealed_credentials!.startsWith('v2.')).toBe(true);
    expect(await unsealCredentials(deps, kept.sealed_credentials)).toEqual(stripeCredentials);
  });
});
