import { Link, useParams } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../../api/client.ts';
import {
  useEndpoints,
  type Delivery,
  type SluiceEvent,
  type WebhookEndpoint,
} from '../../../api/webhooks.ts';
import { CopyId } from '../../../components/copy-id.tsx';
import { formatDateTime } from '../../../components/date-time.ts';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { eventAmount, eventSubject } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { DeliveryRow } from '../webhook-endpoint/delivery-row.tsx';
import { useEvent, useEventDeliveries, useRedeliverEvent } from './event-api.ts';

/** The object an event is about, as a dashboard link when the dashboard has a page for it. */
function relatedLink(merchantId: string, event: SluiceEvent): { to: string; id: string } | undefined {
  const subject = eventSubject(event);
  if (!subject.id) return undefined;
  const base = `/developers/${merchantId}`;
  if (subject.object === 'dispute') return { to: `${base}/disputes/${subject.id}`, id: subject.id };
  if (subject.object === 'settlement') return { to: `${base}/settlements/${subject.id}`, id: subject.id };
  if (subject.payment) return { to: `${base}/payments/${subject.payment}`, id: subject.payment };
  return undefined;
}

/** Deliveries grouped by endpoint, endpoints in the order of their newest delivery. */
function byEndpoint(deliveries: Delivery[]): Array<[string, Delivery[]]> {
  const groups = new Map<string, Delivery[]>();
  for (const delivery of [...deliveries].sort((a, b) => (a.id < b.id ? 1 : -1)))
    groups.set(delivery.endpoint, [...(groups.get(delivery.endpoint) ?? []), delivery]);
  return [...groups];
}

/**
 * One event, as Stripe's dashboard shows it: what happened and to which object, the payload as
 * sent, and every delivery of it per endpoint with each attempt's answer; Redeliver sends it
 * again to one endpoint or to all subscribed.
 */
export function EventPage() {
  const merchantId = useMerchantId();
  const eventId = useParams().eventId ?? '';
  const event = useEvent(merchantId, eventId);
  const deliveries = useEventDeliveries(merchantId, eventId);
  const endpoints = useEndpoints(merchantId);
  const redeliver = useRedeliverEvent(merchantId, eventId);
  const back = { to: `/developers/${merchantId}/events`, label: 'Back to events' };

  if (event.isPending) return <Loading label="Loading event…" />;
  if (event.isError)
    return <ErrorState error={event.error} onRetry={() => void event.refetch()} backTo={back} />;
  const e = event.data;
  const related = relatedLink(merchantId, e);
  const amount = eventAmount(e);
  const endpointById = new Map<string, WebhookEndpoint>(
    (endpoints.data?.data ?? []).map((ep) => [ep.id, ep]),
  );
  const send = (endpoint?: string) =>
    redeliver.mutate(
      { ...(endpoint ? { endpoint } : {}), idempotencyKey: crypto.randomUUID() },
      {
        onSuccess: (result) =>
          toast.success(
            result.data.length === 1
              ? 'Redelivery queued'
              : `Redelivery queued to ${result.data.length} endpoints`,
          ),
        onError: (error) => toast.error(errorMessage(error)),
      },
    );

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link to={back.to} className="text-sm text-primary underline-offset-4 hover:underline">
          ← Events
        </Link>
      </div>
      <PageHeader title={e.type} />
      <Card>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-muted-foreground">Event</dt>
          <dd className="min-w-0">
            <CopyId id={e.id} />
          </dd>
          <dt className="text-muted-foreground">Created</dt>
          <dd>{formatDateTime(e.created)}</dd>
          {amount ? (
            <>
              <dt className="text-muted-foreground">Amount</dt>
              <dd className="tabular-nums">{amount}</dd>
            </>
          ) : null}
          {related ? (
            <>
              <dt className="text-muted-foreground">Object</dt>
              <dd className="min-w-0 truncate">
                <Link to={related.to} className="font-mono text-primary hover:underline">
                  {related.id}
                </Link>
              </dd>
            </>
          ) : null}
        </dl>
      </Card>
      <section aria-labelledby="payload-heading">
        <div className="mb-2 flex items-center justify-between gap-2">
          <h2 id="payload-heading" className="font-semibold">
            Payload
          </h2>
          <Button
            size="sm"
            variant="outline"
            onClick={() =>
              navigator.clipboard?.writeText(JSON.stringify(e, null, 2)).then(
                () => toast.success('Payload copied'),
                () => undefined,
              )
            }
          >
            Copy JSON
          </Button>
        </div>
        <pre
          data-testid="event-payload"
          className="max-h-96 overflow-auto rounded-lg border border-border bg-muted p-3 font-mono text-xs"
        >
          {JSON.stringify(e, null, 2)}
        </pre>
      </section>
      <section aria-labelledby="event-deliveries-heading">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="event-deliveries-heading" className="font-semibold">
            Deliveries
          </h2>
          <Button size="sm" variant="outline" disabled={redeliver.isPending} onClick={() => send()}>
            Redeliver to all subscribed
          </Button>
        </div>
        {deliveries.isPending ? (
          <Loading />
        ) : deliveries.isError ? (
          <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
        ) : deliveries.data.data.length === 0 ? (
          <Empty title="Not delivered anywhere">
            No enabled endpoint was subscribed to {e.type} when it happened. Add one under Webhooks, then
            redeliver.
          </Empty>
        ) : (
          <div className="flex flex-col gap-4">
            {byEndpoint(deliveries.data.data).map(([endpointId, list]) => {
              const endpoint = endpointById.get(endpointId);
              return (
                <div key={endpointId} data-testid="event-endpoint">
                  <div className="mb-2 flex flex-wrap items-center gap-2">
                    <Link
                      to={`/developers/${merchantId}/webhooks/${endpointId}`}
                      className="min-w-0 flex-1 truncate font-mono text-sm text-primary hover:underline"
                    >
                      {endpoint?.url ?? endpointId}
                    </Link>
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={redeliver.isPending || endpoint === undefined}
                      onClick={() => send(endpointId)}
                    >
                      Redeliver
                    </Button>
                  </div>
                  <ul
                    className="flex flex-col gap-2"
                    aria-label={`Deliveries to ${endpoint?.url ?? endpointId}`}
                  >
                    {list.map((delivery) => (
                      <DeliveryRow key={delivery.id} delivery={delivery} event={e} merchantId={merchantId} />
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        )}
      </section>
    </div>
  );
}
