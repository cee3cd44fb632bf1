import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import {
  useCatalog,
  useCreateReward,
  useDeadAwards,
  useJobs,
  useRedrive,
  useRunJob,
  useUpdateReward,
  type NewReward,
} from '../../api/rewards.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatDateTime } from '../../components/date-time.ts';

function NewRewardForm() {
  const create = useCreateReward();
  const [form, setForm] = useState({ name: '', description: '', price: '100', stock: '10', kind: 'voucher' });
  const [error, setError] = useState<{ param?: string | undefined; message: string } | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: NewReward = {
      name: form.name,
      description: form.description,
      price: Number(form.price),
      stock: Number(form.stock),
      kind: form.kind as NewReward['kind'],
    };
    create.mutate(input, {
      onSuccess: () => {
        setError(null);
        setForm({ ...form, name: '', description: '' });
        toast.success('Reward added');
      },
      onError: (failure) =>
        setError({ param: (failure as { param?: string }).param, message: errorMessage(failure) }),
    });
  };
  const fieldError = (param: string) => (error?.param === param ? error.message : undefined);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [name]: event.target.value });
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
      <Field label="Name" error={fieldError('name')}>
        <Input value={form.name} onChange={set('name')} required maxLength={100} />
      </Field>
      <Field label="Description" error={fieldError('description')}>
        <Input value={form.description} onChange={set('description')} maxLength={500} />
      </Field>
      <Field label="Price (coins)" error={fieldError('price')}>
        <Input value={form.price} onChange={set('price')} inputMode="numeric" />
      </Field>
      <Field label="Stock" error={fieldError('stock')}>
        <Input value={form.stock} onChange={set('stock')} inputMode="numeric" />
      </Field>
      <Field label="Kind">
        <select
          className="h-10 rounded-md border border-input bg-card px-3"
          value={form.kind}
          onChange={set('kind')}
        >
          <option value="voucher">Voucher</option>
          <option value="wallet_credit">Wallet credit (1 coin = $0.01)</option>
        </select>
      </Field>
      <div className="flex items-end">
        <Button type="submit" disabled={create.isPending}>
          Add reward
        </Button>
      </div>
      {error && !error.param ? (
        <p className="text-sm text-destructive sm:col-span-2">{error.message}</p>
      ) : null}
    </form>
  );
}

function CatalogAdmin() {
  const catalog = useCatalog();
  const update = useUpdateReward();
  if (catalog.isPending) return <Loading label="Loading rewards…" />;
  if (catalog.isError) return <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />;
  const change = (id: string, changes: { stock?: number; active?: boolean }) =>
    update.mutate({ id, changes }, { onError: (error) => toast.error(errorMessage(error)) });
  return (
    <ul className="divide-y divide-border">
      {catalog.data.data.map((reward) => (
        <li key={reward.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
          <span>
            {reward.name}{' '}
            <Badge tone={reward.active ? 'success' : 'neutral'}>
              {reward.active ? 'on offer' : 'withdrawn'}
            </Badge>
          </span>
          <span className="flex items-center gap-2 tabular-nums">
            {reward.price} coins · {reward.stock} left
            <Button
              size="sm"
              variant="outline"
              onClick={() => change(reward.id, { stock: reward.stock + 10 })}
            >
              +10 stock
            </Button>
            <Button size="sm" variant="ghost" onClick={() => change(reward.id, { active: !reward.active })}>
              {reward.active ? 'Withdraw' : 'Offer'}
            </Button>
          </span>
        </li>
      ))}
    </ul>
  );
}

function Jobs() {
  const jobs = useJobs();
  const run = useRunJob();
  if (jobs.isPending) return <Loading label="Loading jobs…" />;
  if (jobs.isError) return <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />;
  return (
    <ul className="divide-y divide-border">
      {jobs.data.data.map((job) => (
        <li key={job.name} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
          <span>
            <span className="font-medium">{job.name}</span>{' '}
            <code className="text-muted-foreground">{job.schedule}</code>
            <span className="block text-muted-foreground">
              last {job.last_run_at ? formatDateTime(job.last_run_at) : 'never'} · next{' '}
              {formatDateTime(job.next_run_at)}
            </span>
          </span>
          <Button
            size="sm"
            variant="outline"
            disabled={run.isPending}
            onClick={() =>
              run.mutate(job.name, {
                onSuccess: (result) => toast.success(`${job.name}: ${JSON.stringify(result.result)}`),
                onError: (error) => toast.error(errorMessage(error)),
              })
            }
          >
            Run now
          </Button>
        </li>
      ))}
    </ul>
  );
}

function DeadAwards() {
  const deads = useDeadAwards();
  const redrive = useRedrive();
  if (deads.isPending) return <Loading label="Loading dead letters…" />;
  if (deads.isError) return <ErrorState error={deads.error} onRetry={() => void deads.refetch()} />;
  if (deads.data.data.length === 0) return <p className="text-sm text-muted-foreground">No dead letters.</p>;
  return (
    <ul className="divide-y divide-border">
      {deads.data.data.map((dead) => (
        <li key={dead.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
          <span className="min-w-0">
            <code>{JSON.stringify(dead.body)}</code>
            <span className="block text-destructive">
              {dead.error} (after {dead.receive_count} attempts, {formatDateTime(dead.dead_at)})
            </span>
          </span>
          <Button
            size="sm"
            variant="outline"
            disabled={redrive.isPending}
            onClick={() =>
              redrive.mutate(dead.id, {
                onSuccess: () => toast.success('Sent back to the award queue'),
                onError: (error) => toast.error(errorMessage(error)),
              })
            }
          >
            Redrive
          </Button>
        </li>
      ))}
    </ul>
  );
}

/** Admin: the rewards catalogue, the scheduled jobs, and award dead letters. */
export function RewardsAdminPage() {
  return (
    <div>
      <PageHeader
        title="Rewards admin"
        description="The catalogue, the scheduled jobs and awards that kept failing."
      />
      <Card className="mb-6">
        <h2 className="mb-3 text-lg font-semibold">Add a reward</h2>
        <NewRewardForm />
      </Card>
      <Card className="mb-6">
        <h2 className="mb-2 text-lg font-semibold">Catalogue</h2>
        <CatalogAdmin />
      </Card>
      <Card className="mb-6">
        <h2 className="mb-2 text-lg font-semibold">Jobs</h2>
        <Jobs />
      </Card>
      <Card>
        <h2 className="mb-2 text-lg font-semibold">Dead awards</h2>
        <DeadAwards />
      </Card>
    </div>
  );
}
