import { defineModule } from '../platform/module.ts';
import { approvalsErrors } from './errors.ts';
import { approvalEventTypes } from './events.ts';
import { approvalIds } from './ids.ts';
import { notifyApprovers, notifyApproversSubscription, notifyEventTypes } from './notify.ts';
export { registerApproverDirectory, type ApproverDirectory } from './notify.ts';
export { rewriteApprovalParams, type ApprovalParamsRewrite } from './params-rewrite.ts';
import { approvalRoutes } from './routes.ts';
export { withApprovalResponse } from './routes.ts';
import { expireDueApprovals } from './service.ts';
import { approvalKeyPatterns } from './store.ts';
import {
  approvalTasks,
  approvalWorkflowEvents,
  approvalWorkflowName,
  driveApprovalWorkflow,
} from './workflow.ts';
export {
  actorOf,
  registerApprovalExecutor,
  requestApproval,
  type ApprovalExecutor,
  type ApprovalInput,
} from './service.ts';
export type { Approval, ApprovalAction } from './model.ts';
export { approvalSchema } from './model.ts';

/**
 * The approval state machine for Step Functions: it waits on a task token for the decisions
 * (`.waitForTaskToken`), which aws-local-stepfunctions cannot run, so it lives here rather than
 * in workflows/ (the files both runtimes run) and its workflow runs on AWS only. Locally the same
 * states are the request's statuses, driven by the decisions and the expiry job.
 */
export const approvalDefinition = new URL('./approval.asl.json', import.meta.url);

/**
 * Multi-step approvals (maker-checker): per-merchant policies put payouts, refunds and connector
 * changes above a threshold under N approvals by members with the `approver` role; an action
 * under a policy answers 202 with a request that approvers decide; the final approval executes the
 * action once (the modules that own the actions register its executor); requests expire. On AWS a
 * state machine follows each request (`workflow.ts`).
 */
export const approvalsModule = defineModule({
  name: 'approvals',
  http: {
    paths: [
      { prefix: '/v1/approval-policies', auth: 'merchant' },
      { prefix: '/v1/approvals', auth: 'merchant' },
    ],
    routes: (deps) => approvalRoutes(deps),
  },
  jobs: [
    {
      name: 'approvals.expire',
      cron: '* * * * *',
      localEveryMs: 5000,
      description: 'Ends approval requests left undecided past their expiry (72 h)',
      run: (deps) => expireDueApprovals(deps),
    },
  ],
  subscriptions: [
    {
      name: 'approvals.state-machine',
      pattern: { source: ['sluice.approvals'], type: approvalWorkflowEvents },
      handler: (deps) => driveApprovalWorkflow(deps),
      drivesWorkflows: [approvalWorkflowName],
    },
    {
      name: notifyApproversSubscription,
      pattern: { source: ['sluice.approvals'], type: notifyEventTypes },
      handler: (deps) => notifyApprovers(deps),
    },
  ],
  workflows: [
    {
      name: approvalWorkflowName,
      definition: approvalDefinition,
      runtimes: ['aws'],
      tasks: (deps) => approvalTasks(deps),
      taskFunctions: {
        RecordTaskToken: {
          description:
            'Approval state machine: keeps the task token on the request (answers it if the request has ended)',
          memoryMb: 256,
          timeoutSeconds: 30,
          answersTaskTokens: true,
        },
        Expire: {
          description: 'Approval state machine: ends a request whose time ran out, reports its status',
          memoryMb: 256,
          timeoutSeconds: 30,
        },
      },
    },
  ],
  events: approvalEventTypes,
  webhookEvents: approvalEventTypes,
  errors: approvalsErrors.table,
  ids: approvalIds.prefixes,
  keys: approvalKeyPatterns,
});
