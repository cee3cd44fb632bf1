import { useCoins } from '../../api/rewards.ts';
import { Card } from '../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';

/** The coin balance with today's progress toward the daily cap; live through realtime. */
export function CoinsCard() {
  const coins = useCoins();
  if (coins.isPending) return <Loading label="Loading coins…" />;
  if (coins.isError) return <ErrorState error={coins.error} onRetry={() => void coins.refetch()} />;
  const { balance, earned_today: earned, daily_cap: cap, resets_at: resetsAt } = coins.data;
  const percent = Math.min(100, Math.round((earned / cap) * 100));
  return (
    <Card className="mb-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm text-muted-foreground">Coins</p>
          <p className="text-3xl font-semibold tabular-nums" data-testid="coin-balance">
            {balance.toLocaleString('en-US')}
          </p>
        </div>
        <p className="text-sm text-muted-foreground">
          <span className="font-medium text-foreground tabular-nums" data-testid="coins-today">
            {earned} / {cap}
          </span>{' '}
          earned today · resets{' '}
          {new Date(resetsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </p>
      </div>
      <div
        className="mt-3 h-2 overflow-hidden rounded-full bg-muted"
        role="progressbar"
        aria-label="Coins earned today"
        aria-valuemin={0}
        aria-valuemax={cap}
        aria-valuenow={earned}
      >
        <div className="h-full bg-primary transition-all" style={{ width: `${percent}%` }} />
      </div>
    </Card>
  );
}
