import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { toast } from 'sonner';
import { ApiError } from '../../../api/client.ts';
import { disputeReasons, useOpenTestDispute, type DisputeReason } from '../../../api/disputes.ts';
import {
  useBalance,
  useCapturePayment,
  usePayment,
  useRefundPayment,
  useVoidPayment,
  type Payment,
} from '../../../api/payments.ts';
import { useEvents } from '../../../api/webhooks.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { currencyExponent, formatAmount, minorToDecimalString, parseAmount } from '../../../lib/money.ts';
import {
  disputeStatusLabel,
  displayStatusLabel,
  displayStatusTone,
  eventAmount,
  eventSubject,
} from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

type Action = 'capture' | 'void' | 'refund' | 'dispute';

/** One payment: details, its timeline of events, and capture / void / refund. */
export function PaymentPage() {
  const merchantId = useMerchantId();
  const paymentId = useParams().paymentId ?? '';
  const payment = usePayment(merchantId, paymentId);
  const [action, setAction] = useState<Action | null>(null);

  if (payment.isPending) return <Loading label="Loading payment…" />;
  if (payment.isError) return <ErrorState error={payment.error} onRetry={() => void payment.refetch()} />;
  const p = payment.data;
  const can = (a: Action) => p.available_actions.includes(a);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link
          to={`/developers/${merchantId}/payments`}
          className="text-sm text-primary underline-offset-4 hover:underline"
        >
          ← Payments
        </Link>
      </div>
      <PageHeader title={formatAmount(p.amount, p.currency)} description={p.id}>
        <Badge tone={displayStatusTone[p.display_status]} className="text-sm">
          <span data-testid="payment-status">{displayStatusLabel[p.display_status]}</span>
        </Badge>
      </PageHeader>
      {/* Only what the API accepts now: it lists the legal actions on the payment. */}
      <div className="flex flex-wrap gap-2">
        {can('capture') ? <Button onClick={() => setAction('capture')}>Capture</Button> : null}
        {can('void') ? (
          <Button variant="outline" onClick={() => setAction('void')}>
            Void
          </Button>
        ) : null}
        {can('refund') ? (
          <Button variant="outline" onClick={() => setAction('refund')}>
            Refund
          </Button>
        ) : null}
        {can('dispute') ? (
          <Button variant="outline" onClick={() => setAction('dispute')}>
            Open test dispute
          </Button>
        ) : null}
      </div>
      <StateNote payment={p} merchantId={merchantId} />
      <Card>
        <h2 className="mb-3 font-semibold">Details</h2>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <Detail term="Amount" value={formatAmount(p.amount, p.currency)} />
          <Detail
            term="Captured"
            value={formatAmount(p.amount_captured, p.currency)}
            testId="amount-captured"
          />
          {p.capturable ? (
            <Detail term="Capturable" value={formatAmount(p.amount_capturable, p.currency)} />
          ) : null}
          <Detail
            term="Refunded"
            value={formatAmount(p.amount_refunded, p.currency)}
            testId="amount-refunded"
          />
          <Detail
            term="Card"
            value={`${p.card.brand} ···· ${p.card.last4}, expires ${String(p.card.exp_month).padStart(2, '0')}/${p.card.exp_year}`}
          />
          {p.capturable && p.capture_before ? (
            <Detail
              term="Capture before"
              value={<WhenTime value={p.capture_before} clock="sandbox" />}
              testId="capture-before"
            />
          ) : null}
          {p.review ? <Detail term="Review" value="Flagged for manual review" /> : null}
          {p.decline_code ? <Detail term="Decline code" value={p.decline_code} /> : null}
          {p.failure_message ? <Detail term="Failure" value={p.failure_message} /> : null}
          {p.cancellation_reason ? (
            <Detail term="Canceled" value={p.cancellation_reason.replaceAll('_', ' ')} />
          ) : null}
          {p.description ? <Detail term="Description" value={p.description} /> : null}
          {p.settlement ? (
            <Detail
              term="Settlement"
              value={p.settlement}
              to={`/developers/${merchantId}/settlements/${p.settlement}`}
              testId="payment-settlement"
            />
          ) : null}
          {p.dispute ? (
            <Detail
              term="Dispute"
              value={p.dispute}
              to={`/developers/${merchantId}/disputes/${p.dispute}`}
              testId="payment-dispute"
            />
          ) : null}
          {p.dispute_status ? (
            <Detail
              term="Dispute status"
              value={disputeStatusLabel[p.dispute_status]}
              testId="payment-dispute-status"
            />
          ) : null}
          <Detail term="Created" value={<WhenTime value={p.created_at} clock="sandbox" />} />
          <Detail term="Updated" value={<WhenTime value={p.updated_at} clock="sandbox" />} />
        </dl>
      </Card>
      <Timeline merchantId={merchantId} paymentId={p.id} />
      {action === 'dispute' ? (
        <DisputeDialog merchantId={merchantId} payment={p} onClose={() => setAction(null)} />
      ) : null}
      {action && action !== 'dispute' ? (
        <ActionDialog merchantId={merchantId} payment={p} action={action} onClose={() => setAction(null)} />
      ) : null}
    </div>
  );
}

