import { z } from '@hono/zod-openapi';
import type { EventEnvelope } from '../kernel/events.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import type { Approval, ApprovalStatus } from './model.ts';
import { expireOne } from './service.ts';
import { approvalTaskToken, readApproval } from './store.ts';

/**
 * The approval state machine (`approval.asl.json`), on AWS only. The request's statuses stay the
 * truth and the action still runs in the transaction of the final approval; the state machine
 * follows each request: started when it is requested, it waits on a task token until the step
 * that ends the request answers it, or until the request's time runs out.
 */
export const approvalWorkflowName = 'approval';

/** The ended statuses, as the state machine's Choice reads them (`$.outcome.status`). */
const endings = ['executed', 'failed', 'rejected', 'expired'] as const satisfies readonly ApprovalStatus[];

/** The state machine's input: the request and how long to wait for it (its time left). */
export interface ApprovalRun {
  approval_id: string;
  ttl_seconds: number;
}

/** The subscription's events: the request, and every step that ends it. */
export const approvalWorkflowEvents = ['approval.requested', ...endings.map((s) => `approval.${s}`)];

/**
 * What a bus event asks of the state machine: a request starts its execution (named by the
 * request id, so a redelivery starts nothing new); an ending answers the task it waits on.
 */
export function driveApprovalWorkflow(deps: ModuleDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    const approval = (event.data as { object: Approval }).object;
    if (event.type === 'approval.requested') await startApprovalRun(deps, approval);
    else await answerApprovalRun(deps, approval.id);
  };
}

async function startApprovalRun(deps: ModuleDeps, approval: Approval): Promise<void> {
  if (!deps.startWorkflow) return;
  // Waits as long as the request has left (at least a second), however late the start.
  const left = Math.ceil((Date.parse(approval.expires_at) - deps.clock.now()) / 1000);
  const run: ApprovalRun = { approval_id: approval.id, ttl_seconds: Math.max(1, left) };
  await deps.startWorkflow(approvalWorkflowName, run, approval.id);
}

/** Answers the request's waiting task with its ending, if it has ended and a task waits. */
async function answerApprovalRun(deps: ModuleDeps, id: string): Promise<void> {
  const record = await readApproval(deps.store, id);
  if (!record?.taskToken || !deps.taskTokens) return;
  await answer(deps.taskTokens, record.taskToken, record.approval);
}

/**
 * The answer for an ended request: success with its status and result when it was approved (the
 * action ran, or refused), the failure `ApprovalRejected` or `ApprovalExpired` otherwise.
 */
async function answer(
  tokens: NonNullable<ModuleDeps['taskTokens']>,
  token: string,
  approval: Approval,
): Promise<void> {
  const last = approval.steps.at(-1);
  const cause = `${approval.id} ${approval.status}${last?.note ? `: ${last.note}` : ''}`;
  if (approval.status === 'executed' || approval.status === 'failed')
    await tokens.succeed(token, { status: approval.status, result: approval.result });
  else if (approval.status === 'rejected') await tokens.fail(token, 'ApprovalRejected', cause);
  else if (approval.status === 'expired') await tokens.fail(token, 'ApprovalExpired', cause);
}

const tokenInput = z.object({ approval_id: z.string().min(1), task_token: z.string().min(1) });
const expireInput = z.object({ approval_id: z.string().min(1) });

/**
 * The state machine's tasks. `RecordTaskToken` keeps the token on the pending request (a new
 * version, so a decision racing it is judged again and carries the token on); when the request has
 * ended before the token came, it answers the token itself. `Expire` ends the request when its
 * time ran out and reports its status, whatever it is.
 */
export function approvalTasks(deps: ModuleDeps) {
  return {
    RecordTaskToken: async (input: unknown) => {
      const { approval_id: id, task_token: token } = tokenInput.parse(input);
      for (;;) {
        const record = await readApproval(deps.store, id);
        if (!record) throw new Error(`no approval request ${id}`);
        if (record.approval.status !== 'pending') {
          if (deps.taskTokens) await answer(deps.taskTokens, token, record.approval);
          return { answered: record.approval.status };
        }
        try {
          await deps.store.transact([approvalTaskToken(record, token)]);
          return { waiting: id };
        } catch (error) {
          if (!isTransactionCanceled(error)) throw error;
        }
      }
    },
    Expire: async (input: unknown) => {
      const { approval_id: id } = expireInput.parse(input);
      await expireOne(deps, id);
      const record = await readApproval(deps.store, id);
      if (!record) throw new Error(`no approval request ${id}`);
      return { status: record.approval.status };
    },
  };
}
