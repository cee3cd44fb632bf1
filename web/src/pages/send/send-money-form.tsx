import { toast } from 'sonner';
import { useSession } from '../../api/session.ts';
import { useSendMoney } from '../../api/transfers.ts';
import { useWallet } from '../../api/wallet.ts';
import { MoneyForm } from '../../components/money-form.tsx';
import { useIdempotencyKey } from '../../lib/idempotency.ts';
import { knownName } from '../../lib/contacts.ts';
import { formatAmount } from '../../lib/money.ts';

/** `Bob Lee (bob@example.com)` when this browser has seen the name, else the email. */
function recipientLabel(email: string): string {
  const name = knownName(email);
  return name ? `${name} (${email})` : email;
}

/** Send money: recipient, amount and note, a confirmation step, then one idempotent POST. */
export function SendMoneyForm({ onSent }: { onSent?: () => void }) {
  const session = useSession();
  const wallet = useWallet();
  const send = useSendMoney();
  const idempotency = useIdempotencyKey();
  const available = wallet.data?.balances.find((b) => b.currency === 'USD')?.available;
  return (
    <MoneyForm
      counterpartyParam="to"
      counterpartyLabel="Recipient email"
      submitLabel="Review"
      {...(session ? { ownEmail: session.user.email } : {})}
      available={available}
      confirm={(values) => ({
        title: 'Confirm payment',
        description: `Send ${formatAmount(values.amount, values.currency)} to ${recipientLabel(values.counterparty)}${values.note ? ` for “${values.note}”` : ''}?`,
        action: `Send ${formatAmount(values.amount, values.currency)}`,
      })}
      onSubmit={async (values) => {
        const transfer = await send.mutateAsync({
          to: values.counterparty,
          amount: values.amount,
          currency: values.currency,
          ...(values.note ? { note: values.note } : {}),
          idempotencyKey: idempotency.keyFor(values),
        });
        idempotency.done();
        toast.success(
          `Sent ${formatAmount(transfer.amount, transfer.currency)} to ${transfer.to_user?.name ?? values.counterparty}`,
          transfer.note ? { description: transfer.note } : {},
        );
        onSent?.();
      }}
    />
  );
}