/** One term of the details list; `to` makes the value a link. */
function Detail({
  term,
  value,
  testId,
  to,
}: {
  term: string;
  value: ReactNode;
  testId?: string;
  to?: string;
}) {
  return (
    <>
      <dt className="text-muted-foreground">{term}</dt>
      {to ? (
        <dd className="break-words">
          <Link to={to} className="text-primary underline-offset-4 hover:underline" data-testid={testId}>
            {value}
          </Link>
        </dd>
      ) : (
        <dd className="break-words" data-testid={testId}>
          {value}
        </dd>
      )}
    </>
  );
}

/** The payment's events (and its refunds'), oldest first, from the merchant's event log. */
function Timeline({ merchantId, paymentId }: { merchantId: string; paymentId: string }) {
  const events = useEvents(merchantId, { live: false });
  const mine = (events.data?.data ?? []).filter((e) => eventSubject(e).payment === paymentId).reverse();
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Timeline</h2>
      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : mine.length === 0 ? (
        <p className="text-sm text-muted-foreground">No events yet.</p>
      ) : (
        <ol className="relative flex flex-col gap-3 border-l border-border pl-4" aria-label="Timeline">
          {mine.map((event) => (
            <li key={event.id} data-testid="timeline-event">
              <span className="absolute -left-1 mt-1.5 size-2 rounded-full bg-primary" aria-hidden="true" />
              <p className="font-mono text-sm font-medium">{event.type}</p>
              <p className="text-xs text-muted-foreground">
                <WhenTime value={event.created} clock="real" />
                {eventAmount(event) ? ` · ${eventAmount(event)}` : ''} · {event.id}
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

const reasonLabel: Record<DisputeReason, string> = {
  fraudulent: 'Fraudulent',
  product_not_received: 'Product not received',
  duplicate: 'Duplicate',
  general: 'General',
};

/** Opens a sandbox dispute on this payment, as a cardholder's bank would, then shows the list. */
function DisputeDialog({
  merchantId,
  payment,
  onClose,
}: {
  merchantId: string;
  payment: Payment;
  onClose: () => void;
}) {
  const open = useOpenTestDispute(merchantId);
  const idempotency = useIdempotencyKey();
  const navigate = useNavigate();
  const [reason, setReason] = useState<DisputeReason>('fraudulent');
  const amount = formatAmount(payment.amount_captured - payment.amount_refunded, payment.currency);
  return (
    <ConfirmDialog
      open
      onOpenChange={(next) => !next && onClose()}
      title="Open a test dispute"
      description={`The cardholder disputes ${amount}: it is held from your balance while the dispute is open, and a dispute fee is charged whatever the outcome.`}
      action="Open dispute"
      destructive
      pending={open.isPending}
      error={open.error}
      onConfirm={() => {
        const input = { payment: payment.id, reason };
        open.mutate(
          { ...input, idempotencyKey: idempotency.keyFor(input) },
          {
            onSuccess: () => {
              idempotency.done();
              toast.success(`Dispute opened on ${amount}`);
              void navigate(`/developers/${merchantId}/disputes`);
            },
          },
        );
      }}
    >
      <Field label="Reason">
        <select
          className="h-10 w-full rounded-md border border-input bg-card px-3 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
          value={reason}
          onChange={(e) => setReason(e.target.value as DisputeReason)}
        >
          {disputeReasons.map((r) => (
            <option key={r} value={r}>
              {reasonLabel[r]}
            </option>
          ))}
        </select>
      </Field>
    </ConfirmDialog>
  );
}

const copy: Record<Exclude<Action, 'dispute'>, { title: string; action: string; description: string }> = {
  capture: {
    title: 'Capture payment',
    action: 'Capture',
    description: 'Capture up to the authorized amount, once; the rest of the hold is released.',
  },
  void: {
    title: 'Void authorization',
    action: 'Void',
    description: 'The hold is released and the payment canceled. This cannot be undone.',
  },
  refund: {
    title: 'Refund payment',
    action: 'Refund',
    description:
      'Refund part or all of what was captured. Refunds can be repeated up to the captured amount.',
  },
};

/**
 * Why the page offers what it does: a disputed payment cannot be refunded, and a settled one is
 * refunded from the available balance, which may go negative down to the merchant's floor.
 */
function StateNote({ payment, merchantId }: { payment: Payment; merchantId: string }) {
  const balance = useBalance(merchantId);
  const row = balance.data?.balances.find((b) => b.currency === payment.currency);
  let text: string | null = null;
  if (payment.dispute && payment.status === 'succeeded')
    text =
      payment.dispute_status === 'won' || payment.dispute_status === 'lost'
        ? `The dispute was ${payment.dispute_status}: a disputed payment can no longer be refunded.`
        : 'This payment is disputed: it cannot be refunded while the dispute decides where the money goes.';
  else if (payment.settlement && payment.refundable_amount > 0 && row)
    text = `This payment is settled: a refund comes out of your available balance (${formatAmount(row.available, row.currency)}), which may go negative down to −${formatAmount(row.negative_balance_limit, row.currency)}; later settlements pay a negative balance back first.`;
  return text ? (
    <p className="text-sm text-muted-foreground" data-testid="payment-note">
      {text}
    </p>
  ) : null;
}

/** The most a refund may take now: what is left of the payment, and for a settled one what the balance floor allows. */
export function refundLimit(
  payment: Pick<Payment, 'refundable_amount' | 'settlement'>,
  balance: { available: number; negative_balance_limit: number } | undefined,
): number {
  if (!payment.settlement || !balance) return payment.refundable_amount;
  return Math.max(0, Math.min(payment.refundable_amount, balance.available + balance.negative_balance_limit));
}

function ActionDialog({
  merchantId,
  payment,
  action,
  onClose,
}: {
  merchantId: string;
  payment: Payment;
  action: Exclude<Action, 'dispute'>;
  onClose: () => void;
}) {
  const capture = useCapturePayment(merchantId, payment.id);
  const voidPayment = useVoidPayment(merchantId, payment.id);
  const refund = useRefundPayment(merchantId, payment.id);
  const mutation = action === 'capture' ? capture : action === 'void' ? voidPayment : refund;
  const idempotency = useIdempotencyKey();
  const balance = useBalance(merchantId).data?.balances.find((b) => b.currency === payment.currency);
  const max = action === 'capture' ? payment.amount_capturable : refundLimit(payment, balance);
  const [amount, setAmount] = useState(minorToDecimalString(max, currencyExponent(payment.currency)));
  const [fieldError, setFieldError] = useState<string>();
  const serverFieldError =
    mutation.error instanceof ApiError && mutation.error.param === 'amount'
      ? mutation.error.message
      : undefined;

  const confirm = () => {
    if (action === 'void') {
      voidPayment.mutate({ idempotencyKey: idempotency.keyFor({ action }) }, { onSuccess: done });
      return;
    }
    const parsed = parseAmount(amount, payment.currency);
    if (!parsed.ok) return setFieldError(parsed.error);
    if (parsed.minor > max) return setFieldError(`At most ${formatAmount(max, payment.currency)}`);
    setFieldError(undefined);
    const input = {
      amount: parsed.minor,
      idempotencyKey: idempotency.keyFor({ action, amount: parsed.minor }),
    };
    if (action === 'capture') capture.mutate(input, { onSuccess: done });
    else refund.mutate(input, { onSuccess: done });
  };
  function done() {
    idempotency.done();
    toast.success(
      action === 'capture'
        ? 'Payment captured'
        : action === 'void'
          ? 'Authorization voided'
          : 'Refund created',
    );
    onClose();
  }

  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={copy[action].title}
      description={copy[action].description}
      action={copy[action].action}
      destructive={action === 'void'}
      pending={mutation.isPending}
      error={serverFieldError ? undefined : mutation.error}
      onConfirm={confirm}
    >
      {action === 'void' ? null : (
        <Field
          label={`Amount (${payment.currency})`}
          error={fieldError ?? serverFieldError}
          hint={`At most ${formatAmount(max, payment.currency)}`}
        >
          <Input
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </Field>
      )}
    </ConfirmDialog>
  );
}
