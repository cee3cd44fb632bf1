import type { ModuleSecret } from '../platform/module.ts';
import { sealValue, unsealValue, type SealDeps, type SealPurpose } from '../platform/sealed-values.ts';

/**
 * Connector credentials (and bank account numbers) at rest, sealed with the envelope encryption
 * of `platform/sealed-values.ts` under a key-encryption key derived (HKDF) from the secret
 * {@link credentialsKeySecret}, read through the Secrets port: Secrets Manager on AWS, a file of
 * the data dir (or the environment) locally. The table alone (a backup, an export) therefore never
 * suffices to read a provider key. Values are unsealed for a call and never returned, logged or
 * put in an error.
 *
 * Format `v2.<key iv>.<key tag>.<sealed data key>.<iv>.<tag>.<body>` (base64url parts). The older
 * `v1.<iv>.<tag>.<body>` was sealed under a key derived from the installation secret kept in the
 * table; it stays readable, what holds it is sealed as v2 the next time it is written, and the
 * hub's migration 1 (`migrations.ts`) seals the connectors' and ACH entries' v1 values as v2, its
 * migration 2 those kept in approval requests' params (connector changes, payouts' bank accounts).
 */

/** The secret the hub's sealing key is derived from; the CDK app creates it (a generated value). */
export const credentialsKeySecret = {
  name: 'hub/credentials-key',
  description:
    'The key connector credentials and bank account numbers are sealed under in the table: without it a backup or export of the table reveals none of them',
} as const satisfies ModuleSecret;

/** What sealing needs: the Secrets port for the key, the store for reading v1 values. */
export type CredentialDeps = SealDeps;

/** The hub's connector credentials (and its ACH entries' account numbers): their keys' derivation. */
export const connectorCredentials: SealPurpose = {
  secret: credentialsKeySecret.name,
  salt: 'sluice-hub',
  info: 'connector-credentials-kek',
  v1Info: 'connector-credentials',
  what: 'sealed credentials',
  whenLost: "enter the connector's credentials again",
};

/**
 * Seals credentials (v2) for the store.
 *
 * @example const sealed = await sealCredentials(deps, { secret_key: 'sk_test_…' });
 */
export async function sealCredentials(
  deps: CredentialDeps,
  credentials: Record<string, string>,
): Promise<string> {
  return sealValue(deps, connectorCredentials, JSON.stringify(credentials));
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
  return JSON.parse(await unsealValue(deps, connectorCredentials, sealed)) as Record<string, string>;
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
