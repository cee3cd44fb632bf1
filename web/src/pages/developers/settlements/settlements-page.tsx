import { Link } from 'react-router';
import { useSettlements } from '../../../api/settlements.ts';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';

/** The merchant's T+1 settlements, newest first, with cursor pagination. */
export function SettlementsPage() {
  const merchantId = useMerchantId();
  const pages = useCursorPages();
  const settlements = useSettlements(merchantId, pages.current);

  return (
    <div>
      <PageHeader
        title="Settlements"
        description="Each sandbox day's captures settle the next day: gross less fees moves from pending to available."
      />
      {settlements.isPending ? (
        <Loading label="Loading settlements…" />
      ) : settlements.isError ? (
        <ErrorState error={settlements.error} onRetry={() => void settlements.refetch()} />
      ) : settlements.data.data.length === 0 ? (
        <Empty title="No settlements yet">
          Capture a payment, then advance the test clock past the end of its day on the overview.
        </Empty>
      ) : (
        <>
          <ul
            className="flex flex-col gap-2"
            aria-label="Settlements"
            aria-busy={settlements.isPlaceholderData}
          >
            {settlements.data.data.map((s) => (
              <li key={s.id}>
                <Link
                  to={`/developers/${merchantId}/settlements/${s.id}`}
                  data-testid="settlement-row"
                  className="grid grid-cols-[1fr_auto] items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring sm:grid-cols-[8rem_1fr_auto]"
                >
                  <span className="font-semibold tabular-nums">{formatAmount(s.net, s.currency)}</span>
                  <span className="order-3 col-span-2 truncate text-sm text-muted-foreground sm:order-none sm:col-span-1">
                    sandbox day {s.settlement_date} · {s.payments.length}{' '}
                    {s.payments.length === 1 ? 'payment' : 'payments'} · fees{' '}
                    {formatAmount(s.fees, s.currency)} · <span className="font-mono">{s.id}</span>
                  </span>
                  <span className="text-sm text-muted-foreground tabular-nums">
                    gross {formatAmount(s.gross, s.currency)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager
            pages={pages}
            page={settlements.data}
            isPlaceholderData={settlements.isPlaceholderData}
          />
        </>
      )}
    </div>
  );
}
