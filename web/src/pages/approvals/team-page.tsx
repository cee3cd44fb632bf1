import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  memberRoles,
  useChangeRole,
  useInvite,
  usePolicies,
  useEndPolicy,
  usePutPolicy,
  useRemoveMember,
  useTeam,
  type ApprovalPolicy,
  type MemberRole,
} from './api.ts';

const roleHelp: Record<MemberRole, string> = {
  owner: 'everything',
  admin: 'everything but granting owner',
  developer: 'reads and API changes',
  approver: 'reads; approves or rejects requests',
  viewer: 'reads only',
};

function RoleSelect({
  value,
  onChange,
  label,
}: {
  value: MemberRole;
  onChange: (role: MemberRole) => void;
  label: string;
}) {
  return (
    <select
      aria-label={label}
      className="h-9 rounded-md border border-input bg-card px-2 text-foreground"
      value={value}
      onChange={(e) => onChange(e.target.value as MemberRole)}
    >
      {memberRoles.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}

/** The team with roles (invite, change, remove) and the approval policies. */
export function TeamPage() {
  const merchantId = useMerchantId();
  const team = useTeam(merchantId);
  const invite = useInvite(merchantId);
  const change = useChangeRole(merchantId);
  const remove = useRemoveMember(merchantId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('approver');
  const mutationError = [invite, change, remove].find((m) => m.isError)?.error;
  return (
    <div className="flex flex-col gap-8">
      <section>
        <PageHeader
          title="Team"
          description="People who act for this merchant, each with a role. Invitees join when they first sign in with the invited email, verified. API keys act with owner-like rights but never approve."
        />
        {team.isPending ? (
          <Loading label="Loading the team…" />
        ) : team.isError ? (
          <ErrorState error={team.error} onRetry={() => void team.refetch()} />
        ) : (
          <ul className="mb-4 flex flex-col gap-2" aria-label="Members">
            {team.data.data.map((member) => (
              <li
                key={member.id}
                data-testid="member-row"
                className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-border bg-card px-4 py-3"
              >
                <span className="min-w-0 truncate">
                  {member.email}{' '}
                  <Badge tone={member.status === 'active' ? 'success' : 'neutral'}>{member.status}</Badge>
                </span>
                <span className="flex items-center gap-2">
                  <RoleSelect
                    label={`Role of ${member.email}`}
                    value={member.role}
                    onChange={(next) => change.mutate({ id: member.id, role: next })}
                  />
                  <Button size="sm" variant="outline" onClick={() => remove.mutate(member.id)}>
                    Remove
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {mutationError ? (
          <p role="alert" className="mb-3 text-sm text-destructive">
            {errorMessage(mutationError)}
          </p>
        ) : null}
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label="Invite a member"
          onSubmit={(event) => {
            event.preventDefault();
            invite.mutate({ email, role }, { onSuccess: () => setEmail('') });
          }}
        >
          <Field label="Email">
            <Input
              className="w-64"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          </Field>
          <Field label="Role" hint={roleHelp[role]}>
            <RoleSelect label="Role" value={role} onChange={setRole} />
          </Field>
          <Button type="submit" disabled={invite.isPending}>
            Invite
          </Button>
        </form>
      </section>
      <Policies merchantId={merchantId} />
    </div>
  );
}

const actions: ReadonlyArray<ApprovalPolicy['action']> = ['payout', 'refund', 'connector_change'];

function Policies({ merchantId }: { merchantId: string }) {
  const policies = usePolicies(merchantId);
  const put = usePutPolicy(merchantId);
  const end = useEndPolicy(merchantId);
  const [action, setAction] = useState<ApprovalPolicy['action']>('payout');
  // A connector change has no amount, so its policy takes no threshold.
  const takesThreshold = action !== 'connector_change';
  const [threshold, setThreshold] = useState('');
  const [approvals, setApprovals] = useState('2');
  return (
    <section>
      <PageHeader
        title="Approval policies"
        description="Actions above a threshold (in minor units; empty for all) need this many approvals by approvers. Requests expire after 72 hours."
      />
      {policies.isSuccess ? (
        <Card className="mb-4 p-4">
          <ul className="flex flex-col gap-1 text-sm" aria-label="Policies">
            {policies.data.data.length === 0 ? <li className="text-muted-foreground">No policies.</li> : null}
            {policies.data.data.map((policy) => (
              <li key={policy.action} className="flex items-center justify-between gap-2">
                <span>
                  <span className="font-medium">{policy.action}</span>
                  {policy.threshold !== null ? ` above ${formatAmount(policy.threshold, 'USD')}` : ''}:{' '}
                  {policy.approvals} approval(s)
                </span>
                <Button
                  type="button"
                  variant="outline"
                  size="sm"
                  aria-label={`End the ${policy.action} policy`}
                  disabled={end.isPending}
                  onClick={() => end.mutate(policy.action)}
                >
                  End
                </Button>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <form
        className="flex flex-wrap items-end gap-2"
        aria-label="Set a policy"
        onSubmit={(event) => {
          event.preventDefault();
          put.mutate({
            action,
            threshold: !takesThreshold || threshold === '' ? null : Number(threshold),
            approvals: Number(approvals),
          });
        }}
      >
        <Field label="Action" error={put.isError ? errorMessage(put.error) : undefined}>
          <select
            aria-label="Action"
            className="h-9 rounded-md border border-input bg-card px-2 text-foreground"
            value={action}
            onChange={(e) => setAction(e.target.value as ApprovalPolicy['action'])}
          >
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Threshold (minor units)">
          <Input
            className="w-32"
            inputMode="numeric"
            disabled={!takesThreshold}
            value={takesThreshold ? threshold : ''}
            onChange={(e) => setThreshold(e.target.value)}
          />
        </Field>
        <Field label="Approvals">
          <Input
            className="w-20"
            inputMode="numeric"
            value={approvals}
            onChange={(e) => setApprovals(e.target.value)}
          />
        </Field>
        <Button type="submit" disabled={put.isPending}>
          Save policy
        </Button>
      </form>
    </section>
  );
}
