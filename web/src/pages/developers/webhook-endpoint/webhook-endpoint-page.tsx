import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../../api/client.ts';
import {
  useDeliveries,
  useEndpoint,
  useEvents,
  useRedeliver,
  useRotateSecret,
  useSendTestEvent,
  useUpdateEndpoint,
  type Delivery,
} from '../../../api/webhooks.ts';
import type { SluiceEvent } from '../../../api/webhooks.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { SecretDialog } from '../../../components/secret-dialog.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { formatDateTime } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { DeleteEndpointDialog, EditEndpointDialog } from './endpoint-dialogs.tsx';

const deliveryTone = { succeeded: 'success', pending: 'warning', dead: 'destructive' } as const;

/** One endpoint: edit, enable or disable, delete, rotate its secret, send a test event; its delivery log and dead letters. */
export function WebhookEndpointPage() {
  const merchantId = useMerchantId();
  const endpointId = useParams().endpointId ?? '';
  const endpoint = useEndpoint(merchantId, endpointId);
  const rotate = useRotateSecret(merchantId, endpointId);
  const sendTest = useSendTestEvent(merchantId, endpointId);
  const update = useUpdateEndpoint(merchantId, endpointId);
  const rotateKey = useIdempotencyKey();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  if (endpoint.isPending) return <Loading label="Loading endpoint…" />;
  if (endpoint.isError) return <ErrorState error={endpoint.error} onRetry={() => void endpoint.refetch()} />;
  const e = endpoint.data;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link
          to={`/developers/${merchantId}/webhooks`}
          className="text-sm text-primary underline-offset-4 hover:underline"
        >
          ← Webhooks
        </Link>
      </div>
      <PageHeader title="Webhook endpoint" description={e.id}>
        <Badge tone={e.status === 'enabled' ? 'success' : 'neutral'}>
          <span data-testid="endpoint-status">{e.status}</span>
        </Badge>
      </PageHeader>
      <Card>
        <p className="font-mono text-sm break-all" data-testid="endpoint-url">
          {e.url}
        </p>
        {e.description ? (
          <p className="mt-2 text-sm" data-testid="endpoint-description">
            {e.description}
          </p>
        ) : null}
        <p className="mt-2 text-sm text-muted-foreground">Events: {e.events.join(', ')}</p>
        <p className="text-sm text-muted-foreground">Created {formatDateTime(e.created_at)}</p>
        <div className="mt-4 flex flex-wrap gap-2">
          <Button
            variant="outline"
            disabled={sendTest.isPending}
            onClick={() =>
              sendTest.mutate(
                { idempotencyKey: crypto.randomUUID() },
                {
                  onSuccess: () => toast.success('Test event queued'),
                  onError: (error) => toast.error(errorMessage(error)),
                },
              )
            }
          >
            {sendTest.isPending ? 'Sending…' : 'Send test event'}
          </Button>
          <Button variant="outline" onClick={() => setConfirmRotate(true)}>
            Rotate secret
          </Button>
          <Button variant="outline" onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button
            variant="outline"
            disabled={update.isPending}
            onClick={() => {
              const status = e.status === 'enabled' ? 'disabled' : 'enabled';
              update.mutate(
                { status },
                {
                  onSuccess: () =>
                    toast.success(status === 'enabled' ? 'Endpoint enabled' : 'Endpoint disabled'),
                  onError: (error) => toast.error(errorMessage(error)),
                },
              );
            }}
          >
            {e.status === 'enabled' ? 'Disable' : 'Enable'}
          </Button>
          <Button variant="destructive" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </div>
      </Card>
      {/* Mounted only while open, so each opening starts from the endpoint as it is now. */}
      {editing ? (
        <EditEndpointDialog merchantId={merchantId} endpoint={e} open onOpenChange={setEditing} />
      ) : null}
      <DeleteEndpointDialog merchantId={merchantId} endpoint={e} open={deleting} onOpenChange={setDeleting} />
      <DeliveryLog merchantId={merchantId} endpointId={endpointId} />
      <DeadLetters merchantId={merchantId} endpointId={endpointId} />
      <ConfirmDialog
        open={confirmRotate}
        onOpenChange={(open) => {
          setConfirmRotate(open);
          if (!open) rotate.reset();
        }}
        title="Rotate signing secret?"
        description="A new secret signs from now on; the current one keeps signing too for 24 hours, so you can deploy the new one."
        action="Rotate secret"
        pending={rotate.isPending}
        error={rotate.error}
        onConfirm={() =>
          rotate.mutate(
            { idempotencyKey: rotateKey.keyFor({ rotate: endpointId }) },
            {
              onSuccess: (rotated) => {
                rotateKey.done();
                setConfirmRotate(false);
                setSecret(rotated.secret ?? null);
              },
            },
          )
        }
      />
      <SecretDialog title="Your new signing secret" secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}

