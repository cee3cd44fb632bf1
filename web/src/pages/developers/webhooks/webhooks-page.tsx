import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../../api/client.ts';
import { useCreateEndpoint, useEndpoints } from '../../../api/webhooks.ts';
import { SecretDialog } from '../../../components/secret-dialog.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { useMerchantId } from '../merchant-shell.tsx';
import { EndpointHealth } from '../webhook-endpoint/webhook-endpoint-page.tsx';
import {
  EndpointFields,
  endpointErrorsFromApi,
  validateEndpoint,
  type EndpointDraft,
  type EndpointErrors,
} from './endpoint-fields.tsx';

/** Webhook endpoints: the list, and a form to add one (its signing secret shown once). Edit and delete are on each endpoint's page. */
export function WebhooksPage() {
  const merchantId = useMerchantId();
  const endpoints = useEndpoints(merchantId);
  const create = useCreateEndpoint(merchantId);
  const idempotency = useIdempotencyKey();
  const [draft, setDraft] = useState<EndpointDraft>({
    url: '',
    events: ['payment.captured', 'refund.succeeded'],
    description: '',
  });
  const [errors, setErrors] = useState<EndpointErrors>({});
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <div>
      <PageHeader
        title="Webhooks"
        description="Sluice POSTs signed events to your endpoints and retries failures with backoff for 3 days."
      />
      <Card className="mb-6">
        <h2 className="mb-3 font-semibold">Add an endpoint</h2>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            const next = validateEndpoint(draft);
            setErrors(next);
            if (Object.keys(next).length > 0) return;
            const description = draft.description.trim();
            const body = {
              url: draft.url.trim(),
              events: draft.events,
              ...(description ? { description } : {}),
            };
            create.mutate(
              { ...body, idempotencyKey: idempotency.keyFor(body) },
              {
                onSuccess: (endpoint) => {
                  idempotency.done();
                  setDraft((current) => ({ ...current, url: '', description: '' }));
                  setSecret(endpoint.secret ?? null);
                },
                onError: (error) => setErrors(endpointErrorsFromApi(error) ?? {}),
              },
            );
          }}
        >
          <EndpointFields
            draft={draft}
            errors={errors}
            onChange={(next, nextErrors) => {
              setDraft(next);
              setErrors(nextErrors);
            }}
          />
          {create.isError && Object.keys(errors).length === 0 ? (
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
                {endpoint.description ? <span className="w-full text-sm">{endpoint.description}</span> : null}
                <span className="w-full text-xs text-muted-foreground">{endpoint.events.join(', ')}</span>
                {endpoint.health ? (
                  <span className="w-full">
                    <EndpointHealth health={endpoint.health} />
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <SecretDialog
        title="Your endpoint's signing secret"
        kind="signingSecret"
        secret={secret}
        onClose={() => setSecret(null)}
      />
    </div>
  );
}
