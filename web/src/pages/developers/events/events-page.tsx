import { Link } from 'react-router';
import { useEvents } from '../../../api/webhooks.ts';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { eventAmount, formatDateTime } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** The live event feed: polled every 2 s, and refreshed at once by realtime payment events. */
export function EventsPage() {
  const merchantId = useMerchantId();
  const events = useEvents(merchantId);
  return (
    <div>
      <PageHeader title="Events" description="Everything that happened to this merchant's objects, newest first.">
        <span className="flex items-center gap-2 text-sm text-muted-foreground">
          <span className={`size-2 rounded-full ${events.isError ? 'bg-destructive' : 'animate-pulse bg-success'}`} aria-hidden="true" />
          {events.isError ? 'Feed paused' : 'Live'}
        </span>
      </PageHeader>
      {events.isPending ? (
        <Loading />
      ) : events.isError && !events.data ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.data.length === 0 ? (
        <Empty title="No events yet">Make a test payment: its events appear here within seconds.</Empty>
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Events" aria-live="polite">
          {events.data.data.map((event) => {
            const object = event.data.object;
            const paymentId = object?.object === 'payment' ? object.id : object?.payment;
            return (
              <li key={event.id} data-testid="event" className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-card px-4 py-3">
                <span className="font-mono text-sm font-medium">{event.type}</span>
                {eventAmount(event) ? <span className="tabular-nums">{eventAmount(event)}</span> : null}
                <span className="flex-1" />
                <span className="text-xs text-muted-foreground">{formatDateTime(event.created)}</span>
                <span className="w-full truncate font-mono text-xs text-muted-foreground">
                  {event.id}
                  {paymentId ? (
                    <>
                      {' · '}
                      <Link className="text-primary hover:underline" to={`/developers/${merchantId}/payments/${paymentId}`}>
                        {paymentId}
                      </Link>
                    </>
                  ) : null}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