function DeliveryRow({
  delivery,
  event,
  action,
}: {
  delivery: Delivery;
  event: SluiceEvent | undefined;
  action?: ReactNode;
}) {
  const last = delivery.attempts.at(-1);
  const eventType = delivery.event_type ?? event?.type;
  return (
    <li data-testid="delivery" className="rounded-lg border border-border bg-card px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={deliveryTone[delivery.status]}>{delivery.status}</Badge>
        {eventType ? <span className="font-mono text-sm font-medium">{eventType}</span> : null}
        <span className="font-mono text-xs text-muted-foreground">{delivery.event}</span>
        <span className="text-xs text-muted-foreground">{formatDateTime(delivery.created_at)}</span>
        <span className="flex-1" />
        {action}
      </div>
      {delivery.attempts.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">
          Not attempted yet
          {delivery.next_attempt_at ? ` · next at ${formatDateTime(delivery.next_attempt_at)}` : ''}
        </p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-muted-foreground">
              <tr>
                <th scope="col" className="pr-3 font-medium">
                  Attempt
                </th>
                <th scope="col" className="pr-3 font-medium">
                  Status
                </th>
                <th scope="col" className="pr-3 font-medium">
                  Latency
                </th>
                <th scope="col" className="font-medium">
                  Response
                </th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((attempt) => (
                <tr key={attempt.attempt} className="align-top">
                  <td className="pr-3 tabular-nums">
                    #{attempt.attempt}
                    <span className="block text-xs text-muted-foreground">{formatDateTime(attempt.at)}</span>
                  </td>
                  <td className="pr-3 tabular-nums" data-testid="attempt-status">
                    <span
                      className={
                        attempt.response_status !== null && attempt.response_status < 300
                          ? 'text-success'
                          : 'text-destructive'
                      }
                    >
                      {attempt.response_status ?? 'no response'}
                    </span>
                  </td>
                  <td className="pr-3 tabular-nums">{attempt.latency_ms} ms</td>
                  <td className="max-w-72">
                    <code
                      className="block truncate font-mono text-xs text-muted-foreground"
                      title={attempt.response_body ?? attempt.error ?? ''}
                    >
                      {attempt.error ?? attempt.response_body ?? '(empty)'}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {last ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-muted-foreground">Request</summary>
          <p className="mt-1 font-mono text-xs break-all">POST {last.url}</p>
          <p className="font-mono text-xs text-muted-foreground">
            Content-Type: application/json · Sluice-Signature: t=…,v1=…
          </p>
          {event ? (
            <pre className="mt-1 max-h-64 overflow-auto rounded bg-muted p-2 font-mono text-xs">
              {JSON.stringify(event, null, 2)}
            </pre>
          ) : null}
        </details>
      ) : null}
      {last && delivery.status === 'pending' && delivery.next_attempt_at ? (
        <p className="mt-1 text-xs text-muted-foreground">
          Next attempt {formatDateTime(delivery.next_attempt_at)}
        </p>
      ) : null}
    </li>
  );
}

/**
 * Event id → type, from the event log (a delivery names only its event). The log is refetched
 * once per delivery whose event it does not hold yet, rather than polled.
 */
function useEventTypes(merchantId: string, deliveries: Delivery[] | undefined): Map<string, SluiceEvent> {
  const events = useEvents(merchantId, { live: false });
  const asked = useRef(new Set<string>());
  const types = new Map((events.data?.data ?? []).map((e) => [e.id, e]));
  const missing = (deliveries ?? [])
    .map((d) => d.event)
    .filter((id) => !types.has(id) && !asked.current.has(id))
    .join(',');
  const { refetch, isFetching } = events;
  useEffect(() => {
    if (missing === '' || isFetching) return;
    for (const id of missing.split(',')) asked.current.add(id);
    void refetch();
  }, [missing, isFetching, refetch]);
  return types;
}

function DeliveryLog({ merchantId, endpointId }: { merchantId: string; endpointId: string }) {
  const deliveries = useDeliveries(merchantId, endpointId);
  const types = useEventTypes(merchantId, deliveries.data?.data);
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading" className="mb-3 font-semibold">
        Delivery log
      </h2>
      {deliveries.isPending ? (
        <Loading />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.data.length === 0 ? (
        <Empty title="No deliveries yet">Send a test event, or make a test payment.</Empty>
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Deliveries">
          {deliveries.data.data.map((delivery) => (
            <DeliveryRow key={delivery.id} delivery={delivery} event={types.get(delivery.event)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeadLetters({ merchantId, endpointId }: { merchantId: string; endpointId: string }) {
  const dead = useDeliveries(merchantId, endpointId, 'dead');
  const types = useEventTypes(merchantId, dead.data?.data);
  const redeliver = useRedeliver(merchantId, endpointId);
  return (
    <section aria-labelledby="dead-heading">
      <h2 id="dead-heading" className="mb-1 font-semibold">
        Dead letters
      </h2>
      <p className="mb-3 text-sm text-muted-foreground">
        Deliveries that failed every retry. Redeliver once your endpoint is fixed.
      </p>
      {dead.isPending ? (
        <Loading />
      ) : dead.isError ? (
        <ErrorState error={dead.error} onRetry={() => void dead.refetch()} />
      ) : dead.data.data.length === 0 ? (
        <Empty title="No dead letters" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Dead letters">
          {dead.data.data.map((delivery) => (
            <DeliveryRow
              key={delivery.id}
              delivery={delivery}
              event={types.get(delivery.event)}
              action={
                <Button
                  size="sm"
                  variant="outline"
                  disabled={redeliver.isPending}
                  onClick={() =>
                    redeliver.mutate(
                      { eventId: delivery.event, idempotencyKey: crypto.randomUUID() },
                      {
                        onSuccess: () => toast.success('Redelivery queued'),
                        onError: (error) => toast.error(errorMessage(error)),
                      },
                    )
                  }
                >
                  Redeliver
                </Button>
              }
            />
          ))}
        </ul>
      )}
    </section>
  );
}
