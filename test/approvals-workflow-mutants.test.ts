import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalsModule } from '../server/src/approvals/index.ts';
import { approvalKeys } from '../server/src/approvals/store.ts';
import { approvalTasks } from '../server/src/approvals/workflow.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import {
  asMember,
  createTestMerchant,
  failNextWrite,
  interleave,
  joinMerchant,
  paymentBody,
  pendingEvents,
  tearDownApp,
  writesItem,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import { createTestApp, moduleDepsFor, type TestApp, type TestUser } from './app-harness.ts';

// The approval state machine's side in Sluice (approvals/workflow.ts) on the real SQLite store:
// the approvals.state-machine subscription and the RecordTaskToken and Expire tasks, called as
// the AWS functions call them. Step Functions is the cloud edge, so its two ports are scripted
// here: `startWorkflow` and `taskTokens` record what they are asked. (approvals-lambda.test.ts
// runs the same path through the Lambda handlers, on DynamoDB Local.) The books are checked
// balanced after each test.

let t: TestApp;
let merchant: TestMerchant;
let approver: TestUser;

type Started = { workflow: string; input: unknown; runName: string };
type Answer =
  | { token: string; output: Readonly<Record<string, unknown>> }
  | { token: string; error: string; cause: string };

/** What the scripted Step Functions was asked: executions started and task tokens answered. */
let started: Started[];
let answers: Answer[];

/** The module's ports on the harness's real ones, with Step Functions' two (unless left out). */
function depsWith(edges: { startWorkflow?: boolean; taskTokens?: boolean } = {}): ModuleDeps {
  const { startWorkflow = true, taskTokens = true } = edges;
  return {
    ...moduleDepsFor(t, [approvalsModule]),
    ...(startWorkflow
      ? {
          startWorkflow: async (workflow: string, input: unknown, runName: string) => {
            started.push({ workflow, input, runName });
          },
        }
      : {}),
    ...(taskTokens
      ? {
          taskTokens: {
            succeed: async (token: string, output: Readonly<Record<string, unknown>>) => {
              answers.push({ token, output });
              return true;
            },
            fail: async (token: string, error: string, cause: string) => {
              answers.push({ token, error, cause });
              return true;
            },
          },
        }
      : {}),
  };
}

/** The approvals.state-machine subscription's handler on `deps`. */
function stateMachineHandler(deps: ModuleDeps): (event: EventEnvelope) => Promise<void> {
  const subscription = approvalsModule.subscriptions?.find((s) => s.name === 'approvals.state-machine');
  if (!subscription) throw new Error('approvals.state-machine is not subscribed');
  return subscription.handler(deps);
}

/** The request's approval events written so far, oldest first. */
async function eventsOf(id: string): Promise<EventEnvelope[]> {
  return (await pendingEvents(t)).filter((e) => e.source === 'sluice.approvals' && e.subject === id);
}

async function lastEventOf(id: string, type: string): Promise<EventEnvelope> {
  const event = (await eventsOf(id)).findLast((e) => e.type === type);
  if (!event) throw new Error(`no ${type} event for ${id}`);
  return event;
}

const api = (method: string, path: string, body?: unknown) =>
  t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });

/** A connector change held for `approvals` approvals: the pending request's id. */
async function heldConnector(approvals = 1): Promise<string> {
  expect((await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals })).status).toBe(
    200,
  );
  const held = await api('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} });
  expect(held.status, held.text).toBe(202);
  return held.json.id as string;
}

const decide = (user: TestUser, id: string, decision: 'approve' | 'reject', note?: string) =>
  asMember(t, merchant, user)('POST', `/v1/approvals/${id}/${decision}`, note ? { note } : undefined);

const storedToken = async (id: string) =>
  (await t.store.get(approvalKeys.request(id)))?.task_token as string | undefined;

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
  approver = await joinMerchant(t, merchant, 'approver');
  started = [];
  answers = [];
});

afterEach(() => tearDownApp(t));

