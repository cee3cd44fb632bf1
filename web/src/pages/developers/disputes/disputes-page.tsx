import { Link } from 'react-router';
import { useDisputes } from '../../../api/disputes.ts';
import { Badge } from '../../../components/ui/badge.tsx';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { disputeStatusLabel, disputeStatusTone } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';

/** The merchant's disputes, newest first, with cursor pagination. */
export function DisputesPage() {
  const merchantId = useMerchantId();
  const pages = useCursorPages();
  const disputes = useDisputes(merchantId, pages.current);

  return (
    <div>
      <PageHeader
        title="Disputes"
        description="Chargebacks on your payments: answer with evidence before the due date, or accept."
      />
      {disputes.isPending ? (
        <Loading label="Loading disputes…" />
      ) : disputes.isError ? (
        <ErrorState error={disputes.error} onRetry={() => void disputes.refetch()} />
      ) : disputes.data.data.length === 0 ? (
        <Empty title="No disputes">
          Pay with the “Disputed after success” test card (4000 0000 0000 0259), or call{' '}
          <code className="font-mono text-sm">POST /v1/test-helpers/disputes</code> on a succeeded payment.
        </Empty>
      ) : (
        <>
          <ul className="flex flex-col gap-2" aria-label="Disputes" aria-busy={disputes.isPlaceholderData}>
            {disputes.data.data.map((d) => (
              <li key={d.id}>
                <Link
                  to={`/developers/${merchantId}/disputes/${d.id}`}
                  data-testid="dispute-row"
                  className="grid grid-cols-[1fr_auto] items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring sm:grid-cols-[8rem_1fr_auto_auto]"
                >
                  <span className="font-semibold tabular-nums">{formatAmount(d.amount, d.currency)}</span>
                  <span className="order-3 col-span-2 truncate text-sm text-muted-foreground sm:order-none sm:col-span-1">
                    {d.reason.replaceAll('_', ' ')} · <span className="font-mono">{d.payment}</span>
                  </span>
                  <Badge tone={disputeStatusTone[d.status]}>{disputeStatusLabel[d.status]}</Badge>
                  <span className="order-4 col-span-2 text-xs text-muted-foreground sm:order-none sm:col-span-1 sm:text-sm">
                    {d.status === 'needs_response' ? 'due ' : 'opened '}
                    <WhenTime
                      value={d.status === 'needs_response' ? d.evidence_due_by : d.created_at}
                      clock="sandbox"
                    />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager pages={pages} page={disputes.data} isPlaceholderData={disputes.isPlaceholderData} />
        </>
      )}
    </div>
  );
}
