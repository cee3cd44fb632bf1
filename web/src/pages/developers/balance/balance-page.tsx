import { useState } from 'react';
import { Link } from 'react-router';
import { useBalance, useBalanceTransactions, type BalanceTransaction } from '../../../api/payments.ts';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';
import { FilterSelect } from '../../../components/filter-select.tsx';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { useMerchantId } from '../merchant-shell.tsx';

const typeLabel: Record<BalanceTransaction['type'], string> = {
  settlement: 'Settlement payout',
  refund: 'Refund',
  dispute: 'Dispute withdrawal',
  dispute_won: 'Dispute won: returned',
  payout: 'Payout',
  adjustment: 'Adjustment',
};

/** A signed amount: "+$25.00", "−$1.03". */
function signed(amount: number, currency: string): string {
  return `${amount < 0 ? '−' : '+'}${formatAmount(Math.abs(amount), currency)}`;
}

/**
 * The merchant's balance and what explains it: every change of the available balance, newest
 * first, each with its fee, net and the balance right after it (like Stripe's balance
 * transactions), so going from one figure to the next is a list to read, not a sum to guess.
 */
export function BalancePage() {
  const merchantId = useMerchantId();
  const balance = useBalance(merchantId);
  const [chosen, setChosen] = useState<string>();
  const pages = useCursorPages();
  const currencies = balance.data?.balances.map((b) => b.currency) ?? [];
  const currency = chosen ?? currencies[0] ?? 'USD';
  const transactions = useBalanceTransactions(merchantId, currency, pages.current);
  const row = balance.data?.balances.find((b) => b.currency === currency);

  if (balance.isPending) return <Loading label="Loading balance…" />;
  if (balance.isError) return <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Balance" description="Every change of your available balance, newest first." />
      {currencies.length > 1 ? (
        <FilterSelect
          label="Currency"
          value={currency}
          options={currencies.map((c) => ({ value: c, label: c }))}
          onChange={(next) => {
            setChosen(next);
            pages.reset();
          }}
        />
      ) : null}
      {row ? (
        <Card>
          <dl className="grid gap-x-6 gap-y-2 text-sm tabular-nums sm:grid-cols-[12rem_1fr]">
            <dt className="text-muted-foreground">Available</dt>
            <dd
              data-testid="balance-available"
              className={row.available < 0 ? 'font-semibold text-destructive' : 'font-semibold'}
            >
              {row.available < 0 ? '−' : ''}
              {formatAmount(Math.abs(row.available), row.currency)}
            </dd>
            <dt className="text-muted-foreground">Pending (captured, not yet settled)</dt>
            <dd data-testid="balance-pending">{formatAmount(row.pending, row.currency)}</dd>
            <dt className="text-muted-foreground">May go negative down to</dt>
            <dd data-testid="balance-floor">−{formatAmount(row.negative_balance_limit, row.currency)}</dd>
          </dl>
          <p className="mt-3 text-sm text-muted-foreground">
            Refunds and disputes of settled payments come out of the available balance and may take it below
            zero, down to the floor; the next settlements pay a negative balance back before anything else.
          </p>
        </Card>
      ) : null}
      {transactions.isPending ? (
        <Loading />
      ) : transactions.isError ? (
        <ErrorState error={transactions.error} onRetry={() => void transactions.refetch()} />
      ) : transactions.data.data.length === 0 ? (
        <Empty title="No balance changes yet">
          Captured payments join the available balance when they settle, the day after capture.
        </Empty>
      ) : (
        <Card>
          <div className="overflow-x-auto">
            <table className="w-full text-sm tabular-nums" aria-label="Balance transactions">
              <thead className="text-left text-muted-foreground">
                <tr>
                  <th className="py-1 pr-3 font-medium">Type</th>
                  <th className="py-1 pr-3 font-medium">Source</th>
                  <th className="py-1 pr-3 text-right font-medium">Amount</th>
                  <th className="py-1 pr-3 text-right font-medium">Fee</th>
                  <th className="py-1 pr-3 text-right font-medium">Net</th>
                  <th className="py-1 pr-3 text-right font-medium">Balance after</th>
                  <th className="py-1 font-medium">When</th>
                </tr>
              </thead>
              <tbody aria-busy={transactions.isPlaceholderData}>
                {transactions.data.data.map((bt) => (
                  <tr key={bt.id} className="border-t border-border" data-testid="balance-transaction">
                    <td className="py-1.5 pr-3 whitespace-nowrap">{typeLabel[bt.type]}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs break-all">
                      <SourceLink merchantId={merchantId} transaction={bt} />
                    </td>
                    <td className="py-1.5 pr-3 text-right whitespace-nowrap">
                      {signed(bt.amount, bt.currency)}
                    </td>
                    <td className="py-1.5 pr-3 text-right whitespace-nowrap">
                      {bt.fee > 0 ? `−${formatAmount(bt.fee, bt.currency)}` : '—'}
                    </td>
                    <td
                      className={`py-1.5 pr-3 text-right whitespace-nowrap ${bt.net < 0 ? 'text-destructive' : ''}`}
                    >
                      {signed(bt.net, bt.currency)}
                    </td>
                    <td className="py-1.5 pr-3 text-right whitespace-nowrap" data-testid="balance-after">
                      {bt.balance_after < 0 ? '−' : ''}
                      {formatAmount(Math.abs(bt.balance_after), bt.currency)}
                    </td>
                    <td className="py-1.5 text-xs text-muted-foreground">
                      <WhenTime value={bt.created_at} clock={bt.sandbox_time ? 'sandbox' : 'real'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CursorPager
            pages={pages}
            page={transactions.data}
            isPlaceholderData={transactions.isPlaceholderData}
          />
        </Card>
      )}
    </div>
  );
}

/** The object that caused the change, linked to its page. */
function SourceLink({
  merchantId,
  transaction: bt,
}: {
  merchantId: string;
  transaction: BalanceTransaction;
}) {
  const link = 'text-primary underline-offset-4 hover:underline';
  const base = `/developers/${merchantId}`;
  if (bt.source?.startsWith('stl_'))
    return (
      <Link className={link} to={`${base}/settlements/${bt.source}`}>
        {bt.source}
      </Link>
    );
  if (bt.source?.startsWith('dp_'))
    return (
      <Link className={link} to={`${base}/disputes/${bt.source}`}>
        {bt.source}
      </Link>
    );
  if (bt.payment)
    return (
      <Link className={link} to={`${base}/payments/${bt.payment}`}>
        {bt.source ?? bt.payment}
      </Link>
    );
  return <>{bt.source ?? bt.code}</>;
}
