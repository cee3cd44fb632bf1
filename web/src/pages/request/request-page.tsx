import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useRequestMoney } from '../../api/payment-requests.ts';
import { useSession } from '../../api/session.ts';
import { MoneyForm } from '../../components/money-form.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { useIdempotencyKey } from '../../lib/idempotency.ts';
import { formatAmount } from '../../lib/money.ts';

export function RequestPage() {
  const session = useSession();
  const request = useRequestMoney();
  const navigate = useNavigate();
  const idempotency = useIdempotencyKey();
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Request money" description="Ask someone to pay you; they can accept or decline." />
      <Card>
        <MoneyForm
          counterpartyParam="from"
          counterpartyLabel="Request from (email)"
          submitLabel="Send request"
          {...(session ? { ownEmail: session.user.email } : {})}
          onSubmit={async (values) => {
            const created = await request.mutateAsync({
              from: values.counterparty,
              amount: values.amount,
              currency: values.currency,
              ...(values.note ? { note: values.note } : {}),
              idempotencyKey: idempotency.keyFor(values),
            });
            idempotency.done();
            toast.success(
              `Requested ${formatAmount(created.amount, created.currency)} from ${created.payer_user?.name ?? values.counterparty}`,
            );
            void navigate('/requests?role=outgoing');
          }}
        />
      </Card>
    </div>
  );
}
