import { z } from '@hono/zod-openapi';
import { merchantRoles } from '../kernel/principal.ts';

/** The actions a merchant can put under an approval policy. */
export const approvalActions = ['payout', 'refund', 'connector_change'] as const;
export type ApprovalAction = (typeof approvalActions)[number];

/**
 * How long a request waits for its approvals before it expires (published in the API docs):
 * 72 hours of real time, the usual maker-checker window.
 */
export const approvalTtlSeconds = 72 * 3600;
/** At most this many approvals a policy may ask for. */
export const maxApprovals = 10;

export const policyInputSchema = z
  .object({
    action: z.enum(approvalActions, { error: `action must be one of ${approvalActions.join(', ')}` }),
    /** Amounts (minor units) above this need approval; absent: every action of the kind (connector changes have no amount). */
    threshold: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable()
      .optional()
      .openapi({ example: 50_000 }),
    approvals: z.number().int().min(1).max(maxApprovals).openapi({ example: 2 }),
  })
  .strict()
  .refine((input) => input.action !== 'connector_change' || input.threshold == null, {
    error: 'threshold: connector changes carry no amount, so their policy takes no threshold',
    path: ['threshold'],
  })
  .openapi('ApprovalPolicyInput');
export type PolicyInput = z.output<typeof policyInputSchema>;

export const policyActionParamSchema = z.object({
  action: z.enum(approvalActions, { error: `action must be one of ${approvalActions.join(', ')}` }),
});

export const deletedPolicySchema = z
  .object({
    object: z.literal('approval_policy'),
    action: z.enum(approvalActions),
    deleted: z.literal(true),
  })
  .openapi('DeletedApprovalPolicy');

export const policySchema = z
  .object({
    object: z.literal('approval_policy'),
    action: z.enum(approvalActions),
    threshold: z.number().int().nullable(),
    approvals: z.number().int(),
    updated_at: z.string(),
  })
  .openapi('ApprovalPolicy');
export type Policy = z.output<typeof policySchema>;

export const approvalStatuses = ['pending', 'approved', 'executed', 'failed', 'rejected', 'expired'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/** Who asked or decided: a team member, or (for requests) an API key. */
export const actorSchema = z.object({
  user: z.string().nullable().openapi({ example: 'usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
  email: z.string().nullable().default(null).openapi({ example: 'bea@example.com' }),
  api_key: z.string().nullable(),
  role: z.enum(merchantRoles),
});
export type Actor = z.output<typeof actorSchema>;

export const stepSchema = z
  .object({
    type: z.enum(['requested', 'approved', 'rejected', 'expired', 'executed', 'failed']),
    actor: actorSchema.nullable(),
    at: z.string(),
    note: z.string().nullable(),
  })
  .openapi('ApprovalStep');
export type Step = z.output<typeof stepSchema>;

export const approvalSchema = z
  .object({
    id: z.string().openapi({ example: 'apr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    object: z.literal('approval_request'),
    merchant: z.string(),
    action: z.enum(approvalActions),
    status: z.enum(approvalStatuses),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    /** What will be done once approved (the request as the action's route took it). */
    params: z.record(z.string(), z.unknown()),
    summary: z.string(),
    approvals_required: z.number().int(),
    approvals: z.number().int(),
    requested_by: actorSchema,
    /** What the action produced once executed (e.g. `{ payout: 'po_…' }`), or its error. */
    result: z.record(z.string(), z.unknown()).nullable(),
    expires_at: z.string(),
    created_at: z.string(),
    /** The audit trail: every step, oldest first. */
    steps: z.array(stepSchema),
  })
  .openapi('ApprovalRequest');
export type Approval = z.output<typeof approvalSchema>;

export const decisionSchema = z
  .object({ note: z.string().trim().max(500).optional().openapi({ example: 'Checked the invoice' }) })
  .strict()
  .openapi('ApprovalDecision');

/**
 * What each approval event carries as data: the request as it is after the step the event reports
 * (its `steps` end with that step): requested; approved by one more member while the count is
 * not reached (the approval that reaches it runs the action instead: executed or failed);
 * rejected; expired. The dashboard reads these types (type-only
 * imports), so renaming an event type or a field here breaks its build and its tests' fixtures.
 */
export interface ApprovalEventData {
  'approval.requested': { object: Approval };
  'approval.approved': { object: Approval };
  'approval.rejected': { object: Approval };
  'approval.expired': { object: Approval };
  /** The action ran: `result` is what it produced (e.g. `{ payout: 'po_…' }`). */
  'approval.executed': { object: Approval };
  /** The action refused (say the balance fell meanwhile): `result.error` says why. */
  'approval.failed': { object: Approval };
}
