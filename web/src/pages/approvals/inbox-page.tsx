import { errorMessage } from '../../api/client.ts';
import { Badge, type BadgeTone } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { useApprovals, useDecide, type Approval } from './api.ts';

export const approvalTone: Record<Approval['status'], BadgeTone> = {
  pending: 'warning',
  approved: 'warning',
  executed: 'success',
  failed: 'destructive',
  rejected: 'destructive',
  expired: 'neutral',
};

function who(actor: Approval['requested_by'] | null): string {
  if (!actor) return 'Sluice';
  return actor.user ? `${actor.email ?? actor.user} (${actor.role})` : `API key ${actor.api_key ?? ''}`;
}

/** One request: what it asks, its approvals so far, its audit trail, and approve/reject. */
function Request({ merchantId, approval }: { merchantId: string; approval: Approval }) {
  const decide = useDecide(merchantId);
  return (
    <Card className="p-4" data-testid="approval-row" aria-label={approval.summary}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <p className="font-semibold">{approval.summary}</p>
          <p className="text-sm text-muted-foreground">
            {approval.amount !== null && approval.currency
              ? `${formatAmount(approval.amount, approval.currency)} · `
              : ''}
            {approval.approvals} of {approval.approvals_required} approvals · asked by{' '}
            {who(approval.requested_by)}
          </p>
        </div>
        <Badge tone={approvalTone[approval.status]}>{approval.status}</Badge>
      </div>
      <ol className="mt-3 flex flex-col gap-1 text-sm" aria-label="Audit trail">
        {approval.steps.map((step, index) => (
          <li key={`${step.type}-${index}`} className="text-muted-foreground">
            <span className="font-medium text-foreground">{step.type}</span> · {who(step.actor)} ·{' '}
            {formatDateTime(step.at)}
            {step.note ? ` · ${step.note}` : ''}
          </li>
        ))}
      </ol>
      {approval.status === 'pending' ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            disabled={decide.isPending}
            onClick={() => decide.mutate({ id: approval.id, decision: 'approve' })}
          >
            Approve
          </Button>
          <Button
            size="sm"
            variant="outline"
            disabled={decide.isPending}
            onClick={() => decide.mutate({ id: approval.id, decision: 'reject' })}
          >
            Reject
          </Button>
          <span className="text-xs text-muted-foreground">Expires {formatDateTime(approval.expires_at)}</span>
          {decide.isError ? (
            <p role="alert" className="w-full text-sm text-destructive">
              {errorMessage(decide.error)}
            </p>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

/** The approval inbox: every request, newest first; approvers decide pending ones here. */
export function InboxPage() {
  const merchantId = useMerchantId();
  const approvals = useApprovals(merchantId);
  return (
    <div>
      <PageHeader
        title="Approval inbox"
        description="Payouts, refunds and connector changes under an approval policy wait here for approvers (never the person who asked). The last approval needed carries out the action, once."
      />
      {approvals.isPending ? (
        <Loading label="Loading approval requests…" />
      ) : approvals.isError ? (
        <ErrorState error={approvals.error} onRetry={() => void approvals.refetch()} />
      ) : approvals.data.data.length === 0 ? (
        <Empty title="Nothing to approve">Requests appear here when an action falls under a policy.</Empty>
      ) : (
        <div className="flex flex-col gap-3">
          {approvals.data.data.map((approval) => (
            <Request key={approval.id} merchantId={merchantId} approval={approval} />
          ))}
        </div>
      )}
    </div>
  );
}
