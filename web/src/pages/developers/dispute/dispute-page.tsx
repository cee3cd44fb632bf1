import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { CopyId } from '../../../components/copy-id.tsx';
import { toast } from 'sonner';
import { useAcceptDispute, useDispute } from '../../../api/disputes.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { formatAmount } from '../../../lib/money.ts';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { disputeStatusLabel, disputeStatusTone } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { EvidenceForm } from './evidence-form.tsx';

/** One dispute: amount, fee, deadline; evidence or accept while it needs a response. */
export function DisputePage() {
  const merchantId = useMerchantId();
  const disputeId = useParams().disputeId ?? '';
  const dispute = useDispute(merchantId, disputeId);
  const [accepting, setAccepting] = useState(false);

  if (dispute.isPending) return <Loading label="Loading dispute…" />;
  if (dispute.isError) return <ErrorState error={dispute.error} onRetry={() => void dispute.refetch()} />;
  const d = dispute.data;
  const open = d.status === 'needs_response';
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link
          to={`/developers/${merchantId}/disputes`}
          className="text-sm text-primary underline-offset-4 hover:underline"
        >
          ← Disputes
        </Link>
      </div>
      <PageHeader title={formatAmount(d.amount, d.currency)}>
        <Badge tone={disputeStatusTone[d.status]} className="text-sm">
          <span data-testid="dispute-status">{disputeStatusLabel[d.status]}</span>
        </Badge>
      </PageHeader>
      <Card>
        <h2 className="mb-3 font-semibold">Details</h2>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted-foreground">Dispute</dt>
          <dd className="min-w-0">
            <CopyId id={d.id} />
          </dd>
          <dt className="text-muted-foreground">Amount</dt>
          <dd className="tabular-nums">{formatAmount(d.amount, d.currency)}</dd>
          <dt className="text-muted-foreground">Dispute fee</dt>
          <dd className="tabular-nums">{formatAmount(d.fee, d.currency)} (kept whatever the outcome)</dd>
          <dt className="text-muted-foreground">Reason</dt>
          <dd>{d.reason.replaceAll('_', ' ')}</dd>
          <dt className="text-muted-foreground">Payment</dt>
          <dd>
            <Link
              to={`/developers/${merchantId}/payments/${d.payment}`}
              className="font-mono text-primary underline-offset-4 hover:underline"
            >
              {d.payment}
            </Link>
          </dd>
          <dt className="text-muted-foreground">Evidence due by</dt>
          <dd>
            <WhenTime value={d.evidence_due_by} clock="sandbox" />
          </dd>
          <dt className="text-muted-foreground">Opened</dt>
          <dd>
            <WhenTime value={d.created_at} clock="sandbox" />
          </dd>
          {d.closed_at ? (
            <>
              <dt className="text-muted-foreground">Closed</dt>
              <dd>
                <WhenTime value={d.closed_at} clock="sandbox" />
              </dd>
            </>
          ) : null}
        </dl>
      </Card>
      {d.evidence ? (
        <Card>
          <h2 className="mb-1 font-semibold">Evidence</h2>
          <p className="mb-3 text-sm text-muted-foreground">
            Submitted <WhenTime value={d.evidence.submitted_at} clock="sandbox" />
          </p>
          <p className="text-sm break-words whitespace-pre-wrap">{d.evidence.text}</p>
        </Card>
      ) : null}
      {open ? (
        <Card>
          <h2 className="mb-3 font-semibold">Respond</h2>
          <EvidenceForm merchantId={merchantId} disputeId={d.id} />
          <div className="mt-6 border-t border-border pt-4">
            <p className="mb-2 text-sm text-muted-foreground">
              Or accept the dispute: it is lost at once and the amount stays with the customer.
            </p>
            <Button variant="outline" onClick={() => setAccepting(true)}>
              Accept dispute
            </Button>
          </div>
        </Card>
      ) : null}
      {accepting ? (
        <AcceptDialog
          merchantId={merchantId}
          disputeId={d.id}
          amount={formatAmount(d.amount, d.currency)}
          onClose={() => setAccepting(false)}
        />
      ) : null}
    </div>
  );
}

function AcceptDialog({
  merchantId,
  disputeId,
  amount,
  onClose,
}: {
  merchantId: string;
  disputeId: string;
  amount: string;
  onClose: () => void;
}) {
  const accept = useAcceptDispute(merchantId, disputeId);
  const idempotency = useIdempotencyKey();
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Accept dispute"
      description={`The dispute is lost at once: ${amount} and the fee are not returned. This cannot be undone.`}
      action="Accept"
      destructive
      pending={accept.isPending}
      error={accept.error}
      onConfirm={() =>
        accept.mutate(
          { idempotencyKey: idempotency.keyFor({ action: 'accept' }) },
          {
            onSuccess: () => {
              idempotency.done();
              toast.success('Dispute accepted');
              onClose();
            },
          },
        )
      }
    />
  );
}
