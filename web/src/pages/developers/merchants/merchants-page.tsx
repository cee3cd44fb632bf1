import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CopyId } from '../../../components/copy-id.tsx';
import { ApiError, errorMessage } from '../../../api/client.ts';
import { useCreateMerchant, useMerchants } from '../../../api/merchants.ts';
import { Button } from '../../../components/ui/button.tsx';
import { Card, PageHeader } from '../../../components/ui/card.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { formatDateTime } from '../format.ts';

/** `/developers`: pick one of your sandbox merchants, or create one. */
export function MerchantsPage() {
  const merchants = useMerchants();
  const create = useCreateMerchant();
  const idempotency = useIdempotencyKey();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();

  return (
    <div>
      <PageHeader
        title="Developers"
        description="Build and test a card integration against the Sluice payments sandbox."
      >
        <a className="text-sm font-medium text-primary underline-offset-4 hover:underline" href="/docs">
          API reference
        </a>
      </PageHeader>
      <div className="grid gap-6 md:grid-cols-[1fr_18rem]">
        <section aria-labelledby="merchants-heading">
          <h2 id="merchants-heading" className="mb-3 font-semibold">
            Your merchants
          </h2>
          {merchants.isPending ? (
            <Loading />
          ) : merchants.isError ? (
            <ErrorState error={merchants.error} onRetry={() => void merchants.refetch()} />
          ) : merchants.data.data.length === 0 ? (
            <Empty title="No merchants yet">
              Create a sandbox merchant to get API keys and take test payments.
            </Empty>
          ) : (
            <ul className="flex flex-col gap-2">
              {merchants.data.data.map((merchant) => (
                <li key={merchant.id}>
                  <Link
                    to={`/developers/${merchant.id}`}
                    className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-border bg-card px-4 py-3 hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
                  >
                    <span className="font-medium">{merchant.name}</span>
                    <CopyId id={merchant.id} className="text-muted-foreground" />
                    <span className="w-full text-xs text-muted-foreground">
                      Created {formatDateTime(merchant.created_at)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <Card>
          <h2 className="mb-3 font-semibold">New merchant</h2>
          <form
            className="flex flex-col gap-3"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              const trimmed = name.trim();
              if (!trimmed) return setError('Enter a name');
              if (trimmed.length > 200) return setError('At most 200 characters');
              setError(undefined);
              create.mutate(
                { name: trimmed, idempotencyKey: idempotency.keyFor({ name: trimmed }) },
                {
                  onSuccess: (merchant) => {
                    idempotency.done();
                    void navigate(`/developers/${merchant.id}`);
                  },
                  onError: (e) =>
                    setError(e instanceof ApiError && e.param === 'name' ? e.message : undefined),
                },
              );
            }}
          >
            <Field label="Merchant name" error={error}>
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Acme Coffee"
                maxLength={200}
              />
            </Field>
            {create.isError && !error ? (
              <p role="alert" className="text-sm text-destructive">
                {errorMessage(create.error)}
              </p>
            ) : null}
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create merchant'}
            </Button>
          </form>
        </Card>
      </div>
    </div>
  );
}