describe('the state machine subscription', () => {
  it('starts one execution named by the request, waiting as long as the request has left, at least a second', async () => {
    const id = await heldConnector();
    const requested = await lastEventOf(id, 'approval.requested');
    const deliver = stateMachineHandler(depsWith());
    await deliver(requested);
    // A late delivery waits what is left, rounded up to the second.
    t.clock.advance(1500);
    await deliver(requested);
    // Past its expiry, still a second (the Expire task then ends it).
    t.clock.advance(72 * 3600 * 1000);
    await deliver(requested);
    expect(started).toEqual([
      { workflow: 'approval', input: { approval_id: id, ttl_seconds: 72 * 3600 }, runName: id },
      { workflow: 'approval', input: { approval_id: id, ttl_seconds: 72 * 3600 - 1 }, runName: id },
      { workflow: 'approval', input: { approval_id: id, ttl_seconds: 1 }, runName: id },
    ]);
    expect(answers).toEqual([]);
  });

  it('starts nothing, and fails nothing, where the runtime runs no state machine', async () => {
    const id = await heldConnector();
    await stateMachineHandler(depsWith({ startWorkflow: false, taskTokens: false }))(
      await lastEventOf(id, 'approval.requested'),
    );
    expect(started).toEqual([]);
    expect(await storedToken(id)).toBeUndefined();
  });

  it('answers the waiting task with the executed request and its result, once the change ran', async () => {
    const id = await heldConnector();
    const deps = depsWith();
    expect(await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-1' })).toEqual({
      waiting: id,
    });
    expect(answers).toEqual([]);
    const approved = await decide(approver, id, 'approve');
    expect(approved.json).toMatchObject({ status: 'executed' });
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.executed'));
    expect(answers).toEqual([
      { token: 'tok-1', output: { status: 'executed', result: approved.json.result } },
    ]);
    expect(approved.json.result).toMatchObject({ op: 'create' });
  });

  it('answers a rejection with ApprovalRejected naming the request and the rejecting note', async () => {
    // Two approvals needed: the approving step (with a note of its own) comes before the rejection.
    const id = await heldConnector(2);
    const second = await joinMerchant(t, merchant, 'approver');
    const deps = depsWith();
    await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-r' });
    expect((await decide(approver, id, 'approve', 'Looks right')).json.status).toBe('pending');
    expect((await decide(second, id, 'reject', 'Not this connector')).json.status).toBe('rejected');
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.rejected'));
    expect(answers).toEqual([
      { token: 'tok-r', error: 'ApprovalRejected', cause: `${id} rejected: Not this connector` },
    ]);
  });

  it('names a rejection without a note by the request and its status only', async () => {
    const id = await heldConnector();
    const deps = depsWith();
    await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-n' });
    expect((await decide(approver, id, 'reject')).json.status).toBe('rejected');
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.rejected'));
    expect(answers).toEqual([{ token: 'tok-n', error: 'ApprovalRejected', cause: `${id} rejected` }]);
  });

  it('answers an expired request with ApprovalExpired and the expiry note', async () => {
    const id = await heldConnector();
    const deps = depsWith();
    await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-e' });
    t.clock.advance(72 * 3600 * 1000);
    expect(await approvalTasks(deps).Expire({ approval_id: id })).toEqual({ status: 'expired' });
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.expired'));
    expect(answers).toEqual([
      { token: 'tok-e', error: 'ApprovalExpired', cause: `${id} expired: no decision within 72 hours` },
    ]);
  });

  it('answers a failed action as a success with the failed status and the action error', async () => {
    // A refund held for approval, then most of the payment refunded directly: the approved
    // refund is more than what is left, so the action refuses and the request ends failed.
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    expect(payment.status).toBe(201);
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 1 });
    const held = await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 4500 });
    expect(held.status, held.text).toBe(202);
    const id = held.json.id as string;
    expect((await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 900 })).status).toBe(201);
    const deps = depsWith();
    await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-f' });
    const failed = await decide(approver, id, 'approve');
    expect(failed.json).toMatchObject({ status: 'failed', result: { error: { code: expect.any(String) } } });
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.failed'));
    expect(answers).toEqual([{ token: 'tok-f', output: { status: 'failed', result: failed.json.result } }]);
  });

  it('answers nothing when no task waits yet, or when the runtime answers no task tokens', async () => {
    const id = await heldConnector();
    expect((await decide(approver, id, 'reject')).json.status).toBe('rejected');
    const rejected = await lastEventOf(id, 'approval.rejected');
    // No token stored: the execution has not reached WaitForDecision.
    await stateMachineHandler(depsWith())(rejected);
    expect(answers).toEqual([]);

    const other = await api('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} });
    expect(other.status).toBe(202);
    await approvalTasks(depsWith()).RecordTaskToken({ approval_id: other.json.id, task_token: 'tok-x' });
    expect((await decide(approver, other.json.id, 'reject')).json.status).toBe('rejected');
    // A token stored, but this process has no Step Functions to answer it with.
    await stateMachineHandler(depsWith({ taskTokens: false }))(
      await lastEventOf(other.json.id, 'approval.rejected'),
    );
    expect(answers).toEqual([]);
  });

  it('leaves the task waiting on a request that has not ended, even if a vote reached it', async () => {
    // The subscription's pattern takes no `approval.approved`; delivered anyway, it answers nothing.
    const id = await heldConnector(2);
    const deps = depsWith();
    await approvalTasks(deps).RecordTaskToken({ approval_id: id, task_token: 'tok-v' });
    expect((await decide(approver, id, 'approve')).json.status).toBe('pending');
    await stateMachineHandler(deps)(await lastEventOf(id, 'approval.approved'));
    expect(answers).toEqual([]);
    expect(await storedToken(id)).toBe('tok-v');
  });
});

