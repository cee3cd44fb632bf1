import { Link, useParams } from 'react-router';
import { Badge } from '../../components/ui/badge.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx';
import { formatAmount } from '../../lib/money.ts';
import { formatDateTime } from '../developers/format.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { useIntent, useIntents } from './api.ts';
import { attemptStatusTone, attemptSummary, intentStatusTone } from './format.ts';

/** Payment intents, newest first, each with the providers tried. */
export function IntentsPage() {
  const merchantId = useMerchantId();
  const pages = useCursorPages();
  const intents = useIntents(merchantId, pages.current);
  return (
    <div>
      <PageHeader
        title="Payment intents"
        description="Payments through your routing, with every attempt at every provider."
      />
      {intents.isPending ? (
        <Loading label="Loading payment intents…" />
      ) : intents.isError ? (
        <ErrorState error={intents.error} onRetry={() => void intents.refetch()} />
      ) : intents.data.data.length === 0 ? (
        <Empty title="No payment intents">
          Create one with <code className="font-mono text-sm">POST /v1/payment-intents</code>.
        </Empty>
      ) : (
        <>
          <ul
            className="flex flex-col gap-2"
            aria-label="Payment intents"
            aria-busy={intents.isPlaceholderData}
          >
            {intents.data.data.map((intent) => (
              <li key={intent.id}>
                <Link
                  to={`/developers/${merchantId}/hub/intents/${intent.id}`}
                  data-testid="intent-row"
                  className="grid grid-cols-[8rem_1fr_auto_auto] items-center gap-3 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
                >
                  <span className="font-semibold tabular-nums">
                    {formatAmount(intent.amount, intent.currency)}
                  </span>
                  <span className="truncate text-sm text-muted-foreground">
                    {intent.attempts.map((a) => a.provider).join(' → ') || intent.routed_to.join(' → ')}
                  </span>
                  <Badge tone={intentStatusTone[intent.status]}>{intent.status.replaceAll('_', ' ')}</Badge>
                  <span className="text-sm text-muted-foreground">{formatDateTime(intent.created_at)}</span>
                </Link>
              </li>
            ))}
          </ul>
          <CursorPager pages={pages} page={intents.data} isPlaceholderData={intents.isPlaceholderData} />
        </>
      )}
    </div>
  );
}

/** One intent and its attempts, as a timeline. */
export function IntentPage() {
  const merchantId = useMerchantId();
  const { intentId = '' } = useParams();
  const intent = useIntent(merchantId, intentId);
  if (intent.isPending) return <Loading label="Loading payment intent…" />;
  if (intent.isError) return <ErrorState error={intent.error} onRetry={() => void intent.refetch()} />;
  const pi = intent.data;
  return (
    <div>
      <PageHeader title={formatAmount(pi.amount, pi.currency)} description={pi.id}>
        <Badge tone={intentStatusTone[pi.status]}>{pi.status.replaceAll('_', ' ')}</Badge>
      </PageHeader>
      <Card className="mb-6 grid grid-cols-2 gap-2 p-4 text-sm sm:grid-cols-4">
        <span>Routed to: {pi.routed_to.join(', ')}</span>
        <span>Taken by: {pi.provider ?? '—'}</span>
        <span>Captured: {formatAmount(pi.amount_captured, pi.currency)}</span>
        <span>Refunded: {formatAmount(pi.amount_refunded, pi.currency)}</span>
        {pi.last_error ? (
          <span className="col-span-full text-destructive">
            {pi.last_error.code.replaceAll('_', ' ')}
            {pi.last_error.decline_code ? ` (${pi.last_error.decline_code})` : ''}
            {pi.last_error.return_code ? ` (${pi.last_error.return_code})` : ''}
          </span>
        ) : null}
        {pi.dispute ? (
          <span className="col-span-full text-warning">
            Disputed: {formatAmount(pi.dispute.amount, pi.currency)}, {pi.dispute.reason} ({pi.dispute.status}
            )
          </span>
        ) : null}
      </Card>
      <h2 className="mb-3 text-lg font-semibold">Attempts</h2>
      <ol className="relative flex flex-col gap-4 border-l border-border pl-6" aria-label="Attempts">
        {pi.attempts.map((attempt, index) => (
          <li key={attempt.id} data-testid="attempt">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-semibold">
                {index + 1}. {attempt.provider}
              </span>
              <Badge tone={attemptStatusTone[attempt.status]}>{attempt.status}</Badge>
              <span className="text-sm text-muted-foreground">{formatDateTime(attempt.started_at)}</span>
            </div>
            <p className="text-sm">{attemptSummary(attempt)}</p>
            <p className="font-mono text-xs text-muted-foreground">
              key {attempt.id}
              {attempt.provider_reference ? ` · at the provider ${attempt.provider_reference}` : ''}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}
