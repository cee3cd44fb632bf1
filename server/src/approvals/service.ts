import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { MerchantPrincipal } from '../kernel/principal.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { approvalsErrors } from './errors.ts';
import { approvalEvent, type ApprovalEventType } from './events.ts';
import { approvalIds } from './ids.ts';
import {
  approvalTtlSeconds,
  type Actor,
  type Approval,
  type ApprovalAction,
  type Policy,
  type PolicyInput,
  type Step,
} from './model.ts';
import {
  approvalCreate,
  approvalReplace,
  dueApprovals,
  merchantApprovals,
  merchantPolicies,
  policyDelete,
  policyPut,
  readApproval,
  readPolicy,
  type ApprovalRecord,
} from './store.ts';

export type ApprovalsDeps = Pick<ModuleDeps, 'store' | 'clock'> & Partial<ModuleDeps>;

/**
 * Does an approved action. `commit(result)` gives the writes that mark the request `executed`
 * with that result (conditional on the request's version): an executor that can commits them in
 * the same transaction as its effect, so the action happens exactly once however many final
 * approvals race (the losers' writes fail their condition). One that cannot commits them first,
 * alone, and then acts: at most once.
 */
export interface ApprovalExecutor {
  execute(
    deps: ModuleDeps,
    approval: Approval,
    commit: (result: Record<string, unknown>) => WriteOperation[],
  ): Promise<Record<string, unknown>>;
  /** Writes to commit with the request's `failed` mark when the action refused (its own event). */
  failed?(approval: Approval, error: AppError, context: { now: number; ownerId: string }): WriteOperation[];
}

/**
 * Executors by name, registered by the modules that own the actions when they load (payouts,
 * refunds, connector changes, vendor payouts): approvals never imports them, they import it.
 */
const executors = new Map<string, ApprovalExecutor>();

/**
 * @example registerApprovalExecutor('payout', { execute: (deps, approval, commit) => … });
 */
export function registerApprovalExecutor(name: string, executor: ApprovalExecutor): void {
  executors.set(name, executor);
}

export function actorOf(principal: MerchantPrincipal): Actor {
  return {
    user: principal.userId ?? null,
    email: principal.email ?? null,
    api_key: principal.apiKeyId ?? null,
    role: principal.role,
  };
}

export async function putPolicy(
  deps: ApprovalsDeps,
  merchantId: string,
  input: PolicyInput,
): Promise<Policy> {
  const policy: Policy = {
    object: 'approval_policy',
    action: input.action,
    threshold: input.threshold ?? null,
    approvals: input.approvals,
    updated_at: isoTime(deps.clock.now()),
  };
  await deps.store.transact([policyPut(merchantId, policy)]);
  return policy;
}

/**
 * Ends the merchant's policy for `action`: the action no longer waits for approval. Requests
 * already made under it stay, each to be decided or to expire. 404 when there is none.
 */
export async function deletePolicy(deps: ApprovalsDeps, merchantId: string, action: ApprovalAction) {
  try {
    await deps.store.transact([policyDelete(merchantId, action)]);
  } catch (error) {
    if (isTransactionCanceled(error))
      throw new AppError('not_found', `no approval policy for ${action}`, { param: 'action' });
    throw error;
  }
  return { object: 'approval_policy' as const, action, deleted: true as const };
}

export function listPolicies(deps: ApprovalsDeps, merchantId: string): Promise<Policy[]> {
  return merchantPolicies(deps.store, merchantId);
}

/** What an action under a policy asks for. */
export interface ApprovalInput {
  merchantId: string;
  /** The merchant's owner: approval events are addressed to them. */
  ownerId: string;
  action: ApprovalAction;
  /** The executor that carries it out (default: the action's name). */
  executor?: string;
  amount?: number;
  currency?: string;
  params: Record<string, unknown>;
  summary: string;
  requestedBy: Actor;
}

