import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';
import { useIdempotencyKey } from '../lib/idempotency.ts';
import { parseAmount } from '../lib/money.ts';
import { Button } from './ui/button.tsx';
import { Field } from './ui/field.tsx';
import { Input } from './ui/input.tsx';

export interface PayoutFormProps<Body> {
  /** The payout's currency: the amount is read in it and labelled with it. */
  currency: string;
  submitLabel: string;
  /** The page's own fields (currency, destination, bank account, wallet user), after the amount. */
  children?: ReactNode;
  /** The request body for `amount` (minor units) and the page's own fields. */
  body: (amount: number) => Body;
  /**
   * Sends it (a mutation's `mutateAsync`); answers the payout or, under an approval policy, the
   * approval request (`object: 'approval_request'`) it waits on.
   */
  send: (request: { body: Body; idempotencyKey: string }) => Promise<{ object: string }>;
  pending: boolean;
  /** The last request's error (the mutation's), shown under the form: a server's answer can be long. */
  error: unknown;
  /** After a payout was made or requested, for the page to clear its own fields. */
  onSent?: () => void;
}

/**
 * The "New payout" form of a merchant's and of a vendor's payouts: an amount in `currency`, the
 * page's fields, and what became of it. One Idempotency-Key per body, so a retried click pays once.
 */
export function PayoutForm<Body>({
  currency,
  submitLabel,
  children,
  body,
  send,
  pending,
  error,
  onSent,
}: PayoutFormProps<Body>) {
  const idempotency = useIdempotencyKey();
  const [amount, setAmount] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <form
        className="mb-4 flex flex-wrap items-end gap-2"
        aria-label="New payout"
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = parseAmount(amount, currency);
          if (!parsed.ok) return setFormError(parsed.error);
          setFormError(null);
          const request = body(parsed.minor);
          send({ body: request, idempotencyKey: idempotency.keyFor(request) }).then(
            (answer) => {
              idempotency.done();
              setAmount('');
              onSent?.();
              setNotice(
                answer.object === 'approval_request'
                  ? 'The payout waits for approval: see the approval inbox.'
                  : 'Paid out.',
              );
            },
            // The mutation holds the error; `error` shows it.
            () => undefined,
          );
        }}
      >
        <Field label={`Amount (${currency})`} error={formError ?? undefined}>
          <Input
            className="w-32"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </Field>
        {children}
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </form>
      {error ? (
        <p className="mb-3 text-sm text-destructive" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="mb-3 text-sm text-muted-foreground">
          {notice}
        </p>
      ) : null}
    </>
  );
}
