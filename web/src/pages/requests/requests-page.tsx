import { useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import {
  usePaymentRequestAction,
  usePaymentRequests,
  type PaymentRequest,
  type PaymentRequestAction,
  type PaymentRequestRole,
} from '../../api/payment-requests.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { cn } from '../../lib/cn.ts';
import { personLabel } from '../../lib/contacts.ts';
import { formatAmount } from '../../lib/money.ts';

const statusStyle: Record<PaymentRequest['status'], string> = {
  pending: 'bg-secondary text-secondary-foreground',
  paid: 'bg-muted text-success',
  declined: 'bg-muted text-destructive',
  canceled: 'bg-muted text-muted-foreground',
};

const roles: Array<{ role: PaymentRequestRole; label: string }> = [
  { role: 'incoming', label: 'Incoming' },
  { role: 'outgoing', label: 'Outgoing' },
];

function RequestRow({ request, role }: { request: PaymentRequest; role: PaymentRequestRole }) {
  const action = usePaymentRequestAction();
  const amount = formatAmount(request.amount, request.currency);
  const act = (name: PaymentRequestAction, done: string) =>
    action.mutate(
      { id: request.id, action: name },
      { onSuccess: () => toast.success(done), onError: (error) => toast.error(errorMessage(error)) },
    );
  const other = role === 'incoming' ? request.requester_user : request.payer_user;
  const who = personLabel(other, role === 'incoming' ? request.requester : request.payer);
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="payment-request">
      <div className="min-w-0">
        <p className="font-medium">
          {role === 'incoming' ? `${who} requests ` : `You requested from ${who} `}
          <span className="tabular-nums">{amount}</span>
        </p>
        <p className="text-sm text-muted-foreground">
          <span className={cn('mr-2 rounded px-1.5 py-0.5 text-xs font-medium', statusStyle[request.status])}>
            {request.status}
          </span>
          {[other?.email, request.note].filter(Boolean).join(' · ')}
        </p>
      </div>
      {request.status === 'pending' ? (
        <div className="flex gap-2">
          {role === 'incoming' ? (
            <>
              <Button
                size="sm"
                disabled={action.isPending}
                onClick={() => act('accept', `Paid ${amount} to ${who}`)}
              >
                Pay {amount}
              </Button>
              <Button
                size="sm"
                variant="outline"
                disabled={action.isPending}
                onClick={() => act('decline', 'Request declined')}
              >
                Decline
              </Button>
            </>
          ) : (
            <Button
              size="sm"
              variant="outline"
              disabled={action.isPending}
              onClick={() => act('cancel', 'Request canceled')}
            >
              Cancel request
            </Button>
          )}
        </div>
      ) : null}
    </li>
  );
}

export function RequestsPage() {
  const [params, setParams] = useSearchParams();
  const role: PaymentRequestRole = params.get('role') === 'outgoing' ? 'outgoing' : 'incoming';
  const requests = usePaymentRequests(role);
  return (
    <div>
      <PageHeader title="Requests" description="Money people asked you for, and money you asked for." />
      <div
        role="group"
        aria-label="Which requests"
        className="mb-4 inline-flex rounded-md border border-border bg-card p-1"
      >
        {roles.map((r) => (
          <button
            key={r.role}
            type="button"
            aria-pressed={role === r.role}
            onClick={() => setParams({ role: r.role })}
            className={cn(
              'rounded px-4 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring',
              role === r.role ? 'bg-primary text-primary-foreground' : 'text-foreground hover:bg-muted',
            )}
          >
            {r.label}
          </button>
        ))}
      </div>
      {requests.isPending ? (
        <Loading label="Loading requests…" />
      ) : requests.isError ? (
        <ErrorState error={requests.error} onRetry={() => void requests.refetch()} />
      ) : requests.data.data.length === 0 ? (
        <Empty
          title={role === 'incoming' ? 'Nobody has asked you for money' : 'You have not requested money yet'}
        />
      ) : (
        <Card className="py-1 sm:py-1">
          <ul className="divide-y divide-border">
            {requests.data.data.map((request) => (
              <RequestRow key={request.id} request={request} role={role} />
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
