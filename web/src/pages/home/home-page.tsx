import { Link } from 'react-router';
import { useRecentActivity } from '../../api/activity.ts';
import { usePaymentRequests } from '../../api/payment-requests.ts';
import { useSession } from '../../api/session.ts';
import { useWallet } from '../../api/wallet.ts';
import { ActivityList } from '../../components/activity-list.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatAmount } from '../../lib/money.ts';

const linkButton =
  'inline-flex h-10 items-center justify-center rounded-md px-4 font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring';

function Balances() {
  const wallet = useWallet();
  if (wallet.isPending) return <Loading label="Loading balances…" />;
  if (wallet.isError) return <ErrorState error={wallet.error} onRetry={() => void wallet.refetch()} />;
  if (wallet.data.balances.length === 0) return <Empty title="No balances yet" />;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {wallet.data.balances.map((balance) => (
        <Card key={balance.currency}>
          <p className="text-sm text-muted-foreground">{balance.currency} available</p>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid={`balance-${balance.currency}`}>
            {formatAmount(balance.available, balance.currency)}
          </p>
          {balance.pending !== 0 ? (
            <p className="mt-1 text-sm text-muted-foreground">
              Pending {formatAmount(balance.pending, balance.currency)}
            </p>
          ) : null}
        </Card>
      ))}
    </div>
  );
}

function PendingRequests() {
  const incoming = usePaymentRequests('incoming');
  const count = incoming.data?.data.filter((r) => r.status === 'pending').length ?? 0;
  if (count === 0) return null;
  return (
    <p className="mt-4 rounded-md bg-secondary px-4 py-3 text-secondary-foreground">
      You have {count} pending {count === 1 ? 'request' : 'requests'}.{' '}
      <Link className="font-medium underline" to="/requests">
        Review
      </Link>
    </p>
  );
}

function RecentActivity() {
  const activity = useRecentActivity(5);
  if (activity.isPending) return <Loading label="Loading activity…" />;
  if (activity.isError) return <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />;
  if (activity.data.data.length === 0)
    return <Empty title="No activity yet">Send or request money to get started.</Empty>;
  return <ActivityList entries={activity.data.data} />;
}

export function HomePage() {
  const session = useSession();
  return (
    <div>
      <PageHeader title={`Hi, ${session?.user.name ?? 'there'}`} description="Your wallet at a glance.">
        <div className="flex gap-2">
          <Link className={`${linkButton} bg-primary text-primary-foreground`} to="/send">
            Send
          </Link>
          <Link className={`${linkButton} bg-secondary text-secondary-foreground`} to="/request">
            Request
          </Link>
        </div>
      </PageHeader>
      <Balances />
      <PendingRequests />
      <section className="mt-8" aria-labelledby="recent-heading">
        <div className="mb-2 flex items-center justify-between">
          <h2 id="recent-heading" className="text-lg font-semibold">
            Recent activity
          </h2>
          <Link className="text-sm font-medium text-primary underline" to="/activity">
            See all
          </Link>
        </div>
        <Card className="py-1 sm:py-1">
          <RecentActivity />
        </Card>
      </section>
    </div>
  );
}
