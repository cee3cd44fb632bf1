import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import { useCatalog, useCoinHistory, useRedeem, useRedemptions, type Reward } from '../../api/rewards.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../lib/idempotency.ts';
import { formatAmount } from '../../lib/money.ts';
import { CoinsCard } from './coins-card.tsx';
import { formatDateTime } from '../../components/date-time.ts';

function RewardRow({ reward }: { reward: Reward }) {
  const redeem = useRedeem();
  const idempotency = useIdempotencyKey();
  const onRedeem = () =>
    redeem.mutate(
      { rewardId: reward.id, idempotencyKey: idempotency.keyFor({ reward: reward.id }) },
      {
        onSuccess: (redemption) => {
          idempotency.done();
          toast.success(
            redemption.voucher_code
              ? `Your voucher: ${redemption.voucher_code}`
              : redemption.credit
                ? `${formatAmount(redemption.credit.amount, redemption.credit.currency)} added to your wallet`
                : 'Redeemed',
          );
        },
        onError: (error) => toast.error(errorMessage(error)),
      },
    );
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="reward">
      <div className="min-w-0">
        <p className="font-medium">
          {reward.name} <Badge>{reward.kind === 'voucher' ? 'Voucher' : 'Wallet credit'}</Badge>
        </p>
        <p className="text-sm text-muted-foreground">
          {[
            reward.description,
            reward.credit ? formatAmount(reward.credit.amount, reward.credit.currency) : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      </div>
      <div className="flex items-center gap-3">
        <span className="text-sm tabular-nums">{reward.price} coins</span>
        <span className="text-sm text-muted-foreground tabular-nums">{reward.stock} left</span>
        <Button size="sm" disabled={redeem.isPending || reward.stock < 1} onClick={onRedeem}>
          {reward.stock < 1 ? 'Out of stock' : 'Redeem'}
        </Button>
      </div>
    </li>
  );
}

function Catalog() {
  const catalog = useCatalog();
  if (catalog.isPending) return <Loading label="Loading rewards…" />;
  if (catalog.isError) return <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />;
  const rewards = catalog.data.data.filter((reward) => reward.active);
  if (rewards.length === 0) return <Empty title="No rewards on offer">Check back soon.</Empty>;
  return (
    <ul className="divide-y divide-border">
      {rewards.map((reward) => (
        <RewardRow key={reward.id} reward={reward} />
      ))}
    </ul>
  );
}

function Redemptions() {
  const redemptions = useRedemptions();
  const items = redemptions.data?.pages.flatMap((page) => page.data) ?? [];
  if (redemptions.isPending) return <Loading label="Loading redemptions…" />;
  if (redemptions.isError)
    return <ErrorState error={redemptions.error} onRetry={() => void redemptions.refetch()} />;
  if (items.length === 0) return <p className="text-sm text-muted-foreground">Nothing redeemed yet.</p>;
  return (
    <ul className="divide-y divide-border">
      {items.map((redemption) => (
        <li key={redemption.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm">
          <span>
            {redemption.reward_name}
            {redemption.voucher_code ? (
              <code className="ml-2 rounded bg-muted px-1.5 py-0.5">{redemption.voucher_code}</code>
            ) : null}
          </span>
          <span className="text-muted-foreground tabular-nums">
            −{redemption.price} coins · {formatDateTime(redemption.created_at)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function History() {
  const history = useCoinHistory();
  const entries = history.data?.pages.flatMap((page) => page.data) ?? [];
  if (history.isPending) return <Loading label="Loading history…" />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  if (entries.length === 0)
    return <p className="text-sm text-muted-foreground">No coins yet: post, like and comment.</p>;
  return (
    <>
      <ul className="divide-y divide-border" data-testid="coin-history">
        {entries.map((entry) => (
          <li
            key={`${entry.transfer_id}-${entry.direction}`}
            className="flex justify-between gap-2 py-2 text-sm"
          >
            <span>{entry.description}</span>
            <span className="tabular-nums">
              <span className={entry.direction === 'credit' ? 'text-success' : 'text-destructive'}>
                {entry.direction === 'credit' ? '+' : '−'}
                {entry.amount}
              </span>{' '}
              <span className="text-muted-foreground">{formatDateTime(entry.created_at)}</span>
            </span>
          </li>
        ))}
      </ul>
      {history.hasNextPage ? (
        <Button variant="outline" size="sm" className="mt-2" onClick={() => void history.fetchNextPage()}>
          Load more
        </Button>
      ) : null}
    </>
  );
}

/** Coins: balance and today's progress, the rewards catalogue, redemptions and history. */
export function CoinsPage() {
  return (
    <div>
      <PageHeader title="Coins" description="Redeem coins for vouchers or wallet credit (1 coin = $0.01)." />
      <CoinsCard />
      <Card className="mb-6">
        <h2 className="mb-2 text-lg font-semibold">Rewards</h2>
        <Catalog />
      </Card>
      <Card className="mb-6">
        <h2 className="mb-2 text-lg font-semibold">Your redemptions</h2>
        <Redemptions />
      </Card>
      <Card>
        <h2 className="mb-2 text-lg font-semibold">History</h2>
        <History />
      </Card>
    </div>
  );
}
