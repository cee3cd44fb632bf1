import { registerApproverDirectory } from '../approvals/index.ts';
import { getMerchantRecord } from './merchants.ts';
import { roleAllows } from './permissions.ts';
import { teamMembers } from './store/members.ts';

// Approvals mails a request's approvers; who they are is the team's, which payments keeps: every
// member, active or still invited, whose role may `approve` (the permission table decides).
registerApproverDirectory({
  async approversOf(deps, merchantId) {
    const merchant = await getMerchantRecord(deps, merchantId);
    const members = await teamMembers(deps.store, merchantId);
    return {
      merchantName: merchant?.name ?? merchantId,
      approvers: members
        .filter((member) => roleAllows(member.role, 'approve'))
        .map((member) => ({ email: member.email, user: member.user_id })),
    };
  },
});
