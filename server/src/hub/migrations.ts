import { rewriteApprovalParams, type ApprovalParamsRewrite } from '../approvals/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { allMerchants, sandboxNow, type MerchantRecord } from '../payments/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { ModuleMigration } from '../platform/module.ts';
import { resealedValue, resealStored, type StoredSealedValue } from '../platform/sealed-values.ts';
import { businessDayOf, isBusinessDay } from './ach/calendar.ts';
import { connectorCredentials, type CredentialDeps } from './credentials.ts';
import { achDayEntries, hubKeys, merchantConnectors, readAchSequence, type AchEntryRecord } from './store.ts';

/** What re-sealing needs: the store and the Secrets port (the v2 key), a clock, a logger. */
export type ResealDeps = CredentialDeps & { clock: Clock; logger: Logger };

/** What a re-seal run did: values now v2, and those left v1 because they do not open (by id). */
export interface ResealResult {
  changed: number;
  unopened: Array<{ kind: 'connector' | 'ach_entry' | 'approval_request'; id: string }>;
}

/**
 * Migration 1: every value the hub keeps sealed as v1 (under a key derived from the installation
 * secret in the table, so the table alone opened it) is sealed again as v2 (under
 * `hub/credentials-key`, held apart): each connector's credentials and each ACH entry's account
 * number. Merchant by merchant (the all-merchants index), a page at a time.
 *
 * Each re-seal is one conditional write on the value still being the v1 value read, so a
 * connector written meanwhile (which seals v2 itself) wins and is left alone. A value that does
 * not open is left as it is and logged by kind and id only. Idempotent and resumable: a v2 value
 * is skipped, so a second run (or one after a crash mid-way) changes nothing more.
 */
export async function resealV1Values(deps: ResealDeps): Promise<ResealResult> {
  const result: ResealResult = { changed: 0, unopened: [] };
  for await (const merchant of allMerchants(deps)) {
    for (const connector of await merchantConnectors(deps.store, merchant.id))
      await resealOne(deps, result, {
        kind: 'connector',
        id: connector.id,
        key: hubKeys.connector(connector.id),
        attribute: 'sealed_credentials',
        sealed: connector.sealed_credentials,
      });
    for await (const entry of achEntriesOf(deps, merchant))
      await resealOne(deps, result, {
        kind: 'ach_entry',
        id: entry.reference,
        key: hubKeys.achEntry(entry.reference),
        attribute: 'sealed_account',
        sealed: entry.sealed_account,
      });
  }
  return result;
}

interface SealedValue extends StoredSealedValue {
  kind: ResealResult['unopened'][number]['kind'];
  id: string;
}

/** Re-seals one value if it is v1 (`resealStored`), counting it or logging it by kind and id. */
async function resealOne(deps: ResealDeps, result: ResealResult, value: SealedValue): Promise<void> {
  const outcome = await resealStored(deps, connectorCredentials, value);
  if (outcome === 'resealed') result.changed++;
  if (outcome !== 'unopened') return;
  // Never the value nor the error (whose cause may quote it): which item, for someone to look at.
  result.unopened.push({ kind: value.kind, id: value.id });
  deps.logger.warn('sealed value left as v1: it does not open', { kind: value.kind, id: value.id });
}

/**
 * The merchant's ACH entries, day by day back from its sandbox clock's business day. Each entry
 * takes the merchant's next trace sequence number in the transaction that puts it, so the
 * sequence counts them: the walk stops once it has seen that many (or reaches the day the
 * merchant was created, the earliest an entry can be). A merchant that never used ACH costs one read.
 */
async function* achEntriesOf(deps: ResealDeps, merchant: MerchantRecord): AsyncGenerator<AchEntryRecord> {
  const count = await readAchSequence(deps.store, merchant.id);
  let seen = 0;
  const first = merchant.created_at.slice(0, 10);
  const date = new Date(`${businessDayOf(sandboxNow(deps, merchant))}T00:00:00Z`);
  for (let day = dayOf(date); seen < count && day >= first; day = dayOf(date)) {
    if (isBusinessDay(day))
      for (const entry of await achDayEntries(deps.store, merchant.id, day)) {
        seen++;
        yield entry;
      }
    date.setUTCDate(date.getUTCDate() - 1);
  }
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Where approval requests' params keep values sealed with the hub's credentials sealing (never
 * in clear, v1 before v2): a connector change's credentials (`approval-gates.ts`), a merchant
 * payout's bank account number (payouts' `payoutOrder`, through `sealBankAccount`) and a vendor
 * payout's (`vendors-payouts.ts`).
 */
const sealedParamPaths = [
  ['sealed_credentials'],
  ['bank_account', 'sealed_account'],
  ['destination', 'bank_account', 'sealed_account'],
] as const;

/**
 * Migration 2: the v1 values approval requests keep in their params ({@link sealedParamPaths}),
 * whatever the request's status, sealed again as v2, so a pending request still executes (to the
 * same account, with the same credentials) and none opens from the table alone. Merchant by
 * merchant (the all-merchants index), through approvals' params rewrite (a page of requests at a
 * time, one write per request conditional on its version). A value that does not open is left and
 * logged by request id only. Idempotent: v2 values are skipped, so a second run writes nothing.
 */
export async function resealApprovalParams(deps: ResealDeps): Promise<ResealResult> {
  const result: ResealResult = { changed: 0, unopened: [] };
  const logged = new Set<string>();
  const rewrite: ApprovalParamsRewrite = async (approval) => {
    const params = structuredClone(approval.params);
    let resealed = false;
    for (const path of sealedParamPaths) {
      const holder = path
        .slice(0, -1)
        .reduce<unknown>((at, name) => (isObject(at) ? at[name] : undefined), params);
      const name = path[path.length - 1]!;
      if (!isObject(holder) || typeof holder[name] !== 'string') continue;
      const next = await resealedValue(deps, connectorCredentials, holder[name]);
      if (next.outcome === 'resealed') {
        holder[name] = next.sealed;
        resealed = true;
      } else if (next.outcome === 'unopened' && !logged.has(approval.id)) {
        // Never the value nor the error (whose cause may quote it): which request, for someone to look at.
        logged.add(approval.id);
        result.unopened.push({ kind: 'approval_request', id: approval.id });
        deps.logger.warn('sealed value left as v1: it does not open', {
          kind: 'approval_request',
          id: approval.id,
        });
      }
    }
    return resealed ? params : undefined;
  };
  for await (const merchant of allMerchants(deps))
    result.changed += await rewriteApprovalParams(deps.store, merchant.id, rewrite);
  return result;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The hub's stored-data migrations, versions 1, 2, 3… in order. */
export const hubMigrations = [
  {
    version: 1,
    description:
      "Connector credentials and ACH entries' account numbers sealed as v1 (under a key derived from the table's installation secret) are sealed again as v2, under hub/credentials-key",
    run: async (deps) => ({ changed: (await resealV1Values(deps)).changed }),
  },
  {
    version: 2,
    description:
      "Approval requests' sealed params (a connector change's credentials, a merchant or vendor payout's bank account number) sealed as v1 are sealed again as v2, under hub/credentials-key",
    run: async (deps) => ({ changed: (await resealApprovalParams(deps)).changed }),
  },
] as const satisfies readonly ModuleMigration[];
