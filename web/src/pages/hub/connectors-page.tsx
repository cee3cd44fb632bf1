import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { Badge, type BadgeTone } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input, Textarea } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import {
  useConnectors,
  useCreateConnector,
  useDeleteConnector,
  useSetFault,
  type Connector,
  type ConnectorFault,
  type CreateConnector,
} from './api.ts';
import { RoutingEditor } from './routing-editor.tsx';

const breakerTone: Record<Connector['breaker']['state'], BadgeTone> = {
  closed: 'success',
  half_open: 'warning',
  open: 'destructive',
};
const providers: CreateConnector['provider'][] = ['sandbox_card', 'wallet', 'stripe', 'paypal', 'ach'];

/** What each provider's credentials look like, as the field's hint. */
const credentialHints: Partial<Record<CreateConnector['provider'], string>> = {
  stripe: '{"secret_key": "sk_test_…", "webhook_secret": "whsec_…"}',
  paypal: '{"client_id": "…", "client_secret": "…", "webhook_id": "…", "environment": "sandbox"}',
};

/** Connectors with their circuit breakers and fault controls, and the routing rules that pick them. */
export function ConnectorsPage() {
  const merchantId = useMerchantId();
  const connectors = useConnectors(merchantId);
  return (
    <div className="flex flex-col gap-8">
      <div>
        <PageHeader
          title="Connectors"
          description="Your providers behind one payments API. A breaker opens after repeated technical failures and probes the provider again later."
        />
        {connectors.isPending ? (
          <Loading label="Loading connectors…" />
        ) : connectors.isError ? (
          <ErrorState error={connectors.error} onRetry={() => void connectors.refetch()} />
        ) : connectors.data.data.length === 0 ? (
          <Empty title="No connectors">Connect sandbox_card below to take test cards at once.</Empty>
        ) : (
          <ul className="flex flex-col gap-3" aria-label="Connectors">
            {connectors.data.data.map((connector) => (
              <ConnectorRow key={connector.id} merchantId={merchantId} connector={connector} />
            ))}
          </ul>
        )}
        <NewConnector merchantId={merchantId} />
      </div>
      <RoutingEditor merchantId={merchantId} />
    </div>
  );
}

function ConnectorRow({ merchantId, connector }: { merchantId: string; connector: Connector }) {
  const setFault = useSetFault(merchantId);
  const remove = useDeleteConnector(merchantId);
  const [mode, setMode] = useState<ConnectorFault['mode']>('error');
  const [rate, setRate] = useState('1');
  const [count, setCount] = useState('');
  const { breaker, fault } = connector;
  return (
    <li>
      <Card className="flex flex-col gap-3 p-4" data-testid="connector-row">
        <div className="flex flex-wrap items-center gap-3">
          <span className="font-semibold">{connector.name}</span>
          <span className="font-mono text-sm text-muted-foreground">{connector.provider}</span>
          <Badge tone={breakerTone[breaker.state]}>breaker {breaker.state.replace('_', '-')}</Badge>
          <span className="text-sm text-muted-foreground">
            {breaker.window.failures} of {breaker.window.calls} calls failed lately
          </span>
          {fault ? (
            <Badge tone="warning">
              fault: {fault.mode} at {Math.round(fault.rate * 100)}%
              {fault.remaining !== null ? `, ${fault.remaining} left` : ''}
            </Badge>
          ) : null}
          <span className="ml-auto font-mono text-xs text-muted-foreground">{connector.id}</span>
        </div>
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label={`Fault injection for ${connector.name}`}
          onSubmit={(event) => {
            event.preventDefault();
            setFault.mutate({
              id: connector.id,
              fault: { mode, rate: Number(rate), ...(count ? { count: Number(count) } : {}) },
            });
          }}
        >
          <Field label="Fault">
            <select
              className="h-10 rounded-md border border-border bg-background px-2"
              value={mode}
              onChange={(event) => setMode(event.target.value as ConnectorFault['mode'])}
            >
              <option value="timeout">time out</option>
              <option value="error">fail (5xx)</option>
              <option value="decline">decline</option>
            </select>
          </Field>
          <Field label="Rate (0–1)">
            <Input
              className="w-24"
              inputMode="decimal"
              value={rate}
              onChange={(event) => setRate(event.target.value)}
            />
          </Field>
          <Field label="For N calls">
            <Input
              className="w-24"
              inputMode="numeric"
              placeholder="all"
              value={count}
              onChange={(event) => setCount(event.target.value)}
            />
          </Field>
          <Button type="submit" size="sm" disabled={setFault.isPending}>
            Inject
          </Button>
          {fault ? (
            <Button
              type="button"
              size="sm"
              variant="secondary"
              onClick={() => setFault.mutate({ id: connector.id, fault: null })}
            >
              Clear fault
            </Button>
          ) : null}
          <Button type="button" size="sm" variant="secondary" onClick={() => remove.mutate(connector.id)}>
            Remove
          </Button>
        </form>
        {setFault.isError ? <p className="text-sm text-destructive">{errorMessage(setFault.error)}</p> : null}
      </Card>
    </li>
  );
}

function NewConnector({ merchantId }: { merchantId: string }) {
  const create = useCreateConnector(merchantId);
  const [provider, setProvider] = useState<CreateConnector['provider']>('sandbox_card');
  const [credentials, setCredentials] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-2"
      aria-label="New connector"
      onSubmit={(event) => {
        event.preventDefault();
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = credentials.trim() ? (JSON.parse(credentials) as Record<string, unknown>) : undefined;
          setParseError(null);
        } catch {
          setParseError('Credentials must be a JSON object');
          return;
        }
        create.mutate(
          { provider, ...(parsed ? { credentials: parsed } : {}) },
          { onSuccess: () => setCredentials('') },
        );
      }}
    >
      <Field label="Provider">
        <select
          className="h-10 rounded-md border border-border bg-background px-2"
          value={provider}
          onChange={(event) => setProvider(event.target.value as CreateConnector['provider'])}
        >
          {providers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Credentials (JSON, sealed; never shown again)"
        error={parseError ?? (create.isError ? errorMessage(create.error) : undefined)}
      >
        <Textarea
          className="w-96 font-mono text-xs"
          rows={2}
          placeholder={credentialHints[provider] ?? 'None needed'}
          value={credentials}
          onChange={(event) => setCredentials(event.target.value)}
        />
      </Field>
      <Button type="submit" disabled={create.isPending}>
        Connect
      </Button>
    </form>
  );
}
