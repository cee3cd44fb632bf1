import { useState } from 'react';
import { Link } from 'react-router';
import { paymentStatuses, usePayments, type PaymentStatus } from '../../../api/payments.ts';
import { Badge } from '../../../components/ui/badge.tsx';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { formatDateTime, paymentStatusLabel, paymentStatusTone } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';
import { FilterSelect } from '../../../components/filter-select.tsx';

/** The merchant's payments, newest first: a status filter and cursor pagination. */
export function PaymentsPage() {
  const merchantId = useMerchantId();
  const [status, setStatus] = useState<PaymentStatus | undefined>();
  const pages = useCursorPages();
  const cursor = pages.current;
  const payments = usePayments(merchantId, { status, cursor });

  return (
    <div>
      <PageHeader title="Payments">
        <Link
          to={`/developers/${merchantId}/test-payment`}
          className="inline-flex h-10 items-center rounded-md bg-primary px-4 font-medium text-primary-foreground hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
        >
          Make a test payment
        </Link>
      </PageHeader>
      <FilterSelect
        label="Status"
        value={status}
        options={paymentStatuses.map((s) => ({ value: s, label: paymentStatusLabel[s] }))}
        onChange={(next) => {
          setStatus(next);
          pages.reset();
        }}
      />
      {payments.isPending ? (
        <Loading />
      ) : payments.isError ? (
        <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />
      ) : payments.data.data.length === 0 ? (
        <Empty title={status ? `No ${paymentStatusLabel[status].toLowerCase()} payments` : 'No payments yet'}>
          Make a test payment with a test card.
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
                    {payment.card.brand} ···· {payment.card.last4}
                    {payment.decline_code ? ` · ${payment.decline_code}` : ''} ·{' '}
                    <span className="font-mono">{payment.id}</span>
                  </span>
                  <Badge tone={paymentStatusTone[payment.status]}>{paymentStatusLabel[payment.status]}</Badge>
                  <span className="hidden text-sm text-muted-foreground sm:inline">
                    {formatDateTime(payment.created_at)}
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
