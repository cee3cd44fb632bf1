import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx';
import { PayoutForm } from '../../components/payout-form.tsx';
import { Badge, type BadgeTone } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  useCreateVendor,
  useCreateVendorPayout,
  useSettleVendors,
  useVendor,
  useVendorPayouts,
  useVendors,
  useVendorSplits,
  type CreateVendorPayout,
  type SplitGroup,
  type Vendor,
} from './vendors-api.ts';
import { plural } from '../../components/plural.ts';

const splitTone: Record<SplitGroup['status'], BadgeTone> = {
  awaiting_payment: 'warning',
  transferred: 'warning',
  settled: 'success',
};

function Balances({ vendor }: { vendor: Vendor }) {
  return (
    <>
      {vendor.balances.map((b) => (
        <span key={b.currency} className="text-sm tabular-nums">
          <span className="font-semibold">{formatAmount(b.available, b.currency)}</span> available ·{' '}
          {formatAmount(b.pending, b.currency)} pending
        </span>
      ))}
    </>
  );
}

/** The merchant's vendors with their balances, and a form to connect one. */
export function VendorsPage() {
  const merchantId = useMerchantId();
  const pages = useCursorPages();
  const vendors = useVendors(merchantId, pages.current);
  const settle = useSettleVendors(merchantId);
  return (
    <div>
      <PageHeader
        title="Vendors"
        description="Connected accounts you split payments with. Their shares arrive pending and settle the next day; refunds take them back pro rata."
      >
        <Button variant="secondary" size="sm" disabled={settle.isPending} onClick={() => settle.mutate()}>
          Settle due shares now
        </Button>
      </PageHeader>
      {settle.isSuccess ? (
        <p className="mb-3 text-sm text-muted-foreground" role="status">
          {settle.data.settled === 0
            ? 'Nothing was due: every share due had settled already.'
            : `${plural(settle.data.settled, 'split payment')} settled.`}
        </p>
      ) : null}
      {vendors.isPending ? (
        <Loading label="Loading vendors…" />
      ) : vendors.isError ? (
        <ErrorState error={vendors.error} onRetry={() => void vendors.refetch()} />
      ) : vendors.data.data.length === 0 ? (
        <Empty title="No vendors">Connect one below, then pay with `splits` on a payment intent.</Empty>
      ) : (
        <>
          <ul className="flex flex-col gap-2" aria-label="Vendors" aria-busy={vendors.isPlaceholderData}>
            {vendors.data.data.map((vendor) => (
              <li key={vendor.id}>
                <Link
                  to={`/developers/${merchantId}/hub/vendors/${vendor.id}`}
                  data-testid="vendor-row"
                  className="grid grid-cols-[1fr_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring sm:grid-cols-[12rem_1fr_auto]"
                >
                  <span className="font-semibold">{vendor.name}</span>
                  <Balances vendor={vendor} />
                  <span className="hidden font-mono text-xs text-muted-foreground sm:inline">
                    {vendor.id}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager pages={pages} page={vendors.data} isPlaceholderData={vendors.isPlaceholderData} />
        </>
      )}
      <NewVendor merchantId={merchantId} />
    </div>
  );
}

function NewVendor({ merchantId }: { merchantId: string }) {
  const create = useCreateVendor(merchantId);
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState('USD');
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-2"
      aria-label="New vendor"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ name, currency }, { onSuccess: () => setName('') });
      }}
    >
      <Field label="Name" error={create.isError ? errorMessage(create.error) : undefined}>
        <Input className="w-64" value={name} onChange={(event) => setName(event.target.value)} required />
      </Field>
      <Field label="Currency">
        <Input
          className="w-24"
          value={currency}
          onChange={(event) => setCurrency(event.target.value.toUpperCase())}
        />
      </Field>
      <Button type="submit" disabled={create.isPending}>
        Connect vendor
      </Button>
    </form>
  );
}

