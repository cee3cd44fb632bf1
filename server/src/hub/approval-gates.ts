import { formatDecimal, type Currency } from '../kernel/money.ts';
import { actorOf, registerApprovalExecutor, requestApproval, type Approval } from '../approvals/index.ts';
import type { MerchantPrincipal } from '../kernel/principal.ts';
import {
  createConnector,
  deleteConnector,
  getConnectorRecord,
  updateConnector,
} from './connectors-service.ts';
import { sealCredentials, unsealCredentials } from './credentials.ts';
import { hubDeps, type HubDeps } from './deps.ts';
import { getIntentRecord, refundable, refundIntent } from './intents.ts';
import type { CreateConnector, UpdateConnector } from './model.ts';

/** A connector change as the routes take it. */
export type ConnectorChange =
  | { op: 'create'; input: CreateConnector }
  | { op: 'update'; id: string; input: UpdateConnector }
  | { op: 'delete'; id: string };

/**
 * The connector routes' approval gate: under the merchant's `connector_change` policy a change
 * waits for approval (the request is returned, 202); otherwise undefined and the route acts.
 * The connector named must exist now. Credentials are sealed (as a connector keeps them) before
 * they go into the request, so they are never stored or shown in clear.
 */
export async function requestConnectorChange(
  deps: HubDeps,
  merchant: MerchantPrincipal,
  change: ConnectorChange,
): Promise<Approval | undefined> {
  if (change.op !== 'create') await getConnectorRecord(deps, merchant.merchantId, change.id);
  const input = change.op === 'delete' ? undefined : change.input;
  const { credentials, ...shown } = input ?? {};
  return requestApproval(deps, {
    merchantId: merchant.merchantId,
    ownerId: merchant.ownerId,
    action: 'connector_change',
    params: {
      op: change.op,
      ...(change.op !== 'create' ? { connector: change.id } : {}),
      ...(input ? { input: shown } : {}),
      ...(credentials
        ? { sealed_credentials: await sealCredentials(deps, credentials as Record<string, string>) }
        : {}),
    },
    summary:
      change.op === 'create'
        ? `Connect ${change.input.provider}`
        : `${change.op === 'update' ? 'Change' : 'Remove'} connector ${change.id}`,
    requestedBy: actorOf(merchant),
  });
}

/**
 * The payment-intent refund route's gate, under the merchant's `refund` policy (an amount above
 * its threshold): as `requestConnectorChange`. A refund that could not be made now (the intent
 * not succeeded, nothing or less than the amount left to refund) is refused at once, as the route
 * would refuse it, and nobody is asked.
 */
export async function requestIntentRefund(
  deps: HubDeps,
  merchant: MerchantPrincipal,
  id: string,
  amount: number | undefined,
): Promise<Approval | undefined> {
  const record = await getIntentRecord(deps, merchant.merchantId, id);
  const refund = refundable(record, amount);
  return requestApproval(deps, {
    merchantId: merchant.merchantId,
    ownerId: merchant.ownerId,
    action: 'refund',
    executor: 'intent_refund',
    amount: refund,
    currency: record.currency,
    params: { payment_intent: id, amount: refund },
    summary: `Refund of ${formatDecimal(refund, record.currency as Currency)} ${record.currency} on ${id}`,
    requestedBy: actorOf(merchant),
  });
}

// An approved connector change is made in the same transaction that marks its request executed
// (exactly once): the change's writes and the mark commit together or not at all.
registerApprovalExecutor('connector_change', {
  execute: async (moduleDeps, approval, commit) => {
    const deps = hubDeps(moduleDeps);
    const params = approval.params as {
      op: ConnectorChange['op'];
      connector?: string;
      input?: Record<string, unknown>;
      sealed_credentials?: string;
    };
    const credentials = params.sealed_credentials
      ? { credentials: await unsealCredentials(deps, params.sealed_credentials) }
      : {};
    const resultOf = (connector: string) => ({ op: params.op, connector });
    const claim = (connector: { id: string }) => commit(resultOf(connector.id));
    const merchant = approval.merchant;
    const changed =
      params.op === 'create'
        ? await createConnector(
            deps,
            merchant,
            { ...(params.input as CreateConnector), ...credentials },
            claim,
          )
        : params.op === 'update'
          ? await updateConnector(
              deps,
              merchant,
              params.connector!,
              { ...(params.input as UpdateConnector), ...credentials },
              claim,
            )
          : await deleteConnector(deps, merchant, params.connector!, claim);
    return resultOf(changed.id);
  },
});

// An approved intent refund is made in the same transaction that marks its request executed.
registerApprovalExecutor('intent_refund', {
  execute: async (moduleDeps, approval, commit) => {
    const deps = hubDeps(moduleDeps);
    const id = String(approval.params.payment_intent);
    const record = await getIntentRecord(deps, approval.merchant, id);
    await refundIntent(
      deps,
      { merchantId: record.merchant, ownerId: record.owner },
      id,
      Number(approval.params.amount),
      () => commit({ payment_intent: id }),
    );
    return { payment_intent: id };
  },
});
