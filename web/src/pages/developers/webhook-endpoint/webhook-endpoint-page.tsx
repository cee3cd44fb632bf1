import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
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
  webhookKeys,
  type Delivery,
  type WebhookEndpoint,
} from '../../../api/webhooks.ts';
import type { Page } from '../../../api/client.ts';
import { CopyId } from '../../../components/copy-id.tsx';
import { DeliveryRow } from './delivery-row.tsx';
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
  const queryClient = useQueryClient();

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
      <PageHeader title="Webhook endpoint">
        <Badge tone={e.status === 'enabled' ? 'success' : 'neutral'}>
          <span data-testid="endpoint-status">{e.status}</span>
        </Badge>
      </PageHeader>
      <Card>
        <CopyId id={e.id} className="mb-2" />
        <p className="font-mono text-sm break-all" data-testid="endpoint-url">
          {e.url}
        </p>
        {e.description ? (
          <p className="mt-2 text-sm" data-testid="endpoint-description">
            {e.description}
          </p>
        ) : null}
        <p className="mt-2 text-sm text-muted-foreground">Events: {e.events.join(', ')}</p>
        {e.health ? <EndpointHealth health={e.health} /> : null}
        <p className="text-sm text-muted-foreground">Created {formatDateTime(e.created_at)}</p>
        <div className="mt-4 flex flex-wrap gap-2">
          <Button
            variant="outline"
            disabled={sendTest.isPending}
            onClick={() =>
              sendTest.mutate(
                { idempotencyKey: crypto.randomUUID() },
                {
                  onSuccess: ({ delivery }) => {
                    // At the top of the log at once, where the next refetch keeps it.
                    queryClient.setQueryData<Page<Delivery>>(
                      webhookKeys.deliveries(merchantId, endpointId),
                      (page) =>
                        page && {
                          ...page,
                          data: [delivery, ...page.data.filter((d) => d.id !== delivery.id)],
                        },
                    );
                    toast.success('Test event queued');
                  },
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
      <SecretDialog
        title="Your new signing secret"
        kind="signingSecret"
        secret={secret}
        onClose={() => setSecret(null)}
      />
    </div>
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
            <DeliveryRow
              key={delivery.id}
              delivery={delivery}
              event={types.get(delivery.event)}
              merchantId={merchantId}
            />
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
              merchantId={merchantId}
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

/** Last success and failure rate, from the newest deliveries (the server's `health`). */
export function EndpointHealth({ health }: { health: NonNullable<WebhookEndpoint['health']> }) {
  const rate = health.failure_rate;
  return (
    <span className="block text-sm text-muted-foreground" data-testid="endpoint-health">
      {health.last_success_at
        ? `Last success ${formatDateTime(health.last_success_at)}`
        : 'No successful delivery yet'}
      {rate === null ? '' : ` · ${Math.round(rate * 100)}% of recent attempts failed`}
      {health.pending ? ` · ${health.pending} waiting` : ''}
      {health.dead ? ` · ${health.dead} gave up` : ''}
    </span>
  );
}
