import { useState } from 'react';
import { Link } from 'react-router';
import { useEventLog, webhookEventTypes } from '../../../api/webhooks.ts';
import { CursorPager, useCursorPages } from '../../../components/cursor-pager.tsx';
import { FilterSelect } from '../../../components/filter-select.tsx';
import { PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { eventAmount, eventSubject, formatDateTime } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** Types the log can be filtered by: what endpoints subscribe to, and endpoint test sends. */
const eventTypes = [...webhookEventTypes, 'test.webhook'];

/**
 * The event log: the newest page is live (polled every 2 s, and refreshed at once by realtime
 * payment events); a type filter and cursor paging reach older events.
 */
export function EventsPage() {
  const merchantId = useMerchantId();
  const [type, setType] = useState<string | undefined>();
  const pages = useCursorPages();
  const events = useEventLog(merchantId, { type, cursor: pages.current });
  const isLive = pages.current === undefined;
  return (
    <div>
      <PageHeader
        title="Events"
        description="Everything that happened to this merchant's objects, newest first."
      >
        <span className="flex items-center gap-2 text-sm text-muted-foreground">
          <span
            className={`size-2 rounded-full ${events.isError ? 'bg-destructive' : isLive ? 'animate-pulse bg-success' : 'bg-muted-foreground'}`}
            aria-hidden="true"
          />
          {events.isError ? 'Feed paused' : isLive ? 'Live' : 'Older events'}
        </span>
      </PageHeader>
      <FilterSelect
        label="Type"
        value={type}
        options={eventTypes.map((t) => ({ value: t, label: t }))}
        onChange={(next) => {
          setType(next);
          pages.reset();
        }}
      />
      {events.isPending ? (
        <Loading />
      ) : events.isError && !events.data ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.data.length === 0 ? (
        <>
          {type && events.data.has_more ? (
            <Empty title={`No ${type} events on this page`}>
              The filter reads a thousand events at a time: older ones may still match. Use Next to read on.
            </Empty>
          ) : type ? (
            <Empty title={`No ${type} events`}>
              Nothing of this type has happened to this merchant{isLive ? ' yet' : ' before these'}.
            </Empty>
          ) : (
            <Empty title="No events yet">Make a test payment: its events appear here within seconds.</Empty>
          )}
          {events.data.has_more || pages.hasPrevious ? (
            <CursorPager pages={pages} page={events.data} isPlaceholderData={events.isPlaceholderData} />
          ) : null}
        </>
      ) : (
        <>
          <ul
            className="flex flex-col gap-2"
            aria-label="Events"
            aria-live={isLive ? 'polite' : 'off'}
            aria-busy={events.isPlaceholderData}
          >
            {events.data.data.map((event) => {
              const paymentId = eventSubject(event).payment;
              return (
                <li
                  key={event.id}
                  data-testid="event"
                  className="relative flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted"
                >
                  {/* The whole row opens the event; the payment link inside stays its own link. */}
                  <Link
                    to={`/developers/${merchantId}/events/${event.id}`}
                    className="after:absolute after:inset-0 after:content-[''] focus-visible:outline-2 focus-visible:outline-ring"
                  >
                    <span className="font-mono text-sm font-medium">{event.type}</span>
                  </Link>
                  {eventAmount(event) ? <span className="tabular-nums">{eventAmount(event)}</span> : null}
                  <span className="flex-1" />
                  <span className="text-xs text-muted-foreground">{formatDateTime(event.created)}</span>
                  <span className="w-full truncate font-mono text-xs text-muted-foreground">
                    {event.id}
                    {paymentId ? (
                      <>
                        {' · '}
                        <Link
                          className="relative z-10 text-primary hover:underline"
                          to={`/developers/${merchantId}/payments/${paymentId}`}
                        >
                          {paymentId}
                        </Link>
                      </>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
          <CursorPager pages={pages} page={events.data} isPlaceholderData={events.isPlaceholderData} />
        </>
      )}
    </div>
  );
}
