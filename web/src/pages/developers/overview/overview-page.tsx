import { plural } from '../../../components/plural.ts';
import { toast } from 'sonner';
import { errorMessage } from '../../../api/client.ts';
import { useMerchant } from '../../../api/merchants.ts';
import { useAdvanceClock, useBalance } from '../../../api/payments.ts';
import { Link } from 'react-router';
import { WhenTime } from '../../../components/sandbox-time.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatAmount } from '../../../lib/money.ts';
import { formatDateTime } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

const steps = [
  { label: '+1 hour', seconds: 3_600 },
  { label: '+1 day', seconds: 86_400 },
  { label: '+7 days', seconds: 604_800 },
];

/** The merchant's balance, its sandbox clock and the way to the API reference. */
export function OverviewPage() {
  const merchantId = useMerchantId();
  const merchant = useMerchant(merchantId);
  const balance = useBalance(merchantId);
  const advance = useAdvanceClock(merchantId);

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Overview" description={`Merchant ${merchantId}`}>
        <a className="text-sm font-medium text-primary underline-offset-4 hover:underline" href="/docs">
          API reference
        </a>
      </PageHeader>
      <section aria-labelledby="balance-heading">
        <h2 id="balance-heading" className="mb-3 font-semibold">
          Balance
        </h2>
        {balance.isPending ? (
          <Loading />
        ) : balance.isError ? (
          <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />
        ) : balance.data.balances.length === 0 ? (
          <Empty title="No funds yet">
            Captured payments show here as pending until they settle (T+1, sandbox time).
          </Empty>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            {balance.data.balances.map((b) => (
              <Card key={b.currency} data-testid={`merchant-balance-${b.currency}`}>
                <p className="text-sm text-muted-foreground">{b.currency}</p>
                <dl className="mt-2 grid grid-cols-2 gap-2">
                  <div>
                    <dt className="text-sm text-muted-foreground">Available</dt>
                    <dd
                      className={`text-xl font-semibold tabular-nums ${b.available < 0 ? 'text-destructive' : ''}`}
                      data-testid={`merchant-available-${b.currency}`}
                    >
                      {b.available < 0 ? '−' : ''}
                      {formatAmount(Math.abs(b.available), b.currency)}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-sm text-muted-foreground">Pending</dt>
                    <dd className="text-xl font-semibold tabular-nums">
                      {formatAmount(b.pending, b.currency)}
                    </dd>
                  </div>
                </dl>
                <p className="mt-2 text-xs text-muted-foreground">
                  {b.available < 0
                    ? 'Negative: refunds or disputes took more than was available; the next settlements pay it back first. '
                    : ''}
                  May go down to{' '}
                  <span className="whitespace-nowrap">
                    −{formatAmount(b.negative_balance_limit, b.currency)}
                  </span>
                  .{' '}
                  <Link
                    to={`/developers/${merchantId}/balance`}
                    className="text-primary underline-offset-4 hover:underline"
                  >
                    Balance transactions
                  </Link>
                </p>
              </Card>
            ))}
          </div>
        )}
      </section>
      <Card>
        <h2 className="font-semibold">Test clock</h2>
        <p className="mt-1 text-sm text-muted-foreground">
          Move this merchant&apos;s sandbox time forward: authorizations expire after 7 days, settlement runs
          daily.
        </p>
        <p className="mt-3">
          Sandbox time:{' '}
          <span className="font-medium tabular-nums">
            {merchant.data ? (
              <WhenTime value={merchant.data.sandbox_time} clock="sandbox" testId="sandbox-time" />
            ) : (
              '…'
            )}
          </span>
        </p>
        <div className="mt-3 flex flex-wrap gap-2">
          {steps.map((step) => (
            <Button
              key={step.seconds}
              variant="outline"
              disabled={advance.isPending}
              onClick={() =>
                advance.mutate(
                  { seconds: step.seconds, idempotencyKey: crypto.randomUUID() },
                  {
                    onSuccess: (result) => {
                      const fired = [
                        result.expired_payments.length
                          ? `${plural(result.expired_payments.length, 'authorization')} expired`
                          : '',
                        result.settlements?.length
                          ? `${plural(result.settlements.length, 'settlement')} paid out`
                          : '',
                        result.closed_disputes?.length
                          ? `${plural(result.closed_disputes.length, 'dispute')} closed`
                          : '',
                      ].filter(Boolean);
                      toast.success(
                        `Sandbox time is now ${formatDateTime(result.sandbox_time)}`,
                        fired.length ? { description: fired.join(' · ') } : {},
                      );
                    },
                  },
                )
              }
            >
              {step.label}
            </Button>
          ))}
        </div>
        {advance.isError ? (
          <p role="alert" className="mt-2 text-sm text-destructive">
            {errorMessage(advance.error)}
          </p>
        ) : null}
      </Card>
    </div>
  );
}
