import { useState } from 'react';
import { errorMessage } from '../../../api/client.ts';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKey } from '../../../api/merchants.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { SecretDialog } from '../../../components/secret-dialog.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { formatDateTime } from '../format.ts';
import { useMerchantId } from '../merchant-shell.tsx';

/** API keys: list, create (the secret shown once), revoke. */
export function ApiKeysPage() {
  const merchantId = useMerchantId();
  const keys = useApiKeys(merchantId);
  const create = useCreateApiKey(merchantId);
  const revoke = useRevokeApiKey(merchantId);
  const idempotency = useIdempotencyKey();
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <div>
      <PageHeader
        title="API keys"
        description="Secret keys authenticate your server: Authorization: Bearer sk_test_…"
      />
      <Card className="mb-6">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            const body = name.trim() ? { name: name.trim() } : {};
            create.mutate(
              { ...body, idempotencyKey: idempotency.keyFor(body) },
              {
                onSuccess: (key) => {
                  idempotency.done();
                  setName('');
                  setSecret(key.secret);
                },
              },
            );
          }}
        >
          <div className="min-w-48 flex-1">
            <Field
              label="Key name (optional)"
              error={create.isError ? errorMessage(create.error) : undefined}
            >
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="checkout server"
                maxLength={200}
              />
            </Field>
          </div>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create secret key'}
          </Button>
        </form>
      </Card>
      {keys.isPending ? (
        <Loading />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.data.length === 0 ? (
        <Empty title="No API keys yet" />
      ) : (
        <ul className="flex flex-col gap-2" aria-label="API keys">
          {keys.data.data.map((key) => (
            <li
              key={key.id}
              data-testid="api-key"
              className="flex flex-wrap items-center gap-3 rounded-lg border border-border bg-card px-4 py-3"
            >
              <div className="min-w-0 flex-1">
                <p className="font-medium">{key.name ?? 'Unnamed key'}</p>
                <p className="font-mono text-sm text-muted-foreground">sk_test_…{key.last4}</p>
                <p className="text-xs text-muted-foreground">
                  Created {formatDateTime(key.created_at)} · {key.rate_limit_per_minute} requests/min
                </p>
              </div>
              {key.revoked_at ? (
                <Badge tone="destructive">Revoked {formatDateTime(key.revoked_at)}</Badge>
              ) : (
                <Button
                  variant="outline"
                  size="sm"
                  onClick={() => setRevoking(key)}
                  aria-label={`Revoke ${key.name ?? key.last4}`}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <SecretDialog
        title="Your new secret key"
        kind="apiKey"
        secret={secret}
        onClose={() => setSecret(null)}
      />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRevoking(null);
            revoke.reset();
          }
        }}
        title="Revoke API key?"
        description={`Requests with sk_test_…${revoking?.last4 ?? ''} will be refused at once. This cannot be undone.`}
        action="Revoke key"
        destructive
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
      />
    </div>
  );
}