describe('the RecordTaskToken task', () => {
  it('keeps the token on the pending request as a new version, and answers nothing', async () => {
    const id = await heldConnector();
    const before = await t.store.get(approvalKeys.request(id));
    const result = await approvalTasks(depsWith()).RecordTaskToken({ approval_id: id, task_token: 'tok-k' });
    expect(result).toEqual({ waiting: id });
    const after = await t.store.get(approvalKeys.request(id));
    expect(after).toMatchObject({ task_token: 'tok-k', version: (before!.version as number) + 1 });
    expect(answers).toEqual([]);
  });

  it('answers the token itself when the request ended before it, and reports the status', async () => {
    const id = await heldConnector();
    expect((await decide(approver, id, 'reject', 'No')).json.status).toBe('rejected');
    const result = await approvalTasks(depsWith()).RecordTaskToken({
      approval_id: id,
      task_token: 'tok-late',
    });
    expect(result).toEqual({ answered: 'rejected' });
    expect(answers).toEqual([{ token: 'tok-late', error: 'ApprovalRejected', cause: `${id} rejected: No` }]);
    expect(await storedToken(id)).toBeUndefined();
    // Without Step Functions' port it still reports the status, and stores nothing.
    expect(
      await approvalTasks(depsWith({ taskTokens: false })).RecordTaskToken({
        approval_id: id,
        task_token: 'tok-later',
      }),
    ).toEqual({ answered: 'rejected' });
    expect(answers).toHaveLength(1);
    expect(await storedToken(id)).toBeUndefined();
  });

  it('judges again when a decision lands between its read and its write, and answers the ending', async () => {
    const id = await heldConnector();
    const state = interleave(
      t,
      (operations) => writesItem(operations, approvalKeys.request(id)),
      () => decide(approver, id, 'reject', 'Too late'),
    );
    const result = await approvalTasks(depsWith()).RecordTaskToken({
      approval_id: id,
      task_token: 'tok-race',
    });
    expect(state.count).toBe(1);
    expect(result).toEqual({ answered: 'rejected' });
    expect(answers).toEqual([
      { token: 'tok-race', error: 'ApprovalRejected', cause: `${id} rejected: Too late` },
    ]);
  });

  it('passes on a failed write of the token rather than trying again', async () => {
    const id = await heldConnector();
    failNextWrite(t, (operations) => writesItem(operations, approvalKeys.request(id)));
    await expect(
      approvalTasks(depsWith()).RecordTaskToken({ approval_id: id, task_token: 'tok-busy' }),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(await storedToken(id)).toBeUndefined();
  });

  it('refuses a request that does not exist, naming it', async () => {
    await expect(
      approvalTasks(depsWith()).RecordTaskToken({ approval_id: 'apr_missing', task_token: 'tok' }),
    ).rejects.toThrow('no approval request apr_missing');
    expect(answers).toEqual([]);
  });
});

describe('the Expire task', () => {
  it('ends a request whose time ran out, and reports the status of one that is not due or ended', async () => {
    const id = await heldConnector();
    const expire = approvalTasks(depsWith()).Expire;
    expect(await expire({ approval_id: id })).toEqual({ status: 'pending' });
    t.clock.advance(72 * 3600 * 1000);
    expect(await expire({ approval_id: id })).toEqual({ status: 'expired' });
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['approval.requested', 'approval.expired']);
    expect(await expire({ approval_id: id })).toEqual({ status: 'expired' });
  });

  it('refuses a request that does not exist, naming it', async () => {
    await expect(approvalTasks(depsWith()).Expire({ approval_id: 'apr_missing' })).rejects.toThrow(
      'no approval request apr_missing',
    );
  });
});
