import { useState } from 'react';
import { PayoutForm } from '../../components/payout-form.tsx';
import { Badge, type BadgeTone } from '../../components/ui/badge.tsx';
import { PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { usePayouts, useRequestPayout, type CreatePayout, type Payout } from './api.ts';

const statusTone: Record<Payout['status'], BadgeTone> = {
  in_transit: 'neutral',
  paid: 'success',
  returned: 'destructive',
};
const statusText: Record<Payout['status'], string> = {
  in_transit: 'in transit',
  paid: 'paid',
  returned: 'returned',
};

/** Where a payout went, as the list shows it: the bank by its last 4, its arrival or return. */
function destinationText(payout: Payout): string {
  if (payout.destination === 'wallet') return "to the owner's wallet";
  const bank = payout.bank_account
    ? `to the bank ····${payout.bank_account.last4} (ACH)`
    : 'to the bank (ACH)';
  if (payout.status === 'returned') return `${bank} · returned ${payout.return_code ?? ''}`.trimEnd();
  return payout.arrival_date ? `${bank} · arrives ${payout.arrival_date}` : bank;
}

/** Payouts from the available balance, and a form to request one (it may wait for approval). */
export function PayoutsPage() {
  const merchantId = useMerchantId();
  const payouts = usePayouts(merchantId);
  const request = useRequestPayout(merchantId);
  const [currency, setCurrency] = useState('USD');
  const [destination, setDestination] = useState<CreatePayout['destination']>('wallet');
  const [bank, setBank] = useState({ routing_number: '', account_number: '', account_holder_name: '' });
  return (
    <div>
      <PageHeader
        title="Payouts"
        description="Pay out from your available balance to the owner's Sluice wallet or your business bank account (an ACH credit in your NACHA file of the day, in transit for two business days). Under a payout policy the payout waits in the approval inbox."
      />
      <PayoutForm
        currency={currency}
        submitLabel="Request payout"
        body={(amount): CreatePayout => ({
          amount,
          currency,
          destination,
          ...(destination === 'ach' ? { bank_account: { ...bank, account_type: 'checking' as const } } : {}),
        })}
        send={({ body, idempotencyKey }) => request.mutateAsync({ ...body, idempotencyKey })}
        pending={request.isPending}
        error={request.error}
        onSent={() => setBank((current) => ({ ...current, account_number: '' }))}
      >
        <Field label="Currency">
          <Input
            className="w-24"
            value={currency}
            onChange={(e) => setCurrency(e.target.value.toUpperCase())}
          />
        </Field>
        <Field label="Destination">
          <select
            aria-label="Destination"
            className="h-9 rounded-md border border-input bg-card px-2 text-foreground"
            value={destination}
            onChange={(e) => setDestination(e.target.value as CreatePayout['destination'])}
          >
            <option value="wallet">Owner's wallet</option>
            <option value="ach">Bank (ACH credit)</option>
          </select>
        </Field>
        {destination === 'ach' ? (
          <>
            <Field label="Routing number">
              <Input
                className="w-32"
                inputMode="numeric"
                value={bank.routing_number}
                onChange={(e) => setBank({ ...bank, routing_number: e.target.value.trim() })}
              />
            </Field>
            <Field label="Account number">
              <Input
                className="w-40"
                inputMode="numeric"
                autoComplete="off"
                value={bank.account_number}
                onChange={(e) => setBank({ ...bank, account_number: e.target.value.trim() })}
              />
            </Field>
            <Field label="Account holder">
              <Input
                className="w-44"
                value={bank.account_holder_name}
                onChange={(e) => setBank({ ...bank, account_holder_name: e.target.value })}
              />
            </Field>
          </>
        ) : null}
      </PayoutForm>
      {payouts.isPending ? (
        <Loading label="Loading payouts…" />
      ) : payouts.isError ? (
        <ErrorState error={payouts.error} onRetry={() => void payouts.refetch()} />
      ) : payouts.data.data.length === 0 ? (
        <Empty title="No payouts yet">Payouts you make (or that approvers approve) appear here.</Empty>
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Payouts">
          {payouts.data.data.map((payout) => (
            <li
              key={payout.id}
              data-testid="payout-row"
              className="grid grid-cols-[1fr_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 sm:grid-cols-[10rem_1fr_auto]"
            >
              <span className="font-semibold tabular-nums">
                {formatAmount(payout.amount, payout.currency)}
              </span>
              <span className="text-sm text-muted-foreground">
                {destinationText(payout)} · {formatDateTime(payout.created_at)}
                {payout.approval ? ` · approved (${payout.approval})` : ''}
              </span>
              <Badge tone={statusTone[payout.status]}>{statusText[payout.status]}</Badge>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
