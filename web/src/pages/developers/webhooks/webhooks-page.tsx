import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client.ts';
import { useCreateEndpoint, useEndpoints, webhookEventTypes } from '../../../api/webhooks.ts';
import { SecretDialog } from '../../../components/secret-dialog.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** Webhook endpoints: the list, and a form to add one (its signing secret shown once). */
export function WebhooksPage() {
  const merchantId = useMerchantId();
  const endpoints = useEndpoints(merchantId);
  const create = useCreateEndpoint(merchantId);
  const idempotency = useIdempotencyKey();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['payment.captured', 'refund.succeeded']);
  const [errors, setErrors] = useState<{ url?: string; events?: string }>({});
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <div>
      <PageHeader title="Webhooks" description="Sluice POSTs signed events to your endpoints and retries failures with backoff for 3 days." />
      <Card className="mb-6">
        <h2 className="mb-3 font-semibold">Add an endpoint</h2>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            const next: typeof errors = {};
            try {
              const parsed = new URL(url.trim());
              if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') next.url = 'Use an http:// or https:// URL';
            } catch {
              next.url = 'Enter a full URL, e.g. https://example.com/webhooks';
            }
            if (events.length === 0) next.events = 'Pick at least one event';
            setErrors(next);
            if (next.url || next.events) return;
            const body = { url: url.trim(), events };
            create.mutate(
              { ...body, idempotencyKey: idempotency.keyFor(body) },
              {
                onSuccess: (endpoint) => {
                  idempotency.done();
                  setUrl('');
                  setSecret(endpoint.secret ?? null);
                },
                onError: (error) => {
                  if (error instanceof ApiError && error.param?.startsWith('url')) setErrors({ url: error.message });
                  else if (error instanceof ApiError && error.param?.startsWith('events')) setErrors({ events: error.message });
                },
              },
            );
          }}
        >
          <Field label="Endpoint URL" error={errors.url}>
            <Input type="url" inputMode="url" autoComplete="off" placeholder="https://example.com/webhooks/sluice" value={url} onChange={(e) => setUrl(e.target.value)} />
          </Field>
          <fieldset aria-describedby={errors.events ? 'events-error' : undefined}>
            <legend className="mb-2 text-sm font-medium">Events to send</legend>
            <div className="grid gap-1.5 sm:grid-cols-2 lg:grid-cols-3">
              {webhookEventTypes.map((type) => (
                <label key={type} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-primary"
                    checked={events.includes(type)}
                    onChange={(e) => setEvents((current) => (e.target.checked ? [...current, type] : current.filter((t) => t !== type)))}
                  />
                  <span className="font-mono">{type}</span>
                </label>
              ))}
            </div>
            <div className="mt-2 flex gap-2">
              <Button variant="ghost" size="sm" onClick={() => setEvents([...webhookEventTypes])}>
                Select all
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setEvents([])}>
                Clear
              </Button>
            </div>
            {errors.events ? (
              <p id="events-error" className="mt-1 text-sm text-destructive">
                {errors.events}
              </p>
            ) : null}
          </fieldset>
          {create.isError && !errors.url && !errors.events ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(create.error)}
            </p>
          ) : null}
          <Button type="submit" className="self-start" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add endpoint'}
          </Button>
        </form>
      </Card>
      {endpoints.isPending ? (
        <Loading />
      ) : endpoints.isError ? (
        <ErrorState error={endpoints.error} onRetry={() => void endpoints.refetch()} />
      ) : endpoints.data.data.length === 0 ? (
        <Empty title="No webhook endpoints yet" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="Webhook endpoints">
          {endpoints.data.data.map((endpoint) => (
            <li key={endpoint.id}>
              <Link
                to={`/developers/${merchantId}/webhooks/${endpoint.id}`}
                data-testid="webhook-endpoint"
                className="flex flex-wrap items-center gap-2 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
              >
                <span className="min-w-0 flex-1 truncate font-mono text-sm">{endpoint.url}</span>
                <Badge tone={endpoint.status === 'enabled' ? 'success' : 'neutral'}>{endpoint.status}</Badge>
                <span className="w-full text-xs text-muted-foreground">{endpoint.events.join(', ')}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <SecretDialog title="Your endpoint's signing secret" secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
