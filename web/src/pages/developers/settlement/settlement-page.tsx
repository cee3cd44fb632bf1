import { Link, useParams } from 'react-router';
import { useSettlement, type Settlement, type SettlementLine } from '../../../api/settlements.ts';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** What each line is, in words whose sign matches the amount (money to the merchant is positive). */
const lineLabel: Record<SettlementLine['type'], string> = {
  charge: 'Charge',
  refund: 'Refunded before settlement',
  dispute_hold: 'Held for a dispute',
  processing_fee: 'Processing fee',
  dispute_fee_recovery: 'Dispute fees withheld',
};

/** A signed amount: "+$25.00", "−$1.03". */
function signed(amount: number, currency: string): string {
  return `${amount < 0 ? '−' : '+'}${formatAmount(Math.abs(amount), currency)}`;
}

/**
 * One settlement, reconciled like a Stripe payout: the summary (captured, refunded, held for
 * disputes, gross, fees, dispute fees withheld, net) and every line that makes it up; the lines
 * sum to the net, shown at the foot.
 */
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
      <Summary settlement={s} />
      <Lines settlement={s} merchantId={merchantId} />
    </div>
  );
}

function Summary({ settlement: s }: { settlement: Settlement }) {
  const row = (term: string, amount: number, testId: string, strong = false) => (
    <>
      <dt className="text-muted-foreground">{term}</dt>
      <dd data-testid={testId} className={strong ? 'font-semibold' : undefined}>
        {strong ? formatAmount(amount, s.currency) : signed(amount, s.currency)}
      </dd>
    </>
  );
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Summary</h2>
      <dl className="grid gap-x-6 gap-y-2 text-sm tabular-nums sm:grid-cols-[14rem_1fr]">
        <dt className="text-muted-foreground">Sandbox day settled</dt>
        <dd>{s.settlement_date}</dd>
        {row('Captured', s.captured, 'settlement-captured')}
        {s.refunded > 0 ? row('Refunded before settlement', -s.refunded, 'settlement-refunded') : null}
        {s.disputed > 0 ? row('Held for disputes', -s.disputed, 'settlement-disputed') : null}
        <dt className="text-muted-foreground">Gross</dt>
        <dd data-testid="settlement-gross">{formatAmount(s.gross, s.currency)}</dd>
        {row('Processing fees', -s.fees, 'settlement-fees')}
        {s.dispute_fees > 0 ? row('Dispute fees withheld', -s.dispute_fees, 'settlement-dispute-fees') : null}
        {row('Net paid to available', s.net, 'settlement-net', true)}
        <dt className="text-muted-foreground">Settled at</dt>
        <dd>
          <WhenTime value={s.created_at} clock="sandbox" />
        </dd>
      </dl>
    </Card>
  );
}

/** Every line of the payout, in order, with the total that must equal the net. */
function Lines({ settlement: s, merchantId }: { settlement: Settlement; merchantId: string }) {
  const total = s.lines.reduce((sum, line) => sum + line.amount, 0);
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Lines ({s.lines.length})</h2>
      <p className="mb-3 text-sm text-muted-foreground">
        Every amount in this payout, for {s.payments.length} payment{s.payments.length === 1 ? '' : 's'}: they
        add up to the net.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-sm tabular-nums" aria-label="Settlement lines">
          <thead className="text-left text-muted-foreground">
            <tr>
              <th className="py-1 pr-3 font-medium">Type</th>
              <th className="py-1 pr-3 font-medium">Source</th>
              <th className="py-1 text-right font-medium">Amount</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((line, index) => (
              <tr
                key={`${line.type}-${line.payment ?? ''}-${index}`}
                className="border-t border-border"
                data-testid="settlement-line"
              >
                <td className="py-1.5 pr-3">{lineLabel[line.type]}</td>
                <td className="py-1.5 pr-3 font-mono text-xs break-all">
                  {line.dispute ? (
                    <Link
                      className="text-primary underline-offset-4 hover:underline"
                      to={`/developers/${merchantId}/disputes/${line.dispute}`}
                    >
                      {line.dispute}
                    </Link>
                  ) : line.payment ? (
                    <Link
                      className="text-primary underline-offset-4 hover:underline"
                      to={`/developers/${merchantId}/payments/${line.payment}`}
                    >
                      {line.payment}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className={`py-1.5 text-right ${line.amount < 0 ? 'text-destructive' : ''}`}>
                  {signed(line.amount, s.currency)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t-2 border-border font-semibold">
              <td className="py-1.5 pr-3" colSpan={2}>
                Net
              </td>
              <td className="py-1.5 text-right" data-testid="settlement-lines-total">
                {formatAmount(total, s.currency)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}
