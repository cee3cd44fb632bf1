import { useState } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import {
  fetchAllPayments,
  usePayments,
  type PaymentDisplayStatus,
  type PaymentFilter,
} from '../../../api/payments.ts';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';
import { FilterSelect } from '../../../components/filter-select.tsx';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { displayStatusLabel, displayStatusTone } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { downloadText, paymentsCsv } from './payments-csv.ts';

const displayStatuses = Object.keys(displayStatusLabel) as PaymentDisplayStatus[];

/** The merchant's payments, newest first: search, status and sandbox-date filters, CSV export, cursor pages. */
export function PaymentsPage() {
  const merchantId = useMerchantId();
  const [filter, setFilter] = useState<PaymentFilter>({});
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const payments = usePayments(merchantId, { ...filter, cursor: pages.current });
  const [exporting, setExporting] = useState(false);
  const isFiltered = Object.values(filter).some((value) => value);

  const update = (next: PaymentFilter) => {
    setFilter((current) => ({ ...current, ...next }));
    pages.reset();
  };
  const exportCsv = async () => {
    setExporting(true);
    try {
      const { payments: all, truncated } = await fetchAllPayments(merchantId, filter);
      downloadText(`payments-${merchantId}.csv`, paymentsCsv(all));
      toast.success(
        truncated
          ? `Exported the newest ${all.length} payments (narrow the filters for older ones)`
          : `Exported ${all.length} payment${all.length === 1 ? '' : 's'}`,
      );
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'The export failed. Try again.');
    } finally {
      setExporting(false);
    }
  };

  return (
    <div>
      <PageHeader title="Payments">
        <Button variant="outline" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </Button>
        <Link
          to={`/developers/${merchantId}/test-payment`}
          className="inline-flex h-10 items-center rounded-md bg-primary px-4 font-medium text-primary-foreground hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
        >
          Make a test payment
        </Link>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-end gap-x-4 gap-y-2">
        <form
          role="search"
          className="flex min-w-0 grow basis-64 gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            update({ q: search.trim() || undefined });
          }}
        >
          <Input
            aria-label="Search payments"
            type="search"
            placeholder="Id, description or amount"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              if (event.target.value === '') update({ q: undefined });
            }}
          />
          <Button type="submit" variant="outline">
            Search
          </Button>
        </form>
        <FilterSelect
          label="Status"
          value={filter.display_status}
          options={displayStatuses.map((s) => ({ value: s, label: displayStatusLabel[s] }))}
          onChange={(next) => update({ display_status: next })}
        />
        <DateFilter label="From" value={filter.from} onChange={(from) => update({ from })} />
        <DateFilter label="To" value={filter.to} onChange={(to) => update({ to })} />
      </div>
      {payments.isPending ? (
        <Loading />
      ) : payments.isError ? (
        <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />
      ) : payments.data.data.length === 0 ? (
        <Empty title={isFiltered ? 'No payments match these filters' : 'No payments yet'}>
          {isFiltered ? 'Clear the search or widen the dates.' : 'Make a test payment with a test card.'}
        </Empty>
      ) : (
        <>
          <ul className="flex flex-col gap-2" aria-label="Payments" aria-busy={payments.isPlaceholderData}>
            {payments.data.data.map((payment) => (
              <li key={payment.id}>
                <Link
                  to={`/developers/${merchantId}/payments/${payment.id}`}
                  data-testid="payment-row"
                  className="grid grid-cols-[1fr_auto] items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring sm:grid-cols-[8rem_1fr_auto_auto]"
                >
                  <span className="font-semibold tabular-nums">
                    {formatAmount(payment.amount, payment.currency)}
                  </span>
                  <span className="order-3 col-span-2 truncate text-sm text-muted-foreground sm:order-none sm:col-span-1">
                    {payment.description ? `${payment.description} · ` : ''}
                    {payment.card.brand} ···· {payment.card.last4}
                    {payment.decline_code ? ` · ${payment.decline_code}` : ''} ·{' '}
                    <span className="font-mono">{payment.id}</span>
                  </span>
                  <Badge tone={displayStatusTone[payment.display_status]}>
                    {displayStatusLabel[payment.display_status]}
                  </Badge>
                  <span className="order-4 col-span-2 text-sm text-muted-foreground sm:order-none sm:col-span-1">
                    <WhenTime value={payment.created_at} clock="sandbox" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager pages={pages} page={payments.data} isPlaceholderData={payments.isPlaceholderData} />
        </>
      )}
    </div>
  );
}

/** A sandbox day bound of the list (`YYYY-MM-DD`), empty for none. */
function DateFilter(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <label className="mb-4 flex items-center gap-2 text-sm">
      <span className="text-muted-foreground">{props.label}</span>
      <input
        type="date"
        aria-label={`${props.label} (sandbox day)`}
        title="A day on the merchant's sandbox clock"
        className="h-9 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
        value={props.value ?? ''}
        onChange={(event) => props.onChange(event.target.value || undefined)}
      />
    </label>
  );
}
