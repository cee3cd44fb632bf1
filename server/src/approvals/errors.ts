import { defineErrors, errorTypes } from '../kernel/errors.ts';

/**
 * Approvals' own codes. `self_approval` (403): the requester cannot approve or reject their own
 * request. `already_decided` (409): this approver already approved or rejected it.
 * `approval_closed` (409): the request is no longer pending (approved, rejected, expired).
 */
export const approvalsErrors = defineErrors({
  self_approval: { status: 403, type: errorTypes.permission },
  already_decided: { status: 409, type: errorTypes.conflict },
  approval_closed: { status: 409, type: errorTypes.conflict },
});
