import type { KeyPattern } from '../platform/keys.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../platform/store.ts';
import { approvalSchema, policySchema, type Approval, type ApprovalAction, type Policy } from './model.ts';

/**
 * Approvals' stored layout, spelled here only. A policy `APV#POLICY#<merchant>` / `<action>`. A
 * request `APV#<id>` / `APV` holding the request with its audit trail and a `version` every
 * change is conditional on (so of two concurrent decisions on one request, one is judged again
 * against the other's outcome); in gsi1 under its merchant (the inbox, newest first) and, while
 * pending, in gsi2 under `APV#PENDING` by expiry time (what the expiry job reads). On AWS the
 * request also holds the task token its state machine waits on (`task_token`), so the step that
 * ends the request can answer it.
 */
export const approvalKeys = {
  policy: (merchantId: string, action: ApprovalAction) => ({ pk: `APV#POLICY#${merchantId}`, sk: action }),
  policies: (merchantId: string) => `APV#POLICY#${merchantId}`,
  request: (id: string) => ({ pk: `APV#${id}`, sk: 'APV' }),
  inbox: (merchantId: string) => `APV#MER#${merchantId}`,
  pending: 'APV#PENDING',
} as const;

export const approvalKeyPatterns = [
  'APV#POLICY#*',
  'APV#*',
  'APV#MER#*',
  'APV#PENDING',
] as const satisfies readonly KeyPattern[];

export function policyPut(merchantId: string, policy: Policy): WriteOperation {
  return {
    type: 'put',
    item: { ...approvalKeys.policy(merchantId, policy.action), entity: 'approval_policy', ...policy },
  };
}

/** Removes the merchant's policy for `action`, on the condition it exists. */
export function policyDelete(merchantId: string, action: ApprovalAction): WriteOperation {
  return {
    type: 'delete',
    key: approvalKeys.policy(merchantId, action),
    condition: { attributeExists: 'pk' },
  };
}

export function readPolicy(
  store: Store,
  merchantId: string,
  action: ApprovalAction,
): Promise<Policy | undefined> {
  return readItem(store, approvalKeys.policy(merchantId, action), (item) => policySchema.parse(item));
}

export async function merchantPolicies(store: Store, merchantId: string): Promise<Policy[]> {
  const page = await store.query({ partition: approvalKeys.policies(merchantId) });
  return page.items.map((item) => policySchema.parse(item));
}

/**
 * A request as stored: the request, its version, the merchant owner events are addressed to, and
 * (on AWS, once its state machine waits) the task token that answers it.
 */
export interface ApprovalRecord {
  approval: Approval;
  version: number;
  owner: string;
  taskToken?: string;
}

function recordFromItem(item: Item): ApprovalRecord {
  return {
    approval: approvalSchema.parse(item.approval),
    version: item.version as number,
    owner: item.owner as string,
    ...(typeof item.task_token === 'string' ? { taskToken: item.task_token } : {}),
  };
}

export function readApproval(store: Store, id: string): Promise<ApprovalRecord | undefined> {
  return readItem(store, approvalKeys.request(id), recordFromItem);
}

function approvalItem(record: ApprovalRecord): Item {
  const { approval } = record;
  return {
    ...approvalKeys.request(approval.id),
    entity: 'approval_request',
    approval: approval as unknown as Item[string],
    version: record.version,
    owner: record.owner,
    ...(record.taskToken ? { task_token: record.taskToken } : {}),
    gsi1pk: approvalKeys.inbox(approval.merchant),
    gsi1sk: approval.id,
    ...(approval.status === 'pending'
      ? { gsi2pk: approvalKeys.pending, gsi2sk: `${approval.expires_at}#${approval.id}` }
      : {}),
  };
}

/** Creates a request (a new id: refused if it exists). */
export function approvalCreate(record: ApprovalRecord): WriteOperation {
  return { type: 'put', item: approvalItem(record), condition: { attributeNotExists: 'pk' } };
}

/** Replaces the request with its next version, only if it is still at the version read. */
export function approvalReplace(previous: ApprovalRecord, next: Approval): WriteOperation {
  return {
    type: 'put',
    item: approvalItem({ ...previous, approval: next, version: previous.version + 1 }),
    condition: { compare: ['version', '=', previous.version] },
  };
}

/**
 * Stores the task token the request's state machine waits on, as a new version (so a decision
 * read before it fails its condition and, read again, carries the token on).
 */
export function approvalTaskToken(previous: ApprovalRecord, token: string): WriteOperation {
  return {
    type: 'update',
    key: approvalKeys.request(previous.approval.id),
    set: { task_token: token, version: previous.version + 1 },
    condition: { compare: ['version', '=', previous.version] },
  };
}

/**
 * Replaces the request's params (a migration sealing them again), as a new version, only if it is
 * still at the version read: a decision read before it then fails its condition and, read again,
 * carries the new params on rather than writing the old ones back.
 */
export function approvalParamsReplace(previous: ApprovalRecord, params: Approval['params']): WriteOperation {
  return {
    type: 'update',
    key: approvalKeys.request(previous.approval.id),
    set: {
      approval: { ...previous.approval, params } as unknown as Item[string],
      version: previous.version + 1,
    },
    condition: { compare: ['version', '=', previous.version] },
  };
}

/** A page of the merchant's requests as stored (with their versions), newest first. */
export async function merchantApprovalRecords(
  store: Store,
  merchantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: ApprovalRecord[]; next_cursor: string | undefined }> {
  const result = await store.query({
    index: 'gsi1',
    partition: approvalKeys.inbox(merchantId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(recordFromItem), next_cursor: result.cursor };
}

/** A page of the merchant's requests, newest first. */
export async function merchantApprovals(
  store: Store,
  merchantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: Approval[]; next_cursor: string | undefined }> {
  const records = await merchantApprovalRecords(store, merchantId, page);
  return { data: records.data.map((record) => record.approval), next_cursor: records.next_cursor };
}

/** Pending requests whose expiry is before `before` (ISO time), oldest expiry first. */
export async function dueApprovals(store: Store, before: string, limit: number): Promise<string[]> {
  const page = await store.query({
    index: 'gsi2',
    partition: approvalKeys.pending,
    sort: { op: '<', value: before },
    limit,
  });
  return page.items.map((item) => recordFromItem(item).approval.id);
}
