import { toast } from 'sonner';
import { useSession } from '../../api/session.ts';
import { useSendMoney } from '../../api/transfers.ts';
import { useWallet } from '../../api/wallet.ts';
import { apiFetch } from '../../api/client.ts';
import { MoneyForm, type CheckResult } from '../../components/money-form.tsx';
import { useIdempotencyKey } from '../../lib/idempotency.ts';
import { knownName } from '../../lib/contacts.ts';
import { formatAmount } from '../../lib/money.ts';

/**
 * `Bob Lee (bob@example.com)`: the name the recipient check answered, else one this browser has
 * seen, else the email alone.
 */
function recipientLabel(email: string, checked: CheckResult | undefined): string {
  const name = checked?.name ?? knownName(email);
  return name ? `${name} (${email})` : email;
}

/** Who a transfer to `to` would reach (`POST /v1/wallet/recipient-check`, rate-limited). */
function checkRecipient(to: string): Promise<CheckResult> {
  return apiFetch<CheckResult>('/v1/wallet/recipient-check', { method: 'POST', body: { to } });
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
      check={(values) => checkRecipient(values.counterparty)}
      confirm={(values, checked) => ({
        title: 'Confirm payment',
        description: `Send ${formatAmount(values.amount, values.currency)} to ${recipientLabel(values.counterparty, checked)}${values.note ? ` for “${values.note}”` : ''}?`,
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