/**
 * The gate every guarded action calls before acting: when the merchant's policy for the action
 * applies (no threshold, or an amount above it), records an approval request and returns it (the
 * route answers 202 with it); otherwise returns undefined and the caller acts at once.
 *
 * @example
 * const pending = await requestApproval(deps, { merchantId, ownerId, action: 'payout', amount, currency, params: body, summary: 'Payout', requestedBy: actorOf(c.var.merchant) });
 * if (pending) return c.json(pending, 202);
 */
export async function requestApproval(
  deps: ApprovalsDeps,
  input: ApprovalInput,
): Promise<Approval | undefined> {
  const policy = await readPolicy(deps.store, input.merchantId, input.action);
  if (!policy) return undefined;
  if (policy.threshold !== null && input.amount !== undefined && input.amount <= policy.threshold)
    return undefined;
  const now = deps.clock.now();
  const approval: Approval = {
    id: approvalIds.newId('approval', now),
    object: 'approval_request',
    merchant: input.merchantId,
    action: input.action,
    status: 'pending',
    amount: input.amount ?? null,
    currency: input.currency ?? null,
    params: { ...input.params, executor: input.executor ?? input.action },
    summary: input.summary,
    approvals_required: policy.approvals,
    approvals: 0,
    requested_by: input.requestedBy,
    result: null,
    expires_at: isoTime(now + approvalTtlSeconds * 1000),
    created_at: isoTime(now),
    steps: [{ type: 'requested', actor: input.requestedBy, at: isoTime(now), note: null }],
  };
  await deps.store.transact([
    approvalCreate({ approval, version: 1, owner: input.ownerId }),
    approvalEvent('approval.requested', approval, input.ownerId, now),
  ]);
  return approval;
}

async function requireApproval(deps: ApprovalsDeps, merchantId: string, id: string): Promise<ApprovalRecord> {
  const record = id.length <= 200 ? await readApproval(deps.store, id) : undefined;
  if (!record || record.approval.merchant !== merchantId)
    throw new AppError('not_found', `no approval request ${id}`, { param: 'id' });
  return record;
}

export async function getApproval(deps: ApprovalsDeps, merchantId: string, id: string): Promise<Approval> {
  return (await requireApproval(deps, merchantId, id)).approval;
}

export function listApprovals(
  deps: ApprovalsDeps,
  merchantId: string,
  page: { limit: number; cursor?: string },
) {
  return merchantApprovals(deps.store, merchantId, page);
}

/** The request moved on by one step, with the writes that store it (if still at its version) and report it. */
function advance(
  deps: ApprovalsDeps,
  record: ApprovalRecord,
  change: Partial<Approval>,
  step: Omit<Step, 'at'>,
  event: ApprovalEventType,
): { next: Approval; writes: WriteOperation[] } {
  const now = deps.clock.now();
  const next: Approval = {
    ...record.approval,
    ...change,
    steps: [...record.approval.steps, { ...step, at: isoTime(now) }],
  };
  return { next, writes: [approvalReplace(record, next), approvalEvent(event, next, record.owner, now)] };
}

/**
 * Approves or rejects a pending request as `principal`, who must be a member (not an API key)
 * other than the requester (403 `self_approval`) who has not decided it already (409
 * `already_decided`). A rejection ends it; the approval that completes the count executes the
 * action (see `ApprovalExecutor`). Concurrent decisions are serialized by the request's version:
 * a decision whose write lost is judged again against the request as it now is, so of twenty
 * approvers racing for two places, two approve, one of them executes, and the rest are told the
 * request is closed (409 `approval_closed`).
 */
