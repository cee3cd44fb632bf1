import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount, parseAmount } from '../../lib/money.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { useCreatePlan, usePlans, type CreatePlan } from './api.ts';
import { cadence } from './format.ts';

const selectClass =
  'h-10 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring';
const intervals = ['day', 'week', 'month', 'year'] as const;

/** The merchant's plans, and a form for a new one. */
export function PlansPage() {
  const merchantId = useMerchantId();
  const plans = usePlans(merchantId);
  return (
    <div>
      <PageHeader title="Plans" description="Prices per interval that customers subscribe to." />
      <NewPlanForm merchantId={merchantId} />
      {plans.isPending ? (
        <Loading label="Loading plans…" />
      ) : plans.isError ? (
        <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />
      ) : plans.data.data.length === 0 ? (
        <Empty title="No plans yet">
          Create one above, or with <code className="font-mono text-sm">POST /v1/plans</code>.
        </Empty>
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Plans">
          {plans.data.data.map((plan) => (
            <li
              key={plan.id}
              data-testid="plan-row"
              className="grid grid-cols-[1fr_auto_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3"
            >
              <span className="font-medium">{plan.name}</span>
              <span className="tabular-nums">
                {formatAmount(plan.amount, plan.currency)} {cadence(plan)}
              </span>
              <span className="text-sm text-muted-foreground">
                {plan.trial_period_days ? `${plan.trial_period_days}-day trial` : 'no trial'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NewPlanForm({ merchantId }: { merchantId: string }) {
  const create = useCreatePlan(merchantId);
  const [name, setName] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [interval, setInterval] = useState<CreatePlan['interval']>('month');
  const [count, setCount] = useState('1');
  const [trial, setTrial] = useState('');
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAmount(amount, currency);
    if (!parsed.ok) return setError(parsed.error);
    setError(undefined);
    create.mutate(
      {
        name,
        amount: parsed.minor,
        currency,
        interval,
        interval_count: Number(count),
        ...(trial ? { trial_period_days: Number(trial) } : {}),
      } as CreatePlan,
      { onSuccess: () => setName('') },
    );
  };
  return (
    <Card className="mb-6">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" aria-label="New plan">
        <Field label="Name">
          <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <Field label="Amount" error={error}>
          <Input
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            inputMode="decimal"
            placeholder="29.00"
            required
          />
        </Field>
        <Field label="Currency">
          <select className={selectClass} value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {['USD', 'EUR', 'GBP'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
        <Field label="Interval">
          <select
            className={selectClass}
            value={interval}
            onChange={(e) => setInterval(e.target.value as CreatePlan['interval'])}
          >
            {intervals.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </Field>
        <Field label="Every how many intervals">
          <Input type="number" min={1} max={365} value={count} onChange={(e) => setCount(e.target.value)} />
        </Field>
        <Field label="Trial days" hint="At most 730 (two years)">
          <Input type="number" min={0} max={730} value={trial} onChange={(e) => setTrial(e.target.value)} />
        </Field>
        <div className="flex items-center gap-3 sm:col-span-3">
          <Button type="submit" disabled={create.isPending}>
            Create plan
          </Button>
          {create.isError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(create.error)}
            </p>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
