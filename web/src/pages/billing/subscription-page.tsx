import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  invoicePdfUrl,
  useCancelSubscription,
  useChangePlan,
  usePayInvoice,
  usePlans,
  useSubscription,
  useSubscriptionInvoices,
  type Invoice,
} from './api.ts';
import { invoiceStatusTone, label, subscriptionStatusTone } from './format.ts';

const selectClass =
  'h-9 rounded-md border border-input bg-card px-2 text-sm text-foreground focus-visible:outline-2 focus-visible:outline-ring';

/** One subscription: its status over time, its invoices with every payment attempt (the dunning timeline), and its actions. */
export function SubscriptionPage() {
  const merchantId = useMerchantId();
  const { subscriptionId = '' } = useParams();
  const subscription = useSubscription(merchantId, subscriptionId);
  const invoices = useSubscriptionInvoices(merchantId, subscriptionId);
  const plans = usePlans(merchantId);
  const cancel = useCancelSubscription(merchantId);
  const change = useChangePlan(merchantId);
  const [plan, setPlan] = useState('');
  if (subscription.isPending) return <Loading label="Loading subscription…" />;
  if (subscription.isError)
    return <ErrorState error={subscription.error} onRetry={() => void subscription.refetch()} />;
  const sub = subscription.data;
  const ended = sub.status === 'canceled';
  const planOf = (id: string) => plans.data?.data.find((p) => p.id === id);
  const current = planOf(sub.plan);
  return (
    <div>
      <PageHeader
        title={current ? `${current.name} · ${formatAmount(current.amount, current.currency)}` : sub.plan}
        description={sub.id}
      >
        <span data-testid="subscription-status">
          <Badge tone={subscriptionStatusTone[sub.status]}>{label(sub.status)}</Badge>
        </span>
      </PageHeader>
      <Card className="mb-6 grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
        <span>
          Customer:{' '}
          <Link className="underline" to={`/developers/${merchantId}/billing/customers/${sub.customer}`}>
            {sub.customer}
          </Link>
        </span>
        <span>
          Period: {formatDateTime(sub.current_period_start)} → {formatDateTime(sub.current_period_end)}
        </span>
        <span>Next: {sub.next_action_at ? formatDateTime(sub.next_action_at) : '—'}</span>
        <span>After the last retry: {sub.on_retries_exhausted === 'cancel' ? 'cancel' : 'mark unpaid'}</span>
        {sub.trial_end ? <span>Trial until {formatDateTime(sub.trial_end)}</span> : null}
        {sub.cancel_at_period_end && !ended ? (
          <span className="text-warning">Cancels at the period end</span>
        ) : null}
      </Card>
      {ended ? null : (
        <Card className="mb-6 flex flex-wrap items-center gap-2">
          <select
            aria-label="New plan"
            className={selectClass}
            value={plan}
            onChange={(e) => setPlan(e.target.value)}
          >
            <option value="">Change plan…</option>
            {plans.data?.data
              .filter((p) => p.id !== sub.plan && p.currency === sub.currency)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} · {formatAmount(p.amount, p.currency)}
                </option>
              ))}
          </select>
          <Button
            size="sm"
            disabled={!plan || change.isPending}
            onClick={() => change.mutate({ id: sub.id, plan }, { onSuccess: () => setPlan('') })}
          >
            Change now (prorated)
          </Button>
          <Button
            size="sm"
            variant="outline"
            disabled={cancel.isPending || sub.cancel_at_period_end}
            onClick={() => cancel.mutate({ id: sub.id, atPeriodEnd: true })}
          >
            Cancel at period end
          </Button>
          <Button
            size="sm"
            variant="destructive"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ id: sub.id, atPeriodEnd: false })}
          >
            Cancel now
          </Button>
          {change.isError || cancel.isError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(change.error ?? cancel.error)}
            </p>
          ) : null}
        </Card>
      )}
      <h2 className="mb-3 text-lg font-semibold">Status</h2>
      <ol aria-label="Status history" className="mb-6 flex flex-wrap gap-2">
        {sub.status_history.map((entry, index) => (
          <li
            key={index}
            data-testid="status-entry"
            className="rounded-md border border-border px-3 py-2 text-sm"
          >
            <Badge tone={subscriptionStatusTone[entry.status]}>{label(entry.status)}</Badge>{' '}
            <span className="text-muted-foreground">{formatDateTime(entry.at)}</span>
            <p className="text-xs text-muted-foreground">{entry.reason}</p>
          </li>
        ))}
      </ol>
      <h2 className="mb-3 text-lg font-semibold">Invoices and payment attempts</h2>
      {invoices.isPending ? (
        <Loading label="Loading invoices…" />
      ) : invoices.isError ? (
        <ErrorState error={invoices.error} onRetry={() => void invoices.refetch()} />
      ) : (
        <ol aria-label="Invoices" className="flex flex-col gap-3">
          {[...invoices.data.data].reverse().map((invoice) => (
            <InvoiceRow key={invoice.id} merchantId={merchantId} invoice={invoice} />
          ))}
        </ol>
      )}
    </div>
  );
}

