import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Delivery, SluiceEvent } from '../../../api/webhooks.ts';
import { formatDateTime } from '../../../components/date-time.ts';
import { Badge, type BadgeTone } from '../../../components/ui/badge.tsx';

/**
 * A delivery's state in words: a pending delivery whose last attempt failed is "failed ·
 * retrying at …" (it is waiting for its next try, not for its first), a dead one "failed · gave up".
 */
export function deliveryState(delivery: Delivery): { label: string; tone: BadgeTone } {
  if (delivery.status === 'succeeded') return { label: 'Succeeded', tone: 'success' };
  if (delivery.status === 'dead') return { label: 'Failed · gave up', tone: 'destructive' };
  if (delivery.attempts.length === 0) return { label: 'Pending', tone: 'warning' };
  return {
    label: delivery.next_attempt_at
      ? `Failed · retrying at ${formatDateTime(delivery.next_attempt_at)}`
      : 'Failed · retrying',
    tone: 'destructive',
  };
}

const succeeded = (status: number | null) => status !== null && status >= 200 && status < 300;

/** One delivery: its state, its event (a link to the event page), and each attempt's answer. */
export function DeliveryRow({
  delivery,
  event,
  merchantId,
  action,
}: {
  delivery: Delivery;
  event: SluiceEvent | undefined;
  merchantId: string;
  action?: ReactNode;
}) {
  const last = delivery.attempts.at(-1);
  const eventType = delivery.event_type ?? event?.type;
  const state = deliveryState(delivery);
  return (
    <li data-testid="delivery" className="rounded-lg border border-border bg-card px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={state.tone}>
          <span data-testid="delivery-state">{state.label}</span>
        </Badge>
        {eventType ? <span className="font-mono text-sm font-medium">{eventType}</span> : null}
        <Link
          to={`/developers/${merchantId}/events/${delivery.event}`}
          className="min-w-0 truncate font-mono text-xs text-primary hover:underline"
        >
          {delivery.event}
        </Link>
        <span className="text-xs text-muted-foreground">{formatDateTime(delivery.created_at)}</span>
        <span className="flex-1" />
        {action}
      </div>
      {delivery.attempts.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">Not attempted yet</p>
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
                      className={succeeded(attempt.response_status) ? 'text-success' : 'text-destructive'}
                    >
                      {attempt.response_status ?? 'No response'}
                    </span>
                  </td>
                  <td className="pr-3 tabular-nums">{attempt.latency_ms} ms</td>
                  <td className="max-w-40 sm:max-w-72">
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
    </li>
  );
}
