import { Link, useParams } from 'react-router';
import { usePayment } from '../../../api/payments.ts';
import { useSettlement } from '../../../api/settlements.ts';
import { Badge } from '../../../components/ui/badge.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { formatDateTime, paymentStatusLabel, paymentStatusTone } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** One settlement: gross, fees and net, and the payments it settled. */
export function SettlementPage() {
  const merchantId = useMerchantId();
  const settlementId = useParams().settlementId ?? '';
  const settlement = useSettlement(merchantId, settlementId);

  if (settlement.isPending) return <Loading label="Loading settlement…" />;
  if (settlement.isError)
    return <ErrorState error={settlement.error} onRetry={() => void settlement.refetch()} />;
  const s = settlement.data;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link
          to={`/developers/${merchantId}/settlements`}
          className="text-sm text-primary underline-offset-4 hover:underline"
        >
          ← Settlements
        </Link>
      </div>
      <PageHeader title={formatAmount(s.net, s.currency)} description={s.id} />
      <Card>
        <h2 className="mb-3 font-semibold">Details</h2>
        <dl className="grid gap-x-6 gap-y-2 text-sm tabular-nums sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted-foreground">Sandbox day</dt>
          <dd>{s.settlement_date}</dd>
          <dt className="text-muted-foreground">Gross</dt>
          <dd data-testid="settlement-gross">{formatAmount(s.gross, s.currency)}</dd>
          <dt className="text-muted-foreground">Fees</dt>
          <dd data-testid="settlement-fees">−{formatAmount(s.fees, s.currency)}</dd>
          {s.dispute_fees > 0 && (
            <>
              <dt className="text-muted-foreground">Dispute fees recovered</dt>
              <dd data-testid="settlement-dispute-fees">−{formatAmount(s.dispute_fees, s.currency)}</dd>
            </>
          )}
          <dt className="text-muted-foreground">Net</dt>
          <dd data-testid="settlement-net" className="font-semibold">
            {formatAmount(s.net, s.currency)}
          </dd>
          <dt className="text-muted-foreground">Created</dt>
          <dd>{formatDateTime(s.created_at)}</dd>
        </dl>
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Payments ({s.payments.length})</h2>
        <ul className="flex flex-col gap-2" aria-label="Settled payments">
          {s.payments.map((paymentId) => (
            <SettledPayment key={paymentId} merchantId={merchantId} paymentId={paymentId} />
          ))}
        </ul>
      </Card>
    </div>
  );
}

/** A settled payment's row; at most 40 per settlement, so fetching each is bounded. */
function SettledPayment({ merchantId, paymentId }: { merchantId: string; paymentId: string }) {
  const payment = usePayment(merchantId, paymentId);
  const p = payment.data;
  return (
    <li>
      <Link
        to={`/developers/${merchantId}/payments/${paymentId}`}
        data-testid="settled-payment"
        className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-border px-3 py-2 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
      >
        <span className="font-mono">{paymentId}</span>
        {p ? (
          <span className="flex items-center gap-2 tabular-nums">
            {formatAmount(p.amount_captured - p.amount_refunded, p.currency)}
            <Badge tone={paymentStatusTone[p.status]}>{paymentStatusLabel[p.status]}</Badge>
          </span>
        ) : payment.isError ? (
          <span className="text-muted-foreground">unavailable</span>
        ) : null}
      </Link>
    </li>
  );
}