function InvoiceRow({ merchantId, invoice }: { merchantId: string; invoice: Invoice }) {
  const pay = usePayInvoice(merchantId);
  const [pdfError, setPdfError] = useState<string>();
  const openPdf = async () => {
    try {
      setPdfError(undefined);
      window.open(await invoicePdfUrl(merchantId, invoice.id), '_blank', 'noopener');
    } catch (error) {
      setPdfError(errorMessage(error));
    }
  };
  return (
    <li data-testid="invoice-row" className="rounded-lg border border-border bg-card p-4">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-semibold tabular-nums">
          {formatAmount(invoice.amount_due, invoice.currency)}
        </span>
        <Badge tone={invoiceStatusTone[invoice.status]}>{label(invoice.status)}</Badge>
        <span className="text-sm text-muted-foreground">
          {formatDateTime(invoice.period_start)} → {formatDateTime(invoice.period_end)} ·{' '}
          {label(invoice.billing_reason)}
        </span>
        <span className="ml-auto flex gap-2">
          {invoice.status === 'open' ? (
            <Button size="sm" disabled={pay.isPending} onClick={() => pay.mutate(invoice.id)}>
              Retry now
            </Button>
          ) : null}
          <Button size="sm" variant="outline" onClick={() => void openPdf()}>
            PDF
          </Button>
        </span>
      </div>
      {invoice.lines.length > 1 || invoice.credit_applied > 0 ? (
        <ul className="mt-2 text-sm text-muted-foreground">
          {invoice.lines.map((line, index) => (
            <li key={index}>
              {line.description}: {formatAmount(line.amount, invoice.currency)}
            </li>
          ))}
          {invoice.credit_applied > 0 ? (
            <li>Credit applied: {formatAmount(-invoice.credit_applied, invoice.currency)}</li>
          ) : null}
        </ul>
      ) : null}
      {invoice.attempts.length > 0 ? (
        <ol
          aria-label={`Attempts on ${invoice.id}`}
          className="mt-3 flex flex-col gap-1 border-l border-border pl-4 text-sm"
        >
          {invoice.attempts.map((attempt) => (
            <li key={attempt.attempt} data-testid="invoice-attempt">
              <span className="font-medium">#{attempt.attempt}</span> {formatDateTime(attempt.at)}{' '}
              <Badge
                tone={
                  attempt.status === 'succeeded'
                    ? 'success'
                    : attempt.status === 'failed'
                      ? 'destructive'
                      : 'warning'
                }
              >
                {attempt.status}
              </Badge>{' '}
              {attempt.decline_code
                ? label(attempt.decline_code)
                : attempt.error_code
                  ? label(attempt.error_code)
                  : ''}
              {attempt.payment_intent ? (
                <Link
                  className="ml-2 font-mono text-xs underline"
                  to={`/developers/${merchantId}/hub/intents/${attempt.payment_intent}`}
                >
                  {attempt.payment_intent}
                </Link>
              ) : null}
            </li>
          ))}
          {invoice.next_payment_attempt ? (
            <li className="text-warning">Next retry {formatDateTime(invoice.next_payment_attempt)}</li>
          ) : null}
        </ol>
      ) : null}
      {pay.isError ? (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {errorMessage(pay.error)}
        </p>
      ) : null}
      {pdfError ? (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {pdfError}
        </p>
      ) : null}
    </li>
  );
}
