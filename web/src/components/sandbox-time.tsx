import { formatDateTime } from './date-time.ts';

/**
 * A time with the clock it was read from. Sandbox objects (payments, refunds, disputes,
 * settlements) are stamped with the merchant's test clock, which advance-clock moves ahead of
 * real time; events and deliveries with real time. Where both appear, an unlabelled date makes the
 * same dispute read "Dec 5" on one page and "Dec 4" on another, so every sandbox time says so.
 *
 * @example <WhenTime value={payment.created_at} clock="sandbox" />
 */
export function WhenTime({
  value,
  clock,
  testId,
}: {
  value: string | number;
  clock: 'sandbox' | 'real';
  testId?: string;
}) {
  const iso = typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
  const title =
    clock === 'sandbox'
      ? `Sandbox time: the merchant's test clock (${iso}), moved ahead of real time by advance-clock`
      : `Real time (${iso}), when it happened on this server's clock`;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5" data-testid={testId}>
      <time dateTime={iso} title={title}>
        {formatDateTime(value)}
      </time>
      <span
        className={
          clock === 'sandbox'
            ? 'rounded-sm border border-warning px-1 text-[0.65rem] font-medium tracking-wide text-warning uppercase'
            : 'rounded-sm border border-border px-1 text-[0.65rem] font-medium tracking-wide text-muted-foreground uppercase'
        }
        title={title}
        data-clock={clock}
      >
        {clock === 'sandbox' ? 'sandbox time' : 'real time'}
      </span>
    </span>
  );
}
