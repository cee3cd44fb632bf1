import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  useAdvanceClock,
  useCreateSubscription,
  useCustomers,
  usePaymentMethods,
  usePlans,
  useSubscriptions,
  useTestClock,
} from './api.ts';
import { label, subscriptionStatusTone } from './format.ts';

const selectClass =
  'h-10 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring';
const day = 86_400;

/** Subscriptions, newest first; a form to start one; the sandbox clock that drives them. */
export function SubscriptionsPage() {
  const merchantId = useMerchantId();
  const pages = useCursorPages();
  const subscriptions = useSubscriptions(merchantId, pages.current);
  return (
    <div>
      <PageHeader
        title="Subscriptions"
        description="Each period's invoice is finalized and charged through your routing; failed charges are retried after 1, 3, 5 and 7 days."
      />
      <ClockControls merchantId={merchantId} />
      <NewSubscriptionForm merchantId={merchantId} />
      {subscriptions.isPending ? (
        <Loading label="Loading subscriptions…" />
      ) : subscriptions.isError ? (
        <ErrorState error={subscriptions.error} onRetry={() => void subscriptions.refetch()} />
      ) : subscriptions.data.data.length === 0 ? (
        <Empty title="No subscriptions yet">
          Create a plan and a customer with a card, then subscribe them above.
        </Empty>
      ) : (
        <>
          <ul
            className="flex flex-col gap-2"
            aria-label="Subscriptions"
            aria-busy={subscriptions.isPlaceholderData}
          >
            {subscriptions.data.data.map((sub) => (
              <li key={sub.id}>
                <Link
                  to={`/developers/${merchantId}/billing/subscriptions/${sub.id}`}
                  data-testid="subscription-row"
                  className="grid grid-cols-[1fr_auto_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring sm:grid-cols-[1fr_1fr_auto_auto]"
                >
                  <span className="truncate font-mono text-sm">{sub.id}</span>
                  <span className="hidden truncate text-sm text-muted-foreground sm:block">
                    {sub.customer}
                  </span>
                  <Badge tone={subscriptionStatusTone[sub.status]}>{label(sub.status)}</Badge>
                  <span className="text-sm text-muted-foreground">
                    {sub.next_action_at ? `next ${formatDateTime(sub.next_action_at)}` : 'ended'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager
            pages={pages}
            page={subscriptions.data}
            isPlaceholderData={subscriptions.isPlaceholderData}
          />
        </>
      )}
    </div>
  );
}

/**
 * Moves the merchant's sandbox clock: renewals and retries due on the way run, each at its own
 * time, in the background; the clock shows `advancing` (how far it got) until it is `ready`.
 */
function ClockControls({ merchantId }: { merchantId: string }) {
  const advance = useAdvanceClock(merchantId);
  const clock = useTestClock(merchantId);
  const advancing = advance.isPending || clock.data?.status === 'advancing';
  return (
    <Card className="mb-6 flex flex-wrap items-center gap-2 text-sm">
      <span className="mr-2 font-medium">Sandbox clock</span>
      {[
        ['+1 day', day],
        ['+1 week', 7 * day],
        ['+1 month', 31 * day],
        ['+1 year', 365 * day],
      ].map(([text, seconds]) => (
        <Button
          key={text}
          size="sm"
          variant="outline"
          disabled={advancing}
          onClick={() => advance.mutate(Number(seconds))}
        >
          {text}
        </Button>
      ))}
      {clock.data?.status === 'advancing' ? (
        <span role="status" className="text-muted-foreground" data-testid="clock-status">
          Advancing to {formatDateTime(clock.data.target_time)}… now {formatDateTime(clock.data.frozen_time)},{' '}
          {clock.data.invoices_finalized} invoices so far
        </span>
      ) : advance.data && clock.data ? (
        <span role="status" className="text-muted-foreground" data-testid="clock-status">
          Now {formatDateTime(clock.data.frozen_time)}: {clock.data.invoices_finalized} invoices,{' '}
          {clock.data.charges_succeeded} paid, {clock.data.charges_failed} failed
        </span>
      ) : null}
      {advance.isError ? (
        <span role="alert" className="text-destructive">
          {errorMessage(advance.error)}
        </span>
      ) : null}
    </Card>
  );
}

function NewSubscriptionForm({ merchantId }: { merchantId: string }) {
  const plans = usePlans(merchantId);
  const customers = useCustomers(merchantId);
  const [customer, setCustomer] = useState('');
  const [plan, setPlan] = useState('');
  const [method, setMethod] = useState('');
  const [trial, setTrial] = useState('');
  const [onExhausted, setOnExhausted] = useState<'cancel' | 'unpaid'>('cancel');
  const methods = usePaymentMethods(merchantId, customer || undefined);
  const create = useCreateSubscription(merchantId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      customer,
      plan,
      payment_method: method || methods.data?.data[0]?.id || '',
      on_retries_exhausted: onExhausted,
      ...(trial ? { trial_days: Number(trial) } : {}),
    });
  };
  return (
    <Card className="mb-6">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" aria-label="New subscription">
        <Field label="Customer">
          <select
            className={selectClass}
            value={customer}
            onChange={(e) => (setCustomer(e.target.value), setMethod(''))}
            required
          >
            <option value="">Choose…</option>
            {customers.data?.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name ?? c.id}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Plan">
          <select className={selectClass} value={plan} onChange={(e) => setPlan(e.target.value)} required>
            <option value="">Choose…</option>
            {plans.data?.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Payment method">
          <select className={selectClass} value={method} onChange={(e) => setMethod(e.target.value)}>
            {methods.data?.data.map((m) => (
              <option key={m.id} value={m.id}>
                {m.card ? `${m.card.brand} •••• ${m.card.last4} (${label(m.card.test_behaviour)})` : m.id}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Trial days">
          <Input type="number" min={0} max={730} value={trial} onChange={(e) => setTrial(e.target.value)} />
        </Field>
        <Field label="After the last retry">
          <select
            className={selectClass}
            value={onExhausted}
            onChange={(e) => setOnExhausted(e.target.value as 'cancel' | 'unpaid')}
          >
            <option value="cancel">cancel</option>
            <option value="unpaid">mark unpaid</option>
          </select>
        </Field>
        <div className="flex items-end gap-3">
          <Button type="submit" disabled={create.isPending}>
            Subscribe
          </Button>
        </div>
        {create.isError ? (
          <p role="alert" className="text-sm text-destructive sm:col-span-3">
            {errorMessage(create.error)}
          </p>
        ) : null}
      </form>
    </Card>
  );
}