export async function decideApproval(
  deps: ModuleDeps,
  principal: MerchantPrincipal,
  id: string,
  decision: 'approve' | 'reject',
  note: string | undefined,
): Promise<Approval> {
  const actor = actorOf(principal);
  for (;;) {
    const record = await requireApproval(deps, principal.merchantId, id);
    const { approval } = record;
    if (approval.status === 'pending' && Date.parse(approval.expires_at) <= deps.clock.now()) {
      await expireOne(deps, approval.id);
      continue;
    }
    if (approval.status !== 'pending')
      throw approvalsErrors.error('approval_closed', `the request is ${approval.status}`, {
        details: { status: approval.status },
      });
    if (!actor.user) throw new AppError('forbidden', 'approvals are decided by team members, not API keys');
    if (approval.requested_by.user === actor.user)
      throw approvalsErrors.error('self_approval', 'you cannot approve or reject your own request');
    if (
      approval.steps.some(
        (s) => (s.type === 'approved' || s.type === 'rejected') && s.actor?.user === actor.user,
      )
    )
      throw approvalsErrors.error('already_decided', 'you already decided this request');
    try {
      if (decision === 'reject') {
        const { next, writes } = advance(
          deps,
          record,
          { status: 'rejected' },
          { type: 'rejected', actor, note: note ?? null },
          'approval.rejected',
        );
        await deps.store.transact(writes);
        return next;
      }
      const approvals = approval.approvals + 1;
      const voted = advance(
        deps,
        record,
        { approvals },
        { type: 'approved', actor, note: note ?? null },
        'approval.approved',
      );
      if (approvals < approval.approvals_required) {
        await deps.store.transact(voted.writes);
        return voted.next;
      }
      return await execute(deps, record, voted.next);
    } catch (error) {
      // Another decision (or a payout of the same balance) landed first: judge again.
      if (!lostRace(error)) throw error;
    }
  }
}

/**
 * A write refused because something changed since it was read: the request's version (another
 * decision), or a condition of the action's own (the ledger reports those as `conflict`).
 */
function lostRace(error: unknown): boolean {
  return isTransactionCanceled(error) || (isAppError(error) && error.code === 'conflict');
}

/** Runs the final approval's action through its executor; a refusal by the action marks the request failed. */
async function execute(deps: ModuleDeps, record: ApprovalRecord, voted: Approval): Promise<Approval> {
  const name = String(voted.params.executor ?? voted.action);
  const executor = executors.get(name);
  if (!executor) throw new Error(`no approval executor registered for ${name}`);
  const at = isoTime(deps.clock.now());
  const executed = (result: Record<string, unknown>): Approval => ({
    ...voted,
    status: 'executed',
    result,
    steps: [...voted.steps, { type: 'executed', actor: null, at, note: null }],
  });
  const commit = (result: Record<string, unknown>) => [
    approvalReplace(record, executed(result)),
    approvalEvent('approval.executed', executed(result), record.owner, deps.clock.now()),
  ];
  try {
    return executed(await executor.execute(deps, voted, commit));
  } catch (error) {
    if (lostRace(error) || !isAppError(error)) throw error;
    // The action refused (say the balance fell meanwhile): the request ends failed, with why.
    const failed: Approval = {
      ...voted,
      status: 'failed',
      result: { error: { code: error.code, message: error.message } },
      steps: [...voted.steps, { type: 'failed', actor: null, at, note: error.message }],
    };
    await deps.store.transact([
      approvalReplace(record, failed),
      approvalEvent('approval.failed', failed, record.owner, deps.clock.now()),
      ...(executor.failed?.(failed, error, { now: deps.clock.now(), ownerId: record.owner }) ?? []),
    ]);
    return failed;
  }
}

/** Ends a pending request past its expiry (a no-op for any other). */
export async function expireOne(deps: ApprovalsDeps, id: string): Promise<boolean> {
  const record = await readApproval(deps.store, id);
  if (!record || record.approval.status !== 'pending') return false;
  if (Date.parse(record.approval.expires_at) > deps.clock.now()) return false;
  const { writes } = advance(
    deps,
    record,
    { status: 'expired' },
    { type: 'expired', actor: null, note: `no decision within ${approvalTtlSeconds / 3600} hours` },
    'approval.expired',
  );
  try {
    await deps.store.transact(writes);
    return true;
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return false;
  }
}

/** The expiry job: every pending request past its time ends `expired`. Idempotent. */
export async function expireDueApprovals(deps: ApprovalsDeps): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await dueApprovals(deps.store, isoTime(deps.clock.now()), 100);
    let changed = 0;
    for (const id of due) if (await expireOne(deps, id)) changed += 1;
    expired += changed;
    if (due.length < 100 || changed === 0) return expired;
  }
}