/** One vendor: its balances, the payments split with it, its payouts, and a payout form. */
export function VendorPage() {
  const merchantId = useMerchantId();
  const { vendorId = '' } = useParams();
  const vendor = useVendor(merchantId, vendorId);
  if (vendor.isPending) return <Loading label="Loading vendor…" />;
  if (vendor.isError) return <ErrorState error={vendor.error} onRetry={() => void vendor.refetch()} />;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={vendor.data.name} description={vendor.data.id} />
      <Card className="flex flex-wrap gap-4 p-4" aria-label="Balances">
        <Balances vendor={vendor.data} />
      </Card>
      <Splits merchantId={merchantId} vendorId={vendorId} />
      <Payouts merchantId={merchantId} vendor={vendor.data} />
    </div>
  );
}

function Splits({ merchantId, vendorId }: { merchantId: string; vendorId: string }) {
  const splits = useVendorSplits(merchantId, vendorId);
  return (
    <section>
      <h2 className="mb-3 text-lg font-semibold">Split payments</h2>
      {splits.isPending ? (
        <Loading label="Loading split payments…" />
      ) : splits.isError ? (
        <ErrorState error={splits.error} onRetry={() => void splits.refetch()} />
      ) : splits.data.data.length === 0 ? (
        <Empty title="No split payments yet" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Split payments">
          {splits.data.data.map((group) => {
            const line = group.lines.find((l) => l.vendor === vendorId);
            return (
              <li
                key={group.payment_intent}
                data-testid="split-row"
                className="grid grid-cols-[8rem_1fr_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 text-sm"
              >
                <span className="font-semibold tabular-nums">
                  {formatAmount(line?.amount ?? 0, group.currency)}
                </span>
                <span className="text-muted-foreground">
                  <Link
                    className="underline"
                    to={`/developers/${merchantId}/hub/intents/${group.payment_intent}`}
                  >
                    {group.payment_intent}
                  </Link>
                  {line && line.reversed > 0
                    ? ` · refunds took back ${formatAmount(line.reversed, group.currency)}`
                    : ''}
                  {line && line.shortfall > 0
                    ? ` (${formatAmount(line.shortfall, group.currency)} of it borne by you)`
                    : ''}
                </span>
                <Badge tone={splitTone[group.status]}>{group.status.replaceAll('_', ' ')}</Badge>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Payouts({ merchantId, vendor }: { merchantId: string; vendor: Vendor }) {
  const payouts = useVendorPayouts(merchantId, vendor.id);
  const pay = useCreateVendorPayout(merchantId, vendor.id);
  const [user, setUser] = useState('');
  return (
    <section>
      <h2 className="mb-3 text-lg font-semibold">Payouts</h2>
      <PayoutForm
        currency={vendor.currency}
        submitLabel="Pay out"
        body={(amount): CreateVendorPayout => ({
          amount,
          currency: vendor.currency,
          destination: { type: 'wallet', wallet: { user } },
        })}
        send={(request) => pay.mutateAsync(request)}
        pending={pay.isPending}
        error={pay.error}
      >
        <Field label="To the wallet of (user id)">
          <Input
            className="w-72 font-mono text-xs"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
          />
        </Field>
      </PayoutForm>
      {payouts.isPending ? (
        <Loading label="Loading payouts…" />
      ) : payouts.isError ? (
        <ErrorState error={payouts.error} onRetry={() => void payouts.refetch()} />
      ) : payouts.data.data.length === 0 ? (
        <Empty title="No payouts yet" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Payouts">
          {payouts.data.data.map((payout) => (
            <li
              key={payout.id}
              data-testid="payout-row"
              className="grid grid-cols-[8rem_1fr_auto_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 text-sm"
            >
              <span className="font-semibold tabular-nums">
                {formatAmount(payout.amount, payout.currency)}
              </span>
              <span className="text-muted-foreground">
                {payout.destination.wallet
                  ? `wallet ${payout.destination.wallet.user}`
                  : `bank ····${payout.destination.bank_account?.last4 ?? ''} (ACH trace ${payout.destination.bank_account?.trace_number ?? ''})`}
              </span>
              <Badge tone="success">{payout.status}</Badge>
              <span className="text-muted-foreground">{formatDateTime(payout.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
