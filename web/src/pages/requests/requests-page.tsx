import { useState } from 'react';
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
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Email } from '../../components/copy-id.tsx';
import { formatDateTime } from '../../components/date-time.ts';
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

const statusLabel: Record<PaymentRequest['status'], string> = {
  pending: 'Pending',
  paid: 'Paid',
  declined: 'Declined',
  canceled: 'Canceled',
};

function RequestRow({ request, role }: { request: PaymentRequest; role: PaymentRequestRole }) {
  const action = usePaymentRequestAction();
  const [confirming, setConfirming] = useState(false);
  const amount = formatAmount(request.amount, request.currency);
  const other = role === 'incoming' ? request.requester_user : request.payer_user;
  const who = personLabel(other, role === 'incoming' ? request.requester : request.payer);
  const act = (name: PaymentRequestAction, done: string) =>
    action.mutate(
      { id: request.id, action: name },
      {
        onSuccess: () => {
          setConfirming(false);
          toast.success(done);
        },
        onError: (error) => {
          if (name !== 'accept') toast.error(errorMessage(error));
        },
      },
    );
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="payment-request">
      <div className="min-w-0">
        <p className="font-medium">
          {role === 'incoming' ? `${who} requests ` : `You requested from ${who} `}
          <span className="tabular-nums">{amount}</span>
        </p>
        <p className="text-sm text-muted-foreground">
          <span className={cn('mr-2 rounded px-1.5 py-0.5 text-xs font-medium', statusStyle[request.status])}>
            {statusLabel[request.status]}
          </span>
          <time dateTime={request.created_at}>{formatDateTime(request.created_at)}</time>
          {other?.email ? (
            <>
              {' · '}
              <Email email={other.email} className="align-baseline" />
            </>
          ) : null}
          {request.note ? ` · ${request.note}` : ''}
        </p>
      </div>
      {request.status === 'pending' ? (
        <div className="flex gap-2">
          {role === 'incoming' ? (
            <>
              <Button size="sm" disabled={action.isPending} onClick={() => setConfirming(true)}>
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
              <ConfirmDialog
                open={confirming}
                onOpenChange={(open) => {
                  setConfirming(open);
                  if (!open) action.reset();
                }}
                title="Confirm payment"
                description={`Pay ${amount} to ${who}${other?.email && other.email !== who ? ` (${other.email})` : ''}${request.note ? ` for “${request.note}”` : ''}? It leaves your balance at once.`}
                action={`Pay ${amount}`}
                pending={action.isPending}
                error={action.error}
                onConfirm={() => act('accept', `Paid ${amount} to ${who}`)}
              />
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
