import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { showBreaker } from './breaker.ts';
import type { Provider } from './connectors/connector.ts';
import { resealCredentials, sealCredentials } from './credentials.ts';
import type { HubDeps } from './deps.ts';
import { hubErrors } from './errors.ts';
import { hubIds } from './ids.ts';
import type { ConnectorObject, CreateConnector, FaultInput, UpdateConnector } from './model.ts';
import {
  connectorDeletes,
  connectorPuts,
  connectorUpdate,
  faultDelete,
  faultPut,
  merchantConnectors,
  readBreaker,
  readConnector,
  readFault,
  type ConnectorRecord,
} from './store.ts';

export async function toConnector(deps: HubDeps, record: ConnectorRecord): Promise<ConnectorObject> {
  const [breaker, fault] = await Promise.all([
    readBreaker(deps.store, record.id),
    readFault(deps.store, record.id),
  ]);
  return {
    id: record.id,
    object: 'connector',
    merchant: record.merchant,
    provider: record.provider,
    name: record.name,
    disabled: record.disabled,
    has_credentials: record.sealed_credentials !== null,
    breaker: await showBreaker(deps, record.id, breaker),
    fault: fault ?? null,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

/** One of the merchant's connectors; anyone else's is 404. */
export async function getConnectorRecord(
  deps: HubDeps,
  merchantId: string,
  id: string,
): Promise<ConnectorRecord> {
  const record = await readConnector(deps.store, id);
  if (!record || record.merchant !== merchantId) throw notFound(id);
  return record;
}

const notFound = (id: string) => new AppError('not_found', `no connector ${id}`);

async function sealed(deps: HubDeps, provider: Provider, raw: unknown): Promise<string | null> {
  const credentials = deps.connectors[provider].parseCredentials(raw);
  return credentials === null ? null : sealCredentials(deps, credentials);
}

/**
 * Writes an approved change commits with the connector's own, in one transaction (the approval's
 * `executed` mark), so the change happens exactly once: given the connector as it will be stored.
 */
export type ConnectorChangeClaim = (connector: ConnectorRecord) => WriteOperation[];

/**
 * Commits a connector's writes with `claim`'s. A condition that failed among the claim's (another
 * decision landed first) is thrown as it is, for the caller to judge again; one of the
 * connector's own goes to `refused`.
 */
async function commitChange(
  deps: HubDeps,
  own: WriteOperation[],
  claim: WriteOperation[],
  refused: () => Error,
): Promise<void> {
  try {
    await deps.store.transact([...own, ...claim]);
  } catch (error) {
    if (!isTransactionCanceled(error) || error.reasons.some((reason) => reason.index >= own.length))
      throw error;
    throw refused();
  }
}

export async function createConnector(
  deps: HubDeps,
  merchantId: string,
  input: CreateConnector,
  claim?: ConnectorChangeClaim,
): Promise<ConnectorObject> {
  const now = isoTime(deps.clock.now());
  const record: ConnectorRecord = {
    id: hubIds.newId('connector', deps.clock.now()),
    merchant: merchantId,
    provider: input.provider,
    name: input.name ?? input.provider,
    disabled: false,
    sealed_credentials: await sealed(deps, input.provider, input.credentials),
    created_at: now,
    updated_at: now,
  };
  await commitChange(deps, connectorPuts(record), claim?.(record) ?? [], () =>
    hubErrors.error('connector_exists', `you already have a ${input.provider} connector`, {
      param: 'provider',
    }),
  );
  return toConnector(deps, record);
}

export async function listConnectors(deps: HubDeps, merchantId: string): Promise<ConnectorObject[]> {
  return Promise.all(
    (await merchantConnectors(deps.store, merchantId)).map((record) => toConnector(deps, record)),
  );
}

export async function updateConnector(
  deps: HubDeps,
  merchantId: string,
  id: string,
  input: UpdateConnector,
  claim?: ConnectorChangeClaim,
): Promise<ConnectorObject> {
  const record = await getConnectorRecord(deps, merchantId, id);
  const next: ConnectorRecord = {
    ...record,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    // Credentials kept as they are still leave the older (v1) sealing with this write.
    sealed_credentials:
      input.credentials !== undefined
        ? await sealed(deps, record.provider, input.credentials)
        : await resealCredentials(deps, record.sealed_credentials),
    updated_at: isoTime(deps.clock.now()),
  };
  // Removed since it was read: 404, as if it had been gone then.
  await commitChange(deps, [connectorUpdate(next)], claim?.(next) ?? [], () => notFound(id));
  return toConnector(deps, next);
}

/**
 * How long a deleted connector is kept for the recovery job (`recoverInterruptedIntents`), which
 * may still have to undo, through it, an attempt a crash cut off before the delete. The job takes
 * such an attempt up 5 minutes after it started (`inflightLeaseMs`) and again every minute while
 * its provider cannot be reached or cannot undo it yet (an ACH debit until it settles, T+2
 * business days); an intent in flight has no age limit of its own, so this is the bound: an
 * attempt the job reaches only after it ends `interrupted`, its key what to look for at the provider.
 */
export const deletedConnectorRetentionMs = 30 * 24 * 3_600_000;

/**
 * Deletes a connector for its merchant: from then on it is 404 to them, listed and routed to
 * nowhere, and its provider is free for a new connector. It is kept (with its credentials, sealed
 * v2) for {@link deletedConnectorRetentionMs}, for the recovery job only; then the store's TTL
 * removes it. Deleted since it was read: 404, as if it had been gone then.
 */
export async function deleteConnector(
  deps: HubDeps,
  merchantId: string,
  id: string,
  claim?: ConnectorChangeClaim,
): Promise<ConnectorObject> {
  const record = await getConnectorRecord(deps, merchantId, id);
  const shown = await toConnector(deps, record);
  const now = deps.clock.now();
  const deleted = {
    deleted_at: isoTime(now),
    expires_at: Math.ceil((now + deletedConnectorRetentionMs) / 1000),
    sealed_credentials: await resealCredentials(deps, record.sealed_credentials),
  };
  await commitChange(deps, connectorDeletes(record, deleted), claim?.(record) ?? [], () => notFound(id));
  return shown;
}

/** Sets (or with null clears) the fault the sandbox injects into the connector's calls. */
export async function setFault(
  deps: HubDeps,
  merchantId: string,
  id: string,
  input: FaultInput | null,
): Promise<ConnectorObject> {
  const record = await getConnectorRecord(deps, merchantId, id);
  await deps.store.transact([
    input === null
      ? faultDelete(record.id)
      : faultPut(record.id, { mode: input.mode, rate: input.rate, remaining: input.count ?? null }),
  ]);
  return toConnector(deps, record);
}
